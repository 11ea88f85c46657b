//! Fuzz harnesses: what the cargo-fuzz targets in `fuzz/fuzz_targets/` run, and what this
//! package's test `tests/regressions.rs` replays on stable in every `cargo test` (the kept
//! inputs of `fuzz/seeds/` and `fuzz/regressions/`). Not published; not part of the SDK's API.
//!
//! Every harness takes raw bytes, drives only the public API, and panics when an invariant
//! breaks (a panic is what the fuzzer reports). The byte formats are plain text so that a
//! regression case reads like the answer it stands for:
//!
//! - an HTTP answer is `STATUS[ FLAGS]\nname: value\n…\n\nBODY` (lines without `:`, names
//!   or values that `http` refuses are skipped; a status outside 100..=999 becomes 200);
//! - an id or a `Retry-After` value is the input itself (invalid UTF-8 replaced);
//! - a webhook delivery is an HTTP answer whose headers are the request's and whose status
//!   line only carries flags (see [`webhook`]);
//! - Video SDK credentials are lines: API key, API secret, lifetime in seconds, the clock in
//!   Unix seconds (see [`video_sdk_jwt`]).
#![forbid(unsafe_code)]

use std::error::Error as _;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderName, HeaderValue, StatusCode};

use zoom_core::SecretString;
use zoom_core::endpoint::{self, BaseUrl, Idempotency};
use zoom_core::response::{self, Answer};
use zoom_core::{ApiError, Error};
use zoom_core::{FnTransport, HttpRequest, HttpResponse};
use zoom_core::{JoinToken, LiveStream};
use zoom_core::{MeetingId, MeetingRef, SessionId, WebinarId, WebinarRef};
use zoom_core::{RateLimit, RetryAfter};
use zoom_core::{RetryContext, RetryPolicy};
use zoom_core::{UserOAuth, blocking};

mod video_sdk_jwt;
mod webhook;

pub use video_sdk_jwt::video_sdk_jwt;
pub use webhook::webhook;

/// An HTTP answer decoded from the text format above, and the flags after the status.
pub fn http_answer(data: &[u8]) -> (HttpResponse, String) {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let mut lines = head.split(|&b| b == b'\n');
    let status_line = String::from_utf8_lossy(lines.next().unwrap_or_default()).into_owned();
    let (status, flags) = status_line
        .split_once(' ')
        .unwrap_or((status_line.as_str(), ""));
    let status = status
        .trim()
        .parse::<u16>()
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = http::Response::new(body.to_vec());
    *response.status_mut() = status;
    for line in lines {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let value = line[colon + 1..]
            .strip_prefix(b" ")
            .unwrap_or(&line[colon + 1..]);
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    (response, flags.to_owned())
}

/// The response mapper: any answer through [`response::interpret`] for every model type,
/// then every accessor, `Display` and `Debug` of the result.
pub fn response_mapper(data: &[u8]) {
    let (answer, _) = http_answer(data);
    match response::interpret::<LiveStream>(&answer) {
        Ok(answer) => live_stream_answer(&answer),
        Err(error) => exercise_error(&error),
    }
    match response::interpret::<JoinToken>(&answer) {
        Ok(answer) => {
            let token = answer.into_inner();
            let _ = (format!("{token:?}"), serde_json::to_string(&token));
            let _ = token.expires_at(SystemTime::now());
            let _ = token.expires_at(UNIX_EPOCH);
        }
        Err(error) => exercise_error(&error),
    }
    match response::interpret::<()>(&answer) {
        Ok(answer) => {
            let _ = format!("{answer:?}");
            answer.into_inner();
        }
        Err(error) => exercise_error(&error),
    }
    api_error(&response::api_error(&answer));
}

fn live_stream_answer(answer: &Answer<LiveStream>) {
    let _ = format!("{answer:?}");
    let stream = &answer.value;
    let _ = (stream.stream_url.as_deref(), stream.page_url.as_deref());
    if let Some(key) = &stream.stream_key {
        let _ = (format!("{key} {key:?}"), key.is_blank());
    }
    if let Some(resolution) = &stream.resolution {
        let _ = (resolution.as_str(), resolution.to_string());
    }
    rate_limit(&answer.meta.rate_limit);
    let _ = (answer.meta.status, answer.meta.tracking_id.as_deref());
}

fn rate_limit(limit: &RateLimit) {
    let _ = (limit.is_daily(), limit.is_empty(), format!("{limit:?}"));
}

/// Every accessor, `Display` and `Debug` of an error, down its whole `source()` chain, and
/// the retry decision a client would take on it.
pub fn exercise_error(error: &Error) {
    let mut text = String::new();
    let _ = write!(text, "{error} {error:?} {error:#?}");
    let _ = (error.kind(), error.status(), error.tracking_id());
    let _ = (error.is_retryable(), error.retry_after());
    if let Some(api) = error.api() {
        api_error(api);
    }
    if let Some(auth) = error.auth() {
        let _ = (auth.kind(), auth.code(), auth.reason(), auth.status());
        let _ = (auth.is_transient(), auth.to_string());
    }
    if let Some(transport) = error.transport() {
        let _ = (
            transport.kind(),
            transport.never_sent(),
            transport.to_string(),
        );
    }
    if let Error::Decode(decode) = error {
        let _ = (decode.status(), decode.problem(), decode.body().len());
        let _ = (decode.body_len(), decode.tracking_id(), decode.to_string());
    }
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(text, "{cause} {cause:?}");
        source = cause.source();
    }
    retry_decisions(error);
}

