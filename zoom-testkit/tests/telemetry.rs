//! The spans a call opens, as a subscriber sees them: one call span around one span per
//! attempt (the token request included), named and attributed by OpenTelemetry's HTTP client
//! conventions, the same from both clients; and no secret in any span or event, ever.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;
use zoom_core::store::MemoryStore;
use zoom_core::{Jitter, UpdateLiveStream, UserOAuth};
use zoom_testkit::{InstantSleep, ManualClock, MockTransport, fixtures, webhooks};
use zoom_webhook::Verifier;

/// One span as recorded: its name, its parent's index, every field it was given.
#[derive(Debug, Clone, PartialEq)]
struct SpanRecord {
    name: &'static str,
    parent: Option<usize>,
    fields: BTreeMap<String, String>,
}

impl SpanRecord {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

#[derive(Debug, Default)]
struct Captured {
    spans: Vec<SpanRecord>,
    ids: HashMap<u64, usize>,
    /// Every event: its span's index and its fields (message included).
    events: Vec<(Option<usize>, BTreeMap<String, String>)>,
}

/// A layer that records every field of every span and event, whatever its level.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Captured>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut captured = self.0.lock().unwrap();
        let parent = ctx
            .span(id)
            .and_then(|span| span.parent())
            .and_then(|parent| captured.ids.get(&parent.id().into_u64()).copied());
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        let index = captured.spans.len();
        captured.spans.push(SpanRecord {
            name: attrs.metadata().name(),
            parent,
            fields,
        });
        captured.ids.insert(id.into_u64(), index);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _ctx: Context<'_, S>) {
        let mut captured = self.0.lock().unwrap();
        if let Some(&index) = captured.ids.get(&id.into_u64()) {
            values.record(&mut Fields(&mut captured.spans[index].fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut captured = self.0.lock().unwrap();
        let span = ctx
            .event_span(event)
            .and_then(|span| captured.ids.get(&span.id().into_u64()).copied());
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        captured.events.push((span, fields));
    }
}

impl Capture {
    /// Runs `run` with this layer as the thread's subscriber.
    fn during<R>(&self, run: impl FnOnce() -> R) -> R {
        let subscriber = tracing_subscriber::registry().with(self.clone());
        tracing::subscriber::with_default(subscriber, run)
    }

    fn spans(&self) -> Vec<SpanRecord> {
        self.0.lock().unwrap().spans.clone()
    }

    /// Every name, field name and value of every span and event, as text.
    fn all_text(&self) -> String {
        let captured = self.0.lock().unwrap();
        let mut text = String::new();
        for span in &captured.spans {
            text.push_str(span.name);
            text.push('\n');
            for (name, value) in &span.fields {
                text.push_str(&format!("{name}={value}\n"));
            }
        }
        for (_, fields) in &captured.events {
            for (name, value) in fields {
                text.push_str(&format!("{name}={value}\n"));
            }
        }
        text
    }
}

const ACCOUNT: &str = "acct-1";
const CLIENT_ID: &str = "client-1";
const CLIENT_SECRET: &str = "client-secret-Q7ZK";
const ACCESS_TOKEN: &str = "access-token-M4XR";
const MEETING: u64 = 85746065432;

/// An S2S token, a 429 with `Retry-After: 2`, then the documented live stream.
fn token_then_retry() -> MockTransport {
    MockTransport::new()
        .push(fixtures::oauth_token(ACCESS_TOKEN, 3599))
        .push(fixtures::rate_limited(2))
        .push(fixtures::documented_live_stream().header("x-zm-trackingid", "trk-answer"))
}

fn blocking_client(mock: &MockTransport) -> zoom_core::blocking::Client {
    zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .server_to_server_oauth(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .jitter(Jitter::fixed(0.5))
        .sleeper(InstantSleep::new())
        .time_source(ManualClock::new())
        .build()
        .unwrap()
}

fn async_client(mock: &MockTransport) -> zoom_core::Client {
    zoom_core::Client::builder()
        .transport(mock.clone())
        .server_to_server_oauth(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .jitter(Jitter::fixed(0.5))
        .sleeper(InstantSleep::new())
        .time_source(ManualClock::new())
        .build()
        .unwrap()
}

fn blocking_spans() -> Vec<SpanRecord> {
    let mock = token_then_retry();
    let capture = Capture::default();
    capture.during(|| blocking_client(&mock).meeting_live_stream(MEETING).unwrap());
    mock.assert_all_used();
    capture.spans()
}

fn async_spans() -> Vec<SpanRecord> {
    let mock = token_then_retry();
    let capture = Capture::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    capture.during(|| {
        runtime
            .block_on(async_client(&mock).meeting_live_stream(MEETING))
            .unwrap()
    });
    mock.assert_all_used();
    capture.spans()
}

#[test]
fn a_call_is_one_span_around_its_token_fetch_and_one_span_per_attempt() {
    let spans = blocking_spans();
    let names: Vec<_> = spans
        .iter()
        .map(|s| (s.name, s.field("otel.name").unwrap_or_default().to_owned()))
        .collect();
    assert_eq!(
        names,
        [
            ("zoom.call", "zoom.meeting_live_stream".to_owned()),
            ("zoom.token", String::new()),
            ("zoom.http", "POST /oauth/token".to_owned()),
            (
                "zoom.http",
                "GET /meetings/{meetingId}/livestream".to_owned()
            ),
            (
                "zoom.http",
                "GET /meetings/{meetingId}/livestream".to_owned()
            ),
        ]
    );
    let [call, token, token_request, first, second] = &spans[..] else {
        unreachable!()
    };
    assert_eq!(call.parent, None);
    assert_eq!(
        [
            token.parent,
            token_request.parent,
            first.parent,
            second.parent
        ],
        [Some(0), Some(1), Some(0), Some(0)]
    );

    // The call: the operation, its meeting, two attempts, the wait Zoom asked for, the
    // outcome and what Zoom's support needs.
    for (field, value) in [
        ("zoom.operation", "zoom.meeting_live_stream"),
        ("zoom.meeting_id", "85746065432"),
        ("zoom.attempts", "2"),
        ("zoom.outcome", "ok"),
        ("http.response.status_code", "200"),
        ("zoom.retry_after.wait_ms", "2100"),
        ("zoom.tracking_id", "trk-answer"),
    ] {
        assert_eq!(call.field(field), Some(value), "{field} in {call:#?}");
    }
    assert_eq!(call.field("otel.status_code"), None);
    assert_eq!(call.field("zoom.rate_limiter.wait_ms"), None);

    for (field, value) in [
        ("zoom.grant_type", "account_credentials"),
        ("zoom.token.source", "fetched"),
        ("zoom.token.shared", "false"),
        ("zoom.outcome", "ok"),
    ] {
        assert_eq!(token.field(field), Some(value), "{field} in {token:#?}");
    }
    for (field, value) in [
        ("otel.kind", "client"),
        ("http.request.method", "POST"),
        ("server.address", "zoom.us"),
        ("server.port", "443"),
        ("url.full", "https://zoom.us/oauth/token"),
        ("url.template", "/oauth/token"),
        ("http.response.status_code", "200"),
    ] {
        assert_eq!(token_request.field(field), Some(value), "{field}");
    }

    // The first API attempt: Zoom's 429 makes it an error; the second is a resend.
    for (field, value) in [
        ("otel.kind", "client"),
        ("http.request.method", "GET"),
        ("server.address", "api.zoom.us"),
        ("server.port", "443"),
        (
            "url.full",
            "https://api.zoom.us/v2/meetings/85746065432/livestream",
        ),
        ("url.template", "/meetings/{meetingId}/livestream"),
        ("http.response.status_code", "429"),
        ("error.type", "429"),
        ("otel.status_code", "ERROR"),
    ] {
        assert_eq!(first.field(field), Some(value), "{field} in {first:#?}");
    }
    assert_eq!(first.field("http.request.resend_count"), None);
    assert_eq!(
        first.field("zoom.tracking_id"),
        Some("v=2.0;clid=us05;rid=fixture-rate_limited")
    );
    assert_eq!(second.field("http.request.resend_count"), Some("1"));
    assert_eq!(second.field("http.response.status_code"), Some("200"));
    assert_eq!(second.field("error.type"), None);
    assert_eq!(second.field("otel.status_code"), None);
}

#[test]
fn both_clients_open_the_same_spans_with_the_same_attributes() {
    assert_eq!(blocking_spans(), async_spans());
}

#[test]
fn a_transport_failure_names_its_kind_and_a_failed_call_its_outcome() {
    let mock = MockTransport::new()
        .push_error(zoom_core::TransportErrorKind::Timeout)
        .push(fixtures::documented_not_found());
    let capture = Capture::default();
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .bearer_token("t")
        .jitter(Jitter::fixed(0.5))
        .sleeper(InstantSleep::new())
        .time_source(ManualClock::new())
        .build()
        .unwrap();
    capture.during(|| client.meeting_live_stream(MEETING).unwrap_err());
    let spans = capture.spans();
    let attempts: Vec<_> = spans.iter().filter(|s| s.name == "zoom.http").collect();
    assert_eq!(attempts[0].field("error.type"), Some("timeout"));
    assert_eq!(attempts[0].field("http.response.status_code"), None);
    assert_eq!(attempts[1].field("error.type"), Some("404"));
    let call = &spans[0];
    for (field, value) in [
        ("zoom.outcome", "api"),
        ("error.type", "404"),
        ("otel.status_code", "ERROR"),
        ("zoom.attempts", "2"),
        ("zoom.backoff.wait_ms", "250"),
    ] {
        assert_eq!(call.field(field), Some(value), "{field} in {call:#?}");
    }
}

#[test]
fn a_shared_store_operation_is_a_span_under_the_call_or_its_token_fetch() {
    let mock = MockTransport::new()
        .push(fixtures::oauth_token(ACCESS_TOKEN, 3599))
        .push(fixtures::documented_live_stream());
    let capture = Capture::default();
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .server_to_server_oauth(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .shared_store(MemoryStore::new())
        .sleeper(InstantSleep::new())
        .build()
        .unwrap();
    capture.during(|| client.meeting_live_stream(MEETING).unwrap());
    let spans = capture.spans();
    let stores: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "zoom.store")
        .map(|s| {
            (
                s.field("otel.name").unwrap().to_owned(),
                spans[s.parent.unwrap()].name,
                s.field("zoom.outcome").unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        stores,
        [
            ("zoom.store.Get".to_owned(), "zoom.token", "ok".to_owned()),
            (
                "zoom.store.TryLock".to_owned(),
                "zoom.token",
                "ok".to_owned()
            ),
            ("zoom.store.Get".to_owned(), "zoom.token", "ok".to_owned()),
            (
                "zoom.store.PutAndUnlock".to_owned(),
                "zoom.token",
                "ok".to_owned()
            ),
        ]
    );
}

#[test]
fn no_secret_reaches_a_span_or_an_event() {
    const REFRESH_TOKEN: &str = "refresh-token-P2WB";
    const USER_SECRET: &str = "user-client-secret-H6TD";
    const USER_ACCESS: &str = "user-access-token-J9SE";
    const STREAM_KEY: &str = "stream-key-V3NF";
    let join_token = "2njt50mj";
    let capture = Capture::default();
    capture.during(|| {
        // Server-to-Server OAuth (client secret, access token), a stream key in an update,
        // a join token answer, a rejected token (401: dropped from the shared store by
        // value), a retry.
        let mock = MockTransport::new()
            .push(fixtures::oauth_token(ACCESS_TOKEN, 3599))
            .push(fixtures::server_error(503))
            .push(fixtures::no_content())
            .push(fixtures::join_token())
            .push(fixtures::invalid_access_token())
            .push(fixtures::oauth_token(ACCESS_TOKEN, 3599))
            .push(fixtures::documented_live_stream());
        let client = zoom_core::blocking::Client::builder()
            .transport(mock.clone())
            .server_to_server_oauth(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
            .shared_store(MemoryStore::new())
            .jitter(Jitter::fixed(0.5))
            .sleeper(InstantSleep::new())
            .time_source(ManualClock::new())
            .build()
            .unwrap();
        let update = UpdateLiveStream::new(
            "rtmp://live.example.com/app",
            STREAM_KEY,
            "https://example.com/watch",
        );
        client.update_meeting_live_stream(MEETING, &update).unwrap();
        let token = client.meeting_live_stream_join_token(MEETING).unwrap();
        assert_eq!(token.token.expose_secret(), join_token);
        client.meeting_live_stream(MEETING).unwrap();
        mock.assert_all_used();

        // User OAuth: a refresh token, and the token fetched with it.
        let mock = MockTransport::new()
            .push(fixtures::oauth_token(USER_ACCESS, 3599))
            .push(fixtures::documented_live_stream());
        let client = zoom_core::blocking::Client::builder()
            .transport(mock.clone())
            .user_oauth(UserOAuth::new(CLIENT_ID, USER_SECRET, REFRESH_TOKEN))
            .sleeper(InstantSleep::new())
            .build()
            .unwrap();
        client.meeting_live_stream(MEETING).unwrap();

        // A webhook delivery verified with its secret, carrying a stream key; and a forged one.
        let delivery = webhooks::meeting_live_streaming_started();
        let verifier = Verifier::new(webhooks::SECRET_TOKEN);
        verifier
            .verify_event(&delivery.headers(), &delivery.body, webhooks::signed_at())
            .unwrap();
        let forged = webhooks::Delivery::signed(
            "not-the-secret",
            webhooks::TIMESTAMP,
            delivery.body.clone(),
        );
        verifier
            .verify_event(&forged.headers(), &forged.body, webhooks::signed_at())
            .unwrap_err();
    });

    let text = capture.all_text();
    // The run was seen: spans of each kind, with their attributes.
    for expected in [
        "zoom.call",
        "zoom.token",
        "zoom.store",
        "zoom.webhook.verify",
        "otel.name=PATCH /meetings/{meetingId}/livestream",
        "otel.name=GET /meetings/{meetingId}/jointoken/live_streaming",
        "zoom.webhook.outcome=verified",
        "error.type=signature_mismatch",
        "zoom.store.operation=Invalidate",
        "zoom.grant_type=refresh_token",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    let basic = |id: &str, secret: &str| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    };
    let delivery = webhooks::meeting_live_streaming_started();
    let signature = delivery.headers()["x-zm-signature"]
        .to_str()
        .unwrap()
        .to_owned();
    for secret in [
        CLIENT_SECRET,
        ACCESS_TOKEN,
        STREAM_KEY,
        join_token,
        REFRESH_TOKEN,
        USER_SECRET,
        USER_ACCESS,
        webhooks::SECRET_TOKEN,
        webhooks::MEETING_STREAM_KEY,
        &basic(CLIENT_ID, CLIENT_SECRET),
        &basic(CLIENT_ID, USER_SECRET),
        &signature,
        "Bearer",
        "Basic",
        // Bodies: the request's and the answers' and the delivery's.
        "rtmp://live.example.com/app",
        "\"stream_url\"",
        "live_streaming_started\",\"event_ts",
    ] {
        assert!(!text.contains(secret), "{secret:?} recorded in:\n{text}");
    }
}
