//! The autopilot's driver against the simulator, whose webhook deliveries reach a loopback
//! receiver that verifies them and hands them to `Autopilot::handle`: one process alone, two
//! replicas sharing a store (every event delivered to both, twice), and a store that fails.

use std::io::Write;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zoom_live_stream::autopilot::{
    Action, Autopilot, AutopilotTarget, DecisionRecord, Handled, Policy, Reason,
};
use zoom_live_stream::store::{
    MemoryStore, SharedStore, StoreError, StoreErrorKind, StoreOp, StoreOutcome,
};
use zoom_live_stream::webhook::Verifier;
use zoom_live_stream::{Client, SessionId, UpdateLiveStream};
use zoom_testkit::simulator::{
    self, BlockingSimulator, Redelivery, SimMeeting, SimSession, SimulatorConfig, WebhookConfig,
};
use zoom_testkit::webhooks;

const SECRET: &str = "autopilot-test-secret";
const MEETING: u64 = 81_234_567_891;
/// A guard against hanging forever, not a speed requirement.
const PATIENCE: Duration = Duration::from_secs(60);

/// A replica's webhook route: a loopback receiver that verifies each delivery, hands it to
/// the autopilot and answers 200.
fn receiver(autopilot: Autopilot) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/zoom/events", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let verifier = Verifier::new(SECRET);
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Some(request) = webhooks::read_request(&stream) else {
                continue;
            };
            let status = match verifier.verify_event_now(request.headers(), request.body()) {
                Ok(event) => {
                    let handled = autopilot.handle(&event);
                    assert!(
                        matches!(handled, Handled::Queued | Handled::Skipped),
                        "{handled:?}"
                    );
                    200
                }
                Err(_) => 401,
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    url
}