fn api_error(api: &ApiError) {
    let _ = format!("{api} {api:?}");
    let _ = (api.kind(), api.status(), api.code(), api.message());
    let _ = (api.tracking_id(), api.is_retryable(), api.is_not_found());
    for field in api.field_errors() {
        let _ = (field.field.as_str(), field.message.as_str());
    }
    rate_limit(api.rate_limit());
    if let Some(header) = api.retry_after_header() {
        retry_after_value(header);
    }
    let _ = (api.retry_after(), api.retry_at());
}

/// What [`RetryPolicy::decide`] makes of `error` for a read and a start/stop, at the start
/// of a call and after a second of it, now and at the edges of `SystemTime`.
fn retry_decisions(error: &Error) {
    let policy = RetryPolicy::default();
    for idempotency in [Idempotency::Idempotent, Idempotency::StateChange] {
        for elapsed in [Duration::ZERO, Duration::from_secs(1)] {
            for now in [UNIX_EPOCH, SystemTime::now()] {
                let context = RetryContext {
                    attempts: 1,
                    idempotency,
                    elapsed,
                    now,
                    random: 0.999,
                };
                let _ = format!("{:?}", policy.decide(&context, error));
            }
        }
    }
}

fn retry_after_value(value: &RetryAfter) {
    let _ = format!("{value:?}");
    for now in [UNIX_EPOCH, SystemTime::now()] {
        let _ = value.delay_from(now);
    }
    let _ = (value.delay_from_now(), value.at_from_now());
}

/// The `Retry-After` parsers (delta-seconds, HTTP-date, ISO-8601) on `data`, every use of
/// the result, and the same value as the header of a 429 and a 503 through the mapper.
pub fn retry_after(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Some(value) = RetryAfter::parse(&text) {
        retry_after_value(&value);
    }
    let Ok(header) = HeaderValue::from_bytes(data) else {
        return;
    };
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::RETRY_AFTER, header.clone());
    if let Some(value) = RetryAfter::from_headers(&headers) {
        retry_after_value(&value);
    }
    for name in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-type",
    ] {
        headers.insert(name, header.clone());
    }
    rate_limit(&RateLimit::from_headers(&headers));
    for status in [
        StatusCode::TOO_MANY_REQUESTS,
        StatusCode::SERVICE_UNAVAILABLE,
    ] {
        let mut answer = http::Response::new(br#"{"code":429,"message":"slow down"}"#.to_vec());
        *answer.status_mut() = status;
        *answer.headers_mut() = headers.clone();
        if let Err(error) = response::interpret::<LiveStream>(&answer) {
            exercise_error(&error);
        }
    }
}

/// An id given by a caller: if `MeetingRef::parse` or `WebinarRef::parse` accepts it (and
/// `MeetingId::parse` / `WebinarId::parse` for the numeric-only join token, `SessionId::parse`
/// for the Video SDK session operations), the request URI, normalised by the `url` crate (as
/// reqwest does), has the id as exactly one path segment, never a dot segment, and no query
/// or fragment; `/videosdk/sessions/` before a session id stays as written (only the id's
/// segment is ever encoded twice).
pub fn id_path(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let base = BaseUrl::default();
    let token = SecretString::new("token");
    let mut requests = Vec::new();
    if let Ok(id) = MeetingRef::parse(&text) {
        let _ = (id.to_string(), format!("{id:?}"), id.as_id(), id.as_uuid());
        let _ = id.path_segment();
        let request = endpoint::get_meeting_live_stream(&id).to_request(&base, &token);
        requests.push(("meetings", "livestream", request));
    }
    if let Ok(id) = WebinarRef::parse(&text) {
        let _ = (id.to_string(), format!("{id:?}"), id.as_id());
        let request = endpoint::get_webinar_live_stream(&id).to_request(&base, &token);
        requests.push(("webinars", "livestream", request));
    }
    if let Ok(id) = MeetingId::parse(&text) {
        let request = endpoint::get_meeting_live_stream_join_token(id).to_request(&base, &token);
        requests.push(("meetings", "jointoken", request));
    }
    if let Ok(id) = WebinarId::parse(&text) {
        let request = endpoint::get_webinar_live_stream_join_token(id).to_request(&base, &token);
        requests.push(("webinars", "jointoken", request));
    }
    for (collection, tail, request) in requests {
        // Building fails cleanly or gives a request; either way nothing panicked.
        let Ok(request) = request else { continue };
        check_one_segment(&request, collection, tail);
    }
    if let Ok(id) = SessionId::parse(&text) {
        let _ = (id.to_string(), format!("{id:?}"), id.as_str());
        let stop = zoom_core::LiveStreamStatus::stop();
        let requests = [
            endpoint::get_session_live_stream(&id).to_request(&base, &token),
            endpoint::update_session_live_stream_status(&id, &stop)
                .and_then(|status| status.to_request(&base, &token)),
        ];
        for request in requests.into_iter().flatten() {
            check_session_segment(&request, &id);
        }
    }
}

