//! Tokio's timer as the async client's sleeper, and tokio's spawn as its spawner.

use std::time::Duration;

use zoom_core::{AsyncSleep, AsyncSpawn, SleepFuture, TaskFuture};

/// Tokio's timer as an async client's sleeper, for retry waits and the rate limiter: the
/// default of [`Client`](crate::Client). Plug it into a client you build on a transport of
/// your own when you run on tokio: `.sleeper(TokioSleep)`. (zoom-core's default,
/// [`ThreadSleep`](crate::ThreadSleep), works under any runtime but wakes each wait from a
/// helper thread.)
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

impl AsyncSleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Tokio's spawn as an async client's spawner: the default of [`Client`](crate::Client),
/// with which a Server-to-Server token is refreshed ahead of its expiry by a task of its own
/// on the runtime the call runs on, and no call waits for the token endpoint while a valid
/// token exists. Plug it into a client you build on a transport of your own:
/// `.spawner(TokioSpawn)`. Called outside a tokio runtime it declines, and the call that
/// claimed the refresh does it itself: nothing panics.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSpawn;

impl AsyncSpawn for TokioSpawn {
    fn spawn(&self, task: TaskFuture) -> bool {
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                drop(runtime.spawn(task));
                true
            }
            Err(_) => false,
        }
    }
}
