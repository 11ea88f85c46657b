//! The client-side rate limiter against the simulator enforcing Zoom's Pro limit (30/s):
//! a burst of 1,000 calls from clones of one client, with retries off so that any 429 would
//! reach the caller, completes with no 429 at all.
//!
//! These tests take about 33 s by nature (1,000 calls at 30/s); they assert nothing about
//! wall time. A quick control test shows that the same kind of burst without the limiter
//! does get 429s, so the long tests are meaningful.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use zoom_core::{ApiErrorKind, Client, MeetingId, Plan, RateLimiter, RetryPolicy, endpoint};
use zoom_testkit::simulator::{
    BlockingSimulator, DEMO_MEETING_ID, DEMO_STATIC_TOKEN, Simulator, SimulatorConfig,
};
use zoom_transport_reqwest::ReqwestTransport;
use zoom_transport_ureq::UreqTransport;

/// The simulator's per-second bucket: Zoom's Light limit on the Pro plan.
const SERVER_LIMIT: u32 = 30;
/// The burst of the issue: 1,000 calls at once.
const BURST: usize = 1_000;

fn config() -> SimulatorConfig {
    SimulatorConfig {
        rate_limit_per_second: Some(SERVER_LIMIT),
        ..SimulatorConfig::default()
    }
}

fn async_client(sim: &Simulator, limiter: Option<RateLimiter>) -> Client {
    let mut builder = Client::builder()
        .transport(ReqwestTransport::new().unwrap())
        .bearer_token(DEMO_STATIC_TOKEN)
        .api_base(sim.base_url())
        // No retries: a 429 must reach the caller instead of being waited out.
        .retry_policy(RetryPolicy::none())
        .sleeper(TokioSleep);
    if let Some(limiter) = limiter {
        builder = builder.rate_limiter(limiter);
    }
    builder.build().unwrap()
}

/// What a burst saw, call by call.
#[derive(Debug, Default)]
struct Tally {
    ok: usize,
    rate_limited: usize,
    other_errors: Vec<String>,
    /// The lowest `X-RateLimit-Remaining` of the successful answers.
    lowest_remaining: Option<u64>,
}

impl Tally {
    fn record(
        &mut self,
        outcome: zoom_core::Result<zoom_core::response::Answer<zoom_core::LiveStream>>,
    ) {
        match outcome {
            Ok(answer) => {
                assert_eq!(answer.meta.status, 200);
                self.ok += 1;
                if let Some(remaining) = answer.meta.rate_limit.remaining {
                    self.lowest_remaining = Some(
                        self.lowest_remaining
                            .map_or(remaining, |l| l.min(remaining)),
                    );
                }
            }
            Err(error) if error.api().map(|a| a.kind()) == Some(ApiErrorKind::RateLimited) => {
                self.rate_limited += 1;
            }
            Err(error) => self.other_errors.push(error.to_string()),
        }
    }
}

async fn async_burst(client: &Client, calls: usize) -> Tally {
    let endpoint = Arc::new(endpoint::get_meeting_live_stream(MeetingId::new(
        DEMO_MEETING_ID,
    )));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..calls {
        let (client, endpoint) = (client.clone(), Arc::clone(&endpoint));
        tasks.spawn(async move { client.send(&endpoint).await });
    }
    let mut tally = Tally::default();
    while let Some(joined) = tasks.join_next().await {
        tally.record(joined.expect("a call panicked"));
    }
    tally
}

fn assert_no_429(sim_statuses: usize, tally: &Tally, calls: usize) {
    assert!(
        tally.other_errors.is_empty(),
        "unexpected errors: {:?}",
        tally.other_errors
    );
    assert_eq!(
        tally.rate_limited, 0,
        "the limiter let {} calls run into a 429 ({tally:?})",
        tally.rate_limited
    );
    assert_eq!(tally.ok, calls, "{tally:?}");
    // One request per call: nothing was repeated behind the caller's back.
    assert_eq!(sim_statuses, calls);
    // Diagnostic: how close the burst came to the server's limit.
    eprintln!(
        "{calls} calls, all 200; lowest X-RateLimit-Remaining seen: {:?} of {SERVER_LIMIT}",
        tally.lowest_remaining
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_1000_async_calls_under_the_pro_limiter_sees_no_429() {
    let sim = Simulator::start_with(config()).await.unwrap();
    let client = async_client(&sim, Some(RateLimiter::for_plan(Plan::Pro)));
    let tally = async_burst(&client, BURST).await;
    assert_no_429(sim.requests().len(), &tally, BURST);
}

#[test]
fn a_burst_of_1000_blocking_calls_from_threads_under_the_pro_limiter_sees_no_429() {
    const THREADS: usize = 50;
    let sim = BlockingSimulator::start_with(config()).unwrap();
    let client = zoom_core::blocking::Client::builder()
        .transport(UreqTransport::new().unwrap())
        .bearer_token(DEMO_STATIC_TOKEN)
        .api_base(sim.base_url())
        .retry_policy(RetryPolicy::none())
        .rate_limiter(RateLimiter::for_plan(Plan::Pro))
        .build()
        .unwrap();
    let next = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (client, next) = (client.clone(), Arc::clone(&next));
            std::thread::spawn(move || {
                let endpoint = endpoint::get_meeting_live_stream(MeetingId::new(DEMO_MEETING_ID));
                let mut tally = Tally::default();
                while next.fetch_add(1, Ordering::Relaxed) < BURST as u64 {
                    tally.record(client.send(&endpoint));
                }
                tally
            })
        })
        .collect();
    let mut total = Tally::default();
    for worker in workers {
        let tally = worker.join().expect("a worker panicked");
        total.ok += tally.ok;
        total.rate_limited += tally.rate_limited;
        total.other_errors.extend(tally.other_errors);
        total.lowest_remaining = match (total.lowest_remaining, tally.lowest_remaining) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    assert_no_429(sim.requests().len(), &total, BURST);
}

/// The control: without the limiter, the same kind of burst runs into the server's limit,
/// so the tests above would see 429s if the limiter did not work.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_the_limiter_a_burst_of_100_gets_429s() {
    const CALLS: usize = 100;
    let sim = Simulator::start_with(config()).await.unwrap();
    let client = async_client(&sim, None);
    let tally = async_burst(&client, CALLS).await;
    assert!(tally.other_errors.is_empty(), "{:?}", tally.other_errors);
    assert_eq!(tally.ok + tally.rate_limited, CALLS);
    assert!(
        tally.rate_limited > 0,
        "no 429 without the limiter: the simulator did not enforce {SERVER_LIMIT}/s ({tally:?})"
    );
    assert_eq!(sim.requests().len(), CALLS);
}

/// Tokio's timer as the client's sleeper (as `zoom_live_stream::TokioSleep` is).
#[derive(Debug, Clone, Copy)]
struct TokioSleep;

impl zoom_core::AsyncSleep for TokioSleep {
    fn sleep(&self, duration: std::time::Duration) -> zoom_core::SleepFuture {
        Box::pin(tokio::time::sleep(duration))
    }
}
