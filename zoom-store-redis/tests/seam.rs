//! The same rules for the default in-memory store and the Redis store, through the traits
//! proposed in `zoom_core::store`: whatever a client does with one, it can do with the other.

mod support;

use std::time::Duration;

use support::TestRedis;
use zoom_core::SecretString;
use zoom_core::store::{
    BlockingLimiterStore, BlockingTokenStore, LimiterKey, LimiterStore, MemoryStore, StoredToken,
    TokenKey, TokenLock, TokenStore,
};
use zoom_store_redis::{RedisConfig, RedisStore, blocking};

const HOUR: Duration = Duration::from_secs(3600);

fn token(access: &str, refresh: Option<&str>) -> StoredToken {
    StoredToken {
        access_token: access.into(),
        api_url: None,
        refresh_token: refresh.map(SecretString::from),
        expires_in: HOUR,
    }
}

fn token_rules(store: &dyn BlockingTokenStore) {
    let key = TokenKey::new("acct", "client");
    assert_eq!(store.get(&key).unwrap(), None);
    let lock = store.try_lock(&key, HOUR).unwrap().expect("free");
    assert!(store.try_lock(&key, HOUR).unwrap().is_none(), "one holder");
    assert!(
        !store.unlock(&key, TokenLock::random()).unwrap(),
        "not ours"
    );
    assert!(
        store
            .put_and_unlock(&key, &token("a-1", Some("r-1")), lock)
            .unwrap()
    );
    let lock = store
        .try_lock(&key, HOUR)
        .unwrap()
        .expect("released by put");
    assert!(
        store
            .put_and_unlock(&key, &token("a-2", None), lock)
            .unwrap()
    );
    let read = store.get(&key).unwrap().unwrap();
    assert_eq!(read.access_token.expose_secret(), "a-2");
    assert_eq!(
        read.refresh_token.unwrap().expose_secret(),
        "r-1",
        "refresh token kept"
    );
    store.invalidate(&key, &"a-2".into()).unwrap();
    assert_eq!(store.get(&key).unwrap().unwrap().expires_in, Duration::ZERO);
}

fn limiter_rules(store: &dyn BlockingLimiterStore) {
    let mut key = LimiterKey::per_second("acct", "light", 4);
    key.interval = HOUR;
    let waits: Vec<_> = (0..3).map(|_| store.reserve(&key).unwrap()).collect();
    assert!(waits[0].is_zero() && waits[1].is_zero(), "{waits:?}");
    assert!(waits[2] > HOUR - Duration::from_secs(60), "{waits:?}");
}

fn redis_store(redis: &TestRedis) -> blocking::RedisStore {
    let config = RedisConfig::new(&redis.url)
        .unwrap()
        .key_prefix(redis.prefix.clone());
    blocking::RedisStore::with_config(config)
}

#[test]
fn the_memory_store_and_the_redis_store_keep_the_same_token_rules() {
    token_rules(&MemoryStore::new());
    token_rules(&redis_store(&TestRedis::shared()));
}

#[test]
fn the_memory_store_and_the_redis_store_keep_the_same_limiter_rules() {
    limiter_rules(&MemoryStore::new());
    limiter_rules(&redis_store(&TestRedis::shared()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_async_traits_reach_redis_too() {
    let redis = TestRedis::shared();
    let config = RedisConfig::new(&redis.url)
        .unwrap()
        .key_prefix(redis.prefix.clone());
    let store: std::sync::Arc<dyn TokenStore> =
        std::sync::Arc::new(RedisStore::with_config(config.clone()).unwrap());
    let key = TokenKey::new("acct", "client");
    let lock = store.try_lock(&key, HOUR).await.unwrap().unwrap();
    assert!(
        store
            .put_and_unlock(&key, &token("a", None), lock)
            .await
            .unwrap()
    );
    let read = store.get(&key).await.unwrap().unwrap();
    assert_eq!(read.access_token.expose_secret(), "a");
    let limiter: Box<dyn LimiterStore> = Box::new(RedisStore::with_config(config).unwrap());
    let key = LimiterKey::per_second("acct", "light", 1);
    assert!(limiter.reserve(&key).await.unwrap().is_zero());
}
