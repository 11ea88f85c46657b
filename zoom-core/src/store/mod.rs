//! State shared across processes: the limiter's schedule and the token cache.
//!
//! Zoom's rate limits and, for user-level OAuth, the single-use refresh token belong to the
//! account, not to one process. These traits are the seam through which a shared store
//! (`zoom-store-redis`) takes over that state. Without one (the default), each client keeps
//! it in its own memory, as before.
//!
//! Give a client a store with `ClientBuilder::shared_store` (an async [`SharedStore`] for
//! [`crate::Client`], a [`BlockingSharedStore`] for [`crate::blocking::Client`]). A remote
//! store does I/O, which zoom-core never does: the call asks its driver to run each
//! operation with [`Step::Store`](crate::call::Step::Store), and the driver hands the outcome
//! back with [`Call::stored`](crate::call::Call::stored):
//!
//! 1. **Pacing.** With a rate limiter configured, each attempt reserves its slot on the
//!    shared schedule ([`StoreOp::Reserve`]) instead of the local one.
//! 2. **A token.** A caller that finds no fresh token in its process takes the process's
//!    single-flight lock, then reads the store ([`StoreOp::Get`]): a token with more than
//!    the refresh margin left is used as is.
//! 3. **Single flight across processes.** Otherwise it takes the store's lock
//!    ([`StoreOp::TryLock`]), reads the token again under it (another process may just
//!    have refreshed it), fetches a new one only if still needed — user OAuth with the
//!    stored, newest refresh token — and stores it with [`StoreOp::PutAndUnlock`]: a
//!    rotated refresh token is written in the same atomic step as its access token.
//!    Callers that find the lock taken poll the store with backoff (5 ms doubling to
//!    100 ms) for at most 15 s, then fetch on their own; a lock whose holder died expires
//!    after its time to live (10 s).
//! 4. **A rejected token** (401) is dropped from the store only if it is still the stored
//!    one ([`StoreOp::Invalidate`]), so many rejections lead to one refresh.
//! 5. **Faults.** Any [`StoreError`] makes the call go on with its process's limiter and
//!    token cache, with one warning per outage: the store never causes an outage.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::secret::SecretString;

/// The longest a cached token is refreshed ahead of its expiry.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// How long before its expiry a token of `lifetime` is renewed: a minute, at most half of
/// its lifetime. The one rule for the process's cache and for a shared store's tokens.
pub(crate) fn refresh_margin(lifetime: Duration) -> Duration {
    REFRESH_MARGIN.min(lifetime / 2)
}

/// One shared limiter: an account's schedule for one of Zoom's rate-limit labels.
///
/// The spacing and burst follow the same rule as [`crate::RateLimiter::per_second`]: calls
/// `1/rate` apart, at most `rate/2` (at least 1) back to back.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LimiterKey {
    /// The Zoom account (or any name the processes sharing the limit agree on).
    pub account: String,
    /// Zoom's rate-limit label, e.g. `light`.
    pub label: String,
    /// Spacing between calls.
    pub interval: Duration,
    /// How many calls may go back to back (at least 1).
    pub burst: u32,
}

impl LimiterKey {
    /// At most `rate` calls per second (at least 1) for `account` and `label`.
    pub fn per_second(account: impl Into<String>, label: impl Into<String>, rate: u32) -> Self {
        // The rule of `RateLimiter::per_second`; the test below keeps the two in step.
        let rate = rate.max(1);
        Self {
            account: account.into(),
            label: label.into(),
            interval: Duration::from_secs(1) / rate,
            burst: (rate / 2).max(1),
        }
    }

    /// How many calls may go back to back (at least 1).
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = burst.max(1);
        self
    }
}

/// Whose token a [`TokenStore`] entry is: public identifiers only, never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenKey {
    /// The Zoom account id (Server-to-Server) or a name for the user grant (user OAuth).
    pub account: String,
    /// The OAuth app's client id.
    pub client_id: String,
}

impl TokenKey {
    /// The entry of `client_id`'s token for `account`.
    pub fn new(account: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self {
            account: account.into(),
            client_id: client_id.into(),
        }
    }
}

