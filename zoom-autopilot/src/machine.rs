//! The decision machine for one target: events, call outcomes and the clock in, one
//! [`Decision`] out per input. It never sleeps, sends or stores anything.

use std::time::Duration;

use zoom_core::Timestamp;

use crate::decision::{Action, CallId, Decision, Reason};
use crate::event::{Event, EventKind};
use crate::outcome::Outcome;
use crate::phase::RunPhase;
use crate::policy::Policy;

/// Which call the machine is making (or will repeat).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallKind {
    Update,
    Start,
}

/// The autopilot of one target (a meeting, webinar or session): feed it every event, the
/// outcome of every call it asks for, and timer calls at [`Machine::next_wake`]; carry out
/// each [`Decision`]'s action. See the [crate documentation](crate) for a driver loop.
///
/// Each input takes `now` from the driver's monotonic clock; a clock that goes back is
/// harmless (a timer is simply not due yet). No input panics.
#[derive(Debug, Clone)]
pub struct Machine {
    pub(crate) policy: Policy,
    /// The newest `event_ts` of a `Started` that began a run.
    pub(crate) started: Option<u64>,
    /// The newest `event_ts` of an `Ended` taken.
    pub(crate) ended: Option<u64>,
    /// The newest live-stream event seen.
    pub(crate) stream: Option<Event>,
    pub(crate) phase: RunPhase,
    /// Restarts after a drop in this run.
    pub(crate) restarts: u32,
    /// Whether the one more start after no confirmation was made in this attempt.
    pub(crate) retried_unconfirmed: bool,
    /// Whether Zoom confirmed the stream live at least once in this run.
    pub(crate) confirmed: bool,
    pub(crate) next_call: u64,
    /// The call whose outcome is awaited.
    pub(crate) call: Option<CallId>,
    /// When [`Machine::on_timer`] has something to do.
    pub(crate) timer: Option<Timestamp>,
    /// No repetition of the current attempt is scheduled past this.
    pub(crate) budget_end: Timestamp,
    /// The wait before the next repetition.
    pub(crate) backoff: Duration,
}

impl Machine {
    /// A machine that has seen nothing yet, with `policy` (clamped, see [`Policy::clamped`]).
    pub fn new(policy: Policy) -> Self {
        let policy = policy.clamped();
        Self {
            backoff: policy.first_backoff,
            policy,
            started: None,
            ended: None,
            stream: None,
            phase: RunPhase::Idle,
            restarts: 0,
            retried_unconfirmed: false,
            confirmed: false,
            next_call: 0,
            call: None,
            timer: None,
            budget_end: Timestamp::ORIGIN,
        }
    }

    /// The policy in use (clamped).
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Where the current meeting run stands.
    pub fn phase(&self) -> RunPhase {
        self.phase
    }

    /// When to call [`Machine::on_timer`] next, if anything is scheduled. The driver sleeps
    /// until then (or until an event or an outcome comes, whichever is first).
    pub fn next_wake(&self) -> Option<Timestamp> {
        self.timer
    }

    /// An event about the target. Events are taken in `event_ts` order whatever order they
    /// arrive in: a redelivered or older event changes nothing.
    pub fn on_event(&mut self, event: Event, now: Timestamp) -> Decision {
        match event.kind {
            EventKind::Started => self.run_started(event.event_ts, now),
            EventKind::Ended => self.run_ended(event.event_ts),
            EventKind::LiveStreamingStarted | EventKind::LiveStreamingStopped => {
                self.stream_event(event, now)
            }
        }
    }

