//! Errors: one enum that says where a call failed and, for API errors, what Zoom said.

use std::fmt;
use std::time::Duration;

use http::StatusCode;

use crate::rate_limit::{RateLimit, RetryAfter};

/// A boxed error from a transport's backend (reqwest, ureq, …), kept as a `source`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The result type of every fallible SDK call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call. Match on [`Error::kind`] or use the helpers
/// ([`Error::api`], [`Error::is_retryable`], [`Error::retry_after`]) instead of strings.
///
/// Like the errors of aws-smithy, each layer's `Display` says only its own part and the cause
/// comes through [`std::error::Error::source`], so a report that walks the chain (anyhow's
/// `{:#}`, say) prints every part once:
///
/// ```
/// use std::error::Error as _;
/// use zoom_core::{Error, TransportError, TransportErrorKind};
///
/// let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
/// let error = Error::from(TransportError::new(TransportErrorKind::Connect, refused));
/// assert_eq!(error.to_string(), "could not connect");
/// assert_eq!(error.source().unwrap().to_string(), "refused");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The input was rejected before anything was sent.
    InvalidInput(InvalidInput),
    /// The request could not be exchanged with Zoom (connect, timeout, I/O, body too large).
    Transport {
        /// What the transport reported.
        error: TransportError,
        /// `true` when the call changes state and the request may have reached Zoom, so it
        /// may have been applied although no answer came back.
        may_have_been_applied: bool,
    },
    /// Zoom answered with an error status.
    Api(Box<ApiError>),
    /// Zoom answered with a success status but a body that could not be decoded.
    Decode(Box<DecodeError>),
    /// No access token could be obtained.
    Auth(Box<AuthError>),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidInput(error) => write!(f, "invalid input: {error}"),
            // The transport error's own part (its kind); its backend cause is our source.
            Error::Transport {
                error,
                may_have_been_applied,
            } => {
                fmt::Display::fmt(error, f)?;
                if *may_have_been_applied {
                    f.write_str(" (the request may have been applied; check before repeating it)")?;
                }
                Ok(())
            }
            Error::Api(error) => fmt::Display::fmt(error, f),
            Error::Decode(error) => fmt::Display::fmt(error, f),
            Error::Auth(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl std::error::Error for Error {
    /// The cause this error's own text does not already say: a transport's backend error,
    /// or the cause of an auth error. The wrapped [`TransportError`] or [`InvalidInput`]
    /// itself is not repeated (reach it with [`Error::transport`] or by matching).
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { error, .. } => std::error::Error::source(error),
            Error::Auth(error) => std::error::Error::source(&**error),
            Error::Api(error) => std::error::Error::source(&**error),
            Error::Decode(error) => std::error::Error::source(&**error),
            Error::InvalidInput(_) => None,
        }
    }
}

impl From<InvalidInput> for Error {
    fn from(error: InvalidInput) -> Self {
        Error::InvalidInput(error)
    }
}

/// Whether and when an [`Error`] may be retried (see [`Error::retry_class`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryClass {
    /// Repeating cannot help: a client error, refused credentials, a daily limit, a body
    /// over the cap, or a state change that may already have been applied.
    Never,
    /// Safe to repeat for any call: the request provably never reached Zoom (a connect
    /// failure), or only the token endpoint failed.
    Always,
    /// Worth repeating only if the call is safe to repeat (a read, an idempotent update):
    /// Zoom may have seen the request (429, 5xx, a timeout, a dropped connection, a cut-off
    /// body).
    IfIdempotent,
}

/// Text from a server (a message, a reason, a header value), made safe to show in a terminal
/// or a log line: control characters (`\n`, `\r`, ESC, BEL, DEL, C1 controls, …), Unicode
/// line separators and bidirectional overrides are written as escapes (`\n`, `\u{1b}`), so
/// a server can neither forge log lines nor send escape sequences. Every `Display` of an
/// error in this crate shows server text only through this; the accessors keep it raw.
///
/// ```
/// use zoom_core::error::escape_server_text;
///
/// assert_eq!(escape_server_text("bad\n\u{1b}[31mred\u{7}"), "bad\\n\\u{1b}[31mred\\u{7}");
/// assert_eq!(escape_server_text("Réunion 会議"), "Réunion 会議");
/// ```
pub fn escape_server_text(text: &str) -> String {
    ServerText(text).to_string()
}

