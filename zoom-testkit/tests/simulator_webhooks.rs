//! The simulator's webhook deliveries: signed live-stream events to a loopback receiver, with
//! the meeting's state, retried on Zoom's (compressed) schedule, and none unless configured.

mod simulator_common;

use std::collections::VecDeque;
use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use simulator_common::{meeting_path, patch, request, webinar_path};
use zoom_core::http::HeaderMap;
use zoom_testkit::simulator::{
    self, BlockingSimulator, DEMO_MEETING_ID, DEMO_STREAM_KEY, DEMO_STREAM_URL, DEMO_WEBINAR_ID,
    Fault, FaultRule, SimMeeting, SimulatorConfig, WebhookConfig, WebhookDelivery,
    WebhookDeliveryState,
};
use zoom_testkit::webhooks;
use zoom_testkit::webhooks::NON_ASCII_TOPIC;
use zoom_webhook::{Event, Verifier};

const SECRET: &str = "sim-webhook-secret";
/// Zoom's 5, 20 and 60 minutes become 5, 20 and 60 milliseconds.
const SCALE: u32 = 60_000;

/// What the receiver does with one delivery.
#[derive(Debug, Clone, Copy)]
enum Answer {
    Status(u16),
    /// Reads the delivery and never answers (the connection stays open).
    Silent,
}

/// A delivery as the receiver got it.
#[derive(Debug)]
struct Received {
    target: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    fn event(&self, secret: &str) -> Event {
        Verifier::new(secret)
            .verify_event_now(&self.headers, &self.body)
            .expect("a delivery signed with the secret, now")
    }
}

/// A loopback HTTP receiver on its own thread, answering from a script (200 once it runs out).
struct Receiver {
    addr: SocketAddr,
    received: mpsc::Receiver<Received>,
}

impl Receiver {
    fn start(script: &[Answer]) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let script = Arc::new(Mutex::new(script.iter().copied().collect::<VecDeque<_>>()));
        let (sender, received) = mpsc::channel();
        std::thread::spawn(move || {
            let mut silent = Vec::new();
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let Some(got) = webhooks::read_request(&stream) else {
                    continue;
                };
                let (head, body) = got.into_parts();
                let delivery = Received {
                    target: head.uri.to_string(),
                    headers: head.headers,
                    body,
                };
                let answer = script.lock().unwrap().pop_front();
                if sender.send(delivery).is_err() {
                    return;
                }
                match answer.unwrap_or(Answer::Status(200)) {
                    Answer::Status(status) => {
                        let mut stream = stream;
                        let _ = write!(
                            stream,
                            "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                        );
                    }
                    Answer::Silent => silent.push(stream),
                }
            }
        });
        Receiver { addr, received }
    }

    fn url(&self) -> String {
        format!("http://{}/zoom/events", self.addr)
    }

    /// The next delivery; fails the test after a generous bound (not a speed requirement).
    fn next(&self) -> Received {
        self.received
            .recv_timeout(Duration::from_secs(30))
            .expect("a delivery reached the receiver")
    }

    fn nothing_more(&self) {
        assert!(self.received.try_recv().is_err(), "an unexpected delivery");
    }
}

fn simulator(webhook: Option<WebhookConfig>) -> BlockingSimulator {
    BlockingSimulator::start_with(SimulatorConfig {
        webhook,
        // These tests start a stopped stream again at once: no 30-second window.
        start_window: Duration::ZERO,
        ..SimulatorConfig::default()
    })
    .unwrap()
}

fn config(receiver: &Receiver) -> WebhookConfig {
    WebhookConfig::new(&receiver.url(), SECRET)
        .unwrap()
        .time_scale(SCALE)
}

fn set_status(sim: &BlockingSimulator, path: &str, action: &str) -> u16 {
    patch(
        sim.addr(),
        &format!("{path}/status"),
        &json!({"action": action}),
    )
    .status
}

fn start(sim: &BlockingSimulator, id: u64) -> u16 {
    set_status(sim, &meeting_path(id), "start")
}

fn stop(sim: &BlockingSimulator, id: u64) -> u16 {
    set_status(sim, &meeting_path(id), "stop")
}

