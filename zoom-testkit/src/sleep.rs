//! [`InstantSleep`]: a sleeper for tests that returns at once and records every wait.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use zoom_core::SleepFuture;
use zoom_core::{AsyncSleep, BlockingSleep};

use crate::ManualClock;

/// Sleeps no time at all and remembers how long it was asked to sleep; works for both
/// clients, so retry tests take no real time. Made with [`InstantSleep::advancing`], each
/// wait moves a [`ManualClock`] instead, as if the time had passed.
///
/// ```
/// use std::time::Duration;
/// use zoom_core::BlockingSleep;
/// use zoom_testkit::InstantSleep;
///
/// let sleep = InstantSleep::new();
/// BlockingSleep::sleep(&sleep, Duration::from_secs(30));
/// assert_eq!(sleep.waits(), [Duration::from_secs(30)]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct InstantSleep {
    waits: Arc<Mutex<Vec<Duration>>>,
    clock: Option<ManualClock>,
}

impl InstantSleep {
    /// A new recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// A recorder that also moves `clock` by every wait.
    ///
    /// ```
    /// use std::time::Duration;
    /// use zoom_core::BlockingSleep;
    /// use zoom_testkit::{InstantSleep, ManualClock};
    ///
    /// let clock = ManualClock::new();
    /// BlockingSleep::sleep(&InstantSleep::advancing(&clock), Duration::from_secs(5));
    /// assert_eq!(clock.elapsed(), Duration::from_secs(5));
    /// ```
    pub fn advancing(clock: &ManualClock) -> Self {
        Self {
            waits: Arc::default(),
            clock: Some(clock.clone()),
        }
    }

    /// Every wait asked for, in order.
    pub fn waits(&self) -> Vec<Duration> {
        self.waits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The sum of all waits.
    pub fn total(&self) -> Duration {
        self.waits().iter().sum()
    }

    fn record(&self, duration: Duration) {
        self.waits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(duration);
        if let Some(clock) = &self.clock {
            clock.advance(duration);
        }
    }
}

impl BlockingSleep for InstantSleep {
    fn sleep(&self, duration: Duration) {
        self.record(duration);
    }
}

impl AsyncSleep for InstantSleep {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        self.record(duration);
        Box::pin(std::future::ready(()))
    }
}
