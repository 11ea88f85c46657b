//! `zoom-live-stream autopilot` end to end: two real processes of the tool sharing a real
//! Redis (the one `./test.sh` starts, `ZOOM_TEST_REDIS_URL`, or a private `redis-server`),
//! behind one simulator that delivers every event to both, twice each (Zoom's at-least-once
//! delivery to the replicas behind a load balancer).
//!
//! What is counted is what the simulator received: the start requests. Conditions are
//! waited for with generous deadlines, and "nothing more happens" is a quiet second after
//! every delivery settled; nothing asserts on speed.
//!
//! The tool gives Redis 500 ms per answer. On a starved machine a replica may miss that and
//! act on its own (it says so: "cannot be used"), which is right but not what is counted
//! here; such an attempt is run again from scratch ([`conclusive`]).

#[path = "../../zoom-store-redis/tests/support/mod.rs"]
mod support;
#[path = "support/mod.rs"]
mod tool_support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::TestRedis;
use zoom_testkit::simulator::{
    BlockingSimulator, DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Fault, FaultRule,
    Redelivery, SimMeeting, SimulatorConfig, WebhookConfig, WebhookDeliveryState,
};

const SECRET: &str = "autopilot-e2e-secret";
const STREAM_KEY: &str = "e2e-stream-key-do-not-print";
const MEETING: u64 = 81_234_567_001;
/// Guards against hanging forever, not speed requirements.
const PATIENCE: Duration = Duration::from_secs(60);
/// A takeover waits for the dead holder's lease (10 s) and then Zoom's 30 s before
/// repeating a start that may have gone through.
const TAKEOVER_PATIENCE: Duration = Duration::from_secs(180);
/// How long nothing new must happen before a scenario counts what it got.
const QUIET: Duration = Duration::from_millis(1500);

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

/// Every line a stream of the process printed so far, collected by a thread.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<String>>>);

