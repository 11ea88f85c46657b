//! Zoom's side of a meeting's life, played from a test: start and end a meeting or webinar
//! (signed `meeting.started` / `meeting.ended`, `webinar.started` / `webinar.ended`, ids as
//! strings of digits as Zoom sends them), drop a running stream (an unasked
//! `meeting.live_streaming_stopped`), deliver any event again or late, and deliver every event
//! to several receivers. The admin API's routes for them, and the same on
//! [`SimulatorControl`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use http::{Method, StatusCode};
use serde_json::{Value, json};
use zoom_webhook::{MEETING_ENDED, MEETING_STARTED, WEBINAR_ENDED, WEBINAR_STARTED};

use super::clock;
use super::clock::unix_millis;
use super::deliveries::{SIM_HOST_ID, meeting_uuid};
use super::redelivery::{self, Redelivery};
use super::request::ApiRequest;
use super::response::SimResponse;
use super::state::SimulatorControl;
use crate::webhooks;

/// Whether an item is a meeting or a webinar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Meeting,
    Webinar,
}

impl Item {
    fn noun(self) -> &'static str {
        match self {
            Item::Meeting => "meeting",
            Item::Webinar => "webinar",
        }
    }

    fn event(self, started: bool) -> &'static str {
        match (self, started) {
            (Item::Meeting, true) => MEETING_STARTED,
            (Item::Meeting, false) => MEETING_ENDED,
            (Item::Webinar, true) => WEBINAR_STARTED,
            (Item::Webinar, false) => WEBINAR_ENDED,
        }
    }

    /// Zoom's `type`: 2 a scheduled meeting, 5 a webinar.
    fn zoom_type(self) -> u8 {
        match self {
            Item::Meeting => 2,
            Item::Webinar => 5,
        }
    }
}

/// Event times that never repeat nor go back, even for events made in the same millisecond
/// (a test may end and start a meeting at once): receivers order by `event_ts`.
fn next_event_ts() -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = unix_millis(SystemTime::now());
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let next = now.max(last.saturating_add(1));
        match LAST.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

impl SimulatorControl {
    /// Starts meeting `id` (it is in progress from now on, so its stream can start) and
    /// delivers a signed `meeting.started`, if a webhook is configured; its `event_ts`. An
    /// error when there is no such meeting or it is already in progress.
    pub fn start_meeting(&self, id: u64) -> Result<u64, String> {
        self.lifecycle(Item::Meeting, id, true)
    }

    /// Ends meeting `id` and delivers `meeting.ended` (and `meeting.live_streaming_stopped`
    /// if its stream ran: Zoom stops it with the meeting); its `event_ts`. An error when
    /// there is no such meeting or it is not in progress.
    pub fn end_meeting(&self, id: u64) -> Result<u64, String> {
        self.lifecycle(Item::Meeting, id, false)
    }

    /// [`start_meeting`](Self::start_meeting) for webinar `id` (`webinar.started`).
    pub fn start_webinar(&self, id: u64) -> Result<u64, String> {
        self.lifecycle(Item::Webinar, id, true)
    }

    /// [`end_meeting`](Self::end_meeting) for webinar `id` (`webinar.ended`; no live-stream
    /// event: Zoom has none for webinars).
    pub fn end_webinar(&self, id: u64) -> Result<u64, String> {
        self.lifecycle(Item::Webinar, id, false)
    }

    /// Drops meeting `id`'s running stream, as when the RTMP server goes away: it stops,
    /// and Zoom delivers an unasked `meeting.live_streaming_stopped`. An error when there is
    /// no such meeting or its stream does not run.
    pub fn drop_meeting_stream(&self, id: u64) -> Result<(), String> {
        self.drop_stream(Item::Meeting, id)
    }

    /// [`drop_meeting_stream`](Self::drop_meeting_stream) for webinar `id` (it stops; no
    /// event, Zoom has none for webinars).
    pub fn drop_webinar_stream(&self, id: u64) -> Result<(), String> {
        self.drop_stream(Item::Webinar, id)
    }

