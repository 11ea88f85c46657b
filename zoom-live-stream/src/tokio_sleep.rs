//! Tokio's timer as the async client's sleeper.

use std::time::Duration;

use zoom_core::{AsyncSleep, SleepFuture};

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
