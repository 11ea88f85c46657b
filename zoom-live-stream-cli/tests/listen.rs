//! `zoom-live-stream listen` end to end: the real binary on a free loopback port, fed by the
//! simulator's webhook deliveries and by hand-made requests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use zoom_testkit::simulator::{self, BlockingSimulator, SimulatorConfig, WebhookConfig};
use zoom_testkit::webhooks::{self, Delivery};

mod support;
use support::{run, tool};

const SECRET: &str = webhooks::SECRET_TOKEN;
/// A guard against hanging forever, not a speed requirement.
const PATIENCE: Duration = Duration::from_secs(30);

/// A running `listen`, its stdout and stderr lines, stopped (by its pid) when dropped.
struct Listen {
    child: Child,
    addr: SocketAddr,
    path: String,
    stdout: mpsc::Receiver<String>,
    stderr: mpsc::Receiver<String>,
}

fn lines(stream: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { return };
            if sender.send(line).is_err() {
                return;
            }
        }
    });
    lines
}

impl Listen {
    fn start(extra: &[&str]) -> Listen {
        let mut args = vec!["listen", "--port", "0"];
        args.extend_from_slice(extra);
        let mut child = tool(&args)
            .env("ZOOM_WEBHOOK_SECRET_TOKEN", SECRET)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the tool starts");
        let stdout = lines(child.stdout.take().unwrap());
        let stderr = lines(child.stderr.take().unwrap());
        let first = stderr
            .recv_timeout(PATIENCE)
            .expect("a first line on stderr");
        let url = first
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("not the listening line: {first:?}"));
        let (addr, path) = url.split_at(url.find('/').expect("a path"));
        Listen {
            addr: addr.parse().expect("ADDR:PORT"),
            path: path.to_owned(),
            child,
            stdout,
            stderr,
        }
    }

    fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.path)
    }

    /// The next line on stdout, as JSON.
    fn next_event(&self) -> Value {
        let line = self
            .stdout
            .recv_timeout(PATIENCE)
            .expect("an event line on stdout");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    /// The stderr lines up to the first that holds `text` (or all that came within the
    /// patience, if none did).
    fn stderr_until(&self, text: &str) -> String {
        let mut seen = Vec::new();
        while let Ok(line) = self.stderr.recv_timeout(PATIENCE) {
            let found = line.contains(text);
            seen.push(line);
            if found {
                break;
            }
        }
        seen.join("\n") + "\n"
    }

    /// Every stderr line so far.
    fn stderr_so_far(&self) -> String {
        self.stderr.try_iter().collect::<Vec<_>>().join("\n")
    }

    /// POSTs `delivery` to the path; the status and body of the answer.
    fn deliver(&self, delivery: &Delivery) -> (u16, String) {
        let headers = [
            ("x-zm-signature", delivery.signature.as_str()),
            ("x-zm-request-timestamp", delivery.timestamp.as_str()),
        ];
        self.request("POST", &self.path, &headers, &delivery.body)
    }

    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String) {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
            self.addr,
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let answer = self.raw(&[head.as_bytes(), body].concat());
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "{method} {path} ({} bytes, {headers:?}): not an HTTP answer: {answer:?}",
                    body.len()
                )
            });
        let body = answer
            .split_once("\r\n\r\n")
            .map_or(String::new(), |(_, b)| b.to_owned());
        (status, body)
    }

    /// Sends `bytes` on a new connection; whatever comes back until it closes.
    fn raw(&self, bytes: &[u8]) -> String {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        // A refused oversized body may be answered before it is all read: ignore that error.
        let _ = stream.write_all(bytes);
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    }

    /// Stops it and returns everything it printed on stderr that was not read yet.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let rest: Vec<String> = self.stderr.iter().collect();
        rest.join("\n")
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A sample re-signed now with the listener's secret (it reads the real clock).
fn fresh(sample: Delivery) -> Delivery {
    Delivery::signed(SECRET, webhooks::unix_now(), sample.body)
}

/// The tool pointed at `sim` with its static token; the exit code and stderr.
fn against(sim: &BlockingSimulator, args: &[&str]) -> (i32, String) {
    let (code, _, stderr) = run(tool(args)
        .env("ZOOM_API_BASE", sim.base_url())
        .env("ZOOM_ACCESS_TOKEN", simulator::DEMO_STATIC_TOKEN));
    (code, stderr)
}

