//! The retry policy as both clients carry it out, with an instant sleeper, a manual clock and
//! fixed jitter: no test here waits for real.

use std::time::Duration;

use zoom_core::{
    ApiErrorKind, Client, ErrorKind, Jitter, LiveStreamStatus, RateLimiter, RetryPolicy,
    TransportErrorKind, endpoint,
};
use zoom_testkit::{InstantSleep, ManualClock, MockTransport, fixtures};

fn blocking(mock: &MockTransport, sleep: &InstantSleep) -> zoom_core::blocking::Client {
    zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .bearer_token("t")
        .jitter(Jitter::fixed(0.5))
        .sleeper(sleep.clone())
        .time_source(ManualClock::new())
        .time_source(ManualClock::new())
        .build()
        .unwrap()
}

fn asynchronous(mock: &MockTransport, sleep: &InstantSleep) -> Client {
    Client::builder()
        .transport(mock.clone())
        .bearer_token("t")
        .jitter(Jitter::fixed(0.5))
        .sleeper(sleep.clone())
        .time_source(ManualClock::new())
        .build()
        .unwrap()
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

#[tokio::test]
async fn server_errors_on_reads_are_retried_with_jittered_backoff() {
    let mock = MockTransport::new()
        .push(fixtures::server_error(503))
        .push(fixtures::html_error_page())
        .push(fixtures::documented_live_stream());
    let sleep = InstantSleep::new();
    asynchronous(&mock, &sleep)
        .meeting_live_stream(1)
        .await
        .unwrap();
    assert_eq!(sleep.waits(), [ms(250), ms(500)]);
    mock.assert_all_used();
}

#[test]
fn retry_after_is_honoured_then_the_call_succeeds() {
    let mock = MockTransport::new()
        .push(fixtures::rate_limited(2))
        .push(fixtures::rate_limited_without_headers())
        .push(fixtures::documented_live_stream());
    let sleep = InstantSleep::new();
    blocking(&mock, &sleep).meeting_live_stream(1).unwrap();
    // 2 s plus up to 10 % jitter; then full-jitter backoff for the 429 without headers.
    assert_eq!(sleep.waits(), [ms(2100), ms(500)]);
}

#[test]
fn a_daily_limit_is_returned_at_once_with_when_to_come_back() {
    let mock = MockTransport::new().push(fixtures::daily_limit("2099-01-01T00:00:00Z"));
    let sleep = InstantSleep::new();
    let error = blocking(&mock, &sleep).meeting_live_stream(1).unwrap_err();
    assert_eq!(
        error.api().unwrap().kind(),
        ApiErrorKind::DailyLimitExceeded
    );
    assert!(
        error
            .to_string()
            .contains("retry after Thu, 01 Jan 2099 00:00:00 GMT"),
        "{error}"
    );
    assert!(error.retry_after().unwrap() > Duration::from_secs(86_400));
    assert!(sleep.waits().is_empty());
}

#[test]
fn a_retry_after_beyond_the_budget_is_returned_not_slept_on() {
    let mock = MockTransport::new().push(fixtures::rate_limited(120));
    let sleep = InstantSleep::new();
    let error = blocking(&mock, &sleep).meeting_live_stream(1).unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert!(sleep.waits().is_empty());
}

#[test]
fn attempts_and_total_wait_are_bounded() {
    let mut mock = MockTransport::new().allow_unused();
    for _ in 0..10 {
        mock = mock.push(fixtures::rate_limited(20));
    }
    let sleep = InstantSleep::new();
    let error = blocking(&mock, &sleep).meeting_live_stream(1).unwrap_err();
    assert_eq!(error.api().unwrap().kind(), ApiErrorKind::RateLimited);
    // 20.5 s each: a third wait would pass the 60 s budget, so two are taken.
    assert_eq!(sleep.waits(), [ms(20_500), ms(20_500)]);
    assert_eq!(mock.requests().len(), 3);
}

#[tokio::test]
async fn starting_a_stream_is_not_repeated_after_it_may_have_left() {
    for failure in [TransportErrorKind::Timeout, TransportErrorKind::Io] {
        let mock = MockTransport::new().push_error(failure);
        let sleep = InstantSleep::new();
        let error = asynchronous(&mock, &sleep)
            .update_meeting_live_stream_status(1, &LiveStreamStatus::start())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Transport);
        assert!(matches!(
            error,
            zoom_core::Error::Transport {
                may_have_been_applied: true,
                ..
            }
        ));
        assert!(
            error.to_string().contains("may have been applied"),
            "{error}"
        );
        assert!(!error.is_retryable());
        assert_eq!(mock.requests().len(), 1);
    }
    for answer in [fixtures::server_error(503), fixtures::rate_limited(1)] {
        let mock = MockTransport::new().push(answer);
        let error = asynchronous(&mock, &InstantSleep::new())
            .update_meeting_live_stream_status(1, &LiveStreamStatus::stop())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Api);
        assert_eq!(mock.requests().len(), 1);
    }
}

