//! The tool exports its spans over OTLP/HTTP to a collector written here (a loopback
//! `TcpListener` that decodes `http/json` exports with serde_json): one trace per command,
//! the call span around its attempts, OpenTelemetry's attributes, no secret; `http/protobuf`
//! by default; and a collector that is dead or never answers changes nothing but a moment.

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use zoom_testkit::simulator::{self, BlockingSimulator, Fault, FaultRule, RetryAfterForm};

mod support;
use support::{run, tool};

const MEETING: &str = "85746065432";

/// One export as the collector received it.
#[derive(Debug, Clone)]
struct Export {
    path: String,
    content_type: String,
    body: Vec<u8>,
}

/// A loopback OTLP/HTTP collector: answers every POST with an empty success, keeps what it got.
struct Collector {
    endpoint: String,
    exports: Arc<Mutex<Vec<Export>>>,
}

impl Collector {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let exports = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&exports);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let kept = Arc::clone(&kept);
                std::thread::spawn(move || serve(stream, &kept));
            }
        });
        Self { endpoint, exports }
    }

    fn exports(&self) -> Vec<Export> {
        self.exports.lock().unwrap().clone()
    }

    /// Every span of every `http/json` export, with the resource's attributes.
    fn spans(&self) -> Vec<Span> {
        let mut spans = Vec::new();
        for export in self.exports() {
            assert_eq!(export.path, "/v1/traces");
            assert_eq!(export.content_type, "application/json");
            let json: Value = serde_json::from_slice(&export.body).unwrap();
            for resource_spans in json["resourceSpans"].as_array().unwrap() {
                let resource = attributes(&resource_spans["resource"]["attributes"]);
                for scope in resource_spans["scopeSpans"].as_array().unwrap() {
                    for span in scope["spans"].as_array().unwrap() {
                        spans.push(Span {
                            name: span["name"].as_str().unwrap().to_owned(),
                            kind: span["kind"].as_u64().unwrap_or(0),
                            trace: text(&span["traceId"]),
                            id: text(&span["spanId"]),
                            parent: text(&span["parentSpanId"]),
                            status: span["status"]["code"].as_u64().unwrap_or(0),
                            attributes: attributes(&span["attributes"]),
                            resource: resource.clone(),
                        });
                    }
                }
            }
        }
        spans
    }
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// OTLP/JSON attributes as `key → value` text (`intValue` may be a string or a number).
fn attributes(list: &Value) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for attribute in list.as_array().into_iter().flatten() {
        let value = &attribute["value"];
        let shown = ["stringValue", "intValue", "boolValue", "doubleValue"]
            .iter()
            .find_map(|kind| value.get(kind))
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_default();
        map.insert(text(&attribute["key"]), shown);
    }
    map
}

#[derive(Debug, Clone)]
struct Span {
    name: String,
    /// OTLP's `SpanKind`: 3 is client.
    kind: u64,
    trace: String,
    id: String,
    parent: String,
    /// OTLP's `Status.code`: 2 is error.
    status: u64,
    attributes: HashMap<String, String>,
    resource: HashMap<String, String>,
}

impl Span {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }
}

/// Reads HTTP/1.1 requests off one connection and answers each with 200.
fn serve(stream: TcpStream, kept: &Mutex<Vec<Export>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        let mut headers = HashMap::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
            }
        }
        let length: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let content_type = headers.get("content-type").cloned().unwrap_or_default();
        let answer = if content_type == "application/json" {
            "{}"
        } else {
            ""
        };
        kept.lock().unwrap().push(Export {
            path,
            content_type: content_type.clone(),
            body,
        });
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// The tool on `sim` with Server-to-Server OAuth (a client secret, a fetched token).
fn tool_on(sim: &BlockingSimulator, args: &[&str]) -> std::process::Command {
    let mut command = tool(args);
    command
        .env("ZOOM_API_BASE", sim.base_url())
        .env("ZOOM_OAUTH_BASE", sim.oauth_base())
        .env("ZOOM_ACCOUNT_ID", simulator::DEMO_ACCOUNT_ID)
        .env("ZOOM_CLIENT_ID", simulator::DEMO_CLIENT_ID)
        .env("ZOOM_CLIENT_SECRET", simulator::DEMO_CLIENT_SECRET);
    command
}

