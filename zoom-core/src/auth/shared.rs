//! The single flight across processes, beside the process's token cache: a sub-machine of
//! the call ([`crate::call`]) for a caller that holds the process's single-flight lock and
//! found no token in the process. Sans-IO like the call, it answers each store outcome with
//! the call's next move ([`Turn`]), which the call turns into a [`Step`](crate::call::Step):
//!
//! ```text
//! start ─▶ Store(Get): fresh ─▶ keep it, use it
//!          else Store(TryLock): taken ─▶ Store(Get) again under it:
//!              fresh ─▶ keep it, Store(Unlock), use it
//!              else  ─▶ (user OAuth: the stored refresh token) fetch, holding the lock
//!          held elsewhere ─▶ wait 5..100 ms, Store(Get) again; after 15 s ─▶ fetch
//!          any store error ─▶ fetch in this process
//! fetch ─▶ Holding::put: Store(PutAndUnlock) | a failed fetch: Holding::release: Store(Unlock)
//! ```
//!
//! A refresh ahead ([`Flight::ahead`], see `auth/ahead.rs`) takes the same path, with two
//! differences: a stored token is used only if it is before its prefetch point (another
//! process renewed it), and when another process holds the lock this caller does not poll
//! ([`Turn::Skip`]): that process is refreshing, and this one goes on with its current
//! token, looking again a little later.

use std::time::Duration;

use super::ahead::STORE_BUSY_PAUSE;
use super::{Auth, SingleFlightGuard, Token};
use crate::retry::Jitter;
use crate::store::{StoreOp, StoreOutcome, StoredToken, TokenKey, TokenLock};
use crate::time::Timestamp;

/// How long a store lock lives if its holder dies before releasing it.
pub(crate) const STORE_LOCK_TTL: Duration = Duration::from_secs(10);
/// How long a caller polls the store while another process holds the lock, before it
/// fetches on its own; longer than the lock's time to live, so a dead holder's lock is
/// taken over first.
pub(crate) const STORE_WAIT: Duration = Duration::from_secs(15);
/// The first pause between polls; it doubles up to [`POLL_MAX`].
const POLL_FIRST: Duration = Duration::from_millis(5);
const POLL_MAX: Duration = Duration::from_millis(100);

/// One call's polls of the store while another process holds its lock. Kept for the whole
/// call: once its deadline has passed, a later attempt fetches without polling again.
#[derive(Debug, Default)]
pub(crate) struct Polls(Option<PollState>);

#[derive(Debug, Clone, Copy)]
struct PollState {
    deadline: Timestamp,
    next: Duration,
}

/// What the flight reads from its call: the token cache, now, and the jitter of the polls.
pub(crate) struct Context<'c> {
    pub(crate) auth: &'c Auth,
    pub(crate) now: Timestamp,
    pub(crate) jitter: &'c Jitter,
}

/// A caller waiting for a store outcome, holding the process's single-flight lock.
#[derive(Debug)]
pub(crate) struct Flight<'a> {
    guard: SingleFlightGuard<'a>,
    key: &'a TokenKey,
    stage: Stage,
    /// A refresh ahead, not a token needed now.
    ahead: bool,
}

#[derive(Debug)]
enum Stage {
    /// Reading the store's token.
    Looking,
    /// Asking for the store's lock.
    TakingLock,
    /// Holding the store's lock, reading its token again.
    Rereading(TokenLock),
}

/// A caller pausing before it reads the store again (another process holds its lock),
/// holding the process's single-flight lock.
#[derive(Debug)]
pub(crate) struct Pause<'a> {
    guard: SingleFlightGuard<'a>,
    key: &'a TokenKey,
}

/// What the fetcher of a token holds in the store: the entry to write and, if it took it,
/// the store's lock.
#[derive(Debug)]
pub(crate) struct Holding<'a> {
    key: &'a TokenKey,
    lock: Option<TokenLock>,
}

