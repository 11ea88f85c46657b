//! Webhook deliveries: when a meeting's live stream starts or stops through the API, a signed
//! `meeting.live_streaming_started` / `…_stopped` goes to the configured URL, in a task of its
//! own (the API answer never waits for it), retried on Zoom's schedule until a 2xx comes back
//! in time, then given up.
//!
//! The bodies are built by [`crate::webhooks::account_live_streaming_body`] and signed by
//! [`crate::webhooks::Delivery::signed`] (zoom_webhook's signer): one signer for the samples and
//! the simulator.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::task::JoinSet;
use zoom_webhook::{MEETING_LIVE_STREAMING_STARTED, MEETING_LIVE_STREAMING_STOPPED};

use super::clock::{self, unix_millis};
use super::config::{SimMeeting, WebhookConfig};
use super::redelivery::Redelivery;
use super::sender::{WebhookAttempt, deliver, failed};
use super::world::{StreamNotice, World};
use crate::webhooks;

/// The `host_id` of every simulated meeting in webhook payloads.
pub(crate) const SIM_HOST_ID: &str = "sim-host-user-id";

/// Where one event's delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookDeliveryState {
    /// Not acknowledged yet; a try is under way or a retry is scheduled.
    Pending,
    /// A try was answered with a 2xx in time.
    Delivered,
    /// Every try (the first and Zoom's three retries) failed: Zoom gives up too.
    GaveUp,
    /// The webhook configuration changed or was removed before it was delivered.
    Cancelled,
}

/// One event the simulator delivers (or delivered, or gave up on). The body, which carries
/// the stream key in clear like Zoom's, is not kept here: the receiver has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    /// 1, 2, 3… in the order the events happened.
    pub id: u64,
    /// `meeting.live_streaming_started` or `meeting.live_streaming_stopped`; for a Video SDK
    /// session `session.live_streaming_started`, `…_stopped`, `session.started` or
    /// `session.ended`.
    pub event: String,
    /// The meeting whose stream started or stopped (0 for a session's event).
    pub meeting_id: u64,
    /// The Video SDK session a `session.…` event is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// The event's `event_ts` (Unix milliseconds), the same in every try.
    pub event_ts: u64,
    /// Where it goes.
    pub url: String,
    /// Where it stands.
    pub state: WebhookDeliveryState,
    /// The tries so far, oldest first.
    pub attempts: Vec<WebhookAttempt>,
    /// The delivery this one repeats (same body, same `event_ts`), when it is a redelivery:
    /// an extra copy of a [`Redelivery`] plan, or one asked for by
    /// `POST /__admin/webhook/deliveries/{id}/redeliver`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redelivery_of: Option<u64>,
}

/// How many delivered bodies are kept for redelivery (the oldest go first).
const KEPT_BODIES: usize = 10_000;

/// One event to deliver: its name, what it is about, its `event_ts` and its body.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub(crate) event: &'static str,
    pub(crate) meeting_id: u64,
    pub(crate) session_id: Option<String>,
    pub(crate) event_ts: u64,
    pub(crate) body: Vec<u8>,
}

/// The configuration, the deliveries' record and their tasks; shared with the tasks, which
/// write each try's outcome back.
#[derive(Debug, Clone)]
pub(crate) struct Webhooks {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug)]
struct Inner {
    config: Option<WebhookConfig>,
    log: Vec<WebhookDelivery>,
    next_id: u64,
    tasks: JoinSet<()>,
    /// Extra receivers, copies and delays for every event.
    redelivery: Redelivery,
    /// The events sent, by delivery id, for redeliveries.
    sent: BTreeMap<u64, Outgoing>,
    /// The simulator's runtime, for deliveries started from outside it (a change through
    /// [`SimulatorControl`](super::SimulatorControl) on a plain thread).
    runtime: Option<tokio::runtime::Handle>,
}

