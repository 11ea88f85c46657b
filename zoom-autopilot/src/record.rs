//! The part of a machine that replicas share: what it has seen and where the run stands,
//! without the timers (a monotonic [`Timestamp`] means nothing in another process).

use serde::{Deserialize, Serialize};
use zoom_core::Timestamp;

use crate::decision::CallId;
use crate::event::Event;
use crate::machine::Machine;
use crate::phase::RunPhase;
use crate::policy::{Policy, START_RATE_WINDOW};

/// A machine's shareable state: what the replicas of a webhook endpoint keep per target in
/// a shared store, so that whichever replica hears an event next knows what was seen.
/// Missing fields read as their defaults, so older records stay readable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Record {
    /// `event_ts` of the `Started` that began the current (or last) run.
    pub started_ts: Option<u64>,
    /// `event_ts` of the newest `Ended` taken.
    pub ended_ts: Option<u64>,
    /// The newest live-stream event seen.
    pub last_stream_event: Option<Event>,
    /// Where the run stands.
    pub phase: RunPhase,
    /// Restarts used in this run.
    pub restarts: u32,
    /// Whether the one more start after no confirmation was made in this attempt.
    pub retried_unconfirmed: bool,
    /// Whether Zoom confirmed the stream live at least once in this run.
    pub confirmed: bool,
    /// The call whose outcome was awaited, if any.
    pub call: Option<u64>,
    /// The number of the next call.
    pub next_call: u64,
}

impl Machine {
    /// The shareable state (everything but the timers).
    pub fn to_record(&self) -> Record {
        Record {
            started_ts: self.started,
            ended_ts: self.ended,
            last_stream_event: self.stream,
            phase: self.phase,
            restarts: self.restarts,
            retried_unconfirmed: self.retried_unconfirmed,
            confirmed: self.confirmed,
            call: self.call.map(CallId::get),
            next_call: self.next_call,
        }
    }

    /// A machine from a shared record, its timers armed again from `now`, conservatively:
    /// each for its full length, since the record does not say how much of it has passed.
    /// So a process acting for a target keeps its machine and writes the record for the
    /// others; it restores only to take a target over.
    ///
    /// - Updating, starting: the call may still be on its way elsewhere; its outcome is
    ///   still taken if it comes here, and after [`START_RATE_WINDOW`] without one the call
    ///   is made again (so a repeated start never meets Zoom's 30 s refusal).
    /// - Confirming: the full confirmation timeout again. Restarting: the full restart delay.
    /// - Each attempt gets a fresh retry budget.
    ///
    /// A record that contradicts itself (a run phase with no start seen, a start with no
    /// phase) is read in the way that acts least: no run without a start; a run of unknown
    /// phase as awaiting confirmation.
    pub fn from_record(policy: Policy, record: &Record, now: Timestamp) -> Self {
        let mut machine = Machine::new(policy);
        machine.started = record.started_ts;
        machine.ended = record.ended_ts;
        machine.stream = record.last_stream_event;
        machine.restarts = record.restarts;
        machine.retried_unconfirmed = record.retried_unconfirmed;
        machine.confirmed = record.confirmed;
        machine.next_call = record.next_call;
        let run_on = match (record.started_ts, record.ended_ts) {
            (Some(s), Some(e)) => s > e,
            (Some(_), None) => true,
            (None, _) => false,
        };
        machine.phase = match (run_on, record.phase) {
            (false, _) if record.ended_ts.is_some() => RunPhase::Ended,
            (false, _) => RunPhase::Idle,
            (true, RunPhase::Idle | RunPhase::Ended) => RunPhase::Confirming,
            (true, phase) => phase,
        };
        if !machine.phase.in_run() {
            return machine;
        }
        machine.new_attempt(now);
        let policy = machine.policy.clone();
        let wait = match machine.phase {
            RunPhase::Updating | RunPhase::Starting => {
                machine.call = record.call.map(CallId);
                if let Some(call) = record.call {
                    machine.next_call = machine.next_call.max(call.saturating_add(1));
                }
                Some(START_RATE_WINDOW.max(policy.first_backoff))
            }
            RunPhase::Confirming if policy.confirm_timeout.is_none() => {
                machine.phase = RunPhase::Live;
                None
            }
            RunPhase::Confirming => policy.confirm_timeout,
            RunPhase::Restarting => Some(policy.restart_delay),
            _ => None,
        };
        machine.timer = wait.map(|wait| now.saturating_add(wait));
        machine
    }
}