/// A token as a store keeps it. `Debug` shows no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredToken {
    /// The access token.
    pub access_token: SecretString,
    /// The account's API host from the token answer (`api_url`), if any.
    pub api_url: Option<String>,
    /// User OAuth: the newest refresh token, stored atomically with its access token.
    pub refresh_token: Option<SecretString>,
    /// On write: the token's lifetime from now. On read: what is left of it (zero once
    /// expired; the entry is still returned for its refresh token).
    pub expires_in: Duration,
    /// The lifetime the token was issued with: it is due for renewal once less than a
    /// minute, and at most half of this, is left (see [`StoredToken::is_fresh`]).
    pub lifetime: Duration,
}

impl StoredToken {
    /// Whether it is worth using rather than renewing: more than the refresh margin is left
    /// (a minute, at most half its lifetime), the rule of the in-process token cache.
    pub fn is_fresh(&self) -> bool {
        self.expires_in > refresh_margin(self.lifetime)
    }
}

/// Proof of holding a token lock: its random owner value. Give it back through
/// [`TokenStore::put_and_unlock`] or [`TokenStore::unlock`]; if it is dropped instead, the
/// lock expires after its time to live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenLock {
    owner: String,
}

impl TokenLock {
    /// A lock proof with a fresh random owner value (128 bits from the process's hash seed,
    /// the clock, the process id and a counter: unique, not a cryptographic secret).
    pub fn random() -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut halves = [0u64; 2];
        for (i, half) in halves.iter_mut().enumerate() {
            let mut hasher = RandomState::new().build_hasher();
            hasher.write_u128(nanos);
            hasher.write_u32(std::process::id());
            hasher.write_u64(count);
            hasher.write_usize(i);
            *half = hasher.finish();
        }
        Self {
            owner: format!("{:016x}{:016x}", halves[0], halves[1]),
        }
    }

    /// The owner value written into the lock.
    pub fn owner(&self) -> &str {
        &self.owner
    }
}

/// Why a store operation failed. The client falls back to local state on any of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// The store could not be reached (refused, reset, or skipped while reconnecting later).
    Unavailable,
    /// The store did not answer in time.
    Timeout,
    /// The store refused the credentials (AUTH) or the command.
    Rejected,
    /// The store's answer was not what the protocol expects.
    Protocol,
    /// The store is misconfigured (bad URL, TLS not compiled in).
    Config,
}

/// A store operation that failed. Its text never contains a password or a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    /// What kind of failure.
    pub kind: StoreErrorKind,
    /// What happened, redacted.
    pub message: String,
}

impl StoreError {
    /// A failure of `kind`, described by `message` (which must hold no secret).
    pub fn new(kind: StoreErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "shared store: {}", self.message)
    }
}

impl std::error::Error for StoreError {}

/// The limiter's schedule shared across processes (async).
#[async_trait::async_trait]
pub trait LimiterStore: Send + Sync {
    /// Reserves a slot for one call and returns how long to wait before making it.
    async fn reserve(&self, key: &LimiterKey) -> Result<Duration, StoreError>;
}

/// The limiter's schedule shared across processes (blocking).
pub trait BlockingLimiterStore: Send + Sync {
    /// Reserves a slot for one call and returns how long to wait before making it.
    fn reserve(&self, key: &LimiterKey) -> Result<Duration, StoreError>;
}

/// A token cache shared across processes, with a lock for single flight (async).
#[async_trait::async_trait]
pub trait TokenStore: Send + Sync {
    /// The stored token, if any (also when expired, for its refresh token).
    async fn get(&self, key: &TokenKey) -> Result<Option<StoredToken>, StoreError>;
    /// Takes the refresh lock for `ttl` if nobody holds it.
    async fn try_lock(
        &self,
        key: &TokenKey,
        ttl: Duration,
    ) -> Result<Option<TokenLock>, StoreError>;
    /// Stores `token` (access and refresh token in one atomic write) and releases `lock` if
    /// it is still ours. Returns whether the lock was still ours. A holder that lost its
    /// lock still stores a token that expires later than the stored one (a rotated refresh
    /// token must not be lost), never an older one. Without a refresh token in `token`, the
    /// stored refresh token is kept.
    async fn put_and_unlock(
        &self,
        key: &TokenKey,
        token: &StoredToken,
        lock: TokenLock,
    ) -> Result<bool, StoreError>;
    /// Releases `lock` if it is still ours (compare and delete).
    async fn unlock(&self, key: &TokenKey, lock: TokenLock) -> Result<bool, StoreError>;
    /// Zoom rejected `access_token`: forget it if it is still the stored one (the refresh
    /// token stays).
    async fn invalidate(
        &self,
        key: &TokenKey,
        access_token: &SecretString,
    ) -> Result<(), StoreError>;
}

