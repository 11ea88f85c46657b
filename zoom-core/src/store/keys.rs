//! What the store's operations name and carry: whose schedule ([`LimiterKey`]), whose token
//! ([`TokenKey`]), the token as kept ([`StoredToken`]) and the proof of holding its lock
//! ([`TokenLock`]). Public identifiers only in keys, never a secret.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::SecretString;
use crate::limiter::Gcra;

/// The longest a cached token is refreshed ahead of its expiry.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// How long before its expiry a token of `lifetime` is renewed: a minute, at most half of
/// its lifetime. The one rule for the process's cache and for a shared store's tokens.
pub(crate) fn refresh_margin(lifetime: Duration) -> Duration {
    REFRESH_MARGIN.min(lifetime / 2)
}

/// One shared limiter: an account's schedule for one of Zoom's rate-limit labels.
///
/// The spacing and burst follow the same rule as [`crate::RateLimiter::per_second`]: calls
/// `1/rate` apart, at most `rate/2` (at least 1) back to back.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LimiterKey {
    /// The Zoom account (or any name the processes sharing the limit agree on).
    pub account: String,
    /// Zoom's rate-limit label, e.g. `light`.
    pub label: String,
    /// Spacing between calls.
    pub interval: Duration,
    /// How many calls may go back to back (at least 1).
    pub burst: u32,
}

impl LimiterKey {
    /// At most `rate` calls per second (at least 1) for `account` and `label`.
    pub fn per_second(account: impl Into<String>, label: impl Into<String>, rate: u32) -> Self {
        let Gcra { interval, burst } = Gcra::per_second(rate);
        Self {
            account: account.into(),
            label: label.into(),
            interval,
            burst,
        }
    }

    /// How many calls may go back to back (at least 1).
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = burst.max(1);
        self
    }

    /// The schedule's rule.
    pub(crate) fn gcra(&self) -> Gcra {
        Gcra {
            interval: self.interval,
            burst: self.burst,
        }
    }
}

/// Whose token a store entry is: public identifiers only, never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenKey {
    /// The Zoom account id (Server-to-Server) or a name for the user grant (user OAuth).
    pub account: String,
    /// The OAuth app's client id.
    pub client_id: String,
}

impl TokenKey {
    /// The entry of `client_id`'s token for `account`.
    pub fn new(account: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self {
            account: account.into(),
            client_id: client_id.into(),
        }
    }
}

/// A token as a store keeps it. `Debug` shows no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredToken {
    /// The access token.
    pub access_token: SecretString,
    /// The account's API host from the token answer (`api_url`), if any.
    pub api_url: Option<String>,
    /// User OAuth: the newest refresh token, stored atomically with its access token.
    pub refresh_token: Option<SecretString>,
    /// On write: the token's lifetime from now. On read: what is left of it (zero once
    /// expired; the entry is still returned for its refresh token).
    pub expires_in: Duration,
    /// The lifetime the token was issued with: it is due for renewal once less than a
    /// minute, and at most half of this, is left (see [`StoredToken::is_fresh`]).
    pub lifetime: Duration,
}

impl StoredToken {
    /// Whether it is worth using rather than renewing: more than the refresh margin is left
    /// (a minute, at most half its lifetime), the rule of the in-process token cache.
    pub fn is_fresh(&self) -> bool {
        self.expires_in > refresh_margin(self.lifetime)
    }
}

/// Proof of holding a token lock: its random owner value. Give it back through
/// [`StoreOp::PutAndUnlock`](super::StoreOp::PutAndUnlock) or
/// [`StoreOp::Unlock`](super::StoreOp::Unlock); if it is dropped instead, the lock expires
/// after its time to live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenLock {
    owner: String,
}

impl TokenLock {
    /// A lock proof with a fresh random owner value: 128 bits hashed with the standard
    /// library's per-process random keys (`RandomState`, seeded from the operating system)
    /// from the process id and a counter. Unique, not a cryptographic secret; no clock read.
    pub fn random() -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut halves = [0u64; 2];
        for (i, half) in halves.iter_mut().enumerate() {
            let mut hasher = RandomState::new().build_hasher();
            hasher.write_u32(std::process::id());
            hasher.write_u64(count);
            hasher.write_usize(i);
            *half = hasher.finish();
        }
        Self {
            owner: format!("{:016x}{:016x}", halves[0], halves[1]),
        }
    }

    /// The owner value written into the lock.
    pub fn owner(&self) -> &str {
        &self.owner
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RateLimiter;

    #[test]
    fn limiter_keys_keep_the_local_limiters_spacing_and_burst_rule() {
        for rate in [0, 1, 2, 4, 7, 30, 80, 1000] {
            // Read the local rule off its waits at one instant: zeros for the burst, then
            // one interval more each call.
            let local = RateLimiter::per_second(rate);
            let now = crate::time::Timestamp::ORIGIN;
            let waits: Vec<Duration> = (0..rate.max(1) + 2).map(|_| local.reserve(now)).collect();
            let burst = waits.iter().take_while(|w| w.is_zero()).count();
            let key = LimiterKey::per_second("acct", "light", rate);
            assert_eq!(key.burst as usize, burst, "rate {rate}");
            assert_eq!(key.interval, waits[burst], "rate {rate}");
        }
    }

    #[test]
    fn lock_owners_are_distinct() {
        let owners: std::collections::HashSet<_> =
            (0..1000).map(|_| TokenLock::random().owner).collect();
        assert_eq!(owners.len(), 1000);
    }
}
