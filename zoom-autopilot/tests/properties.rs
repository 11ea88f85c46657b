//! Properties over whole input sequences: what webhooks (late, twice, out of order), call
//! outcomes and a wandering clock can make the machine do.

use std::time::Duration;

use proptest::prelude::*;
use zoom_autopilot::{
    Action, CallId, Decision, Event, EventKind, Machine, Outcome, Policy, Record, Refusal, RunPhase,
};
use zoom_core::Timestamp;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// What the machine asked for, counted.
#[derive(Debug, Default)]
struct Calls {
    starts: usize,
    calls_after_end: usize,
}

/// Carries out `decision` with every call answered `Ok` at once, counting the calls.
fn answer_ok(
    machine: &mut Machine,
    mut decision: Decision,
    now: Timestamp,
    calls: &mut Calls,
    ended: bool,
) {
    while let Some(call) = decision.action.call() {
        if matches!(decision.action, Action::Start { .. }) {
            calls.starts += 1;
        }
        if ended {
            calls.calls_after_end += 1;
        }
        decision = machine.on_outcome(call, Outcome::Ok, now);
    }
}

/// A meeting run's events: a start at `s`, an end at `e > s`, live-stream events strictly
/// between, each delivered one to three times, in any order.
fn shuffled_run() -> impl Strategy<Value = (Vec<Event>, u64)> {
    (0u64..=u64::MAX - 1_000_000, 2u64..1_000_000)
        .prop_flat_map(|(s, gap)| {
            let e = s + gap;
            let stream = (any::<bool>(), 1..gap).prop_map(move |(live, offset)| {
                let kind = if live {
                    EventKind::LiveStreamingStarted
                } else {
                    EventKind::LiveStreamingStopped
                };
                Event::new(kind, s + offset)
            });
            let events = proptest::collection::vec(stream, 0..8).prop_map(move |mut events| {
                events.push(Event::new(EventKind::Started, s));
                events.push(Event::new(EventKind::Ended, e));
                events
            });
            (events, proptest::collection::vec(1usize..=3, 10), Just(e))
        })
        .prop_map(|(events, copies, e)| {
            let delivered: Vec<Event> = events
                .iter()
                .enumerate()
                .flat_map(|(i, event)| std::iter::repeat_n(*event, copies[i % copies.len()]))
                .collect();
            (delivered, e)
        })
        .prop_flat_map(|(delivered, e)| (Just(delivered).prop_shuffle(), Just(e)))
}

fn policy() -> impl Strategy<Value = Policy> {
    (any::<bool>(), any::<bool>()).prop_map(|(update_first, confirm)| {
        let mut policy = Policy::default();
        policy.update_first = update_first;
        if !confirm {
            policy.confirm_timeout = None;
        }
        policy
    })
}

proptest! {
    #![proptest_config(config(512))]

    /// Whatever the order and the redeliveries, with every call accepted at once and no
    /// time passing: at most one start for the one meeting start, and nothing sent once the
    /// end has been taken.
    #[test]
    fn one_start_per_meeting_start_and_nothing_after_the_end(
        (events, end_ts) in shuffled_run(),
        policy in policy(),
    ) {
        let now = Timestamp::from_origin(Duration::from_secs(1000));
        let mut machine = Machine::new(policy);
        let mut calls = Calls::default();
        let mut ended = false;
        for event in events {
            let decision = machine.on_event(event, now);
            answer_ok(&mut machine, decision, now, &mut calls, ended);
            ended |= event == Event::new(EventKind::Ended, end_ts);
            let decision = machine.on_timer(now);
            prop_assert_eq!(decision.reason.as_str(), if ended { "run_ended" } else { "not_due" });
            answer_ok(&mut machine, decision, now, &mut calls, ended);
        }
        prop_assert!(calls.starts <= 1, "{} starts", calls.starts);
        prop_assert_eq!(calls.calls_after_end, 0);
        prop_assert_eq!(machine.phase(), RunPhase::Ended);
        prop_assert_eq!(machine.next_wake(), None);
    }
}

/// One input to the machine.
#[derive(Debug, Clone)]
enum Input {
    Event(EventKind, u64),
    /// The outcome of the `n`-th newest call asked for (0: the last one).
    Outcome(usize, Outcome),
    Timer,
    /// Move the clock to this point (backwards too).
    Clock(Duration),
    /// Rebuild the machine from its record, as another replica would.
    Restore,
}

fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        Just(Duration::ZERO),
        Just(Duration::MAX),
        (0u64..200_000).prop_map(Duration::from_millis),
        any::<u64>().prop_map(Duration::from_secs),
        (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
    ]
}

fn event_ts() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0),
        Just(u64::MAX),
        Just(u64::MAX - 1),
        0u64..20,
        any::<u64>()
    ]
}

fn outcome() -> impl Strategy<Value = Outcome> {
    let refusal = prop_oneof![
        Just(Refusal::Auth),
        Just(Refusal::NotFound),
        Just(Refusal::NotConfigured),
        Just(Refusal::DailyLimit),
        Just(Refusal::InvalidInput),
        Just(Refusal::Rejected),
    ];
    prop_oneof![
        Just(Outcome::Ok),
        Just(Outcome::NotRunning),
        Just(Outcome::Transient),
        proptest::option::of(duration())
            .prop_map(|retry_after| Outcome::RateLimited { retry_after }),
        refusal.prop_map(Outcome::Permanent),
    ]
}

