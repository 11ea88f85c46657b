//! The shared token cache on a real Redis: the entry and its lock through the store traits
//! (what `tests/seam.rs` does not check), and the SDK's single flight across processes
//! through blocking clients built with `.shared_store(store)` against the simulator.
//!
//! The single flight itself is zoom-core's (`zoom-core/tests/store_steps.rs` drives it on a
//! manual clock); real processes are in `tests/processes.rs`.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use support::TestRedis;
use zoom_core::SecretString;
use zoom_core::call::Step;
use zoom_core::store::{BlockingSharedStore, StoreOutcome};
use zoom_core::{BlockingTransport, endpoint};
use zoom_store_redis::{RedisConfig, StoredToken, TokenKey, TokenLock, blocking};
use zoom_testkit::simulator::{
    BlockingSimulator, DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_MEETING_ID,
};
use zoom_transport_ureq::UreqTransport;

const HOUR: Duration = Duration::from_secs(3600);

/// A store of its own (its own connection, as another process has), with generous answer
/// times: on a loaded machine a slow answer would count as an outage and send a client to
/// Zoom on its own, which is right but not what these tests count.
fn store(redis: &TestRedis) -> blocking::RedisStore {
    let config = RedisConfig::new(&redis.url)
        .unwrap()
        .key_prefix(redis.prefix.clone())
        .connect_timeout(Duration::from_secs(5))
        .response_timeout(Duration::from_secs(5));
    blocking::RedisStore::with_config(config)
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
        lifetime,
    }
}

