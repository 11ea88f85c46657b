//! Scripted faults: [`FaultRule`], [`Fault`], [`RetryAfterForm`] and the
//! answers they produce.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::StatusCode;
use serde::{Deserialize, Serialize};

use super::clock;
use super::config::{DEMO_STATIC_TOKEN, SimStream, TOKEN_SCOPE};
use super::limits::{QPS_MESSAGE, RateInfo, too_many};
use super::request::ApiRequest;
use super::response::{Delivery, JSON_CONTENT_TYPE, SimResponse};

/// When a [`Fault`] applies. Rules are checked in the order they were pushed;
/// the first matching rule with uses left answers the request (and loses one use).
///
/// A fault acts like a proxy in front of Zoom: it applies before
/// authentication, rate limits and state, and a request answered by a fault
/// changes no state (it is still recorded).
///
/// As JSON (admin API `POST /__admin/faults`), every field but `fault` is optional:
/// `{"path_prefix":"/v2/meetings/85746065432/livestream","method":"GET","times":2,"fault":{"type":"status","status":503}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Matches paths that start with this (raw, percent-encoded) text;
    /// `None` matches every `/v2` and `/oauth` path.
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// Matches this method only (case-insensitive); `None` = any method.
    #[serde(default)]
    pub method: Option<String>,
    /// `Some(n)`: the next `n` matching requests; `None`: forever.
    #[serde(default)]
    pub times: Option<usize>,
    /// What happens to a matching request.
    pub fault: Fault,
}

impl FaultRule {
    /// A rule applying `fault` to every request, forever.
    pub fn new(fault: Fault) -> Self {
        Self {
            path_prefix: None,
            method: None,
            times: None,
            fault,
        }
    }

    /// Restricts the rule to paths starting with `prefix`.
    pub fn path(mut self, prefix: impl Into<String>) -> Self {
        self.path_prefix = Some(prefix.into());
        self
    }

    /// Restricts the rule to one method.
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Limits the rule to the next `n` matching requests.
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }

    /// Limits the rule to the next matching request.
    pub fn once(self) -> Self {
        self.times(1)
    }

    fn matches(&self, request: &ApiRequest) -> bool {
        let path_ok = match &self.path_prefix {
            Some(prefix) => request.path.starts_with(prefix.as_str()),
            None => request.path.starts_with("/v2") || request.path.starts_with("/oauth"),
        };
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(request.method.as_str()));
        path_ok && method_ok && self.times != Some(0)
    }
}

/// A misbehaviour of Zoom or of the network between client and Zoom.
///
/// As JSON the variant is named by `type` in snake case, e.g.
/// `{"type":"status","status":503}`, `{"type":"drop_before_response"}`,
/// `{"type":"rate_limited","retry_after":{"form":"seconds","seconds":5}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Fault {
    /// 429 with the per-second message and the given `Retry-After` form.
    RateLimited {
        /// How the answer says when to retry (default: `Retry-After: 1`).
        #[serde(default)]
        retry_after: RetryAfterForm,
    },
    /// An error status (500/502/503/504…) with body `{"code":<status>,"message":"…"}`.
    Status {
        /// The HTTP status.
        status: u16,
    },
    /// Wait, then answer normally.
    Delay {
        /// How long to wait, in milliseconds.
        millis: u64,
    },
    /// Close the connection without writing anything.
    DropBeforeResponse,
    /// Status and headers with the `Content-Length` of the real body, part of
    /// the body, then the connection is closed.
    DropDuringResponse,
    /// A complete 200 whose JSON body is cut in half (`Content-Length` of the cut body).
    TruncatedBody,
    /// A 200 JSON answer of exactly `bytes` bytes.
    OversizedBody {
        /// Body size.
        bytes: usize,
    },
    /// A 200 `application/json` answer whose body is `{"stream_url": "https://x", `.
    InvalidJson,
    /// An HTML error page, like a proxy in front of Zoom would send.
    HtmlErrorPage {
        /// The HTTP status, e.g. 502.
        status: u16,
    },
    /// A token answer (for `POST /oauth/token`) with this `expires_in`, e.g. 0 or
    /// `u64::MAX`. The token is [`DEMO_STATIC_TOKEN`], which the default configuration
    /// accepts forever, so calls made with it succeed. Other paths answer normally; scope
    /// the rule with `path_prefix: "/oauth/token"`.
    TokenExpiresIn {
        /// The `expires_in` of the answer, in seconds.
        expires_in: u64,
    },
    /// An error answer whose message holds control characters: a newline that forges a
    /// log line, an ANSI escape sequence (ESC `[2J`, clear screen; ESC `[31m`, red) and BEL.
    ControlCharacters {
        /// The HTTP status, e.g. 500.
        status: u16,
        /// `true`: Zoom's JSON error shape, the characters JSON-escaped in `message`;
        /// `false`: a `text/plain` body with the raw characters.
        json: bool,
    },
    /// A 200 (the normal answer) with one extra header `x-padding` of `bytes` bytes.
    HugeHeader {
        /// Length of the header value, e.g. 1048576.
        bytes: usize,
    },
    /// A 200 (the normal answer) with `count` extra `x-padding: 1` headers.
    ManyHeaders {
        /// How many headers, e.g. 10000.
        count: usize,
    },
}

