//! Scripted faults, checked on the wire.

mod simulator_common;

use serde_json::json;
use simulator_common::{
    BEARER, Conn, get, meeting_path, patch, raw_until_eof, request, token_request,
};
use zoom_testkit::simulator::{
    BlockingSimulator, CONTROL_TEXT, DEMO_MEETING_ID, DEMO_STATIC_TOKEN, DEMO_WEBINAR_ID, Fault,
    FaultRule, MEETING_NO_STREAM, RetryAfterForm, SimulatorConfig,
};

fn sim() -> BlockingSimulator {
    BlockingSimulator::start().unwrap()
}

fn raw_get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: {BEARER}\r\n\r\n")
}

fn header_of(head: &str, name: &str) -> Option<String> {
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_owned())
}

#[test]
fn status_faults_answer_with_json_and_zoom_headers() {
    let sim = sim();
    for status in [500u16, 502, 503, 504] {
        sim.push_fault(FaultRule::new(Fault::Status { status }).once());
        let resp = get(sim.addr(), &meeting_path(DEMO_MEETING_ID));
        let body = resp.assert_error(status, i64::from(status));
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(resp.header("x-zm-trackingid").is_some());
        assert_eq!(resp.header("x-ratelimit-type"), Some("QPS"));
        assert_eq!(
            resp.header("content-type"),
            Some("application/json;charset=UTF-8")
        );
    }
    assert_eq!(get(sim.addr(), &meeting_path(DEMO_MEETING_ID)).status, 200);
}

#[test]
fn faults_apply_before_auth_and_change_no_state() {
    let sim = sim();
    sim.push_fault(FaultRule::new(Fault::Status { status: 503 }).times(2));
    // No credentials at all: the proxy answers first.
    request(sim.addr(), "GET", &meeting_path(DEMO_MEETING_ID), &[], b"").assert_error(503, 503);
    let stream = json!({"stream_url": "rtmp://x", "stream_key": "new", "page_url": "https://p"});
    patch(sim.addr(), &meeting_path(DEMO_MEETING_ID), &stream).assert_error(503, 503);
    assert_eq!(
        sim.meeting(DEMO_MEETING_ID)
            .unwrap()
            .stream
            .unwrap()
            .stream_key,
        "Contact It@somecompany.com"
    );
    assert_eq!(sim.requests().len(), 2, "faulted requests are recorded");
    assert_eq!(
        patch(sim.addr(), &meeting_path(DEMO_MEETING_ID), &stream).status,
        204
    );
}

#[test]
fn times_counts_down_and_rules_apply_in_order() {
    let sim = sim();
    sim.push_fault(FaultRule::new(Fault::Status { status: 502 }).times(2));
    sim.push_fault(FaultRule::new(Fault::Status { status: 504 }).once());
    let statuses: Vec<u16> = (0..5)
        .map(|_| get(sim.addr(), &meeting_path(DEMO_MEETING_ID)).status)
        .collect();
    assert_eq!(statuses, [502, 502, 504, 200, 200]);

    sim.push_fault(FaultRule::new(Fault::Status { status: 500 }));
    for _ in 0..3 {
        assert_eq!(get(sim.addr(), &meeting_path(DEMO_MEETING_ID)).status, 500);
    }
    sim.clear_faults();
    assert_eq!(get(sim.addr(), &meeting_path(DEMO_MEETING_ID)).status, 200);
}

#[test]
fn faults_match_by_path_prefix_and_method() {
    let sim = sim();
    let demo = meeting_path(DEMO_MEETING_ID);
    sim.push_fault(
        FaultRule::new(Fault::Status { status: 503 })
            .path(demo.clone())
            .method("patch"),
    );
    sim.push_fault(FaultRule::new(Fault::Status { status: 502 }).path("/oauth/"));
    assert_eq!(get(sim.addr(), &demo).status, 200, "GET is not matched");
    assert_eq!(
        get(sim.addr(), &meeting_path(MEETING_NO_STREAM)).status,
        200
    );
    assert_eq!(
        get(sim.addr(), "/v2/webinars/91234567890/livestream").status,
        200
    );
    patch(sim.addr(), &demo, &json!({"action": "start"})).assert_error(503, 503);
    // The prefix also covers /status below it.
    patch(
        sim.addr(),
        &format!("{demo}/status"),
        &json!({"action": "start"}),
    )
    .assert_error(503, 503);
    let resp = request(sim.addr(), "POST", "/oauth/token", &[], b"");
    resp.assert_error(502, 502);
    assert_eq!(
        sim.token_requests(),
        1,
        "faulted token requests still count"
    );
    assert!(!sim.meeting(DEMO_MEETING_ID).unwrap().streaming);
}

