//! Where access tokens come from: a static bearer token, Server-to-Server OAuth (cached,
//! refreshed before expiry, fetched by one caller at a time), or the user's own source.
//!
//! The OAuth token request is sans-IO like everything else here: zoom-core builds it and
//! reads the answer; the client sends it through its own transport.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::endpoint::{BaseUrl, USER_AGENT_VALUE, bearer_header};
use crate::error::{AuthError, AuthErrorKind, Error, InvalidInput, TransportError};
use crate::response::{describe_json_error, tracking_id};
use crate::secret::SecretString;
use crate::transport::{HttpRequest, HttpResponse};

/// Zoom's OAuth host; the token endpoint is `{base}/oauth/token`.
pub const DEFAULT_OAUTH_BASE: &str = "https://zoom.us";

/// What a form value may keep unencoded: RFC 3986's unreserved characters.
const FORM_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The longest a cached token is refreshed ahead of its expiry.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A user-supplied source of access tokens (user-level OAuth, a token kept in a vault, …).
///
/// ```
/// use zoom_core::{AuthError, SecretString, TokenSource};
///
/// struct FromEnv;
/// impl TokenSource for FromEnv {
///     fn access_token(&self) -> Result<SecretString, AuthError> {
///         std::env::var("MY_ZOOM_TOKEN").map(SecretString::new).map_err(|_| {
///             AuthError::new(zoom_core::AuthErrorKind::Rejected, "MY_ZOOM_TOKEN is not set")
///         })
///     }
/// }
/// ```
pub trait TokenSource: Send + Sync {
    /// A token to use now. Called before every request, so keep it cheap (cache inside).
    fn access_token(&self) -> Result<SecretString, AuthError>;

    /// Zoom rejected `token` (401, code 124): drop it, so the next call gets a fresh one.
    /// The call is then repeated once.
    fn invalidate(&self, token: &SecretString) {
        let _ = token;
    }
}

impl<T: TokenSource + ?Sized> TokenSource for Arc<T> {
    fn access_token(&self) -> Result<SecretString, AuthError> {
        (**self).access_token()
    }
    fn invalidate(&self, token: &SecretString) {
        (**self).invalidate(token);
    }
}

/// Server-to-Server OAuth credentials (Zoom marketplace: "Server-to-Server OAuth" app).
#[derive(Debug, Clone)]
pub struct ServerToServerOAuth {
    account_id: String,
    client_id: String,
    client_secret: SecretString,
}

impl ServerToServerOAuth {
    /// Credentials from the app's "App credentials" page. `Debug` hides the secret.
    pub fn new(
        account_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
    ) -> Self {
        Self {
            account_id: account_id.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    fn validate(&self) -> Result<(), InvalidInput> {
        for (field, value) in [
            ("account_id", &self.account_id),
            ("client_id", &self.client_id),
        ] {
            if value.trim().is_empty() {
                return Err(InvalidInput::new(field, "must not be empty or blank"));
            }
        }
        if self.client_secret.is_blank() {
            return Err(InvalidInput::new(
                "client_secret",
                "must not be empty or blank",
            ));
        }
        Ok(())
    }
}

/// What [`UserOAuth`] calls with each rotated refresh token.
type RefreshTokenCallback = Arc<dyn Fn(&SecretString) + Send + Sync>;

/// User-level OAuth: a refresh token from your app's authorization-code flow.
///
/// Each refresh answers with a **new** refresh token and the old one stops working; the
/// SDK keeps the new one for its next refresh and hands it to your callback so that you
/// can store it for the next run.
///
/// ```
/// use zoom_core::UserOAuth;
///
/// let oauth = UserOAuth::new("client-id", "client-secret", "refresh-token")
///     .on_new_refresh_token(|token| {
///         // Persist token.expose_secret() where the old one was kept.
///         let _ = token;
///     });
/// assert!(!format!("{oauth:?}").contains("refresh-token"));
/// ```
#[derive(Clone)]
pub struct UserOAuth {
    client_id: String,
    client_secret: SecretString,
    refresh_token: SecretString,
    on_new_refresh_token: Option<RefreshTokenCallback>,
}

impl UserOAuth {
    /// Credentials of your OAuth app and the user's current refresh token.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
        refresh_token: impl Into<SecretString>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            refresh_token: refresh_token.into(),
            on_new_refresh_token: None,
        }
    }

    /// Called with every new refresh token Zoom issues (store it: the old one is dead).
    pub fn on_new_refresh_token(
        mut self,
        callback: impl Fn(&SecretString) + Send + Sync + 'static,
    ) -> Self {
        self.on_new_refresh_token = Some(Arc::new(callback));
        self
    }

