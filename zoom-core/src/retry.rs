//! The retry policy: pure decisions from (attempt, outcome, idempotency, elapsed time).
//! The clients only carry them out; sleeping and randomness are injected.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use crate::endpoint::Idempotency;
use crate::error::{Error, RetryClass};
use crate::rate_limit_headers::RetryAfter;

/// When and how often to repeat a failed call.
///
/// Defaults: 4 attempts in all, full-jitter exponential backoff from 500 ms capped at 8 s,
/// and a time budget of 60 s from the call's first send (long enough to repeat a read once
/// after a transport's 30 s timeout). A `Retry-After` longer than what is left of that
/// budget (a daily limit, say), or longer than [`RetryAfter::MAX_DELAY`] whatever the budget,
/// is returned to the caller at once instead of slept on; the error keeps the advice.
///
/// The budget is a deadline: no attempt starts after it, and every request after the first
/// attempt (a retry; also a request after a token fetch or a wait) carries what is left of
/// it ([`TimeLeft`](crate::TimeLeft)), which both shipped transports honour, so that the
/// attempt under way ends by the deadline too. A first attempt straight off is bounded by
/// the transport's own timeout only. So with the shipped transports and a transport timeout
/// no longer than the budget (the defaults: 30 s and 60 s), a call ends by its deadline.
///
/// The attempts count the call's own requests to the API. Fetching a token is not one: a
/// token fetch has retries of its own (the same policy, counting its failures in a row),
/// shared by every call waiting for it, and waiting for it, or sharing its failure, spends
/// no call's attempts (the time spent counts against each call's budget).
///
/// ```
/// use std::time::Duration;
/// use zoom_core::RetryPolicy;
///
/// let patient = RetryPolicy::default().max_attempts(6).max_elapsed(Duration::from_secs(120));
/// let never = RetryPolicy::none();
/// # let _ = (patient, never);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_elapsed: Duration::from_secs(60),
        }
    }
}

/// What the policy decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Wait this long, then repeat the call.
    RetryAfter(Duration),
    /// Return the error to the caller.
    Stop,
}

/// The facts a decision depends on.
#[derive(Debug, Clone, Copy)]
pub struct RetryContext {
    /// Attempts made so far, the failed one included (1 after the first failure).
    pub attempts: u32,
    /// Whether the call is safe to repeat.
    pub idempotency: Idempotency,
    /// Time spent on the call so far.
    pub elapsed: Duration,
    /// The wall-clock time, to read `Retry-After` dates.
    pub now: SystemTime,
    /// A random number in `[0, 1)` for the jitter.
    pub random: f64,
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff ceiling of the first retry; it doubles with each attempt.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest backoff ceiling.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The call's deadline, measured from its first send: no attempt starts later (a wait
    /// that would end later is not taken and the last error is returned instead), and every
    /// request after the first attempt carries the time left
    /// ([`TimeLeft`](crate::TimeLeft)) so that the shipped transports end it by then.
    pub fn max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = budget;
        self
    }

    /// Decides whether to repeat a call that failed with `error`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use zoom_core::{endpoint::Idempotency, RetryContext, RetryDecision, RetryPolicy, SystemTimeSource, TimeSource};
    ///
    /// let refused = zoom_core::Error::Transport {
    ///     error: zoom_core::TransportError::from_kind(zoom_core::TransportErrorKind::Connect),
    ///     may_have_been_applied: false,
    /// };
    /// let context = RetryContext {
    ///     attempts: 1,
    ///     idempotency: Idempotency::StateChange,
    ///     elapsed: Duration::ZERO,
    ///     now: SystemTimeSource.system_time(),
    ///     random: 0.5,
    /// };
    /// // A connect failure never left this machine: even a start/stop is repeated.
    /// assert_eq!(RetryPolicy::default().decide(&context, &refused), RetryDecision::RetryAfter(Duration::from_millis(250)));
    /// ```
    pub fn decide(&self, context: &RetryContext, error: &Error) -> RetryDecision {
        if context.attempts >= self.max_attempts {
            return RetryDecision::Stop;
        }
        let idempotent = context.idempotency == Idempotency::Idempotent;
        // Whether to repeat: the one classification, shared with `Error::is_retryable`.
        let repeat = match error.retry_class() {
            RetryClass::Always => true,
            RetryClass::IfIdempotent => idempotent,
            _ => false,
        };
        if !repeat {
            return RetryDecision::Stop;
        }
        // How long to wait: as Zoom said, or the backoff.
        let wait = match error.api().and_then(|api| api.retry_after_header()) {
            Some(retry_after) => {
                let wait = retry_after.delay_from(context.now);
                if wait > RetryAfter::MAX_DELAY {
                    // Beyond any sane wait: "come back later", not a sleep.
                    return RetryDecision::Stop;
                }
                // A little jitter so that many clients told "1 s" do not return
                // together. Saturating: a far date is simply beyond the budget.
                let jitter = scale((wait / 10).min(Duration::from_secs(1)), context.random);
                wait.saturating_add(jitter)
            }
            None => self.backoff(context),
        };
        // A wait beyond the budget (a daily limit, a server asking for years) is not slept
        // on: the error, which keeps the server's advice, goes back to the caller at once.
        // Checked, so that the caller's running total of waits cannot overflow either.
        match context.elapsed.checked_add(wait) {
            Some(end) if end <= self.max_elapsed => RetryDecision::RetryAfter(wait),
            _ => RetryDecision::Stop,
        }
    }

    /// Full jitter: uniformly random in `[0, min(max, initial × 2^(attempts-1)))`.
    fn backoff(&self, context: &RetryContext) -> Duration {
        scale(self.backoff_ceiling(context.attempts), context.random)
    }

    /// The backoff's ceiling after `attempts` attempts: `min(max, initial × 2^(attempts-1))`.
    pub(crate) fn backoff_ceiling(&self, attempts: u32) -> Duration {
        let exponent = attempts.saturating_sub(1).min(30);
        self.initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff)
    }

    /// The call's time budget (see [`RetryPolicy::max_elapsed`]).
    pub(crate) fn budget(&self) -> Duration {
        self.max_elapsed
    }
}

