//! Zoom's webhook events, typed where the SDK knows them.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::envelope::Envelope;
use crate::url_validation::UrlValidation;
use zoom_core::MeetingId;
use zoom_core::LiveStream;

/// `meeting.live_streaming_started`: a meeting's live stream started.
pub const MEETING_LIVE_STREAMING_STARTED: &str = "meeting.live_streaming_started";
/// `meeting.live_streaming_stopped`: a meeting's live stream stopped.
pub const MEETING_LIVE_STREAMING_STOPPED: &str = "meeting.live_streaming_stopped";
/// `session.live_streaming_started`: a Video SDK session's live stream started.
pub const SESSION_LIVE_STREAMING_STARTED: &str = "session.live_streaming_started";
/// `session.live_streaming_stopped`: a Video SDK session's live stream stopped.
pub const SESSION_LIVE_STREAMING_STOPPED: &str = "session.live_streaming_stopped";
/// `endpoint.url_validation`: Zoom checks that the endpoint knows the secret token.
pub const ENDPOINT_URL_VALIDATION: &str = "endpoint.url_validation";

/// A verified webhook delivery.
///
/// The live-stream events and URL validation are typed; every other event is
/// [`Other`](Event::Other) with its raw JSON, never an error. In typed events every field is
/// optional (Zoom omits some) and unknown fields are ignored. Get one from
/// [`Verifier::verify_event`](super::Verifier::verify_event) or
/// [`Verified::parse`](super::Verified::parse): nothing unverified is parsed.
///
/// `Debug` never shows a stream key, nor the raw JSON of other events (webhook bodies may
/// carry credentials).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use zoom_webhook::{Event, Verifier};
///
/// # let body = r#"{"event":"meeting.live_streaming_started","event_ts":1795687200000,"payload":{"object":{"id":85746065432,"topic":"Café 直播"}}}"#;
/// # let signature = "v0=cb1e630257b82bc29919240852bdcc05934043cfcbe297fd1de8188841fd3f1c";
/// # let now = UNIX_EPOCH + Duration::from_secs(1795687200);
/// let verifier = Verifier::new("test-secret-token");
/// match verifier.verify(body.as_bytes(), Some(signature), Some("1795687200"), now)?.parse()? {
///     Event::MeetingLiveStreamingStarted(started) => {
///         assert_eq!(started.meeting.id, Some(85746065432));
///         assert_eq!(started.event_ts, Some(1795687200000));
///     }
///     Event::MeetingLiveStreamingStopped(_) => { /* … */ }
///     Event::UrlValidation(request) => {
///         let _answer = verifier.url_validation_response(&request.plain_token);
///     }
///     other => println!("ignoring {}", other.name()),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// `meeting.live_streaming_started`.
    MeetingLiveStreamingStarted(MeetingLiveStreaming),
    /// `meeting.live_streaming_stopped`.
    MeetingLiveStreamingStopped(MeetingLiveStreaming),
    /// `session.live_streaming_started` (Video SDK).
    SessionLiveStreamingStarted(SessionLiveStreaming),
    /// `session.live_streaming_stopped` (Video SDK).
    SessionLiveStreamingStopped(SessionLiveStreaming),
    /// `endpoint.url_validation`: answer with
    /// [`Verifier::url_validation_response`](super::Verifier::url_validation_response).
    UrlValidation(UrlValidation),
    /// Any other event, as Zoom sent it.
    Other {
        /// The event's name, such as `meeting.started`.
        name: String,
        /// The whole body as JSON.
        raw: serde_json::Value,
    },
}

