//! The live-stream events: `meeting.live_streaming_started` / `_stopped` and the Video SDK's
//! `session.live_streaming_started` / `_stopped`, with the stream they describe.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zoom_core::{LiveStream, MeetingId};

use crate::envelope::Envelope;
use crate::object_id::{number_or_digits, string_or_number};
use crate::target::Target;

/// `meeting.live_streaming_started` or `meeting.live_streaming_stopped`.
///
/// ```
/// use zoom_webhook::{Event, LiveStreamingService, MeetingLiveStreaming};
///
/// # use std::time::{Duration, UNIX_EPOCH};
/// # let verifier = zoom_webhook::Verifier::new("s");
/// # let body = r#"{"event":"meeting.live_streaming_started","event_ts":1795687200000,"payload":{"account_id":"acc","object":{"id":85746065432,"uuid":"aDYlohsHRtCd4ii1uC2+hA==","topic":"Demo","live_streaming":{"service":"YouTube","custom_live_streaming_settings":{"stream_url":"rtmp://a.example/live","stream_key":"k3y"}}}}}"#;
/// # let sig = verifier.sign("1795687200", body.as_bytes());
/// # let now = UNIX_EPOCH + Duration::from_secs(1795687200);
/// # let event = verifier.verify(body.as_bytes(), Some(&sig), Some("1795687200"), now)?.parse()?;
/// let Event::MeetingLiveStreamingStarted(started) = event else { unreachable!() };
/// let meeting = &started.meeting;
/// assert_eq!(meeting.meeting_id().map(|id| id.to_string()).as_deref(), Some("85746065432"));
/// let live = meeting.live_streaming.as_ref().unwrap();
/// assert_eq!(live.service, Some(LiveStreamingService::YouTube));
/// let settings = live.custom_live_streaming_settings.as_ref().unwrap();
/// assert_eq!(settings.stream_key.as_ref().unwrap().expose_secret(), "k3y");
/// assert!(!format!("{started:?}").contains("k3y"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MeetingLiveStreaming {
    /// When Zoom produced the event, in Unix milliseconds.
    pub event_ts: Option<u64>,
    /// The account the meeting belongs to.
    pub account_id: Option<String>,
    /// Who started or stopped the stream (an email address).
    pub operator: Option<String>,
    /// The user id of the operator.
    pub operator_id: Option<String>,
    /// The meeting (`payload.object`).
    pub meeting: LiveStreamMeeting,
}

impl MeetingLiveStreaming {
    /// The meeting, by its id, where the event names one.
    pub fn target(&self) -> Option<Target> {
        self.meeting.meeting_id().map(Target::Meeting)
    }
}

impl<'de> Deserialize<'de> for MeetingLiveStreaming {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Payload {
            account_id: Option<String>,
            operator: Option<String>,
            operator_id: Option<String>,
            object: Option<LiveStreamMeeting>,
        }
        let Envelope { event_ts, payload } = Envelope::<Payload>::deserialize(deserializer)?;
        let payload = payload.unwrap_or_default();
        Ok(Self {
            event_ts,
            account_id: payload.account_id,
            operator: payload.operator,
            operator_id: payload.operator_id,
            meeting: payload.object.unwrap_or_default(),
        })
    }
}

