//! One call as a sans-IO state machine: it paces, finds a token (fetching one through the
//! single-flight lock, or sharing another caller's fetch), builds the request, maps the
//! answer, refreshes a rejected token once and asks the retry policy. It never sleeps, locks
//! or sends: each [`Step`] tells the driver which of those to do, and the driver hands the
//! result back.
//!
//! Both clients drive it with the same short loop; you can drive it too, with another
//! runtime or none:
//!
//! ```
//! use zoom_core::call::Step;
//! use zoom_core::{BlockingTransport, MeetingId, endpoint};
//!
//! # let transport = zoom_core::FnTransport(|_: zoom_core::HttpRequest| {
//! #     Ok(http::Response::builder().status(200).body(br#"{"stream_url":"rtmp://a"}"#.to_vec()).unwrap())
//! # });
//! let client = zoom_core::blocking::Client::builder(transport.clone()).bearer_token("t").build()?;
//! let endpoint = endpoint::get_meeting_live_stream(&MeetingId::new(85746065432));
//! let mut call = client.call(&endpoint);
//! let mut step = call.start();
//! let answer = loop {
//!     step = match step {
//!         Step::Wait(wait) => {
//!             std::thread::sleep(wait);
//!             call.resume()
//!         }
//!         Step::Lock(single_flight) => call.locked(single_flight.lock_blocking()),
//!         Step::Send(request) => call.received(transport.send(request)),
//!         Step::Done(result) => break result?,
//!     };
//! };
//! assert_eq!(answer.value.stream_url.as_deref(), Some("rtmp://a"));
//! # Ok::<(), zoom_core::Error>(())
//! ```

use std::sync::Arc;
use std::time::Duration;

use crate::auth::{
    Auth, Failure, Lookup, REFUSAL_MEMORY, SharedAuthError, SingleFlight, SingleFlightGuard, Token,
};
use crate::endpoint::{BaseUrl, Endpoint, Idempotency};
use crate::error::{ApiErrorKind, AuthError, Error, TransportError};
use crate::limiter::RateLimiter;
use crate::response::{Answer, FromResponse};
use crate::retry::{Jitter, RetryContext, RetryDecision, RetryPolicy};
use crate::time::{TimeSource, Timestamp};
use crate::transport::{HttpRequest, HttpResponse};

/// What a client shares between its clones: configuration, clock, token cache, limiter.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) api_base: BaseUrl,
    pub(crate) auth: Auth,
    pub(crate) limiter: Option<RateLimiter>,
    pub(crate) jitter: Jitter,
    pub(crate) time: Arc<dyn TimeSource>,
}

/// What the driver of a [`Call`] does next.
#[derive(Debug)]
#[must_use = "a step is an instruction to the driver"]
pub enum Step<'a, T> {
    /// Sleep this long, then call [`Call::resume`].
    Wait(Duration),
    /// Take this lock (`.lock().await` or `.lock_blocking()`) and hand the guard to
    /// [`Call::locked`]: a token must be fetched, and only one caller fetches at a time.
    /// The call keeps the guard while it needs it and drops it itself.
    Lock(&'a SingleFlight),
    /// Send this request (an API call or a token request) and hand the outcome to
    /// [`Call::received`].
    Send(HttpRequest),
    /// The call is over: return this.
    Done(Result<Answer<T>, Error>),
}

/// Where the call stands between steps.
#[derive(Debug)]
enum State<'a> {
    /// A new attempt: pace first.
    Attempt,
    /// Paced: find a token and send.
    Paced,
    /// Waiting for the single-flight lock; the fetch count was this when it was asked for.
    Locking { fetches_before: u64 },
    /// Holding the lock, waiting for the token endpoint's answer.
    FetchingToken(SingleFlightGuard<'a>),
    /// Waiting for the API's answer to a request sent with this token.
    Sending(Token),
    /// Done was returned.
    Over,
}