/// A simulator with `MEETING` configured, not in progress, and no 30-second start window
/// (these tests restart a dropped stream quickly).
fn simulator() -> BlockingSimulator {
    let sim = BlockingSimulator::start_with(SimulatorConfig {
        start_window: Duration::ZERO,
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

fn client(sim: &BlockingSimulator) -> Client {
    Client::builder()
        .bearer_token(simulator::DEMO_STATIC_TOKEN)
        .api_base(sim.base_url())
        .build()
        .unwrap()
}

fn target() -> AutopilotTarget {
    let mut policy = Policy::default();
    policy.restart_delay = Duration::from_millis(100);
    AutopilotTarget::meeting(MEETING)
        .stream(UpdateLiveStream::new(
            "rtmp://live.example.com/app",
            "the-stream-key",
            "https://example.com/watch",
        ))
        .policy(policy)
}

/// Every decision reported, in order.
#[derive(Clone, Default)]
struct Decisions(Arc<Mutex<Vec<DecisionRecord>>>);

impl Decisions {
    fn record(&self) -> impl Fn(&DecisionRecord) + Send + Sync + 'static {
        let all = self.0.clone();
        move |decision: &DecisionRecord| all.lock().unwrap().push(decision.clone())
    }

    fn all(&self) -> Vec<DecisionRecord> {
        self.0.lock().unwrap().clone()
    }

    fn count(&self, action: &str) -> usize {
        self.all()
            .iter()
            .filter(|d| d.action.as_str() == action)
            .count()
    }
}

/// How many start (or update) requests the simulator received for `MEETING`.
fn requests(sim: &BlockingSimulator, status: bool) -> usize {
    let path = format!("/v2/meetings/{MEETING}/livestream");
    sim.requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .filter(|r| {
            if status {
                r.path == format!("{path}/status")
                    && String::from_utf8_lossy(&r.body).contains("\"start\"")
            } else {
                r.path == path
            }
        })
        .count()
}

async fn until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !condition() {
        assert!(Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits for the deliveries on record to settle, then a moment more for what they caused.
async fn settle(sim: &BlockingSimulator) {
    until("deliveries settle", || {
        sim.webhook_deliveries()
            .iter()
            .all(|d| d.state != simulator::WebhookDeliveryState::Pending)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
}

fn webhook(url: &str) -> WebhookConfig {
    WebhookConfig::new(url, SECRET).unwrap().time_scale(60_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_process_starts_the_stream_restarts_it_once_and_ignores_a_late_start() {
    let sim = simulator();
    let decisions = Decisions::default();
    let autopilot = Autopilot::builder(client(&sim))
        .target(target())
        .on_decision(decisions.record())
        .build()
        .unwrap();
    sim.set_webhook(Some(webhook(&receiver(autopilot.clone()))));

    sim.start_meeting(MEETING).unwrap();
    until("the stream is live", || {
        sim.meeting(MEETING).unwrap().streaming
    })
    .await;
    until("Zoom's confirmation is taken", || {
        decisions
            .all()
            .iter()
            .any(|d| d.reason == Reason::Confirmed)
    })
    .await;
    assert_eq!((requests(&sim, false), requests(&sim, true)), (1, 1));
    let stream = sim.meeting(MEETING).unwrap().stream.unwrap();
    assert_eq!(stream.stream_key, "the-stream-key");

    sim.drop_meeting_stream(MEETING).unwrap();
    until("the stream is live again", || {
        sim.meeting(MEETING).unwrap().streaming
    })
    .await;
    settle(&sim).await;
    assert_eq!(requests(&sim, true), 2, "restarted once");
    assert_eq!(requests(&sim, false), 1, "a restart applies no settings");

    let started = sim.webhook_deliveries()[0].id;
    sim.end_meeting(MEETING).unwrap();
    settle(&sim).await;
    sim.redeliver(started, Duration::ZERO).unwrap();
    settle(&sim).await;
    assert_eq!(
        requests(&sim, true),
        2,
        "a late meeting.started starts nothing"
    );
    let all = decisions.all();
    let last = all.last().unwrap();
    assert_eq!(
        (last.action, last.reason),
        (Action::Ignore, Reason::DuplicateEvent),
        "{all:#?}"
    );
    for decision in &all {
        let line = decision.to_json().to_string();
        assert!(!line.contains("the-stream-key"), "{line}");
    }
    assert!(matches!(
        autopilot.handle(&zoom_live_stream::webhook::Event::Other {
            name: "meeting.participant_joined".into(),
            raw: serde_json::json!({}),
        }),
        Handled::Skipped
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_sharing_a_store_start_once_for_four_deliveries() {
    let sim = simulator();
    let store: Arc<MemoryStore> = Arc::new(MemoryStore::new());
    let (first, second) = (Decisions::default(), Decisions::default());
    let replica = |decisions: &Decisions| {
        Autopilot::builder(client(&sim))
            .shared_store(store.clone())
            .scope("sim-account")
            .target(target())
            .on_decision(decisions.record())
            .build()
            .unwrap()
    };
    let (a, b) = (replica(&first), replica(&second));
    sim.set_webhook(Some(webhook(&receiver(a))));
    sim.set_redelivery(
        Redelivery::default()
            .also_to(&receiver(b))
            .unwrap()
            .copies(2),
    );

    sim.start_meeting(MEETING).unwrap();
    until("the stream is live", || {
        sim.meeting(MEETING).unwrap().streaming
    })
    .await;
    settle(&sim).await;
    assert_eq!((requests(&sim, false), requests(&sim, true)), (1, 1));
    assert_eq!(first.count("start") + second.count("start"), 1);

    sim.drop_meeting_stream(MEETING).unwrap();
    until("the stream is live again", || {
        sim.meeting(MEETING).unwrap().streaming
    })
    .await;
    settle(&sim).await;
    assert_eq!(requests(&sim, true), 2, "one restart for four deliveries");
    assert_eq!(first.count("start") + second.count("start"), 2);
}

/// A store that is always down.
struct Down;

#[zoom_live_stream::async_trait]
impl SharedStore for Down {
    async fn run(&self, _: StoreOp) -> Result<StoreOutcome, StoreError> {
        Err(StoreError::new(StoreErrorKind::Unavailable, "down"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_is_down_leaves_the_process_acting_on_its_own() {
    let sim = simulator();
    let decisions = Decisions::default();
    let autopilot = Autopilot::builder(client(&sim))
        .shared_store(Down)
        .target(target())
        .on_decision(decisions.record())
        .build()
        .unwrap();
    sim.set_webhook(Some(webhook(&receiver(autopilot))));
    sim.start_meeting(MEETING).unwrap();
    until("the stream is live", || {
        sim.meeting(MEETING).unwrap().streaming
    })
    .await;
    settle(&sim).await;
    assert_eq!(requests(&sim, true), 1);
}

#[tokio::test]
async fn the_builder_refuses_a_target_given_twice_or_settings_zoom_would_refuse() {
    let sim = simulator();
    let error = Autopilot::builder(client(&sim))
        .target(target())
        .target(AutopilotTarget::meeting(MEETING))
        .build()
        .unwrap_err();
    assert_eq!(error.field(), "target");
    let error = Autopilot::builder(client(&sim))
        .target(
            AutopilotTarget::meeting(MEETING).stream(UpdateLiveStream::new(
                "rtmp://x/y",
                "",
                "https://e.com",
            )),
        )
        .build()
        .unwrap_err();
    assert_eq!(error.field(), "stream_key");
    let autopilot = Autopilot::builder(client(&sim))
        .target(target())
        .build()
        .unwrap();
    assert_eq!(autopilot.targets().count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_sdk_session_gets_its_stream_when_it_starts() {
    const SESSION: &str = "AutopilotSession00000A==";
    let sim = simulator();
    sim.upsert_session(
        SESSION,
        SimSession {
            started: false,
            ..SimSession::demo()
        },
    );
    let decisions = Decisions::default();
    let autopilot = Autopilot::builder(client(&sim))
        .target(
            AutopilotTarget::session(SessionId::parse(SESSION).unwrap()).stream(
                UpdateLiveStream::new(
                    "rtmp://live.example.com/app",
                    "the-stream-key",
                    "https://example.com/watch",
                ),
            ),
        )
        .on_decision(decisions.record())
        .build()
        .unwrap();
    sim.set_webhook(Some(webhook(&receiver(autopilot))));
    assert!(sim.start_session(SESSION));
    until("the session's stream is live", || {
        sim.session(SESSION).unwrap().streaming
    })
    .await;
    until("Zoom's confirmation is taken", || {
        decisions
            .all()
            .iter()
            .any(|d| d.reason == Reason::Confirmed)
    })
    .await;
    let actions: Vec<String> = decisions
        .all()
        .iter()
        .map(|d| format!("{} {}", d.action, d.reason))
        .collect();
    assert_eq!(
        actions,
        [
            "update run_started",
            "start settings_updated",
            "wait awaiting_confirmation",
            "ignore confirmed"
        ]
    );
    assert_eq!(
        sim.session(SESSION).unwrap().stream.unwrap().stream_key,
        "the-stream-key"
    );
}
