//! The lifecycle events: `meeting.started` / `meeting.ended`, `webinar.started` /
//! `webinar.ended`, and the Video SDK's `session.started` / `session.ended`. A live stream can
//! be started only while its meeting is in progress, so these say when to act.

use serde::{Deserialize, Deserializer, Serialize};
use zoom_core::{MeetingId, WebinarId};

use crate::envelope::Envelope;
use crate::object_id::{number_or_digits, string_or_number};
use crate::target::Target;

/// `meeting.started` or `meeting.ended`: a meeting began, or ended.
///
/// Zoom delivers these at least once, possibly late and out of order (an `ended` can arrive
/// before a redelivered `started`): order them by [`event_ts`](Self::event_ts) and key them on
/// [`target`](Self::target).
///
/// ```
/// use zoom_core::MeetingId;
/// use zoom_webhook::{MeetingLifecycle, Target};
///
/// let started: MeetingLifecycle = serde_json::from_str(
///     r#"{"event":"meeting.started","event_ts":1795687140000,"payload":{"account_id":"acc",
///         "object":{"id":"85746065432","uuid":"aDYlohsHRtCd4ii1uC2+hA==","topic":"Demo","type":2}}}"#,
/// )?;
/// assert_eq!(started.target(), Some(Target::Meeting(MeetingId::new(85746065432))));
/// assert_eq!(started.meeting.topic.as_deref(), Some("Demo"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MeetingLifecycle {
    /// When Zoom produced the event, in Unix milliseconds.
    pub event_ts: Option<u64>,
    /// The account the meeting belongs to.
    pub account_id: Option<String>,
    /// The meeting (`payload.object`).
    pub meeting: LifecycleMeeting,
}

impl MeetingLifecycle {
    /// The meeting, by its id, where the event names one.
    pub fn target(&self) -> Option<Target> {
        self.meeting.meeting_id().map(Target::Meeting)
    }
}

impl<'de> Deserialize<'de> for MeetingLifecycle {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (event_ts, account_id, meeting) = lifecycle(deserializer)?;
        Ok(Self {
            event_ts,
            account_id,
            meeting,
        })
    }
}

/// The meeting in a lifecycle event.
///
/// ```
/// use zoom_webhook::LifecycleMeeting;
///
/// // Ids arrive as strings of digits here, as numbers in live-stream events: both are read.
/// let meeting: LifecycleMeeting = serde_json::from_str(
///     r#"{"id":"85746065432","end_time":"2026-11-26T11:01:00Z"}"#,
/// )?;
/// assert_eq!(meeting.id, Some(85746065432));
/// assert_eq!(meeting.end_time.as_deref(), Some("2026-11-26T11:01:00Z"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct LifecycleMeeting {
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
    /// When the meeting ended (`meeting.ended` only), as Zoom wrote it.
    pub end_time: Option<String>,
}

impl LifecycleMeeting {
    /// The meeting id as the REST API takes it.
    pub fn meeting_id(&self) -> Option<MeetingId> {
        self.id.map(MeetingId::new)
    }
}

/// `webinar.started` or `webinar.ended`: a webinar began, or ended. Delivered like the
/// meeting events (see [`MeetingLifecycle`]).
///
/// ```
/// use zoom_core::WebinarId;
/// use zoom_webhook::WebinarLifecycle;
///
/// let ended: WebinarLifecycle = serde_json::from_str(
///     r#"{"event":"webinar.ended","event_ts":1795699800000,"payload":{"account_id":"acc",
///         "object":{"id":"91234567890","type":5,"end_time":"2026-11-26T12:30:00Z"}}}"#,
/// )?;
/// assert_eq!(ended.webinar.webinar_id(), Some(WebinarId::new(91234567890)));
/// assert_eq!(ended.webinar.webinar_type, Some(5));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct WebinarLifecycle {
    /// When Zoom produced the event, in Unix milliseconds.
    pub event_ts: Option<u64>,
    /// The account the webinar belongs to.
    pub account_id: Option<String>,
    /// The webinar (`payload.object`).
    pub webinar: LifecycleWebinar,
}

impl WebinarLifecycle {
    /// The webinar, by its id, where the event names one.
    pub fn target(&self) -> Option<Target> {
        self.webinar.webinar_id().map(Target::Webinar)
    }
}

impl<'de> Deserialize<'de> for WebinarLifecycle {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (event_ts, account_id, webinar) = lifecycle(deserializer)?;
        Ok(Self {
            event_ts,
            account_id,
            webinar,
        })
    }
}

