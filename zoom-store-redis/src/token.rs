//! Handles on one account's shared limiter and token cache (async).

use std::future::Future;
use std::time::Duration;

use zoom_core::SecretString;
use zoom_core::store::{LimiterKey, StoreError, StoredToken, TokenKey, TokenLock};

use crate::RedisStore;
use crate::flight::{Backoff, FetchError, is_fresh};
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

/// One account's token entry and its refresh lock. Cheap to clone.
#[derive(Debug, Clone)]
pub struct TokenCache {
    pub(crate) store: RedisStore,
    pub(crate) key: TokenKey,
}

impl TokenCache {
    /// The entry's key (account and client id).
    pub fn key(&self) -> &TokenKey {
        &self.key
    }

    /// The stored token, if any; also when expired, for its refresh token.
    pub async fn get(&self) -> Result<Option<StoredToken>, StoreError> {
        self.store.get_token(&self.key).await
    }

    /// Takes the refresh lock (`SET NX PX` with a random owner) for the configured time to
    /// live; `None` when another process holds it.
    pub async fn try_lock(&self) -> Result<Option<TokenLock>, StoreError> {
        let ttl = self.store.conn.config().lock_ttl;
        self.store.try_lock(&self.key, ttl).await
    }

    /// Stores `token` (a rotated refresh token in the same atomic write) and releases the
    /// lock if it is still ours; returns whether it was.
    pub async fn put_and_unlock(
        &self,
        token: &StoredToken,
        lock: TokenLock,
    ) -> Result<bool, StoreError> {
        self.store.put_and_unlock(&self.key, token, lock).await
    }

    /// Releases the lock if it is still ours (compare and delete); returns whether it was.
    pub async fn unlock(&self, lock: TokenLock) -> Result<bool, StoreError> {
        self.store.unlock(&self.key, lock).await
    }

    /// Zoom rejected `access_token`: mark it expired if it is still the stored one.
    pub async fn invalidate(&self, access_token: &SecretString) -> Result<(), StoreError> {
        self.store.invalidate(&self.key, access_token).await
    }

    /// Single flight across processes: a fresh stored token, or one fetched by exactly one
    /// caller while the others wait (with backoff, up to the wait timeout).
    ///
    /// `fetch` gets the stored entry (for user OAuth, its refresh token) and is called at
    /// most once, under the lock. If storing its token fails, the token is still returned.
    pub async fn get_or_fetch<F, Fut, E>(&self, fetch: F) -> Result<StoredToken, FetchError<E>>
    where
        F: FnOnce(Option<StoredToken>) -> Fut,
        Fut: Future<Output = Result<StoredToken, E>>,
    {
        let config = self.store.conn.config();
        let margin = config.refresh_margin;
        let mut backoff = Backoff::new(config.wait_timeout);
        loop {
            if let Some(entry) = self.store.entry(&self.key).await?
                && is_fresh(&entry, margin)
            {
                return Ok(entry.token);
            }
            if let Some(lock) = self.try_lock().await? {
                // Read again under the lock: another process may have just refreshed.
                let current = match self.store.entry(&self.key).await {
                    Ok(current) => current,
                    Err(error) => {
                        let _ = self.unlock(lock).await;
                        return Err(error.into());
                    }
                };
                if let Some(entry) = current.as_ref().filter(|e| is_fresh(e, margin)) {
                    let token = entry.token.clone();
                    let _ = self.unlock(lock).await;
                    return Ok(token);
                }
                return match fetch(current.map(|e| e.token)).await {
                    Ok(token) => {
                        if let Err(error) = self.put_and_unlock(&token, lock).await {
                            tracing::warn!(%error, "a fetched token could not be stored");
                        }
                        Ok(token)
                    }
                    Err(error) => {
                        let _ = self.unlock(lock).await;
                        Err(FetchError::Fetch(error))
                    }
                };
            }
            tokio::time::sleep(backoff.pause()?).await;
        }
    }
}
