//! Video SDK sessions through the real binary: `get`, `update`, `start` and `stop` with
//! `--session ID`, on both clients, signed with the Video SDK API key and secret (or with
//! Server-to-Server OAuth), every request judged by the simulator against
//! `spec/videosdk-livestream.json`; the built-in simulator's demo session; the usage errors.

use std::collections::BTreeMap;

use zoom_testkit::simulator::{self, BlockingSimulator, spec_violations};

mod support;
use support::tool;

/// The tool pointed at `sim` with the Video SDK app's key and `secret`.
fn run_jwt(sim: &BlockingSimulator, secret: &str, args: &[&str]) -> (i32, String, String) {
    support::run(
        tool(args)
            .env("ZOOM_API_BASE", sim.base_url())
            .env("ZOOM_VIDEO_SDK_API_KEY", simulator::DEMO_VIDEO_SDK_API_KEY)
            .env("ZOOM_VIDEO_SDK_API_SECRET", secret),
    )
}

/// The four commands for one session.
fn commands(id: &'static str) -> Vec<Vec<&'static str>> {
    vec![
        vec!["get", "--session", id],
        vec![
            "update",
            "--session",
            id,
            "--stream-url",
            "rtmp://live.example.com/app",
            "--stream-key",
            "s3cret-key",
            "--page-url",
            "https://example.com/watch",
            "--resolution",
            "1080p",
        ],
        vec![
            "start",
            "--session",
            id,
            "--display-name",
            "Demo",
            "--active-speaker-name",
            "--layout",
            "speaker_view",
            "--close-caption",
            "embedded",
        ],
        vec!["stop", "--session", id],
    ]
}

#[test]
fn every_session_request_of_both_clients_is_valid_by_the_video_sdk_spec() {
    let sim = BlockingSimulator::start().unwrap();
    let mut outputs = Vec::new();
    for client in [&[][..], &["--blocking"]] {
        for id in [simulator::DEMO_SESSION_ID, simulator::SESSION_SLASHED_ID] {
            for args in commands(id) {
                let args = [&args[..], client].concat();
                let (code, stdout, stderr) =
                    run_jwt(&sim, simulator::DEMO_VIDEO_SDK_API_SECRET, &args);
                assert_eq!(code, 0, "{args:?}: {stderr}");
                outputs.push((args, stdout, stderr));
            }
        }
    }
    let requests = sim.requests();
    assert_eq!(requests.len(), 16, "{requests:#?}");
    let mut operations = BTreeMap::new();
    for request in &requests {
        assert_eq!(
            spec_violations(request),
            Vec::<String>::new(),
            "{} {}",
            request.method,
            request.path
        );
        let bearer = request.header("authorization").unwrap();
        assert!(
            bearer.starts_with("Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."),
            "a JWT"
        );
        *operations
            .entry(format!("{} {}", request.method, request.path))
            .or_insert(0) += 1;
    }
    // Three operations per session, each sent by both clients (the status one twice).
    let expected: BTreeMap<String, i32> = [
        "GET /v2/videosdk/sessions/Sx8PZbQyTtaUc9kFb4sOwg%3D%3D/livestream",
        "PATCH /v2/videosdk/sessions/Sx8PZbQyTtaUc9kFb4sOwg%3D%3D/livestream",
        "PATCH /v2/videosdk/sessions/Sx8PZbQyTtaUc9kFb4sOwg%3D%3D/livestream/status",
        "GET /v2/videosdk/sessions/%252FAb%252F%252FCd%252BEf%253D%253D/livestream",
        "PATCH /v2/videosdk/sessions/%252FAb%252F%252FCd%252BEf%253D%253D/livestream",
        "PATCH /v2/videosdk/sessions/%252FAb%252F%252FCd%252BEf%253D%253D/livestream/status",
    ]
    .into_iter()
    .map(|op| {
        let times = if op.ends_with("/status") { 4 } else { 2 };
        (op.to_owned(), times)
    })
    .collect();
    assert_eq!(operations, expected);
    let session = sim.session(simulator::DEMO_SESSION_ID).unwrap();
    assert!(!session.streaming);
    assert_eq!(
        session.last_status_settings.unwrap(),
        serde_json::json!({"active_speaker_name": true, "display_name": "Demo", "layout": "speaker_view", "close_caption": "embedded"})
    );
    let (_, _, stderr) = &outputs[2];
    assert!(
        stderr.contains(&format!(
            "started the live stream of session {}",
            simulator::DEMO_SESSION_ID
        )),
        "{stderr}"
    );
    for (_, stdout, stderr) in &outputs {
        for secret in [simulator::DEMO_VIDEO_SDK_API_SECRET, "eyJ", "s3cret-key"] {
            assert!(
                !stdout.contains(secret) && !stderr.contains(secret),
                "{secret}"
            );
        }
    }
}

#[test]
fn server_to_server_oauth_serves_sessions_and_wins_no_race_with_the_jwt() {
    let sim = BlockingSimulator::start().unwrap();
    let s2s = |command: &mut std::process::Command| {
        command
            .env("ZOOM_API_BASE", sim.base_url())
            .env("ZOOM_OAUTH_BASE", sim.oauth_base())
            .env("ZOOM_ACCOUNT_ID", simulator::DEMO_ACCOUNT_ID)
            .env("ZOOM_CLIENT_ID", simulator::DEMO_CLIENT_ID)
            .env("ZOOM_CLIENT_SECRET", simulator::DEMO_CLIENT_SECRET);
    };
    let mut command = tool(&["get", "--session", simulator::DEMO_SESSION_ID, "--blocking"]);
    s2s(&mut command);
    let (code, stdout, stderr) = support::run(&mut command);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(simulator::DEMO_STREAM_URL));
    assert_eq!(sim.token_requests(), 1);
    // With both, a session takes the Video SDK JWT (no token request), a meeting OAuth.
    sim.reset();
    let mut command = tool(&["get", "--session", simulator::DEMO_SESSION_ID]);
    s2s(&mut command);
    command
        .env("ZOOM_VIDEO_SDK_API_KEY", simulator::DEMO_VIDEO_SDK_API_KEY)
        .env(
            "ZOOM_VIDEO_SDK_API_SECRET",
            simulator::DEMO_VIDEO_SDK_API_SECRET,
        );
    assert_eq!(support::run(&mut command).0, 0);
    assert_eq!(sim.token_requests(), 0);
    let meeting = simulator::DEMO_MEETING_ID.to_string();
    let mut command = tool(&["get", &meeting]);
    s2s(&mut command);
    command
        .env("ZOOM_VIDEO_SDK_API_KEY", simulator::DEMO_VIDEO_SDK_API_KEY)
        .env(
            "ZOOM_VIDEO_SDK_API_SECRET",
            simulator::DEMO_VIDEO_SDK_API_SECRET,
        );
    assert_eq!(support::run(&mut command).0, 0);
    assert_eq!(sim.token_requests(), 1);
}

