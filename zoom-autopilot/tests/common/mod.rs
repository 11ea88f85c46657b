//! A test driver: the machine, a hand-moved clock, and the last call it asked for.

#![allow(dead_code, unreachable_pub)]

use std::time::Duration;

use zoom_autopilot::{CallId, Decision, Event, EventKind, Machine, Outcome, Policy};
use zoom_core::Timestamp;

/// Zoom's `event_ts` of the meeting start in most tests (milliseconds).
pub const T0: u64 = 1_732_615_200_000;

/// `secs` seconds after the clock's origin.
pub fn at(secs: u64) -> Timestamp {
    Timestamp::from_origin(Duration::from_secs(secs))
}

/// A decision as its two names, `(action, reason)`.
pub fn said(decision: Decision) -> (&'static str, &'static str) {
    (decision.action.as_str(), decision.reason.as_str())
}

/// The machine under test, its clock, and the call to answer next.
#[derive(Debug)]
pub struct Pilot {
    pub machine: Machine,
    pub now: Timestamp,
    pub call: Option<CallId>,
}

impl Pilot {
    pub fn new(policy: Policy) -> Self {
        Self {
            machine: Machine::new(policy),
            now: Timestamp::ORIGIN,
            call: None,
        }
    }

    pub fn default_policy() -> Self {
        Self::new(Policy::default())
    }

    fn note(&mut self, decision: Decision) -> Decision {
        if let Some(call) = decision.action.call() {
            self.call = Some(call);
        }
        decision
    }

    /// Feeds the event of `kind` at `ts` milliseconds after [`T0`].
    pub fn event(&mut self, kind: EventKind, ts: u64) -> Decision {
        let decision = self
            .machine
            .on_event(Event::new(kind, T0.saturating_add(ts)), self.now);
        self.note(decision)
    }

    /// Answers the last call asked for.
    pub fn answer(&mut self, outcome: Outcome) -> Decision {
        let call = self.call.expect("a call was asked for");
        let decision = self.machine.on_outcome(call, outcome, self.now);
        self.note(decision)
    }

    /// Moves the clock on (no timer call).
    pub fn advance(&mut self, by: Duration) {
        self.now = self.now.saturating_add(by);
    }

    /// Moves the clock to the next wake and calls the timer.
    pub fn wake(&mut self) -> Decision {
        self.now = self.machine.next_wake().expect("a timer is armed");
        let decision = self.machine.on_timer(self.now);
        self.note(decision)
    }

    /// Calls the timer now, without moving the clock.
    pub fn tick(&mut self) -> Decision {
        let decision = self.machine.on_timer(self.now);
        self.note(decision)
    }

    /// How long the machine waits from now, if it waits.
    pub fn waits(&self) -> Option<Duration> {
        self.machine
            .next_wake()
            .map(|wake| wake.saturating_duration_since(self.now))
    }

    /// A meeting start at `ts`, its update and start accepted: waiting for confirmation.
    pub fn started_and_accepted(&mut self, ts: u64) {
        assert_eq!(
            said(self.event(EventKind::Started, ts)),
            ("update", "run_started")
        );
        assert_eq!(
            said(self.answer(Outcome::Ok)),
            ("start", "settings_updated")
        );
        assert_eq!(
            said(self.answer(Outcome::Ok)),
            ("wait", "awaiting_confirmation")
        );
    }

    /// As [`Pilot::started_and_accepted`], then confirmed at `ts + 1`.
    pub fn live(&mut self, ts: u64) {
        self.started_and_accepted(ts);
        assert_eq!(
            said(self.event(EventKind::LiveStreamingStarted, ts + 1)),
            ("ignore", "confirmed")
        );
    }
}
