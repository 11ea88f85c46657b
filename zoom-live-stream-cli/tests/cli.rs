//! `zoom-live-stream` end to end: the real binary against the simulator.

use std::process::{Command, Stdio};

mod support;
use support::{run, tool};

use zoom_testkit::simulator::{self, BlockingSimulator};

/// The tool pointed at `sim` with its static token.
fn against(sim: &BlockingSimulator, args: &[&str]) -> (i32, String, String) {
    run(tool(args)
        .env("ZOOM_API_BASE", sim.base_url())
        .env("ZOOM_ACCESS_TOKEN", simulator::DEMO_STATIC_TOKEN))
}

#[test]
fn with_no_credentials_it_answers_from_the_built_in_simulator() {
    for extra in [&[][..], &["--blocking"]] {
        let mut args = vec!["get", "85746065432"];
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = run(&mut tool(&args));
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(
            stderr
                .lines()
                .filter(|l| l.contains("built-in Zoom simulator"))
                .count(),
            1,
            "{stderr}"
        );
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(json["stream_url"], simulator::DEMO_STREAM_URL);
        assert_eq!(json["page_url"], simulator::DEMO_PAGE_URL);
        assert_eq!(json["stream_key"], "[redacted]");
        assert!(
            !stdout.contains(simulator::DEMO_STREAM_KEY)
                && !stderr.contains(simulator::DEMO_STREAM_KEY)
        );
    }
}

