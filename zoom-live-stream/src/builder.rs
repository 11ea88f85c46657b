//! What the facade's two builders share: the settings they hand to zoom-core's builder, and
//! the default transport's timeouts.

use std::time::Duration;

use zoom_core::{InvalidInput, Result};

/// The default transport's timeouts, as set on a facade builder.
#[derive(Debug, Default)]
pub(crate) struct Timeouts {
    pub(crate) connect: Option<Duration>,
    pub(crate) call: Option<Duration>,
}

impl Timeouts {
    /// Timeouts configure the transport the builder makes; beside your own transport they
    /// would do nothing, so that is an input error rather than a silent no-op.
    pub(crate) fn refuse_with_own_transport(&self) -> Result<()> {
        let field = match (self.connect, self.call) {
            (Some(_), _) => "connect_timeout",
            (None, Some(_)) => "timeout",
            (None, None) => return Ok(()),
        };
        Err(InvalidInput::new(
            field,
            "applies to the default transport only: configure your own transport's timeouts",
        )
        .into())
    }
}

/// The settings of [`zoom_core::ClientBuilder`] on a facade builder (a struct with a `core`
/// builder and `timeouts`), each handed straight to zoom-core's builder: nothing is recorded
/// for later. `tests/builder_settings.rs` checks the list against zoom-core's.
macro_rules! settings {
    () => {
        $crate::builder::settings! {
            /// Authenticate with a ready access token (a token from elsewhere, or a legacy
            /// JWT); see [`zoom_core::ClientBuilder::bearer_token`].
            bearer_token(token: impl Into<$crate::SecretString>);
            /// Authenticate with Server-to-Server OAuth; see
            /// [`zoom_core::ClientBuilder::server_to_server_oauth`].
            server_to_server_oauth(
                account_id: impl Into<String>,
                client_id: impl Into<String>,
                client_secret: impl Into<$crate::SecretString>,
            );
            /// Authenticate as a user with a refresh token; see
            /// [`zoom_core::ClientBuilder::user_oauth`].
            user_oauth(oauth: $crate::UserOAuth);
            /// Authenticate with your own token source; see
            /// [`zoom_core::ClientBuilder::token_source`].
            token_source(source: impl $crate::TokenSource + 'static);
            /// Authenticate to the Video SDK API with the JWT the client signs with the Video
            /// SDK API key and secret (feature `video-sdk`); see
            /// [`zoom_core::ClientBuilder::video_sdk_jwt`].
            #[cfg(feature = "video-sdk")]
            video_sdk_jwt(api_key: impl Into<String>, api_secret: impl Into<$crate::SecretString>);
            /// How long each Video SDK JWT lives (default an hour, at most 48 hours); see
            /// [`zoom_core::ClientBuilder::video_sdk_jwt_lifetime`].
            #[cfg(feature = "video-sdk")]
            video_sdk_jwt_lifetime(lifetime: std::time::Duration);
            /// The API base (default `https://api.zoom.us/v2`); see
            /// [`zoom_core::ClientBuilder::api_base`].
            api_base(url: impl Into<String>);
            /// The OAuth host (default `https://zoom.us`); see
            /// [`zoom_core::ClientBuilder::oauth_base`].
            oauth_base(url: impl Into<String>);
            /// ZoomGov's hosts; see [`zoom_core::ClientBuilder::zoomgov`].
            zoomgov();
            /// Send calls to the `api_url` of Zoom's token answer; see
            /// [`zoom_core::ClientBuilder::use_token_api_url`].
            use_token_api_url(enabled: bool);
            /// **Dangerous.** Allow plain `http://` to hosts that are not loopback; see
            /// [`zoom_core::ClientBuilder::danger_allow_insecure_http`].
            danger_allow_insecure_http();
            /// The retry policy for every call; see [`zoom_core::ClientBuilder::retry_policy`].
            retry_policy(policy: $crate::RetryPolicy);
            /// Pace calls with a client-side limiter; see
            /// [`zoom_core::ClientBuilder::rate_limiter`].
            rate_limiter(limiter: $crate::RateLimiter);
            /// The name a shared store keeps this client's state under; see
            /// [`zoom_core::ClientBuilder::shared_store_account`].
            shared_store_account(name: impl Into<String>);
            /// The random source of backoff jitter; see [`zoom_core::ClientBuilder::jitter`].
            jitter(jitter: $crate::Jitter);
            /// Where the client reads the time; see
            /// [`zoom_core::ClientBuilder::time_source`].
            time_source(time: impl $crate::TimeSource + 'static);
        }

        /// The time allowed to establish a connection, DNS and TLS included (default 10 s).
        /// Configures the default transport; an input error beside your own transport.
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.timeouts.connect = Some(timeout);
            self
        }

        /// The time allowed for a whole call, from connecting to the last body byte
        /// (default 30 s). Configures the default transport; an input error beside your own
        /// transport.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.timeouts.call = Some(timeout);
            self
        }
    };
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),* $(,)?);)*) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, $($arg: $ty),*) -> Self {
                self.core = self.core.$name($($arg),*);
                self
            }
        )*
    };
}
pub(crate) use settings;
