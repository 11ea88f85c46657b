//! The join-token GETs of the simulator and its int64 path ids, over raw HTTP/1.1.

mod simulator_common;

use serde_json::{Value, json};
use simulator_common::{BEARER, get, patch, request};
use zoom_testkit::fixtures::{self, Fixture};
use zoom_testkit::simulator::{
    BlockingSimulator, DEMO_JWT_TOKEN, DEMO_MEETING_ID, DEMO_WEBINAR_ID, HostState,
    MEETING_HOSTING_NOT_ALLOWED, MEETING_LIVE_STREAMING_NOT_ALLOWED, SimMeeting, SimulatorConfig,
    WEBINAR_LIVE_STREAMING_NOT_ALLOWED, spec_violations,
};

fn sim() -> BlockingSimulator {
    BlockingSimulator::start().expect("simulator starts")
}

fn token_path(kind: &str, id: impl std::fmt::Display) -> String {
    format!("/v2/{kind}/{id}/jointoken/live_streaming")
}

/// The simulator says what the fixture says: same status, same JSON body (code, message).
fn assert_same_answer(answer: &simulator_common::Resp, fixture: &Fixture) {
    assert_eq!(answer.status, fixture.status.as_u16(), "{}", fixture.name);
    let expected: Value = serde_json::from_slice(&fixture.body).unwrap();
    assert_eq!(answer.json(), expected, "{}", fixture.name);
}

#[test]
fn a_token_is_issued_per_request_and_counted_per_item() {
    let sim = sim();
    for (kind, id) in [("meetings", DEMO_MEETING_ID), ("webinars", DEMO_WEBINAR_ID)] {
        let first = get(sim.addr(), &token_path(kind, id));
        assert_eq!(first.status, 200, "{}", first.text());
        assert!(first.header("x-zm-trackingid").is_some());
        let body = first.json();
        assert_eq!(body["expire_in"], json!(120));
        let token = body["token"].as_str().unwrap().to_owned();
        assert!(token.starts_with("sim_jt_"), "{token}");
        let second = get(sim.addr(), &token_path(kind, id)).json();
        assert_ne!(second["token"].as_str(), Some(token.as_str()));
    }
    assert_eq!(sim.meeting(DEMO_MEETING_ID).unwrap().join_tokens_issued, 2);
    assert_eq!(sim.webinar(DEMO_WEBINAR_ID).unwrap().join_tokens_issued, 2);
    for recorded in sim.requests() {
        assert_eq!(spec_violations(&recorded), Vec::<String>::new());
    }
}

#[test]
fn the_documented_errors_are_the_fixtures_answers() {
    let sim = sim();
    let jwt = format!("Bearer {DEMO_JWT_TOKEN}");
    for kind in ["meetings", "webinars"] {
        let id = if kind == "meetings" {
            DEMO_MEETING_ID
        } else {
            DEMO_WEBINAR_ID
        };
        let auth = [("authorization", jwt.as_str())];
        let answer = request(sim.addr(), "GET", &token_path(kind, id), &auth, b"");
        assert_same_answer(&answer, &fixtures::join_token_oauth_only());
        // The JWT app's token is good for everything else.
        let stream = request(
            sim.addr(),
            "GET",
            &format!("/v2/{kind}/{id}/livestream"),
            &auth,
            b"",
        );
        assert_eq!(stream.status, 200);
    }
    let answer = get(
        sim.addr(),
        &token_path("meetings", MEETING_LIVE_STREAMING_NOT_ALLOWED),
    );
    assert_same_answer(&answer, &fixtures::meeting_join_token_not_allowed());
    let answer = get(
        sim.addr(),
        &token_path("webinars", WEBINAR_LIVE_STREAMING_NOT_ALLOWED),
    );
    assert_same_answer(&answer, &fixtures::webinar_join_token_not_allowed());
    let answer = get(
        sim.addr(),
        &token_path("meetings", MEETING_HOSTING_NOT_ALLOWED),
    );
    assert_same_answer(&answer, &fixtures::hosting_not_allowed());
    assert_eq!(
        sim.meeting(MEETING_LIVE_STREAMING_NOT_ALLOWED)
            .unwrap()
            .join_tokens_issued,
        0
    );

    // The fixtures name the demo ids as unknown: a simulator without them.
    let empty = BlockingSimulator::start_with(SimulatorConfig {
        meetings: Vec::new(),
        webinars: Vec::new(),
        ..SimulatorConfig::default()
    })
    .unwrap();
    let answer = get(empty.addr(), &token_path("meetings", DEMO_MEETING_ID));
    assert_same_answer(&answer, &fixtures::meeting_join_token_not_found());
    let answer = get(empty.addr(), &token_path("webinars", DEMO_WEBINAR_ID));
    assert_same_answer(&answer, &fixtures::webinar_join_token_not_found());
}

