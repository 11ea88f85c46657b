//! The machine's rules for events and stray inputs, one test each, on a hand-moved clock:
//! the meeting's end, ordering and duplicates, outcomes and timers it does not expect.

// Setup steps drop decisions that the test for that step checks.
#![allow(unused_must_use)]

mod common;

use std::time::Duration;

use common::{Pilot, T0, at, said};
use zoom_autopilot::EventKind::{Ended, LiveStreamingStarted, LiveStreamingStopped, Started};
use zoom_autopilot::{Action, Event, Machine, Outcome, Policy, RunPhase};
use zoom_core::Timestamp;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

// ---------------------------------------------------------------------------------------
// The end of the meeting
// ---------------------------------------------------------------------------------------

#[test]
fn after_the_end_a_pending_calls_outcome_is_ignored() {
    for outcome in [Outcome::Ok, Outcome::NotRunning, Outcome::Transient] {
        let mut pilot = Pilot::default_policy();
        pilot.event(Started, 0);
        pilot.answer(Outcome::Ok);
        assert_eq!(said(pilot.event(Ended, 100)), ("ignore", "run_ended"));
        assert_eq!(said(pilot.answer(outcome)), ("ignore", "run_ended"));
        assert_eq!(pilot.machine.phase(), RunPhase::Ended);
        assert_eq!(pilot.machine.next_wake(), None);
    }
}

#[test]
fn after_the_end_a_pending_timer_is_dropped() {
    let mut pilot = Pilot::default_policy();
    pilot.live(0);
    pilot.event(LiveStreamingStopped, 100);
    assert!(pilot.machine.next_wake().is_some());
    pilot.event(Ended, 200);
    assert_eq!(pilot.machine.next_wake(), None);
    pilot.advance(secs(3600));
    assert_eq!(said(pilot.tick()), ("ignore", "run_ended"));
    assert_eq!(
        said(pilot.event(LiveStreamingStarted, 300)),
        ("ignore", "run_ended")
    );
}

// ---------------------------------------------------------------------------------------
// Ordering and duplicates
// ---------------------------------------------------------------------------------------

#[test]
fn redelivered_events_change_nothing() {
    for kind in [Started, LiveStreamingStarted, LiveStreamingStopped, Ended] {
        let mut pilot = Pilot::default_policy();
        pilot.live(0);
        let first = pilot.event(kind, 100);
        let record = pilot.machine.to_record();
        let wake = pilot.machine.next_wake();
        assert_eq!(
            said(pilot.event(kind, 100)),
            ("ignore", "duplicate_event"),
            "{kind} (first: {first:?})"
        );
        assert_eq!(pilot.machine.to_record(), record, "{kind}");
        assert_eq!(pilot.machine.next_wake(), wake, "{kind}");
    }
}

#[test]
fn a_started_older_than_the_ended_already_seen_starts_nothing() {
    let mut pilot = Pilot::default_policy();
    assert_eq!(said(pilot.event(Ended, 500)), ("ignore", "run_ended"));
    for ts in [0, 499, 500] {
        assert_eq!(said(pilot.event(Started, ts)), ("ignore", "stale_event"));
    }
    assert_eq!(pilot.machine.phase(), RunPhase::Ended);
    assert_eq!(said(pilot.event(Started, 501)), ("update", "run_started"));
}

#[test]
fn an_ended_older_than_the_runs_started_is_stale() {
    let mut pilot = Pilot::default_policy();
    pilot.live(1000);
    assert_eq!(said(pilot.event(Ended, 999)), ("ignore", "stale_event"));
    assert_eq!(pilot.machine.phase(), RunPhase::Live);
}

#[test]
fn an_older_started_during_a_run_is_stale() {
    let mut pilot = Pilot::default_policy();
    pilot.live(1000);
    assert_eq!(said(pilot.event(Started, 999)), ("ignore", "stale_event"));
    assert_eq!(pilot.machine.phase(), RunPhase::Live);
}

#[test]
fn stream_events_count_only_inside_a_run_and_after_its_start() {
    let mut pilot = Pilot::default_policy();
    assert_eq!(
        said(pilot.event(LiveStreamingStopped, 50)),
        ("ignore", "no_run")
    );
    pilot.started_and_accepted(100);
    // Newer than the last stream event, but older than the run's start.
    assert_eq!(
        said(pilot.event(LiveStreamingStarted, 60)),
        ("ignore", "stale_event")
    );
    assert_eq!(pilot.machine.phase(), RunPhase::Confirming);
    // Older than the last stream event.
    assert_eq!(
        said(pilot.event(LiveStreamingStopped, 55)),
        ("ignore", "stale_event")
    );
    pilot.event(Ended, 200);
    assert_eq!(
        said(pilot.event(LiveStreamingStopped, 201)),
        ("ignore", "run_ended")
    );
}

#[test]
fn a_stop_older_than_the_confirmation_is_stale() {
    let mut pilot = Pilot::default_policy();
    pilot.live(0);
    pilot.event(LiveStreamingStarted, 100);
    assert_eq!(
        said(pilot.event(LiveStreamingStopped, 99)),
        ("ignore", "stale_event")
    );
    assert_eq!(pilot.machine.phase(), RunPhase::Live);
}

