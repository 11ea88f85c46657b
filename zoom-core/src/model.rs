//! The live-stream model: what Zoom returns and what it accepts.

use std::fmt;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::SecretString;
use crate::error::InvalidInput;

/// A meeting's or webinar's custom live-stream configuration, as `GET …/livestream` returns it.
///
/// Every field is optional: Zoom may omit one, send `null` or send `""`, and all three read
/// as `None`. Unknown fields are ignored. Neither `Debug` nor `Serialize` shows the stream
/// key (it is written as `"[redacted]"`); read it with `stream_key.expose_secret()`.
///
/// ```
/// use zoom_core::{LiveStream, Resolution};
///
/// let stream: LiveStream = serde_json::from_str(
///     r#"{"stream_url":"rtmp://a.example/live","stream_key":"k3y","page_url":"","resolution":"720p","new":1}"#,
/// ).unwrap();
/// assert_eq!(stream.stream_url.as_deref(), Some("rtmp://a.example/live"));
/// assert_eq!(stream.page_url, None);
/// assert_eq!(stream.resolution, Some(Resolution::P720));
/// assert!(!format!("{stream:?}").contains("k3y"));
/// assert!(serde_json::to_string(&stream).unwrap().contains(r#""stream_key":"[redacted]""#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LiveStream {
    /// The RTMP(S) URL to stream to.
    #[serde(
        default,
        deserialize_with = "blank_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub stream_url: Option<String>,
    /// The stream key: a credential. Whoever has it can broadcast into the stream.
    #[serde(
        default,
        deserialize_with = "blank_as_none",
        serialize_with = "crate::secret::redact_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub stream_key: Option<SecretString>,
    /// The page where viewers watch the stream.
    #[serde(
        default,
        deserialize_with = "blank_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub page_url: Option<String>,
    /// The stream's resolution.
    #[serde(
        default,
        deserialize_with = "blank_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub resolution: Option<Resolution>,
}

fn blank_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    let value: Option<String> = Option::deserialize(deserializer)?;
    // `v.trim().is_empty()`, without scanning from both ends.
    Ok(value
        .filter(|v| !v.chars().all(char::is_whitespace))
        .map(T::from))
}

/// Declares a string-backed enum that keeps values it does not know (Zoom adds values): it
/// decodes any string, and writes back exactly what it read.
macro_rules! open_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A value this SDK does not know yet, kept as Zoom sent it.
            Other(String),
        }

        impl $name {
            /// The value as Zoom spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(other) => other,
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $($text => $name::$variant,)+
                    _ => $name::Other(value),
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::from(value.to_owned())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

open_enum!(
    /// A live stream's resolution. Zoom documents `720p` and `1080p`; any other value is
    /// kept as [`Resolution::Other`] (and sent as is: Zoom decides whether it takes it).
    Resolution {
        /// 720p.
        P720 = "720p",
        /// 1080p.
        P1080 = "1080p",
    }
);

open_enum!(
    /// The layout of a live stream: meetings (any of these; Zoom has not fixed the values)
    /// and Video SDK sessions (`gallery_view` or `speaker_view`); webinars take none. Any
    /// other value is kept as [`Layout::Other`]. [`LiveStreamStatus::validate_for`] says
    /// which kind takes which.
    Layout {
        /// Follow the host's view.
        FollowHost = "follow_host",
        /// Gallery view.
        GalleryView = "gallery_view",
        /// Speaker view.
        SpeakerView = "speaker_view",
    }
);

open_enum!(
    /// How closed captions appear in the live stream (meetings, webinars since Zoom's
    /// changelog of 2026-04-20, and Video SDK sessions). The Video SDK API documents
    /// `burnt-in`, `embedded` and `off`; for meetings only `burnt-in` has been seen. Any
    /// other value is kept as [`CloseCaption::Other`].
    CloseCaption {
        /// Captions burnt into the video.
        BurntIn = "burnt-in",
        /// Captions embedded in the stream (Video SDK sessions).
        Embedded = "embedded",
        /// No captions (Video SDK sessions).
        Off = "off",
    }
);

/// What a live stream belongs to: the kinds differ in the status settings they take (see
/// [`LiveStreamStatus::validate_for`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TargetKind {
    /// A meeting (`/meetings/{meetingId}/livestream…`).
    Meeting,
    /// A webinar (`/webinars/{webinarId}/livestream…`).
    Webinar,
    /// A Video SDK session (`/videosdk/sessions/{sessionId}/livestream…`).
    Session,
}

