//! Zoom's error answers: the status, Zoom's code (its table of documented codes), message,
//! field errors, tracking id and rate-limit headers.

use std::fmt;
use std::time::Duration;

use http::StatusCode;

use super::text::ServerText;
use crate::rate_limit_headers::{RateLimit, RetryAfter};

/// A field-level validation message from Zoom (`errors[]` in an error body).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct FieldError {
    /// The field Zoom complained about.
    #[serde(default)]
    pub field: String,
    /// Zoom's message for that field.
    #[serde(default)]
    pub message: String,
}

/// What an API error means, matched from Zoom's code (when the body has one) or else from
/// the HTTP status. Match on it instead of parsing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// Code 300: a missing or invalid id, or an invalid request body.
    ValidationFailed,
    /// Code 1001: the user (host) does not exist.
    UserNotFound,
    /// Code 1010: the user does not belong to this account.
    UserNotInAccount,
    /// Code 3161: meeting hosting and scheduling are not allowed for the user.
    HostingNotAllowed,
    /// Code 3001 (or code 300 with HTTP 404, "Meeting ID does not exist."): the meeting or
    /// webinar does not exist or has expired.
    MeetingNotFound,
    /// Code 3000: the meeting/webinar cannot be accessed or has no custom streaming service.
    LiveStreamNotAvailable,
    /// Code 3003: the user is not the host.
    NotMeetingHost,
    /// Code 200: the webinar plan is missing, live streaming is not enabled, or the webinar
    /// has not started.
    NotEnabled,
    /// Code 124 with HTTP 401: the access token is invalid or expired.
    InvalidAccessToken,
    /// Code 124 with HTTP 400: the operation accepts only OAuth access tokens ("This API only
    /// supports OAuth2 authorization.", the join-token GETs): not fixed by a new token of
    /// the same kind.
    OAuthRequired,
    /// Codes 4700/4711: the token lacks the scopes the call needs.
    MissingScopes,
    /// HTTP 400 without a known Zoom code (Zoom's documented answer has an empty body).
    BadRequest,
    /// HTTP 401 without a known Zoom code.
    Unauthorized,
    /// HTTP 403.
    Forbidden,
    /// HTTP 404 without a known Zoom code (Zoom's documented answer has an empty body).
    NotFound,
    /// HTTP 409.
    Conflict,
    /// HTTP 429: a per-second (or unspecified) rate limit; worth retrying later.
    RateLimited,
    /// HTTP 429 for the account's daily limit: come back at [`ApiError::retry_at`].
    DailyLimitExceeded,
    /// HTTP 5xx.
    ServerError,
    /// Any other status or code.
    Other,
}

impl ApiErrorKind {
    /// The kind for an HTTP status, a Zoom code (if any) and the rate-limit state.
    pub fn classify(status: StatusCode, code: Option<i64>, rate_limit: &RateLimit) -> Self {
        if status == StatusCode::TOO_MANY_REQUESTS {
            return if rate_limit.is_daily() {
                ApiErrorKind::DailyLimitExceeded
            } else {
                ApiErrorKind::RateLimited
            };
        }
        let by_code = match code {
            Some(300) if status == StatusCode::NOT_FOUND => Some(ApiErrorKind::MeetingNotFound),
            Some(300) => Some(ApiErrorKind::ValidationFailed),
            Some(1001) => Some(ApiErrorKind::UserNotFound),
            Some(1010) => Some(ApiErrorKind::UserNotInAccount),
            Some(3161) => Some(ApiErrorKind::HostingNotAllowed),
            Some(3001) => Some(ApiErrorKind::MeetingNotFound),
            Some(3000) => Some(ApiErrorKind::LiveStreamNotAvailable),
            Some(3003) => Some(ApiErrorKind::NotMeetingHost),
            Some(200) if status.is_client_error() => Some(ApiErrorKind::NotEnabled),
            Some(124) if status == StatusCode::BAD_REQUEST => Some(ApiErrorKind::OAuthRequired),
            Some(124) => Some(ApiErrorKind::InvalidAccessToken),
            Some(4700) | Some(4711) => Some(ApiErrorKind::MissingScopes),
            _ => None,
        };
        by_code.unwrap_or(match status.as_u16() {
            400 => ApiErrorKind::BadRequest,
            401 => ApiErrorKind::Unauthorized,
            403 => ApiErrorKind::Forbidden,
            404 => ApiErrorKind::NotFound,
            409 => ApiErrorKind::Conflict,
            500..=599 => ApiErrorKind::ServerError,
            _ => ApiErrorKind::Other,
        })
    }
}