/// One call's progress across its attempts. Get one from `Client::call` (or
/// `blocking::Client::call`), then drive it: [`Call::start`] returns the first [`Step`],
/// and each of [`Call::resume`], [`Call::locked`] and [`Call::received`] the next.
///
/// A driver that does something else than the step says (resumes instead of sending, say)
/// gets [`Step::Done`] with an input error rather than a panic.
#[derive(Debug)]
pub struct Call<'a, T> {
    shared: &'a Shared,
    policy: &'a RetryPolicy,
    endpoint: &'a Endpoint<T>,
    state: State<'a>,
    attempts: u32,
    started: Timestamp,
    /// When the last wait this call ordered (a retry or a shared failure, not pacing) ends:
    /// with an instant sleeper (tests) the clock does not move, yet the budget must still
    /// count the waits.
    waits_end: Timestamp,
    refreshed: bool,
    /// The number of the last failed token fetch this call took as an attempt of its own.
    counted_failure: u64,
}

impl<'a, T: FromResponse> Call<'a, T> {
    pub(crate) fn new(
        shared: &'a Shared,
        policy: &'a RetryPolicy,
        endpoint: &'a Endpoint<T>,
    ) -> Self {
        Self {
            shared,
            policy,
            endpoint,
            state: State::Attempt,
            attempts: 0,
            // Set when the first attempt is paced.
            started: Timestamp::ORIGIN,
            waits_end: Timestamp::ORIGIN,
            refreshed: false,
            counted_failure: 0,
        }
    }

