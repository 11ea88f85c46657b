//! The simulator's `POST /oauth/token`, and how its tokens open `/v2`.

mod simulator_common;

use std::time::Duration;

use serde_json::json;
use simulator_common::{basic, fetch_token, meeting_path, request, token_request};
use zoom_testkit::simulator::{
    BlockingSimulator, DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_MEETING_ID,
    SimulatorConfig,
};

const GOOD_FORM: &str = "grant_type=account_credentials&account_id=sim-account";

fn good_basic() -> String {
    basic(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
}

fn get_with(sim: &BlockingSimulator, token: &str) -> simulator_common::Resp {
    let auth = format!("Bearer {token}");
    request(
        sim.addr(),
        "GET",
        &meeting_path(DEMO_MEETING_ID),
        &[("authorization", &auth)],
        b"",
    )
}

#[test]
fn good_credentials_get_a_working_token() {
    let sim = BlockingSimulator::start_with(SimulatorConfig {
        token_ttl: Duration::from_secs(120),
        ..SimulatorConfig::default()
    })
    .unwrap();
    let resp = token_request(sim.addr(), &good_basic(), GOOD_FORM);
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        resp.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    assert!(resp.header("x-zm-trackingid").is_some());
    let body = resp.json();
    let token = body["access_token"].as_str().unwrap();
    assert!(token.len() >= 32);
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 120);
    assert_eq!(
        body["scope"],
        "meeting:read:admin meeting:write:admin webinar:read:admin webinar:write:admin"
    );
    assert_eq!(body["api_url"], sim.oauth_base());
    assert!(!body["api_url"].as_str().unwrap().ends_with("/v2"));
    assert_eq!(get_with(&sim, token).status, 200);

    let second = fetch_token(sim.addr());
    assert_ne!(second, token, "tokens are random");
    assert_eq!(sim.token_requests(), 2);
    assert_eq!(
        sim.requests()[0].header("authorization"),
        Some(good_basic().as_str())
    );
}

#[test]
fn default_ttl_is_3599_seconds() {
    let sim = BlockingSimulator::start().unwrap();
    let resp = token_request(sim.addr(), &good_basic(), GOOD_FORM);
    assert_eq!(resp.json()["expires_in"], 3599);
}

