//! A success answer whose body could not be decoded.

use std::fmt;

use http::StatusCode;

use super::text::ServerText;

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
