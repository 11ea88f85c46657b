//! Known-answer tests of `zoom_webhook` against signatures computed outside Rust.
//!
//! The vectors are `zoom-testkit/fixtures/webhooks/vectors.json`, written by Python's `hmac`
//! and `hashlib` over the sample files' bytes:
//!
//! ```text
//! cd zoom-testkit/fixtures/webhooks && python3 sign.py > vectors.json
//! ```
//!
//! One of them by hand (prints the first delivery's signature):
//!
//! ```text
//! python3 -c 'import hmac,hashlib,sys; print("v0="+hmac.new(b"Zk3vQ8mTx2RwLp5sNc7yBd", b"v0:1795687200:"+open(sys.argv[1],"rb").read(), hashlib.sha256).hexdigest())' meeting.live_streaming_started.json
//! ```
//!
//! `openssl dgst -sha256 -hmac Zk3vQ8mTx2RwLp5sNc7yBd` over `v0:1795687200:` + the file
//! gives the same digests.

use std::time::Duration;

use zoom_core::{MeetingId, Resolution, WebinarId};
use zoom_testkit::webhooks::{self, Delivery, SECRET_TOKEN, TIMESTAMP};
use zoom_webhook::{
    DEFAULT_TOLERANCE, Deduplicator, Event, LiveStreamingService, SIGNATURE_HEADER,
    TIMESTAMP_HEADER, Target, Verifier, VerifyError, WebhookError,
};

fn verifier() -> Verifier {
    Verifier::new(SECRET_TOKEN)
}

fn verify(delivery: &Delivery) -> Result<Event, WebhookError> {
    verifier().verify_event(&delivery.headers(), &delivery.body, webhooks::signed_at())
}

#[test]
fn every_python_signed_sample_is_accepted_and_signed_alike() {
    let samples = webhooks::samples();
    assert_eq!(samples.len(), 14);
    for delivery in &samples {
        assert_eq!(delivery.timestamp, TIMESTAMP.to_string());
        assert!(verify(delivery).is_ok(), "{}", delivery.name);
        assert_eq!(
            verifier().sign(&delivery.timestamp, &delivery.body),
            delivery.signature,
            "{}",
            delivery.name
        );
    }
}

#[test]
fn the_started_sample_is_typed_with_every_field_of_the_payload() {
    let Event::MeetingLiveStreamingStarted(started) =
        verify(&webhooks::meeting_live_streaming_started()).unwrap()
    else {
        panic!("not a started event")
    };
    assert_eq!(started.event_ts, Some(1_795_687_200_000));
    assert_eq!(
        started.account_id.as_deref(),
        Some("AAAAAAAAAAAAAAAAAAAAAA")
    );
    assert_eq!(started.operator.as_deref(), Some("host@example.com"));
    let meeting = &started.meeting;
    assert_eq!(meeting.meeting_id(), Some(MeetingId::new(85_746_065_432)));
    assert_eq!(meeting.uuid.as_deref(), Some("aDYlohsHRtCd4ii1uC2+hA=="));
    assert_eq!(meeting.host_id.as_deref(), Some("z8yCxjabcdefghijklmnop"));
    assert_eq!(meeting.topic.as_deref(), Some("Quarterly all-hands"));
    assert_eq!(meeting.meeting_type, Some(2));
    assert_eq!(meeting.start_time.as_deref(), Some("2026-11-26T09:59:00Z"));
    assert_eq!(meeting.duration, Some(60));
    let live = meeting.live_streaming.as_ref().unwrap();
    assert_eq!(live.service, Some(LiveStreamingService::Custom));
    assert_eq!(live.date_time.as_deref(), Some("2026-11-26T10:00:00Z"));
    let settings = live.custom_live_streaming_settings.as_ref().unwrap();
    assert_eq!(
        settings.stream_url.as_deref(),
        Some("rtmp://live.example.com/app")
    );
    assert_eq!(
        settings.stream_key.as_ref().unwrap().expose_secret(),
        webhooks::MEETING_STREAM_KEY
    );
    assert_eq!(settings.resolution, Some(Resolution::P720));
    let shown = format!("{started:?}");
    assert!(!shown.contains(webhooks::MEETING_STREAM_KEY), "{shown}");
}

#[test]
fn the_non_ascii_topic_is_verified_over_raw_utf8_and_read_back_exactly() {
    let Event::MeetingLiveStreamingStarted(started) =
        verify(&webhooks::meeting_live_streaming_started_non_ascii()).unwrap()
    else {
        panic!("not a started event")
    };
    assert_eq!(
        started.meeting.topic.as_deref(),
        Some(webhooks::NON_ASCII_TOPIC)
    );
}