/// Waits (boundedly) until delivery `id` is settled, and returns it.
fn settled(sim: &BlockingSimulator, id: u64) -> WebhookDelivery {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found = sim.webhook_deliveries().into_iter().find(|d| d.id == id);
        if let Some(delivery) = found.filter(|d| d.state != WebhookDeliveryState::Pending) {
            return delivery;
        }
        assert!(Instant::now() < deadline, "delivery {id} never settled");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn statuses(delivery: &WebhookDelivery) -> Vec<Option<u16>> {
    delivery.attempts.iter().map(|a| a.status).collect()
}

#[test]
fn starting_and_stopping_deliver_signed_events_with_the_meetings_state() {
    let receiver = Receiver::start(&[]);
    let sim = simulator(Some(config(&receiver)));
    let mut meeting = sim.meeting(DEMO_MEETING_ID).unwrap();
    meeting.topic = Some(NON_ASCII_TOPIC.to_owned());
    sim.upsert_meeting(DEMO_MEETING_ID, meeting);

    assert_eq!(start(&sim, DEMO_MEETING_ID), 204);
    let started = receiver.next();
    assert_eq!(started.target, "/zoom/events");
    assert_eq!(
        started.headers["content-type"],
        "application/json; charset=utf-8"
    );
    let Event::MeetingLiveStreamingStarted(event) = started.event(SECRET) else {
        panic!("not a started event: {}", started.json())
    };
    assert_eq!(
        event.account_id.as_deref(),
        Some(simulator::DEMO_ACCOUNT_ID)
    );
    let object = &event.meeting;
    assert_eq!(object.id, Some(DEMO_MEETING_ID));
    assert_eq!(object.topic.as_deref(), Some(NON_ASCII_TOPIC));
    assert_eq!(object.uuid.as_ref().map(String::len), Some(24));
    assert!(object.host_id.is_some() && object.start_time.is_some());
    let live = object.live_streaming.as_ref().unwrap();
    assert_eq!(
        live.service.as_ref().unwrap().as_str(),
        "Custom_Live_Streaming_Service"
    );
    let settings = live.custom_live_streaming_settings.as_ref().unwrap();
    assert_eq!(settings.stream_url.as_deref(), Some(DEMO_STREAM_URL));
    assert_eq!(
        settings.stream_key.as_ref().unwrap().expose_secret(),
        DEMO_STREAM_KEY
    );
    // Another secret does not verify it.
    assert!(
        Verifier::new("another-secret")
            .verify_event_now(&started.headers, &started.body)
            .is_err()
    );

    // A changed stream shows in the stopped event.
    let update = json!({"stream_url": "rtmp://live.example/app", "stream_key": "k-2", "page_url": "https://example.com/live"});
    assert_eq!(
        patch(sim.addr(), &meeting_path(DEMO_MEETING_ID), &update).status,
        204
    );
    assert_eq!(stop(&sim, DEMO_MEETING_ID), 204);
    let stopped = receiver.next();
    let Event::MeetingLiveStreamingStopped(event) = stopped.event(SECRET) else {
        panic!("not a stopped event: {}", stopped.json())
    };
    let settings = event.meeting.live_streaming.unwrap();
    let settings = settings.custom_live_streaming_settings.unwrap();
    assert_eq!(
        settings.stream_url.as_deref(),
        Some("rtmp://live.example/app")
    );
    assert_eq!(settings.stream_key.unwrap().expose_secret(), "k-2");

    let log = sim.webhook_deliveries();
    assert_eq!(log.len(), 2);
    for (delivery, name) in log.iter().zip(["started", "stopped"]) {
        let delivery = settled(&sim, delivery.id);
        assert_eq!(delivery.event, format!("meeting.live_streaming_{name}"));
        assert_eq!(delivery.meeting_id, DEMO_MEETING_ID);
        assert_eq!(delivery.state, WebhookDeliveryState::Delivered);
        assert_eq!(statuses(&delivery), [Some(200)]);
    }
    receiver.nothing_more();
}

#[test]
fn nothing_is_delivered_without_a_configuration() {
    let receiver = Receiver::start(&[]);
    let sim = simulator(None);
    assert_eq!(start(&sim, DEMO_MEETING_ID), 204);
    assert_eq!(stop(&sim, DEMO_MEETING_ID), 204);
    // Deliveries are put on record before the API answers: none was.
    assert!(sim.webhook_deliveries().is_empty());

    // Configured later, the next change is delivered, and only it.
    sim.set_webhook(Some(config(&receiver)));
    assert_eq!(start(&sim, DEMO_MEETING_ID), 204);
    assert_eq!(
        receiver.next().json()["event"],
        "meeting.live_streaming_started"
    );
    assert_eq!(sim.webhook_deliveries().len(), 1);
    assert_eq!(settled(&sim, 1).state, WebhookDeliveryState::Delivered);

    // Removed again: nothing more.
    sim.set_webhook(None);
    assert_eq!(stop(&sim, DEMO_MEETING_ID), 204);
    assert_eq!(sim.webhook_deliveries().len(), 1);
    receiver.nothing_more();
}

#[test]
fn only_real_changes_of_meetings_are_delivered() {
    let receiver = Receiver::start(&[]);
    let sim = simulator(Some(config(&receiver)));
    // Stopping a stream that is not running changes nothing: no event.
    assert_eq!(stop(&sim, DEMO_MEETING_ID), 204);
    // Webinars: Zoom has no webinar live-stream event.
    assert_eq!(
        set_status(&sim, &webinar_path(DEMO_WEBINAR_ID), "start"),
        204
    );
    assert_eq!(
        set_status(&sim, &webinar_path(DEMO_WEBINAR_ID), "stop"),
        204
    );
    // A refused start (not configured, not started), a second start (429), a faulted one.
    assert_eq!(start(&sim, 81_000_000_004), 400);
    sim.push_fault(FaultRule::new(Fault::Status { status: 503 }).once());
    assert_eq!(start(&sim, DEMO_MEETING_ID), 503);
    assert!(sim.webhook_deliveries().is_empty());
    assert_eq!(start(&sim, DEMO_MEETING_ID), 204);
    assert_eq!(start(&sim, DEMO_MEETING_ID), 429);

    let log = sim.webhook_deliveries();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].event, "meeting.live_streaming_started");
    assert_eq!(
        receiver.next().json()["event"],
        "meeting.live_streaming_started"
    );
    settled(&sim, 1);
    receiver.nothing_more();
}