#[test]
fn a_retried_call_is_one_call_span_around_two_attempt_spans_with_no_secret() {
    let sim = BlockingSimulator::start().unwrap();
    let collector = Collector::start();
    let stream_key = "otel-test-stream-key-5RJ";
    for client in [&[][..], &["--blocking"]] {
        let (code, _, stderr) = run(tool_on(
            &sim,
            &[
                &[
                    "update",
                    MEETING,
                    "--stream-url",
                    "rtmp://live.example.com/app",
                    "--stream-key",
                    stream_key,
                    "--page-url",
                    "https://example.com/watch",
                ][..],
                client,
            ]
            .concat(),
        )
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.endpoint)
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"));
        assert_eq!(code, 0, "{stderr}");
    }
    sim.push_fault(
        FaultRule::new(Fault::RateLimited {
            retry_after: RetryAfterForm::Seconds { seconds: 1 },
        })
        .path(format!("/v2/meetings/{MEETING}/livestream"))
        .method("GET")
        .once(),
    );
    let (code, stdout, stderr) = run(tool_on(&sim, &["get", MEETING, "--show-stream-key"])
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.endpoint)
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(stream_key), "{stdout}");

    let spans = collector.spans();
    let named = |name: &str| -> Vec<&Span> { spans.iter().filter(|s| s.name == name).collect() };
    // The get: its command span, one call span, a token fetch and two attempts.
    let [root] = named("zoom-live-stream get")[..] else {
        panic!("one command span for the get: {spans:#?}")
    };
    let [call] = named("zoom.meeting_live_stream")[..] else {
        panic!("one call span for the get: {spans:#?}")
    };
    assert_eq!(call.parent, root.id);
    assert_eq!(
        root.resource.get("service.name").map(String::as_str),
        Some("zoom-live-stream")
    );
    let attempts: Vec<&Span> = named("GET /meetings/{meetingId}/livestream");
    assert_eq!(attempts.len(), 2, "{spans:#?}");
    for attempt in &attempts {
        assert_eq!(attempt.parent, call.id);
        assert_eq!(attempt.trace, call.trace);
        assert_eq!(attempt.kind, 3, "client");
        for (key, value) in [
            ("http.request.method", "GET"),
            ("server.address", "127.0.0.1"),
            ("url.template", "/meetings/{meetingId}/livestream"),
        ] {
            assert_eq!(attempt.attr(key), Some(value), "{key} in {attempt:#?}");
        }
        let full = attempt.attr("url.full").unwrap();
        assert!(
            full.starts_with("http://127.0.0.1:")
                && full.ends_with("/v2/meetings/85746065432/livestream"),
            "{full}"
        );
        assert!(attempt.attr("server.port").is_some());
    }
    let (first, second) = if attempts[0].attr("http.request.resend_count").is_none() {
        (attempts[0], attempts[1])
    } else {
        (attempts[1], attempts[0])
    };
    assert_eq!(first.attr("http.response.status_code"), Some("429"));
    assert_eq!(first.attr("error.type"), Some("429"));
    assert_eq!(first.status, 2, "a 429 is an error");
    assert_eq!(second.attr("http.request.resend_count"), Some("1"));
    assert_eq!(second.attr("http.response.status_code"), Some("200"));
    assert_ne!(second.status, 2);
    for (key, value) in [
        ("zoom.meeting_id", MEETING),
        ("zoom.attempts", "2"),
        ("zoom.outcome", "ok"),
        ("http.response.status_code", "200"),
    ] {
        assert_eq!(call.attr(key), Some(value), "{key} in {call:#?}");
    }
    let waited: u64 = call
        .attr("zoom.retry_after.wait_ms")
        .unwrap()
        .parse()
        .unwrap();
    assert!(waited >= 1000, "{waited}");
    assert!(
        call.attr("zoom.tracking_id")
            .is_some_and(|id| !id.is_empty()),
        "{call:#?}"
    );
    // The token: fetched once per process, under the call of that process's first command.
    let tokens = named("POST /oauth/token");
    assert_eq!(tokens.len(), 3, "one per run: {spans:#?}");
    assert!(
        tokens
            .iter()
            .all(|t| t.attr("url.template") == Some("/oauth/token")),
        "{tokens:#?}"
    );
    assert_eq!(named("zoom.update_meeting_live_stream").len(), 2);

    // No secret in any export: the client secret, the tokens the simulator issued, the
    // stream key sent and read back.
    let mut secrets = vec![
        simulator::DEMO_CLIENT_SECRET.to_owned(),
        stream_key.to_owned(),
    ];
    for request in sim.requests() {
        if let Some(bearer) = request.header("authorization") {
            secrets.push(bearer.trim_start_matches("Bearer ").to_owned());
            secrets.push(bearer.to_owned());
        }
    }
    let bodies: Vec<String> = collector
        .exports()
        .iter()
        .map(|e| String::from_utf8_lossy(&e.body).into_owned())
        .collect();
    assert!(secrets.len() > 3);
    for secret in &secrets {
        for body in &bodies {
            assert!(!body.contains(secret.as_str()), "{secret:?} exported");
        }
    }
}

