//! Property tests over what a webhook sender controls: the body, the two headers, the ids in
//! a payload, and the clock they are judged by. Bounded (a few hundred cases each) so
//! `cargo test` stays quick; the `webhook` fuzz target (`fuzz/`) runs the same surface longer.

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use zoom_core::http::{HeaderMap, HeaderValue};
use zoom_webhook::{
    Event, MAX_BODY_BYTES, SIGNATURE_HEADER, TIMESTAMP_HEADER, Target, Verifier, VerifyError,
    WebhookError,
};

const SECRET: &str = "property-secret-token";

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

fn headers(signature: &str, timestamp: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(signature) {
        headers.insert(SIGNATURE_HEADER, value);
    }
    if let Ok(value) = HeaderValue::from_str(timestamp) {
        headers.insert(TIMESTAMP_HEADER, value);
    }
    headers
}

/// Bodies: any bytes, JSON-looking text, and each typed event with hostile field values.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let names = prop_oneof![
        Just("meeting.live_streaming_started"),
        Just("meeting.live_streaming_stopped"),
        Just("session.live_streaming_started"),
        Just("session.live_streaming_stopped"),
        Just("meeting.started"),
        Just("meeting.ended"),
        Just("webinar.started"),
        Just("webinar.ended"),
        Just("session.started"),
        Just("session.ended"),
        Just("endpoint.url_validation"),
        Just("meeting.participant_joined"),
    ];
    let value = prop_oneof![
        Just("null".to_owned()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| if n.is_finite() {
            n.to_string()
        } else {
            "1e400".into()
        }),
        ".{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        "[0-9]{0,25}".prop_map(|s| format!("\"{s}\"")),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
    ];
    let event = (names, proptest::collection::vec(value, 6)).prop_map(|(name, v)| {
        format!(
            r#"{{"event":"{name}","event_ts":{},"payload":{{"account_id":{},"plainToken":{},"object":{{"id":{},"session_id":{},"topic":{},"live_streaming":{{"custom_live_streaming_settings":{{"stream_key":"sk-hidden-1234"}}}}}}}}}}"#,
            v[0], v[1], v[2], v[3], v[4], v[5]
        )
        .into_bytes()
    });
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        ".{0,200}".prop_map(String::into_bytes),
        event,
    ]
}

