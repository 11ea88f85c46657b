//! Sending one delivery: its tries at Zoom's (scaled) delays, each signed anew and POSTed
//! over a new HTTP/1.1 connection, each outcome handed to the caller's `record`.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use serde::{Deserialize, Serialize};

use super::clock::unix_millis;
use super::config::WebhookConfig;
use crate::webhooks::{self, Delivery};

/// The `User-Agent` Zoom's deliveries carry.
const USER_AGENT: &str = "Zoom Marketplace/1.0a";

/// One try of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookAttempt {
    /// When the try was sent, in Unix milliseconds.
    pub sent_at_ms: u64,
    /// The receiver's status code, if it answered in time.
    pub status: Option<u16>,
    /// Why there is no status code (no connection, no answer in time), if there is none.
    pub error: Option<String>,
}

impl WebhookAttempt {
    /// Whether the receiver acknowledged it (a 2xx in time).
    pub fn acknowledged(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

pub(super) fn failed(error: impl Into<String>) -> WebhookAttempt {
    WebhookAttempt {
        sent_at_ms: unix_millis(SystemTime::now()),
        status: None,
        error: Some(error.into()),
    }
}

/// Tries delivery `id` to `url` (after `delay`) until a 2xx comes back in time, waiting
/// Zoom's (scaled) delays in between, and records each try.
pub(super) async fn deliver(
    record: impl Fn(WebhookAttempt, bool),
    config: WebhookConfig,
    url: http::Uri,
    delay: Duration,
    body: Vec<u8>,
) {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let delays = config.retry_delays();
    for try_number in 0..=delays.len() {
        if let Some(delay) = try_number.checked_sub(1).and_then(|i| delays.get(i)) {
            tokio::time::sleep(*delay).await;
        }
        // Signed anew each time, like Zoom: a retry an hour later is not stale.
        let delivery = Delivery::signed(
            config.secret_token().expose_secret(),
            webhooks::unix_now(),
            body.clone(),
        );
        let sent_at_ms = unix_millis(SystemTime::now());
        let attempt = match tokio::time::timeout(config.timeout(), post(&url, delivery)).await {
            Ok(Ok(status)) => WebhookAttempt {
                sent_at_ms,
                status: Some(status),
                error: None,
            },
            Ok(Err(error)) => WebhookAttempt {
                sent_at_ms,
                status: None,
                error: Some(error),
            },
            Err(_) => WebhookAttempt {
                sent_at_ms,
                status: None,
                error: Some(format!("no answer within {:?}", config.timeout())),
            },
        };
        let done = attempt.acknowledged();
        record(attempt, try_number == delays.len());
        if done {
            return;
        }
    }
}

/// POSTs `delivery` to `url` over a new HTTP/1.1 connection; the answer's status code. The
/// caller bounds the time.
async fn post(url: &http::Uri, delivery: Delivery) -> Result<u16, String> {
    let host = url.host().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = url.port_u16().unwrap_or(80);
    let target = url.path_and_query().map_or("/", |p| p.as_str());
    let stream = TcpStream::connect((host, port))
        .await
        .map_err(|e| format!("cannot connect: {e}"))?;
    let _ = stream.set_nodelay(true);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("cannot talk HTTP/1.1: {e}"))?;
    let (mut parts, body) = delivery.to_request(target).into_parts();
    if let Some(authority) = url.authority()
        && let Ok(value) = http::HeaderValue::from_str(authority.as_str())
    {
        parts.headers.insert(http::header::HOST, value);
    }
    parts.headers.insert(
        http::header::USER_AGENT,
        http::HeaderValue::from_static(USER_AGENT),
    );
    let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
    let answer = sender.send_request(request);
    tokio::pin!(answer, connection);
    let response = tokio::select! {
        biased;
        response = &mut answer => response,
        // The connection ended first (the receiver closed it): the answer is settled now.
        _ = &mut connection => answer.await,
    };
    response
        .map(|r| r.status().as_u16())
        .map_err(|e| format!("no answer: {e}"))
}
