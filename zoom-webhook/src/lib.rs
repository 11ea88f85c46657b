//! Zoom's webhooks for the live-stream SDK, sans I/O: verify a delivery, answer URL
//! validation, read typed live-stream and lifecycle events, recognise redeliveries.
//!
//! Your web framework receives the request; this crate only looks at its raw body bytes and
//! two headers, with your app's secret token and a clock. It opens no socket and needs no
//! runtime. (Through the facade: `zoom_live_stream::webhook`, feature `webhook`.)
//!
//! - [`Verifier`] checks `x-zm-signature` (HMAC-SHA256 over the **raw bytes received**,
//!   compared in constant time), `x-zm-request-timestamp` (within ±5 minutes by default) and
//!   the body's size (64 KiB by default), and refuses with a [`VerifyError`] that says which
//!   check failed;
//! - [`Event`] types the live-stream events (`meeting.live_streaming_started`/`stopped`, the
//!   Video SDK's `session.live_streaming_started`/`stopped`), the lifecycle events
//!   (`meeting.started`/`ended`, `webinar.started`/`ended`, `session.started`/`ended`) and
//!   `endpoint.url_validation`; any other event is [`Event::Other`] with its name and raw
//!   JSON. Only a verified body is parsed. [`Event::event_ts`] and [`Event::target`] (the
//!   meeting, webinar or session, as a [`Target`]) are what to order and key work on;
//! - [`Verifier::url_validation_response`] builds the `{plainToken, encryptedToken}` answer;
//! - [`Deduplicator`] recognises a redelivery. Acknowledge first (a 2xx within 3 seconds, or
//!   Zoom delivers again), then work.
//!
//! A receiver answers every refusal with [`WebhookError::status`]:
//!
//! | refusal | status |
//! |---|---|
//! | missing, malformed or wrong signature; missing, malformed or stale timestamp | 401 |
//! | a body over [`MAX_BODY_BYTES`] ([`VerifyError::BodyTooLarge`]) | 413 |
//! | no usable secret configured ([`VerifyError::NoSecret`]): the receiver's mistake | 500 |
//! | verified, but not JSON or not the event it names ([`WebhookError::Parse`]) | 400 |
//!
//! and 200 to everything verified, events it ignores included.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use zoom_core::http::HeaderMap;
//! use zoom_webhook::{Event, Verifier, WebhookError};
//!
//! // What the web framework hands you: headers and the raw body.
//! let body = r#"{"event":"meeting.live_streaming_started","event_ts":1795687200000,"payload":{"object":{"id":85746065432,"topic":"Café 直播"}}}"#;
//! let mut headers = HeaderMap::new();
//! headers.insert("x-zm-signature", "v0=cb1e630257b82bc29919240852bdcc05934043cfcbe297fd1de8188841fd3f1c".parse()?);
//! headers.insert("x-zm-request-timestamp", "1795687200".parse()?);
//! # let now = UNIX_EPOCH + Duration::from_secs(1795687200);
//!
//! let verifier = Verifier::new("test-secret-token"); // from ZOOM_WEBHOOK_SECRET_TOKEN, say
//! let status = match verifier.verify_event(&headers, body.as_bytes(), now) {
//!     Ok(Event::UrlValidation(request)) => {
//!         let _json = serde_json::to_string(&verifier.url_validation_response(&request.plain_token))?;
//!         200
//!     }
//!     Ok(event) => {
//!         // Hand `event` to your work queue, then answer at once.
//!         assert_eq!(event.name(), "meeting.live_streaming_started");
//!         assert_eq!(event.target().and_then(|t| t.meeting_id()).map(|id| id.get()), Some(85746065432));
//!         200
//!     }
//!     Err(error) => error.status().as_u16(), // 401, 413, 500 or 400
//! };
//! assert_eq!(status, 200);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod deduplicator;
mod envelope;
mod error;
mod event;
mod lifecycle;
mod live_streaming;
mod object_id;
mod signature;
mod target;
mod url_validation;
mod verified;
mod verifier;
mod verify_span;

pub use deduplicator::Deduplicator;
pub use error::{ParseError, ParseErrorKind, VerifyError, WebhookError};
pub use event::{
    DeliveryKey, ENDPOINT_URL_VALIDATION, Event, MEETING_ENDED, MEETING_LIVE_STREAMING_STARTED,
    MEETING_LIVE_STREAMING_STOPPED, MEETING_STARTED, SESSION_ENDED, SESSION_LIVE_STREAMING_STARTED,
    SESSION_LIVE_STREAMING_STOPPED, SESSION_STARTED, WEBINAR_ENDED, WEBINAR_STARTED,
};
pub use lifecycle::{
    LifecycleMeeting, LifecycleSession, LifecycleWebinar, MeetingLifecycle, SessionLifecycle,
    WebinarLifecycle,
};
pub use live_streaming::{
    LiveStreamMeeting, LiveStreamSession, LiveStreaming, LiveStreamingService,
    MeetingLiveStreaming, SessionLiveStreaming,
};
pub use target::Target;
pub use url_validation::{UrlValidation, UrlValidationResponse};
pub use verified::Verified;
pub use verifier::{
    DEFAULT_TOLERANCE, MAX_BODY_BYTES, SIGNATURE_HEADER, TIMESTAMP_HEADER, Verifier,
};
