//! From Zoom's webhook to the machine's input: the one place that knows which events the
//! autopilot hears.

use zoom_autopilot::{Event as MachineEvent, EventKind};
use zoom_webhook::{Event, Target};

/// The target a verified webhook event is about and the event as the machine takes it, or
/// `None` for an event the autopilot does not use: URL validation, events it does not type,
/// and an event without an id or an `event_ts` (the machine orders events by it).
///
/// | webhook | machine |
/// |---|---|
/// | `meeting.started`, `webinar.started`, `session.started` | [`EventKind::Started`] |
/// | `*.live_streaming_started` | [`EventKind::LiveStreamingStarted`] |
/// | `*.live_streaming_stopped` | [`EventKind::LiveStreamingStopped`] |
/// | `meeting.ended`, `webinar.ended`, `session.ended` | [`EventKind::Ended`] |
///
/// ```
/// use zoom_live_stream::MeetingId;
/// use zoom_live_stream::autopilot::{EventKind, convert};
/// use zoom_live_stream::webhook::{Event, MeetingLifecycle, Target};
///
/// let started: MeetingLifecycle = serde_json::from_str(
///     r#"{"event":"meeting.started","event_ts":1732615200000,"payload":{"object":{"id":"85746065432"}}}"#,
/// )?;
/// let (target, event) = convert(&Event::MeetingStarted(started)).unwrap();
/// assert_eq!(target, Target::Meeting(MeetingId::new(85746065432)));
/// assert_eq!((event.kind, event.event_ts), (EventKind::Started, 1732615200000));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn convert(event: &Event) -> Option<(Target, MachineEvent)> {
    let kind = match event {
        Event::MeetingStarted(_) | Event::WebinarStarted(_) | Event::SessionStarted(_) => {
            EventKind::Started
        }
        Event::MeetingEnded(_) | Event::WebinarEnded(_) | Event::SessionEnded(_) => {
            EventKind::Ended
        }
        Event::MeetingLiveStreamingStarted(_) | Event::SessionLiveStreamingStarted(_) => {
            EventKind::LiveStreamingStarted
        }
        Event::MeetingLiveStreamingStopped(_) | Event::SessionLiveStreamingStopped(_) => {
            EventKind::LiveStreamingStopped
        }
        _ => return None,
    };
    Some((event.target()?, MachineEvent::new(kind, event.event_ts()?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Event {
        let raw: serde_json::Value = serde_json::from_str(body).unwrap();
        let name = raw["event"].as_str().unwrap().to_owned();
        match name.as_str() {
            "meeting.started" => Event::MeetingStarted(serde_json::from_value(raw).unwrap()),
            "meeting.ended" => Event::MeetingEnded(serde_json::from_value(raw).unwrap()),
            "webinar.started" => Event::WebinarStarted(serde_json::from_value(raw).unwrap()),
            "meeting.live_streaming_stopped" => {
                Event::MeetingLiveStreamingStopped(serde_json::from_value(raw).unwrap())
            }
            "session.live_streaming_started" => {
                Event::SessionLiveStreamingStarted(serde_json::from_value(raw).unwrap())
            }
            _ => Event::Other { name, raw },
        }
    }

    #[test]
    fn each_event_the_autopilot_hears_has_its_kind_target_and_time() {
        let cases = [
            (
                r#"{"event":"meeting.ended","event_ts":5,"payload":{"object":{"id":"7"}}}"#,
                "meeting 7",
                EventKind::Ended,
            ),
            (
                r#"{"event":"webinar.started","event_ts":5,"payload":{"object":{"id":9}}}"#,
                "webinar 9",
                EventKind::Started,
            ),
            (
                r#"{"event":"meeting.live_streaming_stopped","event_ts":5,"payload":{"object":{"id":7}}}"#,
                "meeting 7",
                EventKind::LiveStreamingStopped,
            ),
            (
                r#"{"event":"session.live_streaming_started","event_ts":5,"payload":{"object":{"id":"Sx=="}}}"#,
                "session Sx==",
                EventKind::LiveStreamingStarted,
            ),
        ];
        for (body, target, kind) in cases {
            let (found, event) = convert(&parse(body)).expect(body);
            assert_eq!((found.to_string().as_str(), event.kind), (target, kind));
            assert_eq!(event.event_ts, 5);
        }
    }

    #[test]
    fn events_it_cannot_use_are_none() {
        for body in [
            r#"{"event":"meeting.started","payload":{"object":{"id":"7"}}}"#,
            r#"{"event":"meeting.started","event_ts":5,"payload":{"object":{}}}"#,
            r#"{"event":"meeting.participant_joined","event_ts":5,"payload":{"object":{"id":"7"}}}"#,
        ] {
            assert_eq!(convert(&parse(body)), None, "{body}");
        }
    }
}
