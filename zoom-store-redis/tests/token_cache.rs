//! The shared token cache and its lock against a real Redis.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use support::TestRedis;
use zoom_core::SecretString;
use zoom_store_redis::{
    FetchError, RedisConfig, StoreErrorKind, StoredToken, TokenKey, TokenLock, blocking,
};

fn config(redis: &TestRedis) -> RedisConfig {
    RedisConfig::new(&redis.url)
        .unwrap()
        .key_prefix(redis.prefix.clone())
}

fn cache(redis: &TestRedis) -> blocking::TokenCache {
    blocking::RedisStore::with_config(config(redis)).token_cache(key())
}

fn key() -> TokenKey {
    TokenKey::new("account-1", "client-1")
}

fn token(access: &str, refresh: Option<&str>, lifetime: Duration) -> StoredToken {
    StoredToken {
        access_token: access.into(),
        api_url: Some("https://api.zoom.us".into()),
        refresh_token: refresh.map(SecretString::from),
        expires_in: lifetime,
    }
}

const HOUR: Duration = Duration::from_secs(3600);

#[test]
fn only_one_of_many_concurrent_tryers_gets_the_lock() {
    let redis = TestRedis::shared();
    let barrier = Arc::new(Barrier::new(16));
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (cache, barrier) = (cache(&redis), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                cache.try_lock().unwrap().is_some()
            })
        })
        .collect();
    let winners = threads
        .into_iter()
        .map(|t| t.join().unwrap())
        .filter(|won| *won)
        .count();
    assert_eq!(winners, 1);
}

#[test]
fn compare_and_delete_never_releases_someone_elses_lock() {
    let redis = TestRedis::shared();
    let (mine, theirs) = (cache(&redis), cache(&redis));
    let lock = mine.try_lock().unwrap().expect("a free lock");
    assert!(!theirs.unlock(TokenLock::random()).unwrap());
    assert!(theirs.try_lock().unwrap().is_none(), "still held");
    assert!(mine.unlock(lock).unwrap());
    assert!(
        theirs.try_lock().unwrap().is_some(),
        "released by its owner"
    );
}

#[test]
fn a_dead_holders_lock_expires_and_another_takes_over() {
    let redis = TestRedis::shared();
    let store = blocking::RedisStore::with_config(config(&redis));
    let other = cache(&redis);
    let dead = store
        .try_lock(&key(), Duration::from_millis(50))
        .unwrap()
        .expect("a free lock");
    assert!(other.try_lock().unwrap().is_none());
    let deadline = Instant::now() + Duration::from_secs(10);
    let taken = loop {
        if let Some(lock) = other.try_lock().unwrap() {
            break lock;
        }
        assert!(Instant::now() < deadline, "the lock never expired");
        std::thread::sleep(Duration::from_millis(10));
    };
    // The late holder can neither release nor overwrite-and-release the new holder's lock.
    assert!(!store.unlock(&key(), dead.clone()).unwrap());
    assert!(
        !store
            .put_and_unlock(&key(), &token("late", None, HOUR), dead)
            .unwrap()
    );
    assert!(
        other.try_lock().unwrap().is_none(),
        "the new holder keeps it"
    );
    assert!(other.unlock(taken).unwrap());
}

