//! Signed webhook deliveries: Zoom's live-stream events, lifecycle events (meetings, webinars
//! and sessions starting and ending) and URL validation, as a receiver gets them, for tests of
//! [`zoom_webhook`] receivers and for the simulator.
//!
//! The sample bodies are files in `zoom-testkit/fixtures/webhooks/`, byte for byte, and their
//! signatures were computed **outside Rust**, by `sign.py` beside them (Python's `hmac` and
//! `hashlib`), into `vectors.json`:
//!
//! ```text
//! cd zoom-testkit/fixtures/webhooks && python3 sign.py > vectors.json
//! ```
//!
//! So a test that accepts them proves the SDK computes Zoom's signature, not merely its own.
//!
//! ```
//! use zoom_webhook::{Event, Verifier};
//! use zoom_testkit::webhooks;
//!
//! let delivery = webhooks::meeting_live_streaming_started();
//! let verifier = Verifier::new(webhooks::SECRET_TOKEN);
//! let event = verifier.verify_event(&delivery.headers(), &delivery.body, webhooks::signed_at())?;
//! assert!(matches!(event, Event::MeetingLiveStreamingStarted(_)));
//!
//! // Your own delivery, signed now with your secret:
//! let body = webhooks::live_streaming_body(
//!     "meeting.live_streaming_stopped",
//!     1795690800000,
//!     serde_json::json!({"id": 85746065432_u64, "topic": "Demo"}),
//! );
//! let delivery = webhooks::Delivery::signed("my-secret", webhooks::unix_now(), body);
//! assert!(Verifier::new("my-secret").verify_event_now(&delivery.headers(), &delivery.body).is_ok());
//! # Ok::<(), zoom_webhook::WebhookError>(())
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use zoom_core::http::{self, HeaderMap, HeaderValue};
use zoom_webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER, Verifier};

/// The secret token the samples are signed with (made up; not a real Zoom token).
pub const SECRET_TOKEN: &str = "Zk3vQ8mTx2RwLp5sNc7yBd";

/// The samples' `x-zm-request-timestamp`: 2026-11-26T10:00:00Z in Unix seconds.
pub const TIMESTAMP: u64 = 1_795_687_200;

/// The stream key in the meeting samples (a fake one).
pub const MEETING_STREAM_KEY: &str = "sample-stream-key-0000";

/// The stream key in the session samples (a fake one).
pub const SESSION_STREAM_KEY: &str = "sample-stream-key-1111";

/// The topic of the non-ASCII sample: accents, a dash, CJK and an emoji outside the BMP.
pub const NON_ASCII_TOPIC: &str = "Réunion générale — 直播 🎥 Überblick";

/// The signatures and the URL-validation answer, as Python computed them.
const VECTORS: &str = include_str!("../fixtures/webhooks/vectors.json");

/// The sample bodies, by file name.
const BODIES: &[(&str, &[u8])] = &[
    (
        "meeting.live_streaming_started.json",
        include_bytes!("../fixtures/webhooks/meeting.live_streaming_started.json"),
    ),
    (
        "meeting.live_streaming_stopped.json",
        include_bytes!("../fixtures/webhooks/meeting.live_streaming_stopped.json"),
    ),
    (
        "meeting.live_streaming_started.non_ascii.json",
        include_bytes!("../fixtures/webhooks/meeting.live_streaming_started.non_ascii.json"),
    ),
    (
        "meeting.live_streaming_stopped.escaped.json",
        include_bytes!("../fixtures/webhooks/meeting.live_streaming_stopped.escaped.json"),
    ),
    (
        "session.live_streaming_started.json",
        include_bytes!("../fixtures/webhooks/session.live_streaming_started.json"),
    ),
    (
        "session.live_streaming_stopped.json",
        include_bytes!("../fixtures/webhooks/session.live_streaming_stopped.json"),
    ),
    (
        "endpoint.url_validation.json",
        include_bytes!("../fixtures/webhooks/endpoint.url_validation.json"),
    ),
    (
        "meeting.started.json",
        include_bytes!("../fixtures/webhooks/meeting.started.json"),
    ),
    (
        "meeting.ended.json",
        include_bytes!("../fixtures/webhooks/meeting.ended.json"),
    ),
    (
        "webinar.started.json",
        include_bytes!("../fixtures/webhooks/webinar.started.json"),
    ),
    (
        "webinar.ended.json",
        include_bytes!("../fixtures/webhooks/webinar.ended.json"),
    ),
    (
        "session.started.json",
        include_bytes!("../fixtures/webhooks/session.started.json"),
    ),
    (
        "session.ended.json",
        include_bytes!("../fixtures/webhooks/session.ended.json"),
    ),
    (
        "meeting.participant_joined.json",
        include_bytes!("../fixtures/webhooks/meeting.participant_joined.json"),
    ),
];

