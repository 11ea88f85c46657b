//! The shareable record: its round trip through JSON, and machines restored from it in
//! another process (another clock).

// Setup steps drop decisions that tests/rules.rs checks.
#![allow(unused_must_use)]

mod common;

use std::time::Duration;

use common::{Pilot, T0, at, said};
use zoom_autopilot::EventKind::{Ended, LiveStreamingStarted, LiveStreamingStopped, Started};
use zoom_autopilot::{Event, Machine, Outcome, Policy, Record, Refusal, RunPhase};

/// A pilot driven into each phase, with the wait its restored timer should have.
fn pilots_in_every_phase() -> Vec<(Pilot, RunPhase, Option<Duration>)> {
    let secs = Duration::from_secs;
    let mut all = Vec::new();
    let idle = Pilot::default_policy();
    all.push((idle, RunPhase::Idle, None));

    let mut updating = Pilot::default_policy();
    updating.event(Started, 0);
    all.push((updating, RunPhase::Updating, Some(secs(30))));

    let mut starting = Pilot::default_policy();
    starting.event(Started, 0);
    starting.answer(Outcome::Ok);
    all.push((starting, RunPhase::Starting, Some(secs(30))));

    let mut backing_off = Pilot::default_policy();
    backing_off.event(Started, 0);
    backing_off.answer(Outcome::Ok);
    backing_off.answer(Outcome::NotRunning);
    all.push((backing_off, RunPhase::Starting, Some(secs(30))));

    let mut confirming = Pilot::default_policy();
    confirming.started_and_accepted(0);
    all.push((confirming, RunPhase::Confirming, Some(secs(60))));

    let mut live = Pilot::default_policy();
    live.live(0);
    all.push((live, RunPhase::Live, None));

    let mut restarting = Pilot::default_policy();
    restarting.live(0);
    restarting.event(LiveStreamingStopped, 100);
    all.push((restarting, RunPhase::Restarting, Some(secs(10))));

    let mut gave_up = Pilot::default_policy();
    gave_up.event(Started, 0);
    gave_up.answer(Outcome::Permanent(Refusal::NotFound));
    all.push((gave_up, RunPhase::GaveUp, None));

    let mut ended = Pilot::default_policy();
    ended.live(0);
    ended.event(Ended, 100);
    all.push((ended, RunPhase::Ended, None));
    all
}

#[test]
fn every_phase_survives_the_round_trip_through_json() {
    for (pilot, phase, _) in pilots_in_every_phase() {
        let record = pilot.machine.to_record();
        assert_eq!(record.phase, phase);
        let json = serde_json::to_string(&record).unwrap();
        let back: Record = serde_json::from_str(&json).unwrap();
        assert_eq!(back, record, "{json}");
        let restored = Machine::from_record(Policy::default(), &back, at(5000));
        assert_eq!(restored.to_record(), record, "{json}");
        assert_eq!(restored.phase(), phase);
    }
}

#[test]
fn restored_timers_are_armed_for_their_full_length_from_the_new_clock() {
    // Another process's clock: its own origin, far from the first one's.
    let now = at(7);
    for (pilot, phase, wait) in pilots_in_every_phase() {
        let restored = Machine::from_record(Policy::default(), &pilot.machine.to_record(), now);
        let expected = wait.map(|wait| now.saturating_add(wait));
        assert_eq!(restored.next_wake(), expected, "{phase:?}");
    }
}

#[test]
fn a_restored_machine_takes_the_outcome_of_the_call_made_before() {
    let mut pilot = Pilot::default_policy();
    pilot.event(Started, 0);
    pilot.answer(Outcome::Ok);
    let start = pilot.call.unwrap();
    let mut restored = Machine::from_record(Policy::default(), &pilot.machine.to_record(), at(9));
    let decision = restored.on_outcome(start, Outcome::Ok, at(10));
    assert_eq!(said(decision), ("wait", "awaiting_confirmation"));
    assert_eq!(restored.next_wake(), Some(at(70)));
}

