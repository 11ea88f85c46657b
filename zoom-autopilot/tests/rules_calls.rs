//! The machine's rules for its calls, one test each, on a hand-moved clock: the meeting
//! start, failed calls, confirmation, drops and restarts. (Events: tests/rules_events.rs.)

// Setup steps drop decisions that the test for that step checks.
#![allow(unused_must_use)]

mod common;

use std::time::Duration;

use common::{Pilot, at, said};
use zoom_autopilot::EventKind::{Ended, LiveStreamingStarted, LiveStreamingStopped, Started};
use zoom_autopilot::{Action, Outcome, Policy, Refusal, RunPhase};

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

// ---------------------------------------------------------------------------------------
// Meeting start: update, then start
// ---------------------------------------------------------------------------------------

#[test]
fn a_meeting_start_updates_the_settings_then_starts_then_awaits_confirmation() {
    let mut pilot = Pilot::default_policy();
    assert_eq!(said(pilot.event(Started, 0)), ("update", "run_started"));
    assert_eq!(pilot.machine.phase(), RunPhase::Updating);
    assert_eq!(
        said(pilot.answer(Outcome::Ok)),
        ("start", "settings_updated")
    );
    assert_eq!(pilot.machine.phase(), RunPhase::Starting);
    let decision = pilot.answer(Outcome::Ok);
    assert_eq!(said(decision), ("wait", "awaiting_confirmation"));
    assert_eq!(decision.action, Action::Wait { until: at(60) });
    assert_eq!(pilot.machine.phase(), RunPhase::Confirming);
}

#[test]
fn a_target_without_settings_to_apply_starts_directly() {
    let mut policy = Policy::default();
    policy.update_first = false;
    let mut pilot = Pilot::new(policy);
    assert_eq!(said(pilot.event(Started, 0)), ("start", "run_started"));
    assert_eq!(
        said(pilot.answer(Outcome::Ok)),
        ("wait", "awaiting_confirmation")
    );
}

// ---------------------------------------------------------------------------------------
// Failed calls: backoff, 429, budget, permanent refusals
// ---------------------------------------------------------------------------------------

#[test]
fn a_start_on_a_meeting_not_running_yet_backs_off_doubling_to_a_cap_then_gives_up() {
    let mut pilot = Pilot::default_policy();
    pilot.event(Started, 0);
    assert_eq!(
        said(pilot.answer(Outcome::Ok)),
        ("start", "settings_updated")
    );
    let mut waits = Vec::new();
    loop {
        let decision = pilot.answer(Outcome::NotRunning);
        if decision.action == Action::GiveUp {
            assert_eq!(decision.reason.as_str(), "not_running_yet");
            break;
        }
        assert_eq!(said(decision), ("wait", "not_running_yet"));
        waits.push(pilot.waits().unwrap().as_secs());
        assert_eq!(said(pilot.wake()), ("start", "retry"));
    }
    // 1 s doubling, capped at 30 s, the last wait cut to end at the 2 min budget.
    assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30, 29]);
    assert_eq!(pilot.now, at(120));
    assert_eq!(pilot.machine.phase(), RunPhase::GaveUp);
    assert_eq!(pilot.machine.next_wake(), None);
}

#[test]
fn a_429_waits_for_zooms_retry_after_then_starts_again() {
    let mut pilot = Pilot::default_policy();
    pilot.event(Started, 0);
    pilot.answer(Outcome::Ok);
    let limited = Outcome::RateLimited {
        retry_after: Some(secs(5)),
    };
    assert_eq!(said(pilot.answer(limited)), ("wait", "rate_limited"));
    assert_eq!(pilot.waits(), Some(secs(5)));
    assert_eq!(said(pilot.wake()), ("start", "retry"));
}

#[test]
fn a_429_without_retry_after_waits_the_documented_30_s() {
    let mut pilot = Pilot::default_policy();
    pilot.event(Started, 0);
    pilot.answer(Outcome::Ok);
    let limited = Outcome::RateLimited { retry_after: None };
    assert_eq!(said(pilot.answer(limited)), ("wait", "rate_limited"));
    assert_eq!(pilot.waits(), Some(secs(30)));
    assert_eq!(said(pilot.wake()), ("start", "retry"));
}

#[test]
fn a_429_whose_wait_ends_past_the_budget_gives_up() {
    for retry_after in [secs(121), secs(86_400), Duration::MAX] {
        let mut pilot = Pilot::default_policy();
        pilot.event(Started, 0);
        pilot.answer(Outcome::Ok);
        let limited = Outcome::RateLimited {
            retry_after: Some(retry_after),
        };
        assert_eq!(said(pilot.answer(limited)), ("give_up", "rate_limited"));
        assert_eq!(pilot.machine.next_wake(), None);
    }
}