    /// Delivers the event of delivery `id` (see [`webhook_deliveries`](Self::webhook_deliveries))
    /// once more, with the same body and `event_ts`, after `delay`, to the URL it went to:
    /// Zoom's duplicate or late delivery. The new delivery's id.
    pub fn redeliver(&self, id: u64, delay: Duration) -> Result<u64, String> {
        self.webhooks().redeliver(id, delay, None)
    }

    /// Delivers every event from now on as `plan` says: also to other receivers, several
    /// times, late. [`reset`](Self::reset) goes back to once, to the configured URL.
    pub fn set_redelivery(&self, plan: Redelivery) {
        self.webhooks().set_redelivery(plan);
    }

    /// The redelivery plan in force.
    pub fn redelivery(&self) -> Redelivery {
        self.webhooks().redelivery()
    }

    /// After an accepted start, how long another start of the same stream answers 429
    /// (default Zoom's 30 seconds; see [`SimulatorConfig::start_window`](super::SimulatorConfig::start_window)).
    pub fn set_start_window(&self, window: Duration) {
        self.lock().world.start_window = window;
    }

    fn lifecycle(&self, item: Item, id: u64, start: bool) -> Result<u64, String> {
        let mut state = self.lock();
        let world = &mut state.world;
        let table = match item {
            Item::Meeting => &mut world.meetings,
            Item::Webinar => &mut world.webinars,
        };
        let noun = item.noun();
        let entry = table
            .get_mut(&id)
            .ok_or_else(|| format!("no {noun} {id}"))?;
        if entry.started == start {
            let already = if start {
                "in progress"
            } else {
                "not in progress"
            };
            return Err(format!("{noun} {id} is already {already}"));
        }
        entry.started = start;
        let was_streaming = !start && std::mem::take(&mut entry.streaming);
        let topic = entry
            .topic
            .clone()
            .unwrap_or_else(|| format!("{} {id}", capitalised(noun)));
        let event_ts = next_event_ts();
        let mut object = json!({
            "id": id.to_string(),
            "uuid": meeting_uuid(id),
            "host_id": SIM_HOST_ID,
            "topic": topic,
            "type": item.zoom_type(),
            "start_time": clock::iso8601(world.created),
            "timezone": "UTC",
            "duration": 60,
        });
        if !start {
            object["end_time"] = Value::from(clock::iso8601(SystemTime::now()));
        }
        let body = webhooks::account_lifecycle_body(
            &world.account.account_id,
            item.event(start),
            event_ts,
            object,
        );
        drop(state);
        let webhooks = self.webhooks();
        webhooks.send(item.event(start), id, event_ts, body);
        if was_streaming && item == Item::Meeting {
            let mut state = self.lock();
            state.world.live_stream_changed(id, false);
            state.deliver_notices();
        }
        Ok(event_ts)
    }

    fn drop_stream(&self, item: Item, id: u64) -> Result<(), String> {
        let mut state = self.lock();
        let table = match item {
            Item::Meeting => &mut state.world.meetings,
            Item::Webinar => &mut state.world.webinars,
        };
        let noun = item.noun();
        let entry = table
            .get_mut(&id)
            .ok_or_else(|| format!("no {noun} {id}"))?;
        if !std::mem::take(&mut entry.streaming) {
            return Err(format!("the stream of {noun} {id} does not run"));
        }
        if item == Item::Meeting {
            state.world.live_stream_changed(id, false);
            state.deliver_notices();
        }
        Ok(())
    }
}

