//! What a client is made of, for both kinds: the shared state and retry policy, plus a
//! transport, a sleeper and a shared store of the client's kind (async or blocking).

use std::fmt;
use std::sync::Arc;

use crate::call::Shared;
use crate::retry::RetryPolicy;

/// A transport, a sleeper and a store, as a builder holds them. The store is an empty
/// `MemoryStore` unless one is configured; a call only uses it when one is.
pub(crate) struct Parts<Tr: ?Sized, Sl: ?Sized, St: ?Sized> {
    pub(crate) transport: Arc<Tr>,
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
    pub(crate) fn new(
        shared: Arc<Shared>,
        retry: Arc<RetryPolicy>,
        parts: Parts<Tr, Sl, St>,
    ) -> Self {
        Self {
            shared,
            retry,
            transport: parts.transport,
            sleeper: parts.sleeper,
            store: parts.store,
        }
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