/// The meeting in a live-stream event.
///
/// ```
/// use zoom_webhook::LiveStreamMeeting;
///
/// // Ids arrive as numbers here, as strings of digits in lifecycle events: both are read.
/// let meeting: LiveStreamMeeting = serde_json::from_str(r#"{"id":"85746065432","type":2}"#)?;
/// assert_eq!(meeting.id, Some(85746065432));
/// assert_eq!(meeting.meeting_type, Some(2));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct LiveStreamMeeting {
    /// The meeting id (the number people join with).
    #[serde(deserialize_with = "number_or_digits")]
    pub id: Option<u64>,
    /// The meeting instance's UUID.
    pub uuid: Option<String>,
    /// The host's user id.
    pub host_id: Option<String>,
    /// The meeting's topic.
    pub topic: Option<String>,
    /// The meeting type (1 instant, 2 scheduled, 3 and 8 recurring).
    #[serde(rename = "type")]
    pub meeting_type: Option<i64>,
    /// When the meeting started, as Zoom wrote it (ISO 8601, UTC).
    pub start_time: Option<String>,
    /// The meeting's time zone.
    pub timezone: Option<String>,
    /// The scheduled duration, in minutes.
    pub duration: Option<i64>,
    /// The live stream: service and settings.
    pub live_streaming: Option<LiveStreaming>,
}

impl LiveStreamMeeting {
    /// The meeting id as the REST API takes it.
    ///
    /// ```
    /// use zoom_core::MeetingId;
    /// use zoom_webhook::LiveStreamMeeting;
    ///
    /// let meeting: LiveStreamMeeting = serde_json::from_str(r#"{"id":85746065432}"#)?;
    /// assert_eq!(meeting.meeting_id(), Some(MeetingId::new(85746065432)));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn meeting_id(&self) -> Option<MeetingId> {
        self.id.map(MeetingId::new)
    }
}

/// `session.live_streaming_started` or `session.live_streaming_stopped` (Video SDK).
///
/// ```
/// use zoom_webhook::SessionLiveStreaming;
///
/// let event: SessionLiveStreaming = serde_json::from_str(
///     r#"{"event":"session.live_streaming_stopped","event_ts":1795690800000,
///         "payload":{"account_id":"acc","object":{"id":"Sx8P","session_name":"Weekly demo"}}}"#,
/// )?;
/// assert_eq!(event.session.session_name.as_deref(), Some("Weekly demo"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SessionLiveStreaming {
    /// When Zoom produced the event, in Unix milliseconds.
    pub event_ts: Option<u64>,
    /// The account the session belongs to.
    pub account_id: Option<String>,
    /// The session (`payload.object`).
    pub session: LiveStreamSession,
}

impl SessionLiveStreaming {
    /// The session, by its id (`id`, or `session_id` when Zoom sent only that), where the
    /// event names one.
    ///
    /// ```
    /// use zoom_webhook::{SessionLiveStreaming, Target};
    ///
    /// let event: SessionLiveStreaming =
    ///     serde_json::from_str(r#"{"payload":{"object":{"session_id":"Sx8P=="}}}"#)?;
    /// assert_eq!(event.target(), Some(Target::Session("Sx8P==".into())));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn target(&self) -> Option<Target> {
        self.session
            .either_id()
            .map(|id| Target::Session(id.to_owned()))
    }
}

impl<'de> Deserialize<'de> for SessionLiveStreaming {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Payload {
            account_id: Option<String>,
            object: Option<LiveStreamSession>,
        }
        let Envelope { event_ts, payload } = Envelope::<Payload>::deserialize(deserializer)?;
        let payload = payload.unwrap_or_default();
        Ok(Self {
            event_ts,
            account_id: payload.account_id,
            session: payload.object.unwrap_or_default(),
        })
    }
}

/// The Video SDK session in a live-stream event.
///
/// ```
/// use zoom_webhook::LiveStreamSession;
///
/// let session: LiveStreamSession = serde_json::from_str(r#"{"session_id":"Sx8P","new_field":1}"#)?;
/// assert_eq!(session.session_id.as_deref(), Some("Sx8P"));
/// assert_eq!(session.id, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct LiveStreamSession {
    /// The session's id.
    #[serde(deserialize_with = "string_or_number")]
    pub id: Option<String>,
    /// The session's id (Zoom sends both `id` and `session_id`).
    #[serde(deserialize_with = "string_or_number")]
    pub session_id: Option<String>,
    /// The session's name.
    pub session_name: Option<String>,
    /// The session key your app gave the session.
    pub session_key: Option<String>,
    /// When the session started, as Zoom wrote it (ISO 8601, UTC).
    pub start_time: Option<String>,
    /// The session's time zone, where Zoom sends one.
    pub timezone: Option<String>,
    /// The live stream: service and settings.
    pub live_streaming: Option<LiveStreaming>,
}