impl Webhooks {
    pub(crate) fn new(config: Option<WebhookConfig>) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner {
                config,
                log: Vec::new(),
                next_id: 1,
                tasks: JoinSet::new(),
                redelivery: Redelivery::default(),
                sent: BTreeMap::new(),
                runtime: tokio::runtime::Handle::try_current().ok(),
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current configuration.
    pub(crate) fn config(&self) -> Option<WebhookConfig> {
        self.lock().config.clone()
    }

    /// Replaces the configuration; deliveries still pending are cancelled.
    pub(crate) fn configure(&self, config: Option<WebhookConfig>) {
        let mut inner = self.lock();
        inner.cancel_pending();
        inner.config = config;
    }

    /// Back to `config`, with no deliveries on record.
    pub(crate) fn reset(&self, config: Option<WebhookConfig>) {
        let mut inner = self.lock();
        inner.cancel_pending();
        inner.config = config;
        inner.log.clear();
        inner.sent.clear();
        inner.redelivery = Redelivery::default();
    }

    /// Stops every pending delivery (the simulator is going away).
    pub(crate) fn shutdown(&self) {
        self.lock().cancel_pending();
    }

    /// Every delivery so far, oldest first.
    pub(crate) fn deliveries(&self) -> Vec<WebhookDelivery> {
        self.lock().log.clone()
    }

    /// Forgets the deliveries on record (pending ones still go on, unrecorded).
    pub(crate) fn clear_deliveries(&self) {
        let mut inner = self.lock();
        inner.log.clear();
        inner.sent.clear();
    }

    /// The redelivery plan in force.
    pub(crate) fn redelivery(&self) -> Redelivery {
        self.lock().redelivery.clone()
    }

    /// Applies `plan` to every event from now on.
    pub(crate) fn set_redelivery(&self, plan: Redelivery) {
        self.lock().redelivery = plan;
    }

    /// Starts delivering `event` about `object_id` (a meeting's or webinar's id) with `body`,
    /// as configured (nowhere without a configuration). The lifecycle events use it.
    pub(crate) fn send(&self, event: &'static str, object_id: u64, event_ts: u64, body: Vec<u8>) {
        self.deliver(vec![Outgoing {
            event,
            meeting_id: object_id,
            session_id: None,
            event_ts,
            body,
        }]);
    }

    /// Delivers the body of delivery `id` again, the same `event_ts`, after `delay`, to
    /// `to` (its own URL when `None`); the new delivery's id. The redelivery plan does not
    /// apply to it.
    pub(crate) fn redeliver(
        &self,
        id: u64,
        delay: Duration,
        to: Option<http::Uri>,
    ) -> Result<u64, String> {
        let mut inner = self.lock();
        let Some(config) = inner.config.clone() else {
            return Err("no webhook is configured".to_owned());
        };
        let Some(sent) = inner.sent.get(&id).cloned() else {
            return Err(format!("no delivery {id} on record"));
        };
        let url = match to {
            Some(url) => url,
            None => match inner.log.iter().find(|d| d.id == id) {
                Some(delivery) => delivery.url.parse().map_err(|_| "a bad URL".to_owned())?,
                None => config.url().clone(),
            },
        };
        Ok(inner.deliver_one(self, &config, &sent, url, delay, Some(id)))
    }

    /// Takes the live-stream changes out of `world` and starts delivering one event for each,
    /// built from the meeting's state now. Without a configuration they are dropped.
    pub(crate) fn dispatch(&self, world: &mut World) {
        let notices = std::mem::take(&mut world.notices);
        if notices.is_empty() {
            return;
        }
        let mut inner = self.lock();
        let Some(config) = inner.config.clone() else {
            return;
        };
        let now = SystemTime::now();
        for notice in notices {
            let Some(meeting) = world.meetings.get(&notice.meeting_id) else {
                continue;
            };
            let event = Outgoing {
                event: event_name(notice),
                meeting_id: notice.meeting_id,
                session_id: None,
                event_ts: unix_millis(now),
                body: payload(world, notice, meeting, now),
            };
            inner.start(self, &config, &event, None);
        }
    }

    /// Starts delivering events built elsewhere (the Video SDK session events); without a
    /// configuration they are dropped.
    pub(crate) fn deliver(&self, events: Vec<Outgoing>) {
        if events.is_empty() {
            return;
        }
        let mut inner = self.lock();
        let Some(config) = inner.config.clone() else {
            return;
        };
        for event in events {
            inner.start(self, &config, &event, None);
        }
    }

    /// Records a try of delivery `id`; the last one settles its state.
    pub(super) fn record(&self, id: u64, attempt: WebhookAttempt, last: bool) {
        let mut inner = self.lock();
        if last || attempt.acknowledged() {
            inner.finish(id, attempt);
        } else if let Some(delivery) = inner.find(id) {
            delivery.attempts.push(attempt);
        }
    }
}

impl Inner {
    /// Starts every delivery of one event that the redelivery plan asks for.
    fn start(
        &mut self,
        webhooks: &Webhooks,
        config: &WebhookConfig,
        sent: &Outgoing,
        redelivery_of: Option<u64>,
    ) {
        let mut first = redelivery_of;
        for (url, delay) in self.redelivery.plan(config.url()) {
            let id = self.deliver_one(webhooks, config, sent, url, delay, first);
            // The copies repeat the first delivery of the event.
            first.get_or_insert(id);
        }
    }