/// A token cache shared across processes, with a lock for single flight (blocking).
pub trait BlockingTokenStore: Send + Sync {
    /// The stored token, if any (also when expired, for its refresh token).
    fn get(&self, key: &TokenKey) -> Result<Option<StoredToken>, StoreError>;
    /// Takes the refresh lock for `ttl` if nobody holds it.
    fn try_lock(&self, key: &TokenKey, ttl: Duration) -> Result<Option<TokenLock>, StoreError>;
    /// Stores `token` and releases `lock` if it is still ours; see [`TokenStore`].
    fn put_and_unlock(
        &self,
        key: &TokenKey,
        token: &StoredToken,
        lock: TokenLock,
    ) -> Result<bool, StoreError>;
    /// Releases `lock` if it is still ours (compare and delete).
    fn unlock(&self, key: &TokenKey, lock: TokenLock) -> Result<bool, StoreError>;
    /// Forgets `access_token` if it is still the stored one.
    fn invalidate(&self, key: &TokenKey, access_token: &SecretString) -> Result<(), StoreError>;
}

/// One store operation a call needs, as [`Step::Store`](crate::call::Step::Store) hands it to
/// the driver: run it with [`SharedStore::run`] or [`BlockingSharedStore::run_blocking`].
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreOp {
    /// [`LimiterStore::reserve`]; answers [`StoreOutcome::Reserved`].
    Reserve(LimiterKey),
    /// [`TokenStore::get`]; answers [`StoreOutcome::Token`].
    Get(TokenKey),
    /// [`TokenStore::try_lock`]; answers [`StoreOutcome::Locked`].
    TryLock {
        /// Whose lock.
        key: TokenKey,
        /// How long it lives if its holder dies.
        ttl: Duration,
    },
    /// [`TokenStore::put_and_unlock`]; answers [`StoreOutcome::Unlocked`].
    PutAndUnlock {
        /// Whose token.
        key: TokenKey,
        /// The token to store.
        token: StoredToken,
        /// The lock to release.
        lock: TokenLock,
    },
    /// [`TokenStore::unlock`]; answers [`StoreOutcome::Unlocked`].
    Unlock {
        /// Whose lock.
        key: TokenKey,
        /// The lock to release.
        lock: TokenLock,
    },
    /// [`TokenStore::invalidate`]; answers [`StoreOutcome::Invalidated`].
    Invalidate {
        /// Whose token.
        key: TokenKey,
        /// The token Zoom rejected.
        access_token: SecretString,
    },
}

/// What a [`StoreOp`] came to.
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreOutcome {
    /// How long to wait before the call.
    Reserved(Duration),
    /// The stored token, if any.
    Token(Option<StoredToken>),
    /// The lock, if it was free.
    Locked(Option<TokenLock>),
    /// Whether the lock was still ours when released.
    Unlocked(bool),
    /// Done.
    Invalidated,
}

/// A store of both the limiter's schedule and the tokens, as an async client takes it
/// (`ClientBuilder::shared_store`). Implemented for every [`TokenStore`] that is also a
/// [`LimiterStore`].
#[async_trait::async_trait]
pub trait SharedStore: TokenStore + LimiterStore {
    /// Runs `op`: what an async driver does with [`Step::Store`](crate::call::Step::Store).
    async fn run(&self, op: StoreOp) -> Result<StoreOutcome, StoreError> {
        Ok(match op {
            StoreOp::Reserve(key) => StoreOutcome::Reserved(self.reserve(&key).await?),
            StoreOp::Get(key) => StoreOutcome::Token(self.get(&key).await?),
            StoreOp::TryLock { key, ttl } => StoreOutcome::Locked(self.try_lock(&key, ttl).await?),
            StoreOp::PutAndUnlock { key, token, lock } => {
                StoreOutcome::Unlocked(self.put_and_unlock(&key, &token, lock).await?)
            }
            StoreOp::Unlock { key, lock } => StoreOutcome::Unlocked(self.unlock(&key, lock).await?),
            StoreOp::Invalidate { key, access_token } => {
                self.invalidate(&key, &access_token).await?;
                StoreOutcome::Invalidated
            }
        })
    }
}

impl<S: TokenStore + LimiterStore> SharedStore for S {}