#[test]
fn allowing_live_streaming_is_per_item_state_the_admin_api_sets() {
    let sim = sim();
    let path = token_path("meetings", DEMO_MEETING_ID);
    assert_eq!(get(sim.addr(), &path).status, 200);
    let admin = format!("/__admin/meetings/{DEMO_MEETING_ID}");
    let off = json!({"stream": null, "live_streaming_allowed": false});
    let put = request(
        sim.addr(),
        "PUT",
        &admin,
        &[("content-type", "application/json")],
        off.to_string().as_bytes(),
    );
    assert_eq!(put.status, 204, "{}", put.text());
    get(sim.addr(), &path).assert_error(400, 3000);
    // Absent from the JSON, the setting is on.
    let put = request(sim.addr(), "PUT", &admin, &[], b"{}");
    assert_eq!(put.status, 204);
    assert_eq!(get(sim.addr(), &path).status, 200);
    // Another item's state is its own.
    sim.upsert_webinar(
        DEMO_WEBINAR_ID,
        SimMeeting {
            host: HostState::Missing,
            ..SimMeeting::demo()
        },
    );
    get(sim.addr(), &token_path("webinars", DEMO_WEBINAR_ID)).assert_error(400, 1001);
    assert_eq!(get(sim.addr(), &path).status, 200);
}

#[test]
fn int64_operations_refuse_any_other_id_with_the_spec_rule() {
    let sim = sim();
    let uuid = "aDYlohsHRtCd4ii1uC2%2BhA%3D%3D";
    for id in [
        uuid,
        "%252FDYlohsHRtCd4ii1uC2%252BhA%253D%253D",
        "9223372036854775808",
        "abc",
    ] {
        let body = get(sim.addr(), &token_path("meetings", id)).assert_error(400, 300);
        assert_eq!(body["message"], "Invalid meeting ID.", "{id}");
        assert_eq!(body["errors"][0]["field"], "meetingId", "{id}");
        assert_eq!(
            body["errors"][0]["message"],
            "path parameter meetingId must be integer (int64)"
        );
        let body = get(sim.addr(), &token_path("webinars", id)).assert_error(400, 300);
        assert_eq!(body["message"], "Invalid webinar ID.", "{id}");
        assert_eq!(body["errors"][0]["field"], "webinarId", "{id}");

        let status = format!("/v2/meetings/{id}/livestream/status");
        let body = patch(sim.addr(), &status, &json!({"action": "stop"})).assert_error(400, 300);
        assert_eq!(body["message"], "Invalid meetingId", "{id}");
        assert_eq!(body["errors"][0]["field"], "meetingId", "{id}");
        let update = format!("/v2/webinars/{id}/livestream");
        let stream = json!({"stream_url": "rtmp://a", "stream_key": "k", "page_url": "https://p"});
        let body = patch(sim.addr(), &update, &stream).assert_error(400, 300);
        assert_eq!(body["message"], "Invalid Webinar Id.", "{id}");
    }
    // The GET of the settings takes a string: a UUID is looked up (and not found here).
    get(sim.addr(), &format!("/v2/meetings/{uuid}/livestream")).assert_error(404, 3001);
    // Percent-encoded digits are digits once decoded, as for any server.
    assert_eq!(
        get(sim.addr(), &token_path("meetings", "%38%35746065432")).status,
        200
    );
    let wrong_method = request(
        sim.addr(),
        "PATCH",
        &token_path("meetings", DEMO_MEETING_ID),
        &[("authorization", BEARER)],
        b"",
    );
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.header("allow"), Some("GET"));
}