#[test]
fn listen_prints_the_events_of_streams_started_and_stopped_on_the_simulator() {
    let listen = Listen::start(&[]);
    assert_eq!(listen.path, "/zoom/events");
    assert!(listen.addr.ip().is_loopback());
    let webhook = WebhookConfig::new(&listen.url(), SECRET)
        .unwrap()
        .time_scale(60_000);
    let sim = BlockingSimulator::start_with(SimulatorConfig {
        webhook: Some(webhook),
        ..SimulatorConfig::default()
    })
    .unwrap();

    let (code, stderr) = against(&sim, &["start", "85746065432"]);
    assert_eq!(code, 0, "{stderr}");
    let started = listen.next_event();
    assert_eq!(started["event"], "meeting.live_streaming_started");
    assert_eq!(started["meeting"]["id"], simulator::DEMO_MEETING_ID);
    let settings = &started["meeting"]["live_streaming"]["custom_live_streaming_settings"];
    assert_eq!(settings["stream_url"], simulator::DEMO_STREAM_URL);
    assert_eq!(settings["page_url"], simulator::DEMO_PAGE_URL);
    assert_eq!(settings["stream_key"], "[redacted]");
    assert_eq!(
        started["meeting"]["live_streaming"]["service"],
        "Custom_Live_Streaming_Service"
    );

    let (code, stderr) = against(&sim, &["stop", "85746065432"]);
    assert_eq!(code, 0, "{stderr}");
    let stopped = listen.next_event();
    assert_eq!(stopped["event"], "meeting.live_streaming_stopped");
    assert_eq!(stopped["meeting"]["id"], simulator::DEMO_MEETING_ID);
    assert!(stopped["event_ts"].as_u64() > started["event_ts"].as_u64());

    // The simulator saw both acknowledged at the first try (it records the answer just
    // after the listener has it: wait for that).
    let deadline = std::time::Instant::now() + PATIENCE;
    while sim
        .webhook_deliveries()
        .iter()
        .any(|d| d.state == simulator::WebhookDeliveryState::Pending)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "deliveries still pending"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let deliveries = sim.webhook_deliveries();
    assert_eq!(deliveries.len(), 2);
    for delivery in deliveries {
        assert_eq!(delivery.attempts.len(), 1, "{delivery:?}");
        assert_eq!(delivery.attempts[0].status, Some(200), "{delivery:?}");
    }
    let stderr = listen.stop();
    assert!(!stderr.contains(simulator::DEMO_STREAM_KEY), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn the_stream_key_is_printed_only_when_asked() {
    let listen = Listen::start(&["--show-stream-key", "--path", "/hooks/zoom"]);
    assert_eq!(listen.path, "/hooks/zoom");
    let sample = fresh(webhooks::meeting_live_streaming_started());
    assert_eq!(listen.deliver(&sample).0, 200);
    let event = listen.next_event();
    assert_eq!(
        event["meeting"]["live_streaming"]["custom_live_streaming_settings"]["stream_key"],
        webhooks::MEETING_STREAM_KEY
    );
}

#[test]
fn answers_are_zooms_and_only_new_typed_events_are_printed() {
    let listen = Listen::start(&[]);
    let started = fresh(webhooks::meeting_live_streaming_started_non_ascii());

    // Refused: 401 without a printed line.
    let forged = started
        .clone()
        .with_signature(format!("v0={}", "0".repeat(64)));
    let other_secret = Delivery::signed("another-secret", webhooks::unix_now(), &started.body[..]);
    let stale = Delivery::signed(SECRET, webhooks::unix_now() - 3600, &started.body[..]);
    for refused in [&forged, &other_secret, &stale] {
        assert_eq!(listen.deliver(refused).0, 401);
    }
    let path = listen.path.clone();
    assert_eq!(listen.request("POST", &path, &[], &started.body).0, 401);
    let only_signature = [("x-zm-signature", started.signature.as_str())];
    assert_eq!(
        listen
            .request("POST", &path, &only_signature, &started.body)
            .0,
        401
    );
    // Verified but not JSON: 400. Over 64 KiB: 413.
    let not_json = Delivery::signed(SECRET, webhooks::unix_now(), &b"{\"event\": "[..]);
    assert_eq!(listen.deliver(&not_json).0, 400);
    let mut huge = vec![b' '; 64 * 1024 + 1];
    huge[0] = b'{';
    assert_eq!(
        listen
            .deliver(&Delivery::signed(SECRET, webhooks::unix_now(), huge))
            .0,
        413
    );
    // Elsewhere: 404 and 405.
    assert_eq!(listen.request("POST", "/other", &[], b"{}").0, 404);
    assert_eq!(listen.request("GET", &path, &[], b"").0, 405);

    // URL validation: Python's answer.
    let (status, body) = listen.deliver(&fresh(webhooks::url_validation()));
    assert_eq!(status, 200);
    let (plain, encrypted) = webhooks::url_validation_answer();
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        serde_json::json!({"plainToken": plain, "encryptedToken": encrypted})
    );

    // Accepted: a started event twice (a redelivery), another event type, a stopped event.
    assert_eq!(listen.deliver(&started).0, 200);
    assert_eq!(listen.deliver(&started).0, 200);
    assert_eq!(listen.deliver(&fresh(webhooks::other_event())).0, 200);
    assert_eq!(
        listen
            .deliver(&fresh(webhooks::session_live_streaming_stopped()))
            .0,
        200
    );
    // Printed in order, once each; the duplicate and the other event in between are not.
    let first = listen.next_event();
    assert_eq!(first["event"], "meeting.live_streaming_started");
    assert_eq!(first["meeting"]["topic"], webhooks::NON_ASCII_TOPIC);
    let second = listen.next_event();
    assert_eq!(second["event"], "session.live_streaming_stopped");
    assert!(second["session"].is_object(), "{second}");

    let stderr = format!("{}\n{}", listen.stderr_so_far(), listen.stop());
    assert!(
        stderr.contains("(401)") && stderr.contains("(400)"),
        "{stderr}"
    );
    assert!(stderr.contains("delivered again"), "{stderr}");
    assert!(stderr.contains("meeting.participant_joined"), "{stderr}");
    assert!(!stderr.contains(webhooks::MEETING_STREAM_KEY), "{stderr}");
}

#[test]
fn lifecycle_events_are_printed_one_line_each_whatever_the_form_of_their_id() {
    let listen = Listen::start(&[]);
    // Zoom's own samples (ids as strings of digits), then a meeting.started whose id is a
    // number: the same meeting for the line printed.
    let samples = [
        webhooks::meeting_started(),
        webhooks::meeting_ended(),
        webhooks::webinar_started(),
        webhooks::webinar_ended(),
        webhooks::session_started(),
        webhooks::session_ended(),
    ];
    for sample in samples.clone() {
        assert_eq!(listen.deliver(&fresh(sample)).0, 200);
    }
    let numeric = webhooks::lifecycle_body(
        "meeting.started",
        1_795_700_000_000,
        serde_json::json!({"id": 85746065432_u64, "topic": "Numeric id", "type": 2}),
    );
    assert_eq!(
        listen
            .deliver(&Delivery::signed(SECRET, webhooks::unix_now(), numeric))
            .0,
        200
    );
    // A redelivery of the first: acknowledged, not printed again.
    assert_eq!(listen.deliver(&fresh(samples[0].clone())).0, 200);

    let started = listen.next_event();
    assert_eq!(started["event"], "meeting.started");
    assert_eq!(started["event_ts"], 1_795_687_140_000_u64);
    assert_eq!(started["account_id"], "AAAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(started["meeting"]["id"], 85_746_065_432_u64);
    assert_eq!(started["meeting"]["topic"], "Quarterly all-hands");
    assert!(started["meeting"]["end_time"].is_null(), "{started}");
    let ended = listen.next_event();
    assert_eq!(ended["event"], "meeting.ended");
    assert_eq!(ended["meeting"]["end_time"], "2026-11-26T11:01:00Z");
    for name in ["webinar.started", "webinar.ended"] {
        let line = listen.next_event();
        assert_eq!(line["event"], name);
        assert_eq!(line["webinar"]["id"], 91_234_567_890_u64, "{line}");
        assert_eq!(line["webinar"]["type"], 5, "{line}");
    }
    for name in ["session.started", "session.ended"] {
        let line = listen.next_event();
        assert_eq!(line["event"], name);
        assert_eq!(line["session"]["id"], "Sx8PZbQyTtaUc9kFb4sOwg==", "{line}");
        assert_eq!(line["session"]["session_name"], "Weekly demo", "{line}");
    }
    let numeric = listen.next_event();
    assert_eq!(numeric["event"], "meeting.started");
    assert_eq!(numeric["meeting"]["id"], 85_746_065_432_u64);
    assert_eq!(numeric["meeting"]["topic"], "Numeric id");

    // The printer names the redelivery on stderr after the last event it printed, in its own
    // thread: wait for that line before stopping the tool, so the check cannot race it.
    let mut stderr = listen.stderr_until("delivered again");
    stderr.push_str(&listen.stop());
    assert!(stderr.contains("delivered again"), "{stderr}");
    assert!(!stderr.contains("not printed"), "{stderr}");
}

#[test]
fn garbage_does_not_stop_it() {
    let listen = Listen::start(&[]);
    for garbage in [
        &b"\x00\xff\xfe garbage\r\n\r\n"[..],
        b"POST /zoom/events HTTP/1.1\r\ncontent-length: -1\r\n\r\n",
        b"POST /zoom/events HTTP/1.1\r\ncontent-length: 99999999999999999999999\r\n\r\n",
        b"POST /zoom/events HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
        b"POST /zoom/events HTTP/1.1\r\nx-zm-signature: v0=\xff\r\nx-zm-request-timestamp: 1\r\ncontent-length: 2\r\n\r\n{}",
        b"POST /zoom/events HTTP/1.1\r\nx-zm-request-timestamp: 18446744073709551616\r\nx-zm-signature: v0=00\r\ncontent-length: 2\r\n\r\n{}",
    ] {
        let _ = listen.raw(garbage);
    }
    // Still answering, still printing.
    let stopped = fresh(webhooks::meeting_live_streaming_stopped());
    assert_eq!(listen.deliver(&stopped).0, 200);
    assert_eq!(
        listen.next_event()["event"],
        "meeting.live_streaming_stopped"
    );
    let stderr = listen.stop();
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn without_a_secret_or_with_a_bad_path_it_is_a_usage_error() {
    let (code, _, stderr) = run(&mut tool(&["listen", "--port", "0"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("ZOOM_WEBHOOK_SECRET_TOKEN"), "{stderr}");

    let (code, _, stderr) =
        run(tool(&["listen", "--port", "0", "--path", "zoom"])
            .env("ZOOM_WEBHOOK_SECRET_TOKEN", SECRET));
    assert_eq!(code, 2);
    assert!(stderr.contains("must start with /"), "{stderr}");
}

#[test]
fn a_port_in_use_is_exit_code_4() {
    let listen = Listen::start(&[]);
    let port = listen.addr.port().to_string();
    let (code, _, stderr) =
        run(tool(&["listen", "--port", &port]).env("ZOOM_WEBHOOK_SECRET_TOKEN", SECRET));
    assert_eq!(code, 4);
    assert!(stderr.contains("cannot listen"), "{stderr}");
}

#[test]
fn options_for_api_calls_given_to_listen_are_usage_errors() {
    for (args, option) in [
        (&["--token", "t", "listen", "--port", "0"][..], "--token"),
        (&["listen", "--port", "0", "--blocking"], "--blocking"),
        (
            &["listen", "--redis-url", "redis://127.0.0.1:9"],
            "--redis-url",
        ),
        (
            &["listen", "--timeout", "5", "--api-base", "x"],
            "--timeout",
        ),
    ] {
        let (code, _, stderr) = run(tool(args).env("ZOOM_WEBHOOK_SECRET_TOKEN", SECRET));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("listen takes no {option}")),
            "{args:?}: {stderr}"
        );
    }
    // From the environment they are the defaults of the other commands, and -v applies to
    // listen too: the error here is the path's, not theirs.
    let (code, _, stderr) = run(tool(&["listen", "-v", "--port", "0", "--path", "zoom"])
        .env("ZOOM_WEBHOOK_SECRET_TOKEN", SECRET)
        .env("ZOOM_ACCESS_TOKEN", "t")
        .env("ZOOM_RATE_LIMIT", "5"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("must start with /"), "{stderr}");
    assert!(!stderr.contains("takes no"), "{stderr}");
}
