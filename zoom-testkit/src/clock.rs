//! [`ManualClock`]: a time source that moves only when a test moves it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use zoom_core::{TimeSource, Timestamp};

/// A [`TimeSource`] for tests: time stands still until [`ManualClock::advance`] moves it, so
/// a test can expire a token, run out a retry budget or refill a rate limiter without
/// sleeping. Clones share one clock. Pair it with [`InstantSleep::advancing`] to have every
/// wait a client orders move the clock by that much.
///
/// [`InstantSleep::advancing`]: crate::InstantSleep::advancing
///
/// ```
/// use std::time::Duration;
/// use zoom_core::TimeSource;
/// use zoom_testkit::ManualClock;
///
/// let clock = ManualClock::new();
/// let start = clock.now();
/// clock.advance(Duration::from_secs(3600));
/// assert_eq!(clock.now().saturating_duration_since(start), Duration::from_secs(3600));
/// assert_eq!(clock.system_time(), ManualClock::start_time() + Duration::from_secs(3600));
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<(Timestamp, SystemTime)>>,
}

impl ManualClock {
    /// The wall-clock time a new clock shows: 2020-09-13T12:26:40Z.
    pub fn start_time() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000)
    }

    /// A clock at its origin, showing [`ManualClock::start_time`] on the wall.
    pub fn new() -> Self {
        Self::starting_at(Self::start_time())
    }

    /// A clock at its origin, showing `wall` on the wall (to test `Retry-After` dates).
    pub fn starting_at(wall: SystemTime) -> Self {
        Self {
            now: Arc::new(Mutex::new((Timestamp::ORIGIN, wall))),
        }
    }

    /// Moves both clocks `by` later (saturating).
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        now.0 = now.0.saturating_add(by);
        now.1 = now.1.checked_add(by).unwrap_or(now.1);
    }

    /// How far the clock has been moved since it was made.
    pub fn elapsed(&self) -> Duration {
        self.now().since_origin()
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl TimeSource for ManualClock {
    fn now(&self) -> Timestamp {
        self.now.lock().unwrap_or_else(PoisonError::into_inner).0
    }

    fn system_time(&self) -> SystemTime {
        self.now.lock().unwrap_or_else(PoisonError::into_inner).1
    }
}
