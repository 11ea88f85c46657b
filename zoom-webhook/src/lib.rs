//! Zoom's webhooks for the live-stream SDK, sans I/O: verify a delivery, answer URL
//! validation, read typed live-stream events, recognise redeliveries.
//!
//! Your web framework receives the request; this crate only looks at its raw body bytes and
//! two headers, with your app's secret token and a clock:
//!
//! - [`Verifier`] checks `x-zm-signature` (HMAC-SHA256 over the **raw bytes received**,
//!   compared in constant time) and `x-zm-request-timestamp` (within ±5 minutes by default),
//!   and refuses with a [`VerifyError`] that says which check failed;
//! - [`Event`] types `meeting.live_streaming_started`/`stopped`, the Video SDK's
//!   `session.live_streaming_started`/`stopped` and `endpoint.url_validation`; any other
//!   event is [`Event::Other`] with its raw JSON. Only a verified body is parsed;
//! - [`Verifier::url_validation_response`] builds the `{plainToken, encryptedToken}` answer;
//! - [`Deduplicator`] recognises a redelivery. Acknowledge first (a 2xx within 3 seconds, or
//!   Zoom delivers again), then work.
//!
//! A receiver answers 401 to a [`WebhookError::Verify`], 400 to a [`WebhookError::Parse`]
//! ([`WebhookError::status`]), 413 to a body over [`MAX_BODY_BYTES`], and 200 to everything
//! verified, events it ignores included.
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
//!         200
//!     }
//!     Err(error) => error.status().as_u16(), // 401 or 400
//! };
//! assert_eq!(status, 200);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod deduplicator;
mod envelope;
mod event;
mod url_validation;
mod verifier;

pub use deduplicator::Deduplicator;
pub use event::{
    DeliveryKey, ENDPOINT_URL_VALIDATION, Event, LiveStreamMeeting, LiveStreamSession,
    LiveStreaming, LiveStreamingService, MEETING_LIVE_STREAMING_STARTED,
    MEETING_LIVE_STREAMING_STOPPED, MeetingLiveStreaming, ParseError, ParseErrorKind,
    SESSION_LIVE_STREAMING_STARTED, SESSION_LIVE_STREAMING_STOPPED, SessionLiveStreaming,
};
pub use url_validation::{UrlValidation, UrlValidationResponse};
pub use verifier::{DEFAULT_TOLERANCE, Verified, Verifier, VerifyError};

use zoom_core::http;

/// The header carrying the signature: `v0=` and 64 lowercase hex digits.
pub const SIGNATURE_HEADER: &str = "x-zm-signature";

/// The header carrying the time of signing, in Unix seconds.
pub const TIMESTAMP_HEADER: &str = "x-zm-request-timestamp";

/// The largest body a receiver needs to read: Zoom's events are a few KiB, so anything
/// above 64 KiB is not from Zoom. Answer it 413 without reading on.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Why [`Verifier::verify_event`] refused a delivery: not from Zoom (answer 401), or from
/// Zoom but unreadable (answer 400).
///
/// ```
/// use zoom_webhook::{VerifyError, WebhookError};
///
/// let error = WebhookError::from(VerifyError::MissingSignature);
/// assert_eq!(error.to_string(), "the webhook delivery has no x-zm-signature header");
/// ```
/// It has exactly these two variants, so a `match` that maps them to statuses stays complete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The signature or the timestamp was missing, malformed, wrong or stale.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// Verified, but the body is not JSON or not the event it names.
    #[error(transparent)]
    Parse(#[from] ParseError),
}

impl WebhookError {
    /// What a receiver answers: 401 Unauthorized to [`Verify`](Self::Verify) (not from
    /// Zoom, or stale), 400 Bad Request to [`Parse`](Self::Parse) (from Zoom, unreadable).
    ///
    /// ```
    /// use zoom_core::http::StatusCode;
    /// use zoom_webhook::{Verifier, WebhookError};
    ///
    /// let refused = Verifier::new("secret").verify_event_now(&Default::default(), b"{}");
    /// assert_eq!(refused.unwrap_err().status(), StatusCode::UNAUTHORIZED);
    /// ```
    pub fn status(&self) -> http::StatusCode {
        match self {
            WebhookError::Verify(_) => http::StatusCode::UNAUTHORIZED,
            WebhookError::Parse(_) => http::StatusCode::BAD_REQUEST,
        }
    }
}