/// What tells one delivery from another: the event's name, its `event_ts` and its object id.
/// A redelivery of the same event carries the same three.
///
/// ```
/// use zoom_webhook::{DeliveryKey, Event, MeetingLiveStreaming};
///
/// let event = Event::MeetingLiveStreamingStopped(MeetingLiveStreaming::default());
/// assert_eq!(
///     event.delivery_key(),
///     DeliveryKey { event: "meeting.live_streaming_stopped".into(), event_ts: None, object_id: None },
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeliveryKey {
    /// The event's name.
    pub event: String,
    /// The event's `event_ts`, in Unix milliseconds.
    pub event_ts: Option<u64>,
    /// The object's id (meeting id or UUID, session id), where the event has one.
    pub object_id: Option<String>,
}

impl Event {
    /// The event's name as Zoom spells it.
    ///
    /// ```
    /// use zoom_webhook::{Event, MeetingLiveStreaming};
    ///
    /// let event = Event::MeetingLiveStreamingStopped(MeetingLiveStreaming::default());
    /// assert_eq!(event.name(), "meeting.live_streaming_stopped");
    /// ```
    pub fn name(&self) -> &str {
        match self {
            Event::MeetingLiveStreamingStarted(_) => MEETING_LIVE_STREAMING_STARTED,
            Event::MeetingLiveStreamingStopped(_) => MEETING_LIVE_STREAMING_STOPPED,
            Event::SessionLiveStreamingStarted(_) => SESSION_LIVE_STREAMING_STARTED,
            Event::SessionLiveStreamingStopped(_) => SESSION_LIVE_STREAMING_STOPPED,
            Event::UrlValidation(_) => ENDPOINT_URL_VALIDATION,
            Event::Other { name, .. } => name,
        }
    }

    /// The event's `event_ts`: when Zoom produced it, in Unix **milliseconds**.
    ///
    /// ```
    /// use zoom_webhook::Event;
    ///
    /// let raw = serde_json::json!({"event": "meeting.started", "event_ts": 1795687140000_u64});
    /// let event = Event::Other { name: "meeting.started".into(), raw };
    /// assert_eq!(event.event_ts(), Some(1795687140000));
    /// ```
    pub fn event_ts(&self) -> Option<u64> {
        match self {
            Event::MeetingLiveStreamingStarted(e) | Event::MeetingLiveStreamingStopped(e) => {
                e.event_ts
            }
            Event::SessionLiveStreamingStarted(e) | Event::SessionLiveStreamingStopped(e) => {
                e.event_ts
            }
            Event::UrlValidation(v) => v.event_ts,
            Event::Other { raw, .. } => raw.get("event_ts").and_then(serde_json::Value::as_u64),
        }
    }

    /// What identifies this delivery among redeliveries: the event's name, `event_ts` and
    /// object id (a meeting's id or UUID, a session's id). See
    /// [`Deduplicator`](super::Deduplicator).
    ///
    /// ```
    /// use zoom_webhook::Event;
    ///
    /// let raw = serde_json::json!({
    ///     "event": "meeting.started", "event_ts": 1795687140000_u64,
    ///     "payload": {"object": {"id": 85746065432_u64}},
    /// });
    /// let key = Event::Other { name: "meeting.started".into(), raw }.delivery_key();
    /// assert_eq!(key.object_id.as_deref(), Some("85746065432"));
    /// ```
    pub fn delivery_key(&self) -> DeliveryKey {
        let object_id = match self {
            Event::MeetingLiveStreamingStarted(e) | Event::MeetingLiveStreamingStopped(e) => e
                .meeting
                .id
                .map(|id| id.to_string())
                .or_else(|| e.meeting.uuid.clone()),
            Event::SessionLiveStreamingStarted(e) | Event::SessionLiveStreamingStopped(e) => e
                .session
                .id
                .clone()
                .or_else(|| e.session.session_id.clone()),
            Event::UrlValidation(_) => None,
            Event::Other { raw, .. } => {
                let object = raw.get("payload").and_then(|p| p.get("object"));
                let id = object.and_then(|o| o.get("id").or_else(|| o.get("uuid")));
                match id {
                    Some(serde_json::Value::String(s)) => Some(s.clone()),
                    Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                }
            }
        };
        DeliveryKey {
            event: self.name().to_owned(),
            event_ts: self.event_ts(),
            object_id,
        }
    }

