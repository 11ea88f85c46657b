//! Read and control a Zoom meeting's or webinar's **custom live stream** (RTMP stream URL,
//! stream key, viewer page, start/stop) from async or blocking Rust.
//!
//! This is the crate to depend on. It picks the pieces for you: the async [`Client`] sends
//! through reqwest and waits between retries on tokio's timer (default feature `reqwest`);
//! the [`blocking::Client`] sends through ureq (feature `blocking`). Everything else —
//! models, ids, errors, auth, retries, the rate limiter — is re-exported from
//! [`zoom_core`], so `zoom_live_stream::MeetingId` and `zoom_core::MeetingId` are the same
//! type.
//!
//! ```no_run
//! use zoom_live_stream::{Client, MeetingId};
//!
//! # async fn run() -> zoom_live_stream::Result<()> {
//! let client = Client::builder()
//!     .server_to_server_oauth("account-id", "client-id", "client-secret")
//!     .build()?;
//! let stream = client.meeting_live_stream(MeetingId::new(85746065432)).await?;
//! println!("{:?} {:?}", stream.stream_url, stream.page_url);
//! # Ok(()) }
//! ```
//!
//! # Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `reqwest` | yes | [`Client`]: async, on reqwest, retries waited on tokio's timer (call it from a tokio runtime) |
//! | `blocking` | no | [`blocking::Client`]: blocking, on ureq, no async runtime; TLS through rustls on the ring crypto provider |
//! | `rustls` | yes | TLS for the async client through reqwest's rustls on the aws-lc-rs crypto provider (or the one your program installed), with the system's root certificates |
//! | `native-tls` | no | TLS through the platform's library for the async client (the blocking client always uses rustls) |
//! | `redis` | no | [`redis`](mod@redis): the Redis store, for many processes sharing one account's token and rate limit (`rediss://` through rustls on ring) |
//! | `webhook` | no | [`webhook`](mod@webhook): receive Zoom's webhooks: signature and timestamp checks, URL validation, typed live-stream and lifecycle events, redelivery detection (no I/O: any web framework) |
//! | `video-sdk` | no | `video_sdk_jwt` on both builders: call the Video SDK API (`session_live_stream`, …) with the JWT the client signs itself (HS256 with the Video SDK API key and secret); the session methods also work with Server-to-Server OAuth, without this feature |
//! | `autopilot` | no | [`autopilot`](mod@autopilot): start a meeting's stream when it starts and keep it live, fed by verified webhook events, from one process or many replicas sharing a store (implies `reqwest` and `webhook`) |
//!
//! The default features bring one rustls crypto provider, aws-lc-rs, and install none
//! process-wide; a reqwest client of your program's own works as it does without this crate,
//! whatever reqwest features it has. `blocking` or `redis` next to the default features
//! add ring, a second provider: everything keeps working, but rustls can then no longer
//! choose a process-wide provider by itself, so code that calls
//! `rustls::ClientConfig::builder()` needs one installed first (see
//! `zoom-transport-reqwest`'s Features section).
//!
//! An app that only calls the API leaves `webhook` off and compiles no HMAC; a receiver of
//! Zoom's events turns it on (`features = ["webhook"]`).
//!
//! # Your own transport
//!
//! `.transport(..)` on [`ClientBuilder`] (and on the blocking builder) takes any
//! [`Transport`] (a logging wrapper, a mock in tests, another HTTP stack); the crates
//! `zoom-core` and `zoom-transport-*` stay usable on their own for full control.
//!
//! # Proxies
//!
//! Both clients honour `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (upper or
//! lower case) for Zoom's hosts, the way reqwest and ureq do. Calls to a loopback address
//! (`127.0.0.0/8`, `[::1]`, `localhost`: a local simulator) never go through a proxy.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// `#[async_trait]`, for implementing [`Transport`] or [`store::SharedStore`] without a
/// dependency of your own.
pub use async_trait::async_trait;
#[cfg(feature = "video-sdk")]
pub use zoom_core::VideoSdkJwt;
pub use zoom_core::{
    ApiError, ApiErrorKind, AsyncFnTransport, AsyncSleep, AsyncSpawn, AuthError, AuthErrorKind,
    BlockingSleep, BlockingTransport, BoxError, CallMisuse, CloseCaption, DECODE_BODY_CAP,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BODY, DEFAULT_OAUTH_BASE, DEFAULT_TIMEOUT,
    DecodeError, Error, ErrorKind, FieldError, FnTransport, HttpRequest, HttpResponse,
    InvalidInput, Jitter, JoinToken, Layout, LiveStream, LiveStreamSettings, LiveStreamStatus,
    MeetingId, MeetingRef, MeetingUuid, Plan, RateLimit, RateLimiter, Resolution, Result,
    RetryAfter, RetryClass, RetryContext, RetryDecision, RetryPolicy, SecretString, SendFuture,
    ServerToServerOAuth, SessionId, SleepFuture, StreamAction, SystemTimeSource, TargetKind,
    TaskFuture, ThreadSleep, TimeLeft, TimeSource, Timestamp, TokenSource, Transport,
    TransportError, TransportErrorKind, UpdateLiveStream, UserOAuth, WebinarId, WebinarRef,
    WebinarUuid, ZOOMGOV_API_BASE, ZOOMGOV_OAUTH_BASE, call, endpoint, escape_server_text, http,
    is_loopback, response, secret, store,
};

#[cfg(feature = "reqwest")]
mod async_client;
#[cfg(feature = "reqwest")]
pub use async_client::{Client, ClientBuilder};
#[cfg(feature = "reqwest")]
mod tokio_sleep;
#[cfg(feature = "reqwest")]
pub use tokio_sleep::{TokioSleep, TokioSpawn};

#[cfg(feature = "blocking")]
pub mod blocking;

#[cfg(any(feature = "reqwest", feature = "blocking"))]
mod builder;

/// The Redis store (the `zoom-store-redis` crate): give it to a client with
/// `.shared_store(..)` and every process using the same Redis shares one token cache and one
/// rate limit. See its docs and `docs/SCALING.md`.
#[cfg(feature = "redis")]
pub use zoom_store_redis as redis;

/// Zoom's webhooks (the `zoom-webhook` crate), sans I/O: verify a delivery's signature and
/// age over its raw bytes, answer URL validation, read typed live-stream and lifecycle
/// events, recognise redeliveries. See its docs and `docs/WEBHOOKS.md`.
#[cfg(feature = "webhook")]
pub use zoom_webhook as webhook;

#[cfg(feature = "autopilot")]
pub mod autopilot;

#[cfg(test)]
mod tests {
    /// The clients, their builders and their futures can cross threads and tasks.
    #[test]
    #[cfg(all(feature = "reqwest", feature = "blocking"))]
    fn clients_and_futures_are_send_and_sync() {
        fn send_sync<T: Send + Sync>() {}
        fn send<T: Send>(_: &T) {}
        send_sync::<crate::Client>();
        send_sync::<crate::blocking::Client>();
        fn future(client: &crate::Client) {
            send(&client.meeting_live_stream(crate::MeetingId::new(1)));
        }
        let _ = future;
    }
}