#[test]
fn a_restored_call_is_made_again_when_its_timer_fires_under_a_new_number() {
    let mut pilot = Pilot::default_policy();
    pilot.event(Started, 0);
    pilot.answer(Outcome::Ok);
    let old = pilot.call.unwrap();
    let mut restored = Machine::from_record(Policy::default(), &pilot.machine.to_record(), at(0));
    assert_eq!(said(restored.on_timer(at(29))), ("ignore", "not_due"));
    let decision = restored.on_timer(at(30));
    assert_eq!(said(decision), ("start", "retry"));
    assert!(decision.action.call().unwrap() > old);
    // The old call's outcome, arriving late, no longer counts.
    assert_eq!(
        said(restored.on_outcome(old, Outcome::Ok, at(31))),
        ("ignore", "unknown_call")
    );
}

#[test]
fn a_restored_machine_still_knows_what_it_has_seen_and_used() {
    let mut policy = Policy::default();
    policy.max_restarts = 1;
    let mut pilot = Pilot::new(policy.clone());
    pilot.live(0);
    pilot.event(LiveStreamingStopped, 100);
    pilot.wake();
    pilot.answer(Outcome::Ok);
    pilot.event(LiveStreamingStarted, 200);
    let mut restored = Machine::from_record(policy, &pilot.machine.to_record(), at(0));
    let event = |kind, ts| Event::new(kind, T0 + ts);
    let table = [
        (event(Started, 0), ("ignore", "duplicate_event")),
        (
            event(LiveStreamingStarted, 200),
            ("ignore", "duplicate_event"),
        ),
        (event(LiveStreamingStopped, 150), ("ignore", "stale_event")),
        (
            event(LiveStreamingStopped, 300),
            ("give_up", "restart_limit"),
        ),
    ];
    for (event, expected) in table {
        assert_eq!(said(restored.on_event(event, at(1))), expected, "{event:?}");
    }
}

#[test]
fn the_record_keeps_stable_field_names() {
    let mut pilot = Pilot::default_policy();
    pilot.live(0);
    let json = serde_json::to_value(pilot.machine.to_record()).unwrap();
    let expected = serde_json::json!({
        "started_ts": T0,
        "ended_ts": null,
        "last_stream_event": {"event_ts": T0 + 1, "kind": "live_streaming_started"},
        "phase": "live",
        "restarts": 0,
        "retried_unconfirmed": false,
        "confirmed": true,
        "call": null,
        "next_call": 2,
    });
    assert_eq!(json, expected);
    // Fields missing from an older record read as their defaults.
    let old: Record = serde_json::from_str(r#"{"started_ts": 5, "phase": "live"}"#).unwrap();
    assert_eq!(
        (old.started_ts, old.phase, old.restarts),
        (Some(5), RunPhase::Live, 0)
    );
}

#[test]
fn a_record_that_contradicts_itself_is_read_to_act_least() {
    let mut live_without_start = Record::default();
    live_without_start.phase = RunPhase::Live;
    let mut started_but_idle = Record::default();
    started_but_idle.started_ts = Some(10);
    let mut ended_but_starting = Record::default();
    ended_but_starting.started_ts = Some(10);
    ended_but_starting.ended_ts = Some(10);
    ended_but_starting.phase = RunPhase::Starting;
    ended_but_starting.call = Some(3);
    let mut webinar_confirming = Record::default();
    webinar_confirming.started_ts = Some(10);
    webinar_confirming.phase = RunPhase::Confirming;
    let mut no_confirmation = Policy::default();
    no_confirmation.confirm_timeout = None;
    let table = [
        (live_without_start, Policy::default(), RunPhase::Idle, None),
        (
            started_but_idle,
            Policy::default(),
            RunPhase::Confirming,
            Some(at(60)),
        ),
        (ended_but_starting, Policy::default(), RunPhase::Ended, None),
        (webinar_confirming, no_confirmation, RunPhase::Live, None),
    ];
    for (record, policy, phase, wake) in table {
        let machine = Machine::from_record(policy, &record, at(0));
        assert_eq!(machine.phase(), phase, "{record:?}");
        assert_eq!(machine.next_wake(), wake, "{record:?}");
        if !phase.in_run() {
            assert_eq!(machine.to_record().call, None, "{record:?}");
        }
    }
}
