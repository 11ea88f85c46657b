//! [`DecisionRecord`]: what the driver tells the outside world once per decision (the tool
//! prints it as one JSON line), and the [`Trigger`] that led to it.

use std::fmt;
use std::time::Duration;

use serde::{Serialize, Serializer};
use serde_json::{Value, json};
use zoom_autopilot::{Action, Outcome, Reason, RunPhase};
use zoom_webhook::Target;

/// Which API call an outcome is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallKind {
    /// Applying the stream settings (`PATCH …/livestream`).
    Update,
    /// Starting the stream (`PATCH …/livestream/status`).
    Start,
}

impl CallKind {
    /// `update` or `start`.
    pub const fn as_str(self) -> &'static str {
        match self {
            CallKind::Update => "update",
            CallKind::Start => "start",
        }
    }
}

/// What the machine was answering when it decided.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Trigger {
    /// A webhook event about the target.
    Event {
        /// Zoom's name for it, e.g. `meeting.started`.
        name: String,
        /// Its `event_ts`, in Unix milliseconds.
        event_ts: u64,
    },
    /// A wait the machine asked for ended.
    Timer,
    /// An update or a start came back.
    Outcome {
        /// Which call.
        call: CallKind,
        /// What came of it.
        outcome: Outcome,
    },
}

/// One decision of the autopilot about one target, for logs, metrics and the tool's
/// output. It holds no secret (never the stream key).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecisionRecord {
    /// The meeting or webinar.
    pub target: Target,
    /// What the machine was answering.
    pub trigger: Trigger,
    /// What it decided.
    pub action: Action,
    /// Why.
    pub reason: Reason,
    /// Where the run stands after it.
    pub phase: RunPhase,
    /// For [`Action::Wait`]: how long, from the decision.
    pub wait: Option<Duration>,
}

/// The line as written: fields in this order, empty ones left out.
#[derive(Serialize)]
struct Line<'a> {
    target: Value,
    event: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_ts: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    call: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<&'static str>,
    action: &'static str,
    reason: &'static str,
    phase: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    wait_ms: Option<u64>,
}

impl DecisionRecord {
    /// The record as one JSON object, the tool's output line:
    /// `{"target": {"meeting": 85746065432}, "event": "meeting.started", "event_ts": …,
    /// "action": "update", "reason": "run_started", "phase": "updating"}`. A timer's
    /// `event` is `"timer"`; an outcome's is `"outcome"`, with `call` (`update` or `start`)
    /// and `outcome` (`ok`, `not_running`, `rate_limited`, `transient`, `permanent`); a wait
    /// adds `wait_ms`. Serializing the record itself (it is `Serialize`) writes the same
    /// fields in that order.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn line(&self) -> Line<'_> {
        let target = match &self.target {
            Target::Meeting(id) => json!({"meeting": id.get()}),
            Target::Webinar(id) => json!({"webinar": id.get()}),
            Target::Session(id) => json!({"session": id}),
            other => json!({"other": other.to_string()}),
        };
        let (event, event_ts, call, outcome) = match &self.trigger {
            Trigger::Event { name, event_ts } => (name.as_str(), Some(*event_ts), None, None),
            Trigger::Timer => ("timer", None, None, None),
            Trigger::Outcome { call, outcome } => {
                ("outcome", None, Some(call.as_str()), Some(outcome.as_str()))
            }
        };
        Line {
            target,
            event,
            event_ts,
            call,
            outcome,
            action: self.action.as_str(),
            reason: self.reason.as_str(),
            phase: self.phase.as_str(),
            wait_ms: self
                .wait
                .map(|wait| u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)),
        }
    }
}

impl Serialize for DecisionRecord {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.line().serialize(serializer)
    }
}

impl fmt::Display for DecisionRecord {
    /// `meeting 85746065432: start (settings_updated) after update ok`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.target, self.action, self.reason)?;
        match &self.trigger {
            Trigger::Event { name, .. } => write!(f, " on {name}"),
            Trigger::Timer => f.write_str(" on its timer"),
            Trigger::Outcome { call, outcome } => {
                write!(f, " after {} {}", call.as_str(), outcome)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use zoom_core::MeetingId;

    use super::*;

    #[test]
    fn a_record_is_one_json_line_without_secrets() {
        let record = DecisionRecord {
            target: Target::Meeting(MeetingId::new(85746065432)),
            trigger: Trigger::Outcome {
                call: CallKind::Update,
                outcome: Outcome::Ok,
            },
            action: Action::Ignore,
            reason: Reason::SettingsUpdated,
            phase: RunPhase::Starting,
            wait: Some(Duration::from_millis(1500)),
        };
        assert_eq!(
            record.to_json(),
            json!({"target": {"meeting": 85746065432_u64}, "event": "outcome", "call": "update",
                   "outcome": "ok", "action": "ignore", "reason": "settings_updated",
                   "phase": "starting", "wait_ms": 1500})
        );
        assert_eq!(
            serde_json::to_string(&record).unwrap(),
            r#"{"target":{"meeting":85746065432},"event":"outcome","call":"update","outcome":"ok","action":"ignore","reason":"settings_updated","phase":"starting","wait_ms":1500}"#
        );
        assert_eq!(
            record.to_string(),
            "meeting 85746065432: ignore (settings_updated) after update ok"
        );
    }
}