/// A webhook delivery: the raw body and the two headers Zoom signs it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// A name for messages: the sample's file name, or `"signed"`.
    pub name: String,
    /// The raw body.
    pub body: Vec<u8>,
    /// The `x-zm-request-timestamp` value.
    pub timestamp: String,
    /// The `x-zm-signature` value.
    pub signature: String,
}

impl Delivery {
    /// `body` signed with `secret` at `timestamp` (Unix seconds), as Zoom would send it.
    pub fn signed(secret: &str, timestamp: u64, body: impl Into<Vec<u8>>) -> Self {
        let body = body.into();
        let timestamp = timestamp.to_string();
        Self {
            name: "signed".to_owned(),
            signature: sign(secret, &timestamp, &body),
            timestamp,
            body,
        }
    }

    /// The same delivery with another `x-zm-signature` value.
    pub fn with_signature(mut self, signature: impl Into<String>) -> Self {
        self.signature = signature.into();
        self
    }

    /// The headers of the delivery: content type, signature and timestamp.
    pub fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        if let Ok(value) = HeaderValue::from_str(&self.signature) {
            headers.insert(SIGNATURE_HEADER, value);
        }
        if let Ok(value) = HeaderValue::from_str(&self.timestamp) {
            headers.insert(TIMESTAMP_HEADER, value);
        }
        headers
    }

    /// The delivery as the `POST` Zoom makes to `uri`.
    ///
    /// # Panics
    ///
    /// If `uri` is not a URI (a mistake in the test that passes it).
    pub fn to_request(&self, uri: &str) -> http::Request<Vec<u8>> {
        let mut request = http::Request::new(self.body.clone());
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = uri.parse().expect("a valid URI");
        *request.headers_mut() = self.headers();
        request
    }
}

/// The `x-zm-signature` value for `body` at `timestamp`, with `secret`.
///
/// ```
/// use zoom_testkit::webhooks;
///
/// let delivery = webhooks::meeting_live_streaming_started();
/// let timestamp = webhooks::TIMESTAMP.to_string();
/// assert_eq!(webhooks::sign(webhooks::SECRET_TOKEN, &timestamp, &delivery.body), delivery.signature);
/// ```
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    Verifier::new(secret).sign(timestamp, body)
}

/// The clock at which the samples are fresh: [`TIMESTAMP`] as a `SystemTime`.
pub fn signed_at() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(TIMESTAMP)
}

/// The current time in Unix seconds, to sign a delivery a receiver with a real clock accepts.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Every sample, with the signature Python computed for it.
pub fn samples() -> Vec<Delivery> {
    let vectors: serde_json::Value = serde_json::from_str(VECTORS).expect("vectors.json is JSON");
    let deliveries = vectors["deliveries"]
        .as_array()
        .expect("vectors.json lists deliveries");
    deliveries
        .iter()
        .map(|entry| {
            let file = entry["file"].as_str().expect("a file name");
            let body = BODIES
                .iter()
                .find(|(name, _)| *name == file)
                .unwrap_or_else(|| panic!("{file} is in vectors.json but not in BODIES"))
                .1;
            Delivery {
                name: file.to_owned(),
                body: body.to_vec(),
                timestamp: entry["timestamp"].as_str().expect("a timestamp").to_owned(),
                signature: entry["signature"].as_str().expect("a signature").to_owned(),
            }
        })
        .collect()
}

/// The sample in `file` (a name from `fixtures/webhooks/`). Panics on an unknown name.
pub fn sample(file: &str) -> Delivery {
    samples()
        .into_iter()
        .find(|d| d.name == file)
        .unwrap_or_else(|| panic!("no webhook sample named {file}"))
}

