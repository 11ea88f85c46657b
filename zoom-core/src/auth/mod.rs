//! Where access tokens come from: a static bearer token, Server-to-Server or user-level
//! OAuth (cached, refreshed before expiry, fetched by one caller at a time, failures shared),
//! or the user's own source.
//!
//! The OAuth token request is sans-IO like everything else here: zoom-core builds it and
//! reads the answer; the caller's driver sends it through the client's own transport.
//!
//! - `credentials`: who the client is;
//! - `token_endpoint`: the token request and answer on the wire;
//! - `cache`: where tokens are kept, the single-flight lock, shared failures;
//! - `shared`: the single flight across processes through a shared store, a sub-machine of
//!   the call;
//! - `ahead`: refreshing a token ahead of its refresh point, so that no caller waits;
//! - `jwt` (feature `video-sdk`): the Video SDK API's JWT, minted and kept by the client.

pub(crate) mod ahead;
mod cache;
mod credentials;
#[cfg(feature = "video-sdk")]
mod jwt;
pub(crate) mod shared;
mod token_endpoint;

use std::fmt;
use std::time::Duration;

use ahead::{Claim, Schedule};
pub(crate) use cache::REFUSAL_MEMORY;
pub(crate) use cache::{Failure, Lookup, Outlook, SharedAuthError, Token, TokenParts};
pub use cache::{SingleFlight, SingleFlightGuard};
pub(crate) use credentials::Credentials;
pub use credentials::{ServerToServerOAuth, TokenSource, UserOAuth};
#[cfg(feature = "video-sdk")]
pub use jwt::VideoSdkJwt;
pub(crate) use token_endpoint::is_cleartext_to_another_host;

use crate::endpoint::{BaseUrl, bearer_header};
use crate::error::{AuthError, Error, InvalidInput, TransportError};
use crate::store::{StoredToken, TokenKey};
use crate::time::Timestamp;
use crate::transport::{HttpRequest, HttpResponse};

/// Zoom's OAuth host; the token endpoint is `{base}/oauth/token`.
pub const DEFAULT_OAUTH_BASE: &str = "https://zoom.us";

/// Credentials plus the shared token cache: one per client, shared by its clones.
pub(crate) struct Auth {
    credentials: Credentials,
    oauth_base: BaseUrl,
    use_api_url: bool,
    cache: cache::TokenCache,
    /// A static token, with its `Authorization` value, built once.
    static_token: Option<Token>,
    /// The Video SDK JWT minter (Video SDK credentials only).
    #[cfg(feature = "video-sdk")]
    jwt: Option<jwt::JwtSource>,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("credentials", &self.credentials.describe())
            .field("oauth_base", &self.oauth_base.as_str())
            .field("use_api_url", &self.use_api_url)
            .finish_non_exhaustive()
    }
}

impl Auth {
    pub(crate) fn new(
        credentials: Credentials,
        oauth_base: BaseUrl,
        use_api_url: bool,
    ) -> Result<Self, InvalidInput> {
        credentials.validate()?;
        let static_token = match &credentials {
            Credentials::Static(secret) => Some(Token::new(TokenParts {
                secret: secret.clone(),
                api_base: None,
                generation: 0,
                // A static token that cannot be a header is refused when a request is built.
                bearer: bearer_header(secret).ok(),
            })),
            _ => None,
        };
        Ok(Self {
            static_token,
            #[cfg(feature = "video-sdk")]
            jwt: match &credentials {
                Credentials::VideoSdk(video_sdk) => Some(jwt::JwtSource::new(video_sdk.clone())),
                _ => None,
            },
            credentials,
            oauth_base,
            use_api_url,
            cache: cache::TokenCache::new(),
        })
    }

    /// Reads the wall clock of `time` when minting a JWT (the client's time source).
    #[cfg(feature = "video-sdk")]
    pub(crate) fn with_clock(mut self, time: std::sync::Arc<dyn crate::time::TimeSource>) -> Self {
        if let Some(jwt) = &mut self.jwt {
            jwt.set_clock(time);
        }
        self
    }