impl LiveStreamSession {
    /// The session's id: `id`, or `session_id` when Zoom sent only that (what
    /// [`SessionLiveStreaming::target`] names).
    pub(crate) fn either_id(&self) -> Option<&str> {
        self.id.as_deref().or(self.session_id.as_deref())
    }
}

/// A live stream in an event: where it goes and when it started or stopped.
///
/// ```
/// use zoom_webhook::{LiveStreaming, LiveStreamingService};
///
/// let live: LiveStreaming = serde_json::from_str(
///     r#"{"service":"Custom_Live_Streaming_Service","date_time":"2026-11-26T10:00:00Z",
///         "custom_live_streaming_settings":{"stream_url":"rtmp://a.example/live","stream_key":"k3y","resolution":"720p"}}"#,
/// )?;
/// assert_eq!(live.service, Some(LiveStreamingService::Custom));
/// assert!(!format!("{live:?}").contains("k3y"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct LiveStreaming {
    /// The streaming service.
    pub service: Option<LiveStreamingService>,
    /// When the stream started or stopped, as Zoom wrote it.
    pub date_time: Option<String>,
    /// The custom stream's settings; the stream key stays a [`zoom_core::SecretString`].
    pub custom_live_streaming_settings: Option<LiveStream>,
}

/// The service a live stream goes to, as Zoom names it in webhooks. Values the SDK does not
/// know are kept as [`Other`](Self::Other), and written back as read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LiveStreamingService {
    /// `Facebook`.
    Facebook,
    /// `Workplace_by_Facebook`.
    WorkplaceByFacebook,
    /// `YouTube`.
    YouTube,
    /// `Custom_Live_Streaming_Service`: an RTMP(S) destination of your own.
    Custom,
    /// A value this SDK does not know yet, kept as Zoom sent it.
    Other(String),
}

impl LiveStreamingService {
    /// The value as Zoom spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Facebook => "Facebook",
            Self::WorkplaceByFacebook => "Workplace_by_Facebook",
            Self::YouTube => "YouTube",
            Self::Custom => "Custom_Live_Streaming_Service",
            Self::Other(other) => other,
        }
    }
}

impl From<String> for LiveStreamingService {
    fn from(value: String) -> Self {
        match value.as_str() {
            "Facebook" => Self::Facebook,
            "Workplace_by_Facebook" => Self::WorkplaceByFacebook,
            "YouTube" => Self::YouTube,
            "Custom_Live_Streaming_Service" => Self::Custom,
            _ => Self::Other(value),
        }
    }
}

impl From<&str> for LiveStreamingService {
    fn from(value: &str) -> Self {
        Self::from(value.to_owned())
    }
}

impl fmt::Display for LiveStreamingService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for LiveStreamingService {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for LiveStreamingService {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `meeting.live_streaming_started` as §10 of Zoom's reference shows it.
    fn meeting_body(id: &str) -> String {
        format!(
            r#"{{"event":"meeting.live_streaming_started","event_ts":1795687200000,"payload":{{"account_id":"AAAAAAAAAAAAAAAAAAAAAA","operator":"host@example.com","operator_id":"z8yCxjabcdefghijklmnop","object":{{"id":{id},"uuid":"aDYlohsHRtCd4ii1uC2+hA==","host_id":"z8yCxjabcdefghijklmnop","topic":"Quarterly all-hands","type":2,"start_time":"2026-11-26T09:59:00Z","timezone":"UTC","duration":60,"live_streaming":{{"service":"Custom_Live_Streaming_Service","date_time":"2026-11-26T10:00:00Z","custom_live_streaming_settings":{{"stream_url":"rtmp://live.example.com/app","stream_key":"sample-stream-key-0000","page_url":"https://example.com/live","resolution":"720p"}}}}}}}}}}"#
        )
    }