#[test]
fn rate_limited_fault_in_every_retry_after_form() {
    let sim = sim();
    let path = meeting_path(DEMO_WEBINAR_ID);
    let message =
        "You have reached the maximum per-second rate limit for this API. Try again later.";

    sim.push_fault(
        FaultRule::new(Fault::RateLimited {
            retry_after: RetryAfterForm::Seconds { seconds: 7 },
        })
        .once(),
    );
    let resp = get(sim.addr(), &path);
    assert_eq!(resp.assert_error(429, 429)["message"], message);
    assert_eq!(resp.header("retry-after"), Some("7"));
    assert_eq!(resp.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(resp.header("x-ratelimit-category"), Some("Light"));

    sim.push_fault(
        FaultRule::new(Fault::RateLimited {
            retry_after: RetryAfterForm::HttpDate {
                seconds_from_now: 60,
            },
        })
        .once(),
    );
    let resp = get(sim.addr(), &path);
    resp.assert_error(429, 429);
    let date = resp.header("retry-after").unwrap();
    assert!(httpdate::parse_http_date(date).is_ok(), "{date}");

    sim.push_fault(
        FaultRule::new(Fault::RateLimited {
            retry_after: RetryAfterForm::Iso8601 {
                seconds_from_now: 60,
            },
        })
        .once(),
    );
    let resp = get(sim.addr(), &path);
    resp.assert_error(429, 429);
    let iso = resp.header("retry-after").unwrap();
    let bytes = iso.as_bytes();
    assert!(
        iso.len() == 20 && bytes[4] == b'-' && bytes[10] == b'T' && iso.ends_with('Z'),
        "{iso}"
    );

    sim.push_fault(
        FaultRule::new(Fault::RateLimited {
            retry_after: RetryAfterForm::NoHeaders,
        })
        .once(),
    );
    let resp = get(sim.addr(), &path);
    assert_eq!(resp.assert_error(429, 429)["message"], message);
    assert!(resp.header("retry-after").is_none());
    assert!(
        !resp
            .headers
            .iter()
            .any(|(n, _)| n.starts_with("x-ratelimit")),
        "{:?}",
        resp.headers
    );
}

#[test]
fn delay_fault_still_answers_normally() {
    let sim = sim();
    sim.push_fault(FaultRule::new(Fault::Delay { millis: 50 }).once());
    let stream =
        json!({"stream_url": "rtmp://x", "stream_key": "delayed", "page_url": "https://p"});
    assert_eq!(
        patch(sim.addr(), &meeting_path(DEMO_MEETING_ID), &stream).status,
        204
    );
    assert_eq!(
        sim.meeting(DEMO_MEETING_ID)
            .unwrap()
            .stream
            .unwrap()
            .stream_key,
        "delayed",
        "a delayed request changes state like a normal one"
    );
}

#[test]
fn drop_before_response_sends_nothing() {
    let sim = sim();
    sim.push_fault(FaultRule::new(Fault::DropBeforeResponse).once());
    let received = raw_until_eof(sim.addr(), &raw_get(&meeting_path(DEMO_MEETING_ID)));
    assert!(
        received.is_empty(),
        "got {:?}",
        String::from_utf8_lossy(&received)
    );
    assert_eq!(sim.requests().len(), 1);
    // The client's own request path shows the failure too.
    sim.push_fault(FaultRule::new(Fault::DropBeforeResponse).once());
    let mut conn = Conn::open(sim.addr());
    assert!(
        conn.send(
            "GET",
            &meeting_path(DEMO_MEETING_ID),
            &[("authorization", BEARER)],
            b""
        )
        .is_err()
    );
}

#[test]
fn drop_during_response_sends_headers_and_part_of_the_body() {
    let sim = sim();
    let path = meeting_path(DEMO_MEETING_ID);
    let full = get(sim.addr(), &path).body;
    sim.push_fault(FaultRule::new(Fault::DropDuringResponse).once());
    let received = raw_until_eof(sim.addr(), &raw_get(&path));
    let text = String::from_utf8_lossy(&received).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("headers arrived");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(
        header_of(head, "content-length"),
        Some(full.len().to_string())
    );
    assert!(header_of(head, "x-zm-trackingid").is_some());
    assert!(!body.is_empty(), "part of the body arrived");
    assert!(body.len() < full.len(), "not all of it: {body:?}");
    assert!(full.starts_with(body.as_bytes()));

    // A 204 has no body to cut: a stand-in 200 JSON body is cut instead.
    sim.push_fault(FaultRule::new(Fault::DropDuringResponse).once());
    let raw_patch = format!(
        "PATCH {path}/status HTTP/1.1\r\nhost: x\r\nauthorization: {BEARER}\r\ncontent-type: application/json\r\ncontent-length: 18\r\n\r\n{{\"action\":\"start\"}}"
    );
    let received = String::from_utf8_lossy(&raw_until_eof(sim.addr(), &raw_patch)).into_owned();
    let (head, body) = received.split_once("\r\n\r\n").unwrap();
    let length: usize = header_of(head, "content-length").unwrap().parse().unwrap();
    assert!(!body.is_empty() && body.len() < length, "{received}");
    assert!(
        !sim.meeting(DEMO_MEETING_ID).unwrap().streaming,
        "no state change"
    );
}

#[test]
fn truncated_body_is_a_complete_answer_with_half_a_body() {
    let sim = sim();
    let path = meeting_path(DEMO_MEETING_ID);
    let full = get(sim.addr(), &path).body;
    sim.push_fault(FaultRule::new(Fault::TruncatedBody).once());
    let mut conn = Conn::open(sim.addr());
    let resp = conn
        .send("GET", &path, &[("authorization", BEARER)], b"")
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body.len(), full.len() / 2);
    assert_eq!(
        resp.header("content-length"),
        Some(resp.body.len().to_string().as_str())
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&resp.body).is_err());
    assert!(full.starts_with(&resp.body));
    // The connection is still usable.
    let next = conn
        .send("GET", &path, &[("authorization", BEARER)], b"")
        .unwrap();
    assert_eq!(next.body, full);
}