proptest! {
    #![proptest_config(config(300))]

    /// Whatever the body, signed right and on time it is verified: the outcome is an event or
    /// a parse error (400), never a refusal of the signature, and nothing panics.
    #[test]
    fn a_right_signature_on_time_always_verifies(body in body(), timestamp in 0u64..4_000_000_000) {
        let verifier = Verifier::new(SECRET);
        let ts = timestamp.to_string();
        let signature = verifier.sign(&ts, &body);
        let now = UNIX_EPOCH + Duration::from_secs(timestamp);
        match verifier.verify_event(&headers(&signature, &ts), &body, now) {
            Ok(event) => {
                let _ = (event.name(), event.event_ts(), event.target(), event.delivery_key());
                let shown = format!("{event:?}");
                prop_assert!(!shown.contains("sk-hidden-1234"), "{}", shown);
            }
            Err(error @ WebhookError::Parse(_)) => prop_assert_eq!(error.status().as_u16(), 400),
            Err(error) => prop_assert!(false, "refused a right signature: {}", error),
        }
    }

    /// Any change of one byte of the body, or of the secret, is a mismatch (401).
    #[test]
    fn one_byte_changed_never_verifies(body in proptest::collection::vec(any::<u8>(), 1..200), at in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let verifier = Verifier::new(SECRET);
        let signature = verifier.sign("1795687200", &body);
        let now = UNIX_EPOCH + Duration::from_secs(1_795_687_200);
        let mut altered = body.clone();
        let i = at.index(altered.len());
        altered[i] ^= flip;
        let refused = verifier.verify(&altered, Some(&signature), Some("1795687200"), now).unwrap_err();
        prop_assert_eq!(&refused, &VerifyError::SignatureMismatch);
        prop_assert_eq!(refused.status().as_u16(), 401);
        let other = Verifier::new("another-secret").verify(&body, Some(&signature), Some("1795687200"), now);
        prop_assert_eq!(other.unwrap_err(), VerifyError::SignatureMismatch);
    }

    /// A right signature is accepted exactly when the timestamp is within the tolerance of
    /// the clock, in either direction, whatever the tolerance.
    #[test]
    fn the_tolerance_decides_exactly(timestamp in 0u64..u64::MAX / 2, offset in -1_000i64..1_000, tolerance in 0u64..600) {
        let verifier = Verifier::new(SECRET).with_tolerance(Duration::from_secs(tolerance));
        let ts = timestamp.to_string();
        let signature = verifier.sign(&ts, b"{}");
        let now_secs = timestamp.saturating_add_signed(offset);
        let now = UNIX_EPOCH + Duration::from_secs(now_secs);
        let result = verifier.verify(b"{}", Some(&signature), Some(&ts), now);
        if timestamp.abs_diff(now_secs) <= tolerance {
            prop_assert!(result.is_ok());
        } else {
            prop_assert_eq!(result.unwrap_err(), VerifyError::StaleTimestamp { timestamp, now: now_secs, tolerance });
        }
    }

    /// Hostile header values are refusals (401), never panics, and never a verified event.
    #[test]
    fn hostile_headers_are_refused(signature in ".{0,80}", timestamp in ".{0,30}", body in body()) {
        let verifier = Verifier::new(SECRET);
        let result = verifier.verify_event(&headers(&signature, &timestamp), &body, UNIX_EPOCH);
        let right = verifier.sign(&timestamp, &body);
        if !signature.eq_ignore_ascii_case(&right) {
            let error = result.unwrap_err();
            prop_assert_eq!(error.status().as_u16(), 401, "{}", error);
        }
    }

    /// A meeting's or webinar's id reads the same as a JSON number and as a string of digits:
    /// the same target, the same delivery key.
    #[test]
    fn numeric_and_digit_ids_are_the_same_target(id in any::<u64>(), kind in 0usize..4) {
        let name = ["meeting.started", "meeting.ended", "webinar.started", "meeting.live_streaming_started"][kind];
        let parse = |id: String| {
            let body = format!(r#"{{"event":"{name}","event_ts":1,"payload":{{"object":{{"id":{id}}}}}}}"#);
            let verifier = Verifier::new(SECRET);
            let signature = verifier.sign("1", body.as_bytes());
            verifier.verify(body.as_bytes(), Some(&signature), Some("1"), UNIX_EPOCH + Duration::from_secs(1)).unwrap().parse().unwrap()
        };
        let as_number: Event = parse(id.to_string());
        let as_text: Event = parse(format!("\"{id}\""));
        prop_assert_eq!(as_number.target(), as_text.target());
        prop_assert_eq!(as_number.delivery_key(), as_text.delivery_key());
        let target = as_number.target().unwrap();
        let number = match target {
            Target::Meeting(meeting) => meeting.get(),
            Target::Webinar(webinar) => webinar.get(),
            other => panic!("{other:?}"),
        };
        prop_assert_eq!(number, id);
    }

    /// A body over the limit is 413 whatever its headers, and one at the limit is not.
    #[test]
    fn the_body_limit_is_exact(extra in 0usize..3, limit in 0usize..2048) {
        let verifier = Verifier::new(SECRET).with_max_body_bytes(limit);
        let body = vec![b'x'; limit + extra];
        let result = verifier.verify(&body, None, None, UNIX_EPOCH);
        if extra > 0 {
            prop_assert_eq!(result.unwrap_err(), VerifyError::BodyTooLarge { len: limit + extra, limit });
        } else {
            prop_assert_eq!(result.unwrap_err(), VerifyError::MissingSignature);
        }
        prop_assert!(limit <= MAX_BODY_BYTES);
    }
}
