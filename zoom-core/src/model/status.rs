//! [`LiveStreamStatus`]: the body of `PATCH …/livestream/status` (start or stop, and what the
//! stream shows).

use serde::{Deserialize, Serialize};

use super::{CloseCaption, Layout, TargetKind, check_open_value};
use crate::error::InvalidInput;

/// Start or stop a live stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StreamAction {
    /// Start the live stream (the meeting or webinar must be in progress).
    Start,
    /// Stop the live stream.
    Stop,
}

/// What the live stream shows, sent with a start action. Reads back what it writes, unknown
/// `layout` and `close_caption` values included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct LiveStreamSettings {
    /// Show the active speaker's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_speaker_name: Option<bool>,
    /// The name shown in the stream (1 to 50 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The layout (meetings; sessions: `gallery_view` or `speaker_view`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<Layout>,
    /// Closed captions (meetings, sessions; webinars since Zoom's changelog of 2026-04-20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_caption: Option<CloseCaption>,
}

impl LiveStreamSettings {
    /// Empty settings.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `active_speaker_name`.
    pub fn active_speaker_name(mut self, show: bool) -> Self {
        self.active_speaker_name = Some(show);
        self
    }
    /// Sets `display_name`.
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }
    /// Sets `layout` (meetings; sessions take `gallery_view` or `speaker_view`).
    pub fn layout(mut self, layout: impl Into<Layout>) -> Self {
        self.layout = Some(layout.into());
        self
    }
    /// Sets `close_caption`.
    pub fn close_caption(mut self, close_caption: impl Into<CloseCaption>) -> Self {
        self.close_caption = Some(close_caption.into());
        self
    }
}

/// The body of `PATCH …/livestream/status`. Reads back what it writes.
///
/// ```
/// use zoom_core::{LiveStreamSettings, LiveStreamStatus};
///
/// let start = LiveStreamStatus::start()
///     .settings(LiveStreamSettings::new().active_speaker_name(true).display_name("Jill Chill"));
/// assert_eq!(
///     serde_json::to_string(&start).unwrap(),
///     r#"{"action":"start","settings":{"active_speaker_name":true,"display_name":"Jill Chill"}}"#,
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LiveStreamStatus {
    /// Start or stop.
    pub action: StreamAction,
    /// What the stream shows (only meaningful with [`StreamAction::Start`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<LiveStreamSettings>,
}

impl LiveStreamStatus {
    /// Start the stream.
    pub fn start() -> Self {
        Self {
            action: StreamAction::Start,
            settings: None,
        }
    }
    /// Stop the stream.
    pub fn stop() -> Self {
        Self {
            action: StreamAction::Stop,
            settings: None,
        }
    }
    /// Adds settings.
    pub fn settings(mut self, settings: LiveStreamSettings) -> Self {
        self.settings = Some(settings);
        self
    }

    /// Checks Zoom's documented limits for a meeting's stream (`for_webinar` false) or a
    /// webinar's (`for_webinar` true, which rejects `layout`): [`Self::validate_for`] with
    /// [`TargetKind::Meeting`] or [`TargetKind::Webinar`].
    pub fn validate(&self, for_webinar: bool) -> Result<(), InvalidInput> {
        self.validate_for(if for_webinar {
            TargetKind::Webinar
        } else {
            TargetKind::Meeting
        })
    }

    /// Checks Zoom's documented limits for a stream of `kind`, the one place where the
    /// kinds' rules are:
    ///
    /// | setting | meeting | webinar | session |
    /// |---|---|---|---|
    /// | `display_name` | 1 to 50 characters | same | same |
    /// | `layout` | any value | none | `gallery_view`, `speaker_view` (not `follow_host`) |
    /// | `close_caption` | any value | any value | any value (`burnt-in`, `embedded`, `off` documented) |
    ///
    /// "Any value" is an open enum's: a known one, or a value Zoom added since (a word of 1
    /// to 32 printable ASCII characters), which goes out as is for Zoom to judge.
    ///
    /// ```
    /// use zoom_core::{Layout, LiveStreamSettings, LiveStreamStatus, TargetKind};
    ///
    /// let follow = LiveStreamStatus::start().settings(LiveStreamSettings::new().layout(Layout::FollowHost));
    /// assert!(follow.validate_for(TargetKind::Meeting).is_ok());
    /// assert!(follow.validate_for(TargetKind::Webinar).is_err());
    /// assert!(follow.validate_for(TargetKind::Session).is_err());
    /// let gallery = LiveStreamStatus::start().settings(LiveStreamSettings::new().layout(Layout::GalleryView));
    /// assert!(gallery.validate_for(TargetKind::Session).is_ok());
    /// ```
    pub fn validate_for(&self, kind: TargetKind) -> Result<(), InvalidInput> {
        let Some(settings) = &self.settings else {
            return Ok(());
        };
        if let Some(name) = &settings.display_name {
            let chars = name.chars().count();
            if name.trim().is_empty() || chars > 50 {
                return Err(InvalidInput::new(
                    "settings.display_name",
                    format!("must be 1 to 50 characters (is {chars})"),
                ));
            }
        }
        if let Some(layout) = &settings.layout {
            match (kind, layout) {
                (TargetKind::Webinar, _) => {
                    return Err(InvalidInput::new(
                        "settings.layout",
                        "is for meetings and sessions only",
                    ));
                }
                (TargetKind::Session, Layout::FollowHost) => {
                    return Err(InvalidInput::new(
                        "settings.layout",
                        "is follow_host, a meeting layout: a session's is gallery_view or speaker_view",
                    ));
                }
                _ => check_open_value("settings.layout", layout.as_str())?,
            }
        }
        if let Some(caption) = &settings.close_caption {
            check_open_value("settings.close_caption", caption.as_str())?;
        }
        Ok(())
    }
}