#[test]
fn a_5xx_is_retried_on_the_compressed_schedule_with_the_same_event() {
    let receiver = Receiver::start(&[Answer::Status(500), Answer::Status(503)]);
    let sim = simulator(Some(config(&receiver)));
    assert_eq!(start(&sim, DEMO_MEETING_ID), 204);
    let tries: Vec<Received> = (0..3).map(|_| receiver.next()).collect();
    let delivery = settled(&sim, 1);
    assert_eq!(delivery.state, WebhookDeliveryState::Delivered);
    assert_eq!(statuses(&delivery), [Some(500), Some(503), Some(200)]);
    // Every try is signed (anew) and carries the same event: a receiver de-duplicates them.
    let keys: Vec<_> = tries
        .iter()
        .map(|t| t.event(SECRET).delivery_key())
        .collect();
    assert!(keys.windows(2).all(|w| w[0] == w[1]), "{keys:?}");
    assert_eq!(keys[0].event_ts, Some(delivery.event_ts));
    // The tries are spaced by at least the scaled delays (5 ms, then 20 ms).
    let sent: Vec<u64> = delivery.attempts.iter().map(|a| a.sent_at_ms).collect();
    assert!(
        sent[1] >= sent[0] + 5 && sent[2] >= sent[1] + 20,
        "{sent:?}"
    );
    receiver.nothing_more();
}

#[test]
fn after_three_retries_the_simulator_gives_up() {
    let receiver = Receiver::start(&[Answer::Status(500); 5]);
    let sim = simulator(Some(config(&receiver)));
    assert_eq!(start(&sim, DEMO_MEETING_ID), 204);
    let delivery = settled(&sim, 1);
    assert_eq!(delivery.state, WebhookDeliveryState::GaveUp);
    assert_eq!(statuses(&delivery), [Some(500); 4]);
    for _ in 0..4 {
        receiver.next();
    }
    receiver.nothing_more();
}

#[test]
fn a_receiver_that_does_not_answer_within_3_seconds_gets_a_retry() {
    let receiver = Receiver::start(&[Answer::Silent]);
    // The default acknowledgement timeout: Zoom's 3 seconds.
    let sim = simulator(Some(config(&receiver)));
    assert_eq!(start(&sim, DEMO_MEETING_ID), 204);
    let first = receiver.next();
    let second = receiver.next();
    assert_eq!(first.body, second.body);
    let delivery = settled(&sim, 1);
    assert_eq!(delivery.state, WebhookDeliveryState::Delivered);
    assert_eq!(statuses(&delivery), [None, Some(200)]);
    let error = delivery.attempts[0].error.as_deref().unwrap();
    assert!(error.contains("no answer within 3s"), "{error}");
    // Not before the 3 seconds were up.
    let gap = delivery.attempts[1].sent_at_ms - delivery.attempts[0].sent_at_ms;
    assert!(gap >= 3000, "{gap}");
}

