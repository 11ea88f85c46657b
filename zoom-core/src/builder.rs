//! The builder both clients are configured with.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::SecretString;
use crate::auth::{
    Auth, Credentials, DEFAULT_OAUTH_BASE, ServerToServerOAuth, TokenSource, UserOAuth,
    is_cleartext_to_another_host,
};
use crate::endpoint::{BaseUrl, DEFAULT_API_BASE, redact_userinfo};
use crate::error::{Error, InvalidInput};
use crate::limiter::RateLimiter;
use crate::retry::{Jitter, RetryPolicy};
use crate::time::{SystemTimeSource, TimeSource};
use crate::wiring::{Shared, StorePlan};

/// ZoomGov's API base.
pub const ZOOMGOV_API_BASE: &str = "https://api.zoomgov.com/v2";
/// ZoomGov's OAuth host.
pub const ZOOMGOV_OAUTH_BASE: &str = "https://zoomgov.com";

/// Configures a [`crate::Client`] or a [`crate::blocking::Client`]; `P` holds the transport
/// and sleeper of the kind being built.
pub struct ClientBuilder<P> {
    pub(crate) parts: P,
    credentials: Option<Credentials>,
    api_base: String,
    oauth_base: String,
    use_api_url: bool,
    allow_insecure_http: bool,
    retry: RetryPolicy,
    limiter: Option<RateLimiter>,
    jitter: Jitter,
    time: Arc<dyn TimeSource>,
    /// Whether the kind-specific `shared_store` put a store into the parts.
    pub(crate) shared_store: bool,
    store_account: Option<String>,
    /// The lifetime of Video SDK JWTs, when set apart from `video_sdk_jwt`.
    #[cfg(feature = "video-sdk")]
    video_sdk_jwt_lifetime: Option<std::time::Duration>,
}

impl<P> fmt::Debug for ClientBuilder<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "[set, redacted]"),
            )
            .field("api_base", &redact_userinfo(&self.api_base))
            .field("oauth_base", &redact_userinfo(&self.oauth_base))
            .field("use_api_url", &self.use_api_url)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("retry", &self.retry)
            .field("limiter", &self.limiter)
            .field("time", &self.time)
            .field("shared_store", &self.shared_store)
            .field("store_account", &self.store_account)
            .finish_non_exhaustive()
    }
}

impl<P> ClientBuilder<P> {
    pub(crate) fn with_parts(parts: P) -> Self {
        Self {
            parts,
            credentials: None,
            api_base: DEFAULT_API_BASE.to_owned(),
            oauth_base: DEFAULT_OAUTH_BASE.to_owned(),
            use_api_url: false,
            allow_insecure_http: false,
            retry: RetryPolicy::default(),
            limiter: None,
            jitter: Jitter::default(),
            time: Arc::new(SystemTimeSource),
            shared_store: false,
            store_account: None,
            #[cfg(feature = "video-sdk")]
            video_sdk_jwt_lifetime: None,
        }
    }

    /// Authenticate with a ready access token (a token from elsewhere, or a legacy JWT).
    /// It is never refreshed: a 401 is returned to the caller.
    pub fn bearer_token(mut self, token: impl Into<SecretString>) -> Self {
        self.credentials = Some(Credentials::Static(token.into()));
        self
    }

    /// Authenticate with Server-to-Server OAuth: tokens are fetched through this client's
    /// own transport, cached, shared by its clones and refreshed before they expire.
    pub fn server_to_server_oauth(
        mut self,
        account_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
    ) -> Self {
        let credentials = ServerToServerOAuth::new(account_id, client_id, client_secret);
        self.credentials = Some(Credentials::ServerToServer(credentials));
        self
    }

    /// Authenticate as a user with a refresh token from your app's authorization-code flow:
    /// tokens are fetched through this client's transport, cached and shared like
    /// Server-to-Server ones, and every rotated refresh token is handed to your callback.
    pub fn user_oauth(mut self, oauth: UserOAuth) -> Self {
        self.credentials = Some(Credentials::user(oauth));
        self
    }

    /// Authenticate to the Video SDK API with the JWT the client signs itself (feature
    /// `video-sdk`): HS256 under the Video SDK **API** secret, claims `iss` (the API key),
    /// `iat` and `exp` from this client's time source. The JWT is kept, shared by the
    /// client's clones, minted anew a minute before it expires (lifetime: an hour unless
    /// [`Self::video_sdk_jwt_lifetime`] says otherwise), and once more after a 401. It
    /// serves the session operations (`session_live_stream`, …) and other `/videosdk/`
    /// paths; the meeting API takes OAuth tokens only. Server-to-Server OAuth serves the
    /// session operations too.
    #[cfg(feature = "video-sdk")]
    pub fn video_sdk_jwt(
        mut self,
        api_key: impl Into<String>,
        api_secret: impl Into<SecretString>,
    ) -> Self {
        let credentials = crate::auth::VideoSdkJwt::new(api_key, api_secret);
        self.credentials = Some(Credentials::VideoSdk(credentials));
        self
    }