fn input() -> impl Strategy<Value = Input> {
    let kind = prop_oneof![
        Just(EventKind::Started),
        Just(EventKind::Ended),
        Just(EventKind::LiveStreamingStarted),
        Just(EventKind::LiveStreamingStopped),
    ];
    prop_oneof![
        3 => (kind, event_ts()).prop_map(|(kind, ts)| Input::Event(kind, ts)),
        3 => (0usize..3, outcome()).prop_map(|(n, outcome)| Input::Outcome(n, outcome)),
        2 => Just(Input::Timer),
        2 => duration().prop_map(Input::Clock),
        1 => Just(Input::Restore),
    ]
}

fn any_policy() -> impl Strategy<Value = Policy> {
    (
        any::<bool>(),
        duration(),
        duration(),
        duration(),
        duration(),
        proptest::option::of(duration()),
        duration(),
        any::<u32>(),
    )
        .prop_map(
            |(update_first, first, max, budget, wait, confirm, restart, restarts)| {
                let mut policy = Policy::default();
                policy.update_first = update_first;
                policy.first_backoff = first;
                policy.max_backoff = max;
                policy.retry_budget = budget;
                policy.rate_limit_wait = wait;
                policy.confirm_timeout = confirm;
                policy.restart_delay = restart;
                policy.max_restarts = restarts % 8;
                policy
            },
        )
}

/// What must hold after every decision.
fn check(machine: &Machine, decision: Decision) -> Result<(), TestCaseError> {
    match decision.action {
        Action::Wait { until } => prop_assert_eq!(machine.next_wake(), Some(until)),
        Action::Update { .. } | Action::Start { .. } | Action::GiveUp => {
            prop_assert_eq!(machine.next_wake(), None);
        }
        Action::Ignore => {}
    }
    if decision.action == Action::GiveUp {
        prop_assert_eq!(machine.phase(), RunPhase::GaveUp);
    }
    if !machine.phase().in_run() || machine.phase() == RunPhase::GaveUp {
        prop_assert_eq!(machine.next_wake(), None);
    }
    // Every reachable state survives the record's round trip.
    let record = machine.to_record();
    let json = serde_json::to_string(&record).unwrap();
    let back: Record = serde_json::from_str(&json).unwrap();
    prop_assert_eq!(&back, &record);
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    /// No input sequence panics: any events (timestamps 0 and u64::MAX included), any
    /// outcomes for current and old calls, any `Retry-After`, a clock that jumps anywhere
    /// (backwards too), restores from the record, any policy.
    #[test]
    fn no_input_sequence_panics(
        policy in any_policy(),
        inputs in proptest::collection::vec(input(), 0..60),
    ) {
        let mut machine = Machine::new(policy.clone());
        let mut now = Timestamp::ORIGIN;
        let mut calls: Vec<CallId> = Vec::new();
        for input in inputs {
            let decision = match input {
                Input::Event(kind, ts) => machine.on_event(Event::new(kind, ts), now),
                Input::Outcome(n, outcome) => match calls.iter().rev().nth(n) {
                    Some(&call) => machine.on_outcome(call, outcome, now),
                    None => continue,
                },
                Input::Timer => machine.on_timer(now),
                Input::Clock(to) => {
                    now = Timestamp::from_origin(to);
                    continue;
                }
                Input::Restore => {
                    machine = Machine::from_record(policy.clone(), &machine.to_record(), now);
                    continue;
                }
            };
            if let Some(call) = decision.action.call() {
                calls.push(call);
            }
            check(&machine, decision)?;
        }
    }

    /// Any record, however inconsistent, restores without panicking into a machine that
    /// acts only inside a run it knows the start of.
    #[test]
    fn any_record_restores(
        started_ts in proptest::option::of(event_ts()),
        ended_ts in proptest::option::of(event_ts()),
        phase in 0usize..8,
        restarts in any::<u32>(),
        call in proptest::option::of(any::<u64>()),
        next_call in any::<u64>(),
        now in duration(),
        policy in any_policy(),
    ) {
        let phases = [
            RunPhase::Idle, RunPhase::Updating, RunPhase::Starting, RunPhase::Confirming,
            RunPhase::Live, RunPhase::Restarting, RunPhase::GaveUp, RunPhase::Ended,
        ];
        let mut record = Record::default();
        record.started_ts = started_ts;
        record.ended_ts = ended_ts;
        record.phase = phases[phase];
        record.restarts = restarts;
        record.call = call;
        record.next_call = next_call;
        let now = Timestamp::from_origin(now);
        let mut machine = Machine::from_record(policy, &record, now);
        if machine.phase().in_run() {
            prop_assert!(machine.to_record().started_ts.is_some());
        } else {
            prop_assert_eq!(machine.next_wake(), None);
        }
        if let Some(wake) = machine.next_wake() {
            prop_assert!(wake >= now);
            let decision = machine.on_timer(wake);
            check(&machine, decision)?;
        }
    }
}