    /// The outcome of `call`, which an [`Action::Update`] or [`Action::Start`] named.
    pub fn on_outcome(&mut self, call: CallId, outcome: Outcome, now: Timestamp) -> Decision {
        if self.call != Some(call) {
            return Decision::ignore(match self.phase {
                RunPhase::Ended => Reason::RunEnded,
                RunPhase::GaveUp => Reason::GivenUp,
                _ => Reason::UnknownCall,
            });
        }
        self.call = None;
        let kind = match self.phase {
            RunPhase::Updating => CallKind::Update,
            RunPhase::Starting => CallKind::Start,
            // Confirmed while the start was on its way.
            RunPhase::Live => return Decision::ignore(Reason::Confirmed),
            RunPhase::Restarting => return Decision::ignore(Reason::InProgress),
            _ => return Decision::ignore(Reason::UnknownCall),
        };
        self.timer = None;
        match outcome {
            Outcome::Ok => self.succeeded(kind, now),
            Outcome::NotRunning => self.repeat_later(Reason::NotRunningYet, now),
            Outcome::Transient => self.repeat_later(Reason::TransientFailure, now),
            Outcome::RateLimited { retry_after } => {
                let wait = retry_after.unwrap_or(self.policy.rate_limit_wait);
                let until = now.saturating_add(wait);
                if until > self.budget_end {
                    return self.give_up(Reason::RateLimited);
                }
                self.wait(until, Reason::RateLimited)
            }
            Outcome::Permanent(refusal) => self.give_up(refusal.reason()),
        }
    }

    /// The driver's timer: call it at (or after) [`Machine::next_wake`]. Called early, or
    /// with nothing scheduled, it does nothing.
    pub fn on_timer(&mut self, now: Timestamp) -> Decision {
        let due = self.timer.is_some_and(|at| now >= at);
        if !due {
            return Decision::ignore(match self.phase {
                RunPhase::Ended => Reason::RunEnded,
                RunPhase::GaveUp => Reason::GivenUp,
                _ => Reason::NotDue,
            });
        }
        self.timer = None;
        match self.phase {
            RunPhase::Updating => self.call(CallKind::Update, Reason::Retry),
            RunPhase::Starting => self.call(CallKind::Start, Reason::Retry),
            RunPhase::Confirming if self.retried_unconfirmed => self.give_up(Reason::Unconfirmed),
            RunPhase::Confirming => {
                self.retried_unconfirmed = true;
                self.new_attempt(now);
                self.call(CallKind::Start, Reason::Unconfirmed)
            }
            RunPhase::Restarting => {
                self.restarts = self.restarts.saturating_add(1);
                self.retried_unconfirmed = false;
                self.new_attempt(now);
                self.call(CallKind::Start, Reason::Restart)
            }
            _ => Decision::ignore(Reason::NotDue),
        }
    }

    fn run_started(&mut self, ts: u64, now: Timestamp) -> Decision {
        if self.started == Some(ts) {
            return Decision::ignore(Reason::DuplicateEvent);
        }
        // Older than the run already begun, or than an end already seen (an end at the same
        // millisecond comes after the start).
        if self.started.is_some_and(|s| s > ts) || self.ended.is_some_and(|e| e >= ts) {
            return Decision::ignore(Reason::StaleEvent);
        }
        self.started = Some(ts);
        self.restarts = 0;
        self.retried_unconfirmed = false;
        self.confirmed = false;
        self.call = None;
        self.timer = None;
        let start = Event::new(EventKind::Started, ts);
        let live = self
            .stream
            .is_some_and(|e| e > start && e.kind == EventKind::LiveStreamingStarted);
        if live {
            // Zoom's confirmation overtook the start event: the stream is already live.
            self.phase = RunPhase::Live;
            self.confirmed = true;
            return Decision::ignore(Reason::Confirmed);
        }
        self.new_attempt(now);
        let kind = if self.policy.update_first {
            CallKind::Update
        } else {
            CallKind::Start
        };
        self.call(kind, Reason::RunStarted)
    }

    fn run_ended(&mut self, ts: u64) -> Decision {
        if self.ended == Some(ts) {
            return Decision::ignore(Reason::DuplicateEvent);
        }
        if self.ended.is_some_and(|e| e > ts) || self.started.is_some_and(|s| s > ts) {
            return Decision::ignore(Reason::StaleEvent);
        }
        self.ended = Some(ts);
        self.phase = RunPhase::Ended;
        self.call = None;
        self.timer = None;
        Decision::ignore(Reason::RunEnded)
    }