#[test]
fn a_failing_command_still_exports_its_spans_and_protobuf_is_the_default() {
    let sim = BlockingSimulator::start().unwrap();
    let collector = Collector::start();
    // A meeting the simulator does not know: 404, exit code 3 or so; the spans go all the same.
    let (code, _, stderr) = run(tool_on(&sim, &["get", "81234567890"]).env(
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        format!("{}/v1/traces", collector.endpoint),
    ));
    assert_ne!(code, 0, "{stderr}");
    let exports = collector.exports();
    assert!(
        !exports.is_empty(),
        "the spans of a failed command are exported"
    );
    for export in &exports {
        assert_eq!(export.path, "/v1/traces");
        assert_eq!(export.content_type, "application/x-protobuf");
        assert!(!export.body.is_empty());
    }
    let bytes: Vec<u8> = exports.iter().flat_map(|e| e.body.clone()).collect();
    let contains = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(contains("zoom.meeting_live_stream"));
    assert!(contains("GET /meetings/{meetingId}/livestream"));
    assert!(!contains(simulator::DEMO_CLIENT_SECRET));
}

/// Exit code, stdout and how long the tool took.
fn timed(command: &mut std::process::Command) -> (i32, String, Duration) {
    let started = Instant::now();
    let (code, stdout, _) = run(command);
    (code, stdout, started.elapsed())
}

#[test]
fn a_dead_or_silent_collector_changes_neither_the_exit_code_nor_the_output() {
    let sim = BlockingSimulator::start().unwrap();
    // Dead: a port nobody listens on any more.
    let dead = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    // Silent: accepts connections and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_endpoint = format!("http://{}", silent.local_addr().unwrap());
    let held = Arc::new(Mutex::new(Vec::new()));
    let holder = Arc::clone(&held);
    std::thread::spawn(move || {
        for stream in silent.incoming().flatten() {
            holder.lock().unwrap().push(stream);
        }
    });
    for args in [
        &["get", MEETING][..],
        &["get", "81234567890"],
        &["stop", MEETING],
    ] {
        let (code, stdout, plain) = timed(&mut tool_on(&sim, args));
        for endpoint in [&dead, &silent_endpoint] {
            let (with_code, with_stdout, took) =
                timed(tool_on(&sim, args).env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint));
            assert_eq!(
                (with_code, &with_stdout),
                (code, &stdout),
                "{args:?} {endpoint}"
            );
            eprintln!("{args:?} to {endpoint}: {took:?} (without export: {plain:?})");
            // The tool waits at most 1.5 s for its spans; 10 s keeps a loaded machine green.
            assert!(took < plain + Duration::from_secs(10), "{took:?}");
        }
    }
}

