//! The `/__admin/` JSON API.

mod simulator_common;

use serde_json::{Value, json};
use simulator_common::{BEARER, basic, fetch_token, get, meeting_path, patch, request};
use zoom_testkit::simulator::{
    BlockingSimulator, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_MEETING_ID, DEMO_WEBINAR_ID, Fault,
    FaultRule, HostState, SimMeeting,
};

fn admin(
    sim: &BlockingSimulator,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> simulator_common::Resp {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let headers: &[(&str, &str)] = if body.is_empty() {
        &[]
    } else {
        &[("content-type", "application/json")]
    };
    request(
        sim.addr(),
        method,
        &format!("/__admin/{path}"),
        headers,
        body.as_bytes(),
    )
}

#[test]
fn requests_json_redacts_authorization() {
    let sim = BlockingSimulator::start().unwrap();
    get(sim.addr(), &meeting_path(DEMO_MEETING_ID));
    fetch_token(sim.addr());
    let resp = admin(&sim, "GET", "requests", None);
    assert_eq!(resp.status, 200);
    assert!(
        resp.header("x-zm-trackingid").is_none(),
        "admin answers are not Zoom answers"
    );
    let list = resp.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "admin requests are not recorded: {list:?}");
    assert_eq!(list[0]["method"], "GET");
    assert_eq!(list[0]["path"], meeting_path(DEMO_MEETING_ID));
    assert_eq!(list[0]["query"], Value::Null);
    let auth = |entry: &Value| -> String {
        entry["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h[0] == "authorization")
            .map(|h| h[1].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(auth(&list[0]), "Bearer [redacted]");
    assert_eq!(auth(&list[1]), "Basic [redacted]");
    assert_eq!(
        list[1]["body"],
        "grant_type=account_credentials&account_id=sim-account"
    );
    assert!(!resp.text().contains("sim-static-token"));
    assert!(!resp.text().contains("c2lt"), "no base64 credentials leak");
    // The Rust API keeps the raw values.
    let raw = sim.requests();
    assert_eq!(raw[0].header("authorization"), Some(BEARER));
    assert_eq!(
        raw[1].header("authorization"),
        Some(basic(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET).as_str())
    );

    assert_eq!(admin(&sim, "DELETE", "requests", None).status, 204);
    assert_eq!(admin(&sim, "GET", "requests", None).json(), json!([]));
    assert!(sim.requests().is_empty());
}

#[test]
fn faults_via_json() {
    let sim = BlockingSimulator::start().unwrap();
    let rule = json!({"path_prefix": meeting_path(DEMO_MEETING_ID), "method": "GET", "times": 1, "fault": {"type": "status", "status": 503}});
    let resp = admin(&sim, "POST", "faults", Some(rule));
    assert_eq!(resp.status, 201, "{}", resp.text());
    get(sim.addr(), &meeting_path(DEMO_MEETING_ID)).assert_error(503, 503);
    assert_eq!(get(sim.addr(), &meeting_path(DEMO_MEETING_ID)).status, 200);

    let rule = json!({"fault": {"type": "rate_limited", "retry_after": {"form": "seconds", "seconds": 9}}});
    assert_eq!(admin(&sim, "POST", "faults", Some(rule)).status, 201);
    let resp = get(sim.addr(), &meeting_path(DEMO_MEETING_ID));
    assert_eq!((resp.status, resp.header("retry-after")), (429, Some("9")));
    assert_eq!(admin(&sim, "DELETE", "faults", None).status, 204);
    assert_eq!(get(sim.addr(), &meeting_path(DEMO_MEETING_ID)).status, 200);

    for bad in [
        json!({"fault": {"type": "explode"}}),
        json!({"times": 1}),
        json!({"fault": {"type": "status", "status": 42}}),
    ] {
        let resp = admin(&sim, "POST", "faults", Some(bad.clone()));
        assert_eq!(resp.status, 400, "{bad}");
        assert!(resp.json()["error"].is_string());
    }
    let resp = request(sim.addr(), "POST", "/__admin/faults", &[], b"{nope");
    assert_eq!(resp.status, 400);
}

#[test]
fn meetings_webinars_and_reset() {
    let sim = BlockingSimulator::start().unwrap();
    let resp = admin(&sim, "GET", &format!("meetings/{DEMO_MEETING_ID}"), None);
    assert_eq!(resp.status, 200);
    let state = resp.json();
    assert_eq!(state["host"], "ok");
    assert_eq!(state["started"], true);
    assert_eq!(state["streaming"], false);
    assert_eq!(state["stream"]["resolution"], "720p");
    assert_eq!(state["last_status_settings"], Value::Null);

    let status = format!("{}/status", meeting_path(DEMO_MEETING_ID));
    patch(
        sim.addr(),
        &status,
        &json!({"action": "start", "settings": {"display_name": "Live"}}),
    );
    let state = admin(&sim, "GET", &format!("meetings/{DEMO_MEETING_ID}"), None).json();
    assert_eq!(state["streaming"], true);
    assert_eq!(
        state["last_status_settings"],
        json!({"display_name": "Live"})
    );

    let new = json!({"host": "hosting_not_allowed", "started": true});
    assert_eq!(admin(&sim, "PUT", "meetings/123", Some(new)).status, 204);
    assert_eq!(sim.meeting(123).unwrap().host, HostState::HostingNotAllowed);
    get(sim.addr(), &meeting_path(123)).assert_error(400, 3161);

    let webinar =
        json!({"stream": {"stream_url": "rtmp://w", "stream_key": "k", "page_url": "https://w"}});
    assert_eq!(
        admin(&sim, "PUT", "webinars/456", Some(webinar)).status,
        204
    );
    assert_eq!(
        get(sim.addr(), "/v2/webinars/456/livestream").json()["stream_url"],
        "rtmp://w"
    );
    assert_eq!(
        admin(&sim, "GET", &format!("webinars/{DEMO_WEBINAR_ID}"), None).json()["started"],
        true
    );
    assert_eq!(admin(&sim, "GET", "meetings/999", None).status, 404);
    assert_eq!(
        admin(&sim, "PUT", "meetings/1", Some(json!({"host": "nobody"}))).status,
        400
    );

    sim.push_fault(FaultRule::new(Fault::Status { status: 500 }));
    assert_eq!(admin(&sim, "POST", "reset", None).status, 204);
    assert!(sim.requests().is_empty());
    assert_eq!(sim.meeting(DEMO_MEETING_ID), Some(SimMeeting::demo()));
    assert_eq!(sim.meeting(123), None);
    assert_eq!(
        get(sim.addr(), &meeting_path(DEMO_MEETING_ID)).status,
        200,
        "faults cleared"
    );
}

#[test]
fn tokens_and_limits() {
    let sim = BlockingSimulator::start().unwrap();
    let token = fetch_token(sim.addr());
    assert_eq!(
        admin(&sim, "GET", "token-requests", None).json(),
        json!({"count": 1})
    );
    let auth = format!("Bearer {token}");
    let path = meeting_path(DEMO_MEETING_ID);
    assert_eq!(
        request(sim.addr(), "GET", &path, &[("authorization", &auth)], b"").status,
        200
    );
    assert_eq!(admin(&sim, "POST", "tokens/expire", None).status, 204);
    request(sim.addr(), "GET", &path, &[("authorization", &auth)], b"").assert_error(401, 124);

    assert_eq!(
        admin(
            &sim,
            "PUT",
            "rate-limit",
            Some(json!({"per_second": null, "per_day": 1}))
        )
        .status,
        204
    );
    assert_eq!(get(sim.addr(), &path).status, 200);
    let resp = get(sim.addr(), &path);
    assert_eq!(
        (resp.status, resp.header("x-ratelimit-type")),
        (429, Some("Daily-limit"))
    );
    assert_eq!(
        admin(
            &sim,
            "PUT",
            "rate-limit",
            Some(json!({"per_day": null, "per_second": 7}))
        )
        .status,
        204
    );
    assert_eq!(
        get(sim.addr(), &path).header("x-ratelimit-limit"),
        Some("7")
    );
    assert_eq!(
        admin(
            &sim,
            "PUT",
            "rate-limit",
            Some(json!({"per_second": "fast"}))
        )
        .status,
        400
    );
    assert_eq!(admin(&sim, "GET", "nothing-here", None).status, 404);
}

#[test]
fn faults_are_listed_as_they_stand() {
    let sim = BlockingSimulator::start().unwrap();
    assert_eq!(admin(&sim, "GET", "faults", None).json(), json!([]));
    let rule = json!({"fault": {"type": "status", "status": 503}, "method": "GET", "times": 2});
    assert_eq!(admin(&sim, "POST", "faults", Some(rule)).status, 201);
    let listed = admin(&sim, "GET", "faults", None).json();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["fault"]["status"], 503);
    assert_eq!(listed[0]["times"], 2);
    admin(&sim, "DELETE", "faults", None);
    assert_eq!(admin(&sim, "GET", "faults", None).json(), json!([]));
}
