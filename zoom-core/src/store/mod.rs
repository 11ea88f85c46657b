//! State shared across processes: the limiter's schedule and the token cache.
//!
//! Zoom's rate limits and, for user-level OAuth, the single-use refresh token belong to the
//! account, not to one process. A shared store (`zoom-store-redis`) takes over that state
//! through one seam, shaped like the transport's: a store runs one [`StoreOp`] and answers
//! its [`StoreOutcome`], with one method per colour, [`SharedStore::run`] (async) and
//! [`BlockingSharedStore::run`] (blocking). `Arc`, `Box` and `&` of a store are stores. Without
//! one (the default), each client keeps that state in its own memory, as before.
//!
//! Give a client a store with `ClientBuilder::shared_store`. A remote store does I/O, which
//! zoom-core never does: the call asks its driver to run each operation with
//! [`Step::Store`](crate::call::Step::Store), and the driver hands the outcome back with
//! [`Call::stored`](crate::call::Call::stored):
//!
//! 1. **Pacing.** With a rate limiter configured, each attempt reserves its slot on the
//!    shared schedule ([`StoreOp::Reserve`]) instead of the local one.
//! 2. **A token.** A caller that finds no fresh token in its process takes the process's
//!    single-flight lock, then reads the store ([`StoreOp::Get`]): a token with more than
//!    the refresh margin left is used as is.
//! 3. **Single flight across processes** (the call's sub-machine in `auth/shared.rs`).
//!    Otherwise it takes the store's lock ([`StoreOp::TryLock`]), reads the token again
//!    under it (another process may just have refreshed it), fetches a new one only if
//!    still needed — user OAuth with the stored, newest refresh token — and stores it with
//!    [`StoreOp::PutAndUnlock`]: a rotated refresh token is written in the same atomic step
//!    as its access token. Callers that find the lock taken poll the store with backoff
//!    (5 ms doubling to 100 ms) for at most 15 s, then fetch on their own; a lock whose
//!    holder died expires after its time to live (10 s).
//! 4. **A rejected token** (401) is dropped from the store only if it is still the stored
//!    one ([`StoreOp::Invalidate`]), so many rejections lead to one refresh.
//! 5. **Refresh ahead.** From a token's prefetch point, one caller per process renews it
//!    through the same steps, except that a stored token counts only if it is before its
//!    prefetch point, and a lock held by another process means "it is refreshing": the
//!    caller goes on with its token and reads the store again a little later, no polling.
//! 6. **Faults.** Any [`StoreError`] makes the call go on with its process's limiter and
//!    token cache, with one warning per outage: the store never causes an outage. An
//!    operation a store does not know ([`StoreErrorKind::Unsupported`]) is one of them, so a
//!    store written before an operation was added keeps working.
//!
//! The same seam carries what replicas of a webhook endpoint share, so that one of them acts
//! on each event (the live-stream autopilot's driver, `zoom_live_stream::autopilot`): a
//! claim per target and event ([`StoreOp::Claim`]), a lease per target while an action runs
//! ([`StoreOp::Lease`], [`StoreOp::Release`]), and the target's record, written by compare
//! and set on its version ([`StoreOp::GetRecord`], [`StoreOp::PutRecord`]).
//!
//! An adapter writes one method. Here, a store that counts the operations it passes on:
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use zoom_core::store::{BlockingSharedStore, MemoryStore, StoreError, StoreOp, StoreOutcome};
//!
//! struct Counted<S> {
//!     inner: S,
//!     ops: AtomicU64,
//! }
//!
//! impl<S: BlockingSharedStore> BlockingSharedStore for Counted<S> {
//!     fn run(&self, op: StoreOp) -> Result<StoreOutcome, StoreError> {
//!         self.ops.fetch_add(1, Ordering::Relaxed);
//!         self.inner.run(op)
//!     }
//! }
//!
//! let store = Counted { inner: MemoryStore::new(), ops: AtomicU64::new(0) };
//! # let transport = zoom_core::FnTransport(|_: zoom_core::HttpRequest| unreachable!());
//! let client = zoom_core::blocking::Client::builder().transport(transport)
//!     .server_to_server_oauth("account-id", "client-id", "client-secret")
//!     .shared_store(store)
//!     .build()?;
//! # let _ = client;
//! # Ok::<(), zoom_core::Error>(())
//! ```