/// The shape of a [`Fault::RateLimited`] answer's `Retry-After`.
///
/// As JSON: `{"form":"seconds","seconds":5}`, `{"form":"http_date","seconds_from_now":5}`,
/// `{"form":"iso8601","seconds_from_now":5}`, `{"form":"no_headers"}`,
/// `{"form":"raw","value":"9999-12-31T23:59:59-99:99"}`. A date more than 9999 years
/// ahead (`seconds_from_now` up to `u64::MAX`) is sent as 9999-12-31T23:59:59Z, the last
/// second an HTTP date can name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum RetryAfterForm {
    /// `Retry-After: <seconds>`.
    Seconds {
        /// Delta-seconds.
        seconds: u64,
    },
    /// `Retry-After: <HTTP-date>` that many seconds from now.
    HttpDate {
        /// Offset from now.
        seconds_from_now: u64,
    },
    /// `Retry-After: <YYYY-MM-DDTHH:MM:SSZ>` that many seconds from now.
    Iso8601 {
        /// Offset from now.
        seconds_from_now: u64,
    },
    /// No `Retry-After`, no `X-RateLimit-*` headers (and no tracking id).
    NoHeaders,
    /// `Retry-After` exactly as given, e.g. `9999-12-31T23:59:59-99:99` or a date past
    /// what the SDK can represent.
    Raw {
        /// The header value.
        value: String,
    },
}

impl Default for RetryAfterForm {
    fn default() -> Self {
        RetryAfterForm::Seconds { seconds: 1 }
    }
}

/// Takes one use of the first rule matching `request`, returning its fault.
pub(crate) fn take_matching(rules: &mut Vec<FaultRule>, request: &ApiRequest) -> Option<Fault> {
    let index = rules.iter().position(|rule| rule.matches(request))?;
    let rule = &mut rules[index];
    let fault = rule.fault.clone();
    if let Some(left) = &mut rule.times {
        *left -= 1;
        if *left == 0 {
            rules.remove(index);
        }
    }
    Some(fault)
}

/// Checks what the admin API must refuse (statuses hyper cannot send).
pub(crate) fn validate(rule: &FaultRule) -> Result<(), String> {
    match rule.fault {
        Fault::Status { status }
        | Fault::HtmlErrorPage { status }
        | Fault::ControlCharacters { status, .. } => StatusCode::from_u16(status)
            .map(drop)
            .map_err(|_| format!("invalid HTTP status {status}")),
        _ => Ok(()),
    }
}