/// The webinar in a lifecycle event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct LifecycleWebinar {
    /// The webinar id.
    #[serde(deserialize_with = "number_or_digits")]
    pub id: Option<u64>,
    /// The webinar instance's UUID.
    pub uuid: Option<String>,
    /// The host's user id.
    pub host_id: Option<String>,
    /// The webinar's topic.
    pub topic: Option<String>,
    /// The webinar type (5 a webinar, 6 and 9 recurring).
    #[serde(rename = "type")]
    pub webinar_type: Option<i64>,
    /// When the webinar started, as Zoom wrote it (ISO 8601, UTC).
    pub start_time: Option<String>,
    /// The webinar's time zone.
    pub timezone: Option<String>,
    /// The scheduled duration, in minutes.
    pub duration: Option<i64>,
    /// When the webinar ended (`webinar.ended` only), as Zoom wrote it.
    pub end_time: Option<String>,
}

impl LifecycleWebinar {
    /// The webinar id as the REST API takes it.
    pub fn webinar_id(&self) -> Option<WebinarId> {
        self.id.map(WebinarId::new)
    }
}

/// `session.started` or `session.ended` (Video SDK): a session began, or ended.
///
/// ```
/// use zoom_webhook::{SessionLifecycle, Target};
///
/// let started: SessionLifecycle = serde_json::from_str(
///     r#"{"event":"session.started","event_ts":1795687140000,"payload":{"account_id":"acc",
///         "object":{"id":"Sx8PZbQyTtaUc9kFb4sOwg==","session_name":"Weekly demo"}}}"#,
/// )?;
/// assert_eq!(started.target(), Some(Target::Session("Sx8PZbQyTtaUc9kFb4sOwg==".into())));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SessionLifecycle {
    /// When Zoom produced the event, in Unix milliseconds.
    pub event_ts: Option<u64>,
    /// The account the session belongs to.
    pub account_id: Option<String>,
    /// The session (`payload.object`).
    pub session: LifecycleSession,
}

impl SessionLifecycle {
    /// The session, by its id (`id`, or `session_id` when Zoom sent only that), where the
    /// event names one.
    pub fn target(&self) -> Option<Target> {
        self.session
            .either_id()
            .map(|id| Target::Session(id.to_owned()))
    }
}

impl<'de> Deserialize<'de> for SessionLifecycle {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (event_ts, account_id, session) = lifecycle(deserializer)?;
        Ok(Self {
            event_ts,
            account_id,
            session,
        })
    }
}

/// The Video SDK session in a lifecycle event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct LifecycleSession {
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
    /// When the session ended (`session.ended` only), as Zoom wrote it.
    pub end_time: Option<String>,
}

impl LifecycleSession {
    /// The session's id: `id`, or `session_id` when Zoom sent only that (what
    /// [`SessionLifecycle::target`] names).
    pub(crate) fn either_id(&self) -> Option<&str> {
        self.id.as_deref().or(self.session_id.as_deref())
    }
}