#[test]
fn an_unreachable_receiver_is_given_up_and_a_new_configuration_cancels_retries() {
    // A port nobody listens on: bind, note it, close.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let sim = simulator(Some(
        WebhookConfig::new(&url, SECRET).unwrap().time_scale(SCALE),
    ));
    assert_eq!(start(&sim, DEMO_MEETING_ID), 204);
    let delivery = settled(&sim, 1);
    assert_eq!(delivery.state, WebhookDeliveryState::GaveUp);
    assert_eq!(delivery.attempts.len(), 4);
    assert!(
        delivery.attempts.iter().all(
            |a| a.status.is_none() && a.error.as_deref().unwrap().starts_with("cannot connect")
        )
    );

    // On Zoom's real schedule the next retry is 5 minutes away; a new configuration
    // cancels it.
    sim.set_webhook(Some(WebhookConfig::new(&url, SECRET).unwrap()));
    assert_eq!(stop(&sim, DEMO_MEETING_ID), 204);
    let deadline = Instant::now() + Duration::from_secs(30);
    while sim.webhook_deliveries()[1].attempts.is_empty() {
        assert!(Instant::now() < deadline, "no first try");
        std::thread::sleep(Duration::from_millis(10));
    }
    sim.set_webhook(None);
    let delivery = settled(&sim, 2);
    assert_eq!(delivery.state, WebhookDeliveryState::Cancelled);
    assert_eq!(delivery.attempts.len(), 1);
}

fn admin(sim: &BlockingSimulator, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let resp = request(
        sim.addr(),
        method,
        &format!("/__admin/{path}"),
        &[("content-type", "application/json")],
        body.as_bytes(),
    );
    let json = if resp.body.is_empty() {
        Value::Null
    } else {
        resp.json()
    };
    (resp.status, json)
}

#[test]
fn the_admin_api_configures_and_shows_deliveries() {
    let receiver = Receiver::start(&[Answer::Status(500)]);
    let sim = simulator(None);
    assert_eq!(
        admin(&sim, "GET", "webhook", None),
        (200, json!({"configured": false}))
    );
    let body = json!({"url": receiver.url(), "secret_token": SECRET, "time_scale": SCALE});
    assert_eq!(admin(&sim, "PUT", "webhook", Some(body)).0, 204);
    let (status, shown) = admin(&sim, "GET", "webhook", None);
    assert_eq!(status, 200);
    assert_eq!(
        shown,
        json!({"configured": true, "url": receiver.url(), "time_scale": SCALE,
               "ack_timeout_ms": 3000, "retry_delays_ms": [5, 20, 60]})
    );
    assert!(!shown.to_string().contains(SECRET));

    assert_eq!(start(&sim, DEMO_MEETING_ID), 204);
    settled(&sim, 1);
    let (status, log) = admin(&sim, "GET", "webhook/deliveries", None);
    assert_eq!(status, 200);
    assert_eq!(log[0]["event"], "meeting.live_streaming_started");
    assert_eq!(log[0]["meeting_id"], DEMO_MEETING_ID);
    assert_eq!(log[0]["state"], "delivered");
    assert_eq!(log[0]["attempts"][0]["status"], 500);
    assert_eq!(log[0]["attempts"][1]["status"], 200);
    assert!(!log.to_string().contains(DEMO_STREAM_KEY));
    assert_eq!(admin(&sim, "DELETE", "webhook/deliveries", None).0, 204);
    assert_eq!(
        admin(&sim, "GET", "webhook/deliveries", None),
        (200, json!([]))
    );

    for bad in [
        json!({"url": "https://hooks.example.com/", "secret_token": "s"}),
        json!({"url": "not a url", "secret_token": "s"}),
        json!({"url": receiver.url(), "secret_token": " "}),
        json!({"url": receiver.url()}),
        json!({"url": receiver.url(), "secret_token": "s", "time_scale": -1}),
        json!({"url": receiver.url(), "secret_token": "s", "extra": 1}),
    ] {
        let (status, answer) = admin(&sim, "PUT", "webhook", Some(bad.clone()));
        assert_eq!(status, 400, "{bad}: {answer}");
    }
    assert_eq!(admin(&sim, "POST", "webhook", None).0, 405);
    assert_eq!(admin(&sim, "DELETE", "webhook", None).0, 204);
    assert_eq!(admin(&sim, "GET", "webhook", None).1["configured"], false);

    // A reset goes back to the start-up configuration (none) and forgets deliveries.
    sim.set_webhook(Some(config(&receiver)));
    assert_eq!(admin(&sim, "POST", "reset", None).0, 204);
    assert!(sim.webhook().is_none() && sim.webhook_deliveries().is_empty());
}

#[test]
fn meetings_upserted_with_a_topic_show_it_in_the_admin_json() {
    let sim = simulator(None);
    sim.upsert_meeting(
        1,
        SimMeeting {
            topic: Some("Town hall".into()),
            ..SimMeeting::demo()
        },
    );
    let (_, meeting) = admin(&sim, "GET", "meetings/1", None);
    assert_eq!(meeting["topic"], "Town hall");
    let (_, meeting) = admin(&sim, "GET", &format!("meetings/{DEMO_MEETING_ID}"), None);
    assert!(meeting.get("topic").is_none(), "{meeting}");
}
