//! Per-second and daily rate limits.

mod simulator_common;

use simulator_common::{get, meeting_path};
use zoom_testkit::simulator::{BlockingSimulator, DEMO_MEETING_ID, SimulatorConfig};

#[test]
fn per_second_limit_answers_429_with_retry_after_1() {
    let sim = BlockingSimulator::start_with(SimulatorConfig {
        rate_limit_per_second: Some(5),
        ..SimulatorConfig::default()
    })
    .unwrap();
    let answers: Vec<_> = (0..6)
        .map(|_| get(sim.addr(), &meeting_path(DEMO_MEETING_ID)))
        .collect();
    let first = &answers[0];
    assert_eq!(first.status, 200);
    assert_eq!(first.header("x-ratelimit-limit"), Some("5"));
    let remaining: u32 = first
        .header("x-ratelimit-remaining")
        .unwrap()
        .parse()
        .unwrap();
    assert!(remaining <= 4);
    let limited: Vec<_> = answers.iter().filter(|r| r.status == 429).collect();
    assert!(
        !limited.is_empty(),
        "six quick requests against a bucket of five"
    );
    for resp in limited {
        let body = resp.assert_error(429, 429);
        assert_eq!(
            body["message"],
            "You have reached the maximum per-second rate limit for this API. Try again later."
        );
        assert_eq!(resp.header("retry-after"), Some("1"));
        assert_eq!(resp.header("x-ratelimit-type"), Some("QPS"));
        assert_eq!(resp.header("x-ratelimit-limit"), Some("5"));
        assert_eq!(resp.header("x-ratelimit-remaining"), Some("0"));
        assert!(resp.header("x-zm-trackingid").is_some());
    }
}

#[test]
fn zero_per_second_limits_everything_and_can_be_lifted() {
    let sim = BlockingSimulator::start().unwrap();
    sim.set_rate_limit(Some(0));
    get(sim.addr(), &meeting_path(DEMO_MEETING_ID)).assert_error(429, 429);
    sim.set_rate_limit(None);
    let resp = get(sim.addr(), &meeting_path(DEMO_MEETING_ID));
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("x-ratelimit-remaining"), Some("30"));
}

#[test]
fn daily_limit_answers_429_until_next_utc_midnight() {
    let sim = BlockingSimulator::start_with(SimulatorConfig {
        daily_limit: Some(2),
        ..SimulatorConfig::default()
    })
    .unwrap();
    let path = meeting_path(DEMO_MEETING_ID);
    assert_eq!(get(sim.addr(), &path).status, 200);
    assert_eq!(get(sim.addr(), &path).status, 200);
    let resp = get(sim.addr(), &path);
    let body = resp.assert_error(429, 429);
    assert_eq!(
        body["message"],
        "You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request."
    );
    assert_eq!(resp.header("x-ratelimit-type"), Some("Daily-limit"));
    assert_eq!(resp.header("x-ratelimit-limit"), Some("2"));
    assert_eq!(resp.header("x-ratelimit-remaining"), Some("0"));
    let retry = resp.header("retry-after").unwrap();
    let b = retry.as_bytes();
    assert!(
        retry.len() == 20 && b[4] == b'-' && b[7] == b'-' && retry.ends_with("T00:00:00Z"),
        "ISO-8601 midnight: {retry}"
    );
    // Still limited; lifting the limit lets calls through.
    assert_eq!(get(sim.addr(), &path).status, 429);
    sim.set_daily_limit(None);
    assert_eq!(get(sim.addr(), &path).status, 200);
}

#[test]
fn unauthorized_calls_do_not_count_against_the_daily_limit() {
    let sim = BlockingSimulator::start().unwrap();
    sim.set_daily_limit(Some(1));
    let path = meeting_path(DEMO_MEETING_ID);
    simulator_common::request(sim.addr(), "GET", &path, &[], b"").assert_error(401, 124);
    assert_eq!(get(sim.addr(), &path).status, 200);
    assert_eq!(get(sim.addr(), &path).status, 429);
}