/// A store of both the limiter's schedule and the tokens, as a blocking client takes it.
/// Implemented for every [`BlockingTokenStore`] that is also a [`BlockingLimiterStore`].
pub trait BlockingSharedStore: BlockingTokenStore + BlockingLimiterStore {
    /// Runs `op`: what a blocking driver does with [`Step::Store`](crate::call::Step::Store).
    fn run_blocking(&self, op: StoreOp) -> Result<StoreOutcome, StoreError> {
        Ok(match op {
            StoreOp::Reserve(key) => StoreOutcome::Reserved(self.reserve(&key)?),
            StoreOp::Get(key) => StoreOutcome::Token(self.get(&key)?),
            StoreOp::TryLock { key, ttl } => StoreOutcome::Locked(self.try_lock(&key, ttl)?),
            StoreOp::PutAndUnlock { key, token, lock } => {
                StoreOutcome::Unlocked(self.put_and_unlock(&key, &token, lock)?)
            }
            StoreOp::Unlock { key, lock } => StoreOutcome::Unlocked(self.unlock(&key, lock)?),
            StoreOp::Invalidate { key, access_token } => {
                self.invalidate(&key, &access_token)?;
                StoreOutcome::Invalidated
            }
        })
    }
}

impl<S: BlockingTokenStore + BlockingLimiterStore> BlockingSharedStore for S {}

#[async_trait::async_trait]
impl<S: LimiterStore + ?Sized> LimiterStore for std::sync::Arc<S> {
    async fn reserve(&self, key: &LimiterKey) -> Result<Duration, StoreError> {
        (**self).reserve(key).await
    }
}

#[async_trait::async_trait]
impl<S: TokenStore + ?Sized> TokenStore for std::sync::Arc<S> {
    async fn get(&self, key: &TokenKey) -> Result<Option<StoredToken>, StoreError> {
        (**self).get(key).await
    }
    async fn try_lock(
        &self,
        key: &TokenKey,
        ttl: Duration,
    ) -> Result<Option<TokenLock>, StoreError> {
        (**self).try_lock(key, ttl).await
    }
    async fn put_and_unlock(
        &self,
        key: &TokenKey,
        token: &StoredToken,
        lock: TokenLock,
    ) -> Result<bool, StoreError> {
        (**self).put_and_unlock(key, token, lock).await
    }
    async fn unlock(&self, key: &TokenKey, lock: TokenLock) -> Result<bool, StoreError> {
        (**self).unlock(key, lock).await
    }
    async fn invalidate(
        &self,
        key: &TokenKey,
        access_token: &SecretString,
    ) -> Result<(), StoreError> {
        (**self).invalidate(key, access_token).await
    }
}

impl<S: BlockingLimiterStore + ?Sized> BlockingLimiterStore for std::sync::Arc<S> {
    fn reserve(&self, key: &LimiterKey) -> Result<Duration, StoreError> {
        (**self).reserve(key)
    }
}

impl<S: BlockingTokenStore + ?Sized> BlockingTokenStore for std::sync::Arc<S> {
    fn get(&self, key: &TokenKey) -> Result<Option<StoredToken>, StoreError> {
        (**self).get(key)
    }
    fn try_lock(&self, key: &TokenKey, ttl: Duration) -> Result<Option<TokenLock>, StoreError> {
        (**self).try_lock(key, ttl)
    }
    fn put_and_unlock(
        &self,
        key: &TokenKey,
        token: &StoredToken,
        lock: TokenLock,
    ) -> Result<bool, StoreError> {
        (**self).put_and_unlock(key, token, lock)
    }
    fn unlock(&self, key: &TokenKey, lock: TokenLock) -> Result<bool, StoreError> {
        (**self).unlock(key, lock)
    }
    fn invalidate(&self, key: &TokenKey, access_token: &SecretString) -> Result<(), StoreError> {
        (**self).invalidate(key, access_token)
    }
}

/// The default store: this process's memory, shared by the clones of one client.
#[derive(Debug, Default)]
pub struct MemoryStore {
    schedules: Mutex<HashMap<LimiterKey, Instant>>,
    tokens: Mutex<HashMap<TokenKey, MemoryEntry>>,
}