#[test]
fn transient_failures_repeat_the_same_call_with_the_bounded_backoff() {
    let mut policy = Policy::default();
    policy.retry_budget = secs(3);
    let mut pilot = Pilot::new(policy);
    pilot.event(Started, 0);
    assert_eq!(
        said(pilot.answer(Outcome::Transient)),
        ("wait", "transient_failure")
    );
    assert_eq!(pilot.waits(), Some(secs(1)));
    // The update failed: the update is repeated, not skipped.
    assert_eq!(said(pilot.wake()), ("update", "retry"));
    assert_eq!(
        said(pilot.answer(Outcome::Transient)),
        ("wait", "transient_failure")
    );
    assert_eq!(pilot.waits(), Some(secs(2)));
    assert_eq!(said(pilot.wake()), ("update", "retry"));
    assert_eq!(
        said(pilot.answer(Outcome::Transient)),
        ("give_up", "transient_failure")
    );
}

#[test]
fn permanent_refusals_give_up_at_once_with_their_reason() {
    let table = [
        (Refusal::Auth, "auth_refused"),
        (Refusal::NotFound, "not_found"),
        (Refusal::NotConfigured, "not_configured"),
        (Refusal::DailyLimit, "daily_limit"),
        (Refusal::InvalidInput, "invalid_input"),
        (Refusal::Rejected, "rejected"),
    ];
    for (refusal, reason) in table {
        for refused_call in ["update", "start"] {
            let mut pilot = Pilot::default_policy();
            pilot.event(Started, 0);
            if refused_call == "start" {
                pilot.answer(Outcome::Ok);
            }
            let decision = pilot.answer(Outcome::Permanent(refusal));
            assert_eq!(said(decision), ("give_up", reason), "{refused_call}");
            assert_eq!(pilot.machine.phase(), RunPhase::GaveUp);
            assert_eq!(pilot.machine.next_wake(), None);
        }
    }
}

#[test]
fn a_successful_update_resets_the_backoff_for_the_start() {
    let mut pilot = Pilot::default_policy();
    pilot.event(Started, 0);
    pilot.answer(Outcome::Transient);
    pilot.wake();
    pilot.answer(Outcome::Transient);
    pilot.wake();
    assert_eq!(
        said(pilot.answer(Outcome::Ok)),
        ("start", "settings_updated")
    );
    pilot.answer(Outcome::NotRunning);
    assert_eq!(pilot.waits(), Some(secs(1)));
}

// ---------------------------------------------------------------------------------------
// Confirmation
// ---------------------------------------------------------------------------------------

#[test]
fn zoom_confirming_the_stream_ends_the_wait() {
    let mut pilot = Pilot::default_policy();
    pilot.started_and_accepted(0);
    assert_eq!(
        said(pilot.event(LiveStreamingStarted, 5)),
        ("ignore", "confirmed")
    );
    assert_eq!(pilot.machine.phase(), RunPhase::Live);
    assert_eq!(pilot.machine.next_wake(), None);
    assert!(pilot.machine.to_record().confirmed);
}

#[test]
fn a_confirmation_that_overtakes_the_starts_outcome_wins_whatever_the_outcome() {
    for outcome in [
        Outcome::Ok,
        Outcome::Transient,
        Outcome::RateLimited { retry_after: None },
        Outcome::Permanent(Refusal::Rejected),
    ] {
        let mut pilot = Pilot::default_policy();
        pilot.event(Started, 0);
        assert_eq!(
            said(pilot.answer(Outcome::Ok)),
            ("start", "settings_updated")
        );
        assert_eq!(
            said(pilot.event(LiveStreamingStarted, 5)),
            ("ignore", "confirmed")
        );
        assert_eq!(said(pilot.answer(outcome)), ("ignore", "confirmed"));
        assert_eq!(pilot.machine.phase(), RunPhase::Live);
        assert_eq!(pilot.machine.next_wake(), None);
    }
}

#[test]
fn an_unconfirmed_start_is_made_once_more_then_given_up() {
    let mut pilot = Pilot::default_policy();
    pilot.started_and_accepted(0);
    assert_eq!(pilot.waits(), Some(secs(60)));
    assert_eq!(said(pilot.wake()), ("start", "unconfirmed"));
    assert_eq!(
        said(pilot.answer(Outcome::Ok)),
        ("wait", "awaiting_confirmation")
    );
    assert_eq!(said(pilot.wake()), ("give_up", "unconfirmed"));
    assert_eq!(pilot.now, at(120));
}

