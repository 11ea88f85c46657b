//! Refreshing ahead: a cached token is renewed before any caller needs a new one, so that
//! no call waits for the token endpoint while a valid token exists (the rule "nobody waits
//! on what could be done ahead").
//!
//! Each kept token has two points on the client's clock, like the AWS SDK's
//! `CachedSupplier` with its prefetch and stale times:
//!
//! ```text
//! kept ──────────── prefetch point ──── refresh point ──── expiry
//!       used as is   │ used; the first    │ no longer used: callers
//!                    │ caller claims ONE  │ wait for a fetch (one
//!                    │ refresh ahead      │ fetch, shared: the single flight)
//!                    ◀─────  window ─────▶◀───── margin ─────▶
//! ```
//!
//! - the **margin** ([`refresh_margin`]): a minute, at most half the lifetime (as before);
//! - the **window** ([`prefetch_window`]): an eighth of the lifetime, at most a minute. For
//!   Zoom's 3599 s tokens: refreshed ahead from 3479 s, no longer used from 3539 s; for 4 s
//!   tokens: from 1.5 s and 2 s. So a token is renewed at most an eighth of its lifetime
//!   earlier than before (1.7 % more token requests for an hour's token), not more often.
//!
//! One caller claims the refresh ahead ([`Claim`]); every other caller keeps using the
//! current token until the new one arrives. Who runs the refresh:
//!
//! - an async client built with a spawner ([`crate::AsyncSpawn`]; the `zoom-live-stream`
//!   facade gives it tokio's) runs it as a task of its own: a token-only call driven by the
//!   client's own send loop, which takes the single-flight lock, fetches (or, with a shared
//!   store, takes the store's lock and fetches, or finds another process's new token) and
//!   keeps the token. No API call waits.
//! - any other driver (the blocking client, an async client without a spawner, a loop of
//!   your own) has no work beside its callers: the claiming call takes the single-flight
//!   lock if it is free and fetches before its own request. That one call per refresh
//!   waits; every other caller goes on with the current token.
//! - user-level OAuth is always refreshed by the claiming call, spawner or not: its refresh
//!   rotates a single-use refresh token, and a background task may be dropped (a runtime
//!   shutting down) after Zoom rotated it and before its answer was kept, losing the grant.
//!
//! A failed refresh ahead fails no call: the current token stays in use, and the refresh is
//! tried again after a backoff (the retry policy's, between half and all of its ceiling,
//! doubling with each failure; refused credentials after [`super::REFUSAL_MEMORY`]), by
//! the next caller to come, until the refresh point; from then on callers take the path of
//! an expired token (one fetch with its own bounded retries, its outcome shared).

use std::fmt;
use std::time::Duration;

use crate::retry::RetryPolicy;
use crate::store::refresh_margin;
use crate::time::Timestamp;

/// The longest prefetch window: a token is refreshed ahead at most a minute before its
/// refresh point.
const PREFETCH_MAX: Duration = Duration::from_secs(60);

/// How long a claim stands if its claimant goes away without a word (a cancelled call, a
/// runtime that dropped the task): then another caller may claim. A claimant that is only
/// slow does no harm: a second claimant finds the single-flight lock taken, or the token
/// renewed once it has it.
pub(crate) const CLAIM_TTL: Duration = Duration::from_secs(10);

/// How long a caller in the prefetch window leaves the shared store alone after finding
/// that another process holds its lock (that process is refreshing): between half and all
/// of this, jittered.
pub(crate) const STORE_BUSY_PAUSE: Duration = Duration::from_millis(100);

/// How long before its refresh point a token of `lifetime` is refreshed ahead: an eighth of
/// its lifetime, at most a minute.
pub(crate) fn prefetch_window(lifetime: Duration) -> Duration {
    PREFETCH_MAX.min(lifetime / 8)
}

/// When a token is refreshed ahead, and when it stops being used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Schedule {
    /// From then, the first caller claims a refresh ahead.
    pub(crate) prefetch_at: Timestamp,
    /// From then, the token is no longer used (its refresh point: expiry minus the margin).
    pub(crate) stale_at: Timestamp,
}

