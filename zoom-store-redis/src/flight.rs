//! Rules of the single flight shared by the async and blocking token caches.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

use zoom_core::store::{StoreError, StoreErrorKind};

use crate::protocol::Entry;

/// Why [`crate::TokenCache::get_or_fetch`] returned no token.
#[derive(Debug)]
pub enum FetchError<E> {
    /// The store failed (or another process held the lock past the wait timeout): fall back
    /// to a local token.
    Store(StoreError),
    /// Your fetch failed; the lock was released so another caller can try.
    Fetch(E),
}

impl<E> From<StoreError> for FetchError<E> {
    fn from(error: StoreError) -> Self {
        FetchError::Store(error)
    }
}

impl<E: fmt::Display> fmt::Display for FetchError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Store(error) => error.fmt(f),
            FetchError::Fetch(error) => write!(f, "token fetch failed: {error}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for FetchError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FetchError::Store(error) => Some(error),
            FetchError::Fetch(error) => Some(error),
        }
    }
}

/// A stored token is used while more than the margin (at most half its lifetime) is left.
pub(crate) fn is_fresh(entry: &Entry, margin: Duration) -> bool {
    entry.token.expires_in > margin.min(entry.lifetime / 2)
}

/// Polling pauses of a waiter: 5 ms doubling to 100 ms, jittered, never past the deadline.
pub(crate) struct Backoff {
    next: Duration,
    deadline: Instant,
    timeout: Duration,
}

impl Backoff {
    pub(crate) fn new(timeout: Duration) -> Self {
        let now = Instant::now();
        Self {
            next: Duration::from_millis(5),
            deadline: now.checked_add(timeout).unwrap_or(now),
            timeout,
        }
    }

    /// The next pause, or the error to return once the deadline has passed.
    pub(crate) fn pause(&mut self) -> Result<Duration, StoreError> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(StoreError::new(
                StoreErrorKind::Timeout,
                format!(
                    "another process held the token lock for longer than {:?}",
                    self.timeout
                ),
            ));
        }
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u32(self.next.subsec_nanos());
        // Between half and all of `next`.
        let jittered = self.next / 2 + self.next.mul_f64((hasher.finish() % 1000) as f64 / 2000.0);
        self.next = (self.next * 2).min(Duration::from_millis(100));
        Ok(jittered.min(left))
    }
}
