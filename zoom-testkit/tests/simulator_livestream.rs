//! The live-stream endpoints of the simulator, over raw HTTP/1.1.

mod simulator_common;

use serde_json::json;
use simulator_common::{BEARER, get, meeting_path, patch, request, webinar_path};
use zoom_testkit::simulator::{
    BlockingSimulator, DEMO_MEETING_ID, DEMO_STATIC_TOKEN, DEMO_WEBINAR_ID, HostState,
    MEETING_HOST_MISSING, MEETING_HOST_NOT_IN_ACCOUNT, MEETING_HOSTING_NOT_ALLOWED,
    MEETING_NO_STREAM, SimMeeting, WEBINAR_NOT_STARTED,
};

fn sim() -> BlockingSimulator {
    BlockingSimulator::start().expect("simulator starts")
}

fn status_path(base: &str) -> String {
    format!("{base}/status")
}

#[test]
fn bearer_constant_matches_demo_token() {
    assert_eq!(BEARER, format!("Bearer {DEMO_STATIC_TOKEN}"));
}

#[test]
fn get_demo_meeting_returns_stream_and_zoom_headers() {
    let sim = sim();
    let resp = get(sim.addr(), &meeting_path(DEMO_MEETING_ID));
    assert_eq!(resp.status, 200);
    assert_eq!(
        resp.json(),
        json!({
            "stream_url": "https://somecompany.com/livestream",
            "stream_key": "Contact It@somecompany.com",
            "page_url": "https://somecompany.com/livestream/123",
            "resolution": "720p"
        })
    );
    assert_eq!(
        resp.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    let tracking = resp.header("x-zm-trackingid").expect("tracking id");
    assert!(!tracking.is_empty());
    assert_eq!(resp.header("x-ratelimit-category"), Some("Light"));
    assert_eq!(resp.header("x-ratelimit-type"), Some("QPS"));
    assert_eq!(resp.header("x-ratelimit-limit"), Some("30"));
    assert_eq!(resp.header("x-ratelimit-remaining"), Some("30"));
    let again = get(sim.addr(), &meeting_path(DEMO_MEETING_ID));
    assert_ne!(
        again.header("x-zm-trackingid"),
        Some(tracking),
        "tracking ids are unique"
    );
}

#[test]
fn meeting_without_stream_returns_empty_fields() {
    let sim = sim();
    let resp = get(sim.addr(), &meeting_path(MEETING_NO_STREAM));
    assert_eq!(resp.status, 200);
    assert_eq!(
        resp.json(),
        json!({"stream_url": "", "stream_key": "", "page_url": ""})
    );
}

#[test]
fn patch_then_get_returns_the_stored_stream() {
    let sim = sim();
    let path = meeting_path(MEETING_NO_STREAM);
    let body = json!({
        "stream_url": "rtmp://live.example.com/app",
        "stream_key": "key-1",
        "page_url": "https://example.com/watch",
        "resolution": "1080p"
    });
    let resp = patch(sim.addr(), &path, &body);
    assert_eq!(resp.status, 204, "{}", resp.text());
    assert!(resp.body.is_empty());
    assert!(resp.header("x-zm-trackingid").is_some());
    assert_eq!(get(sim.addr(), &path).json(), body);
    let stored = sim.meeting(MEETING_NO_STREAM).unwrap().stream.unwrap();
    assert_eq!(stored.stream_key, "key-1");

    // Leaving out resolution keeps the stored one.
    let without = json!({"stream_url": "rtmp://b", "stream_key": "k2", "page_url": "http://p"});
    assert_eq!(patch(sim.addr(), &path, &without).status, 204);
    assert_eq!(get(sim.addr(), &path).json()["resolution"], "1080p");
}

#[test]
fn start_stop_are_tracked_and_double_start_is_429() {
    let sim = sim();
    let path = status_path(&meeting_path(DEMO_MEETING_ID));
    let settings = json!({"active_speaker_name": true, "display_name": "Town hall", "layout": "gallery_view", "close_caption": "burnt-in"});
    let resp = patch(
        sim.addr(),
        &path,
        &json!({"action": "start", "settings": settings}),
    );
    assert_eq!(resp.status, 204, "{}", resp.text());
    let meeting = sim.meeting(DEMO_MEETING_ID).unwrap();
    assert!(meeting.streaming);
    assert_eq!(meeting.last_status_settings, Some(settings));

    let again = patch(sim.addr(), &path, &json!({"action": "start"}));
    let body = again.assert_error(429, 429);
    assert_eq!(
        body["message"],
        format!(
            "Too many requests submitted to start the livestream of this meeting: {DEMO_MEETING_ID}. If the livestream has not already started, retry making a new request after 30 seconds."
        )
    );
    // As documented: the 30 seconds are in the message, no Retry-After.
    assert_eq!(again.header("retry-after"), None);

    assert_eq!(
        patch(sim.addr(), &path, &json!({"action": "stop"})).status,
        204
    );
    assert!(!sim.meeting(DEMO_MEETING_ID).unwrap().streaming);
    assert_eq!(
        patch(sim.addr(), &path, &json!({"action": "stop"})).status,
        204,
        "stopping a stopped stream"
    );
    // Stopped, but within 30 s of the accepted start: still 429, as Zoom's message says.
    patch(sim.addr(), &path, &json!({"action": "start"})).assert_error(429, 429);
    sim.set_start_window(std::time::Duration::ZERO);
    assert_eq!(
        patch(sim.addr(), &path, &json!({"action": "start"})).status,
        204
    );
}

#[test]
fn start_needs_a_stream_and_a_started_meeting() {
    let sim = sim();
    let path = status_path(&meeting_path(MEETING_NO_STREAM));
    let body = patch(sim.addr(), &path, &json!({"action": "start"})).assert_error(400, 3000);
    assert_eq!(
        body["message"],
        "The meeting is not configured with a custom streaming service."
    );

    let stream = json!({"stream_url": "rtmp://a", "stream_key": "k", "page_url": "https://p"});
    assert_eq!(
        patch(sim.addr(), &meeting_path(MEETING_NO_STREAM), &stream).status,
        204
    );
    let body = patch(sim.addr(), &path, &json!({"action": "start"})).assert_error(400, 3000);
    assert_eq!(
        body["message"],
        format!("Meeting {MEETING_NO_STREAM} has not started.")
    );
    assert!(!sim.meeting(MEETING_NO_STREAM).unwrap().streaming);
}

#[test]
fn host_errors_on_every_endpoint() {
    let sim = sim();
    let cases = [
        (
            MEETING_HOST_NOT_IN_ACCOUNT,
            400,
            1010,
            "User does not belong to this account: sim-account",
        ),
        (
            MEETING_HOSTING_NOT_ALLOWED,
            400,
            3161,
            "Meeting hosting and scheduling capabilities are not allowed for your user account.",
        ),
        (
            MEETING_HOST_MISSING,
            404,
            1001,
            "User sim-missing-host does not exist.",
        ),
    ];
    let stream = json!({"stream_url": "rtmp://a", "stream_key": "k", "page_url": "https://p"});
    for (id, status, code, message) in cases {
        let path = meeting_path(id);
        let answers = [
            get(sim.addr(), &path),
            patch(sim.addr(), &path, &stream),
            patch(sim.addr(), &status_path(&path), &json!({"action": "start"})),
        ];
        for resp in answers {
            let body = resp.assert_error(status, code);
            assert_eq!(body["message"], message);
        }
    }
}

#[test]
fn unknown_and_invalid_meeting_ids() {
    let sim = sim();
    let body = get(sim.addr(), &meeting_path(12345)).assert_error(404, 3001);
    assert_eq!(body["message"], "Meeting does not exist: 12345.");

    for bad in ["abc", "12a", "%20"] {
        let body =
            get(sim.addr(), &format!("/v2/meetings/{bad}/livestream")).assert_error(400, 300);
        assert_eq!(body["message"], "Invalid meetingId", "{bad}");
    }
    get(sim.addr(), "/v2/meetings//livestream").assert_error(400, 300);

    // A meeting UUID, encoded once and twice (Zoom's rule for "/" and "//").
    let body = get(
        sim.addr(),
        "/v2/meetings/aDYlohsHRtCd4ii1uC2%2BhA%3D%3D/livestream",
    )
    .assert_error(404, 3001);
    assert_eq!(
        body["message"],
        "Meeting does not exist: aDYlohsHRtCd4ii1uC2+hA==."
    );
    let body = get(
        sim.addr(),
        "/v2/meetings/%252FDYlohsHRtCd4ii1uC2%252BhA%253D%253D/livestream",
    )
    .assert_error(404, 3001);
    assert_eq!(
        body["message"],
        "Meeting does not exist: /DYlohsHRtCd4ii1uC2+hA==."
    );
}

#[test]
fn path_traversal_ids_do_not_reach_other_routes() {
    let sim = sim();
    let meeting = DEMO_MEETING_ID.to_string();
    let attempts = [
        "/v2/meetings/..%2Fusers/livestream".to_owned(),
        "/v2/meetings/..%252Fusers/livestream".to_owned(),
        format!("/v2/meetings/..%2Fmeetings%2F{meeting}/livestream"),
        format!("/v2/meetings/x%2F..%2F{meeting}/livestream"),
        format!("/v2/webinars/..%2Fmeetings%2F{meeting}/livestream"),
        format!("/v2/meetings/../meetings/{meeting}/livestream"),
        format!("/v2/meetings/{meeting}%2Flivestream"),
        format!("/v2/meetings/{meeting}/livestream/.."),
    ];
    for target in attempts {
        let resp = get(sim.addr(), &target);
        assert!(
            resp.status == 400 || resp.status == 404,
            "{target} answered {} {}",
            resp.status,
            resp.text()
        );
    }
}

#[test]
fn bad_patch_bodies_are_validation_errors() {
    let sim = sim();
    let path = meeting_path(DEMO_MEETING_ID);
    let fields = |body: serde_json::Value| -> Vec<String> {
        let resp = patch(sim.addr(), &path, &body);
        let body = resp.assert_error(400, 300);
        assert_eq!(body["message"], "Validation Failed.");
        body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| {
                assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
                e["field"].as_str().unwrap().to_owned()
            })
            .collect()
    };
    let good = || json!({"stream_url": "rtmp://a", "stream_key": "k", "page_url": "https://p"});

    let mut missing = good();
    missing.as_object_mut().unwrap().remove("stream_url");
    assert_eq!(fields(missing), ["stream_url"]);

    let mut long_key = good();
    long_key["stream_key"] = json!("k".repeat(513));
    assert_eq!(fields(long_key), ["stream_key"]);
    let mut max_key = good();
    max_key["stream_key"] = json!("k".repeat(512));
    assert_eq!(patch(sim.addr(), &path, &max_key).status, 204);

    let mut resolution = good();
    resolution["resolution"] = json!("4k");
    assert_eq!(fields(resolution), ["resolution"]);

    let mut page = good();
    page["page_url"] = json!("not a url");
    assert_eq!(fields(page), ["page_url"]);

    assert_eq!(
        fields(json!({"stream_url": 5, "page_url": "ftp://x"})),
        ["stream_url", "stream_key", "page_url"]
    );
    assert_eq!(
        sim.meeting(DEMO_MEETING_ID)
            .unwrap()
            .stream
            .unwrap()
            .stream_key,
        "k".repeat(512)
    );
}