use std::fmt;
use std::time::Duration;

use crate::SecretString;
use crate::seam::seam;

mod coordination;
mod keys;
mod memory;

pub use coordination::{ClaimKey, LeaseOwner, StoredRecord, TargetKey};
pub(crate) use keys::refresh_margin;
pub use keys::{LimiterKey, StoredToken, TokenKey, TokenLock};
pub use memory::MemoryStore;

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
    /// The store does not know this operation ([`StoreOp`] grows; an adapter written before
    /// an operation was added answers this, and the call goes on with local state).
    Unsupported,
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

    /// [`StoreErrorKind::Unsupported`] for `op`, named by its kind only (no key, no token).
    pub fn unsupported(op: &StoreOp) -> Self {
        Self::new(
            StoreErrorKind::Unsupported,
            format!("this store does not know the operation {}", op.name()),
        )
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "shared store: {}", self.message)
    }
}

impl std::error::Error for StoreError {}

/// One store operation a call needs, as [`Step::Store`](crate::call::Step::Store) hands it to
/// the driver: run it with [`SharedStore::run`] or [`BlockingSharedStore::run`]. New
/// operations will come (hence `#[non_exhaustive]`); a store that does not know one answers
/// [`StoreError::unsupported`].
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreOp {
    /// Reserve a slot for one call on the shared schedule; answers
    /// [`StoreOutcome::Reserved`] with how long to wait before making it.
    Reserve(LimiterKey),
    /// Read the stored token, if any (also when expired, for its refresh token); answers
    /// [`StoreOutcome::Token`].
    Get(TokenKey),
    /// Take the refresh lock if nobody holds it; answers [`StoreOutcome::Locked`].
    TryLock {
        /// Whose lock.
        key: TokenKey,
        /// How long it lives if its holder dies.
        ttl: Duration,
    },
    /// Store `token` (access and refresh token in one atomic write) and release `lock` if it
    /// is still ours; answers [`StoreOutcome::Unlocked`] with whether it was. A holder that
    /// lost its lock still stores a token that expires later than the stored one (a rotated
    /// refresh token must not be lost), never an older one. Without a refresh token in
    /// `token`, the stored refresh token is kept.
    PutAndUnlock {
        /// Whose token.
        key: TokenKey,
        /// The token to store.
        token: StoredToken,
        /// The lock to release.
        lock: TokenLock,
    },
    /// Release `lock` if it is still ours (compare and delete); answers
    /// [`StoreOutcome::Unlocked`] with whether it was.
    Unlock {
        /// Whose lock.
        key: TokenKey,
        /// The lock to release.
        lock: TokenLock,
    },
    /// Zoom rejected `access_token`: forget it if it is still the stored one (the refresh
    /// token stays); answers [`StoreOutcome::Invalidated`].
    Invalidate {
        /// Whose token.
        key: TokenKey,
        /// The token Zoom rejected.
        access_token: SecretString,
    },
    /// Take the claim `key` for `ttl` if nobody holds it (`SET NX PX`); answers
    /// [`StoreOutcome::Claimed`] with whether this caller got it. Of all the callers sharing
    /// the store, one gets a claim while it lives: replicas of a webhook endpoint claim each
    /// event they receive, and only the one that got the claim acts on it at once.
    Claim {
        /// Which event about which target.
        key: ClaimKey,
        /// How long the claim lives (longer than the sender's redeliveries go on).
        ttl: Duration,
    },
    /// Take the lease on `key` for `ttl` if it is free (or expired), or renew it for `ttl` if
    /// `owner` holds it; answers [`StoreOutcome::Leased`] with whether `owner` holds it now.
    /// A holder that dies loses its lease when it expires, and another takes it over.
    Lease {
        /// Whose lease.
        key: TargetKey,
        /// Who asks for it.
        owner: LeaseOwner,
        /// How long it lives unless renewed.
        ttl: Duration,
    },
    /// End the lease on `key` if `owner` still holds it (compare and delete); answers
    /// [`StoreOutcome::Unlocked`] with whether it did.
    Release {
        /// Whose lease.
        key: TargetKey,
        /// Who holds it.
        owner: LeaseOwner,
    },
    /// Read the target's record, if any; answers [`StoreOutcome::Record`].
    GetRecord(TargetKey),
    /// Write `data` as the target's record if its version is still `expected` (0: no record
    /// yet), compare and set; the version becomes `expected + 1` and the record lives `ttl`
    /// from now. Answers [`StoreOutcome::RecordPut`] with the new version, or `None` when
    /// another writer came first (nothing is written then).
    PutRecord {
        /// Whose record.
        key: TargetKey,
        /// The version the writer read (0 when it read none).
        expected: u64,
        /// What to write (the autopilot's JSON).
        data: String,
        /// How long the record lives after this write.
        ttl: Duration,
    },
}