#[test]
fn oversized_invalid_json_and_html_bodies() {
    let sim = sim();
    let path = meeting_path(DEMO_MEETING_ID);
    sim.push_fault(
        FaultRule::new(Fault::OversizedBody {
            bytes: 3 * 1024 * 1024,
        })
        .once(),
    );
    let resp = get(sim.addr(), &path);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body.len(), 3 * 1024 * 1024);
    assert_eq!(
        resp.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    assert!(resp.json().is_object());

    sim.push_fault(FaultRule::new(Fault::InvalidJson).once());
    let resp = get(sim.addr(), &path);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.text(), r#"{"stream_url": "https://x", "#);
    assert_eq!(
        resp.header("content-type"),
        Some("application/json;charset=UTF-8")
    );

    sim.push_fault(FaultRule::new(Fault::HtmlErrorPage { status: 502 }).once());
    let resp = get(sim.addr(), &path);
    assert_eq!(resp.status, 502);
    assert_eq!(resp.header("content-type"), Some("text/html"));
    assert_eq!(
        resp.text(),
        "<html><body><h1>502 Bad Gateway</h1></body></html>"
    );
    assert!(resp.header("x-zm-trackingid").is_some());
}

// ---------------------------------------------------------------------------------------
// Hostile faults (issue 8): what a malicious or broken server could send
// ---------------------------------------------------------------------------------------

fn rate_limited_once(sim: &BlockingSimulator, retry_after: RetryAfterForm) -> String {
    sim.push_fault(FaultRule::new(Fault::RateLimited { retry_after }).once());
    let resp = get(sim.addr(), &meeting_path(DEMO_MEETING_ID));
    resp.assert_error(429, 429);
    resp.header("retry-after").unwrap().to_owned()
}

#[test]
fn retry_after_at_u64_max_and_in_year_9999() {
    let sim = sim();
    let seconds = RetryAfterForm::Seconds { seconds: u64::MAX };
    assert_eq!(rate_limited_once(&sim, seconds), "18446744073709551615");
    // "u64::MAX seconds from now" saturates at the last date an HTTP date can name.
    let far = u64::MAX;
    let http_date = RetryAfterForm::HttpDate {
        seconds_from_now: far,
    };
    assert_eq!(
        rate_limited_once(&sim, http_date),
        "Fri, 31 Dec 9999 23:59:59 GMT"
    );
    let iso = RetryAfterForm::Iso8601 {
        seconds_from_now: far,
    };
    assert_eq!(rate_limited_once(&sim, iso), "9999-12-31T23:59:59Z");
    let raw = RetryAfterForm::Raw {
        value: "9999-12-31T23:59:59-99:99".into(),
    };
    assert_eq!(rate_limited_once(&sim, raw), "9999-12-31T23:59:59-99:99");
    let raw: RetryAfterForm =
        serde_json::from_value(json!({"form": "raw", "value": "soon"})).unwrap();
    assert_eq!(rate_limited_once(&sim, raw), "soon");
}

