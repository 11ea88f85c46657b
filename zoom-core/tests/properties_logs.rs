//! What the SDK logs about a failing call holds no control character from the server:
//! a server cannot forge log lines (the SDK logs `error = %error` at INFO when it retries)
//! or send escape sequences to a terminal. Checked with a capturing tracing subscriber.

use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex};

use proptest::prelude::*;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use zoom_core::{FnTransport, HttpRequest, Jitter, MeetingId, RetryPolicy};

/// Every event's fields, rendered the way a formatting subscriber renders them
/// (`%value` through `Display`, strings through `Debug`).
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = Line(String::new());
        event.record(&mut line);
        self.0.lock().unwrap().push(line.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        Just("ok\nINFO zoom call succeeded\r\u{1b}[2J\u{7}".to_owned()),
        "[a-z\\n\\r\\t\\x1b\\x07\\x00\\u{9b}\\u{2028}\\u{202e}]{1,30}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn logged_errors_carry_no_control_character_from_the_server(
        text in hostile_text(),
        json in any::<bool>(),
        status in prop_oneof![Just(500u16), Just(503), Just(400), Just(429)],
    ) {
        let body = if json {
            serde_json::json!({
                "code": 300,
                "message": text,
                "errors": [{"field": text, "message": text}],
            })
            .to_string()
        } else {
            text.clone()
        };
        let transport = FnTransport(move |_: HttpRequest| {
            Ok(http::Response::builder()
                .status(status)
                .header("content-type", if json { "application/json" } else { "text/plain" })
                .header("x-zm-trackingid", "trk\t1")
                .body(body.clone().into_bytes())
                .unwrap())
        });
        let client = zoom_core::blocking::Client::builder().transport(transport)
            .bearer_token("token")
            .api_base("http://127.0.0.1:9/v2")
            .retry_policy(RetryPolicy::default().max_attempts(2))
            .jitter(Jitter::fixed(0.0))
            .build()
            .unwrap();
        let capture = Capture::default();
        let result = tracing::subscriber::with_default(capture.clone(), || {
            client.meeting_live_stream(MeetingId::new(1))
        });
        let error = result.unwrap_err();
        let lines = capture.0.lock().unwrap().clone();
        prop_assert!(!lines.is_empty());
        prop_assert!(lines.iter().any(|l| l.contains("error=")), "{:?}", lines);
        for line in lines.iter().chain([&error.to_string()]) {
            prop_assert!(!line.chars().any(char::is_control), "{:?}", line);
        }
    }
}
