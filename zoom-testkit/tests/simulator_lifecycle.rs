//! Zoom's side of a meeting's life, from a test: meetings and webinars started and ended
//! (signed lifecycle events, ids as strings), a running stream dropped (an unasked
//! `live_streaming_stopped`), events delivered to several receivers, twice, late, and again on
//! demand; and the 429 of a second start within Zoom's 30 seconds.

mod simulator_common;

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use simulator_common::{meeting_path, patch, request};
use zoom_core::http::HeaderMap;
use zoom_testkit::simulator::{
    BlockingSimulator, DEMO_MEETING_ID, DEMO_WEBINAR_ID, Redelivery, SimMeeting, SimulatorConfig,
    WebhookConfig, WebhookDelivery, WebhookDeliveryState,
};
use zoom_testkit::webhooks;
use zoom_webhook::{Event, Target, Verifier};

const SECRET: &str = "sim-lifecycle-secret";
/// A meeting with the demo stream, not in progress.
const MEETING: u64 = 81_234_567_890;
/// A guard against hanging forever, not a speed requirement.
const PATIENCE: Duration = Duration::from_secs(30);

/// A loopback receiver answering 200 to everything; what it got comes out of `received`.
struct Receiver {
    addr: SocketAddr,
    received: mpsc::Receiver<(HeaderMap, Vec<u8>)>,
}

impl Receiver {
    fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (sender, received) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some(got) = webhooks::read_request(&stream) else {
                    continue;
                };
                let (head, body) = got.into_parts();
                let delivery = (head.headers, body);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
                if sender.send(delivery).is_err() {
                    return;
                }
            }
        });
        Receiver { addr, received }
    }

    fn url(&self) -> String {
        format!("http://{}/zoom/events", self.addr)
    }

    /// The next delivery, verified and parsed, with its raw body.
    fn next(&self) -> (Event, Vec<u8>) {
        let (headers, body) = self
            .received
            .recv_timeout(PATIENCE)
            .expect("a delivery reached the receiver");
        let event = Verifier::new(SECRET)
            .verify_event_now(&headers, &body)
            .expect("signed with the secret, now");
        (event, body)
    }

    fn nothing_more(&self) {
        assert!(
            self.received
                .recv_timeout(Duration::from_millis(200))
                .is_err(),
            "an unexpected delivery"
        );
    }
}

fn simulator(receiver: &Receiver) -> BlockingSimulator {
    let webhook = WebhookConfig::new(&receiver.url(), SECRET)
        .unwrap()
        .time_scale(60_000);
    let sim = BlockingSimulator::start_with(SimulatorConfig {
        webhook: Some(webhook),
        ..SimulatorConfig::default()
    })
    .unwrap();
    sim.upsert_meeting(
        MEETING,
        SimMeeting {
            started: false,
            ..SimMeeting::demo()
        },
    );
    sim
}

fn start_stream(sim: &BlockingSimulator, id: u64) -> u16 {
    let path = format!("{}/status", meeting_path(id));
    patch(sim.addr(), &path, &json!({"action": "start"})).status
}