#[test]
fn a_rotated_refresh_token_is_stored_with_its_access_token() {
    let redis = TestRedis::shared();
    let cache = cache(&redis);
    assert_eq!(cache.get().unwrap(), None);
    let lock = cache.try_lock().unwrap().unwrap();
    assert!(
        cache
            .put_and_unlock(&token("a-1", Some("r-1"), HOUR), lock)
            .unwrap()
    );
    let read = cache.get().unwrap().unwrap();
    assert_eq!(read.access_token.expose_secret(), "a-1");
    assert_eq!(read.refresh_token.as_ref().unwrap().expose_secret(), "r-1");
    assert_eq!(read.api_url.as_deref(), Some("https://api.zoom.us"));
    assert!(read.expires_in > HOUR - Duration::from_secs(60) && read.expires_in <= HOUR);
    let shown = format!("{read:?}");
    assert!(!shown.contains("a-1") && !shown.contains("r-1"), "{shown}");

    // A grant's entry outlives its access token; a token without a refresh token does not.
    let mut raw = redis.raw();
    let name = format!("{}:{{account-1}}:token:client-1", redis.prefix);
    let ttl: i64 = redis::cmd("PTTL").arg(&name).query(&mut raw).unwrap();
    assert_eq!(ttl, -1);
    let s2s = TokenKey::new("account-2", "client-1");
    let store = blocking::RedisStore::with_config(config(&redis));
    let lock = store.try_lock(&s2s, HOUR).unwrap().unwrap();
    store
        .put_and_unlock(&s2s, &token("s2s", None, HOUR), lock)
        .unwrap();
    let s2s_name = format!("{}:{{account-2}}:token:client-1", redis.prefix);
    let ttl: i64 = redis::cmd("PTTL").arg(&s2s_name).query(&mut raw).unwrap();
    assert!(ttl > 3_500_000 && ttl <= 3_600_000, "PTTL {ttl}");

    // No key name holds a secret.
    let names: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{}*", redis.prefix))
        .query(&mut raw)
        .unwrap();
    assert!(!names.is_empty());
    assert!(
        names
            .iter()
            .all(|n| !n.contains("a-1") && !n.contains("r-1") && !n.contains("s2s"))
    );
}

#[test]
fn readers_never_see_an_access_token_with_another_generations_refresh_token() {
    let redis = TestRedis::shared();
    let writer = cache(&redis);
    let reader = cache(&redis);
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let mut seen = 0;
            while !done.load(Ordering::Relaxed) {
                if let Some(t) = reader.get().unwrap() {
                    let access = t.access_token.expose_secret().trim_start_matches("a-");
                    let refresh = t.refresh_token.unwrap();
                    assert_eq!(access, refresh.expose_secret().trim_start_matches("r-"));
                    seen += 1;
                }
            }
            seen
        })
    };
    for generation in 0..300 {
        let lock = writer.try_lock().unwrap().unwrap();
        let rotated = token(
            &format!("a-{generation}"),
            Some(&format!("r-{generation}")),
            HOUR,
        );
        assert!(writer.put_and_unlock(&rotated, lock).unwrap());
    }
    done.store(true, Ordering::Relaxed);
    assert!(watcher.join().unwrap() > 0, "the reader read nothing");
    let last = writer.get().unwrap().unwrap();
    assert_eq!(last.refresh_token.unwrap().expose_secret(), "r-299");
}

#[test]
fn a_put_without_a_refresh_token_keeps_the_stored_one() {
    let redis = TestRedis::shared();
    let cache = cache(&redis);
    let lock = cache.try_lock().unwrap().unwrap();
    cache
        .put_and_unlock(&token("a-1", Some("r-1"), HOUR), lock)
        .unwrap();
    let lock = cache.try_lock().unwrap().unwrap();
    cache
        .put_and_unlock(&token("a-2", None, HOUR), lock)
        .unwrap();
    let read = cache.get().unwrap().unwrap();
    assert_eq!(read.access_token.expose_secret(), "a-2");
    assert_eq!(read.refresh_token.unwrap().expose_secret(), "r-1");
}

