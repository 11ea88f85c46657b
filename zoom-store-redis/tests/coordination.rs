//! The operations replicas of a webhook endpoint share (the autopilot's): claims, leases and
//! records, with the same rules on the in-memory store and on Redis, through the one seam.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use support::TestRedis;
use zoom_core::store::{
    BlockingSharedStore, LeaseOwner, MemoryStore, SharedStore, StoreOp, StoreOutcome, StoredRecord,
    TargetKey,
};
use zoom_store_redis::{RedisConfig, RedisStore, blocking};

const HOUR: Duration = Duration::from_secs(3600);

/// The typed answers of the seam's coordination operations.
struct Ops<'s>(&'s dyn BlockingSharedStore);

impl Ops<'_> {
    fn claim(&self, key: &TargetKey, event: &str, ttl: Duration) -> bool {
        let op = StoreOp::Claim {
            key: key.claim(event),
            ttl,
        };
        match self.0.run(op).unwrap() {
            StoreOutcome::Claimed(got) => got,
            other => panic!("Claim answered {other:?}"),
        }
    }

    fn lease(&self, key: &TargetKey, owner: &LeaseOwner, ttl: Duration) -> bool {
        let op = StoreOp::Lease {
            key: key.clone(),
            owner: owner.clone(),
            ttl,
        };
        match self.0.run(op).unwrap() {
            StoreOutcome::Leased(held) => held,
            other => panic!("Lease answered {other:?}"),
        }
    }

    fn release(&self, key: &TargetKey, owner: &LeaseOwner) -> bool {
        let op = StoreOp::Release {
            key: key.clone(),
            owner: owner.clone(),
        };
        match self.0.run(op).unwrap() {
            StoreOutcome::Unlocked(ours) => ours,
            other => panic!("Release answered {other:?}"),
        }
    }

    fn get(&self, key: &TargetKey) -> Option<StoredRecord> {
        match self.0.run(StoreOp::GetRecord(key.clone())).unwrap() {
            StoreOutcome::Record(record) => record,
            other => panic!("GetRecord answered {other:?}"),
        }
    }

    fn put(&self, key: &TargetKey, expected: u64, data: &str, ttl: Duration) -> Option<u64> {
        let op = StoreOp::PutRecord {
            key: key.clone(),
            expected,
            data: data.to_owned(),
            ttl,
        };
        match self.0.run(op).unwrap() {
            StoreOutcome::RecordPut(version) => version,
            other => panic!("PutRecord answered {other:?}"),
        }
    }
}

fn redis_store(redis: &TestRedis) -> blocking::RedisStore {
    let config = RedisConfig::new(&redis.url)
        .unwrap()
        .key_prefix(redis.prefix.clone());
    blocking::RedisStore::with_config(config)
}

fn rules(store: &dyn BlockingSharedStore) {
    let store = Ops(store);
    let target = TargetKey::new("acct", "meeting:85746065432");
    let other = TargetKey::new("acct", "meeting:81000000004");

    assert!(store.claim(&target, "meeting.started:1", HOUR));
    assert!(!store.claim(&target, "meeting.started:1", HOUR), "taken");
    assert!(
        store.claim(&target, "meeting.started:2", HOUR),
        "another event"
    );
    assert!(
        store.claim(&other, "meeting.started:1", HOUR),
        "another target"
    );

    let (a, b) = (LeaseOwner::random(), LeaseOwner::random());
    assert!(store.lease(&target, &a, HOUR));
    assert!(!store.lease(&target, &b, HOUR), "one holder");
    assert!(store.lease(&target, &a, HOUR), "renewed by its holder");
    assert!(store.lease(&other, &b, HOUR), "another target's");
    assert!(!store.release(&target, &b), "not b's to release");
    assert!(store.release(&target, &a));
    assert!(!store.release(&target, &a), "released once");
    assert!(store.lease(&target, &b, HOUR), "free again");

    assert_eq!(store.get(&target), None);
    assert_eq!(
        store.put(&target, 1, "nope", HOUR),
        None,
        "no version 1 yet"
    );
    assert_eq!(
        store.put(&target, 0, "{\"phase\":\"updating\"}", HOUR),
        Some(1)
    );
    assert_eq!(
        store.put(&target, 0, "late", HOUR),
        None,
        "another came first"
    );
    assert_eq!(store.put(&target, 1, "{\"phase\":\"live\"}", HOUR), Some(2));
    let read = store.get(&target).unwrap();
    assert_eq!(read.version, 2);
    assert_eq!(read.data, "{\"phase\":\"live\"}");
    assert_eq!(store.get(&other), None, "records are per target");
}

#[test]
fn the_memory_store_and_the_redis_store_keep_the_same_coordination_rules() {
    rules(&MemoryStore::new());
    rules(&redis_store(&TestRedis::shared()));
}

