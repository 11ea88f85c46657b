//! The live-stream model: what Zoom returns and what it accepts.

use serde::{Deserialize, Deserializer, Serialize};

use crate::SecretString;
use crate::error::InvalidInput;

mod join_token;
mod open_enum;
mod status;
mod update;
pub use join_token::JoinToken;
pub use open_enum::{CloseCaption, Layout, Resolution};
pub use status::{LiveStreamSettings, LiveStreamStatus, StreamAction};
pub use update::UpdateLiveStream;

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

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
