//! Where a target's meeting run stands: the phase the machine is in and the record keeps.

use serde::{Deserialize, Serialize};

/// Where a target's meeting run stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunPhase {
    /// No meeting run seen yet.
    #[default]
    Idle,
    /// Applying the stream settings: an update on its way, or to be repeated.
    Updating,
    /// Starting the stream: a start on its way, or to be repeated.
    Starting,
    /// Zoom accepted a start; waiting for its confirmation.
    Confirming,
    /// The stream is live (confirmed, or accepted where no confirmation can come).
    Live,
    /// The stream dropped; a restart is scheduled.
    Restarting,
    /// The machine gave up on this run.
    GaveUp,
    /// The meeting ended.
    Ended,
}

impl RunPhase {
    /// A stable snake_case name, as serialized.
    pub const fn as_str(self) -> &'static str {
        match self {
            RunPhase::Idle => "idle",
            RunPhase::Updating => "updating",
            RunPhase::Starting => "starting",
            RunPhase::Confirming => "confirming",
            RunPhase::Live => "live",
            RunPhase::Restarting => "restarting",
            RunPhase::GaveUp => "gave_up",
            RunPhase::Ended => "ended",
        }
    }

    /// Whether a meeting run is on (neither idle nor ended).
    pub const fn in_run(self) -> bool {
        !matches!(self, RunPhase::Idle | RunPhase::Ended)
    }
}