/// The call's next move.
#[derive(Debug)]
pub(crate) enum Turn<'a> {
    /// Run this operation on the store, then hand its outcome to [`Flight::stored`].
    Store(Flight<'a>, StoreOp),
    /// Wait this long, then [`Pause::resume`].
    Wait(Pause<'a>, Duration),
    /// Use this token, found in the store (the single-flight lock is released); release the
    /// store's lock with this operation first, if there is one.
    Use(Token, Option<StoreOp>),
    /// Fetch a token from the token endpoint, holding the single-flight lock and what the
    /// store holds for this caller.
    Fetch(SingleFlightGuard<'a>, Holding<'a>),
    /// Refreshing ahead, another process holds the store's lock (it is refreshing): go on
    /// with the current token, and claim no refresh ahead for this long (the single-flight
    /// lock is released).
    Skip(Duration),
}

impl<'a> Flight<'a> {
    /// Holding the single-flight lock with no token in the process: read the store first.
    pub(crate) fn start(guard: SingleFlightGuard<'a>, key: &'a TokenKey) -> Turn<'a> {
        Self::ask(Self::new(guard, key, false), Stage::Looking)
    }

    /// Holding the single-flight lock to refresh the process's token ahead: read the store
    /// first.
    pub(crate) fn ahead(guard: SingleFlightGuard<'a>, key: &'a TokenKey) -> Turn<'a> {
        Self::ask(Self::new(guard, key, true), Stage::Looking)
    }

    fn new(guard: SingleFlightGuard<'a>, key: &'a TokenKey, ahead: bool) -> Self {
        Flight {
            guard,
            key,
            stage: Stage::Looking,
            ahead,
        }
    }

    /// Asks the store for what `stage` needs.
    fn ask(mut self, stage: Stage) -> Turn<'a> {
        let key = self.key.clone();
        let op = match &stage {
            Stage::Looking | Stage::Rereading(_) => StoreOp::Get(key),
            Stage::TakingLock => StoreOp::TryLock {
                key,
                ttl: STORE_LOCK_TTL,
            },
        };
        self.stage = stage;
        Turn::Store(self, op)
    }

    /// The outcome of the last store operation; `None` when the store failed (or answered
    /// another operation), which means fetching in this process.
    pub(crate) fn stored(
        mut self,
        outcome: Option<StoreOutcome>,
        polls: &mut Polls,
        cx: &Context<'_>,
    ) -> Turn<'a> {
        use StoreOutcome::{Locked, Token as Found};
        let ahead = self.ahead;
        let stage = std::mem::replace(&mut self.stage, Stage::Looking);
        match (stage, outcome) {
            (Stage::Looking, Some(Found(Some(stored)))) if cx.auth.usable(&stored, ahead) => {
                Turn::Use(cx.auth.adopt(&stored, cx.now), None)
            }
            (Stage::Looking, Some(Found(_))) => self.ask(Stage::TakingLock),
            // Read again under the lock: another process may have just refreshed.
            (Stage::TakingLock, Some(Locked(Some(lock)))) => self.ask(Stage::Rereading(lock)),
            (Stage::TakingLock, Some(Locked(None))) if ahead => {
                // Between half and all of the pause, so that processes spread out.
                Turn::Skip(STORE_BUSY_PAUSE.mul_f64(0.5 + cx.jitter.sample() / 2.0))
            }
            (Stage::TakingLock, Some(Locked(None))) => poll(self.guard, self.key, polls, cx),
            (Stage::Rereading(lock), Some(Found(Some(stored))))
                if cx.auth.usable(&stored, ahead) =>
            {
                let token = cx.auth.adopt(&stored, cx.now);
                Turn::Use(token, Holding::new(self.key, Some(lock)).release())
            }
            (Stage::Rereading(lock), outcome) => {
                if let Some(Found(Some(stored))) = &outcome {
                    cx.auth.use_stored_refresh_token(stored);
                }
                Turn::Fetch(self.guard, Holding::new(self.key, Some(lock)))
            }
            (Stage::Looking | Stage::TakingLock, _) => {
                Turn::Fetch(self.guard, Holding::new(self.key, None))
            }
        }
    }
}

impl<'a> Pause<'a> {
    /// The pause is over: read the store again.
    pub(crate) fn resume(self) -> Turn<'a> {
        Flight::start(self.guard, self.key)
    }
}

/// Another process holds the store's lock: read the store again after a pause (5 ms
/// doubling to 100 ms, jittered), or fetch in this process once the wait is over.
fn poll<'a>(
    guard: SingleFlightGuard<'a>,
    key: &'a TokenKey,
    polls: &mut Polls,
    cx: &Context<'_>,
) -> Turn<'a> {
    let state = polls.0.get_or_insert(PollState {
        deadline: cx.now.saturating_add(STORE_WAIT),
        next: POLL_FIRST,
    });
    let left = state.deadline.saturating_duration_since(cx.now);
    if left.is_zero() {
        tracing::warn!(
            waited_s = STORE_WAIT.as_secs(),
            "another process held the shared token lock too long; fetching in this process"
        );
        return Turn::Fetch(guard, Holding::new(key, None));
    }
    // Between half and all of the pause, so that pollers spread out.
    let pause = state.next.mul_f64(0.5 + cx.jitter.sample() / 2.0);
    state.next = state.next.saturating_mul(2).min(POLL_MAX);
    Turn::Wait(Pause { guard, key }, pause.min(left))
}

impl<'a> Holding<'a> {
    fn new(key: &'a TokenKey, lock: Option<TokenLock>) -> Self {
        Self { key, lock }
    }

    /// The fetch succeeded: store `token` and release the store's lock in one operation.
    /// Stored even without the lock (taking it failed or timed out): the store keeps it
    /// only if it is newer than its own, and a rotated refresh token must not be lost.
    pub(crate) fn put(self, token: StoredToken) -> StoreOp {
        StoreOp::PutAndUnlock {
            key: self.key.clone(),
            token,
            lock: self.lock.unwrap_or_else(TokenLock::random),
        }
    }

    /// Done without storing (a failed fetch, or a token found under the lock): release the
    /// store's lock at once, if it was taken, so that the next caller anywhere goes on
    /// without waiting for it to expire.
    pub(crate) fn release(self) -> Option<StoreOp> {
        let key = self.key.clone();
        self.lock.map(|lock| StoreOp::Unlock { key, lock })
    }
}
