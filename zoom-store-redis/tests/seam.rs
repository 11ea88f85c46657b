//! The same rules for the default in-memory store and the Redis store, through the one seam
//! of `zoom_core::store` (`run(StoreOp)`): whatever a client does with one, it can do with
//! the other.

mod support;

use std::sync::Arc;
use std::time::Duration;

use support::TestRedis;
use zoom_core::SecretString;
use zoom_core::store::{
    BlockingSharedStore, LimiterKey, MemoryStore, SharedStore, StoreOp, StoreOutcome, StoredToken,
    TokenKey, TokenLock,
};
use zoom_store_redis::{RedisConfig, RedisStore, blocking};

const HOUR: Duration = Duration::from_secs(3600);

fn token(access: &str, refresh: Option<&str>) -> StoredToken {
    StoredToken {
        access_token: access.into(),
        api_url: None,
        refresh_token: refresh.map(SecretString::from),
        expires_in: HOUR,
        lifetime: HOUR,
    }
}

/// The typed answers of the seam's operations, for the rules below.
struct Ops<'s>(&'s dyn BlockingSharedStore);

impl Ops<'_> {
    fn get(&self, key: &TokenKey) -> Option<StoredToken> {
        match self.0.run(StoreOp::Get(key.clone())).unwrap() {
            StoreOutcome::Token(token) => token,
            other => panic!("Get answered {other:?}"),
        }
    }

    fn try_lock(&self, key: &TokenKey) -> Option<TokenLock> {
        let op = StoreOp::TryLock {
            key: key.clone(),
            ttl: HOUR,
        };
        match self.0.run(op).unwrap() {
            StoreOutcome::Locked(lock) => lock,
            other => panic!("TryLock answered {other:?}"),
        }
    }

    fn released(&self, op: StoreOp) -> bool {
        match self.0.run(op).unwrap() {
            StoreOutcome::Unlocked(ours) => ours,
            other => panic!("a release answered {other:?}"),
        }
    }

    fn put(&self, key: &TokenKey, token: StoredToken, lock: TokenLock) -> bool {
        let key = key.clone();
        self.released(StoreOp::PutAndUnlock { key, token, lock })
    }

    fn unlock(&self, key: &TokenKey, lock: TokenLock) -> bool {
        let key = key.clone();
        self.released(StoreOp::Unlock { key, lock })
    }

    fn invalidate(&self, key: &TokenKey, access_token: &str) {
        let op = StoreOp::Invalidate {
            key: key.clone(),
            access_token: access_token.into(),
        };
        assert!(matches!(self.0.run(op).unwrap(), StoreOutcome::Invalidated));
    }

    fn reserve(&self, key: &LimiterKey) -> Duration {
        match self.0.run(StoreOp::Reserve(key.clone())).unwrap() {
            StoreOutcome::Reserved(wait) => wait,
            other => panic!("Reserve answered {other:?}"),
        }
    }
}

fn token_rules(store: &dyn BlockingSharedStore) {
    let store = Ops(store);
    let key = TokenKey::new("acct", "client");
    assert_eq!(store.get(&key), None);
    let lock = store.try_lock(&key).expect("free");
    assert!(store.try_lock(&key).is_none(), "one holder");
    assert!(!store.unlock(&key, TokenLock::random()), "not ours");
    assert!(store.put(&key, token("a-1", Some("r-1")), lock));
    let lock = store.try_lock(&key).expect("released by put");
    assert!(store.put(&key, token("a-2", None), lock));
    let read = store.get(&key).unwrap();
    assert_eq!(read.access_token.expose_secret(), "a-2");
    assert_eq!(
        read.refresh_token.unwrap().expose_secret(),
        "r-1",
        "refresh token kept"
    );
    store.invalidate(&key, "a-2");
    assert_eq!(store.get(&key).unwrap().expires_in, Duration::ZERO);
}

fn limiter_rules(store: &dyn BlockingSharedStore) {
    let store = Ops(store);
    let mut key = LimiterKey::per_second("acct", "light", 4);
    key.interval = HOUR;
    let waits: Vec<_> = (0..3).map(|_| store.reserve(&key)).collect();
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

#[test]
fn the_memory_store_keeps_its_rules_on_a_manual_clock() {
    let clock = zoom_testkit::ManualClock::new();
    let memory = MemoryStore::with_time_source(clock.clone());
    let store = Ops(&memory);
    // The limiter's rules to the microsecond: the clock stands still until moved.
    let key = LimiterKey::per_second("acct", "light", 4);
    let waits: Vec<_> = (0..3).map(|_| store.reserve(&key)).collect();
    assert_eq!(waits, [Duration::ZERO, Duration::ZERO, key.interval]);
    clock.advance(HOUR);
    assert!(
        store.reserve(&key).is_zero(),
        "an idle hour refills the burst"
    );
    // A dead holder's lock and a token expire on the store's clock, not the system's.
    let key = TokenKey::new("acct", "client");
    let _dead = store.try_lock(&key).expect("free");
    clock.advance(HOUR - Duration::from_millis(1));
    assert!(store.try_lock(&key).is_none(), "still held");
    clock.advance(Duration::from_millis(1));
    let lock = store.try_lock(&key).expect("expired with its holder");
    assert!(store.put(&key, token("a", None), lock));
    clock.advance(HOUR / 2);
    assert_eq!(store.get(&key).unwrap().expires_in, HOUR / 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_async_seam_reaches_redis_too() {
    let redis = TestRedis::shared();
    let config = RedisConfig::new(&redis.url)
        .unwrap()
        .key_prefix(redis.prefix.clone());
    let store: Arc<dyn SharedStore> = Arc::new(RedisStore::with_config(config.clone()).unwrap());
    let key = TokenKey::new("acct", "client");
    let try_lock = StoreOp::TryLock {
        key: key.clone(),
        ttl: HOUR,
    };
    let Ok(StoreOutcome::Locked(Some(lock))) = store.run(try_lock).await else {
        panic!("a free lock")
    };
    let put = StoreOp::PutAndUnlock {
        key: key.clone(),
        token: token("a", None),
        lock,
    };
    assert!(matches!(
        store.run(put).await,
        Ok(StoreOutcome::Unlocked(true))
    ));
    let Ok(StoreOutcome::Token(Some(read))) = store.run(StoreOp::Get(key)).await else {
        panic!("the stored token")
    };
    assert_eq!(read.access_token.expose_secret(), "a");
    let limiter: Box<dyn SharedStore> = Box::new(RedisStore::with_config(config).unwrap());
    let key = LimiterKey::per_second("acct", "light", 1);
    assert!(matches!(
        limiter.run(StoreOp::Reserve(key)).await,
        Ok(StoreOutcome::Reserved(wait)) if wait.is_zero()
    ));
}