/// `random` (taken as 0 when NaN, clamped to `[0, 1]`) times `duration`, never panicking:
/// `Duration::mul_f64` panics on NaN and on results that round past `Duration::MAX`.
fn scale(duration: Duration, random: f64) -> Duration {
    Duration::try_from_secs_f64(duration.as_secs_f64() * unit(random)).unwrap_or(duration)
}

/// `value` clamped to `[0, 1]`, with NaN as 0.
fn unit(value: f64) -> f64 {
    if value.is_nan() {
        0.0
    } else {
        value.clamp(0.0, 1.0)
    }
}

/// The source of jitter: a number in `[0, 1)` per call. Fixed in tests, random otherwise.
#[derive(Clone)]
pub struct Jitter(Arc<dyn Fn() -> f64 + Send + Sync>);

impl Jitter {
    /// A fixed value (clamped to `[0, 1]`), for tests.
    pub fn fixed(value: f64) -> Self {
        let value = unit(value);
        Self(Arc::new(move || value))
    }

    /// Any function returning values in `[0, 1)`.
    pub fn from_fn(f: impl Fn() -> f64 + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    pub(crate) fn sample(&self) -> f64 {
        unit((self.0)())
    }
}

impl Default for Jitter {
    /// A xorshift generator seeded from the standard library's random hash keys
    /// (`RandomState`: drawn from the operating system once per thread, then a new key per
    /// `RandomState`), so each default jitter has its own seed. No clock is read.
    fn default() -> Self {
        use std::hash::{BuildHasher, Hasher, RandomState};
        let seed = RandomState::new().build_hasher().finish() | 1;
        let state = AtomicU64::new(seed);
        Self(Arc::new(move || {
            let mut x = state.load(Ordering::Relaxed);
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            state.store(x, Ordering::Relaxed);
            (x >> 11) as f64 / (1u64 << 53) as f64
        }))
    }
}

impl fmt::Debug for Jitter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Jitter")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{TransportError, TransportErrorKind};
    use crate::response::api_error;

    fn context(attempts: u32, idempotency: Idempotency) -> RetryContext {
        RetryContext {
            attempts,
            idempotency,
            elapsed: Duration::ZERO,
            now: SystemTime::UNIX_EPOCH + Duration::from_secs(1_590_883_100),
            random: 0.5,
        }
    }

    fn api(status: u16, headers: &[(&str, &str)]) -> Error {
        let mut builder = http::Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        Error::api_error(api_error(&builder.body(Vec::new()).unwrap()))
    }