#[test]
fn non_json_bodies_are_rejected() {
    let sim = sim();
    let path = meeting_path(DEMO_MEETING_ID);
    let auth = ("authorization", BEARER);
    let json_ct = ("content-type", "application/json");
    for (headers, body) in [
        (vec![auth, json_ct], "{not json"),
        (vec![auth, json_ct], "[1,2]"),
        (vec![auth, json_ct], ""),
        (
            vec![auth, ("content-type", "text/plain")],
            r#"{"stream_url":"a","stream_key":"b","page_url":"https://c"}"#,
        ),
        (
            vec![auth],
            r#"{"stream_url":"a","stream_key":"b","page_url":"https://c"}"#,
        ),
    ] {
        let resp = request(sim.addr(), "PATCH", &path, &headers, body.as_bytes());
        resp.assert_error(400, 300);
    }
    let status = status_path(&path);
    let resp = request(sim.addr(), "PATCH", &status, &[auth, json_ct], b"start");
    resp.assert_error(400, 300);
    assert!(!sim.meeting(DEMO_MEETING_ID).unwrap().streaming);
}

#[test]
fn bad_status_bodies_are_validation_errors() {
    let sim = sim();
    let path = status_path(&meeting_path(DEMO_MEETING_ID));
    for (body, field) in [
        (json!({}), "action"),
        (json!({"action": "pause"}), "action"),
        (json!({"action": "start", "settings": 3}), "settings"),
        (
            json!({"action": "start", "settings": {"active_speaker_name": "yes"}}),
            "settings.active_speaker_name",
        ),
        (
            json!({"action": "start", "settings": {"display_name": ""}}),
            "settings.display_name",
        ),
        (
            json!({"action": "start", "settings": {"display_name": "x".repeat(51)}}),
            "settings.display_name",
        ),
        (
            json!({"action": "start", "settings": {"layout": "grid"}}),
            "settings.layout",
        ),
        (
            json!({"action": "start", "settings": {"close_caption": "on"}}),
            "settings.close_caption",
        ),
    ] {
        let resp = patch(sim.addr(), &path, &body);
        let error = resp.assert_error(400, 300);
        assert_eq!(error["errors"][0]["field"], field, "{body}");
    }
    assert!(!sim.meeting(DEMO_MEETING_ID).unwrap().streaming);
}