#[test]
fn claims_leases_and_records_expire_on_redis() {
    let redis = TestRedis::shared();
    let store = redis_store(&redis);
    let store = Ops(&store);
    let target = TargetKey::new("acct", "meeting:1");
    let short = Duration::from_millis(300);
    let (a, b) = (LeaseOwner::random(), LeaseOwner::random());
    assert!(store.claim(&target, "meeting.started:1", short));
    assert!(store.lease(&target, &a, short));
    assert_eq!(store.put(&target, 0, "x", short), Some(1));
    // Waits for the store's clock; generous, and only ever for expiry (not a speed check).
    let deadline = Instant::now() + Duration::from_secs(30);
    while store.get(&target).is_some() || !store.lease(&target, &b, HOUR) {
        assert!(Instant::now() < deadline, "nothing expired");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        store.claim(&target, "meeting.started:1", HOUR),
        "the claim expired"
    );
    assert!(!store.release(&target, &a), "a's lease died with a");
    assert!(store.release(&target, &b));
    assert_eq!(
        store.put(&target, 0, "y", HOUR),
        Some(1),
        "a new record after expiry"
    );
}

#[test]
fn sixteen_replicas_racing_for_one_event_make_one_claim_winner_and_no_lost_write() {
    let redis = TestRedis::shared();
    let target = TargetKey::new("acct", "meeting:2");
    let winners = AtomicUsize::new(0);
    let writes = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..16 {
            scope.spawn(|| {
                let store = redis_store(&redis);
                let store = Ops(&store);
                if store.claim(&target, "meeting.started:7", HOUR) {
                    winners.fetch_add(1, Ordering::Relaxed);
                }
                // Read, change, write back: a counter kept by compare and set.
                for _ in 0..10 {
                    loop {
                        let read = store.get(&target);
                        let (version, count) = read.map_or((0, 0), |r| {
                            (r.version, r.data.parse::<u64>().expect("a number"))
                        });
                        let next = (count + 1).to_string();
                        if store.put(&target, version, &next, HOUR).is_some() {
                            writes.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                    }
                }
            });
        }
    });
    assert_eq!(winners.load(Ordering::Relaxed), 1);
    let store = redis_store(&redis);
    let read = Ops(&store).get(&target).unwrap();
    assert_eq!(writes.load(Ordering::Relaxed), 160);
    assert_eq!((read.version, read.data.as_str()), (160, "160"));
}

#[test]
fn keys_hold_the_scope_as_hash_tag_and_no_secret() {
    let redis = TestRedis::shared();
    let store = redis_store(&redis);
    let target = TargetKey::new("acct}x", "meeting:3");
    let ops = Ops(&store);
    assert!(ops.claim(&target, "meeting.started:9", HOUR));
    assert!(ops.lease(&target, &LeaseOwner::random(), HOUR));
    assert_eq!(ops.put(&target, 0, "{}", HOUR), Some(1));
    let mut raw = redis.raw();
    let mut keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{}:*", redis.prefix))
        .query(&mut raw)
        .unwrap();
    keys.sort();
    let base = format!("{}:{{acct%7Dx}}:autopilot:meeting%3A3", redis.prefix);
    assert_eq!(
        keys,
        [
            format!("{base}:claim:meeting.started%3A9"),
            format!("{base}:lease"),
            format!("{base}:record"),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_async_seam_runs_them_too() {
    let redis = TestRedis::shared();
    let config = RedisConfig::new(&redis.url)
        .unwrap()
        .key_prefix(redis.prefix.clone());
    let store: Arc<dyn SharedStore> = Arc::new(RedisStore::with_config(config).unwrap());
    let target = TargetKey::new("acct", "webinar:91234567890");
    let claim = || StoreOp::Claim {
        key: target.claim("webinar.started:5"),
        ttl: HOUR,
    };
    assert!(matches!(
        store.run(claim()).await,
        Ok(StoreOutcome::Claimed(true))
    ));
    assert!(matches!(
        store.run(claim()).await,
        Ok(StoreOutcome::Claimed(false))
    ));
    let owner = LeaseOwner::random();
    let lease = StoreOp::Lease {
        key: target.clone(),
        owner: owner.clone(),
        ttl: HOUR,
    };
    assert!(matches!(
        store.run(lease).await,
        Ok(StoreOutcome::Leased(true))
    ));
    let put = StoreOp::PutRecord {
        key: target.clone(),
        expected: 0,
        data: "r".into(),
        ttl: HOUR,
    };
    assert!(matches!(
        store.run(put).await,
        Ok(StoreOutcome::RecordPut(Some(1)))
    ));
    let Ok(StoreOutcome::Record(Some(read))) = store.run(StoreOp::GetRecord(target.clone())).await
    else {
        panic!("the record")
    };
    assert_eq!((read.version, read.data.as_str()), (1, "r"));
    let release = StoreOp::Release {
        key: target.clone(),
        owner,
    };
    assert!(matches!(
        store.run(release).await,
        Ok(StoreOutcome::Unlocked(true))
    ));
}
