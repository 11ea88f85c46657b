//! Every refusal of a delivery, and the HTTP status a receiver answers it with.
//!
//! | error | status | whose fault |
//! |---|---|---|
//! | [`VerifyError::NoSecret`] | 500 | the receiver's: no usable secret is configured |
//! | [`VerifyError::BodyTooLarge`] | 413 | the sender's: not a Zoom event |
//! | every other [`VerifyError`] | 401 | the sender's: not signed by Zoom, or replayed |
//! | [`ParseError`] | 400 | signed by Zoom, but not an event the SDK can read |

use zoom_core::http::StatusCode;

/// Why [`Verifier::verify_event`](crate::Verifier::verify_event) refused a delivery: not
/// verified ([`Verify`](Self::Verify)), or verified but unreadable ([`Parse`](Self::Parse)).
/// [`status`](Self::status) is the answer to give.
///
/// ```
/// use zoom_webhook::{VerifyError, WebhookError};
///
/// let error = WebhookError::from(VerifyError::MissingSignature);
/// assert_eq!(error.to_string(), "the webhook delivery has no x-zm-signature header");
/// assert_eq!(error.status().as_u16(), 401);
/// ```
/// It has exactly these two variants, so a `match` over them stays complete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// Not verified: no usable secret, a body too large, or a signature or timestamp that is
    /// missing, malformed, wrong or stale.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// Verified, but the body is not JSON or not the event it names.
    #[error(transparent)]
    Parse(#[from] ParseError),
}

impl WebhookError {
    /// What a receiver answers: [`VerifyError::status`] to [`Verify`](Self::Verify) (401,
    /// or 413 to a body too large, or 500 when no secret is configured), 400 Bad Request to
    /// [`Parse`](Self::Parse) (from Zoom, unreadable).
    ///
    /// ```
    /// use zoom_core::http::StatusCode;
    /// use zoom_webhook::Verifier;
    ///
    /// let refused = Verifier::new("secret").verify_event_now(&Default::default(), b"{}");
    /// assert_eq!(refused.unwrap_err().status(), StatusCode::UNAUTHORIZED);
    /// let misconfigured = Verifier::new("").verify_event_now(&Default::default(), b"{}");
    /// assert_eq!(misconfigured.unwrap_err().status(), StatusCode::INTERNAL_SERVER_ERROR);
    /// ```
    pub fn status(&self) -> StatusCode {
        match self {
            WebhookError::Verify(error) => error.status(),
            WebhookError::Parse(_) => StatusCode::BAD_REQUEST,
        }
    }
}

/// Why a delivery was not verified. No variant carries the secret, the body or the
/// signature. [`status`](Self::status) is the answer to give: 500 to
/// [`NoSecret`](Self::NoSecret) (the receiver is misconfigured, and Zoom delivers again
/// later), 413 to [`BodyTooLarge`](Self::BodyTooLarge), 401 to every other.
///
/// ```
/// use zoom_webhook::VerifyError;
///
/// let error = VerifyError::StaleTimestamp { timestamp: 1_000, now: 1_400, tolerance: 300 };
/// assert_eq!(
///     error.to_string(),
///     "webhook timestamp 1000 is 400 s behind the clock (1400), beyond the ±300 s tolerance",
/// );
/// assert_eq!(error.status().as_u16(), 401);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The verifier's secret token is blank, so no delivery can be trusted: a mistake in the
    /// receiver's configuration (500), not in the delivery.
    #[error("no webhook secret token is configured")]
    NoSecret,
    /// The body is larger than the verifier reads ([`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES)
    /// by default): not a Zoom event (413). Checked before any hashing.
    #[error("the webhook body is {len} bytes, over the {limit}-byte limit")]
    BodyTooLarge {
        /// The body's size, in bytes.
        len: usize,
        /// The verifier's limit, in bytes.
        limit: usize,
    },
    /// No `x-zm-signature` header.
    #[error("the webhook delivery has no x-zm-signature header")]
    MissingSignature,
    /// No `x-zm-request-timestamp` header.
    #[error("the webhook delivery has no x-zm-request-timestamp header")]
    MissingTimestamp,
    /// `x-zm-signature` is not `v0=` and 64 hex digits (or was sent twice).
    #[error("the webhook's x-zm-signature header is not `v0=` followed by 64 hex digits")]
    MalformedSignature,
    /// `x-zm-request-timestamp` is not Unix seconds in decimal digits (or was sent twice).
    #[error("the webhook's x-zm-request-timestamp header is not a Unix time in seconds")]
    MalformedTimestamp,
    /// The signature does not match the body, the timestamp and the secret token: a forged or
    /// altered delivery, or another app's secret.
    #[error("the webhook signature does not match (altered body, or another secret token)")]
    SignatureMismatch,
    /// Correctly signed, but the timestamp is further from `now` than the verifier's
    /// [tolerance](crate::Verifier::tolerance): a replay, or a clock that is off.
    #[error("{}", stale_message(*timestamp, *now, *tolerance))]
    StaleTimestamp {
        /// The signed timestamp, in Unix seconds.
        timestamp: u64,
        /// The verifier's clock, in Unix seconds.
        now: u64,
        /// The tolerance, in seconds either way.
        tolerance: u64,
    },
}