impl TargetKind {
    /// `meeting`, `webinar` or `session`, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            TargetKind::Meeting => "meeting",
            TargetKind::Webinar => "webinar",
            TargetKind::Session => "session",
        }
    }
}

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

fn check_text(field: &'static str, value: &str, max_chars: usize) -> Result<(), InvalidInput> {
    if value.trim().is_empty() {
        return Err(InvalidInput::new(
            field,
            "is required and must not be blank",
        ));
    }
    let chars = value.chars().count();
    if chars > max_chars {
        return Err(InvalidInput::new(
            field,
            format!("is {chars} characters long; at most {max_chars} allowed"),
        ));
    }
    Ok(())
}

/// A value of an open enum sent to Zoom: known or not, it must be a short word
/// (1 to 32 printable ASCII characters, no space), not arbitrary text.
fn check_open_value(field: &'static str, value: &str) -> Result<(), InvalidInput> {
    let word = value.bytes().all(|b| b.is_ascii_graphic());
    if value.is_empty() || value.len() > 32 || !word {
        return Err(InvalidInput::new(
            field,
            "must be 1 to 32 printable ASCII characters without spaces",
        ));
    }
    Ok(())
}

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

/// A join token for live streaming, as `GET …/jointoken/live_streaming` returns it: with it a
/// bot built on Zoom's Meeting SDK joins the meeting or webinar as if hosted by the token's
/// issuer, and starts streaming.
///
/// The token is a credential: `Debug` and `Serialize` write `[redacted]`; read it with
/// `token.expose_secret()`. Zoom documents `expire_in` as always 120 seconds: a missing or
/// `null` one reads as 120 s, a negative one as zero, one beyond a day as a day.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use zoom_core::JoinToken;
///
/// let token: JoinToken = serde_json::from_str(r#"{"token":"2njt50mj","expire_in":120}"#).unwrap();
/// assert_eq!(token.token.expose_secret(), "2njt50mj");
/// assert_eq!(token.expire_in, Duration::from_secs(120));
/// assert_eq!(token.expires_at(UNIX_EPOCH), Some(UNIX_EPOCH + Duration::from_secs(120)));
/// assert!(!format!("{token:?}").contains("2njt50mj"));
/// assert_eq!(serde_json::to_string(&token).unwrap(), r#"{"token":"[redacted]","expire_in":120}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct JoinToken {
    /// The join token: a credential.
    #[serde(deserialize_with = "required_secret")]
    pub token: SecretString,
    /// How long the token is valid from the moment Zoom answered.
    #[serde(default = "documented_lifetime", deserialize_with = "lifetime")]
    pub expire_in: Duration,
}

impl JoinToken {
    /// What Zoom documents `expire_in` to be, always: 120 seconds.
    pub const DOCUMENTED_LIFETIME: Duration = Duration::from_secs(120);

    /// The longest lifetime kept from an answer; larger values are clamped to it.
    pub const MAX_LIFETIME: Duration = Duration::from_secs(86_400);

    /// A join token (for tests and stores); `expire_in` is clamped to [`Self::MAX_LIFETIME`].
    pub fn new(token: impl Into<SecretString>, expire_in: Duration) -> Self {
        Self {
            token: token.into(),
            expire_in: expire_in.min(Self::MAX_LIFETIME),
        }
    }

    /// When the token expires, if it was received at `now`; `None` only if that instant
    /// cannot be represented.
    pub fn expires_at(&self, now: SystemTime) -> Option<SystemTime> {
        now.checked_add(self.expire_in)
    }
}

impl Serialize for JoinToken {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut state = serializer.serialize_struct("JoinToken", 2)?;
        state.serialize_field("token", crate::secret::REDACTED)?;
        state.serialize_field("expire_in", &self.expire_in.as_secs())?;
        state.end()
    }
}

