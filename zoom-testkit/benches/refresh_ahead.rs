//! What a short-lived token costs the calls: the facade's two clients on the simulator, with
//! tokens of an hour and of 4 s, and a token endpoint that takes 300 ms to answer.
//!
//! ```text
//! cargo bench -p zoom-testkit --bench refresh_ahead            # 12 s per run
//! BENCH_SECONDS=30 cargo bench -p zoom-testkit --bench refresh_ahead
//! ```
//!
//! Each run starts a simulator issuing tokens of the given lifetime (`token_ttl`, the
//! simulator's `--token-ttl`) with a delay fault of 300 ms on `/oauth/token`, builds the
//! client as a user gets it from `zoom-live-stream` (Server-to-Server OAuth; the async
//! `Client` on reqwest and tokio, which refreshes ahead in a task of its own; the
//! `blocking::Client` on ureq, where the claiming call refreshes), makes one call to fetch
//! the first token, then runs 8 tasks (async, on a 4-worker runtime) or 8 threads (blocking)
//! calling `meeting_live_stream` in a loop for the run's time. It prints the calls made,
//! the median and 99th percentile of their latency, how many took over 100 ms, and the
//! token requests the simulator answered (the first one included).

use std::time::{Duration, Instant};

use zoom_core::MeetingId;
use zoom_testkit::simulator::{
    BlockingSimulator, DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_MEETING_ID, Fault,
    FaultRule, SimulatorConfig,
};

const TASKS: usize = 8;
const SECONDS: u64 = 12;
const TOKEN_DELAY_MS: u64 = 300;
const SLOW: Duration = Duration::from_millis(100);

/// What one run measured.
struct Run {
    client: &'static str,
    ttl: u64,
    latencies: Vec<Duration>,
    token_requests: usize,
}

impl Run {
    fn print(&mut self) {
        self.latencies.sort_unstable();
        let at = |q: f64| {
            let last = self.latencies.len().saturating_sub(1);
            let index = ((last as f64) * q).round() as usize;
            self.latencies.get(index).copied().unwrap_or_default()
        };
        let slow = self.latencies.iter().filter(|l| **l > SLOW).count();
        println!(
            "| {} | {} s | {} | {:.2} ms | {:.2} ms | {} | {} |",
            self.client,
            self.ttl,
            self.latencies.len(),
            ms(at(0.5)),
            ms(at(0.99)),
            slow,
            self.token_requests,
        );
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A simulator issuing tokens of `ttl` seconds, its token endpoint answering after 300 ms.
fn simulator(ttl: u64) -> BlockingSimulator {
    let config = SimulatorConfig {
        token_ttl: Duration::from_secs(ttl),
        ..SimulatorConfig::default()
    };
    let sim = BlockingSimulator::start_with(config).expect("start the simulator");
    sim.push_fault(
        FaultRule::new(Fault::Delay {
            millis: TOKEN_DELAY_MS,
        })
        .path("/oauth/token"),
    );
    sim
}

/// Forgets the simulator's record of requests now and then, so a long run does not fill
/// the memory with it; stops when `done` is dropped.
fn forget_requests(sim: &BlockingSimulator, done: std::sync::mpsc::Receiver<()>) {
    let control = sim.control().clone();
    std::thread::spawn(move || {
        while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
            done.recv_timeout(Duration::from_secs(1))
        {
            control.clear_requests();
        }
    });
}

fn asynchronous(ttl: u64, run_for: Duration) -> Run {
    let sim = simulator(ttl);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("a runtime");
    let (stop, done) = std::sync::mpsc::channel::<()>();
    forget_requests(&sim, done);
    let latencies = runtime.block_on(async {
        let client = zoom_live_stream::Client::builder()
            .server_to_server_oauth(DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
            .api_base(sim.base_url())
            .oauth_base(sim.oauth_base())
            .build()
            .expect("the async client");
        let meeting = MeetingId::new(DEMO_MEETING_ID);
        client.meeting_live_stream(meeting).await.expect("warm-up");
        let end = Instant::now() + run_for;
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    while Instant::now() < end {
                        let start = Instant::now();
                        client.meeting_live_stream(meeting).await.expect("a call");
                        latencies.push(start.elapsed());
                    }
                    latencies
                })
            })
            .collect();
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.expect("a task"));
        }
        all
    });
    drop(stop);
    Run {
        client: "async `Client` (8 tasks)",
        ttl,
        latencies,
        token_requests: sim.token_requests(),
    }
}

fn blocking(ttl: u64, run_for: Duration) -> Run {
    let sim = simulator(ttl);
    let (stop, done) = std::sync::mpsc::channel::<()>();
    forget_requests(&sim, done);
    let client = zoom_live_stream::blocking::Client::builder()
        .server_to_server_oauth(DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        .api_base(sim.base_url())
        .oauth_base(sim.oauth_base())
        .build()
        .expect("the blocking client");
    let meeting = MeetingId::new(DEMO_MEETING_ID);
    client.meeting_live_stream(meeting).expect("warm-up");
    let end = Instant::now() + run_for;
    let threads: Vec<_> = (0..TASKS)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                while Instant::now() < end {
                    let start = Instant::now();
                    client.meeting_live_stream(meeting).expect("a call");
                    latencies.push(start.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for thread in threads {
        latencies.extend(thread.join().expect("a thread"));
    }
    drop(stop);
    Run {
        client: "`blocking::Client` (8 threads)",
        ttl,
        latencies,
        token_requests: sim.token_requests(),
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not: keep that quick.
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("refresh_ahead: run with `cargo bench -p zoom-testkit --bench refresh_ahead`");
        return;
    }
    let seconds = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SECONDS);
    let run_for = Duration::from_secs(seconds);
    println!("{seconds} s per run, token endpoint delayed {TOKEN_DELAY_MS} ms, {TASKS} callers\n");
    println!(
        "| client | token lifetime | calls | p50 | p99 | calls over 100 ms | token requests |"
    );
    println!("|---|---|---|---|---|---|---|");
    for ttl in [3599, 4] {
        asynchronous(ttl, run_for).print();
    }
    for ttl in [3599, 4] {
        blocking(ttl, run_for).print();
    }
}