#[derive(Debug, Default)]
struct MemoryEntry {
    token: Option<(StoredToken, Instant)>,
    lock: Option<(String, Instant)>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl BlockingLimiterStore for MemoryStore {
    fn reserve(&self, key: &LimiterKey) -> Result<Duration, StoreError> {
        let now = Instant::now();
        let mut schedules = lock(&self.schedules);
        let next_free = schedules.entry(key.clone()).or_insert(now);
        let theoretical = (*next_free).max(now);
        let tolerance = key.interval.saturating_mul(key.burst.max(1) - 1);
        let allowed_at = theoretical.checked_sub(tolerance).unwrap_or(now);
        *next_free = theoretical.checked_add(key.interval).unwrap_or(theoretical);
        Ok(allowed_at.saturating_duration_since(now))
    }
}

impl BlockingTokenStore for MemoryStore {
    fn get(&self, key: &TokenKey) -> Result<Option<StoredToken>, StoreError> {
        let now = Instant::now();
        let tokens = lock(&self.tokens);
        Ok(tokens
            .get(key)
            .and_then(|entry| entry.token.as_ref())
            .map(|(token, expires_at)| StoredToken {
                expires_in: expires_at.saturating_duration_since(now),
                ..token.clone()
            }))
    }

    fn try_lock(&self, key: &TokenKey, ttl: Duration) -> Result<Option<TokenLock>, StoreError> {
        let now = Instant::now();
        let mut tokens = lock(&self.tokens);
        let entry = tokens.entry(key.clone()).or_default();
        if entry.lock.as_ref().is_some_and(|(_, until)| now < *until) {
            return Ok(None);
        }
        let proof = TokenLock::random();
        let until = now.checked_add(ttl).unwrap_or(now);
        entry.lock = Some((proof.owner.clone(), until));
        Ok(Some(proof))
    }

    fn put_and_unlock(
        &self,
        key: &TokenKey,
        token: &StoredToken,
        proof: TokenLock,
    ) -> Result<bool, StoreError> {
        let now = Instant::now();
        let mut tokens = lock(&self.tokens);
        let entry = tokens.entry(key.clone()).or_default();
        let mut stored = token.clone();
        if stored.refresh_token.is_none() {
            stored.refresh_token = entry
                .token
                .as_ref()
                .and_then(|(old, _)| old.refresh_token.clone());
        }
        let expires_at = now.checked_add(token.expires_in).unwrap_or(now);
        let ours = release(entry, &proof, now);
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
        Ok(ours)
    }

    fn unlock(&self, key: &TokenKey, proof: TokenLock) -> Result<bool, StoreError> {
        let now = Instant::now();
        let mut tokens = lock(&self.tokens);
        Ok(tokens
            .get_mut(key)
            .is_some_and(|entry| release(entry, &proof, now)))
    }