    /// How long each Video SDK JWT lives (default an hour, at most 48 hours; Zoom suggests
    /// an hour or less). Only with [`Self::video_sdk_jwt`]: `build()` refuses it otherwise.
    #[cfg(feature = "video-sdk")]
    pub fn video_sdk_jwt_lifetime(mut self, lifetime: std::time::Duration) -> Self {
        self.video_sdk_jwt_lifetime = Some(lifetime);
        self
    }

    /// Authenticate with your own [`TokenSource`] (user-level OAuth, a vault, …).
    pub fn token_source(mut self, source: impl TokenSource + 'static) -> Self {
        self.credentials = Some(Credentials::Custom(Arc::new(source)));
        self
    }

    /// The API base (default `https://api.zoom.us/v2`). Plain `http://` is accepted only
    /// for a loopback host (`127.0.0.0/8`, `::1`, `localhost`), such as a local simulator:
    /// anything else would send the bearer token in clear text, so `build()` refuses it
    /// (see [`ClientBuilder::danger_allow_insecure_http`]).
    pub fn api_base(mut self, url: impl Into<String>) -> Self {
        self.api_base = url.into();
        self
    }

    /// The OAuth host; the token endpoint is `{base}/oauth/token` (default `https://zoom.us`).
    /// Plain `http://` is accepted only for a loopback host, as for
    /// [`ClientBuilder::api_base`]: the client secret must not travel in clear text.
    pub fn oauth_base(mut self, url: impl Into<String>) -> Self {
        self.oauth_base = url.into();
        self
    }

    /// Use ZoomGov's hosts (`https://api.zoomgov.com/v2`, `https://zoomgov.com`).
    pub fn zoomgov(self) -> Self {
        self.api_base(ZOOMGOV_API_BASE)
            .oauth_base(ZOOMGOV_OAUTH_BASE)
    }

    /// Send API calls to the `api_url` that Zoom's token answer names (the account's data
    /// region), with `/v2` appended. Off by default.
    pub fn use_token_api_url(mut self, enabled: bool) -> Self {
        self.use_api_url = enabled;
        self
    }

    /// **Dangerous.** Allow plain `http://` API and OAuth bases on hosts that are not
    /// loopback. The client secret, access tokens and stream keys then cross the network in
    /// clear text, readable and changeable by anyone on the path. Only for a trusted,
    /// private network (a TLS-terminating sidecar, a test rig); never for Zoom itself.
    pub fn danger_allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// The retry policy for every call (see [`RetryPolicy`]); change it per call with
    /// `Client::with_retry_policy`.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Pace calls with a client-side limiter, shared by all clones of the client (and by
    /// every process using the same shared store, when the client has one).
    pub fn rate_limiter(mut self, limiter: RateLimiter) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// The name a shared store keeps this client's token and limiter under, for the
    /// processes that share them (default: the Server-to-Server account id; `user` for a
    /// user-OAuth token and `default` for the limiter otherwise). Give each user's grant
    /// its own name. Public identifiers only, never a secret: key names are not secret.
    pub fn shared_store_account(mut self, name: impl Into<String>) -> Self {
        self.store_account = Some(name.into());
        self
    }

    /// The random source of backoff jitter (fix it in tests).
    pub fn jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// Where the client reads the time (default [`SystemTimeSource`]): token expiry, the
    /// retry budget, pacing and `Retry-After` dates all use it. Tests move a manual clock
    /// (`zoom_testkit::ManualClock`) instead of sleeping.
    pub fn time_source(mut self, time: impl TimeSource + 'static) -> Self {
        self.time = Arc::new(time);
        self
    }

    /// Checks the configuration: the shared state, the retry policy and the parts.
    pub(crate) fn finish(mut self) -> Result<(Arc<Shared>, Arc<RetryPolicy>, P), Error> {
        let shared = self.build_shared()?;
        Ok((Arc::new(shared), Arc::new(self.retry), self.parts))
    }

    fn build_shared(&mut self) -> Result<Shared, Error> {
        let credentials = self.credentials.take().ok_or_else(|| {
            InvalidInput::new(
                "credentials",
                "none set: call bearer_token, server_to_server_oauth, user_oauth, token_source or video_sdk_jwt",
            )
        })?;
        #[cfg(feature = "video-sdk")]
        let credentials = match (credentials, self.video_sdk_jwt_lifetime) {
            (Credentials::VideoSdk(jwt), Some(lifetime)) => {
                Credentials::VideoSdk(jwt.lifetime(lifetime))
            }
            (_, Some(_)) => {
                return Err(InvalidInput::new(
                    "video_sdk_jwt_lifetime",
                    "is set, but the client does not authenticate with video_sdk_jwt",
                )
                .into());
            }
            (credentials, None) => credentials,
        };
        let api_base = self.base("api_base", &self.api_base)?;
        let oauth_base = self.base("oauth_base", &self.oauth_base)?;
        let auth = Auth::new(credentials, oauth_base, self.use_api_url)?;
        #[cfg(feature = "video-sdk")]
        let auth = auth.with_clock(Arc::clone(&self.time));
        let account = self.store_account.as_deref();
        let store = self.shared_store.then(|| StorePlan {
            token: auth.token_key(account),
            limiter: (self.limiter.as_ref())
                .map(|limiter| limiter.shared_key(auth.limiter_account(account))),
            down: AtomicBool::new(false),
        });
        Ok(Shared {
            api_base,
            auth,
            limiter: self.limiter.take(),
            jitter: self.jitter.clone(),
            time: Arc::clone(&self.time),
            store,
            background: std::sync::OnceLock::new(),
        })
    }