#[test]
fn starting_a_stream_is_repeated_when_the_request_never_left() {
    let mock = MockTransport::new()
        .push_error(TransportErrorKind::Connect)
        .push(fixtures::no_content());
    let sleep = InstantSleep::new();
    blocking(&mock, &sleep)
        .update_meeting_live_stream_status(1, &LiveStreamStatus::start())
        .unwrap();
    assert_eq!(sleep.waits(), [ms(250)]);
}

#[test]
fn reads_are_repeated_after_timeouts_and_dropped_connections() {
    let mock = MockTransport::new()
        .push_error(TransportErrorKind::Timeout)
        .push_error(TransportErrorKind::Io)
        .push(fixtures::documented_live_stream());
    blocking(&mock, &InstantSleep::new())
        .meeting_live_stream(1)
        .unwrap();
    mock.assert_all_used();
}

#[test]
fn a_body_over_the_cap_is_not_retried() {
    let mock = MockTransport::new().push_error(TransportErrorKind::BodyTooLarge);
    let error = blocking(&mock, &InstantSleep::new())
        .meeting_live_stream(1)
        .unwrap_err();
    assert_eq!(
        error.transport().unwrap().kind(),
        TransportErrorKind::BodyTooLarge
    );
}

#[test]
fn the_policy_can_be_changed_per_call() {
    let mock = MockTransport::new().push(fixtures::server_error(503));
    let sleep = InstantSleep::new();
    let client = blocking(&mock, &sleep);
    let error = client
        .with_retry_policy(RetryPolicy::none())
        .meeting_live_stream(1)
        .unwrap_err();
    assert_eq!(error.api().unwrap().kind(), ApiErrorKind::ServerError);
    assert!(sleep.waits().is_empty());
}

#[test]
fn rate_limit_state_is_available_on_success() {
    let mock = MockTransport::new().push(
        fixtures::documented_live_stream()
            .header("x-ratelimit-category", "Light")
            .header("x-ratelimit-type", "QPS")
            .header("x-ratelimit-limit", "30")
            .header("x-ratelimit-remaining", "29")
            .header("x-zm-trackingid", "trk-ok"),
    );
    let client = blocking(&mock, &InstantSleep::new());
    let answer = client.send(&endpoint::get_meeting_live_stream(1)).unwrap();
    let limit = &answer.meta.rate_limit;
    assert_eq!(
        (limit.category.as_deref(), limit.limit_type.as_deref()),
        (Some("Light"), Some("QPS"))
    );
    assert_eq!((limit.limit, limit.remaining), (Some(30), Some(29)));
    assert_eq!(answer.meta.tracking_id.as_deref(), Some("trk-ok"));
}

#[test]
fn a_retry_after_date_is_read_against_the_clients_wall_clock() {
    let now = ManualClock::start_time();
    let in_30_s = zoom_core::http::HeaderValue::from_str(&httpdate::fmt_http_date(
        now + Duration::from_secs(30),
    ))
    .unwrap();
    let mock = MockTransport::new()
        .push(
            fixtures::rate_limited_without_headers()
                .header("retry-after", in_30_s.to_str().unwrap()),
        )
        .push(fixtures::documented_live_stream());
    let sleep = InstantSleep::new();
    blocking(&mock, &sleep).meeting_live_stream(1).unwrap();
    // 30 s as told, plus half of the jitter allowance (a tenth of the wait, at most 1 s).
    assert_eq!(sleep.waits(), [ms(30_500)]);
}

#[test]
fn the_retry_budget_runs_on_the_clients_clock() {
    // Each attempt takes 25 s on the clock (the transport moves it), so the third attempt
    // would start after the 60 s budget: two attempts, one wait.
    let clock = ManualClock::new();
    let slow = {
        let clock = clock.clone();
        zoom_core::FnTransport(move |_: zoom_core::HttpRequest| {
            clock.advance(Duration::from_secs(25));
            Ok(fixtures::server_error(503).to_response())
        })
    };
    let sleep = InstantSleep::advancing(&clock);
    let client = zoom_core::blocking::Client::builder()
        .transport(slow)
        .bearer_token("t")
        .jitter(Jitter::fixed(0.5))
        .sleeper(sleep.clone())
        .time_source(clock.clone())
        .build()
        .unwrap();
    let error = client.meeting_live_stream(1).unwrap_err();
    assert_eq!(error.api().unwrap().kind(), ApiErrorKind::ServerError);
    assert_eq!(sleep.waits(), [ms(250), ms(500)]);
    assert_eq!(clock.elapsed(), ms(75_750));
}

