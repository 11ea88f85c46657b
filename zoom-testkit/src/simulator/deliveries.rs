//! Webhook deliveries: when a meeting's live stream starts or stops through the API, a signed
//! `meeting.live_streaming_started` / `…_stopped` goes to the configured URL, in a task of its
//! own (the API answer never waits for it), retried on Zoom's schedule until a 2xx comes back
//! in time, then given up.
//!
//! The bodies are built by [`crate::webhooks::account_live_streaming_body`] and signed by
//! [`crate::webhooks::Delivery::signed`] (zoom_webhook's signer): one signer for the samples and
//! the simulator.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use zoom_webhook::{MEETING_LIVE_STREAMING_STARTED, MEETING_LIVE_STREAMING_STOPPED};

use super::clock;
use super::config::{SimMeeting, WebhookConfig};
use super::world::{StreamNotice, World};
use crate::webhooks::{self, Delivery};

/// The `host_id` of every simulated meeting in webhook payloads.
pub(crate) const SIM_HOST_ID: &str = "sim-host-user-id";

/// The `User-Agent` Zoom's deliveries carry.
const USER_AGENT: &str = "Zoom Marketplace/1.0a";

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

/// One try of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookAttempt {
    /// When the try was sent, in Unix milliseconds.
    pub sent_at_ms: u64,
    /// The receiver's status code, if it answered in time.
    pub status: Option<u16>,
    /// Why there is no status code (no connection, no answer in time), if there is none.
    pub error: Option<String>,
}

impl WebhookAttempt {
    /// Whether the receiver acknowledged it (a 2xx in time).
    pub fn acknowledged(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
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
}

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
        self.lock().log.clear();
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
        while inner.tasks.try_join_next().is_some() {}
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
            self.enqueue(&mut inner, &config, event);
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
        while inner.tasks.try_join_next().is_some() {}
        for event in events {
            self.enqueue(&mut inner, &config, event);
        }
    }

    /// Records `event` as pending and starts its delivery task.
    fn enqueue(&self, inner: &mut Inner, config: &WebhookConfig, event: Outgoing) {
        let id = inner.next_id;
        inner.next_id += 1;
        inner.log.push(WebhookDelivery {
            id,
            event: event.event.to_owned(),
            meeting_id: event.meeting_id,
            session_id: event.session_id,
            event_ts: event.event_ts,
            url: config.url().to_string(),
            state: WebhookDeliveryState::Pending,
            attempts: Vec::new(),
        });
        let runtime = tokio::runtime::Handle::try_current()
            .ok()
            .or_else(|| inner.runtime.clone());
        match runtime {
            Some(runtime) => {
                let task = deliver(self.clone(), id, config.clone(), event.body);
                inner.tasks.spawn_on(task, &runtime);
            }
            None => inner.finish(id, failed("no tokio runtime to deliver from")),
        }
    }

    /// Records a try of delivery `id`; the last one settles its state.
    fn record(&self, id: u64, attempt: WebhookAttempt, last: bool) {
        let mut inner = self.lock();
        if last || attempt.acknowledged() {
            inner.finish(id, attempt);
        } else if let Some(delivery) = inner.find(id) {
            delivery.attempts.push(attempt);
        }
    }
}

impl Inner {
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

pub(crate) fn unix_millis(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A stable made-up meeting UUID (Zoom's are 16 bytes in base64).
fn meeting_uuid(id: u64) -> String {
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

fn failed(error: impl Into<String>) -> WebhookAttempt {
    WebhookAttempt {
        sent_at_ms: unix_millis(SystemTime::now()),
        status: None,
        error: Some(error.into()),
    }
}

/// Tries delivery `id` until a 2xx comes back in time, waiting Zoom's (scaled) delays in
/// between, and records each try.
async fn deliver(webhooks: Webhooks, id: u64, config: WebhookConfig, body: Vec<u8>) {
    let delays = config.retry_delays();
    for try_number in 0..=delays.len() {
        if let Some(delay) = try_number.checked_sub(1).and_then(|i| delays.get(i)) {
            tokio::time::sleep(*delay).await;
        }
        // Signed anew each time, like Zoom: a retry an hour later is not stale.
        let delivery = Delivery::signed(
            config.secret_token().expose_secret(),
            webhooks::unix_now(),
            body.clone(),
        );
        let sent_at_ms = unix_millis(SystemTime::now());
        let attempt = match tokio::time::timeout(config.timeout(), post(&config, delivery)).await {
            Ok(Ok(status)) => WebhookAttempt {
                sent_at_ms,
                status: Some(status),
                error: None,
            },
            Ok(Err(error)) => WebhookAttempt {
                sent_at_ms,
                status: None,
                error: Some(error),
            },
            Err(_) => WebhookAttempt {
                sent_at_ms,
                status: None,
                error: Some(format!("no answer within {:?}", config.timeout())),
            },
        };
        let done = attempt.acknowledged();
        webhooks.record(id, attempt, try_number == delays.len());
        if done {
            return;
        }
    }
}

/// POSTs `delivery` to the configured URL over a new HTTP/1.1 connection; the answer's
/// status code. The caller bounds the time.
async fn post(config: &WebhookConfig, delivery: Delivery) -> Result<u16, String> {
    let url = config.url();
    let host = url.host().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = url.port_u16().unwrap_or(80);
    let target = url.path_and_query().map_or("/", |p| p.as_str());
    let stream = TcpStream::connect((host, port))
        .await
        .map_err(|e| format!("cannot connect: {e}"))?;
    let _ = stream.set_nodelay(true);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("cannot talk HTTP/1.1: {e}"))?;
    let (mut parts, body) = delivery.to_request(target).into_parts();
    if let Some(authority) = url.authority()
        && let Ok(value) = http::HeaderValue::from_str(authority.as_str())
    {
        parts.headers.insert(http::header::HOST, value);
    }
    parts.headers.insert(
        http::header::USER_AGENT,
        http::HeaderValue::from_static(USER_AGENT),
    );
    let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
    let answer = sender.send_request(request);
    tokio::pin!(answer, connection);
    let response = tokio::select! {
        biased;
        response = &mut answer => response,
        // The connection ended first (the receiver closed it): the answer is settled now.
        _ = &mut connection => answer.await,
    };
    response
        .map(|r| r.status().as_u16())
        .map_err(|e| format!("no answer: {e}"))
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