#[test]
fn an_escaped_body_verifies_as_sent_and_a_re_serialised_one_would_not() {
    let delivery = webhooks::meeting_live_streaming_stopped_escaped();
    let Event::MeetingLiveStreamingStopped(stopped) = verify(&delivery).unwrap() else {
        panic!("not a stopped event")
    };
    assert_eq!(
        stopped.meeting.topic.as_deref(),
        Some("Réunion générale — 直播 🎥")
    );
    assert_eq!(
        stopped.meeting.live_streaming.unwrap().service,
        Some(LiveStreamingService::Facebook)
    );
    // What Zoom's Node sample and Rivet do: parse, serialise, hash. It does not match.
    let value: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
    let reserialised = serde_json::to_vec(&value).unwrap();
    assert_ne!(reserialised, delivery.body);
    let forged = Delivery {
        body: reserialised,
        ..delivery
    };
    assert_eq!(
        verify(&forged).unwrap_err(),
        WebhookError::Verify(VerifyError::SignatureMismatch)
    );
}

#[test]
fn the_stopped_and_session_samples_are_typed() {
    let Event::MeetingLiveStreamingStopped(stopped) =
        verify(&webhooks::meeting_live_streaming_stopped()).unwrap()
    else {
        panic!("not a stopped event")
    };
    assert_eq!(stopped.event_ts, Some(1_795_690_800_000));

    for (delivery, started) in [
        (webhooks::session_live_streaming_started(), true),
        (webhooks::session_live_streaming_stopped(), false),
    ] {
        let event = verify(&delivery).unwrap();
        let expected = if started {
            "session.live_streaming_started"
        } else {
            "session.live_streaming_stopped"
        };
        assert_eq!(event.name(), expected);
        let (Event::SessionLiveStreamingStarted(event) | Event::SessionLiveStreamingStopped(event)) =
            event
        else {
            panic!("not a session event")
        };
        let session = &event.session;
        assert_eq!(session.id.as_deref(), Some("Sx8PZbQyTtaUc9kFb4sOwg=="));
        assert_eq!(session.session_name.as_deref(), Some("Weekly demo"));
        assert_eq!(session.session_key.as_deref(), Some("demo-key"));
        let live = session.live_streaming.as_ref().unwrap();
        assert_eq!(live.service, Some(LiveStreamingService::YouTube));
        let settings = live.custom_live_streaming_settings.as_ref().unwrap();
        assert_eq!(settings.resolution, Some(Resolution::P1080));
        assert_eq!(
            settings.stream_key.as_ref().unwrap().expose_secret(),
            webhooks::SESSION_STREAM_KEY
        );
        assert!(!format!("{event:?}").contains(webhooks::SESSION_STREAM_KEY));
    }
}

#[test]
fn url_validation_is_verified_and_answered_as_python_computed() {
    let Event::UrlValidation(request) = verify(&webhooks::url_validation()).unwrap() else {
        panic!("not a URL validation")
    };
    let (plain, encrypted) = webhooks::url_validation_answer();
    assert_eq!(request.plain_token, plain);
    let answer = verifier().url_validation_response(&request.plain_token);
    assert_eq!(
        serde_json::to_value(&answer).unwrap(),
        serde_json::json!({"plainToken": plain, "encryptedToken": encrypted})
    );
}

#[test]
fn other_events_are_kept_raw_not_refused() {
    let event = verify(&webhooks::other_event()).unwrap();
    let Event::Other { name, raw } = &event else {
        panic!("{event:?}")
    };
    assert_eq!(name, "meeting.participant_joined");
    assert_eq!(raw["payload"]["object"]["topic"], "Quarterly all-hands");
    assert_eq!(event.event_ts(), Some(1_795_687_260_000));
    assert_eq!(event.target(), None);
    assert_eq!(
        event.delivery_key().object_id.as_deref(),
        Some("85746065432")
    );
}

#[test]
fn the_meeting_lifecycle_samples_are_typed_with_their_string_ids() {
    let meeting = Some(Target::Meeting(MeetingId::new(85_746_065_432)));
    let Event::MeetingStarted(started) = verify(&webhooks::meeting_started()).unwrap() else {
        panic!("not meeting.started")
    };
    assert_eq!(started.event_ts, Some(1_795_687_140_000));
    assert_eq!(
        started.account_id.as_deref(),
        Some("AAAAAAAAAAAAAAAAAAAAAA")
    );
    assert_eq!(started.target(), meeting);
    assert_eq!(
        started.meeting.topic.as_deref(),
        Some("Quarterly all-hands")
    );
    assert_eq!(started.meeting.meeting_type, Some(2));
    assert_eq!(started.meeting.end_time, None);

    let event = verify(&webhooks::meeting_ended()).unwrap();
    assert_eq!((event.name(), event.target()), ("meeting.ended", meeting));
    let Event::MeetingEnded(ended) = event else {
        panic!("not meeting.ended")
    };
    assert_eq!(
        ended.meeting.end_time.as_deref(),
        Some("2026-11-26T11:01:00Z")
    );
    assert!(ended.event_ts > started.event_ts);
}