    fn validate(&self) -> Result<(), InvalidInput> {
        if self.client_id.trim().is_empty() {
            return Err(InvalidInput::new("client_id", "must not be empty or blank"));
        }
        for (field, value) in [
            ("client_secret", &self.client_secret),
            ("refresh_token", &self.refresh_token),
        ] {
            if value.is_blank() {
                return Err(InvalidInput::new(field, "must not be empty or blank"));
            }
        }
        Ok(())
    }
}

impl fmt::Debug for UserOAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserOAuth")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("refresh_token", &self.refresh_token)
            .finish_non_exhaustive()
    }
}

/// How a client authenticates.
#[derive(Clone)]
pub(crate) enum Credentials {
    Static(SecretString),
    ServerToServer(ServerToServerOAuth),
    /// The refresh token in use sits behind a mutex: every refresh replaces it.
    User(Arc<(UserOAuth, Mutex<SecretString>)>),
    Custom(Arc<dyn TokenSource>),
}

impl Credentials {
    pub(crate) fn user(oauth: UserOAuth) -> Self {
        let current = Mutex::new(oauth.refresh_token.clone());
        Credentials::User(Arc::new((oauth, current)))
    }
}

/// A token ready to use, with the API base it came with (`api_url`) and its generation.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) secret: SecretString,
    pub(crate) api_base: Option<BaseUrl>,
    generation: u64,
    /// `Bearer <secret>` as a header value, built once for a token that is used many times
    /// (a static or a fetched one); `None` builds it per request.
    pub(crate) bearer: Option<HeaderValue>,
}

#[derive(Debug)]
struct Cached {
    token: Token,
    refresh_at: Instant,
}

