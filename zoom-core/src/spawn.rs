//! Injected spawning: an async client given an [`AsyncSpawn`] runs work beside its callers
//! (today: refreshing the token ahead of its expiry, so that no call waits for the token
//! endpoint). zoom-core has no runtime of its own; without a spawner, the call that claims
//! a refresh ahead does it before its own request, like the blocking client's calls.

use std::future::Future;
use std::pin::Pin;

/// A task for an [`AsyncSpawn`] to run: boxed, `Send`, `'static`.
pub type TaskFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Runs a task beside the caller, on your runtime. Implement it over your runtime's spawn,
/// e.g. tokio's (`zoom_live_stream::TokioSpawn`, the facade's default):
///
/// ```
/// use zoom_core::{AsyncSpawn, TaskFuture};
///
/// /// Each task on a thread of its own (for illustration: use your runtime's spawn).
/// struct OnAThread;
///
/// impl AsyncSpawn for OnAThread {
///     fn spawn(&self, task: TaskFuture) -> bool {
///         std::thread::Builder::new()
///             .spawn(move || drive_to_completion(task))
///             .is_ok()
///     }
/// }
/// # fn drive_to_completion(_: TaskFuture) {}
/// ```
///
/// A task is short (a token request and, with a shared store, a few store operations), and
/// never needs to be awaited: what it brings goes into the client's token cache.
pub trait AsyncSpawn: Send + Sync {
    /// Runs `task` to completion beside the caller; `false` if it cannot (no runtime is
    /// running, say: then the work is done in a call instead). Must not block, and must not
    /// run `task` on the caller's stack before returning.
    fn spawn(&self, task: TaskFuture) -> bool;
}

impl<S: AsyncSpawn + ?Sized> AsyncSpawn for std::sync::Arc<S> {
    fn spawn(&self, task: TaskFuture) -> bool {
        (**self).spawn(task)
    }
}