    fn transport(kind: TransportErrorKind) -> Error {
        Error::Transport {
            error: TransportError::from_kind(kind),
            may_have_been_applied: false,
        }
    }

    const GET: Idempotency = Idempotency::Idempotent;
    const START: Idempotency = Idempotency::StateChange;

    #[test]
    fn backoff_is_full_jitter_doubling_to_a_cap() {
        let policy = RetryPolicy::default()
            .max_attempts(10)
            .max_elapsed(Duration::from_secs(600));
        let waits: Vec<_> = (1..=6)
            .map(|n| policy.decide(&context(n, GET), &api(503, &[])))
            .collect();
        let ms = |m| RetryDecision::RetryAfter(Duration::from_millis(m));
        assert_eq!(
            waits,
            [ms(250), ms(500), ms(1000), ms(2000), ms(4000), ms(4000)]
        );
        let zero = RetryContext {
            random: 0.0,
            ..context(1, GET)
        };
        assert_eq!(policy.decide(&zero, &api(500, &[])), ms(0));
    }

    #[test]
    fn retry_after_is_honoured_in_all_three_forms() {
        let policy = RetryPolicy::default();
        let at = |d| RetryDecision::RetryAfter(Duration::from_millis(d));
        assert_eq!(
            policy.decide(&context(1, GET), &api(429, &[("retry-after", "2")])),
            at(2100)
        );
        let http_date = [("retry-after", "Sat, 30 May 2020 23:58:40 GMT")];
        assert_eq!(
            policy.decide(&context(1, GET), &api(429, &http_date)),
            at(20_500)
        );
        let iso = [("retry-after", "2020-05-30T23:58:30Z")];
        assert_eq!(policy.decide(&context(1, GET), &api(429, &iso)), at(10_500));
        assert_eq!(policy.decide(&context(1, GET), &api(429, &[])), at(250));
    }

    #[test]
    fn a_server_error_with_retry_after_waits_as_told() {
        let policy = RetryPolicy::default();
        let at = |d| RetryDecision::RetryAfter(Duration::from_millis(d));
        let unavailable = api(503, &[("retry-after", "5")]);
        assert_eq!(policy.decide(&context(1, GET), &unavailable), at(5250));
        assert_eq!(
            policy.decide(&context(1, START), &unavailable),
            RetryDecision::Stop
        );
    }

    #[test]
    fn daily_limits_and_waits_beyond_the_budget_are_returned_at_once() {
        let policy = RetryPolicy::default();
        let daily = [
            ("x-ratelimit-type", "Daily-limit"),
            ("retry-after", "2020-05-31T00:00:00Z"),
        ];
        assert_eq!(
            policy.decide(&context(1, GET), &api(429, &daily)),
            RetryDecision::Stop
        );
        let far = [("retry-after", "3600")];
        assert_eq!(
            policy.decide(&context(1, GET), &api(429, &far)),
            RetryDecision::Stop
        );
        let late = RetryContext {
            elapsed: Duration::from_secs(59),
            ..context(1, GET)
        };
        assert_eq!(
            policy.decide(&late, &api(429, &[("retry-after", "2")])),
            RetryDecision::Stop
        );
    }

    #[test]
    fn absurd_retry_after_values_stop_at_once_and_keep_the_advice() {
        let policy = RetryPolicy::default();
        let running = RetryContext {
            elapsed: Duration::from_secs(1),
            ..context(1, GET)
        };
        for value in [
            "18446744073709551615",
            "9999-12-31T23:59:59Z",
            "Fri, 31 Dec 9999 23:59:59 GMT",
        ] {
            for status in [429, 503] {
                let error = api(status, &[("retry-after", value)]);
                assert_eq!(
                    policy.decide(&running, &error),
                    RetryDecision::Stop,
                    "{value}"
                );
                let api = error.api().unwrap();
                assert!(api.retry_after_header().is_some(), "{value}");
                assert!(api.retry_at().is_some(), "{value}");
                assert!(!error.to_string().is_empty());
            }
        }
        // Even a value no parser would produce cannot overflow the decision.
        let Error::Api(mut forged) = api(429, &[]) else {
            unreachable!()
        };
        forged.retry_after = Some(RetryAfter::Delay(Duration::MAX));
        let forged = Error::Api(forged);
        assert_eq!(policy.decide(&running, &forged), RetryDecision::Stop);
        assert_eq!(forged.api().unwrap().retry_at(), None);
        let unbounded = policy.clone().max_elapsed(Duration::MAX);
        assert_eq!(unbounded.decide(&running, &forged), RetryDecision::Stop);
    }