#[test]
fn the_webinar_and_session_lifecycle_samples_are_typed() {
    let webinar = Some(Target::Webinar(WebinarId::new(91_234_567_890)));
    for delivery in [webhooks::webinar_started(), webhooks::webinar_ended()] {
        let event = verify(&delivery).unwrap();
        assert_eq!(event.target(), webinar, "{}", delivery.name);
        let (Event::WebinarStarted(lifecycle) | Event::WebinarEnded(lifecycle)) = &event else {
            panic!("{event:?}")
        };
        assert_eq!(lifecycle.webinar.topic.as_deref(), Some("Product launch"));
        assert_eq!(lifecycle.webinar.webinar_type, Some(5));
        assert_eq!(
            lifecycle.webinar.end_time.is_some(),
            event.name() == "webinar.ended"
        );
    }
    let session = Some(Target::Session("Sx8PZbQyTtaUc9kFb4sOwg==".into()));
    for delivery in [webhooks::session_started(), webhooks::session_ended()] {
        let event = verify(&delivery).unwrap();
        assert_eq!(event.target(), session, "{}", delivery.name);
        let (Event::SessionStarted(lifecycle) | Event::SessionEnded(lifecycle)) = &event else {
            panic!("{event:?}")
        };
        assert_eq!(
            lifecycle.session.session_name.as_deref(),
            Some("Weekly demo")
        );
        assert_eq!(
            lifecycle.session.end_time.is_some(),
            event.name() == "session.ended"
        );
    }
}

#[test]
fn every_sample_has_an_event_ts_and_a_delivery_key_of_its_own() {
    let mut seen = Deduplicator::new(100);
    for delivery in webhooks::samples() {
        let event = verify(&delivery).unwrap();
        assert!(event.event_ts().is_some(), "{}", delivery.name);
        assert!(!seen.is_duplicate(&event), "{}", delivery.name);
    }
}

#[test]
fn a_forged_signature_is_refused_for_every_sample() {
    for delivery in webhooks::samples() {
        // Flip the last hex digit: well formed, wrong.
        let mut forged = delivery.signature.clone();
        let last = forged.pop().unwrap();
        forged.push(if last == '0' { '1' } else { '0' });
        let forged = delivery.clone().with_signature(forged);
        assert_eq!(
            verify(&forged).unwrap_err(),
            WebhookError::Verify(VerifyError::SignatureMismatch),
            "{}",
            delivery.name
        );
    }
}

#[test]
fn another_secret_is_refused_for_every_sample() {
    let other = Verifier::new("another-apps-secret-token");
    for delivery in webhooks::samples() {
        assert_eq!(
            other
                .verify_event(&delivery.headers(), &delivery.body, webhooks::signed_at())
                .unwrap_err(),
            WebhookError::Verify(VerifyError::SignatureMismatch),
            "{}",
            delivery.name
        );
    }
}

#[test]
fn a_stale_timestamp_is_refused_in_both_directions() {
    let delivery = webhooks::meeting_live_streaming_started();
    let window = DEFAULT_TOLERANCE.as_secs();
    let check = |now| verifier().verify_event(&delivery.headers(), &delivery.body, now);
    let at = |offset: i64| {
        let base = webhooks::signed_at();
        let step = Duration::from_secs(offset.unsigned_abs());
        if offset < 0 { base - step } else { base + step }
    };
    // Within the window, edges included.
    let window_i = i64::try_from(window).unwrap();
    for offset in [-window_i, 0, window_i] {
        assert!(check(at(offset)).is_ok(), "offset {offset}");
    }
    // Replayed an hour later, or signed by a clock running ahead.
    for offset in [window_i + 1, 3600, -(window_i + 1), -3600] {
        assert!(
            matches!(
                check(at(offset)),
                Err(WebhookError::Verify(VerifyError::StaleTimestamp {
                    timestamp: TIMESTAMP,
                    ..
                }))
            ),
            "offset {offset}"
        );
    }
}

#[test]
fn missing_headers_are_refused_and_named() {
    let delivery = webhooks::meeting_live_streaming_started();
    for (remove, expected) in [
        (&[SIGNATURE_HEADER][..], VerifyError::MissingSignature),
        (&[TIMESTAMP_HEADER][..], VerifyError::MissingTimestamp),
        (
            &[SIGNATURE_HEADER, TIMESTAMP_HEADER][..],
            VerifyError::MissingSignature,
        ),
    ] {
        let mut headers = delivery.headers();
        for name in remove {
            headers.remove(*name);
        }
        assert_eq!(
            verifier()
                .verify_event(&headers, &delivery.body, webhooks::signed_at())
                .unwrap_err(),
            WebhookError::Verify(expected)
        );
    }
}

