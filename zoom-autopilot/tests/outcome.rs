//! `Outcome::from_result` on the errors the SDK really returns, built from Zoom's
//! documented answers (and the simulator's) through zoom-core's own mapper.

use std::time::Duration;

use zoom_autopilot::{Outcome, Refusal};
use zoom_core::http;
use zoom_core::{
    AuthError, AuthErrorKind, Error, InvalidInput, LiveStream, LiveStreamStatus, MeetingId,
    TransportError, TransportErrorKind, endpoint, response,
};

fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> zoom_core::HttpResponse {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.as_bytes().to_vec()).unwrap()
}

/// The error an update (or any call without documented 429 advice) returns.
fn api(status: u16, headers: &[(&str, &str)], body: &str) -> Result<(), Error> {
    response::interpret::<()>(&answer(status, headers, body)).map(|_| ())
}

/// The error a start through the SDK's status endpoint returns.
fn start(status: u16, headers: &[(&str, &str)], body: &str) -> Result<(), Error> {
    let endpoint =
        endpoint::update_meeting_live_stream_status(MeetingId::new(1), &LiveStreamStatus::start())
            .unwrap();
    endpoint
        .interpret(&answer(status, headers, body))
        .map(|_| ())
}

fn body(code: i64, message: &str) -> String {
    format!(r#"{{"code":{code},"message":"{message}"}}"#)
}

#[test]
fn zoom_answers_are_classified_as_the_machine_needs_them() {
    let not_configured = "The meeting is not configured with a custom streaming service.";
    let table: Vec<(&str, Result<(), Error>, Outcome)> = vec![
        ("204", api(204, &[], ""), Outcome::Ok),
        (
            "meeting has not started (400/3000, the simulator's answer)",
            start(
                400,
                &[],
                &body(3000, "Meeting 85746065432 has not started."),
            ),
            Outcome::NotRunning,
        ),
        (
            "webinar has not started (400/200)",
            start(400, &[], &body(200, "Webinar 85746065432 has not started.")),
            Outcome::NotRunning,
        ),
        (
            "not yet started, any case",
            start(400, &[], &body(3000, "Meeting HAS NOT YET STARTED")),
            Outcome::NotRunning,
        ),
        (
            "no custom streaming service (400/3000)",
            start(400, &[], &body(3000, not_configured)),
            Outcome::Permanent(Refusal::NotConfigured),
        ),
        (
            "code 3000 without a message",
            start(400, &[], r#"{"code":3000}"#),
            Outcome::Permanent(Refusal::NotConfigured),
        ),
        (
            "live streaming not enabled (400/200)",
            start(400, &[], &body(200, "Webinar plan is missing.")),
            Outcome::Permanent(Refusal::NotConfigured),
        ),
        (
            "start 429 without Retry-After: the documented 30 s",
            start(
                429,
                &[],
                &body(429, "Too many requests submitted to start the livestream"),
            ),
            Outcome::RateLimited {
                retry_after: Some(Duration::from_secs(30)),
            },
        ),
        (
            "429 with Retry-After",
            start(429, &[("retry-after", "7")], &body(429, "slow down")),
            Outcome::RateLimited {
                retry_after: Some(Duration::from_secs(7)),
            },
        ),
        (
            "update 429 without Retry-After",
            api(429, &[], &body(429, "slow down")),
            Outcome::RateLimited { retry_after: None },
        ),
        (
            "daily limit",
            api(
                429,
                &[
                    ("x-ratelimit-type", "Daily-limit"),
                    ("retry-after", "2099-05-31T00:00:00Z"),
                ],
                &body(429, "daily"),
            ),
            Outcome::Permanent(Refusal::DailyLimit),
        ),
        ("500", api(500, &[], "oops"), Outcome::Transient),
        ("503, empty", api(503, &[], ""), Outcome::Transient),
        ("408", api(408, &[], ""), Outcome::Transient),
        (
            "token expired (401/124)",
            api(401, &[], &body(124, "Invalid access token.")),
            Outcome::Permanent(Refusal::Auth),
        ),
        ("403", api(403, &[], ""), Outcome::Permanent(Refusal::Auth)),
        (
            "missing scopes (4711)",
            api(
                400,
                &[],
                &body(4711, "Invalid access token, does not contain scopes"),
            ),
            Outcome::Permanent(Refusal::Auth),
        ),
        (
            "meeting not found (404/3001)",
            api(404, &[], &body(3001, "Meeting does not exist: 1.")),
            Outcome::Permanent(Refusal::NotFound),
        ),
        (
            "user not found (404/1001)",
            api(404, &[], &body(1001, "User 1 does not exist.")),
            Outcome::Permanent(Refusal::NotFound),
        ),
        (
            "404, empty",
            api(404, &[], ""),
            Outcome::Permanent(Refusal::NotFound),
        ),
        (
            "validation failed (400/300)",
            api(400, &[], &body(300, "Validation Failed.")),
            Outcome::Permanent(Refusal::Rejected),
        ),
        (
            "400, empty (Zoom's documented form)",
            api(400, &[], ""),
            Outcome::Permanent(Refusal::Rejected),
        ),
        (
            "not the host (3003)",
            api(400, &[], &body(3003, "You are not the meeting host.")),
            Outcome::Permanent(Refusal::Rejected),
        ),
        (
            "409",
            api(409, &[], ""),
            Outcome::Permanent(Refusal::Rejected),
        ),
    ];
    for (what, result, expected) in table {
        assert_eq!(
            Outcome::from_result(&result),
            expected,
            "{what}: {result:?}"
        );
    }
}

#[test]
fn failures_before_or_around_zoom_are_classified() {
    let transport = |kind, applied| Error::Transport {
        error: TransportError::from_kind(kind),
        may_have_been_applied: applied,
    };
    let decode = response::interpret::<LiveStream>(&answer(200, &[], "{")).map(|_| ());
    assert!(matches!(decode, Err(Error::Decode(_))));
    let table: Vec<(&str, Result<(), Error>, Outcome)> = vec![
        (
            "connect",
            Err(transport(TransportErrorKind::Connect, false)),
            Outcome::Transient,
        ),
        (
            "timeout of a start that may have been applied",
            Err(transport(TransportErrorKind::Timeout, true)),
            Outcome::Transient,
        ),
        (
            "broken HTTP",
            Err(transport(TransportErrorKind::Protocol, false)),
            Outcome::Transient,
        ),
        (
            "token endpoint out of reach",
            Err(AuthError::new(AuthErrorKind::Transport, "unreachable").into()),
            Outcome::Transient,
        ),
        (
            "wrong client secret",
            Err(AuthError::new(AuthErrorKind::InvalidClient, "Invalid client").into()),
            Outcome::Permanent(Refusal::Auth),
        ),
        (
            "settings refused before sending",
            Err(InvalidInput::new("stream_url", "is blank").into()),
            Outcome::Permanent(Refusal::InvalidInput),
        ),
        ("a 2xx with an odd body: accepted", decode, Outcome::Ok),
    ];
    for (what, result, expected) in table {
        assert_eq!(Outcome::from_result(&result), expected, "{what}");
    }
}

#[test]
fn outcomes_and_refusals_have_stable_names() {
    let names: Vec<_> = [
        Outcome::Ok,
        Outcome::NotRunning,
        Outcome::RateLimited { retry_after: None },
        Outcome::Transient,
        Outcome::Permanent(Refusal::Auth),
    ]
    .iter()
    .map(|o| o.as_str())
    .collect();
    assert_eq!(
        names,
        [
            "ok",
            "not_running",
            "rate_limited",
            "transient",
            "permanent"
        ]
    );
    assert_eq!(Refusal::NotConfigured.reason().as_str(), "not_configured");
}
