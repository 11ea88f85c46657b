//! Who the client is: a static bearer token, Server-to-Server OAuth, user-level OAuth with
//! rotating refresh tokens, or the user's own [`TokenSource`].

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::SecretString;
use crate::error::{AuthError, InvalidInput};

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
    pub(crate) account_id: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: SecretString,
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
    pub(crate) client_id: String,
    pub(crate) client_secret: SecretString,
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
    User(Arc<UserGrant>),
    Custom(Arc<dyn TokenSource>),
    /// The Video SDK API's JWT, minted by the client (feature `video-sdk`).
    #[cfg(feature = "video-sdk")]
    VideoSdk(super::VideoSdkJwt),
}

/// User-level OAuth in use: the app's credentials and the refresh token that the next
/// refresh sends (every refresh replaces it).
pub(crate) struct UserGrant {
    pub(crate) oauth: UserOAuth,
    pub(crate) refresh_token: Mutex<SecretString>,
}

impl Credentials {
    pub(crate) fn user(oauth: UserOAuth) -> Self {
        let refresh_token = Mutex::new(oauth.refresh_token.clone());
        Credentials::User(Arc::new(UserGrant {
            oauth,
            refresh_token,
        }))
    }

    /// Refuses blank credentials before anything is sent.
    pub(crate) fn validate(&self) -> Result<(), InvalidInput> {
        match self {
            Credentials::Static(token) if token.is_blank() => Err(InvalidInput::new(
                "access_token",
                "must not be empty or blank",
            )),
            Credentials::ServerToServer(s2s) => s2s.validate(),
            Credentials::User(user) => user.oauth.validate(),
            #[cfg(feature = "video-sdk")]
            Credentials::VideoSdk(video_sdk) => video_sdk.validate(),
            _ => Ok(()),
        }
    }

    /// What kind of credentials these are, for `Debug` output that shows no secret.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Credentials::Static(_) => "static bearer token",
            Credentials::ServerToServer(_) => "Server-to-Server OAuth",
            Credentials::User(_) => "user-level OAuth",
            Credentials::Custom(_) => "custom token source",
            #[cfg(feature = "video-sdk")]
            Credentials::VideoSdk(_) => "Video SDK JWT",
        }
    }
}

impl UserGrant {
    /// The refresh token the next refresh sends.
    pub(crate) fn current_refresh_token(&self) -> SecretString {
        lock(&self.refresh_token).clone()
    }

    /// Takes the newest refresh token from a shared store (rotated by another process, which
    /// called its own callback).
    pub(crate) fn adopt(&self, newest: SecretString) {
        *lock(&self.refresh_token) = newest;
    }

    /// Keeps the refresh token Zoom rotated to and hands it to the user's callback.
    pub(crate) fn rotate(&self, rotated: SecretString) {
        *lock(&self.refresh_token) = rotated.clone();
        if let Some(callback) = &self.oauth.on_new_refresh_token {
            callback(&rotated);
        }
    }
}

/// Locks a mutex; a panic elsewhere does not poison it for good.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
