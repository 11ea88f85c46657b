//! What a client is made of, for both kinds: the shared state and retry policy, plus a
//! transport, a sleeper and a shared store of the client's kind (async or blocking).

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use crate::auth::Auth;
use crate::auth::ahead::Background;
use crate::endpoint::BaseUrl;
use crate::error::InvalidInput;
use crate::limiter::RateLimiter;
use crate::retry::{Jitter, RetryPolicy};
use crate::store::{LimiterKey, StoreError, StoreOutcome, TokenKey};
use crate::time::TimeSource;

/// What a client shares between its clones, and each of its calls reads: configuration,
/// clock, token cache, limiter, and what it keeps in a shared store.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) api_base: BaseUrl,
    pub(crate) auth: Auth,
    pub(crate) limiter: Option<RateLimiter>,
    pub(crate) jitter: Jitter,
    pub(crate) time: Arc<dyn TimeSource>,
    /// What the client keeps in a shared store, if it has one.
    pub(crate) store: Option<StorePlan>,
    /// How an async client with a spawner refreshes ahead beside its callers (see
    /// `auth/ahead.rs`); unset, the claiming call refreshes inline.
    pub(crate) background: OnceLock<Background>,
}

/// What a client with a shared store keeps there.
#[derive(Debug)]
pub(crate) struct StorePlan {
    /// The token entry (OAuth credentials only).
    pub(crate) token: Option<TokenKey>,
    /// The limiter's schedule (with a rate limiter configured only).
    pub(crate) limiter: Option<LimiterKey>,
    /// Whether the last store operation failed: one warning per outage, not per call.
    pub(crate) down: AtomicBool,
}

impl Shared {
    /// The store's token entry, when the client keeps tokens in a shared store.
    pub(crate) fn token_key(&self) -> Option<&TokenKey> {
        self.store.as_ref()?.token.as_ref()
    }

    /// The shared schedule, when the client paces on one.
    pub(crate) fn limiter_key(&self) -> Option<&LimiterKey> {
        self.store.as_ref()?.limiter.as_ref()
    }

    /// The outcome, if the store answered. A failure is logged once per outage (and its end
    /// once), and the call goes on with the process's own limiter and token cache.
    pub(crate) fn note_store(
        &self,
        outcome: Result<StoreOutcome, StoreError>,
    ) -> Option<StoreOutcome> {
        let down = &self.store.as_ref()?.down;
        match outcome {
            Ok(outcome) => {
                if down.swap(false, Ordering::Relaxed) {
                    tracing::info!("shared store reachable again");
                }
                Some(outcome)
            }
            Err(error) => {
                if !down.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        %error,
                        "shared store unavailable; using this process's limiter and token cache until it is back"
                    );
                }
                None
            }
        }
    }
}

/// A transport, a sleeper and a store, as a builder holds them. The transport comes when the
/// builder is given one (late, so that a builder can be configured before its transport is
/// made); the store is an empty `MemoryStore` unless one is configured, and a call only uses
/// it when one is.
pub(crate) struct Parts<Tr: ?Sized, Sl: ?Sized, St: ?Sized> {
    pub(crate) transport: Option<Arc<Tr>>,
    pub(crate) sleeper: Arc<Sl>,
    pub(crate) store: Arc<St>,
}

impl<Tr: ?Sized, Sl: ?Sized, St: ?Sized> fmt::Debug for Parts<Tr, Sl, St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Parts")
    }
}

/// A built client's contents. Clones share everything.
pub(crate) struct Wiring<Tr: ?Sized, Sl: ?Sized, St: ?Sized> {
    pub(crate) shared: Arc<Shared>,
    pub(crate) retry: Arc<RetryPolicy>,
    pub(crate) transport: Arc<Tr>,
    pub(crate) sleeper: Arc<Sl>,
    pub(crate) store: Arc<St>,
}

impl<Tr: ?Sized, Sl: ?Sized, St: ?Sized> Wiring<Tr, Sl, St> {
    /// The client's contents, or an input error if no transport was given (nothing is sent).
    pub(crate) fn new(
        shared: Arc<Shared>,
        retry: Arc<RetryPolicy>,
        parts: Parts<Tr, Sl, St>,
    ) -> Result<Self, InvalidInput> {
        let transport = parts.transport.ok_or_else(|| {
            InvalidInput::new(
                "transport",
                "none set: give the builder one with .transport(..)",
            )
        })?;
        Ok(Self {
            shared,
            retry,
            transport,
            sleeper: parts.sleeper,
            store: parts.store,
        })
    }
}

impl<Tr: ?Sized, Sl: ?Sized, St: ?Sized> Clone for Wiring<Tr, Sl, St> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            retry: Arc::clone(&self.retry),
            transport: Arc::clone(&self.transport),
            sleeper: Arc::clone(&self.sleeper),
            store: Arc::clone(&self.store),
        }
    }
}

impl<Tr: ?Sized, Sl: ?Sized, St: ?Sized> fmt::Debug for Wiring<Tr, Sl, St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wiring")
            .field("shared", &self.shared)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}