#[test]
fn malformed_headers_are_refused_and_named() {
    let delivery = webhooks::meeting_live_streaming_started();
    let digits = delivery.signature.trim_start_matches("v0=").to_owned();
    for (signature, timestamp, expected) in [
        (
            digits.clone(),
            TIMESTAMP.to_string(),
            VerifyError::MalformedSignature,
        ),
        (
            format!("v1={digits}"),
            TIMESTAMP.to_string(),
            VerifyError::MalformedSignature,
        ),
        (
            "v0=zz".to_owned(),
            TIMESTAMP.to_string(),
            VerifyError::MalformedSignature,
        ),
        (
            delivery.signature.clone(),
            "-1".to_owned(),
            VerifyError::MalformedTimestamp,
        ),
        (
            delivery.signature.clone(),
            "1795687200000ms".to_owned(),
            VerifyError::MalformedTimestamp,
        ),
        (
            delivery.signature.clone(),
            u128::MAX.to_string(),
            VerifyError::MalformedTimestamp,
        ),
    ] {
        let mut bad = delivery.clone().with_signature(signature);
        bad.timestamp = timestamp;
        assert_eq!(
            verify(&bad).unwrap_err(),
            WebhookError::Verify(expected),
            "{bad:?}"
        );
    }
}

#[test]
fn u64_max_as_a_timestamp_is_stale_not_a_panic() {
    let delivery = webhooks::meeting_live_streaming_started();
    let resigned = Delivery::signed(SECRET_TOKEN, u64::MAX, delivery.body);
    assert!(matches!(
        verify(&resigned).unwrap_err(),
        WebhookError::Verify(VerifyError::StaleTimestamp {
            timestamp: u64::MAX,
            ..
        })
    ));
}

#[test]
fn a_redelivery_is_recognised_and_the_next_event_is_not() {
    let mut seen = Deduplicator::new(100);
    let started = verify(&webhooks::meeting_live_streaming_started()).unwrap();
    let again = verify(&webhooks::meeting_live_streaming_started()).unwrap();
    let stopped = verify(&webhooks::meeting_live_streaming_stopped()).unwrap();
    assert!(!seen.is_duplicate(&started));
    assert!(seen.is_duplicate(&again));
    assert!(!seen.is_duplicate(&stopped));
}

#[test]
fn signed_deliveries_built_here_verify_at_the_current_time() {
    let body = webhooks::live_streaming_body(
        "meeting.live_streaming_started",
        1_795_687_200_000,
        serde_json::json!({"id": 85746065432_u64, "topic": webhooks::NON_ASCII_TOPIC}),
    );
    let delivery = Delivery::signed("my-secret", webhooks::unix_now(), body);
    let event = Verifier::new("my-secret")
        .verify_event_now(&delivery.headers(), &delivery.body)
        .unwrap();
    assert_eq!(event.name(), "meeting.live_streaming_started");
    let request = delivery.to_request("http://127.0.0.1/zoom/events");
    assert_eq!(request.method(), "POST");
    assert_eq!(request.body(), &delivery.body);
}

/// The status of every kind of refusal, through the one call a receiver makes.
#[test]
fn each_refusal_answers_its_documented_status() {
    let delivery = webhooks::meeting_live_streaming_started();
    let status = |verifier: &Verifier, delivery: &Delivery| {
        verifier
            .verify_event(&delivery.headers(), &delivery.body, webhooks::signed_at())
            .map_or_else(|e| e.status().as_u16(), |_| 200)
    };
    assert_eq!(status(&verifier(), &delivery), 200);
    // Not from Zoom, or not now: 401.
    let forged = delivery
        .clone()
        .with_signature(format!("v0={}", "0".repeat(64)));
    assert_eq!(status(&verifier(), &forged), 401);
    let stale = Delivery::signed(SECRET_TOKEN, TIMESTAMP - 3600, delivery.body.clone());
    assert_eq!(status(&verifier(), &stale), 401);
    // The receiver has no usable secret: its own fault, 500 (Zoom delivers again later).
    assert_eq!(status(&Verifier::new(" "), &delivery), 500);
    // Larger than any Zoom event: 413, signed or not.
    let mut huge = vec![b' '; zoom_webhook::MAX_BODY_BYTES + 1];
    huge[0] = b'{';
    let huge = Delivery::signed(SECRET_TOKEN, TIMESTAMP, huge);
    assert_eq!(status(&verifier(), &huge), 413);
    // Signed by Zoom's secret, but not JSON: 400.
    let not_json = Delivery::signed(SECRET_TOKEN, TIMESTAMP, &b"{\"event\": "[..]);
    assert_eq!(status(&verifier(), &not_json), 400);
}
