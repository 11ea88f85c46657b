//! The events the machine hears about a target: its meeting (webinar, session) started or
//! ended, its live stream started or stopped. Converting Zoom's webhooks into them is the
//! driver's job; the machine needs only the kind and Zoom's `event_ts`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What happened to a target.
///
/// The order of the variants is the order of a run, and it breaks ties between events with
/// the same `event_ts` (see [`Event`]): a start comes before its stream's events, and the end
/// after them. A stream stopped at the same millisecond as it started counts as stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// `meeting.started`, `webinar.started`, `session.started`.
    Started,
    /// `*.live_streaming_started`: Zoom confirms the stream is live.
    LiveStreamingStarted,
    /// `*.live_streaming_stopped`: the stream is no longer live.
    LiveStreamingStopped,
    /// `meeting.ended`, `webinar.ended`, `session.ended`.
    Ended,
}

impl EventKind {
    /// A stable snake_case name for logs and metrics: `started`, `live_streaming_started`,
    /// `live_streaming_stopped`, `ended`.
    ///
    /// ```
    /// use zoom_autopilot::EventKind;
    ///
    /// assert_eq!(EventKind::LiveStreamingStopped.as_str(), "live_streaming_stopped");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::Started => "started",
            EventKind::LiveStreamingStarted => "live_streaming_started",
            EventKind::LiveStreamingStopped => "live_streaming_stopped",
            EventKind::Ended => "ended",
        }
    }

    /// Whether this is a live-stream event (rather than a meeting lifecycle event).
    pub const fn is_stream(self) -> bool {
        matches!(
            self,
            EventKind::LiveStreamingStarted | EventKind::LiveStreamingStopped
        )
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One event about a target: its kind and Zoom's `event_ts` (milliseconds since the Unix
/// epoch, as Zoom sends it).
///
/// Events are ordered by `event_ts`, then by kind (see [`EventKind`]); the derived `Ord`
/// is that order. Two deliveries of the same event are equal.
///
/// ```
/// use zoom_autopilot::{Event, EventKind};
///
/// let started = Event::new(EventKind::Started, 1_732_615_200_000);
/// let ended = Event::new(EventKind::Ended, 1_732_615_200_000);
/// assert!(started < ended);
/// assert!(Event::new(EventKind::Ended, 1) < started);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Event {
    /// Zoom's `event_ts`, in milliseconds. Compared first.
    pub event_ts: u64,
    /// What happened. Compared at equal `event_ts`.
    pub kind: EventKind,
}

impl Event {
    /// The event of `kind` at `event_ts` (Zoom's milliseconds).
    pub const fn new(kind: EventKind, event_ts: u64) -> Self {
        Self { event_ts, kind }
    }
}