/// `meeting.live_streaming_started` of meeting 85746065432, custom RTMP service.
pub fn meeting_live_streaming_started() -> Delivery {
    sample("meeting.live_streaming_started.json")
}

/// `meeting.live_streaming_stopped` of the same meeting, an hour later.
pub fn meeting_live_streaming_stopped() -> Delivery {
    sample("meeting.live_streaming_stopped.json")
}

/// `meeting.live_streaming_started` whose topic is [`NON_ASCII_TOPIC`], in raw UTF-8.
pub fn meeting_live_streaming_started_non_ascii() -> Delivery {
    sample("meeting.live_streaming_started.non_ascii.json")
}

/// `meeting.live_streaming_stopped` written with `\u` escapes, spaces and newlines: a
/// verifier that re-serialises the JSON before hashing refuses it.
pub fn meeting_live_streaming_stopped_escaped() -> Delivery {
    sample("meeting.live_streaming_stopped.escaped.json")
}

/// The Video SDK's `session.live_streaming_started`, YouTube service.
pub fn session_live_streaming_started() -> Delivery {
    sample("session.live_streaming_started.json")
}

/// The Video SDK's `session.live_streaming_stopped`.
pub fn session_live_streaming_stopped() -> Delivery {
    sample("session.live_streaming_stopped.json")
}

/// `endpoint.url_validation`; its answer is [`url_validation_answer`].
pub fn url_validation() -> Delivery {
    sample("endpoint.url_validation.json")
}

/// `meeting.started` of meeting 85746065432, its id a string of digits (as Zoom sends it in
/// lifecycle events).
pub fn meeting_started() -> Delivery {
    sample("meeting.started.json")
}

/// `meeting.ended` of the same meeting, with its `end_time`.
pub fn meeting_ended() -> Delivery {
    sample("meeting.ended.json")
}

/// `webinar.started` of webinar 91234567890.
pub fn webinar_started() -> Delivery {
    sample("webinar.started.json")
}

/// `webinar.ended` of the same webinar, with its `end_time`.
pub fn webinar_ended() -> Delivery {
    sample("webinar.ended.json")
}

/// The Video SDK's `session.started` (the session of the session samples).
pub fn session_started() -> Delivery {
    sample("session.started.json")
}

/// The Video SDK's `session.ended`, with its `end_time`.
pub fn session_ended() -> Delivery {
    sample("session.ended.json")
}

/// `meeting.participant_joined`: an event the SDK does not type (it is `Event::Other`).
pub fn other_event() -> Delivery {
    sample("meeting.participant_joined.json")
}

/// The `(plainToken, encryptedToken)` of [`url_validation`], as Python computed them.
pub fn url_validation_answer() -> (String, String) {
    let vectors: serde_json::Value = serde_json::from_str(VECTORS).expect("vectors.json is JSON");
    let answer = &vectors["url_validation"];
    let text = |key: &str| answer[key].as_str().expect("a token").to_owned();
    (text("plainToken"), text("encryptedToken"))
}

/// A live-stream event body (`meeting.…` or `session.…`) around `object` (the meeting or
/// session), in Zoom's envelope, for deliveries built from a meeting's real state.
///
/// ```
/// let body = zoom_testkit::webhooks::live_streaming_body(
///     "meeting.live_streaming_started",
///     1795687200000,
///     serde_json::json!({"id": 85746065432_u64}),
/// );
/// let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
/// assert_eq!(json["payload"]["object"]["id"], 85746065432_u64);
/// ```
pub fn live_streaming_body(event: &str, event_ts_ms: u64, object: serde_json::Value) -> Vec<u8> {
    account_live_streaming_body("AAAAAAAAAAAAAAAAAAAAAA", event, event_ts_ms, object)
}