    /// Parses a body that was verified (the only caller is [`super::Verified::parse`]).
    pub(crate) fn parse_verified(body: &[u8]) -> Result<Event, ParseError> {
        let raw: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| ParseError::new(ParseErrorKind::NotJson, &e))?;
        let Some(name) = raw.get("event").and_then(serde_json::Value::as_str) else {
            return Err(ParseError {
                kind: ParseErrorKind::NotAnEvent,
                line: 0,
                column: 0,
            });
        };
        let event = match name {
            MEETING_LIVE_STREAMING_STARTED => {
                Event::MeetingLiveStreamingStarted(typed(MEETING_LIVE_STREAMING_STARTED, body)?)
            }
            MEETING_LIVE_STREAMING_STOPPED => {
                Event::MeetingLiveStreamingStopped(typed(MEETING_LIVE_STREAMING_STOPPED, body)?)
            }
            SESSION_LIVE_STREAMING_STARTED => {
                Event::SessionLiveStreamingStarted(typed(SESSION_LIVE_STREAMING_STARTED, body)?)
            }
            SESSION_LIVE_STREAMING_STOPPED => {
                Event::SessionLiveStreamingStopped(typed(SESSION_LIVE_STREAMING_STOPPED, body)?)
            }
            ENDPOINT_URL_VALIDATION => Event::UrlValidation(typed(ENDPOINT_URL_VALIDATION, body)?),
            _ => Event::Other {
                name: name.to_owned(),
                raw,
            },
        };
        Ok(event)
    }
}

/// Parses a known event's body into its type, describing a mismatch by position only.
fn typed<T: serde::de::DeserializeOwned>(
    event: &'static str,
    body: &[u8],
) -> Result<T, ParseError> {
    serde_json::from_slice(body).map_err(|e| ParseError::new(ParseErrorKind::Payload { event }, &e))
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::MeetingLiveStreamingStarted(e) => f
                .debug_tuple("MeetingLiveStreamingStarted")
                .field(e)
                .finish(),
            Event::MeetingLiveStreamingStopped(e) => f
                .debug_tuple("MeetingLiveStreamingStopped")
                .field(e)
                .finish(),
            Event::SessionLiveStreamingStarted(e) => f
                .debug_tuple("SessionLiveStreamingStarted")
                .field(e)
                .finish(),
            Event::SessionLiveStreamingStopped(e) => f
                .debug_tuple("SessionLiveStreamingStopped")
                .field(e)
                .finish(),
            Event::UrlValidation(v) => f.debug_tuple("UrlValidation").field(v).finish(),
            // The raw JSON of an event the SDK does not know may carry anything.
            Event::Other { name, .. } => f
                .debug_struct("Other")
                .field("name", name)
                .finish_non_exhaustive(),
        }
    }
}

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
/// // Ids arrive as numbers, sometimes as strings of digits.
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

/// A meeting id as a JSON number or a string of digits.
fn number_or_digits<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Number(u64),
        Text(String),
    }
    match Option::<Id>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Id::Number(n)) => Ok(Some(n)),
        Some(Id::Text(text)) if text.trim().is_empty() => Ok(None),
        Some(Id::Text(text)) => text
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom("an id that is not a number")),
    }
}

