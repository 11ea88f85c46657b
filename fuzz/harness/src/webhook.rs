//! The `webhook` target's harness: a delivery through the verifier, the parser, the
//! URL-validation answer and the deduplicator.

use std::time::{Duration, UNIX_EPOCH};

use http::HeaderValue;
use zoom_webhook::{
    Deduplicator, Event, SIGNATURE_HEADER, TIMESTAMP_HEADER, Verifier, VerifyError, WebhookError,
};

use crate::http_answer;

/// A webhook delivery: the verifier, then the event parser, the URL-validation answer and the
/// deduplicator on what verifies. The input is an HTTP answer in the format above, whose
/// headers (`x-zm-signature`, `x-zm-request-timestamp`) and body are the delivery's; the
/// status is ignored. Flags: `s` replaces the signature with the right one for the body and
/// the timestamp header (so the fuzzer reaches the parser), `l` / `e` put the clock just
/// outside the tolerance after / before the timestamp (else the clock is the timestamp; a
/// clock that `e` puts before 1970 reads as 0, as the verifier documents).
///
/// Checks: nothing panics; a wrong signature never verifies; a right one is never called a
/// mismatch; a right one outside the tolerance is refused; a parsed event (live-stream,
/// lifecycle or other) gives its name, `event_ts` and target, and its `Debug` redacts its
/// stream key; a redelivery is recognised.
pub fn webhook(data: &[u8]) {
    let (request, flags) = http_answer(data);
    let mut headers = request.headers().clone();
    let body = request.body().as_slice();
    let verifier = Verifier::new("fuzz-secret-token");
    let timestamp = headers
        .get(TIMESTAMP_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let right = timestamp.as_deref().map(|ts| verifier.sign(ts, body));
    if flags.contains('s')
        && let Some(value) = right.as_deref().and_then(|s| HeaderValue::from_str(s).ok())
    {
        headers.insert(SIGNATURE_HEADER, value);
    }
    let seconds = timestamp.as_deref().and_then(|ts| ts.parse::<u64>().ok());
    let tolerance = verifier.tolerance();
    let at = seconds.and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)));
    let now = match (at, flags.contains('l'), flags.contains('e')) {
        (Some(at), true, _) => at.checked_add(tolerance + Duration::from_secs(1)),
        (Some(at), false, true) => at.checked_sub(tolerance + Duration::from_secs(1)),
        (at, _, _) => at,
    }
    .unwrap_or(UNIX_EPOCH);
    // Hex digits of either case are accepted.
    let sent = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    let signed_right = headers.get_all(SIGNATURE_HEADER).iter().count() == 1
        && matches!((sent, right.as_deref()), (Some(sent), Some(right)) if sent.eq_ignore_ascii_case(right));

    let result = verifier.verify_event(&headers, body, now);
    let _ = verifier
        .verify_headers_now(&headers, body)
        .map(|v| v.timestamp());
    match &result {
        Ok(_) | Err(WebhookError::Parse(_)) => assert!(signed_right, "a wrong signature verified"),
        Err(WebhookError::Verify(VerifyError::SignatureMismatch)) => {
            assert!(!signed_right, "the right signature was refused");
        }
        Err(error) => drop(error.to_string()),
    }
    // The verifier reads a clock set before 1970 as 0 (documented), so `e` on a timestamp
    // under the tolerance puts the clock before 1970 and still within it: judge by that rule.
    let clock = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let outside = seconds.is_some_and(|s| s.abs_diff(clock) > tolerance.as_secs());
    if signed_right && outside && result.is_ok() {
        panic!("a delivery outside the tolerance verified");
    }
    let event = match result {
        Ok(event) => event,
        Err(error) => {
            let _ = (error.status(), format!("{error} {error:?}"));
            return;
        }
    };
    let _ = (event.name(), event.event_ts(), format!("{event:?}"));
    if let Some(target) = event.target() {
        let _ = (target.to_string(), target.meeting_id(), target.webinar_id());
        let _ = target.session_id();
    }
    let stream_key = match &event {
        Event::MeetingLiveStreamingStarted(e) | Event::MeetingLiveStreamingStopped(e) => {
            let _ = (serde_json::to_string(e), e.meeting.meeting_id());
            e.meeting.live_streaming.clone()
        }
        Event::SessionLiveStreamingStarted(e) | Event::SessionLiveStreamingStopped(e) => {
            let _ = (serde_json::to_string(e), e.target());
            e.session.live_streaming.clone()
        }
        Event::MeetingStarted(e) | Event::MeetingEnded(e) => {
            let _ = (serde_json::to_string(e), e.meeting.meeting_id());
            None
        }
        Event::WebinarStarted(e) | Event::WebinarEnded(e) => {
            let _ = (serde_json::to_string(e), e.webinar.webinar_id());
            None
        }
        Event::SessionStarted(e) | Event::SessionEnded(e) => {
            let _ = (serde_json::to_string(e), e.target());
            None
        }
        Event::UrlValidation(request) => {
            let answer = verifier.url_validation_response(&request.plain_token);
            assert_eq!(answer.encrypted_token.len(), 64);
            let _ = serde_json::to_string(&answer);
            None
        }
        _ => None,
    }
    .and_then(|live| live.custom_live_streaming_settings?.stream_key);
    if stream_key.is_some() {
        assert!(format!("{event:?}").contains("[redacted]"), "{event:?}");
    }
    let mut seen = Deduplicator::new(4);
    assert!(!seen.is_duplicate(&event));
    assert!(seen.is_duplicate(&event), "a redelivery was not recognised");
}
