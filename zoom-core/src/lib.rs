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
//! let client = zoom_core::blocking::Client::builder(transport).bearer_token("token").build()?;
//! let stream = client.meeting_live_stream(MeetingId::new(85746065432))?;
//! assert_eq!(stream.stream_url.as_deref(), Some("https://somecompany.com/livestream"));
//! # Ok(()) }
//! ```
//!
//! Where calls fail, [`Error`] says where (input, transport, API, decode, auth) and, for API
//! errors, everything Zoom said: match on [`ApiErrorKind`] rather than on messages.
#![forbid(unsafe_code)]

pub mod auth;
pub mod blocking;
mod builder;
pub mod call;
pub mod client;
pub mod endpoint;
pub mod error;
pub mod ids;
pub mod limiter;
mod methods;
pub mod model;
pub mod rate_limit;
pub mod response;
pub mod retry;
mod seam;
pub mod secret;
pub mod sleep;
pub mod spawn;
pub mod store;
pub mod time;
pub mod transport;
mod wiring;

pub use auth::{DEFAULT_OAUTH_BASE, ServerToServerOAuth, TokenSource, UserOAuth};
pub use builder::{ClientBuilder, ZOOMGOV_API_BASE, ZOOMGOV_OAUTH_BASE};
pub use client::Client;
pub use endpoint::{BaseUrl, DEFAULT_API_BASE, Endpoint, Idempotency};
pub use error::{
    ApiError, ApiErrorKind, AuthError, AuthErrorKind, BoxError, CallMisuse, DecodeError, Error,
    ErrorKind, FieldError, InvalidInput, Result, RetryClass, TransportError, TransportErrorKind,
};
pub use http;
pub use ids::{MeetingId, MeetingRef, MeetingUuid, WebinarId, WebinarRef, WebinarUuid};
pub use limiter::{Plan, RateLimiter};
pub use model::{
    CloseCaption, JoinToken, Layout, LiveStream, LiveStreamSettings, LiveStreamStatus, Resolution,
    StreamAction, UpdateLiveStream,
};
pub use rate_limit::{RateLimit, RetryAfter};
pub use response::{Answer, FromResponse, ResponseMeta};
pub use retry::{Jitter, RetryContext, RetryDecision, RetryPolicy};
pub use secret::SecretString;
pub use sleep::{AsyncSleep, BlockingSleep, ThreadSleep};
pub use spawn::AsyncSpawn;
pub use time::{SystemTimeSource, TimeSource, Timestamp};
pub use transport::{
    AsyncFnTransport, BlockingTransport, FnTransport, HttpRequest, HttpResponse, Transport,
};
