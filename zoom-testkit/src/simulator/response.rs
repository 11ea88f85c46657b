//! Answers as the simulator builds them ([`SimResponse`]) and their hyper form.

use std::error::Error as StdError;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{Response, StatusCode};
use hyper::body::{Body, Frame, SizeHint};
use serde_json::{Value, json};
use tokio::time::Sleep;

use super::clock;

/// `Content-Type` of every JSON answer, as Zoom writes it.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json;charset=UTF-8";
/// Name of Zoom's tracking-id header.
pub(crate) const TRACKING_ID: &str = "x-zm-trackingid";

type BoxError = Box<dyn StdError + Send + Sync>;

/// How long a broken body waits after its part before failing, so that the
/// part is flushed to the socket first.
const FLUSH_PAUSE: Duration = Duration::from_millis(50);

/// How the body reaches the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// The whole body, then the connection stays usable.
    Complete,
    /// `Content-Length` of the whole body, only this many bytes, then the
    /// connection is closed.
    BreakAfter(usize),
}

/// The values of the `X-RateLimit-*` headers of one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateInfo {
    /// `X-RateLimit-Type`: `QPS` or `Daily-limit`.
    pub(crate) kind: &'static str,
    pub(crate) limit: u32,
    pub(crate) remaining: u32,
}

impl RateInfo {
    /// QPS headers with `remaining` left.
    pub(crate) fn qps(limit: u32, remaining: u32) -> Self {
        Self {
            kind: "QPS",
            limit,
            remaining,
        }
    }
}

/// One answer before it is turned into a hyper response.
#[derive(Debug, Clone)]
pub(crate) struct SimResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Bytes,
    /// Rate-limit headers to send (Zoom answers); `None` with `bare` false is
    /// filled in by the router.
    pub(crate) rate: Option<RateInfo>,
    /// No tracking id, no rate-limit headers (admin answers, the no-headers 429).
    pub(crate) bare: bool,
    pub(crate) delivery: Delivery,
}

impl SimResponse {
    /// An answer with the given status, body and content type.
    pub(crate) fn new(status: StatusCode, content_type: Option<&str>, body: Bytes) -> Self {
        let headers = content_type
            .map(|ct| vec![("content-type", ct.to_owned())])
            .unwrap_or_default();
        Self {
            status,
            headers,
            body,
            rate: None,
            bare: false,
            delivery: Delivery::Complete,
        }
    }

    /// A JSON answer.
    pub(crate) fn json(status: StatusCode, value: &Value) -> Self {
        Self::new(
            status,
            Some(JSON_CONTENT_TYPE),
            Bytes::from(value.to_string()),
        )
    }

    /// Zoom's error shape: `{"code":…,"message":…}`.
    pub(crate) fn error(status: StatusCode, code: i64, message: impl Into<String>) -> Self {
        Self::json(status, &json!({"code": code, "message": message.into()}))
    }

    /// `204 No Content`.
    pub(crate) fn no_content() -> Self {
        Self::new(StatusCode::NO_CONTENT, None, Bytes::new())
    }

    /// `404 {"code":404,"message":"Not found"}`.
    pub(crate) fn not_found() -> Self {
        Self::error(StatusCode::NOT_FOUND, 404, "Not found")
    }

    /// `405` with an `Allow` header.
    pub(crate) fn method_not_allowed(allow: &str) -> Self {
        Self::error(StatusCode::METHOD_NOT_ALLOWED, 405, "Method Not Allowed")
            .header("allow", allow)
    }

    /// Adds a header.
    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Sets the rate-limit headers unless already set.
    pub(crate) fn or_rate(mut self, rate: RateInfo) -> Self {
        self.rate.get_or_insert(rate);
        self
    }

    /// Marks the answer as carrying no Zoom headers.
    pub(crate) fn bare(mut self) -> Self {
        self.bare = true;
        self
    }

    /// The hyper response.
    pub(crate) fn into_hyper(self) -> Response<SimBody> {
        let mut response = Response::new(SimBody::Full(None));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        let mut put = |name: &str, value: &str| {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                headers.append(name, value);
            }
        };
        if !self.bare {
            put(
                TRACKING_ID,
                &format!("v=2.0;clid=sim;rid=SIM_{}", clock::random_hex(2)),
            );
            if let Some(rate) = &self.rate {
                put("x-ratelimit-category", "Light");
                put("x-ratelimit-type", rate.kind);
                put("x-ratelimit-limit", &rate.limit.to_string());
                put("x-ratelimit-remaining", &rate.remaining.to_string());
            }
        }
        for (name, value) in &self.headers {
            put(name, value);
        }
        let body = match self.delivery {
            Delivery::Complete => SimBody::Full(Some(self.body)),
            Delivery::BreakAfter(sent) => {
                put(CONTENT_LENGTH.as_str(), &self.body.len().to_string());
                let sent = sent.min(self.body.len());
                SimBody::Broken {
                    part: Some(self.body.slice(..sent)),
                    pause: None,
                }
            }
        };
        if response.status() == StatusCode::NO_CONTENT {
            response.headers_mut().remove(CONTENT_TYPE);
        }
        *response.body_mut() = body;
        response
    }
}

/// The body of every simulator answer.
#[derive(Debug)]
pub(crate) enum SimBody {
    /// The whole body in one frame (`None` once sent).
    Full(Option<Bytes>),
    /// A part of the body, a short pause (so hyper flushes the part), then an
    /// error that makes hyper drop the connection.
    Broken {
        /// The bytes still to send before failing.
        part: Option<Bytes>,
        /// Started once the part is handed over.
        pause: Option<Pin<Box<Sleep>>>,
    },
}

impl Body for SimBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match self.get_mut() {
            SimBody::Full(body) => Poll::Ready(
                body.take()
                    .filter(|b| !b.is_empty())
                    .map(|b| Ok(Frame::data(b))),
            ),
            SimBody::Broken { part, pause } => {
                if let Some(part) = part.take().filter(|b| !b.is_empty()) {
                    return Poll::Ready(Some(Ok(Frame::data(part))));
                }
                let pause = pause.get_or_insert_with(|| Box::pin(tokio::time::sleep(FLUSH_PAUSE)));
                match pause.as_mut().poll(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(()) => Poll::Ready(Some(Err("simulated connection drop".into()))),
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, SimBody::Full(body) if body.as_ref().is_none_or(Bytes::is_empty))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            SimBody::Full(body) => {
                SizeHint::with_exact(body.as_ref().map_or(0, |b| b.len() as u64))
            }
            SimBody::Broken { .. } => SizeHint::default(),
        }
    }
}