/// Waits until every delivery on record is settled; returns them.
fn all_settled(sim: &BlockingSimulator) -> Vec<WebhookDelivery> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let deliveries = sim.webhook_deliveries();
        if deliveries
            .iter()
            .all(|d| d.state != WebhookDeliveryState::Pending)
        {
            return deliveries;
        }
        assert!(Instant::now() < deadline, "deliveries never settled");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_meeting_starts_streams_and_ends_with_zooms_events() {
    let receiver = Receiver::start();
    let sim = simulator(&receiver);
    assert_eq!(start_stream(&sim, MEETING), 400, "not in progress yet");

    let started_ts = sim.start_meeting(MEETING).unwrap();
    let (event, body) = receiver.next();
    let Event::MeetingStarted(started) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(event.event_ts(), Some(started_ts));
    assert_eq!(event.target(), Some(Target::Meeting(MEETING.into())));
    assert_eq!(
        started.meeting.topic.as_deref(),
        Some("Meeting 81234567890")
    );
    let json: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["payload"]["object"]["id"], "81234567890", "a string");
    assert_eq!(json["payload"]["account_id"], "sim-account");
    assert!(sim.meeting(MEETING).unwrap().started);
    assert!(sim.start_meeting(MEETING).is_err(), "already in progress");

    assert_eq!(start_stream(&sim, MEETING), 204);
    assert_eq!(receiver.next().0.name(), "meeting.live_streaming_started");

    let ended_ts = sim.end_meeting(MEETING).unwrap();
    assert!(ended_ts > started_ts);
    let mut names = vec![receiver.next().0, receiver.next().0];
    names.sort_by_key(|e| e.name().to_owned());
    let Event::MeetingEnded(ended) = &names[0] else {
        panic!("{names:?}")
    };
    assert!(ended.meeting.end_time.is_some());
    assert_eq!(names[1].name(), "meeting.live_streaming_stopped");
    let meeting = sim.meeting(MEETING).unwrap();
    assert!(!meeting.started && !meeting.streaming);
    assert!(sim.end_meeting(MEETING).is_err(), "not in progress");
    receiver.nothing_more();

    // Webinars: their own events, `type` 5, and no live-stream events.
    sim.start_webinar(DEMO_WEBINAR_ID).unwrap_err();
    sim.end_webinar(DEMO_WEBINAR_ID).unwrap();
    assert_eq!(receiver.next().0.name(), "webinar.ended");
    sim.start_webinar(DEMO_WEBINAR_ID).unwrap();
    let (event, body) = receiver.next();
    assert_eq!(event.name(), "webinar.started");
    let json: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["payload"]["object"]["type"], 5);
    assert!(sim.start_meeting(12345).is_err(), "no such meeting");
}

#[test]
fn a_dropped_stream_stops_with_an_unasked_event_and_restarts_after_the_window() {
    let receiver = Receiver::start();
    let sim = simulator(&receiver);
    assert!(
        sim.drop_meeting_stream(DEMO_MEETING_ID).is_err(),
        "not running"
    );
    assert_eq!(start_stream(&sim, DEMO_MEETING_ID), 204);
    assert_eq!(receiver.next().0.name(), "meeting.live_streaming_started");
    sim.drop_meeting_stream(DEMO_MEETING_ID).unwrap();
    assert_eq!(receiver.next().0.name(), "meeting.live_streaming_stopped");
    assert!(!sim.meeting(DEMO_MEETING_ID).unwrap().streaming);
    // Within 30 s of the accepted start, Zoom refuses another: 429, its message.
    let path = format!("{}/status", meeting_path(DEMO_MEETING_ID));
    let refused = patch(sim.addr(), &path, &json!({"action": "start"}));
    let body = refused.assert_error(429, 429);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("retry making a new request after 30 seconds"),
        "{body}"
    );
    sim.set_start_window(Duration::ZERO);
    assert_eq!(start_stream(&sim, DEMO_MEETING_ID), 204);
    assert_eq!(receiver.next().0.name(), "meeting.live_streaming_started");
}

#[test]
fn events_go_to_every_receiver_twice_and_again_on_demand() {
    let (first, second) = (Receiver::start(), Receiver::start());
    let sim = simulator(&first);
    sim.set_redelivery(
        Redelivery::default()
            .also_to(&second.url())
            .unwrap()
            .copies(2)
            .delay(Duration::from_millis(20)),
    );
    let event_ts = sim.start_meeting(MEETING).unwrap();
    for receiver in [&first, &second] {
        let (a, body_a) = receiver.next();
        let (b, body_b) = receiver.next();
        assert_eq!((a.name(), b.name()), ("meeting.started", "meeting.started"));
        assert_eq!(body_a, body_b, "the same event");
        assert_eq!(a.event_ts(), Some(event_ts));
    }
    let deliveries = all_settled(&sim);
    assert_eq!(deliveries.len(), 4);
    let origin = deliveries[0].id;
    assert_eq!(deliveries[0].redelivery_of, None);
    assert!(
        deliveries[1..]
            .iter()
            .all(|d| d.redelivery_of == Some(origin))
    );

    // Back to once, and a late duplicate of the first delivery on demand.
    sim.set_redelivery(Redelivery::default());
    let again = sim.redeliver(origin, Duration::from_millis(50)).unwrap();
    let (event, _) = first.next();
    assert_eq!(event.event_ts(), Some(event_ts));
    let redelivered = all_settled(&sim)
        .into_iter()
        .find(|d| d.id == again)
        .unwrap();
    assert_eq!(redelivered.redelivery_of, Some(origin));
    assert_eq!(redelivered.state, WebhookDeliveryState::Delivered);
    assert!(sim.redeliver(9999, Duration::ZERO).is_err());
    first.nothing_more();
    second.nothing_more();
}

