//! The blocking store: a plain connection, no async runtime needed.
//!
//! ```no_run
//! use zoom_store_redis::blocking::RedisStore;
//!
//! let store = RedisStore::connect("redis://127.0.0.1:6379")?;
//! std::thread::sleep(store.limiter("my-account-id", "light", 10).reserve()?);
//! # Ok::<(), zoom_core::store::StoreError>(())
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use zoom_core::SecretString;
use zoom_core::store::{LimiterKey, StoreError, StoredToken, TokenKey, TokenLock};

use crate::config::RedisConfig;
use crate::conn::BlockingConn;
use crate::flight::{Backoff, FetchError, is_fresh};
use crate::protocol::{self, Entry, RawEntry, Reservation};

/// The blocking store: one connection, opened on first use and reopened after a failure.
/// Cheap to clone; clones share the connection.
#[derive(Clone)]
pub struct RedisStore {
    conn: Arc<BlockingConn>,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::RedisStore")
            .field("config", self.conn.config())
            .finish()
    }
}

impl RedisStore {
    /// A store for `url` with the default timeouts. Nothing is connected yet, so this fails
    /// only on a bad URL, never because Redis is down.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        Ok(Self::with_config(RedisConfig::new(url)?))
    }

    /// A store with your timeouts and key prefix.
    pub fn with_config(config: RedisConfig) -> Self {
        Self {
            conn: Arc::new(BlockingConn::new(&config)),
        }
    }

    /// The store's configuration (its URL shown without password).
    pub fn config(&self) -> &RedisConfig {
        self.conn.config()
    }

    /// The limiter of `account` for Zoom's `label` at `rate` calls per second; see
    /// [`crate::RedisStore::limiter`].
    pub fn limiter(&self, account: &str, label: &str, rate: u32) -> RedisLimiter {
        RedisLimiter {
            store: self.clone(),
            key: LimiterKey::per_second(account, label, rate),
        }
    }

    /// The token entry of `key` (account and client id; never put a secret in it).
    pub fn token_cache(&self, key: TokenKey) -> TokenCache {
        TokenCache {
            store: self.clone(),
            key,
        }
    }

    /// Reserves a slot on `key`'s schedule and returns how long to wait.
    pub fn reserve(&self, key: &LimiterKey) -> Result<Duration, StoreError> {
        Ok(self.reservation(key)?.wait)
    }

    /// Reserves a slot on `key`'s schedule, with its time on Redis's clock.
    pub fn reservation(&self, key: &LimiterKey) -> Result<Reservation, StoreError> {
        let op = protocol::reserve(&self.config().prefix, key);
        Ok(protocol::read_reservation(self.conn.run(op)?))
    }

    /// The token stored for `key`, if any.
    pub fn get_token(&self, key: &TokenKey) -> Result<Option<StoredToken>, StoreError> {
        Ok(self.entry(key)?.map(|entry| entry.token))
    }

    fn entry(&self, key: &TokenKey) -> Result<Option<Entry>, StoreError> {
        let op = protocol::get(&self.config().prefix, key);
        Ok(protocol::read_entry(self.conn.run::<RawEntry>(op)?))
    }

    /// Takes `key`'s refresh lock for `ttl` if it is free.
    pub fn try_lock(&self, key: &TokenKey, ttl: Duration) -> Result<Option<TokenLock>, StoreError> {
        let proof = TokenLock::random();
        let op = protocol::try_lock(&self.config().prefix, key, &proof, ttl);
        let taken: Option<String> = self.conn.run(op)?;
        Ok(taken.map(|_| proof))
    }

    /// Stores `token` and releases `lock` if still ours; returns whether it was.
    pub fn put_and_unlock(
        &self,
        key: &TokenKey,
        token: &StoredToken,
        lock: TokenLock,
    ) -> Result<bool, StoreError> {
        let op = protocol::put_and_unlock(&self.config().prefix, key, token, &lock);
        let (_written, released): (i64, i64) = self.conn.run(op)?;
        Ok(released == 1)
    }

    /// Releases `lock` if still ours (compare and delete); returns whether it was.
    pub fn unlock(&self, key: &TokenKey, lock: TokenLock) -> Result<bool, StoreError> {
        let op = protocol::unlock(&self.config().prefix, key, &lock);
        Ok(self.conn.run::<i64>(op)? == 1)
    }

    /// Marks `access_token` expired if it is still the stored one.
    pub fn invalidate(
        &self,
        key: &TokenKey,
        access_token: &SecretString,
    ) -> Result<(), StoreError> {
        let op = protocol::invalidate(&self.config().prefix, key, access_token);
        self.conn.run::<i64>(op).map(drop)
    }
}

