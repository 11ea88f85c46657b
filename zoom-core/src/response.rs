//! Turning an [`HttpResponse`] into a typed value or a typed [`Error`] (the one error mapper).

use http::{HeaderMap, StatusCode};

use crate::error::{ApiError, ApiErrorKind, DECODE_BODY_CAP, DecodeError, Error, FieldError};
use crate::model::{JoinToken, LiveStream};
use crate::rate_limit_headers::{RateLimit, RetryAfter, ZoomHeaders};
use crate::transport::HttpResponse;

pub use crate::rate_limit_headers::TRACKING_ID_HEADER;

/// The longest message kept from a non-JSON error body.
const MESSAGE_CAP: usize = 200;

/// A type a successful answer decodes into.
pub trait FromResponse: Sized {
    /// What the body should be, for error messages (for example `"a live stream"`).
    const EXPECTED: &'static str;

    /// Decodes a 2xx body.
    fn decode(body: &[u8]) -> Result<Self, serde_json::Error>;
}

impl FromResponse for LiveStream {
    const EXPECTED: &'static str = "a live stream (JSON)";

    fn decode(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }
}

impl FromResponse for JoinToken {
    const EXPECTED: &'static str = "a join token (JSON)";

    fn decode(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }
}

/// For calls answered with `204 No Content`: any body is ignored.
impl FromResponse for () {
    const EXPECTED: &'static str = "no content";

    fn decode(_body: &[u8]) -> Result<Self, serde_json::Error> {
        Ok(())
    }
}

/// What every answer says besides its body: status, tracking id and rate-limit state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseMeta {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `x-zm-trackingid` header.
    pub tracking_id: Option<String>,
    /// The `X-RateLimit-*` headers.
    pub rate_limit: RateLimit,
}

impl ResponseMeta {
    fn from_parts(status: StatusCode, headers: &HeaderMap) -> Self {
        let found = ZoomHeaders::scan(headers);
        Self {
            status,
            tracking_id: found.tracking_id(),
            rate_limit: found.rate_limit(),
        }
    }
}

/// A successful answer: the decoded value and the answer's [`ResponseMeta`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer<T> {
    /// The decoded value.
    pub value: T,
    /// Status, tracking id and rate-limit state of the answer.
    pub meta: ResponseMeta,
}

impl<T> Answer<T> {
    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.value
    }
}

/// [`TRACKING_ID_HEADER`] as a header name, so a lookup does not parse the name again.
const TRACKING_ID: http::HeaderName = http::HeaderName::from_static(TRACKING_ID_HEADER);

pub(crate) fn tracking_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get(TRACKING_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Maps any answer: 2xx decodes into `T`, everything else becomes an [`ApiError`].
pub fn interpret<T: FromResponse>(response: &HttpResponse) -> Result<Answer<T>, Error> {
    let status = response.status();
    if !status.is_success() {
        return Err(Error::api_error(api_error(response)));
    }
    let meta = ResponseMeta::from_parts(status, response.headers());
    let body = response.body();
    match T::decode(body) {
        Ok(value) => Ok(Answer { value, meta }),
        Err(error) => Err(Error::Decode(Box::new(DecodeError {
            status,
            expected: T::EXPECTED,
            problem: describe_json_error(&error),
            content_type: content_type(response.headers()),
            body: body[..body.len().min(DECODE_BODY_CAP)].to_vec(),
            body_len: body.len(),
            tracking_id: meta.tracking_id,
        }))),
    }
}

/// Where and what kind of JSON problem, never the values (they may hold a stream key).
pub(crate) fn describe_json_error(error: &serde_json::Error) -> String {
    let class = match error.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "unexpected JSON shape",
        serde_json::error::Category::Eof => "JSON cut off",
    };
    format!("{class} at line {} column {}", error.line(), error.column())
}

fn content_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Zoom's error body: `{"code": 300, "message": "…", "errors": [{"field", "message"}]}`.
#[derive(serde::Deserialize)]
struct ErrorBody {
    code: Option<i64>,
    message: Option<String>,
    #[serde(default)]
    errors: Vec<FieldError>,
}

/// Builds the [`ApiError`] of a non-2xx answer, whatever its body (JSON, text, HTML, empty).
pub fn api_error(response: &HttpResponse) -> ApiError {
    let status = response.status();
    let headers = response.headers();
    let (code, message, errors) = match serde_json::from_slice::<ErrorBody>(response.body()) {
        Ok(body) => (body.code, body.message, body.errors),
        Err(_) => (None, text_message(headers, response.body()), Vec::new()),
    };
    let found = ZoomHeaders::scan(headers);
    let rate_limit = found.rate_limit();
    ApiError {
        kind: ApiErrorKind::classify(status, code, &rate_limit),
        status,
        code,
        message: message.filter(|m| !m.trim().is_empty()),
        errors,
        tracking_id: found.tracking_id(),
        rate_limit,
        retry_after: RetryAfter::from_headers(headers),
    }
}