/// Shows a server's text escaped (see [`escape_server_text`]) without allocating.
pub(crate) struct ServerText<'a>(pub(crate) &'a str);

impl fmt::Display for ServerText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(needs_escape) {
            f.write_str(&rest[..at])?;
            let mut chars = rest[at..].chars();
            let c = chars.next().unwrap_or_default();
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                _ => write!(f, "\\u{{{:x}}}", u32::from(c))?,
            }
            rest = chars.as_str();
        }
        f.write_str(rest)
    }
}

/// Characters a terminal or a log reader could act on rather than show.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// The broad class of an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Rejected before sending.
    InvalidInput,
    /// Failure to talk to Zoom.
    Transport,
    /// Zoom answered with an error status.
    Api,
    /// A success answer that could not be decoded.
    Decode,
    /// No access token.
    Auth,
}

impl Error {
    /// The broad class of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput(_) => ErrorKind::InvalidInput,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Api(_) => ErrorKind::Api,
            Error::Decode(_) => ErrorKind::Decode,
            Error::Auth(_) => ErrorKind::Auth,
        }
    }

    /// The API error, when Zoom answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The auth error, when no token could be obtained.
    pub fn auth(&self) -> Option<&AuthError> {
        match self {
            Error::Auth(e) => Some(e),
            _ => None,
        }
    }

    /// The transport error, when the exchange itself failed.
    pub fn transport(&self) -> Option<&TransportError> {
        match self {
            Error::Transport { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The HTTP status of Zoom's answer, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Auth(e) => e.status,
            _ => None,
        }
    }

    /// Zoom's `x-zm-trackingid` of the answer, if there was one (Zoom support asks for it).
    pub fn tracking_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.tracking_id.as_deref(),
            Error::Decode(e) => e.tracking_id.as_deref(),
            Error::Auth(e) => e.tracking_id.as_deref(),
            _ => None,
        }
    }

    /// Whether repeating the same call later could succeed: [`Error::retry_class`] is not
    /// [`RetryClass::Never`]. That covers rate limits (not daily ones), 5xx answers, a token
    /// endpoint that could not be reached, connect failures, a cut-off success body, and
    /// timeouts and dropped connections that provably did not apply a state change.
    ///
    /// The retry policy decides with the same classification; for
    /// [`RetryClass::IfIdempotent`] it also checks that the call is safe to repeat.
    pub fn is_retryable(&self) -> bool {
        self.retry_class() != RetryClass::Never
    }

    /// Whether repeating the call could help, and under which condition: the one
    /// classification that both [`Error::is_retryable`] and [`crate::RetryPolicy::decide`]
    /// use.
    ///
    /// ```
    /// use zoom_core::{Error, RetryClass, TransportError, TransportErrorKind};
    ///
    /// let refused = Error::from(TransportError::from_kind(TransportErrorKind::Connect));
    /// assert_eq!(refused.retry_class(), RetryClass::Always);
    /// let timeout = Error::from(TransportError::from_kind(TransportErrorKind::Timeout));
    /// assert_eq!(timeout.retry_class(), RetryClass::IfIdempotent);
    /// ```
    pub fn retry_class(&self) -> RetryClass {
        match self {
            Error::Api(e) if e.is_retryable() => RetryClass::IfIdempotent,
            Error::Auth(e) if e.is_transient() => RetryClass::Always,
            Error::Transport { error, .. } if error.kind() == TransportErrorKind::Connect => {
                RetryClass::Always
            }
            Error::Transport {
                error,
                may_have_been_applied: false,
            } if matches!(
                error.kind(),
                TransportErrorKind::Timeout | TransportErrorKind::Io
            ) =>
            {
                RetryClass::IfIdempotent
            }
            // A cut-off or garbled success body: the next answer may be whole.
            Error::Decode(_) => RetryClass::IfIdempotent,
            _ => RetryClass::Never,
        }
    }

    /// Whether the error says that something (meeting, webinar, user) does not exist.
    pub fn is_not_found(&self) -> bool {
        self.api().is_some_and(ApiError::is_not_found)
    }

    /// How long Zoom asked us to wait (from `Retry-After`), measured from now.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api()?.retry_after()
    }

    pub(crate) fn api_error(error: ApiError) -> Self {
        Error::Api(Box::new(error))
    }

    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidInput(InvalidInput::new(field, reason))
    }
}

/// Input rejected before anything was sent: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct InvalidInput {
    field: &'static str,
    reason: String,
}