    /// The OAuth grant a token fetch uses (`account_credentials`, `refresh_token`), for the
    /// token span and its counter; `video_sdk_jwt` for the JWT the client signs itself, `none`
    /// for credentials that fetch nothing.
    pub(crate) fn grant_type(&self) -> &'static str {
        match self.credentials {
            Credentials::ServerToServer(_) => "account_credentials",
            Credentials::User(_) => "refresh_token",
            Credentials::Static(_) | Credentials::Custom(_) => "none",
            #[cfg(feature = "video-sdk")]
            Credentials::VideoSdk(_) => "video_sdk_jwt",
        }
    }

    /// Whether a rejected token can be replaced by a fresh one.
    pub(crate) fn can_refresh(&self) -> bool {
        !matches!(self.credentials, Credentials::Static(_))
    }

    /// Whether each refresh rotates a single-use refresh token (user-level OAuth): then a
    /// refresh ahead is never left to a background task, which a runtime shutting down may
    /// drop after Zoom rotated the grant and before the new refresh token was kept.
    pub(crate) fn rotates(&self) -> bool {
        matches!(self.credentials, Credentials::User(_))
    }

    /// What a caller needing a token at `now` should do (see [`cache::TokenCache::lookup`]).
    /// The clock is read only for cached credentials.
    pub(crate) fn lookup(
        &self,
        now: impl FnOnce() -> Timestamp,
        counted: u64,
        waited_since: Option<u64>,
    ) -> Result<Lookup, Error> {
        if let Some(token) = &self.static_token {
            return Ok(Lookup::Token(token.clone()));
        }
        #[cfg(feature = "video-sdk")]
        if let Some(jwt) = &self.jwt {
            return Ok(Lookup::Token(jwt.token(now())?));
        }
        match &self.credentials {
            Credentials::Custom(source) => Ok(Lookup::Token(Token::new(TokenParts {
                secret: source.access_token()?,
                api_base: None,
                generation: 0,
                bearer: None,
            }))),
            // (Static credentials always have their `static_token`, Video SDK ones their `jwt`.)
            Credentials::Static(_) | Credentials::ServerToServer(_) | Credentials::User(_) => {
                Ok(self.cache.lookup(now(), counted, waited_since))
            }
            #[cfg(feature = "video-sdk")]
            Credentials::VideoSdk(_) => Ok(self.cache.lookup(now(), counted, waited_since)),
        }
    }

    /// The lock held while fetching a token.
    pub(crate) fn single_flight(&self) -> &SingleFlight {
        self.cache.single_flight()
    }

    /// Fetches finished so far (noted before taking the lock).
    pub(crate) fn fetches(&self) -> u64 {
        self.cache.fetches()
    }

    /// The token request: `account_credentials` (Server-to-Server) or `refresh_token` (user).
    pub(crate) fn token_request(&self) -> Result<HttpRequest, Error> {
        token_endpoint::token_request(&self.credentials, &self.oauth_base)
    }

    /// Reads the token endpoint's answer; a token is kept in the cache, a rotated refresh
    /// token replaces the old one. Returns the token to use and the same as a shared store
    /// keeps it. A failure is for the caller to record with [`Auth::fetch_failed`] once it
    /// knows when it will try again.
    pub(crate) fn accept_token_response(
        &self,
        outcome: Result<HttpResponse, TransportError>,
        now: Timestamp,
    ) -> Result<(Token, StoredToken), AuthError> {
        let grant = token_endpoint::read_answer(outcome, self.use_api_url)?;
        let stored = StoredToken {
            access_token: grant.access_token.clone(),
            api_url: grant.api_base.as_ref().map(|base| base.as_str().to_owned()),
            refresh_token: match self.credentials {
                Credentials::User(_) => grant.refresh_token.clone(),
                _ => None,
            },
            expires_in: grant.lifetime,
            lifetime: grant.lifetime,
        };
        if let (Credentials::User(user), Some(rotated)) = (&self.credentials, grant.refresh_token) {
            user.rotate(rotated);
        }
        let schedule = Schedule::new(now, grant.lifetime, grant.lifetime);
        let token = self
            .cache
            .keep(grant.access_token, grant.api_base, schedule);
        Ok((token, stored))
    }

    /// Keeps a token found in the shared store, as if this process had fetched it (the
    /// callers waiting for the single-flight lock take it). Its API base is used under the
    /// same rules as a token answer's `api_url`.
    pub(crate) fn adopt(&self, stored: &StoredToken, now: Timestamp) -> Token {
        self.use_stored_refresh_token(stored);
        let api_base = stored
            .api_url
            .as_deref()
            .filter(|_| self.use_api_url)
            .and_then(|url| BaseUrl::parse(url).ok())
            .filter(|base| !is_cleartext_to_another_host(base));
        let schedule = Schedule::new(now, stored.expires_in, stored.lifetime);
        self.cache
            .keep(stored.access_token.clone(), api_base, schedule)
    }

    /// Whether a token found in a shared store is worth using: fresh, and not the one Zoom
    /// rejected last in this process. Refreshing `ahead`, it must be before its prefetch
    /// point too (another process renewed it), else this caller renews it.
    pub(crate) fn usable(&self, stored: &StoredToken, ahead: bool) -> bool {
        let fresh = match ahead {
            false => stored.is_fresh(),
            true => ahead::before_prefetch(stored.expires_in, stored.lifetime),
        };
        fresh && !self.cache.was_rejected(&stored.access_token)
    }

    /// User OAuth: the stored refresh token is the newest (another process may have rotated
    /// it), so the next refresh sends it rather than this process's own.
    pub(crate) fn use_stored_refresh_token(&self, stored: &StoredToken) {
        if let (Credentials::User(user), Some(refresh)) = (&self.credentials, &stored.refresh_token)
        {
            user.adopt(refresh.clone());
        }
    }

    /// Where a shared store keeps this client's token: OAuth credentials only. `account`
    /// overrides the default name (the account id; `user` for user OAuth).
    pub(crate) fn token_key(&self, account: Option<&str>) -> Option<TokenKey> {
        match &self.credentials {
            Credentials::ServerToServer(s2s) => Some(TokenKey::new(
                account.unwrap_or(&s2s.account_id),
                &s2s.client_id,
            )),
            Credentials::User(user) => Some(TokenKey::new(
                account.unwrap_or("user"),
                &user.oauth.client_id,
            )),
            Credentials::Static(_) | Credentials::Custom(_) => None,
            // Minted by each process, in no time: nothing to share.
            #[cfg(feature = "video-sdk")]
            Credentials::VideoSdk(_) => None,
        }
    }

    /// The account a shared limiter is kept under: `account`, else the Server-to-Server
    /// account id (or the Video SDK API key), else `default`.
    pub(crate) fn limiter_account(&self, account: Option<&str>) -> String {
        match (account, &self.credentials) {
            (Some(account), _) => account.to_owned(),
            (None, Credentials::ServerToServer(s2s)) => s2s.account_id.clone(),
            #[cfg(feature = "video-sdk")]
            (None, Credentials::VideoSdk(video_sdk)) => video_sdk.api_key().to_owned(),
            (None, _) => "default".to_owned(),
        }
    }

    /// The number of a failed fetch among the failures in a row (see
    /// [`cache::TokenCache::next_try`]): what its retry is decided on.
    pub(crate) fn next_try(&self, ahead: bool, counted: u64) -> u32 {
        self.cache.next_try(ahead, counted)
    }

    /// Records this caller's failed fetch, its `tries`-th in a row, for the callers behind
    /// it: the failure stands until its next try (`retry_in` from `now`), or, once given up
    /// on, at once for a transient failure and for a few seconds ([`REFUSAL_MEMORY`]) for
    /// refused credentials. A failed refresh ahead (`ahead`, by that claim) leaves the
    /// token in use; its next try is claimed from then.
    pub(crate) fn fetch_failed(
        &self,
        error: SharedAuthError,
        tries: u32,
        retry_in: Option<Duration>,
        now: Timestamp,
        ahead: Option<Claim>,
    ) -> Failure {
        let until = match retry_in {
            Some(wait) => now.saturating_add(wait),
            None if error.to_error().is_transient() => now,
            None => now.saturating_add(REFUSAL_MEMORY),
        };
        let outlook = Outlook {
            tries,
            retry: retry_in.is_some(),
            until,
        };
        self.cache.failed(error, outlook, ahead)
    }

    /// Whether the claim of a refresh ahead still stands (nothing fetched since).
    pub(crate) fn holds(&self, claim: Claim) -> bool {
        self.cache.holds(claim)
    }

    /// Gives up a claim without refreshing; the next claim comes no earlier than
    /// `not_before`.
    pub(crate) fn release(&self, claim: Claim, not_before: Timestamp) {
        self.cache.release(claim, not_before);
    }

    /// Zoom rejected `token`: forget it unless a newer one has replaced it already.
    pub(crate) fn invalidate(&self, token: &Token) {
        match &self.credentials {
            Credentials::Static(_) => {}
            Credentials::Custom(source) => source.invalidate(&token.secret),
            Credentials::ServerToServer(_) | Credentials::User(_) => self.cache.invalidate(token),
            #[cfg(feature = "video-sdk")]
            Credentials::VideoSdk(_) => {
                if let Some(jwt) = &self.jwt {
                    jwt.invalidate(token);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use http::header::AUTHORIZATION;

    use super::*;
    use crate::error::AuthErrorKind;

    fn s2s(use_api_url: bool) -> Auth {
        let credentials =
            Credentials::ServerToServer(ServerToServerOAuth::new("acct", "cid", "csecret"));
        Auth::new(
            credentials,
            BaseUrl::parse("https://zoom.us").unwrap(),
            use_api_url,
        )
        .unwrap()
    }

    fn answer(status: u16, body: &str) -> Result<HttpResponse, TransportError> {
        Ok(http::Response::builder()
            .status(status)
            .body(body.as_bytes().to_vec())
            .unwrap())
    }

    fn at(seconds: u64) -> Timestamp {
        Timestamp::from_origin(Duration::from_secs(seconds))
    }

    /// The token a caller would use at `now` (claiming its refresh ahead or not).
    fn cached(auth: &Auth, now: Timestamp) -> Option<String> {
        match auth.lookup(|| now, 0, None).unwrap() {
            Lookup::Token(token) | Lookup::Ahead(token, _) => {
                Some(token.secret.expose_secret().to_owned())
            }
            _ => None,
        }
    }

    #[test]
    fn token_request_is_basic_auth_form_post() {
        let request = s2s(false).token_request().unwrap();
        assert_eq!(request.method(), "POST");
        assert_eq!(request.uri(), "https://zoom.us/oauth/token");
        let auth = &request.headers()[AUTHORIZATION];
        assert!(auth.is_sensitive());
        assert_eq!(auth, "Basic Y2lkOmNzZWNyZXQ=");
        assert_eq!(
            request.body(),
            b"grant_type=account_credentials&account_id=acct"
        );
    }

    #[test]
    fn a_token_answer_is_cached_for_its_lifetime() {
        let auth = s2s(false);
        assert_eq!(cached(&auth, at(0)), None);
        let body = r#"{"access_token":"t1","token_type":"bearer","expires_in":3599,"scope":"a b"}"#;
        let (token, stored) = auth
            .accept_token_response(answer(200, body), at(0))
            .unwrap();
        assert_eq!(token.secret.expose_secret(), "t1");
        assert_eq!(stored.access_token.expose_secret(), "t1");
        assert_eq!(stored.lifetime, Duration::from_secs(3599));
        assert_eq!(cached(&auth, at(3538)).as_deref(), Some("t1"));
        assert_eq!(cached(&auth, at(3539)), None);
    }

    #[test]
    fn a_huge_lifetime_is_clamped_to_a_day_and_zero_means_once() {
        let auth = s2s(false);
        let start = Timestamp::from_origin(Duration::MAX - Duration::from_secs(10));
        for expires_in in ["18446744073709551615", "9223372036854775807"] {
            let body = format!(r#"{{"access_token":"long","expires_in":{expires_in}}}"#);
            auth.accept_token_response(answer(200, &body), at(0))
                .unwrap();
            assert_eq!(cached(&auth, at(86_339)).as_deref(), Some("long"));
            assert_eq!(cached(&auth, at(86_340)), None);
            // Near the end of time the deadline saturates instead of overflowing.
            auth.accept_token_response(answer(200, &body), start)
                .unwrap();
        }
        let body = r#"{"access_token":"once","expires_in":0}"#;
        let (token, _) = auth
            .accept_token_response(answer(200, body), at(0))
            .unwrap();
        assert_eq!(token.secret.expose_secret(), "once");
        assert_eq!(cached(&auth, at(0)), None);
    }

    #[test]
    fn api_url_is_honoured_only_when_asked_and_only_over_https_or_loopback() {
        let body =
            |url: &str| format!(r#"{{"access_token":"t","expires_in":3599,"api_url":"{url}"}}"#);
        let base = |use_api_url, url: &str| {
            s2s(use_api_url)
                .accept_token_response(answer(200, &body(url)), at(0))
                .unwrap()
                .0
                .api_base
                .as_ref()
                .map(|base| base.as_str().to_owned())
        };
        assert_eq!(base(false, "https://api-eu.zoom.us"), None);
        assert_eq!(
            base(true, "https://api-eu.zoom.us").as_deref(),
            Some("https://api-eu.zoom.us/v2")
        );
        for loopback in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
        ] {
            assert_eq!(base(true, loopback), Some(format!("{loopback}/v2")));
        }
        for clear_text in [
            "http://attacker.example",
            "http://10.0.0.1",
            "http://127.0.0.1.example",
        ] {
            assert_eq!(base(true, clear_text), None, "{clear_text}");
        }
    }

    #[test]
    fn an_unreachable_token_endpoint_says_each_part_of_the_chain_once() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let outcome = Err(TransportError::new(
            crate::error::TransportErrorKind::Connect,
            refused,
        ));
        let error = s2s(false)
            .accept_token_response(outcome, at(0))
            .unwrap_err();
        let mut chain = vec![error.to_string()];
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            chain.push(cause.to_string());
            source = cause.source();
        }
        for part in ["could not connect", "refused"] {
            let times = chain.iter().filter(|text| text.contains(part)).count();
            assert_eq!(times, 1, "{part:?} in {chain:?}");
        }
    }

    #[test]
    fn token_endpoint_failures_say_zooms_reason_and_never_the_secret() {
        let cases = [
            (
                400,
                r#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#,
                AuthErrorKind::InvalidClient,
            ),
            (
                400,
                r#"{"reason":"unsupported grant type","error":"unsupported_grant_type"}"#,
                AuthErrorKind::UnsupportedGrantType,
            ),
            (
                400,
                r#"{"reason":"Missing account id","error":"invalid_request"}"#,
                AuthErrorKind::InvalidRequest,
            ),
            (
                401,
                r#"{"code":4702,"message":"Invalid client"}"#,
                AuthErrorKind::InvalidClient,
            ),
            (
                400,
                r#"{"code":4706,"message":"Missing grant type"}"#,
                AuthErrorKind::InvalidRequest,
            ),
            (
                502,
                "<html>bad gateway</html>",
                AuthErrorKind::InvalidResponse,
            ),
            (200, "not json", AuthErrorKind::InvalidResponse),
            (
                200,
                r#"{"access_token":""}"#,
                AuthErrorKind::InvalidResponse,
            ),
        ];
        for (status, body, kind) in cases {
            let error: Error = s2s(false)
                .accept_token_response(answer(status, body), at(0))
                .unwrap_err()
                .into();
            let auth = error.auth().unwrap();
            assert_eq!(auth.kind(), kind, "{body}");
            for shown in [error.to_string(), format!("{error:?}")] {
                assert!(!shown.contains("csecret"), "{shown}");
            }
        }
        let error = s2s(false)
            .accept_token_response(
                answer(400, r#"{"code":4706,"message":"Missing grant type"}"#),
                at(0),
            )
            .unwrap_err();
        assert!(
            error.to_string().contains("4706") && error.to_string().contains("Missing grant type")
        );
    }

    #[test]
    fn blank_credentials_are_input_errors() {
        let base = BaseUrl::parse(DEFAULT_OAUTH_BASE).unwrap();
        for (creds, field) in [
            (ServerToServerOAuth::new(" ", "c", "s"), "account_id"),
            (ServerToServerOAuth::new("a", "", "s"), "client_id"),
            (ServerToServerOAuth::new("a", "c", ""), "client_secret"),
        ] {
            let error =
                Auth::new(Credentials::ServerToServer(creds), base.clone(), false).unwrap_err();
            assert_eq!(error.field(), field);
        }
        assert!(Auth::new(Credentials::Static("".into()), base, false).is_err());
    }
}