#[test]
fn token_expires_in_fault_answers_the_token_endpoint_only() {
    for expires_in in [0, u64::MAX] {
        let sim = sim();
        let rule: FaultRule = serde_json::from_value(json!({
            "path_prefix": "/oauth/token",
            "fault": {"type": "token_expires_in", "expires_in": expires_in},
        }))
        .unwrap();
        sim.push_fault(rule);
        // Any credentials: the fault answers before the token endpoint looks at them.
        let resp = token_request(sim.addr(), "Basic eDp5", "grant_type=account_credentials");
        assert_eq!(resp.status, 200, "{}", resp.text());
        let answer = resp.json();
        assert_eq!(answer["expires_in"], json!(expires_in), "{answer}");
        assert_eq!(answer["access_token"], DEMO_STATIC_TOKEN);
        assert_eq!(answer["token_type"], "bearer");
        // The token works, and the API is not faulted.
        assert_eq!(get(sim.addr(), &meeting_path(DEMO_MEETING_ID)).status, 200);
        assert_eq!(sim.token_requests(), 1);
    }
    // Without a path prefix, an API request through the rule is answered normally.
    let sim = sim();
    sim.push_fault(FaultRule::new(Fault::TokenExpiresIn { expires_in: 0 }));
    assert_eq!(get(sim.addr(), &meeting_path(DEMO_MEETING_ID)).status, 200);
}

#[test]
fn control_characters_in_json_and_text_error_bodies() {
    let sim = sim();
    let path = meeting_path(DEMO_MEETING_ID);
    sim.push_fault(
        FaultRule::new(Fault::ControlCharacters {
            status: 500,
            json: true,
        })
        .once(),
    );
    let resp = get(sim.addr(), &path);
    let body = resp.assert_error(500, 500);
    assert_eq!(body["message"], CONTROL_TEXT);
    for c in ['\n', '\r', '\u{1b}', '\u{7}', '\0'] {
        assert!(CONTROL_TEXT.contains(c), "{c:?}");
    }

    sim.push_fault(
        FaultRule::new(Fault::ControlCharacters {
            status: 503,
            json: false,
        })
        .once(),
    );
    let resp = get(sim.addr(), &path);
    assert_eq!(resp.status, 503);
    assert_eq!(resp.header("content-type"), Some("text/plain"));
    assert_eq!(resp.body, CONTROL_TEXT.as_bytes());
    assert!(resp.header("x-zm-trackingid").is_some());
}

#[test]
fn a_huge_header_and_ten_thousand_headers() {
    let sim = sim();
    let path = meeting_path(DEMO_MEETING_ID);
    let normal = get(sim.addr(), &path);

    sim.push_fault(FaultRule::new(Fault::HugeHeader { bytes: 1 << 20 }).once());
    let resp = get(sim.addr(), &path);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("x-padding").map(str::len), Some(1 << 20));
    assert_eq!(resp.body, normal.body, "otherwise the normal answer");

    sim.push_fault(FaultRule::new(Fault::ManyHeaders { count: 10_000 }).once());
    let resp = get(sim.addr(), &path);
    assert_eq!(resp.status, 200);
    let padding = resp
        .headers
        .iter()
        .filter(|(n, _)| n == "x-padding")
        .count();
    assert_eq!(padding, 10_000);
    assert_eq!(resp.body, normal.body);
    assert_eq!(get(sim.addr(), &path).headers.len(), normal.headers.len());
}

#[test]
fn a_configured_token_lifetime_of_u64_max_issues_a_working_token() {
    let config = SimulatorConfig {
        token_ttl: std::time::Duration::from_secs(u64::MAX),
        ..SimulatorConfig::default()
    };
    let sim = BlockingSimulator::start_with(config).unwrap();
    let token = simulator_common::fetch_token(sim.addr());
    let bearer = format!("Bearer {token}");
    let resp = request(
        sim.addr(),
        "GET",
        &meeting_path(DEMO_MEETING_ID),
        &[("authorization", &bearer)],
        b"",
    );
    assert_eq!(resp.status, 200, "{}", resp.text());
}
