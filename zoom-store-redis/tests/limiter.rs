//! The distributed GCRA limiter against a real Redis. Times are read on Redis's clock (the
//! `allowed_at` every reservation reports), so nothing here depends on how fast the test runs.

mod support;

use std::sync::{Arc, Barrier};
use std::time::Duration;

use support::TestRedis;
use zoom_store_redis::{LimiterKey, RedisConfig, StoreError, blocking};

const SECOND_US: u64 = 1_000_000;

fn store(redis: &TestRedis) -> blocking::RedisStore {
    let config = RedisConfig::new(&redis.url)
        .unwrap()
        .key_prefix(redis.prefix.clone());
    blocking::RedisStore::with_config(config)
}

/// A limiter spaced 10 s apart: its schedule cannot catch up with the clock during a test.
fn slow_key(burst: u32) -> LimiterKey {
    let mut key = LimiterKey::per_second("acct-1", "light", 1).burst(burst);
    key.interval = Duration::from_secs(10);
    key
}

#[test]
fn a_burst_goes_through_then_slots_are_spaced_by_the_interval_across_connections() {
    let redis = TestRedis::shared();
    let stores: Vec<_> = (0..4).map(|_| store(&redis)).collect();
    let key = slow_key(3);
    let reservations: Vec<_> = (0..12)
        .map(|i| stores[i % stores.len()].reservation(&key).unwrap())
        .collect();
    let start = reservations[0].allowed_at_us;
    for (i, r) in reservations.iter().enumerate() {
        if i < 3 {
            assert_eq!(r.wait, Duration::ZERO, "call {i} is within the burst");
        } else {
            let expected = start + (i as u64 - 2) * 10 * SECOND_US;
            assert_eq!(r.allowed_at_us, expected, "call {i}");
            assert!(r.wait > Duration::ZERO, "call {i} must wait");
        }
    }
}

#[test]
fn concurrent_processes_never_get_the_same_slot() {
    let redis = TestRedis::shared();
    let key = slow_key(2);
    let barrier = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (store, key, barrier) = (store(&redis), key.clone(), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                (0..10)
                    .map(|_| store.reservation(&key).unwrap().allowed_at_us)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut slots: Vec<u64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    slots.sort_unstable();
    // The burst (2) goes at once; every later slot is exactly one interval after the last.
    let first_spaced = slots[2];
    for (n, slot) in slots[2..].iter().enumerate() {
        assert_eq!(
            *slot,
            first_spaced + n as u64 * 10 * SECOND_US,
            "slot {}",
            n + 2
        );
    }
    assert_eq!(first_spaced - slots[0], 10 * SECOND_US);
}

#[test]
fn the_burst_is_half_the_rate_as_in_the_local_limiter() {
    let redis = TestRedis::shared();
    let store = store(&redis);
    for (rate, burst) in [(1, 1), (4, 2), (30, 15), (81, 40)] {
        let mut key = LimiterKey::per_second(format!("acct-{rate}"), "light", rate);
        assert_eq!(key.burst, burst);
        assert_eq!(key.interval, Duration::from_secs(1) / rate);
        key.interval = Duration::from_secs(10);
        let waits: Vec<_> = (0..=burst).map(|_| store.reserve(&key).unwrap()).collect();
        assert!(
            waits[..burst as usize].iter().all(Duration::is_zero),
            "rate {rate}: {waits:?}"
        );
        assert!(
            waits[burst as usize] > Duration::ZERO,
            "rate {rate}: {waits:?}"
        );
    }
}

#[test]
fn accounts_and_labels_have_their_own_schedules() {
    let redis = TestRedis::shared();
    let store = store(&redis);
    let key = slow_key(1);
    assert_eq!(store.reserve(&key).unwrap(), Duration::ZERO);
    assert!(store.reserve(&key).unwrap() > Duration::ZERO);
    let other_label = LimiterKey {
        label: "medium".into(),
        ..key.clone()
    };
    let other_account = LimiterKey {
        account: "acct-2".into(),
        ..key
    };
    assert_eq!(store.reserve(&other_label).unwrap(), Duration::ZERO);
    assert_eq!(store.reserve(&other_account).unwrap(), Duration::ZERO);
}

#[test]
fn an_idle_schedule_key_expires_soon_after_it_catches_up() {
    let redis = TestRedis::shared();
    let store = store(&redis);
    let key = slow_key(1);
    store.reserve(&key).unwrap();
    store.reserve(&key).unwrap();
    let name = format!("{}:{{acct-1}}:limit:light", redis.prefix);
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&name)
        .query(&mut redis.raw())
        .unwrap();
    // Two slots of 10 s are booked: the key lives until the schedule is past, plus 1 s.
    assert!(ttl > 10_000 && ttl <= 21_000, "PTTL {ttl}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_async_limiter_shares_the_schedule_with_the_blocking_one() {
    let redis = TestRedis::shared();
    let config = RedisConfig::new(&redis.url)
        .unwrap()
        .key_prefix(redis.prefix.clone());
    let async_store = zoom_store_redis::RedisStore::with_config(config.clone()).unwrap();
    let limiter = async_store.limiter("acct-1", "light", 1);
    let blocking_store = blocking::RedisStore::with_config(config);
    let blocking_limiter = blocking_store.limiter("acct-1", "light", 1);
    let first = limiter.reservation().await.unwrap();
    let second = tokio::task::spawn_blocking(move || blocking_limiter.reservation())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.wait, Duration::ZERO);
    assert_eq!(second.allowed_at_us, first.allowed_at_us + SECOND_US);
    let _: Result<Duration, StoreError> = limiter.reserve().await;
}