#[test]
fn a_rejected_token_is_marked_expired_only_if_it_is_still_the_stored_one() {
    let redis = TestRedis::shared();
    let cache = cache(&redis);
    let lock = cache.try_lock().unwrap().unwrap();
    cache
        .put_and_unlock(&token("a-1", Some("r-1"), HOUR), lock)
        .unwrap();
    cache.invalidate(&"a-0".into()).unwrap();
    assert!(cache.get().unwrap().unwrap().expires_in > Duration::ZERO);
    cache.invalidate(&"a-1".into()).unwrap();
    let read = cache.get().unwrap().unwrap();
    assert_eq!(read.expires_in, Duration::ZERO);
    assert_eq!(read.refresh_token.unwrap().expose_secret(), "r-1");
    let fetched = cache
        .get_or_fetch(|_| Ok::<_, ()>(token("a-2", None, HOUR)))
        .unwrap();
    assert_eq!(fetched.access_token.expose_secret(), "a-2");
}

#[test]
fn a_hundred_blocking_callers_in_four_processes_fetch_once() {
    let redis = TestRedis::shared();
    let fetches = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(Barrier::new(100));
    let threads: Vec<_> = (0..4)
        .flat_map(|_| {
            let cache = cache(&redis); // one connection per "process"
            let (fetches, barrier) = (Arc::clone(&fetches), Arc::clone(&barrier));
            (0..25).map(move |_| {
                let (cache, fetches, barrier) =
                    (cache.clone(), Arc::clone(&fetches), Arc::clone(&barrier));
                std::thread::spawn(move || {
                    barrier.wait();
                    cache
                        .get_or_fetch(|_| {
                            fetches.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(20));
                            Ok::<_, ()>(token("shared", None, HOUR))
                        })
                        .unwrap()
                })
            })
        })
        .collect();
    for thread in threads {
        assert_eq!(
            thread.join().unwrap().access_token.expose_secret(),
            "shared"
        );
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_user_refreshes_in_four_processes_refresh_once() {
    let redis = TestRedis::shared();
    let stores: Vec<_> = (0..4)
        .map(|_| zoom_store_redis::RedisStore::with_config(config(&redis)).unwrap())
        .collect();
    // The grant as stored: an expired access token and the current refresh token.
    let seed = stores[0].token_cache(key());
    let lock = seed.try_lock().await.unwrap().unwrap();
    seed.put_and_unlock(&token("a-0", Some("r-0"), Duration::ZERO), lock)
        .await
        .unwrap();

    let refreshes = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..100 {
        let cache = stores[i % 4].token_cache(key());
        let refreshes = Arc::clone(&refreshes);
        tasks.push(tokio::spawn(async move {
            cache
                .get_or_fetch(|stored| async move {
                    let used = stored.and_then(|t| t.refresh_token);
                    // Zoom accepts a refresh token once; only r-0 is valid here.
                    assert_eq!(used.as_ref().map(SecretString::expose_secret), Some("r-0"));
                    refreshes.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Ok::<_, ()>(token("a-1", Some("r-1"), HOUR))
                })
                .await
                .unwrap()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().access_token.expose_secret(), "a-1");
    }
    assert_eq!(refreshes.load(Ordering::SeqCst), 1);
    let stored = seed.get().await.unwrap().unwrap();
    assert_eq!(stored.refresh_token.unwrap().expose_secret(), "r-1");
}

#[test]
fn a_failed_fetch_releases_the_lock_for_the_next_caller() {
    let redis = TestRedis::shared();
    let cache = cache(&redis);
    let error = cache
        .get_or_fetch(|_| Err::<StoredToken, _>("token endpoint down"))
        .unwrap_err();
    assert!(matches!(error, FetchError::Fetch("token endpoint down")));
    let lock = cache.try_lock().unwrap();
    assert!(lock.is_some(), "the lock was released");
}

#[test]
fn a_waiter_gives_up_with_a_typed_error_when_the_lock_outlives_the_wait() {
    let redis = TestRedis::shared();
    let holder = cache(&redis);
    let _held = holder.try_lock().unwrap().unwrap();
    let config = config(&redis).wait_timeout(Duration::from_millis(200));
    let waiter = blocking::RedisStore::with_config(config).token_cache(key());
    let error = waiter
        .get_or_fetch(|_| -> Result<StoredToken, ()> { panic!("must not fetch") })
        .unwrap_err();
    match error {
        FetchError::Store(error) => assert_eq!(error.kind, StoreErrorKind::Timeout),
        FetchError::Fetch(()) => unreachable!(),
    }
}

#[test]
fn a_stored_token_near_expiry_is_refreshed_and_a_fresh_one_is_not() {
    let redis = TestRedis::shared();
    let cache = cache(&redis);
    let lock = cache.try_lock().unwrap().unwrap();
    cache
        .put_and_unlock(&token("old", None, Duration::from_secs(30)), lock)
        .unwrap();
    // Half of a 30 s token is left: fresh (the margin is at most half the lifetime).
    let got = cache.get_or_fetch(|_| -> Result<StoredToken, ()> { panic!("refetched") });
    assert_eq!(got.unwrap().access_token.expose_secret(), "old");
    // Say it was a one-hour token: 30 s left is inside the 60 s refresh margin.
    let name = format!("{}:{{account-1}}:token:client-1", redis.prefix);
    let _: () = redis::cmd("HSET")
        .arg(&name)
        .arg("lifetime_ms")
        .arg(3_600_000)
        .query(&mut redis.raw())
        .unwrap();
    let got = cache
        .get_or_fetch(|_| Ok::<_, ()>(token("new", None, HOUR)))
        .unwrap();
    assert_eq!(got.access_token.expose_secret(), "new");
    let again = cache
        .get_or_fetch(|_| -> Result<StoredToken, ()> { panic!("fresh token refetched") })
        .unwrap();
    assert_eq!(again.access_token.expose_secret(), "new");
}

#[test]
fn a_holder_that_lost_its_lock_writes_a_newer_token_but_never_an_older_one() {
    let redis = TestRedis::shared();
    let store = blocking::RedisStore::with_config(config(&redis));
    let lost = store
        .try_lock(&key(), Duration::from_millis(1))
        .unwrap()
        .unwrap();
    let other = cache(&redis);
    let deadline = Instant::now() + Duration::from_secs(10);
    let taken = loop {
        if let Some(lock) = other.try_lock().unwrap() {
            break lock;
        }
        assert!(Instant::now() < deadline, "the lock never expired");
        std::thread::sleep(Duration::from_millis(5));
    };
    // Its refresh succeeded, so its rotated refresh token is the only live one: keep it.
    let rotated = token("late", Some("r-late"), HOUR);
    assert!(
        !store
            .put_and_unlock(&key(), &rotated, lost.clone())
            .unwrap()
    );
    let read = other.get().unwrap().unwrap();
    assert_eq!(read.refresh_token.unwrap().expose_secret(), "r-late");
    // An older token (expiring sooner than the stored one) is not written over it.
    let older = token("older", Some("r-older"), Duration::from_secs(60));
    assert!(!store.put_and_unlock(&key(), &older, lost).unwrap());
    assert_eq!(
        other.get().unwrap().unwrap().access_token.expose_secret(),
        "late"
    );
    assert!(other.unlock(taken).unwrap());
}

#[test]
fn a_waiter_takes_over_from_a_holder_that_died_mid_refresh() {
    let redis = TestRedis::shared();
    let store = blocking::RedisStore::with_config(config(&redis));
    // The holder takes the lock for 100 ms and dies without a word.
    let _dead = store
        .try_lock(&key(), Duration::from_millis(100))
        .unwrap()
        .unwrap();
    let waiter = cache(&redis); // waits up to 15 s, longer than the lock lives
    let fetches = AtomicUsize::new(0);
    let token = waiter
        .get_or_fetch(|stored| {
            assert_eq!(stored, None);
            fetches.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(token("after-takeover", None, HOUR))
        })
        .unwrap();
    assert_eq!(token.access_token.expose_secret(), "after-takeover");
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    assert!(
        waiter.try_lock().unwrap().is_some(),
        "the new holder released the lock"
    );
}
