//! [`Event`]: a verified delivery, typed where the SDK knows the event; the event names; and
//! the [`DeliveryKey`] that tells one delivery from another.

use std::fmt;

use crate::error::{ParseError, ParseErrorKind};
use crate::lifecycle::{MeetingLifecycle, SessionLifecycle, WebinarLifecycle};
use crate::live_streaming::{MeetingLiveStreaming, SessionLiveStreaming};
use crate::target::Target;
use crate::url_validation::UrlValidation;

/// `meeting.live_streaming_started`: a meeting's live stream started.
pub const MEETING_LIVE_STREAMING_STARTED: &str = "meeting.live_streaming_started";
/// `meeting.live_streaming_stopped`: a meeting's live stream stopped.
pub const MEETING_LIVE_STREAMING_STOPPED: &str = "meeting.live_streaming_stopped";
/// `session.live_streaming_started`: a Video SDK session's live stream started.
pub const SESSION_LIVE_STREAMING_STARTED: &str = "session.live_streaming_started";
/// `session.live_streaming_stopped`: a Video SDK session's live stream stopped.
pub const SESSION_LIVE_STREAMING_STOPPED: &str = "session.live_streaming_stopped";
/// `meeting.started`: a meeting began.
pub const MEETING_STARTED: &str = "meeting.started";
/// `meeting.ended`: a meeting ended.
pub const MEETING_ENDED: &str = "meeting.ended";
/// `webinar.started`: a webinar began.
pub const WEBINAR_STARTED: &str = "webinar.started";
/// `webinar.ended`: a webinar ended.
pub const WEBINAR_ENDED: &str = "webinar.ended";
/// `session.started`: a Video SDK session began.
pub const SESSION_STARTED: &str = "session.started";
/// `session.ended`: a Video SDK session ended.
pub const SESSION_ENDED: &str = "session.ended";
/// `endpoint.url_validation`: Zoom checks that the endpoint knows the secret token.
pub const ENDPOINT_URL_VALIDATION: &str = "endpoint.url_validation";