fn capitalised(noun: &str) -> String {
    let mut chars = noun.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn answer(status: StatusCode, value: &Value) -> SimResponse {
    SimResponse::json(status, value).bare()
}

fn refused(status: StatusCode, message: impl Into<String>) -> SimResponse {
    answer(status, &json!({"error": message.into()}))
}

/// `POST /__admin/{meetings|webinars}/{id}/{start|end|drop-stream}`.
pub(crate) fn item_action(
    control: &SimulatorControl,
    request: &ApiRequest,
    kind: &str,
    id: &str,
    action: &str,
) -> SimResponse {
    let item = if kind == "meetings" {
        Item::Meeting
    } else {
        Item::Webinar
    };
    if !matches!(action, "start" | "end" | "drop-stream") {
        return refused(StatusCode::NOT_FOUND, "not found");
    }
    if request.method != Method::POST {
        return SimResponse::method_not_allowed("POST").bare();
    }
    let Ok(id) = id.parse::<u64>() else {
        return refused(StatusCode::BAD_REQUEST, "the id must be a number");
    };
    let exists = match item {
        Item::Meeting => control.meeting(id).is_some(),
        Item::Webinar => control.webinar(id).is_some(),
    };
    if !exists {
        return refused(StatusCode::NOT_FOUND, format!("no {} {id}", item.noun()));
    }
    let result = match action {
        "drop-stream" => control.drop_stream(item, id).map(|()| None),
        action => control.lifecycle(item, id, action == "start").map(Some),
    };
    match result {
        Ok(Some(event_ts)) => answer(StatusCode::OK, &json!({"event_ts": event_ts})),
        Ok(None) => SimResponse::no_content().bare(),
        Err(message) => refused(StatusCode::CONFLICT, message),
    }
}

/// `GET|PUT /__admin/webhook/redelivery` and `POST /__admin/webhook/deliveries/{id}/redeliver`
/// (`rest` is what follows `webhook/`).
pub(crate) fn webhook(
    control: &SimulatorControl,
    request: &ApiRequest,
    rest: &[&str],
) -> SimResponse {
    match (&request.method, rest) {
        (&Method::GET, ["redelivery"]) => answer(StatusCode::OK, &control.redelivery().to_json()),
        (&Method::PUT, ["redelivery"]) => match Redelivery::from_json(&request.body) {
            Ok(plan) => {
                control.set_redelivery(plan);
                SimResponse::no_content().bare()
            }
            Err(message) => refused(StatusCode::BAD_REQUEST, message),
        },
        (_, ["redelivery"]) => SimResponse::method_not_allowed("GET, PUT").bare(),
        (&Method::POST, ["deliveries", id, "redeliver"]) => redeliver(control, request, id),
        (_, ["deliveries", _, "redeliver"]) => SimResponse::method_not_allowed("POST").bare(),
        _ => refused(StatusCode::NOT_FOUND, "not found"),
    }
}

/// `{"delay_ms": 0, "to": "http://…"}`, both optional (an empty body too).
fn redeliver(control: &SimulatorControl, request: &ApiRequest, id: &str) -> SimResponse {
    #[derive(serde::Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    struct Body {
        delay_ms: Option<u64>,
        to: Option<String>,
    }
    let Ok(id) = id.parse::<u64>() else {
        return refused(StatusCode::BAD_REQUEST, "the delivery id must be a number");
    };
    let body: Body = if request.body.iter().all(u8::is_ascii_whitespace) {
        Body::default()
    } else {
        match serde_json::from_slice(&request.body) {
            Ok(body) => body,
            Err(e) => return refused(StatusCode::BAD_REQUEST, format!("invalid body: {e}")),
        }
    };
    let to = match body.to.as_deref().map(redelivery::http_url).transpose() {
        Ok(to) => to,
        Err(message) => return refused(StatusCode::BAD_REQUEST, message),
    };
    let delay = Duration::from_millis(body.delay_ms.unwrap_or(0));
    match control.webhooks().redeliver(id, delay, to) {
        Ok(new_id) => answer(StatusCode::CREATED, &json!({"id": new_id})),
        Err(message) => refused(StatusCode::NOT_FOUND, message),
    }
}

/// `PUT /__admin/start-window` with `{"millis": 30000}`.
pub(crate) fn start_window(control: &SimulatorControl, request: &ApiRequest) -> SimResponse {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        millis: u64,
    }
    match serde_json::from_slice::<Body>(&request.body) {
        Ok(body) => {
            control.set_start_window(Duration::from_millis(body.millis));
            SimResponse::no_content().bare()
        }
        Err(e) => refused(
            StatusCode::BAD_REQUEST,
            format!("expected {{\"millis\": n}}: {e}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_times_never_repeat() {
        let times: Vec<u64> = (0..1000).map(|_| next_event_ts()).collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(capitalised("webinar"), "Webinar");
    }
}