impl InvalidInput {
    /// A rejection of `field` for `reason`.
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }

    /// The name of the rejected field (for example `meeting_id` or `stream_url`).
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// Why it was rejected.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// What kind of failure a transport had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made (DNS, refused, TLS handshake): the request never left.
    Connect,
    /// The call took longer than the configured timeout.
    Timeout,
    /// The connection failed while sending or receiving.
    Io,
    /// The response body was larger than the transport's cap.
    BodyTooLarge,
    /// The answer broke HTTP (a malformed status line, a header section too large or with
    /// too many headers, a bad chunk): the server is at fault, and asking again is not
    /// expected to help, so it is never retried.
    Protocol,
    /// Anything else (a malformed request, …).
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Io => "connection failed",
            TransportErrorKind::BodyTooLarge => "response body too large",
            TransportErrorKind::Protocol => "invalid HTTP answer",
            TransportErrorKind::Other => "transport error",
        })
    }
}

/// A failure to exchange a request, with the backend's own error as its source.
///
/// ```
/// use zoom_core::{TransportError, TransportErrorKind};
///
/// let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
/// let error = TransportError::new(TransportErrorKind::Connect, io);
/// assert_eq!(error.kind(), TransportErrorKind::Connect);
/// // Each layer says only its own part; the backend's error is the source.
/// assert_eq!(error.to_string(), "could not connect");
/// assert_eq!(std::error::Error::source(&error).unwrap().to_string(), "refused");
/// ```
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct TransportError {
    kind: TransportErrorKind,
    #[source]
    source: Option<BoxError>,
}

impl TransportError {
    /// A transport error of `kind` caused by `source`.
    pub fn new(kind: TransportErrorKind, source: impl Into<BoxError>) -> Self {
        Self {
            kind,
            source: Some(source.into()),
        }
    }

    /// A transport error of `kind` with no underlying cause.
    pub fn from_kind(kind: TransportErrorKind) -> Self {
        Self { kind, source: None }
    }

    /// What kind of failure this was.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request provably never left this machine (a connect failure).
    pub fn never_sent(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }
}

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

/// A success status whose body could not be decoded. The body is kept (capped) but never
/// shown by `Display` or `Debug`, because it can hold a stream key.
#[derive(Clone)]
pub struct DecodeError {
    pub(crate) status: StatusCode,
    pub(crate) expected: &'static str,
    pub(crate) problem: String,
    pub(crate) content_type: Option<String>,
    pub(crate) body: Vec<u8>,
    pub(crate) body_len: usize,
    pub(crate) tracking_id: Option<String>,
}

/// How much of an undecodable body a [`DecodeError`] keeps.
pub const DECODE_BODY_CAP: usize = 4096;

impl DecodeError {
    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// What went wrong (position and class of the JSON problem; never the values).
    pub fn problem(&self) -> &str {
        &self.problem
    }
    /// The first bytes of the body (at most [`DECODE_BODY_CAP`]). May contain secrets.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
    /// The length of the whole body.
    pub fn body_len(&self) -> usize {
        self.body_len
    }
    /// The `x-zm-trackingid` header.
    pub fn tracking_id(&self) -> Option<&str> {
        self.tracking_id.as_deref()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode the HTTP {} answer as {}: {} ({} bytes of {})",
            self.status,
            self.expected,
            self.problem,
            self.body_len,
            ServerText(
                self.content_type
                    .as_deref()
                    .unwrap_or("unknown content type")
            ),
        )?;
        if let Some(id) = &self.tracking_id {
            write!(f, " [tracking id {}]", ServerText(id))?;
        }
        Ok(())
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("expected", &self.expected)
            .field("problem", &self.problem)
            .field("content_type", &self.content_type)
            .field("body", &format_args!("[{} bytes, redacted]", self.body_len))
            .field("tracking_id", &self.tracking_id)
            .finish()
    }
}

impl std::error::Error for DecodeError {}

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

impl From<AuthError> for Error {
    fn from(error: AuthError) -> Self {
        Error::Auth(Box::new(error))
    }
}

