//! `--redis-url`: the Redis store every process of the tool shares, wrapped so that the tool
//! says once on stderr when Redis cannot be used (the SDK then goes on with this process's
//! own token and rate limit, which is all a one-shot process has anyway).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use zoom_live_stream::SecretString;
use zoom_live_stream::redis::{self, RedisConfig};
use zoom_live_stream::store::{
    BlockingLimiterStore, BlockingTokenStore, LimiterKey, LimiterStore, StoreError, StoredToken,
    TokenKey, TokenLock, TokenStore,
};

use crate::report;

/// The blocking store for `config`.
pub(crate) fn blocking(config: &RedisConfig) -> Noted<redis::blocking::RedisStore> {
    Noted::new(
        redis::blocking::RedisStore::with_config(config.clone()),
        config,
    )
}

/// The async store for `config`; call it within the tokio runtime.
pub(crate) fn with_tokio(
    config: &RedisConfig,
) -> Result<Noted<redis::RedisStore>, zoom_live_stream::Error> {
    let store = redis::RedisStore::with_config(config.clone())
        .map_err(|e| zoom_live_stream::InvalidInput::new("redis_url", e.message))?;
    Ok(Noted::new(store, config))
}

/// A store that reports its first failure on stderr.
pub(crate) struct Noted<S> {
    store: S,
    url: String,
    said: AtomicBool,
}

impl<S> Noted<S> {
    fn new(store: S, config: &RedisConfig) -> Self {
        Self {
            store,
            url: config.url().to_owned(),
            said: AtomicBool::new(false),
        }
    }

    fn note<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        if let Err(error) = &result
            && !self.said.swap(true, Ordering::Relaxed)
        {
            report::say(&format!(
                "zoom-live-stream: warning: Redis at {} cannot be used ({}); going on without it, with this process's own token and rate limit",
                self.url, error.message
            ));
        }
        result
    }
}

#[zoom_live_stream::async_trait]
impl<S: LimiterStore> LimiterStore for Noted<S> {
    async fn reserve(&self, key: &LimiterKey) -> Result<Duration, StoreError> {
        self.note(self.store.reserve(key).await)
    }
}

#[zoom_live_stream::async_trait]
impl<S: TokenStore> TokenStore for Noted<S> {
    async fn get(&self, key: &TokenKey) -> Result<Option<StoredToken>, StoreError> {
        self.note(self.store.get(key).await)
    }
    async fn try_lock(
        &self,
        key: &TokenKey,
        ttl: Duration,
    ) -> Result<Option<TokenLock>, StoreError> {
        self.note(self.store.try_lock(key, ttl).await)
    }
    async fn put_and_unlock(
        &self,
        key: &TokenKey,
        token: &StoredToken,
        lock: TokenLock,
    ) -> Result<bool, StoreError> {
        self.note(self.store.put_and_unlock(key, token, lock).await)
    }
    async fn unlock(&self, key: &TokenKey, lock: TokenLock) -> Result<bool, StoreError> {
        self.note(self.store.unlock(key, lock).await)
    }
    async fn invalidate(
        &self,
        key: &TokenKey,
        access_token: &SecretString,
    ) -> Result<(), StoreError> {
        self.note(self.store.invalidate(key, access_token).await)
    }
}

impl<S: BlockingLimiterStore> BlockingLimiterStore for Noted<S> {
    fn reserve(&self, key: &LimiterKey) -> Result<Duration, StoreError> {
        self.note(self.store.reserve(key))
    }
}

impl<S: BlockingTokenStore> BlockingTokenStore for Noted<S> {
    fn get(&self, key: &TokenKey) -> Result<Option<StoredToken>, StoreError> {
        self.note(self.store.get(key))
    }
    fn try_lock(&self, key: &TokenKey, ttl: Duration) -> Result<Option<TokenLock>, StoreError> {
        self.note(self.store.try_lock(key, ttl))
    }
    fn put_and_unlock(
        &self,
        key: &TokenKey,
        token: &StoredToken,
        lock: TokenLock,
    ) -> Result<bool, StoreError> {
        self.note(self.store.put_and_unlock(key, token, lock))
    }
    fn unlock(&self, key: &TokenKey, lock: TokenLock) -> Result<bool, StoreError> {
        self.note(self.store.unlock(key, lock))
    }
    fn invalidate(&self, key: &TokenKey, access_token: &SecretString) -> Result<(), StoreError> {
        self.note(self.store.invalidate(key, access_token))
    }
}