    fn invalidate(&self, key: &TokenKey, access_token: &SecretString) -> Result<(), StoreError> {
        let mut tokens = lock(&self.tokens);
        if let Some((token, expires_at)) = tokens.get_mut(key).and_then(|e| e.token.as_mut())
            && token.access_token == *access_token
        {
            *expires_at = Instant::now();
        }
        Ok(())
    }
}

/// Compare and delete: releases the lock only if `proof` still owns it.
fn release(entry: &mut MemoryEntry, proof: &TokenLock, now: Instant) -> bool {
    let ours = entry
        .lock
        .as_ref()
        .is_some_and(|(owner, until)| *owner == proof.owner && now < *until);
    if ours {
        entry.lock = None;
    }
    ours
}

#[async_trait::async_trait]
impl LimiterStore for MemoryStore {
    async fn reserve(&self, key: &LimiterKey) -> Result<Duration, StoreError> {
        BlockingLimiterStore::reserve(self, key)
    }
}

#[async_trait::async_trait]
impl TokenStore for MemoryStore {
    async fn get(&self, key: &TokenKey) -> Result<Option<StoredToken>, StoreError> {
        BlockingTokenStore::get(self, key)
    }
    async fn try_lock(
        &self,
        key: &TokenKey,
        ttl: Duration,
    ) -> Result<Option<TokenLock>, StoreError> {
        BlockingTokenStore::try_lock(self, key, ttl)
    }
    async fn put_and_unlock(
        &self,
        key: &TokenKey,
        token: &StoredToken,
        proof: TokenLock,
    ) -> Result<bool, StoreError> {
        BlockingTokenStore::put_and_unlock(self, key, token, proof)
    }
    async fn unlock(&self, key: &TokenKey, proof: TokenLock) -> Result<bool, StoreError> {
        BlockingTokenStore::unlock(self, key, proof)
    }
    async fn invalidate(
        &self,
        key: &TokenKey,
        access_token: &SecretString,
    ) -> Result<(), StoreError> {
        BlockingTokenStore::invalidate(self, key, access_token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RateLimiter;

    #[test]
    fn limiter_keys_keep_the_local_limiters_spacing_and_burst_rule() {
        for rate in [0, 1, 2, 4, 7, 30, 80, 1000] {
            // Read the local rule off its waits at one instant: zeros for the burst, then
            // one interval more each call.
            let local = RateLimiter::per_second(rate);
            let now = crate::time::Timestamp::ORIGIN;
            let waits: Vec<Duration> = (0..rate.max(1) + 2).map(|_| local.reserve(now)).collect();
            let burst = waits.iter().take_while(|w| w.is_zero()).count();
            let key = LimiterKey::per_second("acct", "light", rate);
            assert_eq!(key.burst as usize, burst, "rate {rate}");
            assert_eq!(key.interval, waits[burst], "rate {rate}");
        }
    }

    #[test]
    fn the_memory_limiter_lets_the_burst_through_then_spaces_calls() {
        const HOUR: Duration = Duration::from_secs(3600);
        let store = MemoryStore::new();
        let mut key = LimiterKey::per_second("acct", "light", 6);
        key.interval = HOUR; // so that no test machine is slow enough to matter
        let waits: Vec<Duration> = (0..6)
            .map(|_| BlockingLimiterStore::reserve(&store, &key).unwrap())
            .collect();
        assert!(waits[..3].iter().all(Duration::is_zero), "{waits:?}");
        for (k, wait) in waits[3..].iter().enumerate() {
            let slot = HOUR * (k as u32 + 1);
            assert!(
                *wait <= slot && *wait > slot - Duration::from_secs(60),
                "{waits:?}"
            );
        }
        let other = LimiterKey::per_second("acct", "medium", 6);
        assert!(
            BlockingLimiterStore::reserve(&store, &other)
                .unwrap()
                .is_zero()
        );
    }

    #[test]
    fn one_lock_at_a_time_and_only_its_owner_releases_it() {
        let store: &dyn BlockingTokenStore = &MemoryStore::new();
        let key = TokenKey::new("acct", "client");
        let ttl = Duration::from_secs(60);
        let first = store.try_lock(&key, ttl).unwrap().expect("free lock");
        assert!(store.try_lock(&key, ttl).unwrap().is_none());
        assert!(!store.unlock(&key, TokenLock::random()).unwrap());
        assert!(store.try_lock(&key, ttl).unwrap().is_none());
        assert!(store.unlock(&key, first).unwrap());
        assert!(store.try_lock(&key, ttl).unwrap().is_some());
    }

    #[test]
    fn a_put_keeps_the_refresh_token_with_its_access_token_and_hides_both() {
        let store: &dyn BlockingTokenStore = &MemoryStore::new();
        let key = TokenKey::new("acct", "client");
        let proof = store
            .try_lock(&key, Duration::from_secs(5))
            .unwrap()
            .unwrap();
        let token = StoredToken {
            access_token: "access-1".into(),
            api_url: Some("https://api.zoom.us".into()),
            refresh_token: Some("refresh-2".into()),
            expires_in: Duration::from_secs(3600),
            lifetime: Duration::from_secs(3600),
        };
        assert!(store.put_and_unlock(&key, &token, proof).unwrap());
        let read = store.get(&key).unwrap().unwrap();
        assert_eq!(read.refresh_token, token.refresh_token);
        assert!(read.expires_in > Duration::from_secs(3500));
        let shown = format!("{read:?}");
        assert!(
            !shown.contains("access-1") && !shown.contains("refresh-2"),
            "{shown}"
        );

        store.invalidate(&key, &"access-1".into()).unwrap();
        let read = store.get(&key).unwrap().unwrap();
        assert_eq!(read.expires_in, Duration::ZERO);
        assert_eq!(read.refresh_token, token.refresh_token);
    }

    #[test]
    fn lock_owners_are_distinct() {
        let owners: std::collections::HashSet<_> =
            (0..1000).map(|_| TokenLock::random().owner).collect();
        assert_eq!(owners.len(), 1000);
    }
}