fn admin(sim: &BlockingSimulator, method: &str, path: &str, body: &str) -> (u16, Value) {
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
fn the_admin_api_plays_the_lifecycle_too() {
    let (first, second) = (Receiver::start(), Receiver::start());
    let sim = simulator(&first);
    let plan = json!({"also_to": [second.url()], "copies": 1, "delay_ms": 0}).to_string();
    assert_eq!(admin(&sim, "PUT", "webhook/redelivery", &plan).0, 204);
    let (status, shown) = admin(&sim, "GET", "webhook/redelivery", "");
    assert_eq!(status, 200);
    assert_eq!(shown["also_to"][0], second.url());
    assert_eq!(
        admin(&sim, "PUT", "webhook/redelivery", r#"{"copies": "two"}"#).0,
        400
    );

    let path = format!("meetings/{MEETING}/start");
    let (status, json) = admin(&sim, "POST", &path, "");
    assert_eq!(status, 200);
    assert!(json["event_ts"].as_u64().is_some());
    assert_eq!(first.next().0.name(), "meeting.started");
    assert_eq!(second.next().0.name(), "meeting.started");
    assert_eq!(admin(&sim, "POST", &path, "").0, 409, "already started");
    assert_eq!(admin(&sim, "GET", &path, "").0, 405);
    assert_eq!(admin(&sim, "POST", "meetings/12345/start", "").0, 404);
    assert_eq!(
        admin(&sim, "POST", &format!("meetings/{MEETING}/fly"), "").0,
        404
    );
    let drop = format!("meetings/{MEETING}/drop-stream");
    assert_eq!(admin(&sim, "POST", &drop, "").0, 409, "not streaming");
    assert_eq!(start_stream(&sim, MEETING), 204);
    assert_eq!(first.next().0.name(), "meeting.live_streaming_started");
    assert_eq!(second.next().0.name(), "meeting.live_streaming_started");
    assert_eq!(admin(&sim, "POST", &drop, "").0, 204);
    assert_eq!(first.next().0.name(), "meeting.live_streaming_stopped");
    assert_eq!(second.next().0.name(), "meeting.live_streaming_stopped");

    let started = all_settled(&sim)[0].id;
    let redeliver = format!("webhook/deliveries/{started}/redeliver");
    let to = json!({"delay_ms": 10, "to": second.url()}).to_string();
    let (status, json) = admin(&sim, "POST", &redeliver, &to);
    assert_eq!(status, 201);
    assert!(json["id"].as_u64().is_some());
    assert_eq!(second.next().0.name(), "meeting.started");
    assert_eq!(
        admin(&sim, "POST", "webhook/deliveries/9999/redeliver", "").0,
        404
    );
    assert_eq!(
        admin(&sim, "POST", &redeliver, r#"{"to": "https://x/"}"#).0,
        400
    );

    assert_eq!(
        admin(&sim, "PUT", "start-window", r#"{"millis": 0}"#).0,
        204
    );
    assert_eq!(start_stream(&sim, MEETING), 204, "no window left");
    assert_eq!(admin(&sim, "PUT", "start-window", "{}").0, 400);
    assert_eq!(
        admin(&sim, "POST", &format!("meetings/{MEETING}/end"), "").0,
        200
    );
    assert_eq!(
        admin(&sim, "POST", &format!("webinars/{DEMO_WEBINAR_ID}/end"), "").0,
        200
    );
}