/// The blocking twin of [`crate::RedisLimiter`].
#[derive(Debug, Clone)]
pub struct RedisLimiter {
    store: RedisStore,
    key: LimiterKey,
}

impl RedisLimiter {
    /// How many calls may go back to back (at least 1); default half the rate.
    pub fn burst(mut self, burst: u32) -> Self {
        self.key = self.key.burst(burst);
        self
    }

    /// The limiter's key (account, label, spacing, burst).
    pub fn key(&self) -> &LimiterKey {
        &self.key
    }

    /// Reserves a slot for one call (one round trip) and returns how long to wait.
    pub fn reserve(&self) -> Result<Duration, StoreError> {
        self.store.reserve(&self.key)
    }

    /// Like [`reserve`](Self::reserve), with the slot's time on Redis's clock.
    pub fn reservation(&self) -> Result<Reservation, StoreError> {
        self.store.reservation(&self.key)
    }
}

/// The blocking twin of [`crate::TokenCache`].
#[derive(Debug, Clone)]
pub struct TokenCache {
    store: RedisStore,
    key: TokenKey,
}

impl TokenCache {
    /// The entry's key (account and client id).
    pub fn key(&self) -> &TokenKey {
        &self.key
    }

    /// The stored token, if any; also when expired, for its refresh token.
    pub fn get(&self) -> Result<Option<StoredToken>, StoreError> {
        self.store.get_token(&self.key)
    }

    /// Takes the refresh lock for the configured time to live; `None` when held elsewhere.
    pub fn try_lock(&self) -> Result<Option<TokenLock>, StoreError> {
        self.store.try_lock(&self.key, self.store.config().lock_ttl)
    }

    /// Stores `token` atomically and releases the lock if still ours; returns whether it was.
    pub fn put_and_unlock(&self, token: &StoredToken, lock: TokenLock) -> Result<bool, StoreError> {
        self.store.put_and_unlock(&self.key, token, lock)
    }

    /// Releases the lock if it is still ours (compare and delete); returns whether it was.
    pub fn unlock(&self, lock: TokenLock) -> Result<bool, StoreError> {
        self.store.unlock(&self.key, lock)
    }

    /// Zoom rejected `access_token`: mark it expired if it is still the stored one.
    pub fn invalidate(&self, access_token: &SecretString) -> Result<(), StoreError> {
        self.store.invalidate(&self.key, access_token)
    }

    /// Single flight across processes; see [`crate::TokenCache::get_or_fetch`].
    pub fn get_or_fetch<F, E>(&self, fetch: F) -> Result<StoredToken, FetchError<E>>
    where
        F: FnOnce(Option<StoredToken>) -> Result<StoredToken, E>,
    {
        let config = self.store.config();
        let margin = config.refresh_margin;
        let mut backoff = Backoff::new(config.wait_timeout);
        loop {
            if let Some(entry) = self.store.entry(&self.key)?
                && is_fresh(&entry, margin)
            {
                return Ok(entry.token);
            }
            if let Some(lock) = self.try_lock()? {
                let current = match self.store.entry(&self.key) {
                    Ok(current) => current,
                    Err(error) => {
                        let _ = self.unlock(lock);
                        return Err(error.into());
                    }
                };
                if let Some(entry) = current.as_ref().filter(|e| is_fresh(e, margin)) {
                    let token = entry.token.clone();
                    let _ = self.unlock(lock);
                    return Ok(token);
                }
                return match fetch(current.map(|e| e.token)) {
                    Ok(token) => {
                        if let Err(error) = self.put_and_unlock(&token, lock) {
                            tracing::warn!(%error, "a fetched token could not be stored");
                        }
                        Ok(token)
                    }
                    Err(error) => {
                        let _ = self.unlock(lock);
                        Err(FetchError::Fetch(error))
                    }
                };
            }
            std::thread::sleep(backoff.pause()?);
        }
    }
}