    #[test]
    fn odd_jitter_and_huge_backoffs_never_panic() {
        let huge = RetryPolicy::default()
            .initial_backoff(Duration::MAX)
            .max_backoff(Duration::MAX)
            .max_elapsed(Duration::MAX)
            .max_attempts(u32::MAX);
        for random in [f64::NAN, f64::INFINITY, -1.0, 1.0, 0.999_999] {
            let odd = RetryContext {
                random,
                attempts: 40,
                elapsed: Duration::MAX,
                ..context(1, GET)
            };
            let _ = huge.decide(&odd, &api(503, &[]));
            let _ = huge.decide(&odd, &api(429, &[("retry-after", "86400")]));
        }
        assert_eq!(Jitter::fixed(f64::NAN).sample(), 0.0);
        assert_eq!(Jitter::from_fn(|| f64::NAN).sample(), 0.0);
    }

    #[test]
    fn state_changes_repeat_only_when_the_request_never_left() {
        let policy = RetryPolicy::default();
        for error in [
            api(500, &[]),
            api(503, &[]),
            api(429, &[("retry-after", "1")]),
            transport(TransportErrorKind::Timeout),
            transport(TransportErrorKind::Io),
        ] {
            assert_eq!(
                policy.decide(&context(1, START), &error),
                RetryDecision::Stop,
                "{error}"
            );
            assert!(
                matches!(
                    policy.decide(&context(1, GET), &error),
                    RetryDecision::RetryAfter(_)
                ),
                "{error}"
            );
        }
        assert!(matches!(
            policy.decide(&context(1, START), &transport(TransportErrorKind::Connect)),
            RetryDecision::RetryAfter(_)
        ));
    }

    #[test]
    fn client_errors_and_exhausted_attempts_stop() {
        let policy = RetryPolicy::default();
        for status in [400, 401, 403, 404, 409] {
            assert_eq!(
                policy.decide(&context(1, GET), &api(status, &[])),
                RetryDecision::Stop
            );
        }
        assert_eq!(
            policy.decide(
                &context(1, GET),
                &transport(TransportErrorKind::BodyTooLarge)
            ),
            RetryDecision::Stop
        );
        assert_eq!(
            policy.decide(&context(4, GET), &api(503, &[])),
            RetryDecision::Stop
        );
        assert_eq!(
            RetryPolicy::none().decide(&context(1, GET), &api(503, &[])),
            RetryDecision::Stop
        );
    }

    #[test]
    fn is_retryable_and_decide_agree_for_a_read() {
        let policy = RetryPolicy::default();
        let decode = {
            let response = http::Response::builder()
                .status(200)
                .body(b"{".to_vec())
                .unwrap();
            crate::response::interpret::<crate::model::LiveStream>(&response).unwrap_err()
        };
        for error in [
            api(400, &[]),
            api(401, &[]),
            api(404, &[]),
            api(429, &[("retry-after", "1")]),
            api(429, &[("x-ratelimit-type", "Daily-limit")]),
            api(500, &[]),
            api(503, &[]),
            transport(TransportErrorKind::Connect),
            transport(TransportErrorKind::Timeout),
            transport(TransportErrorKind::Io),
            transport(TransportErrorKind::BodyTooLarge),
            transport(TransportErrorKind::Other),
            Error::Transport {
                error: TransportError::from_kind(TransportErrorKind::Timeout),
                may_have_been_applied: true,
            },
            decode,
        ] {
            let repeated = matches!(
                policy.decide(&context(1, GET), &error),
                RetryDecision::RetryAfter(_)
            );
            assert_eq!(error.is_retryable(), repeated, "{error}");
        }
    }

    #[test]
    fn default_jitter_stays_in_range() {
        let jitter = Jitter::default();
        let samples: Vec<f64> = (0..1000).map(|_| jitter.sample()).collect();
        assert!(samples.iter().all(|s| (0.0..1.0).contains(s)));
        assert!(samples.windows(2).any(|w| w[0] != w[1]));
        // Each default jitter draws its own seed (no clock to tie two together).
        let other = Jitter::default();
        let theirs: Vec<f64> = (0..8).map(|_| other.sample()).collect();
        assert_ne!(samples[..8], theirs[..]);
    }
}
