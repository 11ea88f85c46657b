//! Per-second token bucket and daily counter, and the 429s they produce.

use std::time::{Instant, SystemTime};

use http::StatusCode;

use crate::fixtures::messages;

use super::clock;
use super::response::SimResponse;
// Where `faults.rs` finds it; it lives beside `SimResponse`, which carries it.
pub(crate) use super::response::RateInfo;

/// `X-RateLimit-Limit` / `Remaining` reported when no limit is configured
/// (the Pro plan's Light-category QPS).
pub(crate) const UNLIMITED_QPS: u32 = 30;
/// Message of the per-second 429.
pub(crate) const QPS_MESSAGE: &str = messages::PER_SECOND_LIMIT;
/// Message of the daily 429.
pub(crate) const DAILY_MESSAGE: &str = messages::DAILY_LIMIT;

/// A token bucket of `capacity`, refilled continuously at `capacity` per second.
#[derive(Debug, Clone)]
struct Bucket {
    capacity: u32,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    fn new(capacity: u32) -> Self {
        Self {
            capacity,
            tokens: f64::from(capacity),
            last: Instant::now(),
        }
    }

    fn level(&self, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        (self.tokens + elapsed * f64::from(self.capacity)).min(f64::from(self.capacity))
    }

    fn try_take(&mut self, now: Instant) -> Option<u32> {
        self.tokens = self.level(now);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Some(floor(self.tokens))
        } else {
            None
        }
    }
}

fn floor(tokens: f64) -> u32 {
    // Bounded by the bucket's u32 capacity.
    tokens.max(0.0).floor() as u32
}

/// Calls counted against a per-UTC-day allowance.
#[derive(Debug, Clone)]
struct Daily {
    limit: u32,
    used: u32,
    day: u64,
}

/// The configured limits of a simulator.
#[derive(Debug, Clone, Default)]
pub(crate) struct Limits {
    qps: Option<Bucket>,
    daily: Option<Daily>,
}

impl Limits {
    /// Limits with full allowances.
    pub(crate) fn new(per_second: Option<u32>, per_day: Option<u32>) -> Self {
        let mut limits = Self::default();
        limits.set_per_second(per_second);
        limits.set_per_day(per_day);
        limits
    }

    /// Replaces the per-second limit (bucket starts full).
    pub(crate) fn set_per_second(&mut self, per_second: Option<u32>) {
        self.qps = per_second.map(Bucket::new);
    }

    /// Replaces the daily limit (count starts at zero).
    pub(crate) fn set_per_day(&mut self, per_day: Option<u32>) {
        self.daily = per_day.map(|limit| Daily {
            limit,
            used: 0,
            day: clock::unix_day(SystemTime::now()),
        });
    }

    /// The headers of an answer that did not go through [`Limits::admit`].
    pub(crate) fn peek(&self) -> RateInfo {
        match &self.qps {
            Some(bucket) => RateInfo::qps(bucket.capacity, floor(bucket.level(Instant::now()))),
            None => RateInfo::qps(UNLIMITED_QPS, UNLIMITED_QPS),
        }
    }

    /// Counts one API call: the headers for its answer, or the 429 to send.
    pub(crate) fn admit(&mut self) -> Result<RateInfo, SimResponse> {
        let rate = match &mut self.qps {
            Some(bucket) => match bucket.try_take(Instant::now()) {
                Some(remaining) => RateInfo::qps(bucket.capacity, remaining),
                None => {
                    let rate = RateInfo::qps(bucket.capacity, 0);
                    return Err(too_many(QPS_MESSAGE, rate).header("retry-after", "1"));
                }
            },
            None => RateInfo::qps(UNLIMITED_QPS, UNLIMITED_QPS),
        };
        if let Some(daily) = &mut self.daily {
            let now = SystemTime::now();
            let today = clock::unix_day(now);
            if today != daily.day {
                daily.day = today;
                daily.used = 0;
            }
            if daily.used >= daily.limit {
                let rate = RateInfo {
                    kind: "Daily-limit",
                    limit: daily.limit,
                    remaining: 0,
                };
                let retry_at = clock::iso8601(clock::next_utc_midnight(now));
                return Err(too_many(DAILY_MESSAGE, rate).header("retry-after", retry_at));
            }
            daily.used += 1;
        }
        Ok(rate)
    }
}

/// A 429 in Zoom's shape with the given rate-limit headers.
pub(crate) fn too_many(message: &str, rate: RateInfo) -> SimResponse {
    SimResponse::error(StatusCode::TOO_MANY_REQUESTS, 429, message).or_rate(rate)
}