/// Credentials plus the shared token cache: one per client, shared by its clones.
pub(crate) struct Auth {
    credentials: Credentials,
    oauth_base: BaseUrl,
    use_api_url: bool,
    cache: Mutex<Option<Cached>>,
    generation: Mutex<u64>,
    refresh: async_lock::Mutex<()>,
    /// The `Authorization` value of a static token, built once.
    static_bearer: Option<HeaderValue>,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.credentials {
            Credentials::Static(_) => "static bearer token",
            Credentials::ServerToServer(_) => "Server-to-Server OAuth",
            Credentials::User(_) => "user-level OAuth",
            Credentials::Custom(_) => "custom token source",
        };
        f.debug_struct("Auth")
            .field("credentials", &kind)
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
        match &credentials {
            Credentials::Static(token) if token.is_blank() => {
                return Err(InvalidInput::new(
                    "access_token",
                    "must not be empty or blank",
                ));
            }
            Credentials::ServerToServer(s2s) => s2s.validate()?,
            Credentials::User(user) => user.0.validate()?,
            _ => {}
        }
        // A static token that cannot be a header is refused when a request is built.
        let static_bearer = match &credentials {
            Credentials::Static(token) => bearer_header(token).ok(),
            _ => None,
        };
        Ok(Self {
            static_bearer,
            credentials,
            oauth_base,
            use_api_url,
            cache: Mutex::new(None),
            generation: Mutex::new(0),
            refresh: async_lock::Mutex::new(()),
        })
    }

    /// Whether a rejected token can be replaced by a fresh one.
    pub(crate) fn can_refresh(&self) -> bool {
        !matches!(self.credentials, Credentials::Static(_))
    }

    /// The token to use now, or `None` when one must be fetched with [`Auth::token_request`].
    pub(crate) fn current(&self, now: Instant) -> Result<Option<Token>, Error> {
        match &self.credentials {
            Credentials::Static(secret) => Ok(Some(Token {
                secret: secret.clone(),
                api_base: None,
                generation: 0,
                bearer: self.static_bearer.clone(),
            })),
            Credentials::Custom(source) => Ok(Some(Token {
                secret: source.access_token()?,
                api_base: None,
                generation: 0,
                bearer: None,
            })),
            Credentials::ServerToServer(_) | Credentials::User(_) => Ok(self
                .lock_cache()
                .as_ref()
                .filter(|cached| now < cached.refresh_at)
                .map(|cached| cached.token.clone())),
        }
    }

    /// The lock held while fetching a token, so that only one caller fetches at a time.
    /// Async callers `.lock().await` it, blocking callers `.lock_blocking()`.
    pub(crate) fn refresh_lock(&self) -> &async_lock::Mutex<()> {
        &self.refresh
    }

    /// The token request: `account_credentials` (Server-to-Server) or `refresh_token` (user).
    pub(crate) fn token_request(&self) -> Result<HttpRequest, Error> {
        let (client_id, client_secret, body) = match &self.credentials {
            Credentials::ServerToServer(s2s) => (
                &s2s.client_id,
                &s2s.client_secret,
                format!(
                    "grant_type=account_credentials&account_id={}",
                    utf8_percent_encode(&s2s.account_id, FORM_VALUE)
                ),
            ),
            Credentials::User(user) => {
                let refresh_token = lock(&user.1).clone();
                let body = format!(
                    "grant_type=refresh_token&refresh_token={}",
                    utf8_percent_encode(refresh_token.expose_secret(), FORM_VALUE)
                );
                (&user.0.client_id, &user.0.client_secret, body)
            }
            _ => {
                let error = AuthError::new(AuthErrorKind::Rejected, "no token can be fetched");
                return Err(error.into());
            }
        };
        let pair = format!("{client_id}:{}", client_secret.expose_secret());
        let basic = base64::engine::general_purpose::STANDARD.encode(pair);
        let mut authorization = HeaderValue::try_from(format!("Basic {basic}"))
            .map_err(|_| InvalidInput::new("client_secret", "cannot be sent in a header"))?;
        authorization.set_sensitive(true);
        http::Request::post(format!("{}/oauth/token", self.oauth_base.as_str()))
            .header(AUTHORIZATION, authorization)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, USER_AGENT_VALUE)
            .body(body.into_bytes())
            .map_err(|e| Error::invalid("oauth_base", format!("does not make a valid URL: {e}")))
    }

    /// Reads the token endpoint's answer and caches the token.
    pub(crate) fn accept_token_response(
        &self,
        outcome: Result<HttpResponse, TransportError>,
        now: Instant,
    ) -> Result<Token, Error> {
        let response = outcome.map_err(|error| AuthError {
            kind: AuthErrorKind::Transport,
            status: None,
            code: None,
            reason: format!("the token endpoint could not be reached: {error}"),
            tracking_id: None,
            source: Some(Box::new(error)),
        })?;
        let answer = parse_token_answer(&response)?;
        let api_base = match (self.use_api_url, answer.api_url.as_deref()) {
            (true, Some(url)) if !url.trim().is_empty() => {
                let base = format!("{}/v2", url.trim().trim_end_matches('/'));
                let base = BaseUrl::parse_field("api_url", &base).map_err(|e| {
                    let mut error = AuthError::new(AuthErrorKind::InvalidResponse, e.to_string());
                    error.status = Some(response.status());
                    error
                })?;
                Some(base)
            }
            _ => None,
        };
        if let (Credentials::User(user), Some(rotated)) = (&self.credentials, answer.refresh_token)
        {
            *lock(&user.1) = rotated.clone();
            if let Some(callback) = &user.0.on_new_refresh_token {
                callback(&rotated);
            }
        }
        let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(3600));
        let margin = REFRESH_MARGIN.min(lifetime / 2);
        let mut generation = lock(&self.generation);
        *generation += 1;
        let token = Token {
            bearer: bearer_header(&answer.access_token).ok(),
            secret: answer.access_token,
            api_base,
            generation: *generation,
        };
        *self.lock_cache() = Some(Cached {
            token: token.clone(),
            refresh_at: now + lifetime - margin,
        });
        Ok(token)
    }

    /// Zoom rejected `token`: forget it unless a newer one has replaced it already.
    pub(crate) fn invalidate(&self, token: &Token) {
        match &self.credentials {
            Credentials::Static(_) => {}
            Credentials::Custom(source) => source.invalidate(&token.secret),
            Credentials::ServerToServer(_) | Credentials::User(_) => {
                let mut cache = self.lock_cache();
                if cache
                    .as_ref()
                    .is_some_and(|c| c.token.generation == token.generation)
                {
                    *cache = None;
                }
            }
        }
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, Option<Cached>> {
        lock(&self.cache)
    }
}

/// Locks a mutex; a panic elsewhere does not poison it for good.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(serde::Deserialize)]
struct TokenAnswer {
    access_token: SecretString,
    refresh_token: Option<SecretString>,
    expires_in: Option<u64>,
    api_url: Option<String>,
}

/// The token endpoint's error body: `{"reason","error"}` or `{"code","message"}`.
#[derive(serde::Deserialize, Default)]
struct TokenErrorBody {
    reason: Option<String>,
    error: Option<String>,
    code: Option<i64>,
    message: Option<String>,
}