#[test]
fn webinar_variants() {
    let sim = sim();
    let path = webinar_path(DEMO_WEBINAR_ID);
    assert_eq!(
        get(sim.addr(), &path).json()["stream_url"],
        "https://somecompany.com/livestream"
    );
    let stream = json!({"stream_url": "rtmp://w", "stream_key": "wk", "page_url": "https://w"});
    assert_eq!(patch(sim.addr(), &path, &stream).status, 204);
    assert_eq!(get(sim.addr(), &path).json()["stream_key"], "wk");

    let status = status_path(&path);
    // `layout` is for meetings only; `close_caption` webinars take since 2026-04-20.
    let with_layout =
        json!({"action": "start", "settings": {"layout": "gallery_view", "close_caption": "on"}});
    let error = patch(sim.addr(), &status, &with_layout).assert_error(400, 300);
    let fields: Vec<_> = error["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert_eq!(
        fields,
        [json!("settings.layout"), json!("settings.close_caption")]
    );

    let ok = json!({"action": "start", "settings": {"active_speaker_name": false, "display_name": "Webinar"}});
    assert_eq!(patch(sim.addr(), &status, &ok).status, 204);
    assert!(sim.webinar(DEMO_WEBINAR_ID).unwrap().streaming);
    let again = patch(sim.addr(), &status, &json!({"action": "start"}));
    again.assert_error(429, 429);
    assert_eq!(again.header("retry-after"), None);
    assert_eq!(
        patch(sim.addr(), &status, &json!({"action": "stop"})).status,
        204
    );

    let body = patch(
        sim.addr(),
        &status_path(&webinar_path(WEBINAR_NOT_STARTED)),
        &json!({"action": "start"}),
    )
    .assert_error(400, 200);
    assert_eq!(
        body["message"],
        format!("Webinar {WEBINAR_NOT_STARTED} has not started.")
    );

    let body = get(sim.addr(), &webinar_path(12345)).assert_error(400, 3001);
    assert_eq!(body["message"], "Webinar does not exist: 12345.");
    let body = get(sim.addr(), "/v2/webinars/abc/livestream").assert_error(400, 300);
    assert_eq!(body["message"], "Invalid Webinar Id.");

    sim.upsert_webinar(91000000003, SimMeeting::with_host(HostState::Missing));
    let body = get(sim.addr(), &webinar_path(91000000003)).assert_error(400, 1001);
    assert_eq!(body["message"], "User does not exist: sim-missing-host.");

    sim.upsert_webinar(
        91000000004,
        SimMeeting {
            started: true,
            ..SimMeeting::default()
        },
    );
    let body = patch(
        sim.addr(),
        &status_path(&webinar_path(91000000004)),
        &json!({"action": "start"}),
    )
    .assert_error(400, 3000);
    assert_eq!(
        body["message"],
        "The webinar is not configured with a custom streaming service."
    );
}

