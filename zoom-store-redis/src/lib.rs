//! Redis store for the Zoom live-stream SDK: one rate limit and one token cache shared by
//! every process that uses the same Zoom account.
//!
//! Zoom's rate limits belong to the account, and a user-OAuth refresh token may be used only
//! once. When several processes (web workers, job runners, pods) call Zoom for one account,
//! give each client the same store with `.shared_store(store)`: the client's call then runs
//! its single flight across processes through the store (see [`zoom_core::store`]). The
//! store provides:
//!
//! - **a GCRA limiter** per account and rate-limit label: each reservation is one Lua
//!   script, one round trip, on Redis's own clock (so processes with skewed clocks agree);
//! - **the token entry and its lock**: a lock taken with `SET NX PX` and a random owner, a
//!   rotated refresh token written atomically with its access token, the lock released by
//!   compare-and-delete, a rejected token marked expired only if it is still the stored one.
//!
//! Every call is bounded (connect and answer timeouts, 500 ms each by default) and fails
//! with a typed [`StoreError`]; after a failure to reach Redis, calls fail at once for
//! [`RedisConfig::reconnect_delay`] and then reconnect. Callers fall back to their local
//! state: the store never causes an outage. The store holds live tokens: keep it private
//! (see `docs/SCALING.md`), use `rediss://` and Redis AUTH across machines.
//!
//! The async API ([`RedisStore`]) runs on Tokio; [`blocking::RedisStore`] needs no runtime.
//! Both implement the store traits of [`zoom_core::store`], so a client takes them as is:
//!
//! ```no_run
//! # async fn run(transport: impl zoom_core::Transport + 'static) -> Result<(), Box<dyn std::error::Error>> {
//! use zoom_core::{Client, RateLimiter};
//! use zoom_store_redis::RedisStore;
//!
//! let client = Client::builder().transport(transport)
//!     .server_to_server_oauth("account-id", "client-id", "client-secret")
//!     .rate_limiter(RateLimiter::per_second(10)) // for all the processes together
//!     .shared_store(RedisStore::connect("redis://127.0.0.1:6379")?)
//!     .build()?;
//! # let _ = client;
//! # Ok(()) }
//! ```
//!
//! The limiter works on its own too, for calls made without the SDK's clients:
//!
//! ```no_run
//! # async fn run() -> Result<(), zoom_core::store::StoreError> {
//! use zoom_store_redis::RedisStore;
//!
//! let store = RedisStore::connect("redis://127.0.0.1:6379")?;
//! let limiter = store.limiter("my-account-id", "light", 10);
//! tokio::time::sleep(limiter.reserve().await?).await;
//! // ... make the call ...
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

use std::sync::Arc;
use std::time::Duration;

use zoom_core::SecretString;

pub mod blocking;
mod config;
mod conn;
mod limiter;
mod protocol;
mod seam;

pub use config::RedisConfig;
pub use limiter::RedisLimiter;
pub use protocol::Reservation;
pub use zoom_core::store::{
    LimiterKey, StoreError, StoreErrorKind, StoredToken, TokenKey, TokenLock,
};

use conn::AsyncConn;
use protocol::RawEntry;

/// The async store: a lazily connected, self-reconnecting Tokio connection to Redis.
/// Cheap to clone; clones share the connection.
#[derive(Clone)]
pub struct RedisStore {
    conn: Arc<AsyncConn>,
}

/// What both stores (`RedisStore` of the module it is used in, over a `conn`) have alike:
/// a `Debug` that shows the configuration (never the password), `config` and `limiter`.
macro_rules! store_basics {
    ($shown:literal) => {
        impl std::fmt::Debug for RedisStore {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct($shown)
                    .field("config", self.conn.config())
                    .finish()
            }
        }

        impl RedisStore {
            /// The store's configuration (its URL shown without password).
            pub fn config(&self) -> &RedisConfig {
                self.conn.config()
            }

            /// The limiter of `account` for Zoom's `label` (e.g. `light`) at `rate` calls
            /// per second: spaced `1/rate` apart, bursts of `rate/2` (at least 1), as the
            /// local limiter.
            pub fn limiter(
                &self,
                account: &str,
                label: &str,
                rate: u32,
            ) -> $crate::RedisLimiter<Self> {
                let key = LimiterKey::per_second(account, label, rate);
                $crate::limiter::RedisLimiter::new(self.clone(), key)
            }
        }
    };
}

pub(crate) use store_basics;

store_basics!("RedisStore");

impl RedisStore {
    /// A store for `url` with the default timeouts. Nothing is connected yet, so this fails
    /// only on a bad URL or outside a Tokio runtime, never because Redis is down.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        Self::with_config(RedisConfig::new(url)?)
    }

    /// A store with your timeouts and key prefix.
    pub fn with_config(config: RedisConfig) -> Result<Self, StoreError> {
        Ok(Self {
            conn: Arc::new(AsyncConn::new(&config)?),
        })
    }

    /// Reserves a slot on `key`'s schedule and returns how long to wait.
    pub async fn reserve(&self, key: &LimiterKey) -> Result<Duration, StoreError> {
        Ok(self.reservation(key).await?.wait)
    }

    /// Reserves a slot on `key`'s schedule, with its time on Redis's clock.
    pub async fn reservation(&self, key: &LimiterKey) -> Result<Reservation, StoreError> {
        let op = protocol::reserve(&self.config().prefix, key);
        Ok(protocol::read_reservation(self.conn.run(op).await?))
    }

    /// The token stored for `key`, if any; also when expired, for its refresh token.
    pub async fn get_token(&self, key: &TokenKey) -> Result<Option<StoredToken>, StoreError> {
        let op = protocol::get(&self.config().prefix, key);
        Ok(protocol::read_entry(self.conn.run::<RawEntry>(op).await?))
    }

    /// Takes `key`'s refresh lock for `ttl` if it is free.
    pub async fn try_lock(
        &self,
        key: &TokenKey,
        ttl: Duration,
    ) -> Result<Option<TokenLock>, StoreError> {
        let proof = TokenLock::random();
        let op = protocol::try_lock(&self.config().prefix, key, &proof, ttl);
        Ok(protocol::read_lock(self.conn.run(op).await?, proof))
    }

    /// Stores `token` and releases `lock` if still ours; returns whether it was.
    pub async fn put_and_unlock(
        &self,
        key: &TokenKey,
        token: &StoredToken,
        lock: TokenLock,
    ) -> Result<bool, StoreError> {
        let op = protocol::put_and_unlock(&self.config().prefix, key, token, &lock);
        Ok(protocol::read_put(self.conn.run(op).await?))
    }

    /// Releases `lock` if still ours (compare and delete); returns whether it was.
    pub async fn unlock(&self, key: &TokenKey, lock: TokenLock) -> Result<bool, StoreError> {
        let op = protocol::unlock(&self.config().prefix, key, &lock);
        Ok(protocol::read_released(self.conn.run(op).await?))
    }

    /// Marks `access_token` expired if it is still the stored one.
    pub async fn invalidate(
        &self,
        key: &TokenKey,
        access_token: &SecretString,
    ) -> Result<(), StoreError> {
        let op = protocol::invalidate(&self.config().prefix, key, access_token);
        self.conn.run::<i64>(op).await.map(drop)
    }
}
