//! Every live-stream operation through the real binary, judged by the simulator against the
//! rules of Zoom's OpenAPI document; the id rules (a UUID only for `get`); `join-token`.

use std::collections::BTreeMap;

use zoom_testkit::simulator::{self, BlockingSimulator, spec_violations};

mod support;
use support::tool;

const MEETING: &str = "85746065432";
const WEBINAR: &str = "91234567890";
const UUID: &str = "aDYlohsHRtCd4ii1uC2+hA==";

/// The tool pointed at `sim` with `token`.
fn run(sim: &BlockingSimulator, token: &str, args: &[&str]) -> (i32, String, String) {
    support::run(
        tool(args)
            .env("ZOOM_API_BASE", sim.base_url())
            .env("ZOOM_ACCESS_TOKEN", token),
    )
}

/// The five commands for one meeting or webinar.
fn commands(id: &'static str, webinar: bool) -> Vec<Vec<&'static str>> {
    let update = [
        "--stream-url",
        "rtmp://live.example.com/app",
        "--stream-key",
        "s3cret-key",
        "--page-url",
        "https://example.com/watch",
        "--resolution",
        "1080p",
    ];
    let mut all = vec![
        vec!["get", id],
        [&["update", id][..], &update].concat(),
        vec![
            "start",
            id,
            "--display-name",
            "Town hall",
            "--active-speaker-name",
            "--close-caption",
            "burnt-in",
        ],
        vec!["stop", id],
        vec!["join-token", id],
    ];
    if webinar {
        for args in &mut all {
            args.push("--webinar");
        }
    } else {
        all[2].extend(["--layout", "follow_host"]);
    }
    all
}

#[test]
fn twenty_requests_on_both_clients_are_all_valid_by_zooms_spec() {
    let sim = BlockingSimulator::start().unwrap();
    // The second client starts the stream the first stopped, at once: no 30-second window.
    sim.set_start_window(std::time::Duration::ZERO);
    for client in [&[][..], &["--blocking"]] {
        for (id, webinar) in [(MEETING, false), (WEBINAR, true)] {
            for args in commands(id, webinar) {
                let args = [&args[..], client].concat();
                let (code, _, stderr) = run(&sim, simulator::DEMO_STATIC_TOKEN, &args);
                assert_eq!(code, 0, "{args:?}: {stderr}");
            }
        }
    }
    let requests = sim.requests();
    assert_eq!(requests.len(), 20, "{requests:#?}");
    let mut operations = BTreeMap::new();
    for request in &requests {
        assert_eq!(
            spec_violations(request),
            Vec::<String>::new(),
            "{} {}",
            request.method,
            request.path
        );
        *operations
            .entry(format!("{} {}", request.method, request.path))
            .or_insert(0) += 1;
    }
    // Ten operations (five per kind), each sent once by each client.
    let expected: BTreeMap<String, i32> = [
        "GET /v2/meetings/85746065432/livestream",
        "PATCH /v2/meetings/85746065432/livestream",
        "PATCH /v2/meetings/85746065432/livestream/status",
        "GET /v2/meetings/85746065432/jointoken/live_streaming",
        "GET /v2/webinars/91234567890/livestream",
        "PATCH /v2/webinars/91234567890/livestream",
        "PATCH /v2/webinars/91234567890/livestream/status",
        "GET /v2/webinars/91234567890/jointoken/live_streaming",
    ]
    .into_iter()
    .map(|op| {
        let times = if op.ends_with("/status") { 4 } else { 2 };
        (op.to_owned(), times)
    })
    .collect();
    assert_eq!(operations, expected);
    let meeting = sim.meeting(simulator::DEMO_MEETING_ID).unwrap();
    assert_eq!(meeting.join_tokens_issued, 2);
    assert!(!meeting.streaming);
}

#[test]
fn a_uuid_is_taken_by_get_only_and_nothing_else_is_sent() {
    let sim = BlockingSimulator::start().unwrap();
    for webinar in [false, true] {
        for mut args in commands(UUID, webinar) {
            let get = args[0] == "get";
            args.push("--blocking");
            sim.clear_requests();
            let (code, stdout, stderr) = run(&sim, simulator::DEMO_STATIC_TOKEN, &args);
            if get {
                // Sent, as one encoded segment; the simulator knows no such instance.
                assert_eq!(code, 3, "{stderr}");
                let requests = sim.requests();
                assert_eq!(requests.len(), 1);
                assert!(requests[0].path.contains("aDYlohsHRtCd4ii1uC2%2BhA%3D%3D"));
                continue;
            }
            assert_eq!(code, 2, "{args:?}: {stderr}");
            assert!(stdout.is_empty());
            assert!(
                stderr.contains("UUID") && stderr.contains("only the live-stream GET"),
                "{stderr}"
            );
            assert!(sim.requests().is_empty(), "{args:?} sent a request");
        }
    }
}

#[test]
fn join_token_prints_the_token_only_when_asked() {
    let sim = BlockingSimulator::start().unwrap();
    let (code, stdout, stderr) = run(
        &sim,
        simulator::DEMO_STATIC_TOKEN,
        &["join-token", WEBINAR, "--webinar"],
    );
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"token": "[redacted]", "expire_in": 120})
    );
    assert!(stderr.contains("--show-token"), "{stderr}");
    assert!(!stderr.contains("sim_jt_"), "{stderr}");

    let (code, stdout, stderr) = run(
        &sim,
        simulator::DEMO_STATIC_TOKEN,
        &["join-token", MEETING, "--show-token", "--blocking"],
    );
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(json["token"].as_str().unwrap().starts_with("sim_jt_"));
    assert!(!stderr.contains("sim_jt_"), "{stderr}");
}

#[test]
fn join_token_errors_exit_with_their_codes() {
    let sim = BlockingSimulator::start().unwrap();
    // A JWT app's token: refused by this operation only; exit 5 with a hint.
    let (code, stdout, stderr) = run(&sim, simulator::DEMO_JWT_TOKEN, &["join-token", MEETING]);
    assert_eq!(code, 5, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("code 124") && stderr.contains("only supports OAuth2"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint:") && stderr.contains("OAuth"),
        "{stderr}"
    );

    let not_allowed = simulator::MEETING_LIVE_STREAMING_NOT_ALLOWED.to_string();
    let (code, _, stderr) = run(
        &sim,
        simulator::DEMO_STATIC_TOKEN,
        &["join-token", &not_allowed],
    );
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("code 3000") && stderr.contains("Allow livestreaming of meetings"),
        "{stderr}"
    );
    let (code, _, stderr) = run(
        &sim,
        simulator::DEMO_STATIC_TOKEN,
        &["join-token", "12345678901", "--webinar"],
    );
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("HTTP 404") && stderr.contains("Webinar does not exist: 12345678901"),
        "{stderr}"
    );
}

#[test]
fn help_describes_join_token_and_the_id_rules() {
    let sim = BlockingSimulator::start().unwrap();
    let (code, help, _) = run(&sim, "", &["--help"]);
    assert_eq!(code, 0);
    assert!(help.contains("join-token"), "{help}");
    assert!(help.contains("take only the number"), "{help}");
    let (code, help, _) = run(&sim, "", &["join-token", "--help"]);
    assert_eq!(code, 0);
    for part in ["--show-token", "--webinar", "120 s", "OAuth"] {
        assert!(help.contains(part), "{part}: {help}");
    }
}