/// [`live_streaming_body`] for the account `account_id` (the simulator's, say).
///
/// ```
/// let body = zoom_testkit::webhooks::account_live_streaming_body(
///     "sim-account",
///     "meeting.live_streaming_stopped",
///     1795690800000,
///     serde_json::json!({"id": 85746065432_u64}),
/// );
/// let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
/// assert_eq!(json["payload"]["account_id"], "sim-account");
/// ```
pub fn account_live_streaming_body(
    account_id: &str,
    event: &str,
    event_ts_ms: u64,
    object: serde_json::Value,
) -> Vec<u8> {
    serde_json::json!({
        "event": event,
        "event_ts": event_ts_ms,
        "payload": {
            "account_id": account_id,
            "operator": "host@example.com",
            "operator_id": "z8yCxjabcdefghijklmnop",
            "object": object,
        },
    })
    .to_string()
    .into_bytes()
}

/// A lifecycle event body (`meeting.started`, `webinar.ended`, `session.started`, …) around
/// `object`, in Zoom's envelope: `event`, `event_ts`, `payload.account_id` and
/// `payload.object` (no operator, as Zoom sends these).
///
/// ```
/// let body = zoom_testkit::webhooks::lifecycle_body(
///     "meeting.started",
///     1795687140000,
///     serde_json::json!({"id": "85746065432", "topic": "Demo"}),
/// );
/// let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
/// assert_eq!(json["payload"]["object"]["id"], "85746065432");
/// assert!(json["payload"].get("operator").is_none());
/// ```
pub fn lifecycle_body(event: &str, event_ts_ms: u64, object: serde_json::Value) -> Vec<u8> {
    account_lifecycle_body("AAAAAAAAAAAAAAAAAAAAAA", event, event_ts_ms, object)
}

/// [`lifecycle_body`] for the account `account_id` (the simulator's, say).
///
/// ```
/// let body = zoom_testkit::webhooks::account_lifecycle_body(
///     "sim-account",
///     "webinar.ended",
///     1795690800000,
///     serde_json::json!({"id": "91234567890"}),
/// );
/// let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
/// assert_eq!(json["payload"]["account_id"], "sim-account");
/// ```
pub fn account_lifecycle_body(
    account_id: &str,
    event: &str,
    event_ts_ms: u64,
    object: serde_json::Value,
) -> Vec<u8> {
    serde_json::json!({
        "event": event,
        "event_ts": event_ts_ms,
        "payload": {
            "account_id": account_id,
            "object": object,
        },
    })
    .to_string()
    .into_bytes()
}

/// An `endpoint.url_validation` body.
///
/// ```
/// let body = zoom_testkit::webhooks::url_validation_body("abc", 1795687200000);
/// assert!(String::from_utf8(body).unwrap().contains(r#""plainToken":"abc""#));
/// ```
pub fn url_validation_body(plain_token: &str, event_ts_ms: u64) -> Vec<u8> {
    serde_json::json!({
        "event": "endpoint.url_validation",
        "event_ts": event_ts_ms,
        "payload": { "plainToken": plain_token },
    })
    .to_string()
    .into_bytes()
}

/// Reads one HTTP/1.1 request from the receiving end of a connection: the request line, the
/// headers, then a body of `Content-Length` bytes. For a hand-written loopback receiver in a
/// test (the simulator's deliveries, say); `None` if the stream ends early or the head is not
/// HTTP. Answer on the same stream afterwards.
///
/// ```
/// let wire = b"POST /zoom/events HTTP/1.1\r\nx-zm-request-timestamp: 1\r\ncontent-length: 2\r\n\r\n{}";
/// let request = zoom_testkit::webhooks::read_request(&wire[..]).unwrap();
/// assert_eq!(request.uri(), "/zoom/events");
/// assert_eq!(request.headers()["x-zm-request-timestamp"], "1");
/// assert_eq!(request.body(), b"{}");
/// ```
pub fn read_request(stream: impl std::io::Read) -> Option<http::Request<Vec<u8>>> {
    use std::io::{BufRead as _, Read as _};

    let mut reader = std::io::BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let mut request = http::Request::builder()
        .method(parts.next()?)
        .uri(parts.next()?);
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        let (name, value) = trimmed.split_once(':')?;
        request = request.header(name.trim(), value.trim());
    }
    let length: u64 = request
        .headers_ref()?
        .get(http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()?;
    // Read, not allocated up front: a `Content-Length` is only a claim.
    let mut body = Vec::new();
    reader.take(length).read_to_end(&mut body).ok()?;
    (body.len() as u64 == length).then_some(())?;
    request.body(body).ok()
}