impl StoreOp {
    /// The operation's name, as its variant is called (`Get`, `TryLock`, ...): for logs and
    /// errors, which must show neither a key nor a token.
    pub fn name(&self) -> &'static str {
        match self {
            StoreOp::Reserve(_) => "Reserve",
            StoreOp::Get(_) => "Get",
            StoreOp::TryLock { .. } => "TryLock",
            StoreOp::PutAndUnlock { .. } => "PutAndUnlock",
            StoreOp::Unlock { .. } => "Unlock",
            StoreOp::Invalidate { .. } => "Invalidate",
            StoreOp::Claim { .. } => "Claim",
            StoreOp::Lease { .. } => "Lease",
            StoreOp::Release { .. } => "Release",
            StoreOp::GetRecord(_) => "GetRecord",
            StoreOp::PutRecord { .. } => "PutRecord",
        }
    }
}

/// What a [`StoreOp`] came to. An outcome of another operation than the one asked for is
/// taken as a failure of the store.
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
    /// Whether this caller got the claim.
    Claimed(bool),
    /// Whether the caller holds the lease now.
    Leased(bool),
    /// The target's record, if any.
    Record(Option<StoredRecord>),
    /// The record's new version, or `None` when another writer came first.
    RecordPut(Option<u64>),
}

seam! {
    /// A store shared across processes, as an async client takes it
    /// (`ClientBuilder::shared_store`): one method, like [`crate::Transport::send`].
    ///
    /// Object safe: `Arc<dyn SharedStore>` and `Box<dyn SharedStore>` are stores too.
    pub trait SharedStore, future RunFuture;

    /// A store shared across processes, as a blocking client takes it: one method, like
    /// [`crate::BlockingTransport::send`]. See the [module](self) for an adapter.
    pub trait BlockingSharedStore;

    /// Runs `op`: what a driver does with [`Step::Store`](crate::call::Step::Store). An
    /// operation the store does not know answers [`StoreError::unsupported`].
    fn run(&self, op: StoreOp) -> Result<StoreOutcome, StoreError>;
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn an_unsupported_operation_is_named_without_its_key_or_token() {
        let op = StoreOp::Invalidate {
            key: TokenKey::new("account-9", "client-9"),
            access_token: "secret-token".into(),
        };
        let error = StoreError::unsupported(&op);
        assert_eq!(error.kind, StoreErrorKind::Unsupported);
        assert_eq!(
            error.to_string(),
            "shared store: this store does not know the operation Invalidate"
        );
    }

    #[test]
    fn wrapped_stores_are_stores() {
        fn blocking(_: &dyn BlockingSharedStore) {}
        fn asynchronous(_: &dyn SharedStore) {}
        let store = Arc::new(MemoryStore::new());
        blocking(&store);
        blocking(&&*store);
        blocking(&(Box::new(MemoryStore::new()) as Box<dyn BlockingSharedStore>));
        asynchronous(&store);
        asynchronous(&&*store);
        asynchronous(&(Box::new(MemoryStore::new()) as Box<dyn SharedStore>));
    }
}