    /// Parses a base URL and refuses clear text to anything but this machine.
    fn base(&self, field: &'static str, url: &str) -> Result<BaseUrl, InvalidInput> {
        let base = BaseUrl::parse_field(field, url)?;
        if !self.allow_insecure_http && is_cleartext_to_another_host(&base) {
            return Err(InvalidInput::new(
                field,
                format!(
                    "{url:?} is plain http to a host that is not loopback: credentials would \
                     cross the network in clear text (use https://, or call \
                     danger_allow_insecure_http)"
                ),
            ));
        }
        Ok(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder(api: &str, oauth: &str) -> ClientBuilder<()> {
        ClientBuilder::with_parts(())
            .server_to_server_oauth("acct", "cid", "csecret")
            .api_base(api)
            .oauth_base(oauth)
    }

    #[test]
    fn debug_never_shows_credentials_embedded_in_a_base_url() {
        let builder = builder(
            "https://user:api-password@api.zoom.us/v2",
            "https://user:oauth-password@zoom.us",
        );
        let shown = format!("{builder:?}");
        for secret in ["api-password", "oauth-password", "csecret"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("api.zoom.us"), "{shown}");
    }

    #[test]
    fn plain_http_is_refused_for_any_host_but_loopback() {
        let https = "https://zoom.us";
        for (api, oauth, field) in [
            ("http://api.example.com/v2", https, "api_base"),
            ("https://api.zoom.us/v2", "http://zoom.us", "oauth_base"),
            ("http://10.0.0.1/v2", https, "api_base"),
            ("http://[::2]/v2", https, "api_base"),
            ("http://localhost.evil.example/v2", https, "api_base"),
            ("http://127.0.0.1.nip.io/v2", https, "api_base"),
            ("HTTP://api.zoom.us/v2", https, "api_base"),
        ] {
            let Err(Error::InvalidInput(error)) = builder(api, oauth).finish() else {
                panic!("{api} {oauth} accepted");
            };
            assert_eq!(error.field(), field, "{api} {oauth}");
            assert!(error.reason().contains("clear text"), "{error}");
        }
    }

    #[test]
    fn loopback_http_https_and_an_explicit_opt_in_are_accepted() {
        for api in [
            "http://127.0.0.1:8080/v2",
            "http://127.1.2.3/v2",
            "http://[::1]:9/v2",
            "http://localhost:1/v2",
            "http://LOCALHOST/v2",
            "https://api.example.com/v2",
        ] {
            assert!(builder(api, "http://127.0.0.1:1").finish().is_ok(), "{api}");
        }
        let opted_in = builder("http://api.example.com/v2", "http://zoom.example")
            .danger_allow_insecure_http();
        assert!(opted_in.finish().is_ok());
    }

    #[cfg(feature = "video-sdk")]
    #[test]
    fn a_jwt_lifetime_needs_video_sdk_credentials_and_a_sane_value() {
        use std::time::Duration;
        let field = |builder: ClientBuilder<()>| match builder.finish() {
            Err(Error::InvalidInput(error)) => error.field(),
            Err(other) => panic!("{other}"),
            Ok(_) => "none",
        };
        let jwt = || ClientBuilder::with_parts(()).video_sdk_jwt("key", "secret");
        assert_eq!(field(jwt()), "none");
        assert_eq!(
            field(jwt().video_sdk_jwt_lifetime(Duration::from_secs(600))),
            "none"
        );
        assert_eq!(
            field(jwt().video_sdk_jwt_lifetime(Duration::ZERO)),
            "video_sdk_jwt_lifetime"
        );
        assert_eq!(
            field(
                builder("https://a/v2", "https://b")
                    .video_sdk_jwt_lifetime(Duration::from_secs(60))
            ),
            "video_sdk_jwt_lifetime"
        );
        assert_eq!(
            field(ClientBuilder::with_parts(()).video_sdk_jwt(" ", "s")),
            "video_sdk_api_key"
        );
        assert_eq!(
            field(ClientBuilder::with_parts(()).video_sdk_jwt("k", "")),
            "video_sdk_api_secret"
        );
        let shown = format!("{:?}", jwt());
        assert!(!shown.contains("secret\""), "{shown}");
    }
}
