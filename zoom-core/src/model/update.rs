//! [`UpdateLiveStream`]: the body of `PATCH …/livestream`.

use serde::{Deserialize, Serialize};

use super::{Resolution, check_open_value, check_text};
use crate::SecretString;
use crate::error::InvalidInput;

/// The body of `PATCH …/livestream`: the new stream settings. All of `stream_url`,
/// `stream_key` and `page_url` are required by Zoom.
///
/// ```
/// use zoom_core::{Resolution, UpdateLiveStream};
///
/// let update = UpdateLiveStream::new("rtmp://live.example/app", "s3cret", "https://example.com/watch")
///     .resolution(Resolution::P1080);
/// assert!(update.validate().is_ok());
/// assert!(!format!("{update:?}").contains("s3cret"));
/// ```
///
/// It is a request body, so `Serialize` writes the stream key (that is what Zoom needs), and
/// it can be read from configuration with `Deserialize` (check it with
/// [`UpdateLiveStream::validate`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UpdateLiveStream {
    /// The RTMP(S) URL to stream to (at most 1,024 characters).
    pub stream_url: String,
    /// The stream key (at most 512 characters).
    #[serde(serialize_with = "crate::secret::expose")]
    pub stream_key: SecretString,
    /// The viewers' page (an absolute http(s) URL, at most 1,024 characters).
    pub page_url: String,
    /// `720p` or `1080p` (or a value Zoom added since); Zoom's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
}

impl UpdateLiveStream {
    /// New settings with the three required fields.
    pub fn new(
        stream_url: impl Into<String>,
        stream_key: impl Into<SecretString>,
        page_url: impl Into<String>,
    ) -> Self {
        Self {
            stream_url: stream_url.into(),
            stream_key: stream_key.into(),
            page_url: page_url.into(),
            resolution: None,
        }
    }

    /// Sets the resolution.
    pub fn resolution(mut self, resolution: Resolution) -> Self {
        self.resolution = Some(resolution);
        self
    }

    /// Checks Zoom's documented limits, so that a bad body is never sent.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        check_text("stream_url", &self.stream_url, 1024)?;
        check_text("stream_key", self.stream_key.expose_secret(), 512)?;
        check_text("page_url", &self.page_url, 1024)?;
        let page = self.page_url.trim();
        let absolute = page.parse::<http::Uri>().ok().filter(|uri| {
            matches!(uri.scheme_str(), Some("http" | "https")) && uri.host().is_some()
        });
        if absolute.is_none() {
            return Err(InvalidInput::new(
                "page_url",
                "must be an absolute http:// or https:// URL",
            ));
        }
        if let Some(resolution) = &self.resolution {
            check_open_value("resolution", resolution.as_str())?;
        }
        Ok(())
    }
}
