//! What replicas of one webhook endpoint share so that exactly one of them acts on each
//! event (the live-stream autopilot's driver uses it): a **claim** per target and event, a
//! **lease** per target while an action runs, and the target's **record** (opaque data,
//! written with a compare-and-set on its version). Public identifiers only in keys.
//!
//! The operations are [`StoreOp::Claim`](super::StoreOp::Claim),
//! [`StoreOp::Lease`](super::StoreOp::Lease), [`StoreOp::Release`](super::StoreOp::Release),
//! [`StoreOp::GetRecord`](super::StoreOp::GetRecord) and
//! [`StoreOp::PutRecord`](super::StoreOp::PutRecord); `Coordination` is their in-memory
//! implementation, which [`MemoryStore`](super::MemoryStore) runs.

use std::collections::HashMap;
use std::time::Duration;

use super::keys::TokenLock;
use crate::time::Timestamp;

/// The entries of one target: a scope the replicas agree on (the Zoom account id, say) and
/// the target's name (`meeting:85746065432`). Public identifiers only, never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TargetKey {
    /// Whose targets: every replica acting for the same account uses the same scope.
    pub scope: String,
    /// Which target, e.g. `meeting:85746065432`.
    pub target: String,
}

impl TargetKey {
    /// The entries of `target` in `scope`.
    pub fn new(scope: impl Into<String>, target: impl Into<String>) -> Self {
        Self {
            scope: scope.into(),
            target: target.into(),
        }
    }

    /// The claim of one event about this target, named by `event` (the event's name and
    /// `event_ts`, e.g. `meeting.started:1732615200000`).
    pub fn claim(&self, event: impl Into<String>) -> ClaimKey {
        ClaimKey {
            target: self.clone(),
            event: event.into(),
        }
    }
}

/// The claim of one event about one target: whoever takes it first acts on the event.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClaimKey {
    /// The target the event is about.
    pub target: TargetKey,
    /// The event, e.g. `meeting.started:1732615200000`.
    pub event: String,
}

/// Who holds a lease: a random value, one per holder (a process, or a task in it). Give the
/// same owner to renew a lease and to release it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LeaseOwner(String);

impl LeaseOwner {
    /// A fresh random owner value (128 bits, as [`TokenLock::random`]).
    pub fn random() -> Self {
        Self(TokenLock::random().owner().to_owned())
    }

    /// The owner value written into the lease.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A target's record as a store keeps it: opaque data (the autopilot's JSON) and its
/// version, which every successful write raises by one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    /// 1 after the first write, then one more per write.
    pub version: u64,
    /// What was written.
    pub data: String,
}

/// The claims, leases and records of [`MemoryStore`](super::MemoryStore), on the times its
/// caller passes: the reference for what a store does with each operation.
#[derive(Debug, Default)]
pub(crate) struct Coordination {
    /// Claim → until when it lives.
    claims: HashMap<ClaimKey, Timestamp>,
    /// Target → the lease's owner and until when it lives.
    leases: HashMap<TargetKey, (LeaseOwner, Timestamp)>,
    /// Target → the record and until when it lives.
    records: HashMap<TargetKey, (StoredRecord, Timestamp)>,
}

impl Coordination {
    /// [`StoreOp::Claim`](super::StoreOp::Claim): takes `key` for `ttl` if nobody holds it;
    /// whether this caller got it.
    pub(crate) fn claim(&mut self, key: &ClaimKey, ttl: Duration, now: Timestamp) -> bool {
        self.claims.retain(|_, until| now < *until);
        if self.claims.contains_key(key) {
            return false;
        }
        self.claims.insert(key.clone(), now.saturating_add(ttl));
        true
    }

    /// [`StoreOp::Lease`](super::StoreOp::Lease): takes the lease on `key` for `ttl` if it is
    /// free (or expired), or renews it for `ttl` if `owner` holds it; whether `owner` holds
    /// it now.
    pub(crate) fn lease(
        &mut self,
        key: &TargetKey,
        owner: &LeaseOwner,
        ttl: Duration,
        now: Timestamp,
    ) -> bool {
        let until = now.saturating_add(ttl);
        match self.leases.get_mut(key) {
            Some((holder, expiry)) if now < *expiry && holder != owner => false,
            Some(entry) => {
                *entry = (owner.clone(), until);
                true
            }
            None => {
                self.leases.insert(key.clone(), (owner.clone(), until));
                true
            }
        }
    }