#[test]
fn parameters_may_come_in_the_query_string() {
    let sim = BlockingSimulator::start().unwrap();
    let target =
        format!("/oauth/token?grant_type=account_credentials&account_id={DEMO_ACCOUNT_ID}");
    let resp = request(
        sim.addr(),
        "POST",
        &target,
        &[("authorization", &good_basic())],
        b"",
    );
    assert_eq!(resp.status, 200, "{}", resp.text());
    // Mixed: grant type in the query, account in the body.
    let resp = request(
        sim.addr(),
        "POST",
        "/oauth/token?grant_type=account_credentials",
        &[
            ("authorization", &good_basic()),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        b"account_id=sim-account",
    );
    assert_eq!(resp.status, 200, "{}", resp.text());
}

#[test]
fn expired_tokens_are_refused_but_static_ones_are_not() {
    let sim = BlockingSimulator::start().unwrap();
    let token = fetch_token(sim.addr());
    assert_eq!(get_with(&sim, &token).status, 200);
    sim.expire_all_tokens();
    let resp = get_with(&sim, &token);
    let body = resp.assert_error(401, 124);
    assert_eq!(body["message"], "Access token is expired.");
    assert_eq!(get_with(&sim, "sim-static-token").status, 200);
    let fresh = fetch_token(sim.addr());
    assert_eq!(get_with(&sim, &fresh).status, 200);
}

#[test]
fn short_ttl_tokens_expire() {
    let sim = BlockingSimulator::start_with(SimulatorConfig {
        token_ttl: Duration::ZERO,
        ..SimulatorConfig::default()
    })
    .unwrap();
    let resp = token_request(sim.addr(), &good_basic(), GOOD_FORM);
    assert_eq!(resp.json()["expires_in"], 0);
    let token = resp.json()["access_token"].as_str().unwrap().to_owned();
    get_with(&sim, &token).assert_error(401, 124);
}

#[test]
fn every_bad_credential_case() {
    let sim = BlockingSimulator::start().unwrap();
    let invalid_client =
        json!({"reason": "Invalid client_id or client_secret", "error": "invalid_client"});
    let cases: Vec<(Option<String>, &str, serde_json::Value)> = vec![
        (None, GOOD_FORM, invalid_client.clone()),
        (
            Some("Basic !!!not-base64".to_owned()),
            GOOD_FORM,
            invalid_client.clone(),
        ),
        (
            Some("Basic c2ltLWNsaWVudC1pZA==".to_owned()),
            GOOD_FORM,
            invalid_client.clone(),
        ),
        (
            Some("Bearer sim-static-token".to_owned()),
            GOOD_FORM,
            invalid_client.clone(),
        ),
        (
            Some(basic(DEMO_CLIENT_ID, "wrong")),
            GOOD_FORM,
            invalid_client.clone(),
        ),
        (
            Some(basic("wrong", DEMO_CLIENT_SECRET)),
            GOOD_FORM,
            invalid_client.clone(),
        ),
        (
            Some(good_basic()),
            "grant_type=client_credentials&account_id=sim-account",
            json!({"reason": "unsupported grant type", "error": "unsupported_grant_type"}),
        ),
        (
            Some(good_basic()),
            "account_id=sim-account",
            json!({"reason": "Missing grant type", "error": "invalid_request"}),
        ),
        (
            Some(good_basic()),
            "grant_type=account_credentials",
            json!({"reason": "Missing account id", "error": "invalid_request"}),
        ),
        (
            Some(good_basic()),
            "grant_type=account_credentials&account_id=other",
            json!({"reason": "Invalid account id", "error": "invalid_grant"}),
        ),
    ];
    let count = cases.len();
    for (authorization, form, expected) in cases {
        let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
        if let Some(authorization) = &authorization {
            headers.push(("authorization", authorization));
        }
        let resp = request(
            sim.addr(),
            "POST",
            "/oauth/token",
            &headers,
            form.as_bytes(),
        );
        assert_eq!(resp.status, 400, "{authorization:?} {form}");
        assert_eq!(resp.json(), expected, "{authorization:?} {form}");
    }
    assert_eq!(sim.token_requests(), count);
    // The token endpoint only takes POST.
    let resp = request(
        sim.addr(),
        "GET",
        "/oauth/token",
        &[("authorization", &good_basic())],
        b"",
    );
    assert_eq!(resp.status, 405);
    assert_eq!(sim.token_requests(), count);
}

#[test]
fn a_user_refresh_token_works_once_and_the_answer_carries_the_next() {
    let sim = BlockingSimulator::start().unwrap();
    let refresh = |token: &str| {
        let form = format!("grant_type=refresh_token&refresh_token={token}");
        token_request(sim.addr(), &good_basic(), &form)
    };
    let first = refresh(zoom_testkit::simulator::DEMO_REFRESH_TOKEN);
    assert_eq!(first.status, 200, "{}", first.text());
    let body = first.json();
    let next = body["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(next, sim.refresh_token());
    assert_eq!(
        get_with(&sim, body["access_token"].as_str().unwrap()).status,
        200
    );
    // The old one is dead: Zoom's invalid_grant.
    let again = refresh(zoom_testkit::simulator::DEMO_REFRESH_TOKEN);
    assert_eq!(again.status, 400);
    assert_eq!(again.json()["error"], "invalid_grant");
    assert_eq!(refresh(&next).status, 200);
    assert_ne!(sim.refresh_token(), next);
    let missing = token_request(sim.addr(), &good_basic(), "grant_type=refresh_token");
    assert_eq!(missing.json()["error"], "invalid_request");
    // Server-to-Server answers carry no refresh token.
    let s2s = token_request(sim.addr(), &good_basic(), GOOD_FORM).json();
    assert!(s2s.get("refresh_token").is_none());
}