/// Zoom answered with an error status: everything it said, ready to match on or to report.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub(crate) kind: ApiErrorKind,
    pub(crate) status: StatusCode,
    pub(crate) code: Option<i64>,
    pub(crate) message: Option<String>,
    pub(crate) errors: Vec<FieldError>,
    pub(crate) tracking_id: Option<String>,
    pub(crate) rate_limit: RateLimit,
    pub(crate) retry_after: Option<RetryAfter>,
}

impl ApiError {
    /// What the error means.
    pub fn kind(&self) -> ApiErrorKind {
        self.kind
    }
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// Zoom's error code from the body, if the body had one.
    pub fn code(&self) -> Option<i64> {
        self.code
    }
    /// Zoom's message from the body (or the start of a non-JSON body), if any.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
    /// Field-level validation messages.
    pub fn field_errors(&self) -> &[FieldError] {
        &self.errors
    }
    /// The `x-zm-trackingid` header: quote it to Zoom support.
    pub fn tracking_id(&self) -> Option<&str> {
        self.tracking_id.as_deref()
    }
    /// The rate-limit headers of the answer.
    pub fn rate_limit(&self) -> &RateLimit {
        &self.rate_limit
    }
    /// The parsed `Retry-After` header, or for a 429 without one on a call where Zoom
    /// documents a wait (starting a stream: 30 s), that wait.
    pub fn retry_after_header(&self) -> Option<&RetryAfter> {
        self.retry_after.as_ref()
    }
    /// A rate-limit (not daily) error without `Retry-After` takes `wait`, the call's
    /// documented advice; anything Zoom said itself is kept.
    pub(crate) fn advise_retry_after(&mut self, wait: Duration) {
        if self.kind == ApiErrorKind::RateLimited && self.retry_after.is_none() {
            self.retry_after = Some(RetryAfter::Delay(wait));
        }
    }
    /// How long to wait from now, per `Retry-After` (or the call's documented advice, see
    /// [`ApiError::retry_after_header`]).
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after.as_ref().map(RetryAfter::delay_from_now)
    }
    /// When to come back, per `Retry-After`, as a wall-clock time (`None` without the
    /// header, or in the unrepresentable case of [`RetryAfter::at_from`]).
    pub fn retry_at(&self) -> Option<std::time::SystemTime> {
        self.retry_after.as_ref().and_then(RetryAfter::at_from_now)
    }
    /// Whether the same call may succeed later: 429 (not the daily limit) and 5xx.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            ApiErrorKind::RateLimited | ApiErrorKind::ServerError
        )
    }
    /// Whether the error says that something (meeting, user, …) does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self.kind,
            ApiErrorKind::NotFound | ApiErrorKind::UserNotFound | ApiErrorKind::MeetingNotFound
        )
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zoom API error: HTTP {}", self.status)?;
        if let Some(code) = self.code {
            write!(f, ", code {code}")?;
        }
        // "Try again later; retry after 1 s" reads as one sentence, "later.; retry" does not.
        let joins_retry_after = self.retry_after.is_some() && self.errors.is_empty();
        match &self.message {
            Some(message) if joins_retry_after => write!(
                f,
                ": {}",
                ServerText(message.trim_end().trim_end_matches('.'))
            )?,
            Some(message) => write!(f, ": {}", ServerText(message))?,
            None => write!(f, " (no message in the answer)")?,
        }
        for field in &self.errors {
            let (name, message) = (ServerText(&field.field), ServerText(&field.message));
            write!(f, "; {name}: {message}")?;
        }
        if let Some(at) = self.retry_after.map(RetryAfter::to_display_string) {
            write!(f, "; retry after {at}")?;
        }
        if let Some(id) = &self.tracking_id {
            write!(f, " [tracking id {}]", ServerText(id))?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}