/// An id as a JSON string, or a number kept as its digits.
fn string_or_number<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Number(u64),
        Text(String),
    }
    Ok(match Option::<Id>::deserialize(deserializer)? {
        None => None,
        Some(Id::Number(n)) => Some(n.to_string()),
        Some(Id::Text(text)) => Some(text),
    })
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
    fn new(kind: ParseErrorKind, error: &serde_json::Error) -> Self {
        Self {
            kind,
            line: error.line(),
            column: error.column(),
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

    fn parse(body: &str) -> Result<Event, ParseError> {
        Event::parse_verified(body.as_bytes())
    }

    #[test]
    fn a_minimal_known_event_is_typed_with_everything_missing() {
        let event = parse(r#"{"event":"meeting.live_streaming_stopped"}"#).unwrap();
        assert_eq!(
            event,
            Event::MeetingLiveStreamingStopped(MeetingLiveStreaming::default())
        );
        let event = parse(r#"{"event":"session.live_streaming_started","payload":null}"#).unwrap();
        assert_eq!(
            event,
            Event::SessionLiveStreamingStarted(SessionLiveStreaming::default())
        );
    }

    #[test]
    fn unknown_events_are_other_with_their_raw_json() {
        let event = parse(r#"{"event":"meeting.ended","event_ts":5,"payload":{"x":[1]}}"#).unwrap();
        let Event::Other { name, raw } = &event else {
            panic!("{event:?}")
        };
        assert_eq!(name, "meeting.ended");
        assert_eq!(raw["payload"]["x"][0], 1);
        assert_eq!(event.event_ts(), Some(5));
        assert!(!format!("{event:?}").contains("payload"));
    }

    #[test]
    fn not_json_not_an_event_and_wrong_types_are_told_apart() {
        for (body, kind) in [
            ("", ParseErrorKind::NotJson),
            ("{\"event\":", ParseErrorKind::NotJson),
            ("[1]", ParseErrorKind::NotAnEvent),
            ("{\"event\":7}", ParseErrorKind::NotAnEvent),
            ("{\"payload\":{}}", ParseErrorKind::NotAnEvent),
            (
                r#"{"event":"meeting.live_streaming_started","payload":{"object":{"topic":7}}}"#,
                ParseErrorKind::Payload {
                    event: MEETING_LIVE_STREAMING_STARTED,
                },
            ),
            (
                r#"{"event":"meeting.live_streaming_started","payload":{"object":{"id":"12ab"}}}"#,
                ParseErrorKind::Payload {
                    event: MEETING_LIVE_STREAMING_STARTED,
                },
            ),
            (
                r#"{"event":"endpoint.url_validation","payload":{}}"#,
                ParseErrorKind::Payload {
                    event: ENDPOINT_URL_VALIDATION,
                },
            ),
        ] {
            assert_eq!(parse(body).unwrap_err().kind(), &kind, "{body}");
        }
    }

    #[test]
    fn errors_never_quote_the_body() {
        let body = r#"{"event":"meeting.live_streaming_started","payload":{"object":{"live_streaming":{"custom_live_streaming_settings":{"stream_key":["s3cret"]}}}}}"#;
        let error = parse(body).unwrap_err();
        assert!(error.position().is_some());
        assert!(!format!("{error} {error:?}").contains("s3cret"), "{error}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let body = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(parse(&body).unwrap_err().kind(), &ParseErrorKind::NotJson);
    }

    #[test]
    fn services_zoom_does_not_list_are_kept() {
        let live: LiveStreaming = serde_json::from_str(r#"{"service":"Twitch"}"#).unwrap();
        assert_eq!(
            live.service,
            Some(LiveStreamingService::Other("Twitch".into()))
        );
    }

    #[test]
    fn delivery_keys_use_the_object_id_or_uuid() {
        let started = parse(
            r#"{"event":"meeting.live_streaming_started","event_ts":9,"payload":{"object":{"uuid":"u=="}}}"#,
        )
        .unwrap();
        let key = started.delivery_key();
        assert_eq!(
            (key.event.as_str(), key.event_ts, key.object_id.as_deref()),
            ("meeting.live_streaming_started", Some(9), Some("u=="))
        );
        let session = parse(
            r#"{"event":"session.live_streaming_stopped","payload":{"object":{"session_id":"S"}}}"#,
        )
        .unwrap();
        assert_eq!(session.delivery_key().object_id.as_deref(), Some("S"));
    }
}