impl Schedule {
    /// The schedule of a token kept at `now` that expires in `expires_in` and was issued for
    /// `lifetime` (a token read from a shared store has less left than it was issued for).
    pub(crate) fn new(now: Timestamp, expires_in: Duration, lifetime: Duration) -> Self {
        let fresh_for = expires_in.saturating_sub(refresh_margin(lifetime));
        let prefetch_after = fresh_for.saturating_sub(prefetch_window(lifetime));
        Self {
            prefetch_at: now.saturating_add(prefetch_after),
            stale_at: now.saturating_add(fresh_for),
        }
    }

    /// Not used any more: past the refresh point (or rejected).
    pub(crate) const STALE: Schedule = Schedule {
        prefetch_at: Timestamp::ORIGIN,
        stale_at: Timestamp::ORIGIN,
    };
}

/// Whether a token with `expires_in` left of `lifetime` is before its prefetch point: worth
/// adopting from a shared store instead of refreshing ahead.
pub(crate) fn before_prefetch(expires_in: Duration, lifetime: Duration) -> bool {
    expires_in > refresh_margin(lifetime).saturating_add(prefetch_window(lifetime))
}

/// The claim of one refresh ahead: a serial number, so that a claimant can tell whether its
/// claim still stands (no fetch has finished since, and no later claim replaced it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Claim(pub(crate) u64);

/// The wait before the next try after `tries` refreshes ahead failed in a row: the policy's
/// backoff ceiling for that many attempts (doubling from its initial backoff to its
/// largest), between half and all of it, so that retries neither come at once nor align.
pub(crate) fn retry_wait(policy: &RetryPolicy, tries: u32, random: f64) -> Duration {
    let ceiling = policy.backoff_ceiling(tries);
    let share = 0.5 + random.clamp(0.0, 1.0) / 2.0;
    Duration::try_from_secs_f64(ceiling.as_secs_f64() * share).unwrap_or(ceiling)
}

/// Starts a refresh ahead beside the callers: set on an async client built with a spawner.
/// Answers whether the task was handed to the runtime (else the claimant refreshes inline).
pub(crate) struct Background(Box<dyn Fn(Claim) -> bool + Send + Sync>);

impl Background {
    pub(crate) fn new(start: impl Fn(Claim) -> bool + Send + Sync + 'static) -> Self {
        Self(Box::new(start))
    }

    /// Hands the refresh of `claim` to the runtime; whether it was taken.
    pub(crate) fn start(&self, claim: Claim) -> bool {
        (self.0)(claim)
    }
}

impl fmt::Debug for Background {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Background")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(millis: u64) -> Timestamp {
        Timestamp::from_origin(Duration::from_millis(millis))
    }

    #[test]
    fn the_prefetch_window_is_an_eighth_of_the_lifetime_at_most_a_minute() {
        let hour = Duration::from_secs(3599);
        assert_eq!(
            Schedule::new(at(0), hour, hour),
            Schedule {
                prefetch_at: at(3_479_000),
                stale_at: at(3_539_000),
            }
        );
        let four = Duration::from_secs(4);
        assert_eq!(
            Schedule::new(at(1000), four, four),
            Schedule {
                prefetch_at: at(2500),
                stale_at: at(3000),
            }
        );
        // A token read from a store with 70 s of its hour left: due ahead at once.
        let left = Schedule::new(at(0), Duration::from_secs(70), hour);
        assert_eq!((left.prefetch_at, left.stale_at), (at(0), at(10_000)));
        assert!(before_prefetch(Duration::from_secs(121), hour));
        assert!(!before_prefetch(Duration::from_secs(120), hour));
        // Nothing overflows at the end of time, and a lifetime of zero is stale at once.
        let end = Timestamp::from_origin(Duration::MAX);
        let late = Schedule::new(end, Duration::MAX, Duration::MAX);
        assert_eq!((late.prefetch_at, late.stale_at), (end, end));
        let zero = Schedule::new(at(5), Duration::ZERO, Duration::ZERO);
        assert_eq!((zero.prefetch_at, zero.stale_at), (at(5), at(5)));
    }

    #[test]
    fn retries_ahead_back_off_between_half_and_all_of_the_policys_ceiling() {
        let policy = RetryPolicy::default();
        let ms = Duration::from_millis;
        assert_eq!(retry_wait(&policy, 1, 0.0), ms(250));
        assert_eq!(retry_wait(&policy, 1, 1.0), ms(500));
        assert_eq!(retry_wait(&policy, 3, 0.0), ms(1000));
        assert_eq!(retry_wait(&policy, 40, 1.0), ms(8000));
        assert_eq!(retry_wait(&policy, 2, f64::NAN), ms(1000));
    }
}