#[test]
fn unknown_paths_and_wrong_methods() {
    let sim = sim();
    for target in [
        "/v2/users/me",
        "/v2/meetings/85746065432",
        "/v2/meetings/85746065432/livestream/",
        "/v2/",
    ] {
        let body = get(sim.addr(), target).assert_error(404, 404);
        assert_eq!(body["message"], "Not found");
    }
    let path = meeting_path(DEMO_MEETING_ID);
    for (method, target) in [
        ("DELETE", path.clone()),
        ("POST", path.clone()),
        ("GET", status_path(&path)),
    ] {
        let resp = request(
            sim.addr(),
            method,
            &target,
            &[("authorization", BEARER)],
            b"",
        );
        resp.assert_error(405, 405);
        assert!(resp.header("allow").is_some());
        assert!(resp.header("x-zm-trackingid").is_some());
    }
}

#[test]
fn requests_need_a_valid_bearer_token() {
    let sim = sim();
    let path = meeting_path(DEMO_MEETING_ID);
    let resp = request(sim.addr(), "GET", &path, &[], b"");
    let body = resp.assert_error(401, 124);
    assert_eq!(body["message"], "Access token is absent.");
    assert!(resp.header("x-zm-trackingid").is_some());
    assert_eq!(resp.header("x-ratelimit-limit"), Some("30"));
    for value in ["Bearer nope", "Basic c2ltOnNpbQ==", "sim-static-token"] {
        let body = request(sim.addr(), "GET", &path, &[("authorization", value)], b"")
            .assert_error(401, 124);
        assert_eq!(body["message"], "Invalid access token.", "{value}");
    }
    sim.add_static_token("another-token");
    let resp = request(
        sim.addr(),
        "GET",
        &path,
        &[("authorization", "bearer another-token")],
        b"",
    );
    assert_eq!(resp.status, 200);
}
