//! Redis unreachable, slow, killed mid-run or refusing the password: every call ends with a
//! typed error (never a hang), and the store comes back when Redis does.
//!
//! Bounds here are hang detectors (10 s for calls whose timeouts add up to well under a
//! second), not speed checks.

mod support;

use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use support::TestRedis;
use zoom_store_redis::{
    LimiterKey, RedisConfig, RedisStore, StoreError, StoreErrorKind, TokenKey, blocking,
};

const HANG: Duration = Duration::from_secs(10);
/// The SDK's lock time to live.
const LOCK_TTL: Duration = Duration::from_secs(10);

fn fast(url: &str) -> RedisConfig {
    RedisConfig::new(url)
        .unwrap()
        .connect_timeout(Duration::from_millis(250))
        .response_timeout(Duration::from_millis(250))
        .reconnect_delay(Duration::from_millis(100))
}

/// Runs `f` on a thread and fails the test if it has not ended within [`HANG`].
fn ends<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(HANG).expect("the call hung")
}

fn assert_down(result: Result<impl std::fmt::Debug, StoreError>) {
    let error = result.expect_err("Redis is down");
    assert!(
        matches!(
            error.kind,
            StoreErrorKind::Unavailable | StoreErrorKind::Timeout
        ),
        "{error:?}"
    );
}