/// A verified webhook delivery.
///
/// The live-stream events, the lifecycle events (meetings, webinars and Video SDK sessions
/// starting and ending) and URL validation are typed; every other event is
/// [`Other`](Event::Other) with its name and raw JSON, never an error. In typed events every
/// field is optional (Zoom omits some), unknown fields are ignored, and an object's `id` may
/// be a number or a string of digits. Get one from
/// [`Verifier::verify_event`](crate::Verifier::verify_event) or
/// [`Verified::parse`](crate::Verified::parse): nothing unverified is parsed.
///
/// Every event has an [`event_ts`](Self::event_ts) (when Zoom produced it) and, where it is
/// about one, a [`target`](Self::target): the meeting, webinar or session to act on.
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
///     Event::MeetingStarted(started) => { /* start its live stream, say */ }
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
    /// `meeting.started`.
    MeetingStarted(MeetingLifecycle),
    /// `meeting.ended`.
    MeetingEnded(MeetingLifecycle),
    /// `webinar.started`.
    WebinarStarted(WebinarLifecycle),
    /// `webinar.ended`.
    WebinarEnded(WebinarLifecycle),
    /// `session.started` (Video SDK).
    SessionStarted(SessionLifecycle),
    /// `session.ended` (Video SDK).
    SessionEnded(SessionLifecycle),
    /// `endpoint.url_validation`: answer with
    /// [`Verifier::url_validation_response`](crate::Verifier::url_validation_response).
    UrlValidation(UrlValidation),
    /// Any other event, as Zoom sent it.
    Other {
        /// The event's name, such as `meeting.participant_joined`.
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
    /// The object's id (meeting or webinar id or UUID, session id), where the event has one.
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
            Event::MeetingStarted(_) => MEETING_STARTED,
            Event::MeetingEnded(_) => MEETING_ENDED,
            Event::WebinarStarted(_) => WEBINAR_STARTED,
            Event::WebinarEnded(_) => WEBINAR_ENDED,
            Event::SessionStarted(_) => SESSION_STARTED,
            Event::SessionEnded(_) => SESSION_ENDED,
            Event::UrlValidation(_) => ENDPOINT_URL_VALIDATION,
            Event::Other { name, .. } => name,
        }
    }

    /// The event's `event_ts`: when Zoom produced it, in Unix **milliseconds**. Zoom may
    /// deliver events late and out of order: order them by this.
    ///
    /// ```
    /// use zoom_webhook::Event;
    ///
    /// let raw = serde_json::json!({"event": "meeting.participant_joined", "event_ts": 1795687260000_u64});
    /// let event = Event::Other { name: "meeting.participant_joined".into(), raw };
    /// assert_eq!(event.event_ts(), Some(1795687260000));
    /// ```
    pub fn event_ts(&self) -> Option<u64> {
        match self {
            Event::MeetingLiveStreamingStarted(e) | Event::MeetingLiveStreamingStopped(e) => {
                e.event_ts
            }
            Event::SessionLiveStreamingStarted(e) | Event::SessionLiveStreamingStopped(e) => {
                e.event_ts
            }
            Event::MeetingStarted(e) | Event::MeetingEnded(e) => e.event_ts,
            Event::WebinarStarted(e) | Event::WebinarEnded(e) => e.event_ts,
            Event::SessionStarted(e) | Event::SessionEnded(e) => e.event_ts,
            Event::UrlValidation(v) => v.event_ts,
            Event::Other { raw, .. } => raw.get("event_ts").and_then(serde_json::Value::as_u64),
        }
    }

    /// What the event is about, by the id the REST API takes: the meeting of a meeting event,
    /// the webinar of a webinar event, the session of a session event. `None` for URL
    /// validation, for events the SDK does not type, and where Zoom sent no id.
    ///
    /// ```
    /// use zoom_core::MeetingId;
    /// use zoom_webhook::{Event, MeetingLifecycle, Target};
    ///
    /// let started: MeetingLifecycle = serde_json::from_str(
    ///     r#"{"event":"meeting.started","payload":{"object":{"id":"85746065432"}}}"#,
    /// )?;
    /// let event = Event::MeetingStarted(started);
    /// assert_eq!(event.target(), Some(Target::Meeting(MeetingId::new(85746065432))));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn target(&self) -> Option<Target> {
        match self {
            Event::MeetingLiveStreamingStarted(e) | Event::MeetingLiveStreamingStopped(e) => {
                e.target()
            }
            Event::SessionLiveStreamingStarted(e) | Event::SessionLiveStreamingStopped(e) => {
                e.target()
            }
            Event::MeetingStarted(e) | Event::MeetingEnded(e) => e.target(),
            Event::WebinarStarted(e) | Event::WebinarEnded(e) => e.target(),
            Event::SessionStarted(e) | Event::SessionEnded(e) => e.target(),
            Event::UrlValidation(_) | Event::Other { .. } => None,
        }
    }

    /// What identifies this delivery among redeliveries: the event's name, `event_ts` and
    /// object id (a meeting's or webinar's id, else its UUID; a session's id). See
    /// [`Deduplicator`](crate::Deduplicator).
    ///
    /// ```
    /// use zoom_webhook::Event;
    ///
    /// let raw = serde_json::json!({
    ///     "event": "meeting.participant_joined", "event_ts": 1795687260000_u64,
    ///     "payload": {"object": {"id": "85746065432"}},
    /// });
    /// let key = Event::Other { name: "meeting.participant_joined".into(), raw }.delivery_key();
    /// assert_eq!(key.object_id.as_deref(), Some("85746065432"));
    /// ```
    pub fn delivery_key(&self) -> DeliveryKey {
        let id_or_uuid = |id: Option<u64>, uuid: &Option<String>| {
            id.map(|id| id.to_string()).or_else(|| uuid.clone())
        };
        let object_id = match self {
            Event::MeetingLiveStreamingStarted(e) | Event::MeetingLiveStreamingStopped(e) => {
                id_or_uuid(e.meeting.id, &e.meeting.uuid)
            }
            Event::SessionLiveStreamingStarted(e) | Event::SessionLiveStreamingStopped(e) => {
                e.session.either_id().map(str::to_owned)
            }
            Event::MeetingStarted(e) | Event::MeetingEnded(e) => {
                id_or_uuid(e.meeting.id, &e.meeting.uuid)
            }
            Event::WebinarStarted(e) | Event::WebinarEnded(e) => {
                id_or_uuid(e.webinar.id, &e.webinar.uuid)
            }
            Event::SessionStarted(e) | Event::SessionEnded(e) => {
                e.session.either_id().map(str::to_owned)
            }
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

    /// Parses a body that was verified (the only caller is [`crate::Verified::parse`]).
    pub(crate) fn parse_verified(body: &[u8]) -> Result<Event, ParseError> {
        let raw: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| ParseError::new(ParseErrorKind::NotJson, &e))?;
        let Some(name) = raw.get("event").and_then(serde_json::Value::as_str) else {
            return Err(ParseError::whole(ParseErrorKind::NotAnEvent));
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
            MEETING_STARTED => Event::MeetingStarted(typed(MEETING_STARTED, body)?),
            MEETING_ENDED => Event::MeetingEnded(typed(MEETING_ENDED, body)?),
            WEBINAR_STARTED => Event::WebinarStarted(typed(WEBINAR_STARTED, body)?),
            WEBINAR_ENDED => Event::WebinarEnded(typed(WEBINAR_ENDED, body)?),
            SESSION_STARTED => Event::SessionStarted(typed(SESSION_STARTED, body)?),
            SESSION_ENDED => Event::SessionEnded(typed(SESSION_ENDED, body)?),
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
        let (variant, value): (&str, &dyn fmt::Debug) = match self {
            Event::MeetingLiveStreamingStarted(e) => ("MeetingLiveStreamingStarted", e),
            Event::MeetingLiveStreamingStopped(e) => ("MeetingLiveStreamingStopped", e),
            Event::SessionLiveStreamingStarted(e) => ("SessionLiveStreamingStarted", e),
            Event::SessionLiveStreamingStopped(e) => ("SessionLiveStreamingStopped", e),
            Event::MeetingStarted(e) => ("MeetingStarted", e),
            Event::MeetingEnded(e) => ("MeetingEnded", e),
            Event::WebinarStarted(e) => ("WebinarStarted", e),
            Event::WebinarEnded(e) => ("WebinarEnded", e),
            Event::SessionStarted(e) => ("SessionStarted", e),
            Event::SessionEnded(e) => ("SessionEnded", e),
            Event::UrlValidation(v) => ("UrlValidation", v),
            // The raw JSON of an event the SDK does not know may carry anything.
            Event::Other { name, .. } => {
                return f
                    .debug_struct("Other")
                    .field("name", name)
                    .finish_non_exhaustive();
            }
        };
        f.debug_tuple(variant).field(value).finish()
    }
}

#[cfg(test)]
mod tests {
    use zoom_core::{MeetingId, WebinarId};

    use super::*;
    use crate::live_streaming::{LiveStreaming, LiveStreamingService};

    fn parse(body: &str) -> Result<Event, ParseError> {
        Event::parse_verified(body.as_bytes())
    }

    /// A realistic body of `event` whose `payload.object` is `object`.
    fn body(event: &str, event_ts: u64, object: &str) -> String {
        format!(
            r#"{{"event":"{event}","event_ts":{event_ts},"payload":{{"account_id":"AAAAAAAAAAAAAAAAAAAAAA","object":{object}}}}}"#
        )
    }

    const MEETING: &str = r#""uuid":"aDYlohsHRtCd4ii1uC2+hA==","host_id":"z8yCxjabcdefghijklmnop","topic":"Quarterly all-hands","type":2,"start_time":"2026-11-26T09:59:00Z","timezone":"UTC","duration":60"#;
    const LIVE: &str = r#""live_streaming":{"service":"Custom_Live_Streaming_Service","date_time":"2026-11-26T10:00:00Z","custom_live_streaming_settings":{"stream_url":"rtmp://live.example.com/app","stream_key":"s3cret-key","page_url":"https://example.com/live","resolution":"720p"}}"#;
    const SESSION: &str = r#""session_name":"Weekly demo","session_key":"demo-key","start_time":"2026-11-26T09:59:00Z""#;

    /// Every typed event, with its object's id spelled as a JSON string and as a number: the
    /// same event, the same target, the same delivery key.
    #[test]
    fn every_typed_event_reads_a_string_or_a_numeric_id_alike() {
        let meeting = Some(Target::Meeting(MeetingId::new(85_746_065_432)));
        let webinar = Some(Target::Webinar(WebinarId::new(91_234_567_890)));
        let session = Some(Target::Session("4455".to_owned()));
        let cases = [
            (
                MEETING_LIVE_STREAMING_STARTED,
                "85746065432",
                format!("{MEETING},{LIVE}"),
                &meeting,
            ),
            (
                MEETING_LIVE_STREAMING_STOPPED,
                "85746065432",
                format!("{MEETING},{LIVE}"),
                &meeting,
            ),
            (
                SESSION_LIVE_STREAMING_STARTED,
                "4455",
                format!("{SESSION},{LIVE}"),
                &session,
            ),
            (
                SESSION_LIVE_STREAMING_STOPPED,
                "4455",
                format!("{SESSION},{LIVE}"),
                &session,
            ),
            (MEETING_STARTED, "85746065432", MEETING.to_owned(), &meeting),
            (
                MEETING_ENDED,
                "85746065432",
                format!(r#"{MEETING},"end_time":"2026-11-26T11:01:00Z""#),
                &meeting,
            ),
            (WEBINAR_STARTED, "91234567890", MEETING.to_owned(), &webinar),
            (
                WEBINAR_ENDED,
                "91234567890",
                format!(r#"{MEETING},"end_time":"2026-11-26T11:01:00Z""#),
                &webinar,
            ),
            (SESSION_STARTED, "4455", SESSION.to_owned(), &session),
            (
                SESSION_ENDED,
                "4455",
                format!(r#"{SESSION},"end_time":"2026-11-26T11:01:00Z""#),
                &session,
            ),
        ];
        for (name, id, rest, target) in cases {
            let as_text = parse(&body(
                name,
                1_795_687_140_000,
                &format!(r#"{{"id":"{id}",{rest}}}"#),
            ))
            .unwrap();
            let as_number = parse(&body(
                name,
                1_795_687_140_000,
                &format!(r#"{{"id":{id},{rest}}}"#),
            ))
            .unwrap();
            assert_eq!(as_text, as_number, "{name}");
            for event in [&as_text, &as_number] {
                assert_eq!(event.name(), name);
                assert!(!matches!(event, Event::Other { .. }), "{name} is typed");
                assert_eq!(event.event_ts(), Some(1_795_687_140_000), "{name}");
                assert_eq!(&event.target(), target, "{name}");
                let key = event.delivery_key();
                assert_eq!(key.event, name);
                assert_eq!(key.object_id.as_deref(), Some(id), "{name}");
                assert!(!format!("{event:?}").contains("s3cret-key"), "{name}");
            }
        }
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
        let event = parse(r#"{"event":"webinar.ended","payload":{}}"#).unwrap();
        assert_eq!(event, Event::WebinarEnded(WebinarLifecycle::default()));
        assert_eq!((event.event_ts(), event.target()), (None, None));
    }

    #[test]
    fn unknown_events_are_other_with_their_name_and_raw_json() {
        let event = parse(
            r#"{"event":"meeting.participant_joined","event_ts":5,"payload":{"x":[1],"object":{"id":"85746065432"}}}"#,
        )
        .unwrap();
        let Event::Other { name, raw } = &event else {
            panic!("{event:?}")
        };
        assert_eq!(name, "meeting.participant_joined");
        assert_eq!(raw["payload"]["x"][0], 1);
        assert_eq!(event.event_ts(), Some(5));
        assert_eq!(event.target(), None);
        assert_eq!(
            event.delivery_key().object_id.as_deref(),
            Some("85746065432")
        );
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
                r#"{"event":"meeting.started","payload":{"object":{"id":[1]}}}"#,
                ParseErrorKind::Payload {
                    event: MEETING_STARTED,
                },
            ),
            (
                r#"{"event":"session.ended","payload":{"object":{"session_name":false}}}"#,
                ParseErrorKind::Payload {
                    event: SESSION_ENDED,
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
    fn delivery_keys_fall_back_to_the_uuid_or_the_session_id() {
        let started = parse(
            r#"{"event":"meeting.live_streaming_started","event_ts":9,"payload":{"object":{"uuid":"u=="}}}"#,
        )
        .unwrap();
        let key = started.delivery_key();
        assert_eq!(
            (key.event.as_str(), key.event_ts, key.object_id.as_deref()),
            ("meeting.live_streaming_started", Some(9), Some("u=="))
        );
        let ended =
            parse(r#"{"event":"meeting.ended","payload":{"object":{"uuid":"v=="}}}"#).unwrap();
        assert_eq!(ended.delivery_key().object_id.as_deref(), Some("v=="));
        assert_eq!(ended.target(), None);
        let session = parse(
            r#"{"event":"session.live_streaming_stopped","payload":{"object":{"session_id":"S"}}}"#,
        )
        .unwrap();
        assert_eq!(session.delivery_key().object_id.as_deref(), Some("S"));
    }

    #[test]
    fn a_live_stream_in_an_event_keeps_its_key_secret() {
        let event = parse(&body(
            MEETING_LIVE_STREAMING_STARTED,
            1,
            &format!(r#"{{"id":85746065432,{LIVE}}}"#),
        ))
        .unwrap();
        let Event::MeetingLiveStreamingStarted(started) = &event else {
            panic!("{event:?}")
        };
        let live: &LiveStreaming = started.meeting.live_streaming.as_ref().unwrap();
        assert_eq!(live.service, Some(LiveStreamingService::Custom));
        let settings = live.custom_live_streaming_settings.as_ref().unwrap();
        assert_eq!(
            settings.stream_key.as_ref().unwrap().expose_secret(),
            "s3cret-key"
        );
        let json = serde_json::to_string(started).unwrap();
        assert!(json.contains(r#""stream_key":"[redacted]""#), "{json}");
    }
}
