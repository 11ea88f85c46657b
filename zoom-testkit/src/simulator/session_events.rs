//! The Video SDK session events the simulator delivers: `session.live_streaming_started` and
//! `…_stopped` when a session's stream starts or stops through the API, `session.started`
//! and `session.ended` when the admin API starts or ends a session. Each is built from the
//! session's state when it happened, in the shape of the project's Zoom notes (§11), and
//! handed to the webhook deliveries (`deliveries.rs`), which sign and retry it.

use std::time::SystemTime;

use serde_json::json;
use zoom_webhook::{
    SESSION_ENDED, SESSION_LIVE_STREAMING_STARTED, SESSION_LIVE_STREAMING_STOPPED, SESSION_STARTED,
};

use super::clock;
use super::clock::unix_millis;
use super::deliveries::{Outgoing, Webhooks};
use super::world::{SessionChange, SessionNotice, World};
use crate::webhooks;

/// Takes the session changes out of `world` and delivers one event for each (nothing
/// without a webhook configuration).
pub(crate) fn dispatch(webhooks: &Webhooks, world: &mut World) {
    let notices = std::mem::take(&mut world.session_notices);
    if notices.is_empty() {
        return;
    }
    let now = SystemTime::now();
    let events = notices
        .iter()
        .map(|notice| Outgoing {
            event: event_name(notice.change),
            meeting_id: 0,
            session_id: Some(notice.session_id.clone()),
            event_ts: unix_millis(now),
            body: payload(world, notice, now),
        })
        .collect();
    webhooks.deliver(events);
}

fn event_name(change: SessionChange) -> &'static str {
    match change {
        SessionChange::Started => SESSION_STARTED,
        SessionChange::Ended => SESSION_ENDED,
        SessionChange::StreamStarted => SESSION_LIVE_STREAMING_STARTED,
        SessionChange::StreamStopped => SESSION_LIVE_STREAMING_STOPPED,
    }
}

/// The event's body: `payload.object` with the session's `id` (a string), `session_id`,
/// `session_name` and `start_time`; `live_streaming` for the stream events, `end_time` for
/// `session.ended`.
fn payload(world: &World, notice: &SessionNotice, now: SystemTime) -> Vec<u8> {
    let id = notice.session_id.as_str();
    let session = world.sessions.get(id);
    let name = session
        .and_then(|s| s.name.clone())
        .unwrap_or_else(|| format!("Session {id}"));
    let mut object = json!({
        "id": id,
        "session_id": id,
        "session_name": name,
        "start_time": clock::iso8601(world.created),
    });
    let event = event_name(notice.change);
    let event_ts = unix_millis(now);
    let account = &world.account.account_id;
    match notice.change {
        SessionChange::StreamStarted | SessionChange::StreamStopped => {
            let settings = session
                .and_then(|s| s.stream.as_ref())
                .and_then(|stream| serde_json::to_value(stream).ok());
            object["live_streaming"] = json!({
                "service": "Custom_Live_Streaming_Service",
                "date_time": clock::iso8601(now),
                "custom_live_streaming_settings": settings,
            });
            webhooks::account_live_streaming_body(account, event, event_ts, object)
        }
        SessionChange::Started | SessionChange::Ended => {
            if notice.change == SessionChange::Ended {
                object["end_time"] = json!(clock::iso8601(now));
            }
            json!({
                "event": event,
                "event_ts": event_ts,
                "payload": {"account_id": account, "object": object},
            })
            .to_string()
            .into_bytes()
        }
    }
}

#[cfg(test)]
mod tests {
    use zoom_webhook::{Event, Target};

    use super::*;
    use crate::simulator::config::{DEMO_SESSION_ID, SimulatorConfig};

    fn event(world: &World, change: SessionChange) -> Event {
        let notice = SessionNotice {
            session_id: DEMO_SESSION_ID.to_owned(),
            change,
        };
        let body = payload(world, &notice, SystemTime::now());
        let delivery = webhooks::Delivery::signed("s", webhooks::unix_now(), body);
        zoom_webhook::Verifier::new("s")
            .verify_event_now(&delivery.headers(), &delivery.body)
            .unwrap()
    }

    #[test]
    fn every_session_event_reads_as_zoom_webhooks_typed_event_of_that_session() {
        let world = World::new(&SimulatorConfig::default(), "http://127.0.0.1:1".into());
        for change in [
            SessionChange::Started,
            SessionChange::Ended,
            SessionChange::StreamStarted,
            SessionChange::StreamStopped,
        ] {
            let event = event(&world, change);
            assert_eq!(event.name(), event_name(change));
            assert_eq!(
                event.target(),
                Some(Target::Session(DEMO_SESSION_ID.to_owned())),
                "{change:?}"
            );
        }
        match event(&world, SessionChange::StreamStarted) {
            Event::SessionLiveStreamingStarted(started) => {
                let live = started.session.live_streaming.unwrap();
                let settings = live.custom_live_streaming_settings.unwrap();
                assert_eq!(
                    settings.stream_url.as_deref(),
                    Some(crate::simulator::DEMO_STREAM_URL)
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
