//! Real processes sharing one Redis through the SDK's clients, against one loopback Zoom
//! simulator: the token cache, the single flight and the limiter hold across processes, and
//! a Redis killed mid-run stops no call.
//!
//! The processes are this test binary run again as a child (`ZOOM_STORE_CHILD` names its
//! part), so nothing else needs building. A child prints one `SUMMARY` line; the parent
//! checks what the simulator saw. Deadlines here detect hangs; nothing asserts on speed.
//!
//! A custom harness (no libtest), so that a child runs exactly its part.

mod support;

use std::io::Read as _;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::TestRedis;
use zoom_core::store::{StoredToken, TokenKey};
use zoom_core::{ApiErrorKind, RateLimiter, RetryPolicy, UserOAuth};
use zoom_store_redis::{RedisConfig, blocking};
use zoom_testkit::simulator::{
    BlockingSimulator, DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_MEETING_ID,
    DEMO_REFRESH_TOKEN, SimulatorConfig,
};

const CHILD: &str = "ZOOM_STORE_CHILD";
/// Far more than any run needs: reaching it means something hangs.
const HANG: Duration = Duration::from_secs(120);

fn main() {
    if let Ok(part) = std::env::var(CHILD) {
        child(&part);
        return;
    }
    let filter = std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with('-'))
        .unwrap_or_default();
    let tests: [(&str, fn()); 6] = [
        (
            "six_processes_of_ten_sequential_calls_make_one_token_request",
            six_processes_one_token,
        ),
        (
            "a_shared_rate_of_6_per_second_draws_no_429_from_a_bucket_of_10",
            shared_rate_limit,
        ),
        (
            "four_processes_of_250_calls_on_an_expired_token_make_one_token_request",
            expired_token,
        ),
        (
            "a_hundred_user_oauth_refreshes_in_four_processes_make_one",
            user_oauth_refreshes,
        ),
        ("redis_killed_mid_run_stops_no_call", redis_killed_mid_run),
        (
            "without_the_shared_limiter_the_same_processes_do_draw_429s",
            control_without_store,
        ),
    ];
    for (name, test) in tests {
        if !name.contains(&filter) {
            continue;
        }
        println!("test {name} ...");
        test();
        println!("test {name} ... ok");
    }
}

/// What a child is told: everything through the environment.
#[derive(Default, Clone)]
struct Part {
    role: &'static str,
    redis: Option<(String, String)>,
    calls: usize,
    rate: Option<u32>,
    user_refresh: Option<String>,
}

/// What a child reports.
#[derive(Debug, Default)]
struct Summary {
    ok: usize,
    rate_limited: usize,
    errors: usize,
}

fn spawn(sim: &BlockingSimulator, part: &Part) -> Child {
    let mut command = Command::new(std::env::current_exe().expect("this test binary"));
    command
        .env(CHILD, part.role)
        .env("CHILD_OAUTH", sim.oauth_base())
        .env("CHILD_API", sim.base_url())
        .env("CHILD_CALLS", part.calls.to_string())
        .env_remove("ZOOM_TEST_REDIS_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some((url, prefix)) = &part.redis {
        command.env("CHILD_REDIS", url).env("CHILD_PREFIX", prefix);
    }
    if let Some(rate) = part.rate {
        command.env("CHILD_RATE", rate.to_string());
    }
    if let Some(refresh) = &part.user_refresh {
        command.env("CHILD_USER_REFRESH", refresh);
    }
    command.spawn().expect("start a child process")
}