    /// Records and starts one delivery of `sent` to `url` after `delay`; its id.
    fn deliver_one(
        &mut self,
        webhooks: &Webhooks,
        config: &WebhookConfig,
        sent: &Outgoing,
        url: http::Uri,
        delay: Duration,
        redelivery_of: Option<u64>,
    ) -> u64 {
        while self.tasks.try_join_next().is_some() {}
        let id = self.next_id;
        self.next_id += 1;
        self.log.push(WebhookDelivery {
            id,
            event: sent.event.to_owned(),
            meeting_id: sent.meeting_id,
            session_id: sent.session_id.clone(),
            event_ts: sent.event_ts,
            url: url.to_string(),
            state: WebhookDeliveryState::Pending,
            attempts: Vec::new(),
            redelivery_of,
        });
        self.sent.insert(id, sent.clone());
        while self.sent.len() > KEPT_BODIES {
            self.sent.pop_first();
        }
        let runtime = tokio::runtime::Handle::try_current()
            .ok()
            .or_else(|| self.runtime.clone());
        match runtime {
            Some(runtime) => {
                let webhooks = webhooks.clone();
                let task = deliver(
                    move |attempt, last| webhooks.record(id, attempt, last),
                    config.clone(),
                    url,
                    delay,
                    sent.body.clone(),
                );
                self.tasks.spawn_on(task, &runtime);
            }
            None => self.finish(id, failed("no tokio runtime to deliver from")),
        }
        id
    }

    fn find(&mut self, id: u64) -> Option<&mut WebhookDelivery> {
        self.log.iter_mut().find(|d| d.id == id)
    }

    /// Records the last try of delivery `id` and settles its state from it.
    fn finish(&mut self, id: u64, attempt: WebhookAttempt) {
        if let Some(delivery) = self.find(id) {
            delivery.state = if attempt.acknowledged() {
                WebhookDeliveryState::Delivered
            } else {
                WebhookDeliveryState::GaveUp
            };
            delivery.attempts.push(attempt);
        }
    }

    fn cancel_pending(&mut self) {
        self.tasks.abort_all();
        for delivery in &mut self.log {
            if delivery.state == WebhookDeliveryState::Pending {
                delivery.state = WebhookDeliveryState::Cancelled;
            }
        }
    }
}

fn event_name(notice: StreamNotice) -> &'static str {
    if notice.started {
        MEETING_LIVE_STREAMING_STARTED
    } else {
        MEETING_LIVE_STREAMING_STOPPED
    }
}

/// A stable made-up meeting UUID (Zoom's are 16 bytes in base64).
pub(crate) fn meeting_uuid(id: u64) -> String {
    let mut bytes = [0_u8; 16];
    bytes[..8].copy_from_slice(&id.to_be_bytes());
    bytes[8..].copy_from_slice(b"sim-uuid");
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The event's body, in the shape of zoom-api.md §10, from the meeting's state.
fn payload(world: &World, notice: StreamNotice, meeting: &SimMeeting, now: SystemTime) -> Vec<u8> {
    let id = notice.meeting_id;
    let topic = meeting
        .topic
        .clone()
        .unwrap_or_else(|| format!("Meeting {id}"));
    let settings = meeting
        .stream
        .as_ref()
        .and_then(|stream| serde_json::to_value(stream).ok());
    let object = json!({
        "id": id,
        "uuid": meeting_uuid(id),
        "host_id": SIM_HOST_ID,
        "topic": topic,
        "type": 2,
        "start_time": clock::iso8601(world.created),
        "timezone": "UTC",
        "duration": 60,
        "live_streaming": {
            "service": "Custom_Live_Streaming_Service",
            "date_time": clock::iso8601(now),
            "custom_live_streaming_settings": settings,
        },
    });
    webhooks::account_live_streaming_body(
        &world.account.account_id,
        event_name(notice),
        unix_millis(now),
        object,
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::simulator::config::WEBHOOK_RETRY_DELAYS;

    #[test]
    fn the_schedule_is_zooms_and_scales() {
        let minutes: Vec<u64> = WEBHOOK_RETRY_DELAYS
            .iter()
            .map(|d| d.as_secs() / 60)
            .collect();
        assert_eq!(minutes, [5, 20, 60]);
        let config = WebhookConfig::new("http://127.0.0.1:1/", "s")
            .unwrap()
            .time_scale(60_000);
        assert_eq!(
            config.retry_delays(),
            [5, 20, 60].map(Duration::from_millis)
        );
        assert_eq!(config.clone().time_scale(0).scale(), 1);
    }

    #[test]
    fn uuids_are_zoom_shaped_and_stable() {
        let uuid = meeting_uuid(85_746_065_432);
        assert_eq!(uuid.len(), 24);
        assert!(uuid.ends_with("=="));
        assert_eq!(uuid, meeting_uuid(85_746_065_432));
        assert_ne!(uuid, meeting_uuid(85_746_065_433));
    }
}