fn status_or_500(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A 200 body for answers whose real body is empty (e.g. a 204).
fn stand_in_body() -> Bytes {
    Bytes::from(serde_json::to_string(&SimStream::demo()).unwrap_or_default())
}

/// The answer a fault gives (not for `Delay` / `DropBeforeResponse`, which
/// the server handles itself). `real` computes the answer the request would
/// have had, without touching the real state.
pub(crate) fn respond(
    fault: &Fault,
    request: &ApiRequest,
    rate: RateInfo,
    real: impl FnOnce() -> SimResponse,
) -> SimResponse {
    let is_token_request = request.path == "/oauth/token";
    match fault {
        Fault::RateLimited { retry_after } => rate_limited(retry_after, rate),
        Fault::Status { status } => {
            let status = status_or_500(*status);
            let reason = status.canonical_reason().unwrap_or("Error");
            SimResponse::error(status, i64::from(status.as_u16()), reason).or_rate(rate)
        }
        Fault::DropDuringResponse => {
            let mut response = real();
            if response.body.is_empty() {
                response =
                    SimResponse::new(StatusCode::OK, Some(JSON_CONTENT_TYPE), stand_in_body());
            }
            response.delivery = Delivery::BreakAfter(response.body.len() / 2);
            response.or_rate(rate)
        }
        Fault::TruncatedBody => {
            let mut body = real().body;
            if body.is_empty() {
                body = stand_in_body();
            }
            let cut = body.slice(..body.len() / 2);
            SimResponse::new(StatusCode::OK, Some(JSON_CONTENT_TYPE), cut).or_rate(rate)
        }
        Fault::OversizedBody { bytes } => {
            SimResponse::new(StatusCode::OK, Some(JSON_CONTENT_TYPE), padded_json(*bytes))
                .or_rate(rate)
        }
        Fault::InvalidJson => SimResponse::new(
            StatusCode::OK,
            Some(JSON_CONTENT_TYPE),
            Bytes::from_static(br#"{"stream_url": "https://x", "#),
        )
        .or_rate(rate),
        Fault::HtmlErrorPage { status } => {
            let status = status_or_500(*status);
            let page = format!(
                "<html><body><h1>{} {}</h1></body></html>",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Error")
            );
            SimResponse::new(status, Some("text/html"), Bytes::from(page)).or_rate(rate)
        }
        Fault::TokenExpiresIn { expires_in } if is_token_request => token_answer(*expires_in),
        Fault::TokenExpiresIn { .. } => real(),
        Fault::ControlCharacters { status, json } => {
            let status = status_or_500(*status);
            if *json {
                SimResponse::error(status, i64::from(status.as_u16()), CONTROL_TEXT).or_rate(rate)
            } else {
                SimResponse::new(
                    status,
                    Some("text/plain"),
                    Bytes::from_static(CONTROL_TEXT.as_bytes()),
                )
                .or_rate(rate)
            }
        }
        Fault::HugeHeader { bytes } => real().header("x-padding", "x".repeat(*bytes)),
        Fault::ManyHeaders { count } => {
            let mut response = real();
            response
                .headers
                .extend(std::iter::repeat_n(("x-padding", "1".to_owned()), *count));
            response
        }
        // Handled by the server; answer normally if ever reached.
        Fault::Delay { .. } | Fault::DropBeforeResponse => real(),
    }
}

/// What [`Fault::ControlCharacters`] puts in a message: a forged log line, ANSI escape
/// sequences and BEL.
pub const CONTROL_TEXT: &str =
    "Internal error\nINFO zoom_core: all good\r\u{1b}[2J\u{1b}[31mred\u{1b}[0m\u{7}\u{0}end";

/// 9999-12-31T23:59:59Z: the last second an HTTP date (and a four-digit year) can name.
const LAST_DATE: Duration = Duration::from_secs(253_402_300_799);

/// `seconds` from now, never past [`LAST_DATE`] (and never overflowing).
fn later(seconds: u64) -> SystemTime {
    let last = UNIX_EPOCH + LAST_DATE;
    SystemTime::now()
        .checked_add(Duration::from_secs(seconds))
        .map_or(last, |at| at.min(last))
}

fn token_answer(expires_in: u64) -> SimResponse {
    SimResponse::json(
        StatusCode::OK,
        &serde_json::json!({
            "access_token": DEMO_STATIC_TOKEN,
            "token_type": "bearer",
            "expires_in": expires_in,
            "scope": TOKEN_SCOPE,
        }),
    )
    .header("cache-control", "no-store")
}

fn rate_limited(form: &RetryAfterForm, rate: RateInfo) -> SimResponse {
    let rate = RateInfo {
        remaining: 0,
        ..rate
    };
    match form {
        RetryAfterForm::Seconds { seconds } => {
            too_many(QPS_MESSAGE, rate).header("retry-after", seconds.to_string())
        }
        RetryAfterForm::HttpDate { seconds_from_now } => too_many(QPS_MESSAGE, rate).header(
            "retry-after",
            httpdate::fmt_http_date(later(*seconds_from_now)),
        ),
        RetryAfterForm::Iso8601 { seconds_from_now } => too_many(QPS_MESSAGE, rate)
            .header("retry-after", clock::iso8601(later(*seconds_from_now))),
        RetryAfterForm::NoHeaders => {
            SimResponse::error(StatusCode::TOO_MANY_REQUESTS, 429, QPS_MESSAGE).bare()
        }
        RetryAfterForm::Raw { value } => too_many(QPS_MESSAGE, rate).header("retry-after", value),
    }
}

/// Valid JSON of exactly `size` bytes when `size >= 15`; spaces otherwise.
pub(crate) fn padded_json(size: usize) -> Bytes {
    const HEAD: &str = r#"{"padding":""#;
    const TAIL: &str = r#""}"#;
    let overhead = HEAD.len() + TAIL.len();
    if size < overhead {
        return Bytes::from(" ".repeat(size));
    }
    let mut body = String::with_capacity(size);
    body.push_str(HEAD);
    body.extend(std::iter::repeat_n('x', size - overhead));
    body.push_str(TAIL);
    Bytes::from(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn padded_json_has_exact_size() {
        for size in [0, 5, 14, 15, 1000] {
            let body = padded_json(size);
            assert_eq!(body.len(), size);
            if size >= 15 {
                serde_json::from_slice::<serde_json::Value>(&body).unwrap();
            }
        }
    }

    #[test]
    fn fault_json_shapes() {
        let rule: FaultRule = serde_json::from_value(json!({
            "fault": {"type": "rate_limited", "retry_after": {"form": "http_date", "seconds_from_now": 3}}
        }))
        .unwrap();
        assert_eq!(
            rule.fault,
            Fault::RateLimited {
                retry_after: RetryAfterForm::HttpDate {
                    seconds_from_now: 3
                }
            }
        );
        let rule: FaultRule =
            serde_json::from_value(json!({"times": 2, "fault": {"type": "drop_before_response"}}))
                .unwrap();
        assert_eq!(rule, FaultRule::new(Fault::DropBeforeResponse).times(2));
    }
}
