//! A handle on one account's shared limiter (async).

use std::time::Duration;

use zoom_core::store::{LimiterKey, StoreError};

use crate::RedisStore;
use crate::protocol::Reservation;

/// One account's limiter for one rate-limit label, shared by every process using the same
/// Redis. Cheap to clone.
#[derive(Debug, Clone)]
pub struct RedisLimiter {
    pub(crate) store: RedisStore,
    pub(crate) key: LimiterKey,
}

impl RedisLimiter {
    /// How many calls may go back to back (at least 1); default half the rate. Every process
    /// sharing the limiter must use the same rate and burst.
    pub fn burst(mut self, burst: u32) -> Self {
        self.key = self.key.burst(burst);
        self
    }

    /// The limiter's key (account, label, spacing, burst).
    pub fn key(&self) -> &LimiterKey {
        &self.key
    }

    /// Reserves a slot for one call (one round trip) and returns how long to wait.
    pub async fn reserve(&self) -> Result<Duration, StoreError> {
        self.store.reserve(&self.key).await
    }

    /// Like [`reserve`](Self::reserve), with the slot's time on Redis's clock.
    pub async fn reservation(&self) -> Result<Reservation, StoreError> {
        self.store.reservation(&self.key).await
    }
}