fn documented_lifetime() -> Duration {
    JoinToken::DOCUMENTED_LIFETIME
}

/// A token must be a non-blank string: without one the answer is no join token.
fn required_secret<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SecretString, D::Error> {
    let token = SecretString::deserialize(deserializer)?;
    if token.is_blank() {
        return Err(serde::de::Error::custom("the join token is empty"));
    }
    Ok(token)
}

/// Seconds as any JSON number (or `null`: the documented 120), clamped to
/// `0..=JoinToken::MAX_LIFETIME`; never panics on NaN-like or huge values.
fn lifetime<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    let Some(seconds) = Option::<serde_json::Number>::deserialize(deserializer)? else {
        return Ok(JoinToken::DOCUMENTED_LIFETIME);
    };
    let max = JoinToken::MAX_LIFETIME;
    let clamped = if let Some(whole) = seconds.as_u64() {
        Duration::from_secs(whole).min(max)
    } else if seconds.as_i64().is_some() {
        Duration::ZERO
    } else {
        let float = seconds.as_f64().unwrap_or(0.0);
        Duration::try_from_secs_f64(float.clamp(0.0, max.as_secs_f64())).unwrap_or(Duration::ZERO)
    };
    Ok(clamped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_enums_decode_any_value_and_write_back_what_they_read() {
        let body = r#"{"action":"start","settings":{"layout":"follow_host","close_caption":"embedded_2027"}}"#;
        let status: LiveStreamStatus = serde_json::from_str(body).unwrap();
        let settings = status.settings.clone().unwrap();
        assert_eq!(settings.layout, Some(Layout::FollowHost));
        assert_eq!(
            settings.close_caption,
            Some(CloseCaption::Other("embedded_2027".into()))
        );
        assert_eq!(serde_json::to_string(&status).unwrap(), body);
        for (text, known) in [
            ("720p", true),
            ("1080p", true),
            ("4k", false),
            ("burnt-in", true),
            ("gallery_view", true),
        ] {
            let value = serde_json::Value::from(text);
            let resolution: Resolution = serde_json::from_value(value.clone()).unwrap();
            let layout: Layout = serde_json::from_value(value.clone()).unwrap();
            let caption: CloseCaption = serde_json::from_value(value.clone()).unwrap();
            for (json, other) in [
                (
                    serde_json::to_value(&resolution).unwrap(),
                    matches!(resolution, Resolution::Other(_)),
                ),
                (
                    serde_json::to_value(&layout).unwrap(),
                    matches!(layout, Layout::Other(_)),
                ),
                (
                    serde_json::to_value(&caption).unwrap(),
                    matches!(caption, CloseCaption::Other(_)),
                ),
            ] {
                assert_eq!(json, value);
                if !known {
                    assert!(other, "{text}");
                }
            }
        }
        assert_eq!(Resolution::from("1080p"), Resolution::P1080);
        assert_eq!(Layout::from("speaker_view").to_string(), "speaker_view");
    }

    #[test]
    fn join_tokens_decode_clamp_and_redact() {
        let read = |body: &str| serde_json::from_str::<JoinToken>(body);
        let token = read(r#"{"token":"t0k","expire_in":120,"extra":true}"#).unwrap();
        assert_eq!(token, JoinToken::new("t0k", Duration::from_secs(120)));
        for (body, seconds) in [
            (r#"{"token":"t"}"#, 120),
            (r#"{"token":"t","expire_in":null}"#, 120),
            (r#"{"token":"t","expire_in":0}"#, 0),
            (r#"{"token":"t","expire_in":-5}"#, 0),
            (r#"{"token":"t","expire_in":-1e300}"#, 0),
            (r#"{"token":"t","expire_in":1e300}"#, 86_400),
            (r#"{"token":"t","expire_in":18446744073709551615}"#, 86_400),
            (
                r#"{"token":"t","expire_in":99999999999999999999999}"#,
                86_400,
            ),
            (r#"{"token":"t","expire_in":1.5}"#, 1),
        ] {
            assert_eq!(read(body).unwrap().expire_in.as_secs(), seconds, "{body}");
        }
        for bad in [
            r#"{"expire_in":120}"#,
            r#"{"token":null}"#,
            r#"{"token":""}"#,
            r#"{"token":"  "}"#,
            r#"{"token":5}"#,
            r#"{"token":"t","expire_in":"120"}"#,
            "[]",
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
        let shown = format!("{token:?} {}", serde_json::to_string(&token).unwrap());
        assert!(!shown.contains("t0k"), "{shown}");
        assert_eq!(
            token.expires_at(SystemTime::UNIX_EPOCH),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(120))
        );
        let far = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::MAX / 2);
        let _ = token.expires_at(far); // None or a time: never a panic
        assert_eq!(
            JoinToken::new("t", Duration::MAX).expire_in,
            JoinToken::MAX_LIFETIME
        );
    }

    #[test]
    fn missing_null_and_empty_fields_read_as_none() {
        for body in [
            "{}",
            r#"{"stream_url":null,"stream_key":null,"page_url":null,"resolution":null}"#,
            r#"{"stream_url":"","stream_key":"","page_url":" ","resolution":""}"#,
        ] {
            let stream: LiveStream = serde_json::from_str(body).unwrap();
            assert_eq!(stream, LiveStream::default(), "{body}");
        }
    }

    #[test]
    fn the_stream_key_is_serialized_redacted_but_request_bodies_carry_it() {
        let stream: LiveStream =
            serde_json::from_str(r#"{"stream_url":"rtmp://a/b","stream_key":"k3y"}"#).unwrap();
        let json = serde_json::to_string(&stream).unwrap();
        assert_eq!(
            json,
            r#"{"stream_url":"rtmp://a/b","stream_key":"[redacted]"}"#
        );
        let update = UpdateLiveStream::new("rtmp://a/b", "k3y", "https://e.com/w");
        let body = serde_json::to_string(&update).unwrap();
        assert!(body.contains(r#""stream_key":"k3y""#), "{body}");
        let back: UpdateLiveStream = serde_json::from_str(&body).unwrap();
        assert_eq!(back, update);
    }

    #[test]
    fn status_bodies_load_from_configuration() {
        let start: LiveStreamStatus = serde_json::from_str(
            r#"{"action":"start","settings":{"display_name":"Jill","layout":"gallery_view"}}"#,
        )
        .unwrap();
        assert_eq!(
            start,
            LiveStreamStatus::start().settings(
                LiveStreamSettings::new()
                    .display_name("Jill")
                    .layout(Layout::GalleryView)
            )
        );
        let stop: LiveStreamStatus = serde_json::from_str(r#"{"action":"stop"}"#).unwrap();
        assert_eq!(stop, LiveStreamStatus::stop());
        assert!(serde_json::from_str::<LiveStreamStatus>(r#"{"action":"pause"}"#).is_err());
    }

    #[test]
    fn unknown_resolutions_are_kept() {
        let stream: LiveStream = serde_json::from_str(r#"{"resolution":"4k"}"#).unwrap();
        assert_eq!(stream.resolution, Some(Resolution::Other("4k".into())));
        assert_eq!(
            serde_json::to_string(&stream).unwrap(),
            r#"{"resolution":"4k"}"#
        );
    }

    #[test]
    fn update_bodies_outside_zooms_limits_are_rejected_by_field() {
        let ok = || UpdateLiveStream::new("rtmp://a/b", "key", "https://example.com/w");
        assert!(ok().validate().is_ok());
        let cases = [
            (
                UpdateLiveStream::new(" ", "key", "https://e.com"),
                "stream_url",
            ),
            (
                UpdateLiveStream::new("x".repeat(1025), "key", "https://e.com"),
                "stream_url",
            ),
            (
                UpdateLiveStream::new("rtmp://a", "k".repeat(513), "https://e.com"),
                "stream_key",
            ),
            (
                UpdateLiveStream::new("rtmp://a", "", "https://e.com"),
                "stream_key",
            ),
            (
                UpdateLiveStream::new("rtmp://a", "k", "not a url"),
                "page_url",
            ),
            (
                UpdateLiveStream::new("rtmp://a", "k", "ftp://e.com/x"),
                "page_url",
            ),
            (ok().resolution(Resolution::from("4 k")), "resolution"),
            (ok().resolution(Resolution::from("")), "resolution"),
        ];
        for (update, field) in cases {
            assert_eq!(update.validate().unwrap_err().field(), field);
        }
        // A value Zoom may add tomorrow goes out as is: Zoom decides.
        assert!(ok().resolution(Resolution::from("4k")).validate().is_ok());
        assert!(
            UpdateLiveStream::new("x".repeat(1024), "k".repeat(512), "https://e.com")
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn status_settings_are_checked_for_length_and_meeting_only_fields() {
        let named =
            |n: &str| LiveStreamStatus::start().settings(LiveStreamSettings::new().display_name(n));
        assert!(named("Jill").validate(false).is_ok());
        assert!(named(&"é".repeat(50)).validate(true).is_ok());
        assert_eq!(
            named(&"a".repeat(51)).validate(false).unwrap_err().field(),
            "settings.display_name"
        );
        assert!(named("").validate(false).is_err());
        let layout = LiveStreamStatus::start()
            .settings(LiveStreamSettings::new().layout(Layout::FollowHost));
        assert!(layout.validate(false).is_ok());
        assert_eq!(
            layout.validate(true).unwrap_err().field(),
            "settings.layout"
        );
        let caption = LiveStreamStatus::start()
            .settings(LiveStreamSettings::new().close_caption(CloseCaption::BurntIn));
        assert!(caption.validate(true).is_ok(), "webinars since 2026-04-20");
        let spaced =
            LiveStreamStatus::start().settings(LiveStreamSettings::new().close_caption("burnt in"));
        assert_eq!(
            spaced.validate(false).unwrap_err().field(),
            "settings.close_caption"
        );
        let stop = serde_json::to_string(&LiveStreamStatus::stop()).unwrap();
        assert_eq!(stop, r#"{"action":"stop"}"#);
    }

    #[test]
    fn each_kind_takes_its_own_layouts_and_every_kind_its_captions() {
        let with = |settings: LiveStreamSettings| LiveStreamStatus::start().settings(settings);
        let layout = |value: &str| with(LiveStreamSettings::new().layout(value));
        use TargetKind::{Meeting, Session, Webinar};
        for (value, meeting, webinar, session) in [
            ("follow_host", true, false, false),
            ("gallery_view", true, false, true),
            ("speaker_view", true, false, true),
            ("side_by_side_2027", true, false, true),
            ("bad value", false, false, false),
        ] {
            let status = layout(value);
            assert_eq!(status.validate_for(Meeting).is_ok(), meeting, "{value}");
            assert_eq!(status.validate_for(Webinar).is_ok(), webinar, "{value}");
            assert_eq!(status.validate_for(Session).is_ok(), session, "{value}");
            if !session {
                assert_eq!(
                    status.validate_for(Session).unwrap_err().field(),
                    "settings.layout"
                );
            }
        }
        assert!(
            layout("follow_host")
                .validate_for(Session)
                .unwrap_err()
                .reason()
                .contains("gallery_view or speaker_view")
        );
        for caption in [
            CloseCaption::BurntIn,
            CloseCaption::Embedded,
            CloseCaption::Off,
        ] {
            let status = with(LiveStreamSettings::new().close_caption(caption.clone()));
            for kind in [Meeting, Webinar, Session] {
                assert!(status.validate_for(kind).is_ok(), "{caption} {kind:?}");
            }
        }
        let long_name = with(LiveStreamSettings::new().display_name("n".repeat(51)));
        assert_eq!(
            long_name.validate_for(Session).unwrap_err().field(),
            "settings.display_name"
        );
        assert_eq!(
            (Meeting.noun(), Webinar.noun(), Session.noun()),
            ("meeting", "webinar", "session")
        );
        assert_eq!(CloseCaption::from("embedded"), CloseCaption::Embedded);
        assert_eq!(CloseCaption::Off.as_str(), "off");
    }
}