fn parse_token_answer(response: &HttpResponse) -> Result<TokenAnswer, AuthError> {
    let status = response.status();
    let fail = |kind, code, reason: String| AuthError {
        kind,
        status: Some(status),
        code,
        reason,
        tracking_id: tracking_id(response.headers()),
        source: None,
    };
    if status.is_success() {
        return match serde_json::from_slice::<TokenAnswer>(response.body()) {
            Ok(answer) if !answer.access_token.is_blank() => Ok(answer),
            Ok(_) => Err(fail(
                AuthErrorKind::InvalidResponse,
                None,
                "the token answer has an empty access_token".into(),
            )),
            Err(e) => Err(fail(
                AuthErrorKind::InvalidResponse,
                None,
                format!(
                    "the token answer is not a token: {}",
                    describe_json_error(&e)
                ),
            )),
        };
    }
    let Ok(body) = serde_json::from_slice::<TokenErrorBody>(response.body()) else {
        let reason = format!("the token endpoint answered HTTP {status} without a JSON reason");
        return Err(fail(AuthErrorKind::InvalidResponse, None, reason));
    };
    let kind = match (body.error.as_deref(), body.code) {
        (Some("invalid_client"), _) | (_, Some(4702 | 4704)) => AuthErrorKind::InvalidClient,
        (Some("unsupported_grant_type"), _) | (_, Some(4705)) => {
            AuthErrorKind::UnsupportedGrantType
        }
        (Some("invalid_request"), _) | (_, Some(4706)) => AuthErrorKind::InvalidRequest,
        (Some("invalid_grant"), _) | (_, Some(4711)) => AuthErrorKind::InvalidGrant,
        _ => AuthErrorKind::Rejected,
    };
    let reason = body
        .reason
        .or(body.message)
        .or(body.error)
        .unwrap_or_else(|| format!("the token endpoint answered HTTP {status}"));
    Err(fail(kind, body.code, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn tokens_are_cached_until_a_minute_before_expiry() {
        let auth = s2s(false);
        let now = Instant::now();
        assert!(auth.current(now).unwrap().is_none());
        let body = r#"{"access_token":"t1","token_type":"bearer","expires_in":3599,"scope":"a b"}"#;
        let token = auth.accept_token_response(answer(200, body), now).unwrap();
        assert_eq!(token.secret.expose_secret(), "t1");
        let later = |s| now + Duration::from_secs(s);
        assert!(auth.current(later(3538)).unwrap().is_some());
        assert!(auth.current(later(3539)).unwrap().is_none());
    }

    #[test]
    fn short_lived_tokens_refresh_at_half_life() {
        let auth = s2s(false);
        let now = Instant::now();
        auth.accept_token_response(answer(200, r#"{"access_token":"t","expires_in":10}"#), now)
            .unwrap();
        assert!(
            auth.current(now + Duration::from_secs(4))
                .unwrap()
                .is_some()
        );
        assert!(
            auth.current(now + Duration::from_secs(5))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn invalidation_only_drops_the_rejected_generation() {
        let auth = s2s(false);
        let now = Instant::now();
        let first = auth
            .accept_token_response(answer(200, r#"{"access_token":"a"}"#), now)
            .unwrap();
        let second = auth
            .accept_token_response(answer(200, r#"{"access_token":"b"}"#), now)
            .unwrap();
        auth.invalidate(&first);
        assert_eq!(
            auth.current(now).unwrap().unwrap().secret.expose_secret(),
            "b"
        );
        auth.invalidate(&second);
        assert!(auth.current(now).unwrap().is_none());
    }

    #[test]
    fn api_url_is_honoured_only_when_asked() {
        let body = r#"{"access_token":"t","expires_in":3599,"api_url":"https://api-eu.zoom.us"}"#;
        let now = Instant::now();
        assert!(
            s2s(false)
                .accept_token_response(answer(200, body), now)
                .unwrap()
                .api_base
                .is_none()
        );
        let token = s2s(true)
            .accept_token_response(answer(200, body), now)
            .unwrap();
        assert_eq!(
            token.api_base.unwrap().as_str(),
            "https://api-eu.zoom.us/v2"
        );
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
            let error = s2s(false)
                .accept_token_response(answer(status, body), Instant::now())
                .unwrap_err();
            let auth = error.auth().unwrap();
            assert_eq!(auth.kind(), kind, "{body}");
            for shown in [error.to_string(), format!("{error:?}")] {
                assert!(!shown.contains("csecret"), "{shown}");
            }
        }
        let error = s2s(false)
            .accept_token_response(
                answer(400, r#"{"code":4706,"message":"Missing grant type"}"#),
                Instant::now(),
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
