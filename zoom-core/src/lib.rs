//! Sans-IO core of the Zoom live-stream SDK: the models, request building, error mapping,
//! authentication and retries, behind two small transport traits.
//!
//! zoom-core never opens a socket and brings no async runtime. Pick a transport crate
//! (`zoom-transport-reqwest` for async, `zoom-transport-ureq` for blocking), or write your
//! own by implementing [`Transport`] or [`BlockingTransport`].
//!
//! ```
//! # async fn run() -> zoom_core::Result<()> {
//! use zoom_core::{Client, FnTransport, MeetingId};
//!
//! // Any blocking closure is a transport; here one that answers like Zoom's documented 200.
//! let transport = FnTransport(|_request: zoom_core::HttpRequest| {
//!     Ok(http::Response::builder()
//!         .status(200)
//!         .header("content-type", "application/json")
//!         .body(br#"{"stream_url":"https://somecompany.com/livestream"}"#.to_vec())
//!         .unwrap())
//! });
//! let client = zoom_core::blocking::Client::builder().transport(transport).bearer_token("token").build()?;
//! let stream = client.meeting_live_stream(MeetingId::new(85746065432))?;
//! assert_eq!(stream.stream_url.as_deref(), Some("https://somecompany.com/livestream"));
//! # Ok(()) }
//! ```
//!
//! Where calls fail, [`Error`] says where (input, transport, API, decode, auth) and, for API
//! errors, everything Zoom said: match on [`ApiErrorKind`] rather than on messages.
//!
//! # Ids
//!
//! Zoom's spec takes a **string** id (a number, or an instance UUID) only on the two
//! live-stream GETs; every other live-stream operation (the PATCHes of the settings and of
//! the status, the join-token GETs) takes an **int64**. So there are three types per kind:
//!
//! | type | holds | taken by |
//! |---|---|---|
//! | [`MeetingId`] / [`WebinarId`] | the number (at most `i64::MAX`) | every operation |
//! | [`MeetingUuid`] / [`WebinarUuid`] | an instance UUID (base64) | nothing on its own |
//! | [`MeetingRef`] / [`WebinarRef`] | either | the live-stream GETs |
//!
//! A number converts to anything (`u64` and the `…Id` types convert into the `…Ref` types);
//! a UUID converts only into a `…Ref`, so it cannot compile into a PATCH or a join-token call:
//!
//! ```compile_fail,E0277
//! use zoom_core::{endpoint, LiveStreamStatus, MeetingUuid};
//!
//! let uuid: MeetingUuid = "aDYlohsHRtCd4ii1uC2+hA==".parse().unwrap();
//! let _ = endpoint::update_meeting_live_stream_status(uuid, &LiveStreamStatus::stop());
//! ```
//!
//! ```
//! use zoom_core::{endpoint, LiveStreamStatus, MeetingId, MeetingRef, MeetingUuid};
//!
//! let uuid: MeetingUuid = "aDYlohsHRtCd4ii1uC2+hA==".parse().unwrap();
//! let _ = endpoint::get_meeting_live_stream(uuid);
//! let _ = endpoint::update_meeting_live_stream_status(85746065432, &LiveStreamStatus::stop());
//! // Text from a user: a `MeetingRef` takes both shapes, a `MeetingId` only numbers.
//! assert!(matches!("85746065432".parse::<MeetingRef>(), Ok(MeetingRef::Id(_))));
//! assert!("aDYlohsHRtCd4ii1uC2+hA==".parse::<MeetingId>().is_err());
//! ```
//!
//! Nothing but digits or base64 characters (`A–Z a–z 0–9 + / =`) is accepted: a `.`, `%`,
//! space, `?`, `#` or non-ASCII character is an input error, so an id can never become a dot
//! segment that a URL parser (the WHATWG one, the `url` crate under reqwest, a normalising
//! proxy) would remove, even after percent-decoding.
//!
//! # Transports
//!
//! A transport takes a whole [`http::Request<Vec<u8>>`] and returns a whole
//! [`http::Response<Vec<u8>>`]. It is deliberately dumb: every HTTP status (4xx and 5xx
//! included) comes back as `Ok(response)`; only a failure to talk (connect, timeout, I/O,
//! a body over the size cap) is a [`TransportError`]. Auth, retries, encoding and error
//! mapping all live in zoom-core, once, for both traits.
//!
//! # Time
//!
//! Injected time: every clock reading in a call (token expiry, retry budget, limiter pacing,
//! `Retry-After` dates) comes from a [`TimeSource`], so tests can move time by hand and the
//! core can run where `std::time::Instant::now` is unavailable (wasm32-unknown-unknown), given
//! a time source of your own.
#![forbid(unsafe_code)]

mod auth;
pub mod blocking;
mod builder;
pub mod call;
mod client;
pub mod endpoint;
mod error;
mod ids;
mod limiter;
mod methods;
mod model;
mod rate_limit_headers;
pub mod response;
mod retry;
mod seam;
pub mod secret;
mod secret_string;
mod sleep;
mod spawn;
pub mod store;
mod telemetry;
mod time;
mod transport;
mod wiring;

#[cfg(feature = "video-sdk")]
pub use auth::VideoSdkJwt;
pub use auth::{DEFAULT_OAUTH_BASE, ServerToServerOAuth, TokenSource, UserOAuth};
pub use builder::{ClientBuilder, ZOOMGOV_API_BASE, ZOOMGOV_OAUTH_BASE};
pub use client::{AsyncParts, Client};
pub use error::{
    ApiError, ApiErrorKind, AuthError, AuthErrorKind, BoxError, CallMisuse, DECODE_BODY_CAP,
    DecodeError, Error, ErrorKind, FieldError, InvalidInput, Result, RetryClass, TransportError,
    TransportErrorKind, escape_server_text,
};
pub use http;
pub use ids::{MeetingId, MeetingRef, MeetingUuid, SessionId, WebinarId, WebinarRef, WebinarUuid};
pub use limiter::{Plan, RateLimiter};
pub use model::{
    CloseCaption, JoinToken, Layout, LiveStream, LiveStreamSettings, LiveStreamStatus, Resolution,
    StreamAction, TargetKind, UpdateLiveStream,
};
pub use rate_limit_headers::{RateLimit, RetryAfter};
pub use retry::{Jitter, RetryContext, RetryDecision, RetryPolicy};
pub use secret_string::SecretString;
pub use sleep::{AsyncSleep, BlockingSleep, SleepFuture, ThreadSleep};
pub use spawn::{AsyncSpawn, TaskFuture};
pub use time::{SystemTimeSource, TimeSource, Timestamp};
pub use transport::{
    AsyncFnTransport, BlockingTransport, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BODY,
    DEFAULT_TIMEOUT, FnTransport, HttpRequest, HttpResponse, SendFuture, TimeLeft, Transport,
    is_loopback,
};