#[test]
fn the_limiter_spaces_a_burst_through_the_injected_sleeper() {
    let mut mock = MockTransport::new();
    for _ in 0..5 {
        mock = mock.push(fixtures::documented_live_stream());
    }
    let sleep = InstantSleep::new();
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .bearer_token("t")
        .rate_limiter(RateLimiter::per_second(2).burst(1))
        .sleeper(sleep.clone())
        .time_source(ManualClock::new())
        .build()
        .unwrap();
    for _ in 0..5 {
        client.clone().meeting_live_stream(1).unwrap();
    }
    // The clock stands still, so the schedule piles up: 0.5 s, 1 s, 1.5 s, 2 s.
    assert_eq!(sleep.waits(), [ms(500), ms(1000), ms(1500), ms(2000)]);
}

#[test]
fn the_limiter_refills_as_the_clock_moves() {
    let mut mock = MockTransport::new();
    for _ in 0..4 {
        mock = mock.push(fixtures::documented_live_stream());
    }
    let clock = ManualClock::new();
    let sleep = InstantSleep::new();
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .bearer_token("t")
        .rate_limiter(RateLimiter::per_second(2).burst(1))
        .sleeper(sleep.clone())
        .time_source(clock.clone())
        .build()
        .unwrap();
    client.meeting_live_stream(1).unwrap();
    clock.advance(ms(200));
    client.meeting_live_stream(1).unwrap();
    clock.advance(ms(10_000));
    client.meeting_live_stream(1).unwrap();
    client.meeting_live_stream(1).unwrap();
    assert_eq!(sleep.waits(), [ms(300), ms(500)]);
}

#[test]
fn time_queued_behind_the_limiter_does_not_use_up_the_retry_budget() {
    // Ten calls at once at 20/s: the last one waits 450 ms in the queue, longer than the
    // whole 200 ms budget; the 503 it meets must still be retried.
    let mut mock = MockTransport::new();
    for _ in 0..9 {
        mock = mock.push(fixtures::documented_live_stream());
    }
    mock = mock
        .push(fixtures::server_error(503))
        .push(fixtures::documented_live_stream());
    let sleep = InstantSleep::new();
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .bearer_token("t")
        .rate_limiter(RateLimiter::per_second(20).burst(1))
        .retry_policy(RetryPolicy::default().max_elapsed(ms(200)))
        .jitter(Jitter::fixed(0.1))
        .sleeper(sleep.clone())
        .time_source(ManualClock::new())
        .build()
        .unwrap();
    for _ in 0..10 {
        client.meeting_live_stream(1).unwrap();
    }
    // Queued 50 ms to 450 ms, then the retry's 50 ms backoff and its own place in the queue.
    let mut expected: Vec<_> = (1..10).map(|i| ms(50 * i)).collect();
    expected.extend([ms(50), ms(500)]);
    assert_eq!(sleep.waits(), expected);
    mock.assert_all_used();
}

/// The budget is the call's deadline: every request after the first attempt (a retry; also
/// a request after a token fetch or a wait) carries what is left of it, for the transport to end the
/// exchange by then (`TimeLeft`; both shipped transports honour it). The first attempt,
/// straight off, carries nothing: the transport's own timeout bounds it.
#[test]
fn every_request_after_the_first_attempt_carries_what_is_left_of_the_budget() {
    use std::sync::{Arc, Mutex};
    use zoom_core::TimeLeft;

    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let transport = zoom_core::FnTransport(move |request: zoom_core::HttpRequest| {
        let left = request.extensions().get::<TimeLeft>().map(|left| left.0);
        record.lock().unwrap().push(left);
        Ok(fixtures::server_error(503).into())
    });
    let clock = ManualClock::new();
    let client = zoom_core::blocking::Client::builder()
        .transport(transport)
        .bearer_token("t")
        .jitter(Jitter::fixed(1.0))
        .sleeper(InstantSleep::advancing(&clock))
        .time_source(clock.clone())
        .build()
        .unwrap();
    client.meeting_live_stream(1).unwrap_err();
    let lefts = seen.lock().unwrap().clone();
    // Waits of 500 ms, 1 s and 2 s (the ceilings, with a jitter of 1) out of 60 s.
    assert_eq!(
        lefts,
        [None, Some(ms(59_500)), Some(ms(58_500)), Some(ms(56_500))]
    );
}