/// `/v2/videosdk/sessions/{id}/livestream[/status]`: the id one segment that decodes back
/// to the id (once, or twice by Zoom's rule), every other segment as written.
fn check_session_segment(request: &HttpRequest, id: &SessionId) {
    let uri = request.uri().to_string();
    let url = url::Url::parse(&uri).unwrap_or_else(|e| panic!("{uri} is not a URL: {e}"));
    assert!(
        url.query().is_none() && url.fragment().is_none(),
        "{uri} -> {url}"
    );
    let segments: Vec<&str> = url
        .path_segments()
        .map(Iterator::collect)
        .unwrap_or_default();
    assert!(
        matches!(
            segments.as_slice(),
            ["v2", "videosdk", "sessions", _, "livestream"]
                | ["v2", "videosdk", "sessions", _, "livestream", "status"]
        ),
        "{uri} became {url}: the session id is not exactly one segment"
    );
    let segment = segments[3];
    assert!(
        segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'%'),
        "{uri}: {segment}"
    );
    let decode = |text: &str| {
        url::form_urlencoded::parse(format!("x={text}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default()
    };
    let twice = id.as_str().starts_with('/') || id.as_str().contains("//");
    let back = if twice {
        decode(&decode(segment))
    } else {
        decode(segment)
    };
    assert_eq!(
        back,
        id.as_str(),
        "{uri}: the segment does not decode to the id"
    );
}

fn check_one_segment(request: &HttpRequest, collection: &str, tail: &str) {
    let uri = request.uri().to_string();
    assert!(request.uri().query().is_none(), "query in {uri}");
    let url = url::Url::parse(&uri).unwrap_or_else(|e| panic!("{uri} is not a URL: {e}"));
    assert!(
        url.query().is_none() && url.fragment().is_none(),
        "{uri} -> {url}"
    );
    let segments: Vec<&str> = url
        .path_segments()
        .map(Iterator::collect)
        .unwrap_or_default();
    let expected = if tail == "jointoken" { 5 } else { 4 };
    assert_eq!(
        segments.len(),
        expected,
        "{uri} became {url}: the id is not exactly one segment"
    );
    assert_eq!(
        (segments[0], segments[1], segments[3]),
        ("v2", collection, tail),
        "{uri} became {url}"
    );
    let id = segments[2];
    assert!(!id.is_empty(), "{uri}: empty id segment");
    let lower = id.to_ascii_lowercase();
    for dot in [".", "..", "%2e", "%2e%2e", ".%2e", "%2e."] {
        assert_ne!(lower, dot, "{uri}: the id is a dot segment");
    }
}

/// The token endpoint's answer: a blocking client with Server-to-Server OAuth (flag `u`:
/// user OAuth; flag `a`: `use_token_api_url`) whose transport answers every token request
/// with the given answer and every API call with a live stream. Two calls, so that the
/// second one reads the token cache the first one filled.
pub fn token_answer(data: &[u8]) {
    let (token_answer, flags) = http_answer(data);
    let token_answer = Arc::new(token_answer);
    let transport = FnTransport(move |request: HttpRequest| {
        if request.uri().path().ends_with("/oauth/token") {
            return Ok((*token_answer).clone());
        }
        let mut answer = http::Response::new(br#"{"stream_url":"rtmp://x/y"}"#.to_vec());
        answer.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Ok(answer)
    });
    let builder = blocking::Client::builder().transport(transport);
    let builder = if flags.contains('u') {
        builder.user_oauth(
            UserOAuth::new("client", "secret", "refresh")
                .on_new_refresh_token(|token| drop(format!("{token:?}"))),
        )
    } else {
        builder.server_to_server_oauth("account", "client", "secret")
    };
    let client = builder
        .use_token_api_url(flags.contains('a'))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client with valid settings builds");
    let _ = format!("{client:?}");
    for _ in 0..2 {
        match client.meeting_live_stream(MeetingId::new(85746065432)) {
            Ok(stream) => drop(format!("{stream:?}")),
            Err(error) => exercise_error(&error),
        }
    }
}
