//! The envelope every webhook body shares, read by the event types and the URL validation.

use serde::Deserialize;

/// The envelope every event shares: `{event, event_ts, payload}` (`event` is read first).
#[derive(Deserialize)]
pub(super) struct Envelope<P> {
    #[serde(default)]
    pub(super) event_ts: Option<u64>,
    #[serde(default = "none")]
    pub(super) payload: Option<P>,
}

fn none<P>() -> Option<P> {
    None
}