#[test]
fn the_stream_key_is_printed_only_when_asked() {
    let sim = BlockingSimulator::start().unwrap();
    let (code, stdout, _) = against(&sim, &["get", "85746065432", "--show-stream-key"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["stream_key"], simulator::DEMO_STREAM_KEY);
}

#[test]
fn update_start_and_stop_reach_the_simulator_and_a_get_reads_them_back() {
    let sim = BlockingSimulator::start().unwrap();
    // The blocking client starts the stream the async one stopped, at once: no 30 s window.
    sim.set_start_window(std::time::Duration::ZERO);
    for blocking in [false, true] {
        let mode: &[&str] = if blocking { &["--blocking"] } else { &[] };
        let with = |args: &[&'static str]| [mode, args].concat();
        let update = with(&[
            "update",
            "85746065432",
            "--stream-url",
            "rtmp://live.example/app",
            "--stream-key",
            "new-key",
            "--page-url",
            "https://example.com/w",
            "--resolution",
            "1080p",
        ]);
        assert_eq!(against(&sim, &update).0, 0);
        let (code, stdout, _) = against(&sim, &with(&["get", "85746065432", "--show-stream-key"]));
        assert_eq!(code, 0);
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(
            (json["stream_key"].as_str(), json["resolution"].as_str()),
            (Some("new-key"), Some("1080p"))
        );

        assert_eq!(
            against(
                &sim,
                &with(&["start", "85746065432", "--display-name", "Jill Chill"])
            )
            .0,
            0
        );
        assert!(sim.meeting(simulator::DEMO_MEETING_ID).unwrap().streaming);
        assert_eq!(against(&sim, &with(&["stop", "85746065432"])).0, 0);
        assert!(!sim.meeting(simulator::DEMO_MEETING_ID).unwrap().streaming);
    }
}

#[test]
fn webinars_are_reached_with_the_webinar_flag() {
    let sim = BlockingSimulator::start().unwrap();
    let (code, stdout, _) = against(&sim, &["get", "--webinar", "91234567890"]);
    assert_eq!(code, 0);
    assert!(stdout.contains(simulator::DEMO_STREAM_URL));
    let (code, _, stderr) = against(&sim, &["start", "--webinar", "91000000001"]);
    assert_eq!(code, 3);
    assert!(
        stderr.contains("code 200") && stderr.contains("has not started"),
        "{stderr}"
    );
}

#[test]
fn documented_errors_print_one_line_with_status_code_message_and_tracking_id() {
    let sim = BlockingSimulator::start().unwrap();
    let cases = [
        (
            "81000000001",
            "HTTP 400 Bad Request, code 1010: User does not belong to this account",
        ),
        (
            "81000000002",
            "HTTP 400 Bad Request, code 3161: Meeting hosting and scheduling",
        ),
        ("81000000003", "HTTP 404 Not Found, code 1001: User"),
        ("12345678901", "HTTP 404 Not Found, code 3001"),
        ("abc", "HTTP 400 Bad Request, code 300: Invalid meetingId"),
    ];
    for (id, expected) in cases {
        for mode in [&[][..], &["--blocking"]] {
            let (code, stdout, stderr) = against(&sim, &[mode, &["get", id]].concat());
            assert_eq!(code, 3, "{id}: {stderr}");
            assert!(stdout.is_empty());
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(stderr.contains(expected), "{id}: {stderr}");
            assert!(stderr.contains("tracking id"), "{stderr}");
        }
    }
}

#[test]
fn bad_input_is_a_usage_error_and_nothing_is_sent() {
    let sim = BlockingSimulator::start().unwrap();
    sim.clear_requests();
    for args in [
        &["get", " "][..],
        &["get"],
        &["fetch", "1"],
        &["get", "1", "--bogus"],
        &["stop", "85746065432", "--stream-url", "rtmp://x/y"],
        &["get", "85746065432", "--show-stream-key=false"],
        &["get", "85746065432", "--layout", "follow_host"],
        &["start", "85746065432", "--layout", "sideways"],
        &["--timeout", "soon", "get", "85746065432"],
        &[
            "update",
            "1",
            "--stream-url",
            "https://not-rtmp.example/app",
            "--stream-key",
            "k",
            "--page-url",
            "https://example.com/w",
        ],
        &[
            "update",
            "1",
            "--stream-url",
            "rtmp://live.example/app",
            "--stream-key",
            "k\u{1b}[2J",
            "--page-url",
            "https://example.com/w",
        ],
        &[
            "update",
            "1",
            "--stream-url",
            "rtmp://a",
            "--stream-key",
            "k",
            "--page-url",
            "not a url",
        ],
        &["start", "1", "--display-name", &"x".repeat(51)],
        &["start", "--webinar", "1", "--layout", "follow_host"],
    ] {
        let (code, _, stderr) = against(&sim, args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
    }
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
}

#[test]
fn dot_and_encoded_ids_are_usage_errors_and_nothing_is_sent() {
    // `..` and `.` (even as `%2e`) would be removed by URL normalisation and reroute the
    // request (`get ..` became `GET /v2/livestream`); they are not Zoom ids at all.
    let sim = BlockingSimulator::start().unwrap();
    sim.clear_requests();
    for mode in [&[][..], &["--blocking"]] {
        for args in [
            &["get", "."][..],
            &["get", ".."],
            &["start", ".."],
            &["stop", "."],
            &["get", "--webinar", "."],
            &["get", "%2e%2e"],
            &["get", "1.5"],
            &["get", "a b"],
            &["get", "1?x=2"],
            &["get", "1#x"],
            &["get", "9223372036854775808"],
        ] {
            let (code, _, stderr) = against(&sim, &[mode, args].concat());
            assert_eq!(code, 2, "{args:?}: {stderr}");
            assert!(
                stderr.contains("meeting_id") || stderr.contains("webinar_id"),
                "{stderr}"
            );
        }
    }
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
}

#[test]
fn an_unreachable_host_is_a_network_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}/v2");
    for mode in [&[][..], &["--blocking"]] {
        let (code, _, stderr) = run(tool(&[mode, &["get", "1"]].concat())
            .env("ZOOM_API_BASE", &base)
            .env("ZOOM_ACCESS_TOKEN", "t"));
        assert_eq!(code, 4, "{stderr}");
        assert!(
            stderr.contains("network error") && stderr.contains(&base),
            "{stderr}"
        );
    }
}

#[test]
fn server_to_server_credentials_come_from_the_environment() {
    let sim = BlockingSimulator::start().unwrap();
    let s2s = |secret: &str| {
        let mut command = tool(&["get", "85746065432"]);
        command
            .env("ZOOM_API_BASE", sim.base_url())
            .env("ZOOM_OAUTH_BASE", sim.oauth_base())
            .env("ZOOM_ACCOUNT_ID", simulator::DEMO_ACCOUNT_ID)
            .env("ZOOM_CLIENT_ID", simulator::DEMO_CLIENT_ID)
            .env("ZOOM_CLIENT_SECRET", secret);
        run(&mut command)
    };
    assert_eq!(s2s(simulator::DEMO_CLIENT_SECRET).0, 0);
    assert_eq!(sim.token_requests(), 1);
    let (code, _, stderr) = s2s("wrong-secret");
    assert_eq!(code, 5, "{stderr}");
    assert!(
        stderr.contains("Invalid client_id or client_secret"),
        "{stderr}"
    );
    assert!(!stderr.contains("wrong-secret"));
    let (code, _, stderr) = run(tool(&["get", "1"]).env("ZOOM_ACCOUNT_ID", "a"));
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn an_unreachable_token_endpoint_is_a_network_error() {
    let sim = BlockingSimulator::start().unwrap();
    let closed = format!("http://127.0.0.1:{}", closed_port());
    for mode in [&[][..], &["--blocking"]] {
        let (code, _, stderr) = run(tool(
            &[mode, &["get", "85746065432", "--timeout", "5"]].concat(),
        )
        .env("ZOOM_API_BASE", sim.base_url())
        .env("ZOOM_OAUTH_BASE", &closed)
        .env("ZOOM_ACCOUNT_ID", simulator::DEMO_ACCOUNT_ID)
        .env("ZOOM_CLIENT_ID", simulator::DEMO_CLIENT_ID)
        .env("ZOOM_CLIENT_SECRET", simulator::DEMO_CLIENT_SECRET));
        assert_eq!(code, 4, "{stderr}");
        assert!(
            stderr.contains("token endpoint") && stderr.contains(&closed),
            "{stderr}"
        );
        assert!(!stderr.contains(simulator::DEMO_CLIENT_SECRET), "{stderr}");
    }
}

#[test]
fn a_refused_access_token_exits_5_with_a_hint() {
    let sim = BlockingSimulator::start().unwrap();
    for mode in [&[][..], &["--blocking"]] {
        let (code, _, stderr) = run(tool(&[mode, &["get", "85746065432"]].concat())
            .env("ZOOM_API_BASE", sim.base_url())
            .env("ZOOM_ACCESS_TOKEN", "not-a-token-the-simulator-issued"));
        assert_eq!(code, 5, "{stderr}");
        assert!(
            stderr.contains("HTTP 401") && stderr.contains("hint:"),
            "{stderr}"
        );
        assert!(stderr.contains("scopes"), "{stderr}");
        assert!(
            !stderr.contains("not-a-token-the-simulator-issued"),
            "{stderr}"
        );
    }
}

#[test]
fn malformed_base_urls_are_usage_errors_that_name_the_problem_and_hide_credentials() {
    let sim = BlockingSimulator::start().unwrap();
    sim.clear_requests();
    for (base, expected) in [
        ("http://127.0.0.1:99999/v2", "port"),
        ("http://127.0.0.1/v2#top", "fragment"),
        ("http://127.0.0.1/v2?x=1", "query"),
        ("http://127.0.0.1 /v2", "space"),
        ("http://user:hunter2@127.0.0.1:99999/v2", "[redacted]@"),
    ] {
        let (code, _, stderr) = run(tool(&["get", "85746065432"])
            .env("ZOOM_API_BASE", base)
            .env("ZOOM_ACCESS_TOKEN", simulator::DEMO_STATIC_TOKEN));
        assert_eq!(code, 2, "{base}: {stderr}");
        assert!(stderr.contains(expected), "{base}: {stderr}");
        assert!(!stderr.contains("hunter2"), "{stderr}");
        if expected == "fragment" {
            assert!(!stderr.contains("query"), "{stderr}");
        }
    }
    assert!(sim.requests().is_empty());
}

#[test]
fn credentials_in_a_base_url_are_never_printed_and_a_base_without_v2_is_warned_about() {
    let base = format!("http://user:hunter2@127.0.0.1:{}", closed_port());
    let (code, _, stderr) = run(tool(&["get", "1", "--timeout", "5"])
        .env("ZOOM_API_BASE", &base)
        .env("ZOOM_ACCESS_TOKEN", "t"));
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains("does not end in /v2"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(stderr.contains("[redacted]@127.0.0.1"), "{stderr}");
}

#[test]
fn state_changes_say_what_they_did() {
    let sim = BlockingSimulator::start().unwrap();
    let (code, _, stderr) = against(&sim, &["start", "85746065432"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("started the live stream of meeting 85746065432"),
        "{stderr}"
    );
    let (_, _, stderr) = against(&sim, &["stop", "85746065432"]);
    assert!(
        stderr.contains("stopped the live stream of meeting 85746065432"),
        "{stderr}"
    );
    let (_, _, stderr) = against(
        &sim,
        &[
            "update",
            "--webinar",
            "91234567890",
            "--stream-url",
            "rtmps://live.example/app",
            "--stream-key",
            "new-key",
            "--page-url",
            "https://example.com/w",
        ],
    );
    assert!(
        stderr.contains("updated the live stream of webinar 91234567890"),
        "{stderr}"
    );
    assert!(!stderr.contains("new-key"), "{stderr}");
}

#[test]
fn global_options_work_after_the_subcommand_and_the_timeout_bounds_a_call() {
    let sim = BlockingSimulator::start().unwrap();
    sim.push_fault(simulator::FaultRule::new(simulator::Fault::Delay {
        millis: 5_000,
    }));
    for mode in [&[][..], &["--blocking"]] {
        let (code, _, stderr) = against(
            &sim,
            &[&["get", "85746065432", "--timeout", "0.3"], mode].concat(),
        );
        assert_eq!(code, 4, "{stderr}");
        assert!(stderr.contains("timed out"), "{stderr}");
    }
}

#[test]
fn help_lists_commands_values_and_exit_codes() {
    let (code, stdout, _) = run(&mut tool(&["help"]));
    assert_eq!(code, 0);
    for text in [
        "get",
        "update",
        "start",
        "stop",
        "completions",
        "Exit codes",
    ] {
        assert!(stdout.contains(text), "{stdout}");
    }
    let (code, stdout, _) = run(&mut tool(&["start", "--help"]));
    assert_eq!(code, 0);
    for value in ["follow_host", "gallery_view", "speaker_view", "burnt-in"] {
        assert!(stdout.contains(value), "{stdout}");
    }
    let (_, stdout, _) = run(&mut tool(&["help", "update"]));
    assert!(
        stdout.contains("720p") && stdout.contains("1080p"),
        "{stdout}"
    );
}

#[test]
fn completions_are_printed_for_a_shell() {
    let (code, stdout, _) = run(&mut tool(&["completions", "bash"]));
    assert_eq!(code, 0);
    assert!(stdout.contains("zoom-live-stream") && stdout.contains("--stream-url"));
    let (code, _, _) = run(&mut tool(&["completions", "cmd.exe"]));
    assert_eq!(code, 2);
}

#[test]
fn arguments_that_are_not_utf8_are_an_error_not_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let bad = std::ffi::OsStr::from_bytes(b"8574\xff6065432");
    let output = tool(&["get"]).arg(bad).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn verbose_logs_go_to_stderr_without_secrets() {
    let sim = BlockingSimulator::start().unwrap();
    for args in [
        &["-vv", "get", "85746065432"][..],
        &["get", "85746065432", "-v", "--blocking"],
    ] {
        let (code, stdout, stderr) = run(tool(args)
            .env("ZOOM_API_BASE", sim.base_url())
            .env("ZOOM_OAUTH_BASE", sim.oauth_base())
            .env("ZOOM_ACCOUNT_ID", simulator::DEMO_ACCOUNT_ID)
            .env("ZOOM_CLIENT_ID", simulator::DEMO_CLIENT_ID)
            .env("ZOOM_CLIENT_SECRET", simulator::DEMO_CLIENT_SECRET)
            .env("RUST_LOG", "trace"));
        assert_eq!(code, 0, "{stderr}");
        assert!(stderr.contains("zoom call succeeded"), "{stderr}");
        for secret in [simulator::DEMO_CLIENT_SECRET, simulator::DEMO_STREAM_KEY] {
            assert!(
                !stderr.contains(secret) && !stdout.contains(secret),
                "{stderr}"
            );
        }
    }
    let (_, _, stderr) = against(&sim, &["-vv", "get", "85746065432"]);
    assert!(stderr.contains("zoom call succeeded"), "{stderr}");
    assert!(!stderr.contains(simulator::DEMO_STATIC_TOKEN), "{stderr}");
}

#[test]
fn a_full_stdout_is_an_error_and_a_full_stderr_is_not_a_panic() {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let output = tool(&["get", "85746065432"])
        .stdout(Stdio::from(full()))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("could not write"), "{stderr}");

    let output = tool(&["get", "85746065432"])
        .stdout(Stdio::piped())
        .stderr(Stdio::from(full()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("stream_url"));
    let output = tool(&["get", "1", "--bogus"])
        .stderr(Stdio::from(full()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

/// A loopback port nobody listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    // `zoom-live-stream get … | head -c 0`: the reader is gone before the tool writes.
    let mut child = tool(&["get", "85746065432"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn proxies_from_the_environment_are_never_used_for_loopback() {
    // A dead proxy: anything sent through it fails to connect.
    let dead = format!("http://127.0.0.1:{}", closed_port());
    let sim = BlockingSimulator::start().unwrap();
    for mode in [&[][..], &["--blocking"]] {
        let with_proxies = |command: &mut Command| {
            for name in [
                "HTTP_PROXY",
                "http_proxy",
                "HTTPS_PROXY",
                "https_proxy",
                "ALL_PROXY",
                "all_proxy",
            ] {
                command.env(name, &dead);
            }
            command.env_remove("NO_PROXY").env_remove("no_proxy");
        };
        // The offline demo, through S2S OAuth on the built-in simulator.
        let mut demo = tool(&[mode, &["get", "85746065432"]].concat());
        with_proxies(&mut demo);
        let (code, _, stderr) = run(&mut demo);
        assert_eq!(code, 0, "{stderr}");
        // A simulator named by its base URL, as localhost.
        let base = sim.base_url().replace("127.0.0.1", "localhost");
        let mut named = tool(&[mode, &["get", "85746065432"]].concat());
        named
            .env("ZOOM_API_BASE", base)
            .env("ZOOM_ACCESS_TOKEN", simulator::DEMO_STATIC_TOKEN);
        with_proxies(&mut named);
        let (code, _, stderr) = run(&mut named);
        assert_eq!(code, 0, "{stderr}");
    }
}

#[test]
fn a_rate_limit_reads_as_one_sentence() {
    let sim = BlockingSimulator::start().unwrap();
    // Longer than the retry budget: returned at once.
    sim.push_fault(simulator::FaultRule::new(simulator::Fault::RateLimited {
        retry_after: simulator::RetryAfterForm::Seconds { seconds: 600 },
    }));
    let (code, _, stderr) = against(&sim, &["get", "85746065432"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("HTTP 429") && stderr.contains("; retry after"),
        "{stderr}"
    );
    assert!(!stderr.contains(".;"), "{stderr}");
}
