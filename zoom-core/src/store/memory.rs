//! [`MemoryStore`]: the store in this process's memory, on an injected clock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::{
    BlockingSharedStore, LimiterKey, SharedStore, StoreError, StoreOp, StoreOutcome, StoredToken,
    TokenKey, TokenLock,
};
use crate::SecretString;
use crate::time::{SystemTimeSource, TimeSource, Timestamp};

/// A store in this process's memory, shared by the clients (and clones) given the same one:
/// the in-memory twin of `zoom-store-redis`, implementing both [`SharedStore`] and
/// [`BlockingSharedStore`]. Its schedules are the local limiter's GCRA; it reads the time
/// from a [`TimeSource`] ([`SystemTimeSource`] unless [`MemoryStore::with_time_source`]).
///
/// ```
/// use std::time::Duration;
/// use zoom_core::store::{BlockingSharedStore, MemoryStore, StoreOp, StoreOutcome, TokenKey};
///
/// let store = MemoryStore::new();
/// let key = TokenKey::new("account-id", "client-id");
/// let ttl = Duration::from_secs(10);
/// let first = store.run(StoreOp::TryLock { key: key.clone(), ttl })?;
/// assert!(matches!(first, StoreOutcome::Locked(Some(_))));
/// let second = store.run(StoreOp::TryLock { key, ttl })?;
/// assert!(matches!(second, StoreOutcome::Locked(None)), "one holder at a time");
/// # Ok::<(), zoom_core::store::StoreError>(())
/// ```
#[derive(Debug)]
pub struct MemoryStore {
    time: Arc<dyn TimeSource>,
    schedules: Mutex<HashMap<LimiterKey, Option<Timestamp>>>,
    tokens: Mutex<HashMap<TokenKey, MemoryEntry>>,
}

