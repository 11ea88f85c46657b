//! Errors: one enum that says where a call failed and, for API errors, what Zoom said.

use std::fmt;
use std::time::Duration;

use http::StatusCode;

mod api;
mod auth;
mod decode;
mod misuse;
mod text;
mod transport;

pub use api::{ApiError, ApiErrorKind, FieldError};
pub use auth::{AuthError, AuthErrorKind};
pub use decode::{DECODE_BODY_CAP, DecodeError};
pub use misuse::CallMisuse;
pub use text::escape_server_text;
pub use transport::{TransportError, TransportErrorKind};

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
    /// A driver called the steps of a [`Call`](crate::call::Call) out of order: a bug in
    /// the driver, not in the input (the clients' own `send` never does).
    Misuse(CallMisuse),
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
            Error::Misuse(error) => fmt::Display::fmt(error, f),
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
            Error::InvalidInput(_) | Error::Misuse(_) => None,
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
    /// A call driven out of order by its driver (see [`CallMisuse`]).
    Misuse,
}

impl ErrorKind {
    /// A stable snake_case name (`invalid_input`, `transport`, `api`, `decode`, `auth`,
    /// `misuse`): the spans' `zoom.outcome`, fit for a metric label or a log field.
    ///
    /// ```
    /// assert_eq!(zoom_core::ErrorKind::InvalidInput.as_str(), "invalid_input");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Transport => "transport",
            ErrorKind::Api => "api",
            ErrorKind::Decode => "decode",
            ErrorKind::Auth => "auth",
            ErrorKind::Misuse => "misuse",
        }
    }
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
            Error::Misuse(_) => ErrorKind::Misuse,
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

    /// What the driver of a [`Call`](crate::call::Call) did out of order, if that is what
    /// ended the call.
    pub fn misuse(&self) -> Option<&CallMisuse> {
        match self {
            Error::Misuse(e) => Some(e),
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

    /// Whether Zoom rejected the access token (401, or code 124): a fresh token may pass.
    pub(crate) fn rejects_token(&self) -> bool {
        self.api().is_some_and(|api| {
            matches!(
                api.kind(),
                ApiErrorKind::InvalidAccessToken | ApiErrorKind::Unauthorized
            )
        })
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

    use super::text::needs_escape;
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