impl Lines {
    fn follow(stream: impl Read + Send + 'static) -> (Lines, mpsc::Receiver<String>) {
        let lines = Lines::default();
        let (sender, first) = mpsc::channel();
        let kept = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { return };
                kept.0.lock().unwrap().push(line.clone());
                let _ = sender.send(line);
            }
        });
        (lines, first)
    }

    fn all(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

/// One replica: `zoom-live-stream autopilot` on a free port, killed (by its pid) when dropped.
struct Replica {
    child: Child,
    url: String,
    stdout: Lines,
    stderr: Lines,
}

impl Replica {
    fn start(sim: &BlockingSimulator, redis_url: &str, meeting: u64) -> Replica {
        let meeting = meeting.to_string();
        let mut child = tool_support::tool(&[
            "autopilot",
            "--port",
            "0",
            "--meeting",
            &meeting,
            "--stream-url",
            "rtmp://live.example.com/app",
            "--page-url",
            "https://example.com/watch",
            "--restart-delay",
            "1",
        ])
        .env("ZOOM_WEBHOOK_SECRET_TOKEN", SECRET)
        .env("ZOOM_STREAM_KEY", STREAM_KEY)
        .env("ZOOM_REDIS_URL", redis_url)
        .env("ZOOM_ACCOUNT_ID", DEMO_ACCOUNT_ID)
        .env("ZOOM_CLIENT_ID", DEMO_CLIENT_ID)
        .env("ZOOM_CLIENT_SECRET", DEMO_CLIENT_SECRET)
        .env("ZOOM_API_BASE", sim.base_url())
        .env("ZOOM_OAUTH_BASE", sim.oauth_base())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tool starts");
        let (stdout, _) = Lines::follow(child.stdout.take().unwrap());
        let (stderr, first) = Lines::follow(child.stderr.take().unwrap());
        let line = first
            .recv_timeout(PATIENCE)
            .expect("a first line on stderr");
        let url = line
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("not the listening line: {line:?}"))
            .to_owned();
        Replica {
            child,
            url,
            stdout,
            stderr,
        }
    }

    /// The decisions printed so far.
    fn decisions(&self) -> Vec<Value> {
        self.stdout
            .all()
            .iter()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
            .collect()
    }

    /// How many decisions to `action` it printed for `meeting`.
    fn count(&self, action: &str, meeting: u64) -> usize {
        self.decisions()
            .iter()
            .filter(|d| d["action"] == action && d["target"]["meeting"] == meeting)
            .count()
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A simulator with `meeting` (the demo stream, not in progress) that delivers every event
/// to both replicas, twice to each.
fn simulator(meetings: &[u64]) -> BlockingSimulator {
    let sim = BlockingSimulator::start_with(SimulatorConfig {
        // Zoom's 30 s between starts, shortened so that the restart after a drop (1 s
        // later) is not refused; a repeated start within it would still be.
        start_window: Duration::from_millis(500),
        ..SimulatorConfig::default()
    })
    .unwrap();
    for &meeting in meetings {
        sim.upsert_meeting(
            meeting,
            SimMeeting {
                started: false,
                ..SimMeeting::demo()
            },
        );
    }
    sim
}

fn deliver_to(sim: &BlockingSimulator, a: &Replica, b: &Replica) {
    let webhook = WebhookConfig::new(&a.url, SECRET)
        .unwrap()
        .time_scale(60_000);
    sim.set_webhook(Some(webhook));
    sim.set_redelivery(Redelivery::default().also_to(&b.url).unwrap().copies(2));
}

/// The PATCH requests the simulator received for `meeting`: (updates, starts).
fn requests(sim: &BlockingSimulator, meeting: u64) -> (usize, usize) {
    let settings = format!("/v2/meetings/{meeting}/livestream");
    let status = format!("{settings}/status");
    let patches: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    let updates = patches.iter().filter(|r| r.path == settings).count();
    let starts = patches
        .iter()
        .filter(|r| r.path == status && String::from_utf8_lossy(&r.body).contains("\"start\""))
        .count();
    (updates, starts)
}

fn wait_for(what: &str, patience: Duration, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + patience;
    while !condition() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Waits until every delivery settled and the replicas printed nothing new for [`QUIET`].
fn settle(sim: &BlockingSimulator, replicas: &[&Replica]) {
    wait_for("the deliveries settle", PATIENCE, || {
        sim.webhook_deliveries()
            .iter()
            .all(|d| d.state != WebhookDeliveryState::Pending)
    });
    let printed = || replicas.iter().map(|r| r.stdout.all().len()).sum::<usize>();
    let mut last = printed();
    let mut since = Instant::now();
    wait_for("the replicas fall quiet", PATIENCE, || {
        let now = printed();
        if now != last {
            (last, since) = (now, Instant::now());
        }
        since.elapsed() >= QUIET
    });
}

/// Whether a replica had to act without Redis (an inconclusive attempt).
fn without_redis(replicas: &[&Replica]) -> bool {
    replicas.iter().any(|r| {
        r.stderr
            .all()
            .iter()
            .any(|line| line.contains("cannot be used"))
    })
}

/// How many times a scenario is tried before the machine is declared too slow for it.
const ATTEMPTS: usize = 3;

/// Runs `scenario` until no replica had to act without Redis; returns its result.
fn conclusive<T>(scenario: impl Fn() -> (T, bool)) -> T {
    for attempt in 1..=ATTEMPTS {
        let (result, inconclusive) = scenario();
        if !inconclusive {
            return result;
        }
        eprintln!("attempt {attempt} of {ATTEMPTS} is inconclusive: a replica could not use Redis");
    }
    panic!("in {ATTEMPTS} attempts, some replica could not use Redis each time");
}

/// What the first scenario counted, step by step: (updates, starts) after each.
#[derive(Debug, PartialEq, Eq)]
struct Counted {
    started: (usize, usize),
    restarted: (usize, usize),
    after_late_duplicate: (usize, usize),
    starts_printed: usize,
    late_decisions: Vec<String>,
}

#[test]
fn two_replicas_start_once_restart_once_and_ignore_a_late_duplicate() {
    let redis = TestRedis::shared();
    let counted = conclusive(|| {
        let url = database(&redis, 5);
        let sim = simulator(&[MEETING]);
        let a = Replica::start(&sim, &url, MEETING);
        let b = Replica::start(&sim, &url, MEETING);
        deliver_to(&sim, &a, &b);

        // The meeting starts: four deliveries of meeting.started, one update, one start.
        sim.start_meeting(MEETING).unwrap();
        wait_for("the stream is live", PATIENCE, || {
            sim.meeting(MEETING).unwrap().streaming
        });
        settle(&sim, &[&a, &b]);
        let started = requests(&sim, MEETING);

        // The stream drops: one restart after the delay, for four deliveries of the stop.
        sim.drop_meeting_stream(MEETING).unwrap();
        wait_for("the stream is live again", PATIENCE, || {
            sim.meeting(MEETING).unwrap().streaming
        });
        settle(&sim, &[&a, &b]);
        let restarted = requests(&sim, MEETING);

        // The meeting ends; then meeting.started comes again, late, to both replicas.
        sim.end_meeting(MEETING).unwrap();
        settle(&sim, &[&a, &b]);
        let firsts: Vec<u64> = sim
            .webhook_deliveries()
            .iter()
            .filter(|d| d.event == "meeting.started")
            .map(|d| d.id)
            .collect();
        let before = a.decisions().len() + b.decisions().len();
        for id in firsts {
            sim.redeliver(id, Duration::ZERO).unwrap();
        }
        settle(&sim, &[&a, &b]);
        let late_decisions: Vec<String> = [&a, &b]
            .iter()
            .flat_map(|r| r.decisions())
            .collect::<Vec<_>>()
            .into_iter()
            .filter(|d| d["event"] == "meeting.started")
            .map(|d| format!("{} {}", d["action"], d["reason"]))
            .collect();
        assert!(
            a.decisions().len() + b.decisions().len() > before,
            "the late deliveries were decided on"
        );
        let counted = Counted {
            started,
            restarted,
            after_late_duplicate: requests(&sim, MEETING),
            starts_printed: a.count("start", MEETING) + b.count("start", MEETING),
            late_decisions,
        };
        for replica in [&a, &b] {
            let printed = replica.stdout.all().join("\n") + &replica.stderr.all().join("\n");
            assert!(!printed.contains(STREAM_KEY), "{printed}");
        }
        let inconclusive = without_redis(&[&a, &b]);
        (counted, inconclusive)
    });
    assert_eq!(
        counted.started,
        (1, 1),
        "one update and one start: {counted:?}"
    );
    assert_eq!(counted.restarted, (1, 2), "one restart: {counted:?}");
    assert_eq!(
        counted.after_late_duplicate,
        (1, 2),
        "nothing after the end: {counted:?}"
    );
    assert_eq!(counted.starts_printed, 2, "{counted:?}");
    // Each replica heard meeting.started four times (two copies, two late redeliveries):
    // one start in all, everything else ignored.
    let ignored = counted
        .late_decisions
        .iter()
        .filter(|d| d.starts_with("\"ignore\""))
        .count();
    assert_eq!(ignored + 1, counted.late_decisions.len(), "{counted:?}");
}

#[test]
fn killing_the_replica_that_holds_the_lease_mid_start_lets_the_other_finish() {
    const HELD: u64 = 81_234_567_002;
    let redis = TestRedis::shared();
    let (starts, finisher_started) = conclusive(|| {
        let url = database(&redis, 6);
        let sim = simulator(&[HELD]);
        // The start hangs at "Zoom" for a while (and, as a fault, changes nothing there):
        // long enough to kill its sender in the middle.
        sim.push_fault(
            FaultRule::new(Fault::Delay { millis: 5_000 })
                .path(format!("/v2/meetings/{HELD}/livestream/status"))
                .method("PATCH")
                .once(),
        );
        let mut replicas = [
            Replica::start(&sim, &url, HELD),
            Replica::start(&sim, &url, HELD),
        ];
        deliver_to(&sim, &replicas[0], &replicas[1]);
        sim.start_meeting(HELD).unwrap();

        // The replica that decided to start holds the lease while its call hangs.
        let mut holder = None;
        wait_for("a replica sends the start", PATIENCE, || {
            holder = replicas.iter().position(|r| r.count("start", HELD) == 1);
            holder.is_some() && requests(&sim, HELD).1 == 1
        });
        let holder = holder.unwrap();
        let other = 1 - holder;
        replicas[holder].kill();
        let inconclusive = without_redis(&[&replicas[0], &replicas[1]]);

        wait_for(
            "the other replica starts the stream",
            TAKEOVER_PATIENCE,
            || sim.meeting(HELD).unwrap().streaming,
        );
        settle(&sim, &[&replicas[other]]);
        let finisher_started = replicas[other].count("start", HELD);
        let inconclusive = inconclusive || without_redis(&[&replicas[other]]);
        ((requests(&sim, HELD).1, finisher_started), inconclusive)
    });
    assert_eq!(starts, 2, "the hung start and the takeover's");
    assert_eq!(finisher_started, 1);
}

#[test]
fn usage_mistakes_exit_2_before_listening() {
    let dir = std::env::temp_dir().join(format!("autopilot-usage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "[[target]]\nmeeting = 1\nstream_url = \"rtmp://a/b\"\n",
    )
    .unwrap();
    let good = dir.join("good.toml");
    std::fs::write(&good, "[[target]]\nmeeting = 1\n").unwrap();
    let bad = bad.to_str().unwrap();
    let good = good.to_str().unwrap();
    let cases: [(&[&str], bool, &str); 6] = [
        (
            &["autopilot", "--meeting", "1"],
            false,
            "ZOOM_WEBHOOK_SECRET_TOKEN",
        ),
        (&["autopilot"], true, "needs a target"),
        (
            &[
                "autopilot",
                "--meeting",
                "1",
                "--stream-url",
                "rtmp://a/b",
                "--page-url",
                "https://e.com",
            ],
            true,
            "stream key",
        ),
        (&["autopilot", "--config", bad], true, "neither"),
        (
            &["autopilot", "--config", good, "--restart-delay", "1"],
            true,
            "[[target]]",
        ),
        (&["autopilot", "--meeting", "x"], true, "meeting"),
    ];
    for (args, secret, expected) in cases {
        let mut command = tool_support::tool(args);
        if secret {
            command.env("ZOOM_WEBHOOK_SECRET_TOKEN", SECRET);
        }
        let (code, stdout, stderr) = tool_support::run(&mut command);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(
            stdout.is_empty() && !stderr.contains("listening"),
            "{args:?}: {stderr}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
