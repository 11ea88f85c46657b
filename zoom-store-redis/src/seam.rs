//! The store traits proposed in [`zoom_core::store`], implemented by delegation to the
//! inherent methods, so that a client can take a Redis store wherever it takes the default
//! [`zoom_core::store::MemoryStore`].

use std::time::Duration;

use zoom_core::SecretString;
use zoom_core::store::{
    BlockingLimiterStore, BlockingTokenStore, LimiterKey, LimiterStore, StoreError, StoredToken,
    TokenKey, TokenLock, TokenStore,
};

use crate::{RedisStore, blocking};

#[async_trait::async_trait]
impl LimiterStore for RedisStore {
    async fn reserve(&self, key: &LimiterKey) -> Result<Duration, StoreError> {
        RedisStore::reserve(self, key).await
    }
}

#[async_trait::async_trait]
impl TokenStore for RedisStore {
    async fn get(&self, key: &TokenKey) -> Result<Option<StoredToken>, StoreError> {
        self.get_token(key).await
    }
    async fn try_lock(
        &self,
        key: &TokenKey,
        ttl: Duration,
    ) -> Result<Option<TokenLock>, StoreError> {
        RedisStore::try_lock(self, key, ttl).await
    }
    async fn put_and_unlock(
        &self,
        key: &TokenKey,
        token: &StoredToken,
        lock: TokenLock,
    ) -> Result<bool, StoreError> {
        RedisStore::put_and_unlock(self, key, token, lock).await
    }
    async fn unlock(&self, key: &TokenKey, lock: TokenLock) -> Result<bool, StoreError> {
        RedisStore::unlock(self, key, lock).await
    }
    async fn invalidate(
        &self,
        key: &TokenKey,
        access_token: &SecretString,
    ) -> Result<(), StoreError> {
        RedisStore::invalidate(self, key, access_token).await
    }
}

impl BlockingLimiterStore for blocking::RedisStore {
    fn reserve(&self, key: &LimiterKey) -> Result<Duration, StoreError> {
        blocking::RedisStore::reserve(self, key)
    }
}

impl BlockingTokenStore for blocking::RedisStore {
    fn get(&self, key: &TokenKey) -> Result<Option<StoredToken>, StoreError> {
        self.get_token(key)
    }
    fn try_lock(&self, key: &TokenKey, ttl: Duration) -> Result<Option<TokenLock>, StoreError> {
        blocking::RedisStore::try_lock(self, key, ttl)
    }
    fn put_and_unlock(
        &self,
        key: &TokenKey,
        token: &StoredToken,
        lock: TokenLock,
    ) -> Result<bool, StoreError> {
        blocking::RedisStore::put_and_unlock(self, key, token, lock)
    }
    fn unlock(&self, key: &TokenKey, lock: TokenLock) -> Result<bool, StoreError> {
        blocking::RedisStore::unlock(self, key, lock)
    }
    fn invalidate(&self, key: &TokenKey, access_token: &SecretString) -> Result<(), StoreError> {
        blocking::RedisStore::invalidate(self, key, access_token)
    }
}
