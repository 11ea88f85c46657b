//! The blocking store: a plain connection, no async runtime needed.
//!
//! ```no_run
//! use zoom_store_redis::blocking::RedisStore;
//!
//! let store = RedisStore::connect("redis://127.0.0.1:6379")?;
//! std::thread::sleep(store.limiter("my-account-id", "light", 10).reserve()?);
//! # Ok::<(), zoom_core::store::StoreError>(())
//! ```

use std::sync::Arc;
use std::time::Duration;

use zoom_core::SecretString;
use zoom_core::store::{LimiterKey, StoreError, StoredToken, TokenKey, TokenLock};

use crate::config::RedisConfig;
use crate::conn::BlockingConn;
use crate::protocol::{self, RawEntry, Reservation};

/// The blocking store: one connection, opened on first use and reopened after a failure.
/// Cheap to clone; clones share the connection.
#[derive(Clone)]
pub struct RedisStore {
    pub(crate) conn: Arc<BlockingConn>,
}

crate::store_basics!("blocking::RedisStore");

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

    /// Reserves a slot on `key`'s schedule and returns how long to wait.
    pub fn reserve(&self, key: &LimiterKey) -> Result<Duration, StoreError> {
        Ok(self.reservation(key)?.wait)
    }

    /// Reserves a slot on `key`'s schedule, with its time on Redis's clock.
    pub fn reservation(&self, key: &LimiterKey) -> Result<Reservation, StoreError> {
        let op = protocol::reserve(&self.config().prefix, key);
        Ok(protocol::read_reservation(self.conn.run(op)?))
    }

    /// The token stored for `key`, if any; also when expired, for its refresh token.
    pub fn get_token(&self, key: &TokenKey) -> Result<Option<StoredToken>, StoreError> {
        let op = protocol::get(&self.config().prefix, key);
        Ok(protocol::read_entry(self.conn.run::<RawEntry>(op)?))
    }

    /// Takes `key`'s refresh lock for `ttl` if it is free.
    pub fn try_lock(&self, key: &TokenKey, ttl: Duration) -> Result<Option<TokenLock>, StoreError> {
        let proof = TokenLock::random();
        let op = protocol::try_lock(&self.config().prefix, key, &proof, ttl);
        Ok(protocol::read_lock(self.conn.run(op)?, proof))
    }

    /// Stores `token` and releases `lock` if still ours; returns whether it was.
    pub fn put_and_unlock(
        &self,
        key: &TokenKey,
        token: &StoredToken,
        lock: TokenLock,
    ) -> Result<bool, StoreError> {
        let op = protocol::put_and_unlock(&self.config().prefix, key, token, &lock);
        Ok(protocol::read_put(self.conn.run(op)?))
    }

    /// Releases `lock` if still ours (compare and delete); returns whether it was.
    pub fn unlock(&self, key: &TokenKey, lock: TokenLock) -> Result<bool, StoreError> {
        let op = protocol::unlock(&self.config().prefix, key, &lock);
        Ok(protocol::read_released(self.conn.run(op)?))
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

/// The blocking twin of [`crate::RedisLimiter`]: the same handle on this store.
pub type RedisLimiter = crate::RedisLimiter<RedisStore>;