/// Takes `key`'s lock, first waiting for it to expire (its holder is gone); panics if it
/// never does.
fn take_when_expired(store: &blocking::RedisStore, key: &TokenKey) -> TokenLock {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(lock) = store.try_lock(key, HOUR).unwrap() {
            return lock;
        }
        assert!(Instant::now() < deadline, "the lock never expired");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn only_one_of_many_concurrent_tryers_gets_the_lock() {
    let redis = TestRedis::shared();
    let barrier = Arc::new(Barrier::new(16));
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (store, barrier) = (store(&redis), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                store.try_lock(&key(), HOUR).unwrap().is_some()
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
    let (mine, theirs) = (store(&redis), store(&redis));
    let lock = mine.try_lock(&key(), HOUR).unwrap().expect("a free lock");
    assert!(!theirs.unlock(&key(), TokenLock::random()).unwrap());
    assert!(
        theirs.try_lock(&key(), HOUR).unwrap().is_none(),
        "still held"
    );
    assert!(mine.unlock(&key(), lock).unwrap());
    assert!(
        theirs.try_lock(&key(), HOUR).unwrap().is_some(),
        "released by its owner"
    );
}

#[test]
fn a_holder_that_lost_its_lock_writes_a_newer_token_but_never_an_older_one_nor_unlocks() {
    let redis = TestRedis::shared();
    let (late, other) = (store(&redis), store(&redis));
    let lost = late
        .try_lock(&key(), Duration::from_millis(1))
        .unwrap()
        .unwrap();
    let taken = take_when_expired(&other, &key());
    // The late holder can release neither the new holder's lock nor its own lost one.
    assert!(!late.unlock(&key(), lost.clone()).unwrap());
    // Its refresh succeeded, so its rotated refresh token is the only live one: keep it.
    let rotated = token("late", Some("r-late"), HOUR);
    assert!(!late.put_and_unlock(&key(), &rotated, lost.clone()).unwrap());
    let read = other.get_token(&key()).unwrap().unwrap();
    assert_eq!(read.refresh_token.unwrap().expose_secret(), "r-late");
    // An older token (expiring sooner than the stored one) is not written over it.
    let older = token("older", Some("r-older"), Duration::from_secs(60));
    assert!(!late.put_and_unlock(&key(), &older, lost).unwrap());
    let read = other.get_token(&key()).unwrap().unwrap();
    assert_eq!(read.access_token.expose_secret(), "late");
    assert!(
        other.try_lock(&key(), HOUR).unwrap().is_none(),
        "the new holder keeps it"
    );
    assert!(other.unlock(&key(), taken).unwrap());
}

#[test]
fn a_rotated_refresh_token_is_stored_with_its_access_token() {
    let redis = TestRedis::shared();
    let store = store(&redis);
    assert_eq!(store.get_token(&key()).unwrap(), None);
    let lock = store.try_lock(&key(), HOUR).unwrap().unwrap();
    let put = token("a-1", Some("r-1"), HOUR);
    assert!(store.put_and_unlock(&key(), &put, lock).unwrap());
    let read = store.get_token(&key()).unwrap().unwrap();
    assert_eq!(read.access_token.expose_secret(), "a-1");
    assert_eq!(read.refresh_token.as_ref().unwrap().expose_secret(), "r-1");
    assert_eq!(read.api_url.as_deref(), Some("https://api.zoom.us"));
    // What is left, on Redis's clock, and the lifetime it was issued with (the margin's).
    assert!(read.expires_in > HOUR - Duration::from_secs(60) && read.expires_in <= HOUR);
    assert_eq!(read.lifetime, HOUR);
    let shown = format!("{read:?}");
    assert!(!shown.contains("a-1") && !shown.contains("r-1"), "{shown}");

    // A grant's entry outlives its access token; a token without a refresh token does not.
    let mut raw = redis.raw();
    let name = format!("{}:{{account-1}}:token:client-1", redis.prefix);
    let ttl: i64 = redis::cmd("PTTL").arg(&name).query(&mut raw).unwrap();
    assert_eq!(ttl, -1);
    let s2s = TokenKey::new("account-2", "client-1");
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
    let (writer, reader) = (store(&redis), store(&redis));
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let mut seen = 0;
            while !done.load(Ordering::Relaxed) {
                if let Some(t) = reader.get_token(&key()).unwrap() {
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
        let lock = writer.try_lock(&key(), HOUR).unwrap().unwrap();
        let rotated = token(
            &format!("a-{generation}"),
            Some(&format!("r-{generation}")),
            HOUR,
        );
        assert!(writer.put_and_unlock(&key(), &rotated, lock).unwrap());
    }
    done.store(true, Ordering::Relaxed);
    assert!(watcher.join().unwrap() > 0, "the reader read nothing");
    let last = writer.get_token(&key()).unwrap().unwrap();
    assert_eq!(last.refresh_token.unwrap().expose_secret(), "r-299");
}

#[test]
fn a_rejected_token_is_marked_expired_only_if_it_is_still_the_stored_one() {
    let redis = TestRedis::shared();
    let store = store(&redis);
    let lock = store.try_lock(&key(), HOUR).unwrap().unwrap();
    store
        .put_and_unlock(&key(), &token("a-1", Some("r-1"), HOUR), lock)
        .unwrap();
    store.invalidate(&key(), &"a-0".into()).unwrap();
    assert!(store.get_token(&key()).unwrap().unwrap().expires_in > Duration::ZERO);
    store.invalidate(&key(), &"a-1".into()).unwrap();
    let read = store.get_token(&key()).unwrap().unwrap();
    assert_eq!(read.expires_in, Duration::ZERO);
    assert_eq!(read.refresh_token.unwrap().expose_secret(), "r-1");
}

// ---- through the SDK's blocking client ----

type Client = zoom_core::blocking::Client;

/// A blocking client of the simulator's demo account sharing `store`.
fn client(sim: &BlockingSimulator, store: blocking::RedisStore, secret: &str) -> Client {
    zoom_core::blocking::Client::builder()
        .transport(UreqTransport::new().unwrap())
        .server_to_server_oauth(DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, secret)
        .api_base(sim.base_url())
        .oauth_base(sim.oauth_base())
        .shared_store(store)
        .build()
        .unwrap()
}

/// The demo account's token entry.
fn demo_key() -> TokenKey {
    TokenKey::new(DEMO_ACCOUNT_ID, DEMO_CLIENT_ID)
}

/// One call of `client` driven by hand, as its `send` does, with each store operation on
/// `store` named with its outcome (`TryLock taken`, `Unlock released`, ...).
fn traced_get(
    client: &Client,
    store: &blocking::RedisStore,
) -> (zoom_core::Result<()>, Vec<String>) {
    let transport = UreqTransport::new().unwrap();
    let endpoint = endpoint::get_meeting_live_stream(DEMO_MEETING_ID);
    let mut call = client.call(&endpoint);
    let mut trace = Vec::new();
    let mut step = call.start();
    let result = loop {
        step = match step {
            Step::Wait(wait) => {
                std::thread::sleep(wait);
                call.resume()
            }
            Step::Lock(single_flight) => call.locked(single_flight.lock_blocking()),
            Step::Send(request) => call.received(transport.send(request)),
            Step::Store(op) => {
                let name = format!("{op:?}");
                let name = name.split([' ', '(']).next().unwrap_or_default().to_owned();
                let outcome = store.run(op);
                let said = match &outcome {
                    Ok(StoreOutcome::Token(found)) => {
                        ["none", "found"][usize::from(found.is_some())]
                    }
                    Ok(StoreOutcome::Locked(lock)) => {
                        ["held", "taken"][usize::from(lock.is_some())]
                    }
                    Ok(StoreOutcome::Unlocked(ours)) => {
                        ["not ours", "released"][usize::from(*ours)]
                    }
                    Ok(_) => "ok",
                    Err(_) => "error",
                };
                trace.push(format!("{name} {said}"));
                call.stored(outcome)
            }
            Step::Done(result) => break result.map(drop),
        };
    };
    (result, trace)
}

#[test]
fn a_hundred_blocking_callers_in_four_processes_make_one_token_request() {
    let redis = TestRedis::shared();
    let sim = BlockingSimulator::start().unwrap();
    let barrier = Arc::new(Barrier::new(100));
    let threads: Vec<_> = (0..4)
        .flat_map(|_| {
            // One client and one connection per "process".
            let client = client(&sim, store(&redis), DEMO_CLIENT_SECRET);
            let barrier = Arc::clone(&barrier);
            (0..25).map(move |_| {
                let (client, barrier) = (client.clone(), Arc::clone(&barrier));
                std::thread::spawn(move || {
                    barrier.wait();
                    client.meeting_live_stream(DEMO_MEETING_ID)
                })
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap().unwrap();
    }
    assert_eq!(sim.token_requests(), 1);
    assert!(store(&redis).get_token(&demo_key()).unwrap().is_some());
}

#[test]
fn a_failed_token_request_releases_the_store_lock_at_once() {
    let redis = TestRedis::shared();
    let sim = BlockingSimulator::start().unwrap();
    let store = store(&redis);
    let refused = client(&sim, store.clone(), "not-the-secret");
    let (result, trace) = traced_get(&refused, &store);
    assert!(result.is_err(), "{trace:?}");
    assert_eq!(
        trace,
        ["Get none", "TryLock taken", "Get none", "Unlock released"]
    );
    // Not left to expire (10 s): the next caller anywhere takes it at once.
    assert!(store.try_lock(&demo_key(), HOUR).unwrap().is_some());
}

#[test]
fn a_caller_takes_over_the_lock_of_a_holder_that_died_mid_refresh() {
    let redis = TestRedis::shared();
    let sim = BlockingSimulator::start().unwrap();
    let store = store(&redis);
    // Another process took the lock for 100 ms and died without a word.
    let _dead = store
        .try_lock(&demo_key(), Duration::from_millis(100))
        .unwrap()
        .unwrap();
    let client = client(&sim, store.clone(), DEMO_CLIENT_SECRET);
    let (result, trace) = traced_get(&client, &store);
    result.unwrap();
    assert_eq!(trace[..2], ["Get none", "TryLock held"], "{trace:?}");
    // It polled until the lock expired, then refreshed under its own lock, not giving up on
    // the store (that would store under a lock it does not hold: `not ours`).
    assert!(
        trace.ends_with(&[
            "TryLock taken".to_owned(),
            "Get none".to_owned(),
            "PutAndUnlock released".to_owned()
        ]),
        "{trace:?}"
    );
    assert!(!trace.iter().any(|s| s.ends_with("error")), "{trace:?}");
    assert_eq!(sim.token_requests(), 1);
}

/// Refreshing ahead across processes, on Redis's clock: from the prefetch point one process
/// renews the token under the store's lock, while the other, finding that lock held, keeps
/// using the stored token (no token request, no wait) and takes the new one from Redis once
/// it is written. (The same on a manual clock, step by step: zoom-testkit's
/// `tests/refresh_ahead.rs`.)
#[test]
fn one_process_refreshes_ahead_under_the_lock_and_the_other_keeps_the_stored_token() {
    let redis = TestRedis::shared();
    // 12 s tokens: refreshed ahead from 4.5 s, no longer used from 6 s.
    let config = zoom_testkit::simulator::SimulatorConfig {
        token_ttl: Duration::from_secs(12),
        ..Default::default()
    };
    let sim = BlockingSimulator::start_with(config).unwrap();
    let store = store(&redis);
    let a = client(&sim, store.clone(), DEMO_CLIENT_SECRET);
    let b = client(&sim, store.clone(), DEMO_CLIENT_SECRET);
    traced_get(&a, &store).0.unwrap();
    let (result, trace) = traced_get(&b, &store);
    result.unwrap();
    assert_eq!(trace, ["Get found"], "b takes a's token");
    std::thread::sleep(Duration::from_millis(4800));

    // a's first caller claims the refresh, takes the store's lock, asks for a token.
    let transport = UreqTransport::new().unwrap();
    let endpoint = endpoint::get_meeting_live_stream(DEMO_MEETING_ID);
    let mut claimant = a.call(&endpoint);
    let mut asked = Vec::new();
    let mut step = claimant.start();
    let token_request = loop {
        step = match step {
            Step::Store(op) => {
                asked.push(op.name());
                claimant.stored(store.run(op))
            }
            Step::Send(request) => break request,
            _ => panic!("the claimant neither locks nor waits"),
        };
    };
    assert_eq!(asked, ["Get", "TryLock", "Get"]);
    assert_eq!(token_request.uri().path(), "/oauth/token");
    // Meanwhile b's caller finds the lock held: it goes on with the stored token.
    let (result, trace) = traced_get(&b, &store);
    result.unwrap();
    assert_eq!(trace, ["Get found", "TryLock held"]);
    assert_eq!(sim.token_requests(), 1);
    // a's token comes and is written with the lock released; then b takes it.
    let mut step = claimant.received(transport.send(token_request));
    loop {
        step = match step {
            Step::Store(op) => claimant.stored(store.run(op)),
            Step::Send(request) => claimant.received(transport.send(request)),
            Step::Done(result) => break result.map(drop).unwrap(),
            _ => panic!("the claimant neither locks nor waits"),
        };
    }
    std::thread::sleep(Duration::from_millis(100));
    let (result, trace) = traced_get(&b, &store);
    result.unwrap();
    assert_eq!(trace, ["Get found"]);
    assert_eq!(sim.token_requests(), 2, "one refresh for both processes");
    let stored = store.get_token(&demo_key()).unwrap().unwrap();
    assert!(stored.expires_in > Duration::from_secs(11), "the new token");
}
