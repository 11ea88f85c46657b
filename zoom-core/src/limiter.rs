//! An optional client-side limiter that keeps bursts under the account's per-second limit.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::time::Timestamp;

/// A Zoom plan, for its per-second limit on "Light" endpoints (all live-stream calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Plan {
    /// Free: 4 requests per second (and 6,000 per day).
    Free,
    /// Pro: 30 requests per second.
    Pro,
    /// Business and above: 80 requests per second.
    Business,
}

impl Plan {
    /// Requests per second allowed on Light endpoints.
    pub fn light_per_second(self) -> u32 {
        match self {
            Plan::Free => 4,
            Plan::Pro => 30,
            Plan::Business => 80,
        }
    }
}

/// A GCRA (virtual scheduling) limiter shared by every clone of the client it is given to.
///
/// It spaces calls `1/rate` apart and lets at most `burst` through back to back (default:
/// half the rate), so the calls stay under a server-side bucket of `rate` per second even
/// when the network bunches them. Zoom's limits are per account: when several processes
/// share an account, give each a share of the limit.
///
/// ```
/// use zoom_core::{Plan, RateLimiter};
///
/// let limiter = RateLimiter::for_plan(Plan::Pro); // 30/s
/// let custom = RateLimiter::per_second(10).burst(1);
/// # let _ = (limiter, custom);
/// ```
#[derive(Debug, Clone)]
pub struct RateLimiter {
    gcra: Gcra,
    next_free: Arc<Mutex<Option<Timestamp>>>,
}

/// GCRA (virtual scheduling): the one implementation of the rule, for the local limiter and
/// for the in-memory shared store's schedules (`zoom-store-redis` runs the same in Lua).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gcra {
    /// Spacing between calls.
    pub(crate) interval: Duration,
    /// How many calls may go back to back (taken as at least 1).
    pub(crate) burst: u32,
}

impl Gcra {
    /// At most `rate` calls per second (at least 1), bursts of half the rate (at least 1).
    pub(crate) fn per_second(rate: u32) -> Self {
        let rate = rate.max(1);
        Self {
            interval: Duration::from_secs(1) / rate,
            burst: (rate / 2).max(1),
        }
    }

    /// Books the next slot at `now` on the schedule whose theoretical arrival time of the
    /// next call is `next_free` (`None`: nothing booked yet) and returns how long to wait.
    pub(crate) fn reserve(self, next_free: &mut Option<Timestamp>, now: Timestamp) -> Duration {
        let theoretical = next_free.map_or(now, |t| t.max(now));
        let tolerance = self.interval.saturating_mul(self.burst.saturating_sub(1));
        *next_free = Some(theoretical.saturating_add(self.interval));
        theoretical
            .saturating_duration_since(now)
            .saturating_sub(tolerance)
    }
}

impl RateLimiter {
    /// At most `rate` calls per second (at least 1).
    pub fn per_second(rate: u32) -> Self {
        Self {
            gcra: Gcra::per_second(rate),
            next_free: Arc::new(Mutex::new(None)),
        }
    }

    /// The Light limit of `plan`.
    pub fn for_plan(plan: Plan) -> Self {
        Self::per_second(plan.light_per_second())
    }

    /// How many calls may go back to back (at least 1).
    pub fn burst(mut self, burst: u32) -> Self {
        self.gcra.burst = burst.max(1);
        self
    }

    /// The same schedule kept in a shared store for `account`'s Light calls.
    pub(crate) fn shared_key(&self, account: String) -> crate::store::LimiterKey {
        crate::store::LimiterKey {
            account,
            label: "light".to_owned(),
            interval: self.gcra.interval,
            burst: self.gcra.burst,
        }
    }

    /// Reserves a slot for a call at `now` (on the client's [`TimeSource`]) and returns how
    /// long to wait before making it.
    ///
    /// [`TimeSource`]: crate::time::TimeSource
    pub fn reserve(&self, now: Timestamp) -> Duration {
        let mut next_free = self
            .next_free
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.gcra.reserve(&mut next_free, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_goes_through_then_calls_are_spaced() {
        let limiter = RateLimiter::per_second(10).burst(3);
        let now = Timestamp::ORIGIN;
        let waits: Vec<u128> = (0..6).map(|_| limiter.reserve(now).as_millis()).collect();
        assert_eq!(waits, [0, 0, 0, 100, 200, 300]);
    }

    #[test]
    fn the_schedule_never_empties_a_server_bucket_of_the_same_rate() {
        // Zoom-like server side: a bucket of `rate` tokens refilled at `rate` per second.
        let rate = 30.0;
        let limiter = RateLimiter::for_plan(Plan::Pro);
        let start = Timestamp::ORIGIN;
        let (mut tokens, mut last) = (rate, start);
        for call in 0..1000 {
            let at = start.saturating_add(limiter.reserve(start));
            tokens = (tokens + at.saturating_duration_since(last).as_secs_f64() * rate).min(rate);
            last = at;
            assert!(
                tokens >= 1.0,
                "call {call} would be refused ({tokens:.2} tokens)"
            );
            tokens -= 1.0;
            // Half a bucket stays spare for calls that the network bunches together.
            assert!(
                tokens >= rate / 2.0 - 1.0,
                "call {call} left only {tokens:.2}"
            );
        }
    }

    #[test]
    fn idle_time_refills_the_burst_but_never_beyond_it() {
        let limiter = RateLimiter::per_second(4).burst(2);
        let now = Timestamp::ORIGIN;
        assert_eq!(limiter.reserve(now), Duration::ZERO);
        let later = now.saturating_add(Duration::from_secs(10));
        let waits: Vec<u128> = (0..3).map(|_| limiter.reserve(later).as_millis()).collect();
        assert_eq!(waits, [0, 0, 250]);
    }

    #[test]
    fn clones_share_one_schedule() {
        let limiter = RateLimiter::per_second(2).burst(1);
        let clone = limiter.clone();
        let now = Timestamp::ORIGIN;
        assert_eq!(limiter.reserve(now), Duration::ZERO);
        assert_eq!(clone.reserve(now), Duration::from_millis(500));
    }
}