#[test]
fn with_no_credentials_the_built_in_simulator_serves_a_demo_session() {
    let (code, stdout, stderr) = support::run(&mut tool(&[
        "get",
        "--session",
        simulator::DEMO_SESSION_ID,
        "--show-stream-key",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("built-in Zoom simulator"), "{stderr}");
    assert!(stderr.contains(simulator::DEMO_SESSION_ID), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["stream_key"], simulator::DEMO_STREAM_KEY);
    let (code, _, stderr) = support::run(&mut tool(&[
        "start",
        "--session",
        simulator::DEMO_SESSION_ID,
        "--blocking",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("started the live stream of session"),
        "{stderr}"
    );
}

#[test]
fn a_wrong_secret_is_an_auth_failure_with_a_video_sdk_hint() {
    let sim = BlockingSimulator::start().unwrap();
    let (code, stdout, stderr) = run_jwt(
        &sim,
        "not-the-secret",
        &["get", "--session", simulator::DEMO_SESSION_ID],
    );
    assert_eq!(code, 5, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("code 124"), "{stderr}");
    assert!(stderr.contains("ZOOM_VIDEO_SDK_API_SECRET"), "{stderr}");
    assert!(!stderr.contains("not-the-secret"), "{stderr}");
    // Refused once, minted anew and sent once more: two requests.
    assert_eq!(sim.requests().len(), 2);
}

#[test]
fn usage_errors_send_nothing() {
    let sim = BlockingSimulator::start().unwrap();
    let session = simulator::DEMO_SESSION_ID;
    for (args, says) in [
        (&["get", "--session", "a.b"][..], "session_id"),
        (
            &["get", "85746065432", "--session", session],
            "cannot be used with",
        ),
        (
            &["get", "--webinar", "--session", session],
            "cannot be used with",
        ),
        (
            &["start", "--session", session, "--layout", "follow_host"],
            "gallery_view or speaker_view",
        ),
        (&["join-token", "--session", session], "--session"),
        (&["get"], "required"),
    ] {
        let (code, stdout, stderr) = run_jwt(&sim, simulator::DEMO_VIDEO_SDK_API_SECRET, args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    // The Video SDK key and secret are no credential of the meeting API.
    let (code, _, stderr) = run_jwt(&sim, "s", &["get", "85746065432"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("serve --session only"), "{stderr}");
    let (code, _, stderr) = support::run(
        tool(&["get", "--session", session])
            .env("ZOOM_API_BASE", sim.base_url())
            .env("ZOOM_VIDEO_SDK_API_KEY", "k"),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("needs both"), "{stderr}");
    assert!(sim.requests().is_empty());
}

#[test]
fn help_describes_sessions() {
    let (code, help, _) = support::run(&mut tool(&["--help"]));
    assert_eq!(code, 0);
    for part in [
        "--session",
        "ZOOM_VIDEO_SDK_API_KEY",
        "gallery_view or speaker_view",
    ] {
        assert!(help.contains(part), "{part}: {help}");
    }
    let (code, help, _) = support::run(&mut tool(&["start", "--help"]));
    assert_eq!(code, 0);
    for part in [
        "--session <ID>",
        "embedded",
        "off",
        "--video-sdk-api-secret",
    ] {
        assert!(help.contains(part), "{part}: {help}");
    }
    assert!(!help.contains("ZOOM_VIDEO_SDK_API_SECRET="), "{help}");
}
