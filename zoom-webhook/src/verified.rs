//! [`Verified`]: a delivery whose signature and timestamp were checked.

use std::fmt;

use crate::error::ParseError;
use crate::event::Event;

/// A delivery whose signature and timestamp were checked: the only way to a parsed
/// [`Event`], so nothing unverified is parsed by mistake.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use zoom_webhook::Verifier;
///
/// let verifier = Verifier::new("test-secret-token");
/// let body = r#"{"event":"meeting.live_streaming_started","event_ts":1795687200000,"payload":{"object":{"id":85746065432,"topic":"Café 直播"}}}"#.as_bytes();
/// let signature = "v0=cb1e630257b82bc29919240852bdcc05934043cfcbe297fd1de8188841fd3f1c";
/// let now = UNIX_EPOCH + Duration::from_secs(1795687200);
/// let verified = verifier.verify(body, Some(signature), Some("1795687200"), now)?;
/// assert_eq!(verified.timestamp(), 1795687200);
/// assert_eq!(verified.body(), body);
/// # Ok::<(), zoom_webhook::VerifyError>(())
/// ```
#[derive(Clone, Copy)]
pub struct Verified<'a> {
    pub(crate) body: &'a [u8],
    pub(crate) timestamp: u64,
}

impl<'a> Verified<'a> {
    /// The raw body, as received and signed.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The signed `x-zm-request-timestamp`, in Unix seconds.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// Parses the verified body into an [`Event`]; see [`Event`] for what is typed.
    pub fn parse(&self) -> Result<Event, ParseError> {
        Event::parse_verified(self.body)
    }
}

impl fmt::Debug for Verified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bodies can carry stream keys in clear: show the size only.
        f.debug_struct("Verified")
            .field("body_len", &self.body.len())
            .field("timestamp", &self.timestamp)
            .finish()
    }
}