#[test]
fn a_confirmation_that_overtook_the_meeting_start_means_no_start() {
    let mut pilot = Pilot::default_policy();
    assert_eq!(
        said(pilot.event(LiveStreamingStarted, 110)),
        ("ignore", "no_run")
    );
    assert_eq!(said(pilot.event(Started, 100)), ("ignore", "confirmed"));
    assert_eq!(pilot.machine.phase(), RunPhase::Live);
    assert_eq!(pilot.machine.next_wake(), None);
}

#[test]
fn a_newer_started_without_an_ended_begins_a_new_run() {
    // The Ended was lost (or is late): the newer start is a new run; the late Ended older
    // than it is then stale.
    let mut pilot = Pilot::default_policy();
    pilot.live(0);
    assert_eq!(said(pilot.event(Started, 1000)), ("update", "run_started"));
    assert_eq!(said(pilot.event(Ended, 500)), ("ignore", "stale_event"));
}

#[test]
fn events_at_the_same_millisecond_order_by_kind() {
    let mut pilot = Pilot::default_policy();
    pilot.started_and_accepted(0);
    // Stopped at the same millisecond as started: stopped wins, whichever came first.
    pilot.event(LiveStreamingStopped, 100);
    assert_eq!(
        said(pilot.event(LiveStreamingStarted, 100)),
        ("ignore", "stale_event")
    );
    // An end at the start's millisecond comes after it: it ends that run.
    assert_eq!(said(pilot.event(Ended, 0)), ("ignore", "run_ended"));
    assert_eq!(said(pilot.event(Started, 0)), ("ignore", "duplicate_event"));
}

// ---------------------------------------------------------------------------------------
// Calls and timers the machine does not expect
// ---------------------------------------------------------------------------------------

#[test]
fn an_outcome_for_a_call_the_machine_no_longer_waits_for_is_ignored() {
    let mut pilot = Pilot::default_policy();
    let update = pilot.event(Started, 0).action.call().unwrap();
    pilot.answer(Outcome::Ok);
    let decision = pilot.machine.on_outcome(update, Outcome::Ok, pilot.now);
    assert_eq!(said(decision), ("ignore", "unknown_call"));
    assert_eq!(pilot.machine.phase(), RunPhase::Starting);
}

#[test]
fn a_timer_called_early_or_with_the_clock_gone_back_does_nothing() {
    let mut pilot = Pilot::default_policy();
    assert_eq!(said(pilot.tick()), ("ignore", "not_due"));
    pilot.advance(secs(100));
    pilot.event(Started, 0);
    pilot.answer(Outcome::NotRunning);
    let wake = pilot.machine.next_wake().unwrap();
    for now in [at(0), at(100), Timestamp::ORIGIN] {
        assert_eq!(said(pilot.machine.on_timer(now)), ("ignore", "not_due"));
    }
    assert_eq!(pilot.machine.next_wake(), Some(wake));
    assert_eq!(said(pilot.wake()), ("update", "retry"));
}

// ---------------------------------------------------------------------------------------
// Names and bounds
// ---------------------------------------------------------------------------------------

#[test]
fn actions_have_the_names_the_tool_prints() {
    let call = Machine::new(Policy::default())
        .on_event(Event::new(Started, T0), Timestamp::ORIGIN)
        .action;
    let names: Vec<_> = [
        call,
        Action::Wait { until: at(1) },
        Action::Ignore,
        Action::GiveUp,
    ]
    .iter()
    .map(|a| a.as_str())
    .collect();
    assert_eq!(names, ["update", "wait", "ignore", "give_up"]);
    let mut policy = Policy::default();
    policy.update_first = false;
    let start = Machine::new(policy).on_event(Event::new(Started, T0), Timestamp::ORIGIN);
    assert_eq!(start.action.to_string(), "start");
}

#[test]
fn policy_durations_are_clamped_and_extreme_ones_never_panic() {
    let mut policy = Policy::default();
    policy.first_backoff = Duration::ZERO;
    policy.max_backoff = Duration::ZERO;
    policy.retry_budget = Duration::MAX;
    policy.rate_limit_wait = Duration::MAX;
    policy.confirm_timeout = Some(Duration::MAX);
    policy.restart_delay = Duration::MAX;
    let clamped = policy.clamped();
    assert_eq!(clamped.first_backoff, zoom_autopilot::policy::MIN_BACKOFF);
    assert_eq!(clamped.max_backoff, clamped.first_backoff);
    assert_eq!(clamped.retry_budget, zoom_autopilot::policy::MAX_SETTING);
    assert_eq!(
        clamped.confirm_timeout,
        Some(zoom_autopilot::policy::MAX_SETTING)
    );

    let mut machine = Machine::new(policy);
    let far = Timestamp::from_origin(Duration::MAX);
    let call = machine.on_event(Event::new(Started, u64::MAX), far);
    let call = call.action.call().unwrap();
    let decision = machine.on_outcome(call, Outcome::RateLimited { retry_after: None }, far);
    // At the end of time every deadline saturates to now: due at once.
    assert_eq!(decision.action, Action::Wait { until: far });
    assert_eq!(said(machine.on_timer(far)), ("update", "retry"));
    assert_eq!(
        said(machine.on_event(Event::new(Ended, u64::MAX), far)),
        ("ignore", "run_ended")
    );
}