    fn stream_event(&mut self, event: Event, now: Timestamp) -> Decision {
        if self.stream == Some(event) {
            return Decision::ignore(Reason::DuplicateEvent);
        }
        if self.stream.is_some_and(|last| last > event) {
            return Decision::ignore(Reason::StaleEvent);
        }
        // Kept even outside a run: a confirmation may overtake its meeting's start.
        self.stream = Some(event);
        let after_start = self
            .started
            .is_some_and(|s| Event::new(EventKind::Started, s) < event);
        match self.phase {
            RunPhase::Idle => Decision::ignore(Reason::NoRun),
            RunPhase::Ended => Decision::ignore(Reason::RunEnded),
            _ if !after_start => Decision::ignore(Reason::StaleEvent),
            RunPhase::GaveUp => Decision::ignore(Reason::GivenUp),
            _ if event.kind == EventKind::LiveStreamingStarted => {
                // Any call still on its way is answered `confirmed` when its outcome comes.
                self.phase = RunPhase::Live;
                self.confirmed = true;
                self.timer = None;
                Decision::ignore(Reason::Confirmed)
            }
            RunPhase::Live | RunPhase::Confirming => self.dropped(now),
            _ => Decision::ignore(Reason::InProgress),
        }
    }

    /// The stream stopped after it was up (or accepted): restart after the delay, unless
    /// the run's restarts are spent.
    fn dropped(&mut self, now: Timestamp) -> Decision {
        if self.restarts >= self.policy.max_restarts {
            return self.give_up(Reason::RestartLimit);
        }
        self.phase = RunPhase::Restarting;
        self.wait(
            now.saturating_add(self.policy.restart_delay),
            Reason::StreamDropped,
        )
    }

    fn succeeded(&mut self, kind: CallKind, now: Timestamp) -> Decision {
        match (kind, self.policy.confirm_timeout) {
            (CallKind::Update, _) => {
                self.backoff = self.policy.first_backoff;
                self.call(CallKind::Start, Reason::SettingsUpdated)
            }
            (CallKind::Start, Some(timeout)) => {
                self.phase = RunPhase::Confirming;
                self.wait(now.saturating_add(timeout), Reason::AwaitingConfirmation)
            }
            (CallKind::Start, None) => {
                self.phase = RunPhase::Live;
                Decision::ignore(Reason::StartAccepted)
            }
        }
    }

    /// Repeats the failed call after the backoff, never past the budget; gives up once the
    /// budget is spent.
    fn repeat_later(&mut self, reason: Reason, now: Timestamp) -> Decision {
        if now >= self.budget_end {
            return self.give_up(reason);
        }
        let until = now.saturating_add(self.backoff).min(self.budget_end);
        self.backoff = self.backoff.saturating_mul(2).min(self.policy.max_backoff);
        self.wait(until, reason)
    }

    /// A new attempt to get the stream up: a fresh budget and backoff.
    pub(crate) fn new_attempt(&mut self, now: Timestamp) {
        self.budget_end = now.saturating_add(self.policy.retry_budget);
        self.backoff = self.policy.first_backoff;
    }

    fn call(&mut self, kind: CallKind, reason: Reason) -> Decision {
        let call = CallId(self.next_call);
        self.next_call = self.next_call.wrapping_add(1);
        self.call = Some(call);
        self.timer = None;
        let action = match kind {
            CallKind::Update => {
                self.phase = RunPhase::Updating;
                Action::Update { call }
            }
            CallKind::Start => {
                self.phase = RunPhase::Starting;
                Action::Start { call }
            }
        };
        Decision::new(action, reason)
    }

    fn wait(&mut self, until: Timestamp, reason: Reason) -> Decision {
        self.timer = Some(until);
        Decision::new(Action::Wait { until }, reason)
    }

    fn give_up(&mut self, reason: Reason) -> Decision {
        self.phase = RunPhase::GaveUp;
        self.call = None;
        self.timer = None;
        Decision::new(Action::GiveUp, reason)
    }
}
