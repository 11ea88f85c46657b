//! What the machine answers to every input: an [`Action`] for the driver and a
//! low-cardinality [`Reason`] for its logs and metrics.

use std::fmt;

use zoom_core::Timestamp;

/// Names one API call the machine asked for, so that its outcome finds its way back: hand it
/// to [`Machine::on_outcome`](crate::Machine::on_outcome) with the outcome. An outcome for a
/// call the machine no longer waits for (the meeting ended, a newer call replaced it) is
/// ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CallId(pub(crate) u64);

impl CallId {
    /// The number (unique per target, kept in the [`Record`](crate::Record)).
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// What the driver does now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[must_use = "an action is an instruction to the driver"]
pub enum Action {
    /// Apply the target's stream settings (`PATCH …/livestream`), then report the outcome of
    /// `call`.
    Update {
        /// The call to name in the outcome.
        call: CallId,
    },
    /// Start the stream (`PATCH …/livestream/status` with `action: start`), then report the
    /// outcome of `call`.
    Start {
        /// The call to name in the outcome.
        call: CallId,
    },
    /// Nothing to send now; call [`Machine::on_timer`](crate::Machine::on_timer) at `until`
    /// (the same as [`Machine::next_wake`](crate::Machine::next_wake)) unless an event comes
    /// first.
    Wait {
        /// When to call back.
        until: Timestamp,
    },
    /// Nothing to do.
    Ignore,
    /// The machine stops acting for this meeting run: the reason says why. A newer start of
    /// the meeting begins afresh.
    GiveUp,
}

impl Action {
    /// A stable name: `update`, `start`, `wait`, `ignore` or `give_up`.
    ///
    /// ```
    /// use zoom_autopilot::Action;
    ///
    /// assert_eq!(Action::GiveUp.as_str(), "give_up");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Update { .. } => "update",
            Action::Start { .. } => "start",
            Action::Wait { .. } => "wait",
            Action::Ignore => "ignore",
            Action::GiveUp => "give_up",
        }
    }

    /// The call to report an outcome for, for [`Action::Update`] and [`Action::Start`].
    pub const fn call(self) -> Option<CallId> {
        match self {
            Action::Update { call } | Action::Start { call } => Some(call),
            _ => None,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why the machine decided what it did: a small fixed set, fit for a metric label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// A new run of the target began (`meeting.started`, `webinar.started` or
    /// `session.started`): apply the settings or start.
    RunStarted,
    /// The settings were applied: start.
    SettingsUpdated,
    /// A wait after a failed call is over: the same call again.
    Retry,
    /// The delay after a dropped stream is over: start again.
    Restart,
    /// Zoom accepted the start: wait for its confirmation (`live_streaming_started`).
    AwaitingConfirmation,
    /// Zoom accepted the start, and no confirmation is expected (see
    /// [`Policy::confirm_timeout`](crate::Policy::confirm_timeout)): taken as live.
    StartAccepted,
    /// Zoom confirmed the stream live (or it already had).
    Confirmed,
    /// No confirmation came in time: one more start, or give up after it.
    Unconfirmed,
    /// The meeting is not running yet (400 "has not started"): wait and start again, or
    /// give up when the retry budget is spent.
    NotRunningYet,
    /// Zoom answered 429: wait for its `Retry-After`, or give up if that is past the budget.
    RateLimited,
    /// A network failure or a 5xx: wait and repeat, or give up when the budget is spent.
    TransientFailure,
    /// Credentials or scopes refused (401, 403, missing scopes, no token).
    AuthRefused,
    /// The meeting, webinar or user does not exist (404, code 3001, 1001).
    NotFound,
    /// No custom streaming service configured, or live streaming not enabled.
    NotConfigured,
    /// The account's daily rate limit is spent.
    DailyLimit,
    /// The request was rejected before it was sent (the driver's settings failed checks).
    InvalidInput,
    /// Any other refusal (400, 409, …): repeating would not help.
    Rejected,
    /// The stream stopped while the meeting runs, and nobody asked: restart after a delay.
    StreamDropped,
    /// The stream dropped more often than the policy restarts it in one run.
    RestartLimit,
    /// The stream event changes nothing: the machine is already getting the stream up.
    InProgress,
    /// The target ended (`meeting.ended`, `webinar.ended`, `session.ended`): nothing more
    /// to do for this run.
    RunEnded,
    /// The event is older than what the machine has already seen.
    StaleEvent,
    /// The event was already seen (same kind, same `event_ts`).
    DuplicateEvent,
    /// A stream event while no meeting run is known.
    NoRun,
    /// The machine gave up on this run earlier.
    GivenUp,
    /// An outcome for a call the machine does not wait for.
    UnknownCall,
    /// A timer call before anything is due.
    NotDue,
}

impl Reason {
    /// A stable snake_case name, e.g. `run_started`, `not_running_yet`, `restart_limit`.
    ///
    /// ```
    /// use zoom_autopilot::Reason;
    ///
    /// assert_eq!(Reason::NotRunningYet.as_str(), "not_running_yet");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::RunStarted => "run_started",
            Reason::SettingsUpdated => "settings_updated",
            Reason::Retry => "retry",
            Reason::Restart => "restart",
            Reason::AwaitingConfirmation => "awaiting_confirmation",
            Reason::StartAccepted => "start_accepted",
            Reason::Confirmed => "confirmed",
            Reason::Unconfirmed => "unconfirmed",
            Reason::NotRunningYet => "not_running_yet",
            Reason::RateLimited => "rate_limited",
            Reason::TransientFailure => "transient_failure",
            Reason::AuthRefused => "auth_refused",
            Reason::NotFound => "not_found",
            Reason::NotConfigured => "not_configured",
            Reason::DailyLimit => "daily_limit",
            Reason::InvalidInput => "invalid_input",
            Reason::Rejected => "rejected",
            Reason::StreamDropped => "stream_dropped",
            Reason::RestartLimit => "restart_limit",
            Reason::InProgress => "in_progress",
            Reason::RunEnded => "run_ended",
            Reason::StaleEvent => "stale_event",
            Reason::DuplicateEvent => "duplicate_event",
            Reason::NoRun => "no_run",
            Reason::GivenUp => "given_up",
            Reason::UnknownCall => "unknown_call",
            Reason::NotDue => "not_due",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The machine's answer to one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[must_use = "a decision is an instruction to the driver"]
pub struct Decision {
    /// What to do.
    pub action: Action,
    /// Why.
    pub reason: Reason,
}

impl Decision {
    pub(crate) const fn new(action: Action, reason: Reason) -> Self {
        Self { action, reason }
    }

    pub(crate) const fn ignore(reason: Reason) -> Self {
        Self::new(Action::Ignore, reason)
    }
}
