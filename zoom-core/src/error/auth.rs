//! Why no access token could be obtained.

use std::fmt;

use http::StatusCode;

use super::BoxError;
use super::text::ServerText;

/// Why no access token could be obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthErrorKind {
    /// Codes 4702/4704 or `invalid_client`: wrong client id or secret.
    InvalidClient,
    /// Code 4705 or `unsupported_grant_type`.
    UnsupportedGrantType,
    /// Code 4706 or `invalid_request`: a missing client id, secret, grant type or account id.
    InvalidRequest,
    /// Code 4711 or `invalid_grant`: the grant (account id, refresh token) was refused.
    InvalidGrant,
    /// The token endpoint answered with something that is not a token.
    InvalidResponse,
    /// The token endpoint could not be reached.
    Transport,
    /// A user-supplied token source failed, or Zoom kept refusing fresh tokens.
    Rejected,
}

/// No access token could be obtained. Never holds the client secret.
#[derive(Debug)]
pub struct AuthError {
    pub(crate) kind: AuthErrorKind,
    pub(crate) status: Option<StatusCode>,
    pub(crate) code: Option<i64>,
    pub(crate) reason: String,
    pub(crate) tracking_id: Option<String>,
    pub(crate) source: Option<BoxError>,
}

impl AuthError {
    /// An auth error of `kind` with a human-readable `reason`, for user token sources.
    pub fn new(kind: AuthErrorKind, reason: impl Into<String>) -> Self {
        Self {
            kind,
            status: None,
            code: None,
            reason: reason.into(),
            tracking_id: None,
            source: None,
        }
    }
    /// Why it failed.
    pub fn kind(&self) -> AuthErrorKind {
        self.kind
    }
    /// Zoom's error code from the token endpoint, if any.
    pub fn code(&self) -> Option<i64> {
        self.code
    }
    /// Zoom's reason, or a description of what was wrong.
    pub fn reason(&self) -> &str {
        &self.reason
    }
    /// The HTTP status of the token endpoint's answer, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }
    /// Whether asking again later could succeed: the token endpoint could not be reached,
    /// or answered 429 or 5xx. Wrong credentials are not transient.
    pub fn is_transient(&self) -> bool {
        self.kind == AuthErrorKind::Transport
            || self
                .status
                .is_some_and(|s| s.is_server_error() || s == StatusCode::TOO_MANY_REQUESTS)
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "authentication failed")?;
        if let Some(status) = self.status {
            write!(f, ": HTTP {status}")?;
        }
        if let Some(code) = self.code {
            write!(f, ", code {code}")?;
        }
        write!(f, ": {}", ServerText(&self.reason))?;
        if let Some(id) = &self.tracking_id {
            write!(f, " [tracking id {}]", ServerText(id))?;
        }
        Ok(())
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}
