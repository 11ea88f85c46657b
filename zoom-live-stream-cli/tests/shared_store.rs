//! Many processes of the tool, one Zoom account: with `ZOOM_REDIS_URL` they share one token
//! cache and, with `ZOOM_RATE_LIMIT`, one rate limit; without Redis they still work and say
//! so once. Real processes of the real binary against one simulator and a real Redis (the
//! one `.ci/run` starts, `ZOOM_TEST_REDIS_URL`, or a private `redis-server`).
//!
//! Each test uses a Redis database of its own, emptied first, since the tool's keys have
//! no test prefix. Deadlines detect hangs; nothing asserts on speed.
//!
//! The tool gives Redis 500 ms per answer and has no option to change it. On a starved
//! machine a run may miss that, say so, and go on with its own token and rate limit: right,
//! but not what these tests count. Such an attempt proves nothing either way, so it is run
//! again from scratch ([`conclusive`]); the checks apply in full to one where every run
//! could use Redis.

#[path = "../../zoom-store-redis/tests/support/mod.rs"]
mod support;
#[expect(
    dead_code,
    reason = "these tests watch each run for a hang, so they launch with `tool`, not `run`"
)]
#[path = "support/mod.rs"]
mod tool_support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use support::TestRedis;
use zoom_testkit::simulator::{
    BlockingSimulator, DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_MEETING_ID,
    SimulatorConfig,
};

const HANG: Duration = Duration::from_secs(60);

/// `redis`'s URL on database `db`, emptied.
fn database(redis: &TestRedis, db: u8) -> String {
    let url = format!("{}/{db}", redis.url.trim_end_matches('/'));
    let mut connection = redis::Client::open(url.as_str())
        .and_then(|c| c.get_connection_with_timeout(Duration::from_secs(5)))
        .expect("the test Redis");
    redis::cmd("FLUSHDB")
        .query::<()>(&mut connection)
        .expect("FLUSHDB");
    url
}

/// One run of `zoom-live-stream -v get <demo meeting>` with Server-to-Server credentials
/// against `sim`, and `env` on top. Returns its exit code and stderr.
fn get(sim: &BlockingSimulator, env: &[(&str, &str)]) -> (i32, String) {
    get_with(sim, &[], env)
}

/// [`get`] with `options` before the command.
fn get_with(sim: &BlockingSimulator, options: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let meeting = DEMO_MEETING_ID.to_string();
    let mut command = tool_support::tool(&[options, &["-v", "get", &meeting]].concat());
    command
        .env("ZOOM_ACCOUNT_ID", DEMO_ACCOUNT_ID)
        .env("ZOOM_CLIENT_ID", DEMO_CLIENT_ID)
        .env("ZOOM_CLIENT_SECRET", DEMO_CLIENT_SECRET)
        .env("ZOOM_API_BASE", sim.base_url())
        .env("ZOOM_OAUTH_BASE", sim.oauth_base())
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the tool runs");
    let deadline = Instant::now() + HANG;
    loop {
        if let Some(status) = child.try_wait().expect("wait for the tool") {
            let mut stderr = String::new();
            let _ = std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr);
            assert!(!stderr.contains("panicked"), "{stderr}");
            return (status.code().expect("exited normally"), stderr);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the tool hung for more than {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// 6 processes at a time, each of 10 sequential runs of the tool: every run's exit code and
/// stderr.
fn six_by_ten(sim: &BlockingSimulator, env: &[(&str, &str)]) -> Vec<(i32, String)> {
    std::thread::scope(|scope| {
        let lanes: Vec<_> = (0..6)
            .map(|_| scope.spawn(|| (0..10).map(|_| get(sim, env)).collect::<Vec<_>>()))
            .collect();
        lanes
            .into_iter()
            .flat_map(|lane| lane.join().expect("a lane panicked"))
            .collect()
    })
}

/// How many times a scenario is tried before the machine is declared too slow for it.
const ATTEMPTS: usize = 3;

/// Runs `scenario` (which starts from an empty database and a new simulator) until no run
/// of the tool said that Redis could not be used, at most [`ATTEMPTS`] times; returns that
/// attempt's simulator and runs.
fn conclusive(
    scenario: impl Fn() -> (BlockingSimulator, Vec<(i32, String)>),
) -> (BlockingSimulator, Vec<(i32, String)>) {
    for attempt in 1..=ATTEMPTS {
        let (sim, runs) = scenario();
        let trouble: Vec<&str> = runs
            .iter()
            .flat_map(|(_, stderr)| stderr.lines())
            .filter(|line| line.contains("cannot be used"))
            .collect();
        if trouble.is_empty() {
            return (sim, runs);
        }
        eprintln!(
            "attempt {attempt} of {ATTEMPTS} is inconclusive: {} run(s) could not use Redis, e.g. {}",
            trouble.len(),
            trouble[0]
        );
    }
    panic!("in {ATTEMPTS} attempts, some run of the tool could not use Redis each time");
}

/// Lines about a 429: a retry the SDK logged (`-v`) or a final failure.
fn rate_limited(runs: &[(i32, String)]) -> usize {
    runs.iter()
        .flat_map(|(_, stderr)| stderr.lines())
        .filter(|line| line.contains("429"))
        .count()
}

#[test]
fn sixty_runs_in_six_processes_make_one_token_request() {
    let redis = TestRedis::shared();
    let (sim, runs) = conclusive(|| {
        let url = database(&redis, 3);
        let sim = BlockingSimulator::start().unwrap();
        let runs = six_by_ten(&sim, &[("ZOOM_REDIS_URL", &url)]);
        (sim, runs)
    });
    assert!(runs.iter().all(|(code, _)| *code == 0), "{runs:?}");
    assert_eq!(sim.token_requests(), 1, "one token for 60 processes");
}

#[test]
fn a_shared_rate_of_6_per_second_draws_no_429_from_a_bucket_of_10() {
    let redis = TestRedis::shared();
    let limited = || {
        BlockingSimulator::start_with(SimulatorConfig {
            rate_limit_per_second: Some(10),
            ..SimulatorConfig::default()
        })
        .unwrap()
    };
    let (_, runs) = conclusive(|| {
        let url = database(&redis, 4);
        let sim = limited();
        let runs = six_by_ten(&sim, &[("ZOOM_REDIS_URL", &url), ("ZOOM_RATE_LIMIT", "6")]);
        (sim, runs)
    });
    assert!(runs.iter().all(|(code, _)| *code == 0), "{runs:?}");
    assert_eq!(rate_limited(&runs), 0, "{runs:?}");
    // The control: the same runs, each process pacing only itself, do draw 429s (so the
    // count above can see them).
    let sim = limited();
    let runs = six_by_ten(&sim, &[("ZOOM_RATE_LIMIT", "6")]);
    assert!(rate_limited(&runs) > 0, "{runs:?}");
}

#[test]
fn without_redis_the_tool_still_works_and_says_so_once() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    let sim = BlockingSimulator::start().unwrap();
    let env = [("ZOOM_REDIS_URL", url.as_str()), ("ZOOM_RATE_LIMIT", "6")];
    for options in [&[][..], &["--blocking"][..]] {
        let (code, stderr) = get_with(&sim, options, &env);
        assert_eq!(code, 0, "{stderr}");
        let said = stderr
            .lines()
            .filter(|l| l.contains("cannot be used"))
            .count();
        assert_eq!(said, 1, "{stderr}");
        assert!(stderr.contains("going on without it"), "{stderr}");
    }
}
