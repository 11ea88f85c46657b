//! Injected sleeping: the async client awaits an [`AsyncSleep`], the blocking one calls a
//! [`BlockingSleep`]. Tests use an instant fake; zoom-core itself has no async runtime.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// A boxed future, as [`AsyncSleep::sleep`] returns it.
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Sleeps asynchronously. Implement it over your runtime's timer, e.g.
/// `Box::pin(tokio::time::sleep(duration))`.
pub trait AsyncSleep: Send + Sync {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> SleepFuture;
}

/// Sleeps by blocking the current thread.
pub trait BlockingSleep: Send + Sync {
    /// Blocks for `duration`.
    fn sleep(&self, duration: Duration);
}

/// The default sleeper for both clients, tied to no runtime: the blocking client calls
/// `std::thread::sleep`; the async client's future is woken by a short-lived helper thread
/// (waits only happen between retries and when pacing, so this costs little). Plug your
/// runtime's timer in with `ClientBuilder::sleeper` if you prefer.
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadSleep;

impl BlockingSleep for ThreadSleep {
    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

impl AsyncSleep for ThreadSleep {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        Box::pin(ThreadTimer {
            duration,
            shared: Arc::new(Mutex::new(TimerState::default())),
            started: false,
        })
    }
}

#[derive(Default)]
struct TimerState {
    done: bool,
    waker: Option<Waker>,
}

struct ThreadTimer {
    duration: Duration,
    shared: Arc<Mutex<TimerState>>,
    started: bool,
}

impl Future for ThreadTimer {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.duration.is_zero() {
            return Poll::Ready(());
        }
        {
            let mut state = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
            if state.done {
                return Poll::Ready(());
            }
            state.waker = Some(cx.waker().clone());
        }
        if !self.started {
            self.started = true;
            let (duration, shared) = (self.duration, Arc::clone(&self.shared));
            std::thread::spawn(move || {
                std::thread::sleep(duration);
                let mut state = shared.lock().unwrap_or_else(PoisonError::into_inner);
                state.done = true;
                if let Some(waker) = state.waker.take() {
                    waker.wake();
                }
            });
        }
        Poll::Pending
    }
}
