//! How long the autopilot takes from the delivery of `meeting.started` to the start request
//! reaching the simulator: p50 and p99 over 200 meetings started one after another (after
//! 10 uncounted warm-up meetings), for the configurations of docs/PERFORMANCE.md.
//!
//! ```text
//! cargo bench -p zoom-live-stream --features autopilot,redis --bench autopilot_latency
//! ZOOM_TEST_REDIS_URL=redis://127.0.0.1:6379 cargo bench -p zoom-live-stream --features autopilot,redis --bench autopilot_latency
//! ```
//!
//! The clock starts when the webhook route has read a delivery of `meeting.started` (before
//! verifying it and handing it to `Autopilot::handle`) and stops when the client's transport
//! sends the start (`PATCH …/livestream/status`) to the simulator on loopback: verification,
//! the queue, the task, the store's claim, lease and record (with a store), and the update
//! call (with stream settings) are inside. Not a test: nothing asserts on speed.

use std::collections::HashMap;
use std::io::Write;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zoom_live_stream::autopilot::{Autopilot, AutopilotTarget};
use zoom_live_stream::store::{MemoryStore, SharedStore};
use zoom_live_stream::webhook::{Event, Verifier};
use zoom_live_stream::{
    Client, HttpRequest, HttpResponse, Transport, TransportError, UpdateLiveStream,
};
use zoom_testkit::simulator::{
    self, BlockingSimulator, SimMeeting, SimulatorConfig, WebhookConfig,
};
use zoom_testkit::webhooks;
use zoom_transport_reqwest::ReqwestTransport;

const SECRET: &str = "bench-secret";
const MEETINGS: u64 = 200;
const WARM_UP: u64 = 10;
const FIRST_ID: u64 = 82_000_000_000;

/// When each meeting's `meeting.started` was delivered and its start request sent.
#[derive(Default)]
struct Clock {
    delivered: HashMap<u64, Instant>,
    started: HashMap<u64, Instant>,
}

type Shared = Arc<Mutex<Clock>>;

/// The reqwest transport, noting when each start request leaves.
struct Timed {
    inner: ReqwestTransport,
    clock: Shared,
}

#[zoom_live_stream::async_trait]
impl Transport for Timed {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let path = request.uri().path().to_owned();
        if let Some(id) = path
            .strip_prefix("/v2/meetings/")
            .and_then(|rest| rest.strip_suffix("/livestream/status"))
            .and_then(|id| id.parse::<u64>().ok())
            && String::from_utf8_lossy(request.body()).contains("\"start\"")
        {
            self.clock
                .lock()
                .unwrap()
                .started
                .entry(id)
                .or_insert_with(Instant::now);
        }
        self.inner.send(request).await
    }
}

/// The webhook route on a thread: reads a delivery, notes the time, verifies it, hands it
/// to the autopilot, answers 200.
fn receiver(autopilot: Autopilot, clock: Shared) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/zoom/events", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let verifier = Verifier::new(SECRET);
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Some(request) = webhooks::read_request(&stream) else {
                continue;
            };
            let read = Instant::now();
            if let Ok(event) = verifier.verify_event_now(request.headers(), request.body()) {
                if let (Event::MeetingStarted(_), Some(target)) = (&event, event.target())
                    && let Some(id) = target.meeting_id()
                {
                    clock.lock().unwrap().delivered.insert(id.get(), read);
                }
                let _ = autopilot.handle(&event);
            }
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    url
}

/// One configuration: 210 meetings, one after another; the latencies of the last 200.
async fn run(store: Option<Arc<dyn SharedStore>>, stream_settings: bool) -> Vec<Duration> {
    let sim = BlockingSimulator::start_with(SimulatorConfig::default()).unwrap();
    let ids: Vec<u64> = (FIRST_ID..FIRST_ID + WARM_UP + MEETINGS).collect();
    for &id in &ids {
        sim.upsert_meeting(
            id,
            SimMeeting {
                started: false,
                ..SimMeeting::demo()
            },
        );
    }
    let clock = Shared::default();
    let transport = Timed {
        inner: ReqwestTransport::new().unwrap(),
        clock: clock.clone(),
    };
    let client = Client::builder()
        .transport(transport)
        .bearer_token(simulator::DEMO_STATIC_TOKEN)
        .api_base(sim.base_url())
        .build()
        .unwrap();
    let mut builder = Autopilot::builder(client).scope(format!(
        "bench-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    if let Some(store) = store {
        builder = builder.shared_store(store);
    }
    for &id in &ids {
        let mut target = AutopilotTarget::meeting(id);
        if stream_settings {
            target = target.stream(UpdateLiveStream::new(
                "rtmp://live.example.com/app",
                "bench-key",
                "https://example.com/watch",
            ));
        }
        builder = builder.target(target);
    }
    let autopilot = builder.on_decision(|_| {}).build().unwrap();
    let url = receiver(autopilot, clock.clone());
    sim.set_webhook(Some(WebhookConfig::new(&url, SECRET).unwrap()));
    // Let every task read its (empty) record first, as a running replica would have.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut latencies = Vec::new();
    for (n, &id) in ids.iter().enumerate() {
        sim.start_meeting(id).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let latency = loop {
            {
                let clock = clock.lock().unwrap();
                if let (Some(from), Some(to)) = (clock.delivered.get(&id), clock.started.get(&id)) {
                    break to.saturating_duration_since(*from);
                }
            }
            assert!(Instant::now() < deadline, "meeting {id} never started");
            tokio::time::sleep(Duration::from_micros(200)).await;
        };
        if n as u64 >= WARM_UP {
            latencies.push(latency);
        }
    }
    latencies
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(name: &str, mut latencies: Vec<Duration>) {
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<44} n={:<4} p50 {:>7.2} ms   p99 {:>7.2} ms   max {:>7.2} ms",
        latencies.len(),
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 99.0)),
        ms(*latencies.last().unwrap()),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is a filter on the names.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let redis = std::env::var("ZOOM_TEST_REDIS_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f));
    runtime.block_on(async {
        let cases: Vec<(&str, bool, bool)> = vec![
            ("no store, update then start", false, true),
            ("no store, start only", false, false),
            ("MemoryStore, update then start", true, true),
        ];
        for (name, memory, settings) in cases {
            if !wanted(name) {
                continue;
            }
            let store: Option<Arc<dyn SharedStore>> =
                memory.then(|| Arc::new(MemoryStore::new()) as Arc<dyn SharedStore>);
            report(name, run(store, settings).await);
        }
        let name = "Redis (loopback), update then start";
        match &redis {
            Some(url) if wanted(name) => {
                let store = zoom_store_redis::RedisStore::connect(url).unwrap();
                report(name, run(Some(Arc::new(store)), true).await);
            }
            Some(_) => {}
            None => println!("{name:<44} skipped: set ZOOM_TEST_REDIS_URL=redis://127.0.0.1:PORT"),
        }
    });
}