    /// [`StoreOp::Release`](super::StoreOp::Release): ends the lease on `key` if `owner`
    /// still holds it (compare and delete); whether it did.
    pub(crate) fn release(&mut self, key: &TargetKey, owner: &LeaseOwner, now: Timestamp) -> bool {
        let ours = self
            .leases
            .get(key)
            .is_some_and(|(holder, until)| holder == owner && now < *until);
        if ours {
            self.leases.remove(key);
        }
        ours
    }

    /// [`StoreOp::GetRecord`](super::StoreOp::GetRecord): the record of `key`, if any.
    pub(crate) fn get_record(&self, key: &TargetKey, now: Timestamp) -> Option<StoredRecord> {
        self.records
            .get(key)
            .filter(|(_, until)| now < *until)
            .map(|(record, _)| record.clone())
    }

    /// [`StoreOp::PutRecord`](super::StoreOp::PutRecord): writes `data` if the record's
    /// version is still `expected` (0: none); the new version, or `None` when another
    /// writer came first.
    pub(crate) fn put_record(
        &mut self,
        key: &TargetKey,
        expected: u64,
        data: &str,
        ttl: Duration,
        now: Timestamp,
    ) -> Option<u64> {
        let current = self.get_record(key, now).map_or(0, |r| r.version);
        if current != expected {
            return None;
        }
        let version = current.saturating_add(1);
        let record = StoredRecord {
            version,
            data: data.to_owned(),
        };
        self.records
            .insert(key.clone(), (record, now.saturating_add(ttl)));
        Some(version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> Timestamp {
        Timestamp::from_origin(Duration::from_secs(secs))
    }

    #[test]
    fn one_claim_per_event_until_it_expires() {
        let mut store = Coordination::default();
        let target = TargetKey::new("acct", "meeting:1");
        let started = target.claim("meeting.started:10");
        let ttl = Duration::from_secs(60);
        assert!(store.claim(&started, ttl, at(0)));
        assert!(!store.claim(&started, ttl, at(59)));
        assert!(store.claim(&target.claim("meeting.started:11"), ttl, at(1)));
        assert!(store.claim(&started, ttl, at(60)), "expired");
    }

    #[test]
    fn a_lease_has_one_holder_who_renews_and_releases_it() {
        let mut store = Coordination::default();
        let key = TargetKey::new("acct", "meeting:1");
        let (a, b) = (LeaseOwner::random(), LeaseOwner::random());
        let ttl = Duration::from_secs(10);
        assert!(store.lease(&key, &a, ttl, at(0)));
        assert!(!store.lease(&key, &b, ttl, at(5)));
        assert!(store.lease(&key, &a, ttl, at(9)), "renewed until 19");
        assert!(!store.lease(&key, &b, ttl, at(18)));
        assert!(!store.release(&key, &b, at(18)), "not b's");
        assert!(
            store.lease(&key, &b, ttl, at(19)),
            "taken over once expired"
        );
        assert!(!store.release(&key, &a, at(20)), "a's lease is gone");
        assert!(store.release(&key, &b, at(20)));
        assert!(store.lease(&key, &a, ttl, at(20)));
    }

    #[test]
    fn records_are_written_by_compare_and_set_on_their_version() {
        let mut store = Coordination::default();
        let key = TargetKey::new("acct", "meeting:1");
        let ttl = Duration::from_secs(100);
        assert_eq!(store.get_record(&key, at(0)), None);
        assert_eq!(store.put_record(&key, 1, "x", ttl, at(0)), None);
        assert_eq!(store.put_record(&key, 0, "a", ttl, at(0)), Some(1));
        assert_eq!(store.put_record(&key, 0, "b", ttl, at(0)), None, "lost");
        assert_eq!(store.put_record(&key, 1, "c", ttl, at(1)), Some(2));
        let read = store.get_record(&key, at(2)).unwrap();
        assert_eq!((read.version, read.data.as_str()), (2, "c"));
        assert_eq!(store.get_record(&key, at(101)), None, "expired");
        assert_eq!(store.put_record(&key, 0, "d", ttl, at(101)), Some(1));
    }
}
