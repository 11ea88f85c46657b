//! The driver's side of the shared store: claims, the lease (taken, renewed during a call,
//! released), the record; and the fall back to acting locally when the store fails, with
//! one warning per outage.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use zoom_core::store::{
    LeaseOwner, SharedStore, StoreError, StoreOp, StoreOutcome, StoredRecord, TargetKey,
};

/// The first wait before asking again for a lease another replica holds.
const LEASE_POLL_FIRST: Duration = Duration::from_millis(10);
/// The longest wait between two asks.
const LEASE_POLL_MAX: Duration = Duration::from_millis(200);

/// The store every worker of one autopilot shares, if any, and whether it is down.
#[derive(Clone, Default)]
pub(crate) struct Shared {
    store: Option<Arc<dyn SharedStore>>,
    /// Set while the store fails: one warning when it starts, one note when it ends.
    down: Arc<AtomicBool>,
}

/// What a store operation came to, for the driver.
pub(crate) enum Answer<T> {
    /// The store answered.
    Stored(T),
    /// No store, or it failed: act on local state.
    Local,
}

impl Shared {
    pub(crate) fn new(store: Option<Arc<dyn SharedStore>>) -> Self {
        Self {
            store,
            down: Arc::default(),
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.store.is_some()
    }

    /// Runs `op`; `None` without a store or when it failed (warned once per outage).
    async fn run(&self, op: StoreOp) -> Option<StoreOutcome> {
        let store = self.store.as_ref()?;
        let name = op.name();
        match store.run(op).await {
            Ok(outcome) => {
                if self.down.swap(false, Ordering::Relaxed) {
                    tracing::info!("autopilot: the shared store is reachable again");
                }
                Some(outcome)
            }
            Err(error) => {
                self.failed(name, &error);
                None
            }
        }
    }

    fn failed(&self, op: &str, error: &StoreError) {
        if !self.down.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                op,
                %error,
                "autopilot: the shared store cannot be used; acting on this process's own state meanwhile (other replicas may act on the same events)"
            );
        }
    }

    fn unexpected(&self, op: &str, outcome: &StoreOutcome) {
        let error = StoreError::new(
            zoom_core::store::StoreErrorKind::Protocol,
            format!("{op} answered {outcome:?}"),
        );
        self.failed(op, &error);
    }

    /// Claims `event` about `key` for `ttl`: whether this replica is the first. Without a
    /// store, or when it fails, every replica is (it acts locally).
    pub(crate) async fn claim(&self, key: &TargetKey, event: String, ttl: Duration) -> bool {
        let op = StoreOp::Claim {
            key: key.claim(event),
            ttl,
        };
        match self.run(op).await {
            Some(StoreOutcome::Claimed(first)) => first,
            Some(other) => {
                self.unexpected("Claim", &other);
                true
            }
            None => true,
        }
    }

    /// Takes the lease on `key`, waiting while another replica holds it. `true` once held,
    /// `false` without a store or when it fails (the caller acts locally).
    pub(crate) async fn acquire(&self, key: &TargetKey, owner: &LeaseOwner, ttl: Duration) -> bool {
        let mut wait = LEASE_POLL_FIRST;
        loop {
            match self.lease(key, owner, ttl).await {
                Answer::Stored(true) => return true,
                Answer::Stored(false) => {
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(LEASE_POLL_MAX);
                }
                Answer::Local => return false,
            }
        }
    }

    async fn lease(&self, key: &TargetKey, owner: &LeaseOwner, ttl: Duration) -> Answer<bool> {
        let op = StoreOp::Lease {
            key: key.clone(),
            owner: owner.clone(),
            ttl,
        };
        match self.run(op).await {
            Some(StoreOutcome::Leased(held)) => Answer::Stored(held),
            Some(other) => {
                self.unexpected("Lease", &other);
                Answer::Local
            }
            None => Answer::Local,
        }
    }

    /// Runs `work` while renewing the lease every third of its time to live, so that a long
    /// call does not lose it; a replica that dies stops renewing, and the lease expires.
    pub(crate) async fn renewing<F: Future>(
        &self,
        key: &TargetKey,
        owner: &LeaseOwner,
        ttl: Duration,
        work: F,
    ) -> F::Output {
        if !self.enabled() {
            return work.await;
        }
        let every = (ttl / 3).max(Duration::from_millis(1));
        let mut tick = tokio::time::interval_at(after(every), every);
        tokio::pin!(work);
        loop {
            tokio::select! {
                output = &mut work => return output,
                _ = tick.tick() => {
                    // A lost lease shows when the record is written (compare and set).
                    let _ = self.lease(key, owner, ttl).await;
                }
            }
        }
    }

    /// Ends the lease (compare and delete); nothing to do when it expired meanwhile.
    pub(crate) async fn release(&self, key: &TargetKey, owner: &LeaseOwner) {
        let op = StoreOp::Release {
            key: key.clone(),
            owner: owner.clone(),
        };
        if let Some(outcome) = self.run(op).await
            && !matches!(outcome, StoreOutcome::Unlocked(_))
        {
            self.unexpected("Release", &outcome);
        }
    }

    /// The target's record (`None`: there is none).
    pub(crate) async fn get(&self, key: &TargetKey) -> Answer<Option<StoredRecord>> {
        match self.run(StoreOp::GetRecord(key.clone())).await {
            Some(StoreOutcome::Record(record)) => Answer::Stored(record),
            Some(other) => {
                self.unexpected("GetRecord", &other);
                Answer::Local
            }
            None => Answer::Local,
        }
    }

    /// Writes the record over version `expected`: the new version, or `None` when another
    /// writer came first.
    pub(crate) async fn put(
        &self,
        key: &TargetKey,
        expected: u64,
        data: String,
        ttl: Duration,
    ) -> Answer<Option<u64>> {
        let op = StoreOp::PutRecord {
            key: key.clone(),
            expected,
            data,
            ttl,
        };
        match self.run(op).await {
            Some(StoreOutcome::RecordPut(version)) => Answer::Stored(version),
            Some(other) => {
                self.unexpected("PutRecord", &other);
                Answer::Local
            }
            None => Answer::Local,
        }
    }
}

/// The instant `every` from now, or now if that is past what the clock can hold (a lease
/// time to live is configuration: it never panics here).
pub(crate) fn after(every: Duration) -> tokio::time::Instant {
    let now = tokio::time::Instant::now();
    now.checked_add(every).unwrap_or(now)
}