impl VerifyError {
    /// What a receiver answers: 500 Internal Server Error to [`NoSecret`](Self::NoSecret),
    /// 413 Payload Too Large to [`BodyTooLarge`](Self::BodyTooLarge), 401 Unauthorized to
    /// the others.
    ///
    /// ```
    /// use zoom_webhook::VerifyError;
    ///
    /// assert_eq!(VerifyError::NoSecret.status().as_u16(), 500);
    /// assert_eq!(VerifyError::BodyTooLarge { len: 70_000, limit: 65_536 }.status().as_u16(), 413);
    /// assert_eq!(VerifyError::SignatureMismatch.status().as_u16(), 401);
    /// ```
    pub fn status(&self) -> StatusCode {
        match self {
            VerifyError::NoSecret => StatusCode::INTERNAL_SERVER_ERROR,
            VerifyError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            VerifyError::MissingSignature
            | VerifyError::MissingTimestamp
            | VerifyError::MalformedSignature
            | VerifyError::MalformedTimestamp
            | VerifyError::SignatureMismatch
            | VerifyError::StaleTimestamp { .. } => StatusCode::UNAUTHORIZED,
        }
    }
}

fn stale_message(timestamp: u64, now: u64, tolerance: u64) -> String {
    let (distance, direction) = if timestamp < now {
        (now - timestamp, "behind")
    } else {
        (timestamp - now, "ahead of")
    };
    format!(
        "webhook timestamp {timestamp} is {distance} s {direction} the clock ({now}), beyond the ±{tolerance} s tolerance"
    )
}

/// A verified body that could not be read as an event. Answer it with 400. Like the SDK's
/// other JSON errors, it says where, never what (bodies carry stream keys).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use zoom_webhook::{ParseErrorKind, Verifier};
///
/// let verifier = Verifier::new("secret");
/// let body = b"{\"event\": ";
/// let signature = verifier.sign("1795687200", body);
/// let now = UNIX_EPOCH + Duration::from_secs(1795687200);
/// let error = verifier.verify(body, Some(&signature), Some("1795687200"), now)?.parse().unwrap_err();
/// assert_eq!(error.kind(), &ParseErrorKind::NotJson);
/// assert_eq!(error.to_string(), "the webhook body is not valid JSON (line 1, column 10)");
/// # Ok::<(), zoom_webhook::VerifyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct ParseError {
    kind: ParseErrorKind,
    line: usize,
    column: usize,
}

/// What was wrong with a body that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// Not JSON at all (or nested too deep).
    NotJson,
    /// JSON, but not an object with a string `event`.
    NotAnEvent,
    /// A known event whose fields have the wrong types.
    Payload {
        /// The event's name.
        event: &'static str,
    },
}

impl ParseError {
    /// An error of `kind` at the position serde_json reports (never its message, which may
    /// quote the body).
    pub(crate) fn new(kind: ParseErrorKind, error: &serde_json::Error) -> Self {
        Self {
            kind,
            line: error.line(),
            column: error.column(),
        }
    }

    /// An error about the body as a whole.
    pub(crate) fn whole(kind: ParseErrorKind) -> Self {
        Self {
            kind,
            line: 0,
            column: 0,
        }
    }

    /// What was wrong.
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }

    /// Where, as (line, column), both from 1; `None` when it is the body as a whole.
    pub fn position(&self) -> Option<(usize, usize)> {
        (self.line > 0).then_some((self.line, self.column))
    }

    fn message(&self) -> String {
        let what = match &self.kind {
            ParseErrorKind::NotJson => "the webhook body is not valid JSON".to_owned(),
            ParseErrorKind::NotAnEvent => {
                "the webhook body is not an object with an `event` name".to_owned()
            }
            ParseErrorKind::Payload { event } => {
                format!("the `{event}` webhook has a field of an unexpected type")
            }
        };
        match self.position() {
            Some((line, column)) => format!("{what} (line {line}, column {column})"),
            None => what,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One refusal of each kind, and the status the table at the top of this file promises.
    #[test]
    fn each_refusal_has_its_status() {
        let not_json = ParseError::whole(ParseErrorKind::NotJson);
        for (error, status) in [
            (WebhookError::Verify(VerifyError::NoSecret), 500),
            (
                WebhookError::Verify(VerifyError::BodyTooLarge {
                    len: 65_537,
                    limit: 65_536,
                }),
                413,
            ),
            (WebhookError::Verify(VerifyError::MissingSignature), 401),
            (WebhookError::Verify(VerifyError::MissingTimestamp), 401),
            (WebhookError::Verify(VerifyError::MalformedSignature), 401),
            (WebhookError::Verify(VerifyError::MalformedTimestamp), 401),
            (WebhookError::Verify(VerifyError::SignatureMismatch), 401),
            (
                WebhookError::Verify(VerifyError::StaleTimestamp {
                    timestamp: 0,
                    now: 1_000,
                    tolerance: 300,
                }),
                401,
            ),
            (WebhookError::Parse(not_json), 400),
        ] {
            assert_eq!(error.status().as_u16(), status, "{error}");
        }
    }

    #[test]
    fn stale_messages_say_which_way() {
        let ahead = VerifyError::StaleTimestamp {
            timestamp: 2_000,
            now: 1_000,
            tolerance: 300,
        };
        assert_eq!(
            ahead.to_string(),
            "webhook timestamp 2000 is 1000 s ahead of the clock (1000), beyond the ±300 s tolerance"
        );
    }

    #[test]
    fn a_whole_body_error_has_no_position() {
        let error = ParseError::whole(ParseErrorKind::NotAnEvent);
        assert_eq!(error.position(), None);
        assert_eq!(
            error.to_string(),
            "the webhook body is not an object with an `event` name"
        );
    }
}