    #[test]
    fn a_meeting_event_reads_the_same_with_a_numeric_or_a_string_id() {
        for id in ["85746065432", r#""85746065432""#] {
            let event: MeetingLiveStreaming = serde_json::from_str(&meeting_body(id)).unwrap();
            assert_eq!(event.event_ts, Some(1_795_687_200_000));
            assert_eq!(
                event.target(),
                Some(Target::Meeting(MeetingId::new(85_746_065_432)))
            );
            assert_eq!(event.meeting.duration, Some(60));
            let live = event.meeting.live_streaming.as_ref().unwrap();
            assert_eq!(live.service, Some(LiveStreamingService::Custom));
            let key = live.custom_live_streaming_settings.as_ref().unwrap();
            assert_eq!(
                key.stream_key.as_ref().unwrap().expose_secret(),
                "sample-stream-key-0000"
            );
            let shown = format!("{event:?} {}", serde_json::to_string(&event).unwrap());
            assert!(!shown.contains("sample-stream-key-0000"), "{shown}");
        }
    }

    #[test]
    fn a_session_event_reads_the_same_with_a_string_or_a_numeric_id() {
        for (id, expected) in [
            (r#""Sx8PZbQyTtaUc9kFb4sOwg==""#, "Sx8PZbQyTtaUc9kFb4sOwg=="),
            ("1234", "1234"),
        ] {
            let body = format!(
                r#"{{"event":"session.live_streaming_stopped","event_ts":1795690800000,"payload":{{"account_id":"AAAAAAAAAAAAAAAAAAAAAA","object":{{"id":{id},"session_id":{id},"session_name":"Weekly demo","session_key":"demo-key","start_time":"2026-11-26T09:59:00Z","live_streaming":{{"service":"YouTube","date_time":"2026-11-26T11:00:00Z","custom_live_streaming_settings":{{"stream_url":"rtmp://a.rtmp.youtube.com/live2","stream_key":"sample-stream-key-1111","page_url":"https://youtube.example/watch?v=abc","resolution":"1080p"}}}}}}}}}}"#
            );
            let event: SessionLiveStreaming = serde_json::from_str(&body).unwrap();
            assert_eq!(event.target(), Some(Target::Session(expected.to_owned())));
            assert_eq!(event.session.session_key.as_deref(), Some("demo-key"));
            let shown = format!("{event:?} {}", serde_json::to_string(&event).unwrap());
            assert!(!shown.contains("sample-stream-key-1111"), "{shown}");
        }
    }

    #[test]
    fn an_event_without_an_id_has_no_target() {
        let event: MeetingLiveStreaming =
            serde_json::from_str(r#"{"payload":{"object":{"uuid":"u=="}}}"#).unwrap();
        assert_eq!(event.target(), None);
        assert_eq!(SessionLiveStreaming::default().target(), None);
    }

    #[test]
    fn services_zoom_does_not_list_are_kept_and_written_back() {
        let live: LiveStreaming = serde_json::from_str(r#"{"service":"Twitch"}"#).unwrap();
        assert_eq!(
            live.service,
            Some(LiveStreamingService::Other("Twitch".into()))
        );
        assert_eq!(
            serde_json::to_value(&live).unwrap()["service"],
            serde_json::json!("Twitch")
        );
        for service in [
            "Facebook",
            "Workplace_by_Facebook",
            "YouTube",
            "Custom_Live_Streaming_Service",
        ] {
            let known = LiveStreamingService::from(service);
            assert!(
                !matches!(known, LiveStreamingService::Other(_)),
                "{service}"
            );
            assert_eq!(known.to_string(), service);
        }
    }
}