/// Waits for every child (killing all of them past [`HANG`]) and reads their summaries.
fn finish(children: Vec<Child>) -> Vec<Summary> {
    let deadline = Instant::now() + HANG;
    let mut summaries = Vec::new();
    let mut children: Vec<Option<Child>> = children.into_iter().map(Some).collect();
    while children.iter().any(Option::is_some) {
        for slot in &mut children {
            let Some(child) = slot.as_mut() else { continue };
            if let Some(status) = child.try_wait().expect("wait for a child") {
                let mut out = String::new();
                let _ = child.stdout.take().map(|mut s| s.read_to_string(&mut out));
                assert!(status.success(), "a child failed ({status}): {out}");
                summaries.push(parse(&out));
                *slot = None;
            }
        }
        if Instant::now() > deadline {
            for child in children.iter_mut().flatten() {
                let _ = child.kill();
                let _ = child.wait();
            }
            panic!("a child process hung for more than {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    summaries
}

fn parse(out: &str) -> Summary {
    let line = out
        .lines()
        .find_map(|l| l.strip_prefix("SUMMARY "))
        .unwrap_or_else(|| panic!("no summary in {out:?}"));
    let mut summary = Summary::default();
    for field in line.split_whitespace() {
        let (name, value) = field.split_once('=').expect("name=value");
        let value = value.parse().expect("a count");
        match name {
            "ok" => summary.ok = value,
            "rate_limited" => summary.rate_limited = value,
            "errors" => summary.errors = value,
            other => panic!("unknown field {other}"),
        }
    }
    summary
}

fn shared(redis: &TestRedis) -> Option<(String, String)> {
    Some((redis.url.clone(), redis.prefix.clone()))
}

fn six_processes_one_token() {
    let redis = TestRedis::shared();
    let sim = BlockingSimulator::start().unwrap();
    let part = Part {
        role: "sequential",
        redis: shared(&redis),
        calls: 10,
        ..Part::default()
    };
    let children = (0..6).map(|_| spawn(&sim, &part)).collect();
    let summaries = finish(children);
    assert!(summaries.iter().all(|s| s.ok == 10), "{summaries:?}");
    assert_eq!(sim.token_requests(), 1, "one token for six processes");
}

fn rate_limited_run(redis: Option<(String, String)>) -> (Vec<Summary>, usize) {
    let sim = BlockingSimulator::start_with(SimulatorConfig {
        rate_limit_per_second: Some(10),
        ..SimulatorConfig::default()
    })
    .unwrap();
    let part = Part {
        role: "sequential",
        redis,
        calls: 10,
        rate: Some(6),
        ..Part::default()
    };
    let children = (0..6).map(|_| spawn(&sim, &part)).collect();
    let summaries = finish(children);
    let rate_limited = summaries.iter().map(|s| s.rate_limited).sum();
    (summaries, rate_limited)
}

fn shared_rate_limit() {
    let redis = TestRedis::shared();
    let (summaries, rate_limited) = rate_limited_run(shared(&redis));
    assert_eq!(rate_limited, 0, "{summaries:?}");
    assert!(summaries.iter().all(|s| s.ok == 10), "{summaries:?}");
}

/// The same six processes pacing themselves at 6/s each, without the store: 36/s against a
/// bucket of 10/s. That they get 429s shows the test above is meaningful.
fn control_without_store() {
    let (summaries, rate_limited) = rate_limited_run(None);
    assert!(rate_limited > 0, "{summaries:?}");
}

fn expired_token() {
    let redis = TestRedis::shared();
    let sim = BlockingSimulator::start().unwrap();
    // One earlier process fetched a token and stored it; Zoom has revoked it since.
    let store = blocking::RedisStore::with_config(
        RedisConfig::new(&redis.url)
            .unwrap()
            .key_prefix(&redis.prefix),
    );
    let client = zoom_core::blocking::Client::builder()
        .transport(zoom_transport_ureq::UreqTransport::new().unwrap())
        .server_to_server_oauth(DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        .api_base(sim.base_url())
        .oauth_base(sim.oauth_base())
        .shared_store(store.clone())
        .build()
        .unwrap();
    client.meeting_live_stream(DEMO_MEETING_ID).unwrap();
    let key = TokenKey::new(DEMO_ACCOUNT_ID, DEMO_CLIENT_ID);
    let revoked = store.get_token(&key).unwrap().expect("stored").access_token;
    sim.expire_all_tokens();
    let before = sim.token_requests();
    let part = Part {
        role: "concurrent",
        redis: shared(&redis),
        calls: 250,
        ..Part::default()
    };
    let children = (0..4).map(|_| spawn(&sim, &part)).collect();
    let summaries = finish(children);
    assert!(summaries.iter().all(|s| s.ok == 250), "{summaries:?}");
    assert_eq!(
        sim.token_requests() - before,
        1,
        "one refresh for 1,000 calls"
    );
    let now = store.get_token(&key).unwrap().expect("stored").access_token;
    assert_ne!(now, revoked);
}

fn user_oauth_refreshes() {
    let redis = TestRedis::shared();
    let sim = BlockingSimulator::start().unwrap();
    // The store holds the grant's live refresh token with an expired access token; every
    // process was configured with a refresh token long since rotated away.
    let store = blocking::RedisStore::with_config(
        RedisConfig::new(&redis.url)
            .unwrap()
            .key_prefix(&redis.prefix),
    );
    let key = TokenKey::new("user", DEMO_CLIENT_ID);
    let lock = store
        .try_lock(&key, Duration::from_secs(5))
        .unwrap()
        .unwrap();
    let seeded = StoredToken {
        access_token: "sim_long_expired".into(),
        api_url: None,
        refresh_token: Some(DEMO_REFRESH_TOKEN.into()),
        expires_in: Duration::ZERO,
        lifetime: Duration::from_secs(3599),
    };
    assert!(store.put_and_unlock(&key, &seeded, lock).unwrap());
    let part = Part {
        role: "concurrent",
        redis: shared(&redis),
        calls: 25,
        user_refresh: Some("a-rotated-away-refresh-token".into()),
        ..Part::default()
    };
    let children = (0..4).map(|_| spawn(&sim, &part)).collect();
    let summaries = finish(children);
    assert!(summaries.iter().all(|s| s.ok == 25), "{summaries:?}");
    assert_eq!(sim.token_requests(), 1, "one refresh for 100 callers");
    let stored = store.get_token(&key).unwrap().expect("stored");
    let newest = sim.refresh_token();
    assert_ne!(newest, DEMO_REFRESH_TOKEN, "rotated");
    assert_eq!(
        stored.refresh_token.map(|t| t.expose_secret().to_owned()),
        Some(newest),
        "the stored refresh token is the live one"
    );
}

fn redis_killed_mid_run() {
    let mut redis = TestRedis::private(&[]);
    let sim = BlockingSimulator::start().unwrap();
    let part = Part {
        role: "rounds",
        redis: shared(&redis),
        calls: 40,
        ..Part::default()
    };
    let children = (0..4).map(|_| spawn(&sim, &part)).collect();
    std::thread::sleep(Duration::from_millis(800));
    // Redis dies and Zoom revokes the tokens at once: the next calls need a new token with
    // no store to share it through.
    redis.kill();
    sim.expire_all_tokens();
    let before = sim.token_requests();
    let summaries = finish(children);
    assert!(
        sim.token_requests() > before,
        "the calls after the kill needed new tokens, fetched without the store"
    );
    for summary in &summaries {
        assert_eq!(
            summary.ok + summary.errors,
            40 * 10,
            "every call ended: {summary:?}"
        );
    }
    println!("  {summaries:?}");
    assert!(summaries.iter().any(|s| s.ok > 0), "{summaries:?}");
}

// ---- the child side ----

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn redis_config() -> Option<RedisConfig> {
    let url = env("CHILD_REDIS")?;
    let prefix = env("CHILD_PREFIX").expect("CHILD_PREFIX");
    // Generous answer times: on a loaded test machine a slow answer would count as an
    // outage and send the process to Zoom on its own, which is right but not what these
    // tests count. A killed Redis refuses connections at once anyway.
    Some(
        RedisConfig::new(&url)
            .expect("a Redis URL")
            .key_prefix(prefix)
            .connect_timeout(Duration::from_secs(5))
            .response_timeout(Duration::from_secs(5))
            .reconnect_delay(Duration::from_millis(200)),
    )
}

fn calls() -> usize {
    env("CHILD_CALLS").and_then(|c| c.parse().ok()).unwrap_or(1)
}

fn child(role: &str) {
    let summary = match role {
        "sequential" => sequential(),
        "concurrent" => tokio_runtime().block_on(concurrent(calls(), 1)),
        "rounds" => tokio_runtime().block_on(concurrent(10, calls())),
        other => panic!("unknown child part {other}"),
    };
    println!(
        "SUMMARY ok={} rate_limited={} errors={}",
        summary.ok, summary.rate_limited, summary.errors
    );
}

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

fn tally(summary: &mut Summary, outcome: zoom_core::Result<zoom_core::LiveStream>) {
    match outcome {
        Ok(_) => summary.ok += 1,
        Err(error) => {
            if error
                .api()
                .is_some_and(|e| e.kind() == ApiErrorKind::RateLimited)
            {
                summary.rate_limited += 1;
            }
            eprintln!("call failed: {error}");
            summary.errors += 1;
        }
    }
}

/// Sequential calls with the blocking client (Server-to-Server), paced at `CHILD_RATE`
/// with retries off, so that any 429 reaches the count.
fn sequential() -> Summary {
    let mut builder = zoom_core::blocking::Client::builder()
        .transport(zoom_transport_ureq::UreqTransport::new().unwrap())
        .server_to_server_oauth(DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        .api_base(env("CHILD_API").unwrap())
        .oauth_base(env("CHILD_OAUTH").unwrap())
        .retry_policy(RetryPolicy::none());
    if let Some(rate) = env("CHILD_RATE").and_then(|r| r.parse().ok()) {
        builder = builder.rate_limiter(RateLimiter::per_second(rate));
    }
    if let Some(config) = redis_config() {
        builder = builder.shared_store(blocking::RedisStore::with_config(config));
    }
    let client = builder.build().unwrap();
    let mut summary = Summary::default();
    for _ in 0..calls() {
        tally(&mut summary, client.meeting_live_stream(DEMO_MEETING_ID));
    }
    summary
}

/// `rounds` rounds of `width` concurrent calls with the async client.
async fn concurrent(width: usize, rounds: usize) -> Summary {
    let mut builder = zoom_core::Client::builder()
        .transport(zoom_transport_reqwest::ReqwestTransport::new().unwrap())
        .api_base(env("CHILD_API").unwrap())
        .oauth_base(env("CHILD_OAUTH").unwrap())
        .sleeper(TokioSleep);
    builder = match env("CHILD_USER_REFRESH") {
        Some(refresh) => {
            builder.user_oauth(UserOAuth::new(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, refresh))
        }
        None => builder.server_to_server_oauth(DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
    };
    if let Some(config) = redis_config() {
        let store = zoom_store_redis::RedisStore::with_config(config).expect("in a runtime");
        builder = builder.shared_store(store);
    }
    let client = Arc::new(builder.build().unwrap());
    let mut summary = Summary::default();
    for round in 0..rounds {
        if round > 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let tasks: Vec<_> = (0..width)
            .map(|_| {
                let client = Arc::clone(&client);
                tokio::spawn(async move { client.meeting_live_stream(DEMO_MEETING_ID).await })
            })
            .collect();
        for task in tasks {
            tally(&mut summary, task.await.expect("a call panicked"));
        }
    }
    summary
}

/// Tokio's timer as the client's sleeper (as `zoom_live_stream::TokioSleep` is).
#[derive(Debug, Clone, Copy)]
struct TokioSleep;

impl zoom_core::AsyncSleep for TokioSleep {
    fn sleep(&self, duration: std::time::Duration) -> zoom_core::SleepFuture {
        Box::pin(tokio::time::sleep(duration))
    }
}
