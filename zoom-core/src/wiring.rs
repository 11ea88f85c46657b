//! What a client is made of, for both kinds: the shared state and retry policy, plus a
//! transport and a sleeper of the client's kind (async or blocking).

use std::fmt;
use std::sync::Arc;

use crate::call::Shared;
use crate::retry::RetryPolicy;

/// A transport and a sleeper, as a builder holds them.
pub(crate) struct Parts<Tr: ?Sized, Sl: ?Sized> {
    pub(crate) transport: Arc<Tr>,
    pub(crate) sleeper: Arc<Sl>,
}

impl<Tr: ?Sized, Sl: ?Sized> fmt::Debug for Parts<Tr, Sl> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Parts")
    }
}

/// A built client's contents. Clones share everything.
pub(crate) struct Wiring<Tr: ?Sized, Sl: ?Sized> {
    pub(crate) shared: Arc<Shared>,
    pub(crate) retry: Arc<RetryPolicy>,
    pub(crate) transport: Arc<Tr>,
    pub(crate) sleeper: Arc<Sl>,
}

impl<Tr: ?Sized, Sl: ?Sized> Wiring<Tr, Sl> {
    pub(crate) fn new(shared: Arc<Shared>, retry: Arc<RetryPolicy>, parts: Parts<Tr, Sl>) -> Self {
        Self {
            shared,
            retry,
            transport: parts.transport,
            sleeper: parts.sleeper,
        }
    }
}

impl<Tr: ?Sized, Sl: ?Sized> Clone for Wiring<Tr, Sl> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            retry: Arc::clone(&self.retry),
            transport: Arc::clone(&self.transport),
            sleeper: Arc::clone(&self.sleeper),
        }
    }
}

impl<Tr: ?Sized, Sl: ?Sized> fmt::Debug for Wiring<Tr, Sl> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wiring")
            .field("shared", &self.shared)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}
