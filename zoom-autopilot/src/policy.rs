//! How patient the machine is: backoff, budgets, confirmation and restart limits.

use std::time::Duration;

/// The longest duration any setting takes; longer values are cut to it. A day is far longer
/// than any meeting needs, and keeps every deadline representable.
pub const MAX_SETTING: Duration = Duration::from_secs(24 * 60 * 60);

/// The shortest first backoff: repeating a call sooner than this is never useful.
pub const MIN_BACKOFF: Duration = Duration::from_millis(10);

/// What Zoom documents after a 429 on starting a stream: retry after 30 seconds.
pub const START_RATE_WINDOW: Duration = zoom_core::endpoint::START_RETRY_AFTER;

/// The machine's settings, one per target (targets may differ: a webinar expects no
/// confirmation, a target without stream settings starts at once).
///
/// Set fields on a default; the machine uses [`Policy::clamped`] of what it is given: every
/// duration is cut to [`MAX_SETTING`], the first backoff is at least [`MIN_BACKOFF`] and the
/// largest backoff at least the first.
///
/// ```
/// use std::time::Duration;
/// use zoom_autopilot::Policy;
///
/// // A webinar: Zoom has no live-stream webhook for webinars, so no confirmation can come.
/// let mut webinar = Policy::default();
/// webinar.confirm_timeout = None;
/// webinar.retry_budget = Duration::MAX;
/// assert_eq!(webinar.clamped().retry_budget, zoom_autopilot::policy::MAX_SETTING);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// Whether a meeting start first applies the stream settings (`Update`) and starts only
    /// once they are in place. `false` for a target with no settings to apply: it starts at
    /// once. Default `true`.
    pub update_first: bool,
    /// The wait before repeating a call refused because the meeting is not running yet, or
    /// failed on the way (network, 5xx); it doubles after each failure. Default 1 s.
    pub first_backoff: Duration,
    /// The longest wait between two repetitions. Default 30 s.
    pub max_backoff: Duration,
    /// How long one attempt to get the stream up may take, from its first call (at a
    /// meeting start, a restart, or the one more start after no confirmation): no
    /// repetition is scheduled past it, and a failure after it gives up. Default 2 min.
    pub retry_budget: Duration,
    /// The wait after a 429 whose answer named none. Default 30 s, what Zoom documents for
    /// starts ([`START_RATE_WINDOW`]; the SDK's start endpoint already fills it in).
    pub rate_limit_wait: Duration,
    /// How long to wait for Zoom's `live_streaming_started` after it accepted a start;
    /// without it by then, one more start, then give up. `None` when no confirmation can
    /// come (webinars have no live-stream webhook): an accepted start counts as live.
    /// Default 60 s.
    pub confirm_timeout: Option<Duration>,
    /// The wait before starting again after a stream stopped that nobody asked to stop.
    /// Default 10 s.
    pub restart_delay: Duration,
    /// How many restarts one meeting run gets; the next drop gives up. Default 5.
    pub max_restarts: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            update_first: true,
            first_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            retry_budget: Duration::from_secs(120),
            rate_limit_wait: START_RATE_WINDOW,
            confirm_timeout: Some(Duration::from_secs(60)),
            restart_delay: Duration::from_secs(10),
            max_restarts: 5,
        }
    }
}

impl Policy {
    /// This policy within bounds: durations cut to [`MAX_SETTING`], the first backoff at
    /// least [`MIN_BACKOFF`], the largest backoff at least the first.
    pub fn clamped(&self) -> Self {
        let cut = |d: Duration| d.min(MAX_SETTING);
        let first_backoff = cut(self.first_backoff).max(MIN_BACKOFF);
        Self {
            update_first: self.update_first,
            first_backoff,
            max_backoff: cut(self.max_backoff).max(first_backoff),
            retry_budget: cut(self.retry_budget),
            rate_limit_wait: cut(self.rate_limit_wait),
            confirm_timeout: self.confirm_timeout.map(cut),
            restart_delay: cut(self.restart_delay),
            max_restarts: self.max_restarts,
        }
    }
}