#[derive(Debug, Default)]
struct MemoryEntry {
    /// The token and when it expires.
    token: Option<(StoredToken, Timestamp)>,
    /// The lock's owner and until when it lives.
    lock: Option<(String, Timestamp)>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::with_time_source(SystemTimeSource)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl MemoryStore {
    /// An empty store on the system clock.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store reading the time from `time` (a test's `zoom_testkit::ManualClock`,
    /// say): token expiry, lock lifetimes and schedules all follow it.
    pub fn with_time_source(time: impl TimeSource + 'static) -> Self {
        Self {
            time: Arc::new(time),
            schedules: Mutex::default(),
            tokens: Mutex::default(),
        }
    }

    /// [`StoreOp::Reserve`]: books a slot on `key`'s schedule and says how long to wait.
    pub fn reserve(&self, key: &LimiterKey) -> Duration {
        let now = self.time.now();
        let mut schedules = lock(&self.schedules);
        let next_free = schedules.entry(key.clone()).or_default();
        key.gcra().reserve(next_free, now)
    }

    /// [`StoreOp::Get`]: the stored token, if any (also when expired, for its refresh token).
    pub fn get(&self, key: &TokenKey) -> Option<StoredToken> {
        let now = self.time.now();
        let tokens = lock(&self.tokens);
        let (token, expires_at) = tokens.get(key)?.token.as_ref()?;
        Some(StoredToken {
            expires_in: expires_at.saturating_duration_since(now),
            ..token.clone()
        })
    }

    /// [`StoreOp::TryLock`]: the refresh lock for `ttl`, if nobody holds it.
    pub fn try_lock(&self, key: &TokenKey, ttl: Duration) -> Option<TokenLock> {
        let now = self.time.now();
        let mut tokens = lock(&self.tokens);
        let entry = tokens.entry(key.clone()).or_default();
        if entry.lock.as_ref().is_some_and(|(_, until)| now < *until) {
            return None;
        }
        let proof = TokenLock::random();
        entry.lock = Some((proof.owner().to_owned(), now.saturating_add(ttl)));
        Some(proof)
    }

    /// [`StoreOp::PutAndUnlock`]: stores `token` and releases `proof`'s lock if it is still
    /// held; returns whether it was. A holder that lost its lock still stores a token that
    /// expires later than the stored one, never an older one; without a refresh token in
    /// `token`, the stored refresh token is kept.
    pub fn put_and_unlock(&self, key: &TokenKey, token: &StoredToken, proof: &TokenLock) -> bool {
        let now = self.time.now();
        let mut tokens = lock(&self.tokens);
        let entry = tokens.entry(key.clone()).or_default();
        let mut stored = token.clone();
        if stored.refresh_token.is_none() {
            stored.refresh_token = entry
                .token
                .as_ref()
                .and_then(|(old, _)| old.refresh_token.clone());
        }
        let expires_at = now.saturating_add(token.expires_in);
        let ours = entry.release(proof, now);
        // A holder that outlived its lock still writes a newer token (for user OAuth its
        // refresh token is the only live one), never an older one.
        if ours
            || entry
                .token
                .as_ref()
                .is_none_or(|(_, old)| *old <= expires_at)
        {
            entry.token = Some((stored, expires_at));
        }
        ours
    }

    /// [`StoreOp::Unlock`]: releases `proof`'s lock if it is still held (compare and
    /// delete); returns whether it was.
    pub fn unlock(&self, key: &TokenKey, proof: &TokenLock) -> bool {
        let now = self.time.now();
        let mut tokens = lock(&self.tokens);
        tokens
            .get_mut(key)
            .is_some_and(|entry| entry.release(proof, now))
    }

    /// [`StoreOp::Invalidate`]: expires `access_token` if it is still the stored one (the
    /// refresh token stays).
    pub fn invalidate(&self, key: &TokenKey, access_token: &SecretString) {
        let now = self.time.now();
        let mut tokens = lock(&self.tokens);
        if let Some((token, expires_at)) = tokens.get_mut(key).and_then(|e| e.token.as_mut())
            && token.access_token == *access_token
        {
            *expires_at = now;
        }
    }
}

impl MemoryEntry {
    /// Compare and delete: releases the lock only if `proof` still owns it.
    fn release(&mut self, proof: &TokenLock, now: Timestamp) -> bool {
        let ours = self
            .lock
            .as_ref()
            .is_some_and(|(owner, until)| owner == proof.owner() && now < *until);
        if ours {
            self.lock = None;
        }
        ours
    }
}

impl BlockingSharedStore for MemoryStore {
    fn run(&self, op: StoreOp) -> Result<StoreOutcome, StoreError> {
        Ok(match op {
            StoreOp::Reserve(key) => StoreOutcome::Reserved(self.reserve(&key)),
            StoreOp::Get(key) => StoreOutcome::Token(self.get(&key)),
            StoreOp::TryLock { key, ttl } => StoreOutcome::Locked(self.try_lock(&key, ttl)),
            StoreOp::PutAndUnlock { key, token, lock } => {
                StoreOutcome::Unlocked(self.put_and_unlock(&key, &token, &lock))
            }
            StoreOp::Unlock { key, lock } => StoreOutcome::Unlocked(self.unlock(&key, &lock)),
            StoreOp::Invalidate { key, access_token } => {
                self.invalidate(&key, &access_token);
                StoreOutcome::Invalidated
            }
        })
    }
}

#[async_trait::async_trait]
impl SharedStore for MemoryStore {
    async fn run(&self, op: StoreOp) -> Result<StoreOutcome, StoreError> {
        BlockingSharedStore::run(self, op)
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;

    /// A clock that moves only when told to.
    #[derive(Debug, Clone, Default)]
    struct Hand(Arc<Mutex<Timestamp>>);

    impl Hand {
        fn advance(&self, by: Duration) {
            let mut now = lock(&self.0);
            *now = now.saturating_add(by);
        }
    }

    impl TimeSource for Hand {
        fn now(&self) -> Timestamp {
            *lock(&self.0)
        }
        fn system_time(&self) -> SystemTime {
            SystemTime::UNIX_EPOCH
        }
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

    #[test]
    fn the_memory_limiter_lets_the_burst_through_then_spaces_calls() {
        let store = MemoryStore::with_time_source(Hand::default());
        let key = LimiterKey::per_second("acct", "light", 6);
        let waits: Vec<Duration> = (0..6).map(|_| store.reserve(&key)).collect();
        let ms = |m: u64| Duration::from_millis(m);
        // 6/s: one call every 1/6 s, bursts of 3; the clock stands still.
        assert_eq!(waits[..3], [Duration::ZERO; 3], "{waits:?}");
        for (k, wait) in waits[3..].iter().enumerate() {
            assert_eq!(*wait, key.interval * (k as u32 + 1), "{waits:?}");
        }
        assert!(waits[5] > ms(499) && waits[5] <= ms(500), "{waits:?}");
        let other = LimiterKey::per_second("acct", "medium", 6);
        assert!(store.reserve(&other).is_zero());
    }

    #[test]
    fn schedules_locks_and_tokens_follow_the_stores_clock() {
        let clock = Hand::default();
        let store = MemoryStore::with_time_source(clock.clone());
        let key = LimiterKey::per_second("acct", "light", 2).burst(1);
        assert!(store.reserve(&key).is_zero());
        assert_eq!(store.reserve(&key), Duration::from_millis(500));
        clock.advance(Duration::from_secs(10));
        assert!(store.reserve(&key).is_zero(), "idle time refills");

        let key = TokenKey::new("acct", "client");
        let ttl = Duration::from_secs(10);
        let dead = store.try_lock(&key, ttl).expect("free");
        clock.advance(ttl - Duration::from_millis(1));
        assert!(store.try_lock(&key, ttl).is_none(), "still held");
        clock.advance(Duration::from_millis(1));
        let taken = store.try_lock(&key, ttl).expect("expired with its holder");
        assert!(!store.unlock(&key, &dead), "the dead holder's lock is gone");

        let hour = Duration::from_secs(3600);
        assert!(store.put_and_unlock(&key, &token("a", None, hour), &taken));
        clock.advance(Duration::from_secs(600));
        assert_eq!(
            store.get(&key).unwrap().expires_in,
            Duration::from_secs(3000)
        );
        clock.advance(Duration::MAX);
        assert_eq!(store.get(&key).unwrap().expires_in, Duration::ZERO);
    }

    #[test]
    fn one_lock_at_a_time_and_only_its_owner_releases_it() {
        let store = MemoryStore::new();
        let key = TokenKey::new("acct", "client");
        let ttl = Duration::from_secs(60);
        let first = store.try_lock(&key, ttl).expect("free lock");
        assert!(store.try_lock(&key, ttl).is_none());
        assert!(!store.unlock(&key, &TokenLock::random()));
        assert!(store.try_lock(&key, ttl).is_none());
        assert!(store.unlock(&key, &first));
        assert!(store.try_lock(&key, ttl).is_some());
    }

    #[test]
    fn a_put_keeps_the_refresh_token_with_its_access_token_and_hides_both() {
        let store = MemoryStore::new();
        let key = TokenKey::new("acct", "client");
        let proof = store.try_lock(&key, Duration::from_secs(5)).unwrap();
        let token = token("access-1", Some("refresh-2"), Duration::from_secs(3600));
        assert!(store.put_and_unlock(&key, &token, &proof));
        let read = store.get(&key).unwrap();
        assert_eq!(read.refresh_token, token.refresh_token);
        assert!(read.expires_in > Duration::from_secs(3500));
        let shown = format!("{read:?}");
        assert!(
            !shown.contains("access-1") && !shown.contains("refresh-2"),
            "{shown}"
        );

        store.invalidate(&key, &"access-1".into());
        let read = store.get(&key).unwrap();
        assert_eq!(read.expires_in, Duration::ZERO);
        assert_eq!(read.refresh_token, token.refresh_token);
    }

    #[test]
    fn both_seams_run_every_operation() {
        let store = MemoryStore::with_time_source(Hand::default());
        let key = TokenKey::new("acct", "client");
        let ttl = Duration::from_secs(5);
        let run = |op| BlockingSharedStore::run(&store, op).unwrap();
        let StoreOutcome::Locked(Some(lock)) = run(StoreOp::TryLock {
            key: key.clone(),
            ttl,
        }) else {
            panic!("a free lock")
        };
        let put = StoreOp::PutAndUnlock {
            key: key.clone(),
            token: token("a", None, ttl),
            lock: lock.clone(),
        };
        assert!(matches!(run(put), StoreOutcome::Unlocked(true)));
        let unlock = StoreOp::Unlock {
            key: key.clone(),
            lock,
        };
        assert!(matches!(run(unlock), StoreOutcome::Unlocked(false)));
        let invalidate = StoreOp::Invalidate {
            key: key.clone(),
            access_token: "a".into(),
        };
        assert!(matches!(run(invalidate), StoreOutcome::Invalidated));
        let StoreOutcome::Token(Some(read)) = run(StoreOp::Get(key)) else {
            panic!("kept for its refresh token")
        };
        assert!(read.expires_in.is_zero());
        let reserve = StoreOp::Reserve(LimiterKey::per_second("acct", "light", 1));
        let asynchronous: &dyn SharedStore = &store;
        let outcome = finish(asynchronous.run(reserve)).unwrap();
        assert!(matches!(outcome, StoreOutcome::Reserved(wait) if wait.is_zero()));
    }

    /// Polls a future that never waits (the memory store's) to its end.
    fn finish<F: std::future::Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
        }
    }
}