/// A transport failure outside a call (building a transport, say): nothing was applied.
impl From<TransportError> for Error {
    fn from(error: TransportError) -> Self {
        Error::Transport {
            error,
            may_have_been_applied: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    fn rate_limited() -> Error {
        let response = http::Response::builder()
            .status(429)
            .header("retry-after", "1")
            .body(
                br#"{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}"#
                    .to_vec(),
            )
            .unwrap();
        Error::api_error(crate::response::api_error(&response))
    }

    #[test]
    fn a_429_with_retry_after_reads_as_one_sentence() {
        let text = rate_limited().to_string();
        assert!(text.contains("Try again later; retry after 1 s"), "{text}");
        assert!(!text.contains(".;"), "{text}");
    }

    #[test]
    fn each_layer_says_its_own_part_once() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let error = Error::Transport {
            error: TransportError::new(TransportErrorKind::Connect, io),
            may_have_been_applied: false,
        };
        let mut parts = vec![error.to_string()];
        let mut cause = error.source();
        while let Some(inner) = cause {
            parts.push(inner.to_string());
            cause = inner.source();
        }
        assert_eq!(parts, ["could not connect", "refused"]);
        let input = Error::from(InvalidInput::new("meeting_id", "is blank"));
        assert_eq!(input.to_string(), "invalid input: meeting_id: is blank");
        assert!(input.source().is_none());
        assert!(rate_limited().source().is_none());
    }

    #[test]
    fn not_found_is_reachable_from_the_error() {
        let response = http::Response::builder()
            .status(404)
            .body(br#"{"code":3001,"message":"Meeting does not exist: 1."}"#.to_vec())
            .unwrap();
        assert!(Error::api_error(crate::response::api_error(&response)).is_not_found());
        assert!(!rate_limited().is_not_found());
    }
    use crate::response::{api_error, interpret};

    const HOSTILE: &str = "line\nINFO forged\r\u{1b}[2J\u{7}\u{9b}\u{202e}\u{2028}end";

    fn assert_inert(shown: &str) {
        assert!(
            !shown.chars().any(needs_escape),
            "control characters shown: {shown:?}"
        );
        assert!(
            shown.contains("line\\nINFO forged\\r\\u{1b}[2J\\u{7}"),
            "{shown}"
        );
    }

    #[test]
    fn server_text_in_api_errors_is_escaped_but_kept_raw() {
        let text = http::Response::builder()
            .status(500)
            .header("content-type", "text/plain")
            .header("x-zm-trackingid", "a\tb")
            .body(HOSTILE.as_bytes().to_vec())
            .unwrap();
        let error = api_error(&text);
        assert_eq!(error.message(), Some(HOSTILE));
        assert_inert(&error.to_string());
        assert!(error.to_string().contains("[tracking id a\\tb]"));

        let body = serde_json::json!({
            "code": 300,
            "message": HOSTILE,
            "errors": [{"field": HOSTILE, "message": HOSTILE}],
        });
        let json = http::Response::builder()
            .status(400)
            .body(body.to_string().into_bytes())
            .unwrap();
        let error = Error::api_error(api_error(&json));
        assert_eq!(error.api().unwrap().field_errors()[0].message, HOSTILE);
        assert_inert(&error.to_string());
    }

    #[test]
    fn server_text_in_decode_and_auth_errors_is_escaped() {
        let response = http::Response::builder()
            .status(200)
            .header("content-type", "text/\tplain")
            .header("x-zm-trackingid", "x\ty")
            .body(b"{".to_vec())
            .unwrap();
        let error = interpret::<crate::LiveStream>(&response).unwrap_err();
        let shown = error.to_string();
        assert!(!shown.chars().any(needs_escape), "{shown:?}");
        assert!(
            shown.contains("text/\\tplain") && shown.contains("x\\ty"),
            "{shown}"
        );

        let auth = AuthError::new(AuthErrorKind::Rejected, HOSTILE);
        assert_eq!(auth.reason(), HOSTILE);
        assert_inert(&auth.to_string());
        assert_inert(&Error::from(auth).to_string());
    }

    #[test]
    fn escaping_keeps_ordinary_text_and_escapes_every_control_character() {
        assert_eq!(escape_server_text(""), "");
        assert_eq!(
            escape_server_text("Invalid client_id or client_secret"),
            "Invalid client_id or client_secret"
        );
        assert_eq!(escape_server_text("a\\nb"), "a\\nb");
        assert_eq!(escape_server_text("\u{7f}\u{0}é"), "\\u{7f}\\u{0}é");
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let shown = escape_server_text(&c.to_string());
            assert!(!shown.chars().any(needs_escape), "{c:?} -> {shown:?}");
        }
    }
}