#[test]
fn redis_killed_mid_run_makes_every_blocking_call_end_with_a_typed_error_then_recovers() {
    let mut redis = TestRedis::private(&[]);
    let store = blocking::RedisStore::with_config(fast(&redis.url));
    let limiter = store.limiter("acct", "light", 10);
    let key = TokenKey::new("acct", "client");
    limiter.reserve().unwrap();
    assert_eq!(store.get_token(&key).unwrap(), None);

    redis.kill();
    let (l, s, k) = (limiter.clone(), store.clone(), key.clone());
    let results = ends(move || {
        (0..20)
            .map(|i| match i % 3 {
                0 => l.reserve().map(drop),
                1 => s.get_token(&k).map(drop),
                _ => s.try_lock(&k, LOCK_TTL).map(drop),
            })
            .collect::<Vec<_>>()
    });
    results.into_iter().for_each(assert_down);

    redis.restart(&[]);
    let deadline = Instant::now() + HANG;
    while limiter.reserve().is_err() {
        assert!(Instant::now() < deadline, "the store never reconnected");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(store.try_lock(&key, LOCK_TTL).unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_mid_run_makes_every_async_call_end_with_a_typed_error_then_recovers() {
    let mut redis = TestRedis::private(&[]);
    let store = RedisStore::with_config(fast(&redis.url)).unwrap();
    let limiter = store.limiter("acct", "light", 10);
    let key = TokenKey::new("acct", "client");
    limiter.reserve().await.unwrap();

    // Calls in flight while Redis dies, and calls after.
    let mut tasks = Vec::new();
    for i in 0..50 {
        let (limiter, store, key) = (limiter.clone(), store.clone(), key.clone());
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(i)).await;
            if i % 2 == 0 {
                limiter.reserve().await.map(drop)
            } else {
                store.get_token(&key).await.map(drop)
            }
        }));
    }
    redis.kill();
    let mut failures = 0;
    for task in tasks {
        match tokio::time::timeout(HANG, task)
            .await
            .expect("a call hung")
            .unwrap()
        {
            Ok(()) => {}
            Err(error) => {
                assert!(
                    matches!(
                        error.kind,
                        StoreErrorKind::Unavailable | StoreErrorKind::Timeout
                    ),
                    "{error:?}"
                );
                failures += 1;
            }
        }
    }
    assert!(failures > 0);
    let after = tokio::time::timeout(HANG, limiter.reserve())
        .await
        .expect("hung");
    assert_down(after);

    redis.restart(&[]);
    let deadline = Instant::now() + HANG;
    while limiter.reserve().await.is_err() {
        assert!(Instant::now() < deadline, "the store never reconnected");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[test]
fn a_redis_that_never_answers_is_a_timeout_and_is_skipped_for_a_while() {
    // Accepts connections and never says a word.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://127.0.0.1:{}", silent.local_addr().unwrap().port());
    let store = blocking::RedisStore::with_config(fast(&url).reconnect_delay(HANG));
    let key = LimiterKey::per_second("acct", "light", 10);
    let (first, second) = ends(move || (store.reserve(&key), store.reserve(&key)));
    assert_eq!(first.unwrap_err().kind, StoreErrorKind::Timeout);
    // The second call does not wait again: Redis is skipped until the reconnect delay.
    let second = second.unwrap_err();
    assert_eq!(second.kind, StoreErrorKind::Unavailable);
    assert!(second.message.contains("failed a moment ago"), "{second}");
    drop(silent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_async_call_to_a_silent_redis_times_out() {
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://127.0.0.1:{}", silent.local_addr().unwrap().port());
    let store = RedisStore::with_config(fast(&url)).unwrap();
    let key = LimiterKey::per_second("acct", "light", 10);
    let result = tokio::time::timeout(HANG, store.reserve(&key))
        .await
        .expect("hung");
    assert_eq!(result.unwrap_err().kind, StoreErrorKind::Timeout);
}

#[test]
fn nothing_listening_is_unavailable_and_creating_the_store_never_fails_for_it() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let store = blocking::RedisStore::connect(&format!("redis://127.0.0.1:{port}")).unwrap();
    let result = ends(move || store.get_token(&TokenKey::new("acct", "client")));
    assert_eq!(result.unwrap_err().kind, StoreErrorKind::Unavailable);
}

#[test]
fn a_wrong_password_is_rejected_and_no_password_is_ever_shown() {
    let redis = TestRedis::private(&["--requirepass", "right-s3cret"]);
    let wrong = format!("redis://:wrong-s3cret@127.0.0.1:{}", redis.port);
    let store = blocking::RedisStore::with_config(fast(&wrong));
    let error = store.limiter("acct", "light", 1).reserve().unwrap_err();
    assert_eq!(error.kind, StoreErrorKind::Rejected, "{error:?}");
    for shown in [
        format!("{error}"),
        format!("{error:?}"),
        format!("{store:?}"),
    ] {
        assert!(!shown.contains("s3cret"), "{shown}");
    }

    let right = format!("redis://default:right-s3cret@127.0.0.1:{}", redis.port);
    let store = blocking::RedisStore::with_config(fast(&right));
    assert_eq!(
        store.limiter("acct", "light", 1).reserve().unwrap(),
        Duration::ZERO
    );
    assert!(!format!("{store:?}").contains("s3cret"));
    assert!(store.config().url().contains("[redacted]"));
}

#[cfg(feature = "tls")]
#[test]
fn rediss_to_a_plain_redis_fails_with_a_typed_error() {
    let redis = TestRedis::shared();
    let url = redis.url.replacen("redis://", "rediss://", 1);
    let store = blocking::RedisStore::with_config(fast(&url));
    let result = ends(move || store.limiter("acct", "light", 1).reserve());
    let error = result.unwrap_err();
    assert!(
        matches!(
            error.kind,
            StoreErrorKind::Unavailable | StoreErrorKind::Timeout
        ),
        "{error:?}"
    );
}

#[test]
fn the_async_store_needs_a_runtime_and_says_so_instead_of_panicking() {
    let error = RedisStore::connect("redis://127.0.0.1:6379").unwrap_err();
    assert_eq!(error.kind, StoreErrorKind::Config);
}

#[cfg(feature = "tls")]
#[test]
fn rediss_with_the_servers_ca_works_and_without_it_fails_with_a_typed_error() {
    let redis = TestRedis::private_tls();
    let ca = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tls/ca.pem")).unwrap();
    let trusted = fast(&redis.url).tls_root_certificate(ca.clone()).unwrap();
    let store = blocking::RedisStore::with_config(trusted.clone());
    assert_eq!(
        store.limiter("acct", "light", 1).reserve().unwrap(),
        Duration::ZERO
    );

    // The platform's roots do not know the test CA: refused, typed, not hung.
    let untrusted = blocking::RedisStore::with_config(fast(&redis.url));
    let result = ends(move || untrusted.limiter("acct", "light", 1).reserve());
    assert_down(result);

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = RedisStore::with_config(trusted).unwrap();
        let wait = store.limiter("acct", "light", 1).reserve().await.unwrap();
        assert!(
            wait > Duration::ZERO,
            "shares the schedule with the blocking store"
        );
    });
}
