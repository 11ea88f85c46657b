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
//! [`Client::builder_with`] (and [`blocking::Client::builder_with`]) take any
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

pub use async_trait::async_trait;
pub use zoom_core;
pub use zoom_core::*;

#[cfg(feature = "reqwest")]
mod async_client;
#[cfg(feature = "reqwest")]
pub use async_client::{Client, ClientBuilder};

#[cfg(feature = "blocking")]
pub mod blocking;

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

/// Forwards the configuration methods of [`zoom_core::ClientBuilder`] to a facade builder,
/// which records them and applies them once the transport is built.
#[cfg(any(feature = "reqwest", feature = "blocking"))]
macro_rules! forward_builder_methods {
    () => {
        /// Authenticate with a ready access token (a token from elsewhere, or a legacy JWT).
        /// It is never refreshed: a 401 is returned to the caller.
        pub fn bearer_token(self, token: impl Into<$crate::SecretString>) -> Self {
            let token = token.into();
            self.configure(move |b| b.bearer_token(token))
        }

        /// Authenticate with Server-to-Server OAuth: tokens are fetched, cached, shared by
        /// the client's clones and refreshed before they expire.
        pub fn server_to_server_oauth(
            self,
            account_id: impl Into<String>,
            client_id: impl Into<String>,
            client_secret: impl Into<$crate::SecretString>,
        ) -> Self {
            let (account_id, client_id, client_secret) =
                (account_id.into(), client_id.into(), client_secret.into());
            self.configure(move |b| b.server_to_server_oauth(account_id, client_id, client_secret))
        }

        /// Authenticate as a user with a refresh token (see [`zoom_core::UserOAuth`]).
        pub fn user_oauth(self, oauth: $crate::UserOAuth) -> Self {
            self.configure(move |b| b.user_oauth(oauth))
        }

        /// Authenticate to the Video SDK API with the JWT the client signs with the Video SDK
        /// API key and secret (see `zoom_core::ClientBuilder::video_sdk_jwt`).
        #[cfg(feature = "video-sdk")]
        pub fn video_sdk_jwt(
            self,
            api_key: impl Into<String>,
            api_secret: impl Into<$crate::SecretString>,
        ) -> Self {
            let (api_key, api_secret) = (api_key.into(), api_secret.into());
            self.configure(move |b| b.video_sdk_jwt(api_key, api_secret))
        }

        /// How long each Video SDK JWT lives (default an hour, at most 48 hours).
        #[cfg(feature = "video-sdk")]
        pub fn video_sdk_jwt_lifetime(self, lifetime: std::time::Duration) -> Self {
            self.configure(move |b| b.video_sdk_jwt_lifetime(lifetime))
        }

        /// Authenticate with your own [`zoom_core::TokenSource`].
        pub fn token_source(self, source: impl $crate::TokenSource + 'static) -> Self {
            self.configure(move |b| b.token_source(source))
        }

        /// The API base (default `https://api.zoom.us/v2`).
        pub fn api_base(self, url: impl Into<String>) -> Self {
            let url = url.into();
            self.configure(move |b| b.api_base(url))
        }

        /// The OAuth host; the token endpoint is `{base}/oauth/token` (default
        /// `https://zoom.us`).
        pub fn oauth_base(self, url: impl Into<String>) -> Self {
            let url = url.into();
            self.configure(move |b| b.oauth_base(url))
        }

        /// Use ZoomGov's hosts (`https://api.zoomgov.com/v2`, `https://zoomgov.com`).
        pub fn zoomgov(self) -> Self {
            self.configure(|b| b.zoomgov())
        }

        /// Send API calls to the `api_url` that Zoom's token answer names.
        pub fn use_token_api_url(self, enabled: bool) -> Self {
            self.configure(move |b| b.use_token_api_url(enabled))
        }

        /// The retry policy for every call (see [`zoom_core::RetryPolicy`]).
        pub fn retry_policy(self, policy: $crate::RetryPolicy) -> Self {
            self.configure(move |b| b.retry_policy(policy))
        }

        /// Pace calls with a client-side limiter shared by all clones of the client.
        pub fn rate_limiter(self, limiter: $crate::RateLimiter) -> Self {
            self.configure(move |b| b.rate_limiter(limiter))
        }

        /// The name a shared store keeps this client's token and limiter under (see
        /// [`zoom_core::ClientBuilder::shared_store_account`]).
        pub fn shared_store_account(self, name: impl Into<String>) -> Self {
            let name = name.into();
            self.configure(move |b| b.shared_store_account(name))
        }

        /// The random source of backoff jitter (fix it in tests).
        pub fn jitter(self, jitter: $crate::Jitter) -> Self {
            self.configure(move |b| b.jitter(jitter))
        }

        /// The time allowed to establish a connection, DNS and TLS included (default 10 s).
        /// Applies to the default transport only; configure your own transport yourself.
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.connect_timeout = Some(timeout);
            self
        }

        /// The time allowed for a whole call, from connecting to the last body byte
        /// (default 30 s). Applies to the default transport only.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.timeout = Some(timeout);
            self
        }
    };
}
#[cfg(any(feature = "reqwest", feature = "blocking"))]
use forward_builder_methods;

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