    /// The first step.
    pub fn start(&mut self) -> Step<'a, T> {
        match std::mem::replace(&mut self.state, State::Over) {
            State::Attempt if self.attempts == 0 => self.attempt(),
            other => self.misdriven(other, "start"),
        }
    }

    /// The wait of the last [`Step::Wait`] is over.
    pub fn resume(&mut self) -> Step<'a, T> {
        match std::mem::replace(&mut self.state, State::Over) {
            State::Attempt => self.attempt(),
            State::Paced => self.with_token(None),
            other => self.misdriven(other, "resume"),
        }
    }

    /// The single-flight lock of the last [`Step::Lock`] is held.
    pub fn locked(&mut self, guard: SingleFlightGuard<'a>) -> Step<'a, T> {
        match std::mem::replace(&mut self.state, State::Over) {
            State::Locking { fetches_before } => self.with_token(Some((guard, fetches_before))),
            other => self.misdriven(other, "locked"),
        }
    }

    /// The outcome of sending the request of the last [`Step::Send`].
    pub fn received(&mut self, outcome: Result<HttpResponse, TransportError>) -> Step<'a, T> {
        match std::mem::replace(&mut self.state, State::Over) {
            State::FetchingToken(guard) => {
                let accepted = self.shared.auth.accept_token_response(outcome, self.now());
                match accepted {
                    Ok(token) => {
                        drop(guard);
                        self.send(token)
                    }
                    Err(error) => self.token_fetch_failed(error, guard),
                }
            }
            State::Sending(token) => self.on_answer(outcome, &token),
            other => self.misdriven(other, "received"),
        }
    }

    /// Now on the injected clock, but never before the end of the last wait this call
    /// ordered: with an instant sleeper the clock stands still while the call moves on.
    fn now(&self) -> Timestamp {
        self.shared.time.now().max(self.waits_end)
    }

    fn wait(&mut self, wait: Duration, then: State<'a>) -> Step<'a, T> {
        self.waits_end = self.now().saturating_add(wait);
        self.state = then;
        Step::Wait(wait)
    }

    /// Paces to stay under the client-side rate limit. Time queued before the first send
    /// does not count against the retry budget.
    fn attempt(&mut self) -> Step<'a, T> {
        let now = self.shared.time.now();
        let wait = match &self.shared.limiter {
            Some(limiter) => limiter.reserve(now),
            None => Duration::ZERO,
        };
        if self.attempts == 0 {
            self.started = now.saturating_add(wait);
        }
        if wait.is_zero() {
            return self.with_token(None);
        }
        self.state = State::Paced;
        Step::Wait(wait)
    }

    /// Finds the token to send with: cached, fetched by the caller that held the lock before
    /// (`held` carries the guard and the fetch count noted before asking for it), or to be
    /// fetched now.
    fn with_token(&mut self, held: Option<(SingleFlightGuard<'a>, u64)>) -> Step<'a, T> {
        let waited_since = held.as_ref().map(|(_, before)| *before);
        let now = || self.now();
        let lookup = match self
            .shared
            .auth
            .lookup(now, self.counted_failure, waited_since)
        {
            Ok(lookup) => lookup,
            Err(error) => return self.done(Err(error)),
        };
        match (lookup, held) {
            (Lookup::Token(token), _) => self.send(token),
            (Lookup::Failed(failure), _) => self.share_failure(failure),
            (Lookup::WaitUntil(until), _) => {
                let wait = until.saturating_duration_since(self.now());
                self.wait(wait, State::Paced)
            }
            (Lookup::Fetch, None) => {
                self.state = State::Locking {
                    fetches_before: self.shared.auth.fetches(),
                };
                Step::Lock(self.shared.auth.single_flight())
            }
            (Lookup::Fetch, Some((guard, _))) => match self.shared.auth.token_request() {
                Ok(request) => {
                    self.state = State::FetchingToken(guard);
                    Step::Send(request)
                }
                Err(error) => self.done(Err(error)),
            },
        }
    }

    /// The request for this attempt, against the token's API base if it brought one.
    fn send(&mut self, token: Token) -> Step<'a, T> {
        let base = token.api_base.as_ref().unwrap_or(&self.shared.api_base);
        let request = match &token.bearer {
            Some(bearer) => self.endpoint.to_request_with_bearer(base, bearer.clone()),
            None => self.endpoint.to_request(base, &token.secret),
        };
        match request {
            Ok(request) => {
                self.state = State::Sending(token);
                Step::Send(request)
            }
            Err(error) => self.done(Err(error)),
        }
    }

    /// This call's own token fetch failed: decide, then record the outcome for the callers
    /// behind it until this call tries again (or, for refused credentials, a few seconds).
    fn token_fetch_failed(
        &mut self,
        error: AuthError,
        guard: SingleFlightGuard<'a>,
    ) -> Step<'a, T> {
        self.attempts += 1;
        let shared = SharedAuthError::from(error);
        let transient = shared.to_error().is_transient();
        let error = Error::from(shared.to_error());
        let decision = self.decide(&error, Idempotency::Idempotent);
        let now = self.now();
        let until = match decision {
            RetryDecision::RetryAfter(wait) => now.saturating_add(wait),
            RetryDecision::Stop if transient => now,
            RetryDecision::Stop => now.saturating_add(REFUSAL_MEMORY),
        };
        let failure = self.shared.auth.fetch_failed(shared, self.attempts, until);
        self.counted_failure = failure.number;
        drop(guard);
        self.carry_out(decision, error)
    }

    /// Another caller's token fetch failed: take its outcome as an attempt of this call, and
    /// if the policy repeats it, come back when that caller does. A caller behind by some
    /// attempts catches up with the fetcher's count, so that concurrent callers together
    /// make no more token requests than one caller's policy allows.
    fn share_failure(&mut self, failure: Failure) -> Step<'a, T> {
        self.attempts = (self.attempts + 1).max(failure.attempt);
        self.counted_failure = failure.number;
        let error = Error::from(failure.error.to_error());
        match self.decide(&error, Idempotency::Idempotent) {
            RetryDecision::RetryAfter(_) => {
                let wait = failure.until.saturating_duration_since(self.now());
                self.log_retry(wait, &error);
                self.wait(wait, State::Attempt)
            }
            RetryDecision::Stop => self.give_up(error),
        }
    }

    /// Reads the API's answer to an attempt and decides what happens next.
    fn on_answer(
        &mut self,
        outcome: Result<HttpResponse, TransportError>,
        token: &Token,
    ) -> Step<'a, T> {
        self.attempts += 1;
        let idempotency = self.endpoint.idempotency();
        let result = match outcome {
            Ok(response) => self.endpoint.interpret(&response),
            Err(error) => Err(Error::Transport {
                may_have_been_applied: idempotency == Idempotency::StateChange
                    && !error.never_sent(),
                error,
            }),
        };
        let error = match result {
            Ok(answer) => {
                tracing::debug!(
                    method = %self.endpoint.method(),
                    path = self.endpoint.path(),
                    status = answer.meta.status.as_u16(),
                    attempt = self.attempts,
                    tracking_id = answer.meta.tracking_id.as_deref(),
                    "zoom call succeeded"
                );
                return self.done(Ok(answer));
            }
            Err(error) => error,
        };
        let token_rejected = error.api().is_some_and(|api| {
            matches!(
                api.kind(),
                ApiErrorKind::InvalidAccessToken | ApiErrorKind::Unauthorized
            )
        });
        if token_rejected && !self.refreshed && self.shared.auth.can_refresh() {
            // A 401 was not applied: refreshing and repeating once is safe for any call.
            tracing::debug!(
                path = self.endpoint.path(),
                "access token rejected; refreshing once"
            );
            self.refreshed = true;
            self.shared.auth.invalidate(token);
            return self.attempt();
        }
        let decision = self.decide(&error, idempotency);
        self.carry_out(decision, error)
    }

    fn decide(&self, error: &Error, idempotency: Idempotency) -> RetryDecision {
        let context = RetryContext {
            attempts: self.attempts,
            idempotency,
            elapsed: self.now().saturating_duration_since(self.started),
            now: self.shared.time.system_time(),
            random: self.shared.jitter.sample(),
        };
        self.policy.decide(&context, error)
    }

    fn carry_out(&mut self, decision: RetryDecision, error: Error) -> Step<'a, T> {
        match decision {
            RetryDecision::RetryAfter(wait) => {
                self.log_retry(wait, &error);
                self.wait(wait, State::Attempt)
            }
            RetryDecision::Stop => self.give_up(error),
        }
    }

    fn log_retry(&self, wait: Duration, error: &Error) {
        tracing::info!(
            method = %self.endpoint.method(),
            path = self.endpoint.path(),
            attempt = self.attempts,
            wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
            error = %error,
            "zoom call failed; retrying"
        );
    }

    fn give_up(&mut self, error: Error) -> Step<'a, T> {
        tracing::debug!(
            method = %self.endpoint.method(),
            path = self.endpoint.path(),
            attempt = self.attempts,
            error = %error,
            "zoom call failed"
        );
        self.done(Err(error))
    }

    fn done(&mut self, result: Result<Answer<T>, Error>) -> Step<'a, T> {
        self.state = State::Over;
        Step::Done(result)
    }

    fn misdriven(&mut self, state: State<'a>, called: &str) -> Step<'a, T> {
        let expected = match state {
            State::Attempt if self.attempts == 0 => "start",
            State::Attempt | State::Paced => "resume",
            State::Locking { .. } => "locked",
            State::FetchingToken(_) | State::Sending(_) => "received",
            State::Over => "nothing: the call is over",
        };
        let error = Error::invalid(
            "call",
            format!(
                "driven out of order: `{called}` was called where the step asked for {expected}"
            ),
        );
        self.done(Err(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ErrorKind, TransportErrorKind};
    use crate::ids::MeetingId;
    use crate::transport::FnTransport;

    #[test]
    fn a_call_driven_out_of_order_ends_with_an_input_error() {
        let refused = FnTransport(|_: HttpRequest| {
            Err(TransportError::from_kind(TransportErrorKind::Connect))
        });
        let client = crate::blocking::Client::builder(refused)
            .bearer_token("t")
            .build()
            .unwrap();
        let endpoint = crate::endpoint::get_meeting_live_stream(MeetingId::new(1));
        let mut call = client.call(&endpoint);
        assert!(matches!(call.start(), Step::Send(_)));
        let Step::Done(Err(error)) = call.resume() else {
            panic!("a resume where a send was asked for ends the call")
        };
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
        assert!(error.to_string().contains("`resume`"), "{error}");
        for step in [call.start(), call.resume()] {
            assert!(matches!(step, Step::Done(Err(_))));
        }
    }
}