#[test]
fn without_confirmation_events_an_accepted_start_counts_as_live() {
    let mut policy = Policy::default();
    policy.confirm_timeout = None;
    let mut pilot = Pilot::new(policy);
    pilot.event(Started, 0);
    pilot.answer(Outcome::Ok);
    assert_eq!(
        said(pilot.answer(Outcome::Ok)),
        ("ignore", "start_accepted")
    );
    assert_eq!(pilot.machine.phase(), RunPhase::Live);
    assert_eq!(pilot.machine.next_wake(), None);
}

// ---------------------------------------------------------------------------------------
// Drops and restarts
// ---------------------------------------------------------------------------------------

#[test]
fn an_unasked_stop_while_the_meeting_runs_starts_again_after_the_delay() {
    let mut pilot = Pilot::default_policy();
    pilot.live(0);
    assert_eq!(
        said(pilot.event(LiveStreamingStopped, 100)),
        ("wait", "stream_dropped")
    );
    assert_eq!(pilot.machine.phase(), RunPhase::Restarting);
    assert_eq!(pilot.waits(), Some(secs(10)));
    pilot.advance(secs(9));
    assert_eq!(said(pilot.tick()), ("ignore", "not_due"));
    assert_eq!(said(pilot.wake()), ("start", "restart"));
    assert_eq!(
        said(pilot.answer(Outcome::Ok)),
        ("wait", "awaiting_confirmation")
    );
    assert_eq!(pilot.machine.to_record().restarts, 1);
}

#[test]
fn a_stop_before_confirmation_after_an_accepted_start_is_a_drop() {
    let mut pilot = Pilot::default_policy();
    pilot.started_and_accepted(0);
    assert_eq!(
        said(pilot.event(LiveStreamingStopped, 100)),
        ("wait", "stream_dropped")
    );
}

#[test]
fn a_stop_while_the_machine_is_starting_the_stream_changes_nothing() {
    let mut pilot = Pilot::default_policy();
    pilot.event(Started, 0);
    assert_eq!(
        said(pilot.event(LiveStreamingStopped, 100)),
        ("ignore", "in_progress")
    );
    assert_eq!(
        said(pilot.answer(Outcome::Ok)),
        ("start", "settings_updated")
    );
}

#[test]
fn restarts_are_limited_per_run_then_the_machine_gives_up() {
    let mut pilot = Pilot::default_policy();
    pilot.live(0);
    for restart in 1..=5 {
        let ts = restart * 1000;
        assert_eq!(
            said(pilot.event(LiveStreamingStopped, ts)),
            ("wait", "stream_dropped")
        );
        assert_eq!(said(pilot.wake()), ("start", "restart"));
        pilot.answer(Outcome::Ok);
        pilot.event(LiveStreamingStarted, ts + 1);
    }
    assert_eq!(
        said(pilot.event(LiveStreamingStopped, 9_000)),
        ("give_up", "restart_limit")
    );
    assert_eq!(pilot.machine.next_wake(), None);
}

#[test]
fn a_newer_start_after_an_end_begins_a_new_run_with_its_restarts_reset() {
    let mut policy = Policy::default();
    policy.max_restarts = 1;
    let mut pilot = Pilot::new(policy);
    pilot.live(0);
    pilot.event(LiveStreamingStopped, 100);
    pilot.wake();
    pilot.answer(Outcome::Ok);
    pilot.event(LiveStreamingStarted, 200);
    assert_eq!(
        said(pilot.event(LiveStreamingStopped, 300)),
        ("give_up", "restart_limit")
    );
    assert_eq!(said(pilot.event(Ended, 400)), ("ignore", "run_ended"));
    pilot.live(500);
    assert_eq!(pilot.machine.to_record().restarts, 0);
    assert_eq!(
        said(pilot.event(LiveStreamingStopped, 600)),
        ("wait", "stream_dropped")
    );
}

#[test]
fn a_stream_back_by_itself_cancels_the_restart() {
    let mut pilot = Pilot::default_policy();
    pilot.live(0);
    pilot.event(LiveStreamingStopped, 100);
    assert_eq!(
        said(pilot.event(LiveStreamingStarted, 200)),
        ("ignore", "confirmed")
    );
    assert_eq!(pilot.machine.next_wake(), None);
    assert_eq!(pilot.machine.to_record().restarts, 0);
}