/// The envelope and payload every lifecycle event shares: `event_ts`,
/// `payload.account_id` and `payload.object`.
fn lifecycle<'de, D, O>(deserializer: D) -> Result<(Option<u64>, Option<String>, O), D::Error>
where
    D: Deserializer<'de>,
    O: Deserialize<'de> + Default,
{
    #[derive(Deserialize)]
    #[serde(bound = "O: Deserialize<'de>")]
    struct Payload<O> {
        #[serde(default)]
        account_id: Option<String>,
        #[serde(default = "Option::default")]
        object: Option<O>,
    }
    let Envelope { event_ts, payload } = Envelope::<Payload<O>>::deserialize(deserializer)?;
    Ok(match payload {
        Some(payload) => (
            event_ts,
            payload.account_id,
            payload.object.unwrap_or_default(),
        ),
        None => (event_ts, None, O::default()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lifecycle body as §12 of Zoom's reference shows it, with `id` spelled as given.
    fn body(event: &str, id: &str, ended: bool) -> String {
        let end = if ended {
            r#","end_time":"2026-11-26T11:01:00Z""#
        } else {
            ""
        };
        format!(
            r#"{{"event":"{event}","event_ts":1795687140000,"payload":{{"account_id":"AAAAAAAAAAAAAAAAAAAAAA","object":{{"id":{id},"uuid":"aDYlohsHRtCd4ii1uC2+hA==","host_id":"z8yCxjabcdefghijklmnop","topic":"Quarterly all-hands","type":2,"start_time":"2026-11-26T09:59:00Z","timezone":"UTC","duration":60{end}}}}}}}"#
        )
    }

    #[test]
    fn meeting_events_read_a_string_or_a_numeric_id_alike() {
        for (event, ended) in [("meeting.started", false), ("meeting.ended", true)] {
            for id in [r#""85746065432""#, "85746065432"] {
                let lifecycle: MeetingLifecycle =
                    serde_json::from_str(&body(event, id, ended)).unwrap();
                assert_eq!(lifecycle.event_ts, Some(1_795_687_140_000));
                assert_eq!(
                    lifecycle.account_id.as_deref(),
                    Some("AAAAAAAAAAAAAAAAAAAAAA")
                );
                assert_eq!(
                    lifecycle.target(),
                    Some(Target::Meeting(MeetingId::new(85_746_065_432)))
                );
                let meeting = &lifecycle.meeting;
                assert_eq!(meeting.uuid.as_deref(), Some("aDYlohsHRtCd4ii1uC2+hA=="));
                assert_eq!(meeting.host_id.as_deref(), Some("z8yCxjabcdefghijklmnop"));
                assert_eq!(meeting.topic.as_deref(), Some("Quarterly all-hands"));
                assert_eq!(meeting.meeting_type, Some(2));
                assert_eq!(meeting.start_time.as_deref(), Some("2026-11-26T09:59:00Z"));
                assert_eq!(meeting.timezone.as_deref(), Some("UTC"));
                assert_eq!(meeting.duration, Some(60));
                assert_eq!(meeting.end_time.is_some(), ended, "{event}");
            }
        }
    }

    #[test]
    fn webinar_events_read_a_string_or_a_numeric_id_alike() {
        for (event, ended) in [("webinar.started", false), ("webinar.ended", true)] {
            for id in [r#""91234567890""#, "91234567890"] {
                let lifecycle: WebinarLifecycle =
                    serde_json::from_str(&body(event, id, ended)).unwrap();
                assert_eq!(
                    lifecycle.target(),
                    Some(Target::Webinar(WebinarId::new(91_234_567_890)))
                );
                assert_eq!(
                    lifecycle.webinar.topic.as_deref(),
                    Some("Quarterly all-hands")
                );
                assert_eq!(lifecycle.webinar.end_time.is_some(), ended, "{event}");
            }
        }
    }

    #[test]
    fn session_events_read_a_string_or_a_numeric_id_alike() {
        for (event, ended) in [("session.started", false), ("session.ended", true)] {
            for (id, expected) in [
                (r#""Sx8PZbQyTtaUc9kFb4sOwg==""#, "Sx8PZbQyTtaUc9kFb4sOwg=="),
                ("4455", "4455"),
            ] {
                let end = if ended {
                    r#","end_time":"2026-11-26T11:01:00Z""#
                } else {
                    ""
                };
                let body = format!(
                    r#"{{"event":"{event}","event_ts":1795687140000,"payload":{{"account_id":"AAAAAAAAAAAAAAAAAAAAAA","object":{{"id":{id},"session_id":{id},"session_name":"Weekly demo","session_key":"demo-key","start_time":"2026-11-26T09:59:00Z"{end}}}}}}}"#
                );
                let lifecycle: SessionLifecycle = serde_json::from_str(&body).unwrap();
                assert_eq!(lifecycle.target(), Some(Target::Session(expected.into())));
                let session = &lifecycle.session;
                assert_eq!(session.session_name.as_deref(), Some("Weekly demo"));
                assert_eq!(session.session_key.as_deref(), Some("demo-key"));
                assert_eq!(session.end_time.is_some(), ended, "{event}");
            }
        }
    }

    #[test]
    fn missing_parts_read_as_none() {
        for json in [
            r#"{"event":"meeting.started"}"#,
            r#"{"event":"meeting.started","payload":null}"#,
            r#"{"event":"meeting.started","payload":{"object":null}}"#,
        ] {
            let lifecycle: MeetingLifecycle = serde_json::from_str(json).unwrap();
            assert_eq!(lifecycle, MeetingLifecycle::default(), "{json}");
            assert_eq!(lifecycle.target(), None);
        }
        let only_session_id: SessionLifecycle =
            serde_json::from_str(r#"{"payload":{"object":{"session_id":"S"}}}"#).unwrap();
        assert_eq!(only_session_id.target(), Some(Target::Session("S".into())));
    }

    #[test]
    fn an_id_that_is_no_number_is_refused() {
        let refused = serde_json::from_str::<MeetingLifecycle>(&body(
            "meeting.started",
            r#""85746O65432""#,
            false,
        ));
        assert!(refused.is_err());
    }
}
