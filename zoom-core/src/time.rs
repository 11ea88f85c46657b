//! Injected time: every clock reading in a call (token expiry, retry budget, limiter pacing,
//! `Retry-After` dates) comes from a [`TimeSource`], so tests can move time by hand and the
//! core can run where `std::time::Instant::now` is unavailable (wasm32-unknown-unknown), given
//! a time source of your own.

use std::fmt;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A point on a time source's monotonic clock, as the time elapsed since the source's origin.
///
/// Unlike [`Instant`], it can be made from any duration (so a manual clock is possible), and
/// its arithmetic saturates instead of panicking.
///
/// ```
/// use std::time::Duration;
/// use zoom_core::Timestamp;
///
/// let start = Timestamp::from_origin(Duration::from_secs(10));
/// let later = start.saturating_add(Duration::MAX);
/// assert_eq!(later.saturating_duration_since(start), Duration::MAX - Duration::from_secs(10));
/// assert_eq!(start.saturating_duration_since(later), Duration::ZERO);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(Duration);

impl Timestamp {
    /// The time source's origin.
    pub const ORIGIN: Timestamp = Timestamp(Duration::ZERO);

    /// The point `since_origin` after the origin.
    pub const fn from_origin(since_origin: Duration) -> Self {
        Self(since_origin)
    }

    /// The time from the origin to this point.
    pub const fn since_origin(self) -> Duration {
        self.0
    }

    /// This point moved `duration` later, or the last representable point.
    pub fn saturating_add(self, duration: Duration) -> Self {
        Self(self.0.saturating_add(duration))
    }

    /// The time from `earlier` to this point, or zero if `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Timestamp) -> Duration {
        self.0.saturating_sub(earlier.0)
    }
}

/// Where a client reads the time: a monotonic clock for durations and deadlines, and the
/// wall clock for the dates Zoom sends (`Retry-After`).
///
/// Set it with `ClientBuilder::time_source`; the default is [`SystemTimeSource`]. Tests use
/// `zoom_testkit::ManualClock`, which moves only when told to.
pub trait TimeSource: Send + Sync + fmt::Debug {
    /// Now, on a monotonic clock: never goes back.
    fn now(&self) -> Timestamp;

    /// Now, on the wall clock.
    fn system_time(&self) -> SystemTime;
}

/// The standard library's clocks: [`Instant`] (measured from the first reading in the
/// process) and [`SystemTime`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemTimeSource;

impl TimeSource for SystemTimeSource {
    fn now(&self) -> Timestamp {
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        let origin = *ORIGIN.get_or_init(Instant::now);
        Timestamp(Instant::now().saturating_duration_since(origin))
    }

    fn system_time(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// The wall-clock time `seconds` after the Unix epoch, if a [`SystemTime`] can hold it.
pub(crate) fn unix_time(seconds: u64) -> Option<SystemTime> {
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// How far `at` lies from the Unix epoch: `Ok` after it (or at it), `Err` before it.
pub(crate) fn since_unix_epoch(at: SystemTime) -> Result<Duration, Duration> {
    at.duration_since(UNIX_EPOCH)
        .map_err(|before| before.duration())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_source_never_goes_back() {
        let (a, b) = (SystemTimeSource.now(), SystemTimeSource.now());
        assert!(a <= b);
    }

    #[test]
    fn unix_times_convert_both_ways_and_never_overflow() {
        let at = unix_time(1_590_883_200).unwrap();
        assert_eq!(since_unix_epoch(at), Ok(Duration::from_secs(1_590_883_200)));
        let before = UNIX_EPOCH - Duration::from_secs(1);
        assert_eq!(since_unix_epoch(before), Err(Duration::from_secs(1)));
        assert_eq!(unix_time(u64::MAX), None);
    }
}
