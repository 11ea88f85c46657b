//! The live-stream autopilot's decisions, sans-IO: when a meeting (webinar, Video SDK
//! session) starts, apply its stream settings and start the stream; wait for Zoom to confirm
//! it live; start it again if it drops while the meeting runs; stop acting when the meeting
//! ends. One [`Machine`] per target decides; a driver around it holds the stream settings,
//! sends the calls, sleeps and keeps the shared [`Record`].
//!
//! A tiny driver: feed an event, answer each call with its outcome (here always
//! [`Outcome::Ok`]; a real driver sends the request through a client and classifies its
//! result with [`Outcome::from_result`]), sleep until [`Machine::next_wake`] when asked to
//! wait, and feed Zoom's confirmation when it comes.
//!
//! ```
//! use std::time::Duration;
//! use zoom_autopilot::{Action, Decision, Event, EventKind, Machine, Outcome, Policy};
//! use zoom_core::Timestamp;
//!
//! /// Carries out decisions until the machine has nothing to send; returns what it did.
//! fn drive(machine: &mut Machine, mut decision: Decision, now: Timestamp) -> Vec<String> {
//!     let mut log = Vec::new();
//!     loop {
//!         log.push(format!("{} {}", decision.action, decision.reason));
//!         decision = match decision.action {
//!             // Build the update (or start) request from the target's settings, send it,
//!             // then: machine.on_outcome(call, Outcome::from_result(&result), now)
//!             Action::Update { call } | Action::Start { call } => {
//!                 machine.on_outcome(call, Outcome::Ok, now)
//!             }
//!             // Sleep until machine.next_wake() (or the next event), then on_timer.
//!             Action::Wait { .. } | Action::Ignore | Action::GiveUp => return log,
//!         };
//!     }
//! }
//!
//! let mut machine = Machine::new(Policy::default());
//! let mut now = Timestamp::ORIGIN;
//! let meeting_started = Event::new(EventKind::Started, 1_732_615_200_000);
//! let decision = machine.on_event(meeting_started, now);
//! assert_eq!(
//!     drive(&mut machine, decision, now),
//!     ["update run_started", "start settings_updated", "wait awaiting_confirmation"],
//! );
//!
//! // Zoom's `meeting.live_streaming_started` arrives two seconds later: nothing left to do.
//! now = now.saturating_add(Duration::from_secs(2));
//! let confirmed = Event::new(EventKind::LiveStreamingStarted, 1_732_615_202_000);
//! let decision = machine.on_event(confirmed, now);
//! assert_eq!(drive(&mut machine, decision, now), ["ignore confirmed"]);
//! assert_eq!(machine.next_wake(), None);
//!
//! // The stream drops while the meeting runs: wait the restart delay, then start again.
//! let dropped = Event::new(EventKind::LiveStreamingStopped, 1_732_615_500_000);
//! let decision = machine.on_event(dropped, now);
//! assert_eq!(drive(&mut machine, decision, now), ["wait stream_dropped"]);
//! let wake = machine.next_wake().expect("a restart is scheduled");
//! now = wake; // a real driver sleeps until then, or until the next event
//! let decision = machine.on_timer(now);
//! assert_eq!(
//!     drive(&mut machine, decision, now),
//!     ["start restart", "wait awaiting_confirmation"],
//! );
//! ```
//!
//! # Rules
//!
//! - A newer `Started` begins a run: [`Action::Update`], and on its success
//!   [`Action::Start`] (or `Start` at once with [`Policy::update_first`] off).
//! - A start refused because the meeting is not running yet, and any transient failure, is
//!   repeated after a backoff (1 s doubling to 30 s), never past the attempt's retry budget
//!   (2 min); then [`Action::GiveUp`]. A 429 waits for Zoom's `Retry-After` (or 30 s), or
//!   gives up if that ends past the budget. A permanent refusal gives up at once.
//! - Zoom's `live_streaming_started` confirms, even before the start's own outcome. No
//!   confirmation within 60 s: one more start, then give up.
//! - A stream that stops while the meeting runs is started again after 10 s, at most 5
//!   times per run; the next drop gives up. The machine never stops a stream, and takes
//!   every stop it hears of in a run as unasked: a driver that stops a stream on purpose
//!   does not feed the machine that stop's webhook.
//! - `Ended` ends the run: whatever was pending is dropped, and outcomes and timers that
//!   come afterwards are ignored.
//! - Events count in `event_ts` order (see [`Event`]); a redelivered or older event changes
//!   nothing.
//!
//! # Sharing the state
//!
//! [`Machine::to_record`] gives the serializable [`Record`] (what was seen, the phase,
//! restarts used); [`Machine::from_record`] rebuilds a machine from it in another process,
//! with its timers armed again from that process's clock.
#![forbid(unsafe_code)]

mod decision;
mod event;
mod machine;
mod outcome;
mod phase;
pub mod policy;
mod record;

pub use decision::{Action, CallId, Decision, Reason};
pub use event::{Event, EventKind};
pub use machine::Machine;
pub use outcome::{Outcome, Refusal};
pub use phase::RunPhase;
pub use policy::Policy;
pub use record::Record;
