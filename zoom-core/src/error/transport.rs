//! Failures to talk: what a transport reports.

use std::fmt;

use super::BoxError;

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