/// A short message from a non-JSON body: the text itself, or a description of an HTML page.
fn text_message(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let is_html =
        content_type(headers).is_some_and(|ct| ct.contains("html")) || text.starts_with('<');
    if is_html {
        return Some(format!(
            "an HTML page ({} bytes) instead of Zoom's JSON",
            body.len()
        ));
    }
    let mut message: String = text.chars().take(MESSAGE_CAP).collect();
    if text.chars().count() > MESSAGE_CAP {
        message.push('…');
    }
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn response(status: u16, content_type: &str, body: &str) -> HttpResponse {
        http::Response::builder()
            .status(status)
            .header("content-type", content_type)
            .header(TRACKING_ID_HEADER, "trk-1")
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    #[test]
    fn a_200_decodes_with_its_meta() {
        let answer =
            interpret::<LiveStream>(&response(200, "application/json", r#"{"stream_url":"u"}"#))
                .unwrap();
        assert_eq!(answer.value.stream_url.as_deref(), Some("u"));
        assert_eq!(answer.meta.tracking_id.as_deref(), Some("trk-1"));
    }

    #[test]
    fn invalid_json_on_a_200_is_a_decode_error_that_hides_the_body() {
        let error = interpret::<LiveStream>(&response(
            200,
            "application/json",
            r#"{"stream_key":"sekrit""#,
        ))
        .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode);
        let Error::Decode(decode) = &error else {
            unreachable!()
        };
        assert_eq!(decode.body(), br#"{"stream_key":"sekrit""#);
        for shown in [error.to_string(), format!("{error:?}")] {
            assert!(!shown.contains("sekrit"), "{shown}");
            assert!(shown.contains("200"), "{shown}");
        }
        let wrong_type = interpret::<LiveStream>(&response(
            200,
            "application/json",
            r#"{"stream_key":12345}"#,
        ))
        .unwrap_err();
        assert!(!wrong_type.to_string().contains("12345"));
    }

    #[test]
    fn json_error_bodies_keep_code_message_fields_and_headers() {
        let mut r = response(
            400,
            "application/json",
            r#"{"code":300,"message":"Validation Failed.","errors":[{"field":"stream_url","message":"too long"}]}"#,
        );
        r.headers_mut()
            .insert("x-ratelimit-category", "Light".parse().unwrap());
        let error = api_error(&r);
        assert_eq!(error.kind(), ApiErrorKind::ValidationFailed);
        assert_eq!(error.code(), Some(300));
        assert_eq!(error.field_errors()[0].field, "stream_url");
        assert_eq!(error.rate_limit().category.as_deref(), Some("Light"));
        let shown = error.to_string();
        for part in [
            "400",
            "300",
            "Validation Failed.",
            "stream_url: too long",
            "trk-1",
        ] {
            assert!(shown.contains(part), "{shown} lacks {part}");
        }
    }

    #[test]
    fn non_json_bodies_never_panic_and_classify_by_status() {
        let html = api_error(&response(
            502,
            "text/html",
            "<html><h1>Bad Gateway</h1></html>",
        ));
        assert_eq!(html.kind(), ApiErrorKind::ServerError);
        assert!(html.message().unwrap().contains("HTML page"));
        let text = api_error(&response(403, "text/plain", &"x".repeat(1000)));
        assert_eq!(text.kind(), ApiErrorKind::Forbidden);
        assert!(text.message().unwrap().chars().count() <= MESSAGE_CAP + 1);
        let empty = api_error(&response(409, "text/plain", ""));
        assert_eq!(
            (empty.kind(), empty.message()),
            (ApiErrorKind::Conflict, None)
        );
        let weird = api_error(&response(418, "application/json", "[1,2"));
        assert_eq!(weird.kind(), ApiErrorKind::Other);
    }

    #[test]
    fn rate_limits_split_into_retryable_and_daily() {
        let mut per_second = response(
            429,
            "application/json",
            r#"{"code":429,"message":"slow down"}"#,
        );
        per_second
            .headers_mut()
            .insert("retry-after", "2".parse().unwrap());
        let error = api_error(&per_second);
        assert_eq!(error.kind(), ApiErrorKind::RateLimited);
        assert!(error.is_retryable());
        assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(2)));

        let mut daily = per_second.clone();
        daily
            .headers_mut()
            .insert("x-ratelimit-type", "Daily-limit".parse().unwrap());
        daily
            .headers_mut()
            .insert("retry-after", "2099-01-01T00:00:00Z".parse().unwrap());
        let error = api_error(&daily);
        assert_eq!(error.kind(), ApiErrorKind::DailyLimitExceeded);
        assert!(!error.is_retryable());
        assert!(
            error
                .to_string()
                .contains("retry after Thu, 01 Jan 2099 00:00:00 GMT")
        );
    }

    #[test]
    fn any_status_and_body_maps_without_panicking() {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let pieces: [&[u8]; 8] = [
            b"{",
            b"}",
            b"\"code\":",
            b"\"message\":\"",
            b"\"errors\":[",
            b"\xff\xfe",
            b"<html>",
            b"null",
        ];
        for _ in 0..5_000 {
            let status = 100 + (next() % 500) as u16;
            let mut body = Vec::new();
            for _ in 0..next() % 12 {
                match next() % 3 {
                    0 => body.extend_from_slice(pieces[(next() % 8) as usize]),
                    1 => body.push(next() as u8),
                    _ => body.extend_from_slice(next().to_string().as_bytes()),
                }
            }
            let response = http::Response::builder()
                .status(status)
                .header("retry-after", if next() % 2 == 0 { "1" } else { "garbage" })
                .body(body)
                .unwrap();
            let live_stream = interpret::<LiveStream>(&response);
            let no_content = interpret::<()>(&response);
            if !(200..300).contains(&status) {
                assert_eq!(live_stream.unwrap_err().kind(), ErrorKind::Api);
                assert_eq!(no_content.unwrap_err().kind(), ErrorKind::Api);
            } else {
                assert!(no_content.is_ok());
            }
        }
    }
}
