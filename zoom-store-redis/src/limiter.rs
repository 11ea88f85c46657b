//! A handle on one account's shared limiter, for either store.

use std::time::Duration;

use zoom_core::store::{LimiterKey, StoreError};

use crate::protocol::Reservation;
use crate::{RedisStore, blocking};

/// One account's limiter for one rate-limit label, shared by every process using the same
/// Redis: [`RedisStore::limiter`] (async, the default `S`) or
/// [`blocking::RedisStore::limiter`]. Cheap to clone.
#[derive(Debug, Clone)]
pub struct RedisLimiter<S = RedisStore> {
    store: S,
    key: LimiterKey,
}

impl<S> RedisLimiter<S> {
    /// The limiter of `key` on `store`.
    pub(crate) fn new(store: S, key: LimiterKey) -> Self {
        Self { store, key }
    }

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
}

impl RedisLimiter<RedisStore> {
    /// Reserves a slot for one call (one round trip) and returns how long to wait.
    pub async fn reserve(&self) -> Result<Duration, StoreError> {
        self.store.reserve(&self.key).await
    }

    /// Like [`reserve`](Self::reserve), with the slot's time on Redis's clock.
    pub async fn reservation(&self) -> Result<Reservation, StoreError> {
        self.store.reservation(&self.key).await
    }
}

impl RedisLimiter<blocking::RedisStore> {
    /// Reserves a slot for one call (one round trip) and returns how long to wait.
    pub fn reserve(&self) -> Result<Duration, StoreError> {
        self.store.reserve(&self.key)
    }

    /// Like [`reserve`](Self::reserve), with the slot's time on Redis's clock.
    pub fn reservation(&self) -> Result<Reservation, StoreError> {
        self.store.reservation(&self.key)
    }
}
