//! The envelope every webhook body shares, read by the event types and the URL validation.

use serde::Deserialize;

/// The envelope every event shares: `{event, event_ts, payload}` (`event` is read first).
#[derive(Deserialize)]
pub(crate) struct Envelope<P> {
    #[serde(default)]
    pub(crate) event_ts: Option<u64>,
    #[serde(default = "none")]
    pub(crate) payload: Option<P>,
}

fn none<P>() -> Option<P> {
    None
}