/// `listen` on a free loopback port, exporting to `collector` (a batch every `batch_ms`);
/// the child and its `ADDR` and `PATH`.
fn start_listen(collector: &Collector, batch_ms: &str) -> (std::process::Child, String, String) {
    use std::process::Stdio;

    let mut child = tool(&["listen", "--port", "0"])
        .env(
            "ZOOM_WEBHOOK_SECRET_TOKEN",
            zoom_testkit::webhooks::SECRET_TOKEN,
        )
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.endpoint)
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
        .env("OTEL_BSP_SCHEDULE_DELAY", batch_ms)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tool starts");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let url = first
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("not the listening line: {first:?}"))
        .to_owned();
    let (addr, path) = url.split_at(url.find('/').unwrap());
    // The rest of stderr, read so that the tool never blocks on it.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    (child, addr.to_owned(), path.to_owned())
}

/// Delivers one `meeting.live_streaming_started`, signed now (it carries a stream key), to
/// `listen` at `addr` and `path`; asserts the 200.
fn deliver_one(addr: &str, path: &str) {
    use zoom_testkit::webhooks;

    let sample = webhooks::meeting_live_streaming_started();
    let delivery =
        webhooks::Delivery::signed(webhooks::SECRET_TOKEN, webhooks::unix_now(), sample.body);
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        delivery.body.len()
    );
    for (name, value) in &delivery.headers() {
        request.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    request.push_str("\r\n");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(&delivery.body).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn listen_exports_each_delivery_as_it_runs() {
    use zoom_testkit::webhooks;

    let collector = Collector::start();
    let (mut child, addr, path) = start_listen(&collector, "100");
    let path = path.as_str();
    deliver_one(&addr, path);

    // Exported while listen still runs (a batch every 100 ms here, 5 s by default).
    let deadline = Instant::now() + Duration::from_secs(30);
    let spans = loop {
        let spans = collector.spans();
        if spans.iter().any(|s| s.name == "zoom.webhook.verify") || Instant::now() > deadline {
            break spans;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(child.try_wait().unwrap().is_none(), "listen still runs");
    let _ = child.kill();
    let _ = child.wait();

    let server = spans
        .iter()
        .find(|s| s.name == format!("POST {path}"))
        .unwrap_or_else(|| panic!("a server span: {spans:#?}"));
    assert_eq!(server.kind, 2, "server");
    assert_eq!(server.attr("http.response.status_code"), Some("200"));
    assert_eq!(server.attr("http.route"), Some(path));
    let verify = spans
        .iter()
        .find(|s| s.name == "zoom.webhook.verify")
        .unwrap();
    assert_eq!(verify.parent, server.id);
    assert_eq!(verify.attr("zoom.webhook.outcome"), Some("verified"));
    assert_eq!(
        verify.attr("zoom.webhook.event"),
        Some("meeting.live_streaming_started")
    );
    for export in collector.exports() {
        let body = String::from_utf8_lossy(&export.body);
        for secret in [webhooks::SECRET_TOKEN, webhooks::MEETING_STREAM_KEY] {
            assert!(!body.contains(secret), "{secret} exported");
        }
    }
}

/// SIGTERM (as a service manager stops it) and SIGINT (Ctrl-C): `listen` stops, flushes the
/// batch not yet due (every 10 minutes here, so nothing was exported while it ran) and exits
/// with the shell's code for the signal.
#[cfg(unix)]
#[test]
fn listen_stopped_by_a_signal_still_exports_its_last_spans() {
    for (signal, code) in [("-TERM", 143), ("-INT", 130)] {
        let collector = Collector::start();
        let (mut child, addr, path) = start_listen(&collector, "600000");
        deliver_one(&addr, &path);
        assert!(collector.spans().is_empty(), "nothing exported yet");
        let killed = std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "listen still runs after {signal}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(code), "{signal}");
        let spans = collector.spans();
        assert!(
            spans.iter().any(|s| s.name == "zoom.webhook.verify"),
            "{signal}: {spans:#?}"
        );
        assert!(spans.iter().any(|s| s.name == format!("POST {path}")));
    }
}
