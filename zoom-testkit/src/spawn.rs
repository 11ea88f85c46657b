//! [`ManualSpawn`]: a spawner for tests that runs its tasks only when the test says.

use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Wake, Waker};
use std::thread::Thread;

use zoom_core::AsyncSpawn;
use zoom_core::TaskFuture;

/// An [`AsyncSpawn`] for tests: keeps every task it is given until [`ManualSpawn::run`]
/// runs them, so a test decides when an async client's background work (a token refreshed
/// ahead of its expiry) happens, and can look at the calls made before it. Clones share
/// one queue.
///
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use std::sync::Arc;
/// use zoom_core::AsyncSpawn;
/// use zoom_testkit::ManualSpawn;
///
/// let spawner = ManualSpawn::new();
/// let ran = Arc::new(AtomicBool::new(false));
/// let flag = Arc::clone(&ran);
/// assert!(spawner.spawn(Box::pin(async move { flag.store(true, Ordering::SeqCst) })));
/// assert_eq!(spawner.pending(), 1);
/// assert!(!ran.load(Ordering::SeqCst), "nothing runs before the test says so");
/// assert_eq!(spawner.run(), 1);
/// assert!(ran.load(Ordering::SeqCst));
/// ```
#[derive(Clone, Default)]
pub struct ManualSpawn {
    tasks: Arc<Mutex<Vec<TaskFuture>>>,
    spawned: Arc<Mutex<usize>>,
}

impl ManualSpawn {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Tasks spawned and not run yet.
    pub fn pending(&self) -> usize {
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Tasks spawned so far, run or not.
    pub fn spawned(&self) -> usize {
        *self.spawned.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs every task spawned so far (and any they spawn) to completion on this thread, in
    /// the order they came; returns how many ran. A task that waits on something only
    /// another thread can give (a lock held elsewhere) blocks until it comes.
    pub fn run(&self) -> usize {
        let mut ran = 0;
        loop {
            let tasks =
                std::mem::take(&mut *self.tasks.lock().unwrap_or_else(PoisonError::into_inner));
            if tasks.is_empty() {
                return ran;
            }
            for task in tasks {
                block_on(task);
                ran += 1;
            }
        }
    }
}

impl AsyncSpawn for ManualSpawn {
    fn spawn(&self, task: TaskFuture) -> bool {
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(task);
        *self.spawned.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        true
    }
}

impl std::fmt::Debug for ManualSpawn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManualSpawn")
            .field("pending", &self.pending())
            .field("spawned", &self.spawned())
            .finish()
    }
}

/// Wakes the thread running [`block_on`].
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `future` to its end on this thread, parking between polls.
fn block_on(future: TaskFuture) {
    let mut future = future;
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    while future.as_mut().poll(&mut cx).is_pending() {
        std::thread::park();
    }
}
