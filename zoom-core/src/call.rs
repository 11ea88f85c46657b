//! One call as a sans-IO state machine: it paces, finds a token (fetching one through the
//! single-flight lock, or sharing another caller's fetch), builds the request, maps the
//! answer, refreshes a rejected token once and asks the retry policy. It never sleeps, locks,
//! sends or talks to a shared store: each [`Step`] tells the driver which of those to do, and
//! the driver hands the result back. Without a shared store ([`crate::store`]) no
//! [`Step::Store`] ever comes.
//!
//! Both clients drive it with the same short loop; you can drive it too, with another
//! runtime or none. The call opens and records its own spans (see [`Call::span`] and
//! docs/OBSERVABILITY.md); a driver only enters the span of the step in hand around its I/O:
//!
//! ```
//! use std::sync::Arc;
//! use zoom_core::call::Step;
//! use zoom_core::store::{BlockingSharedStore, MemoryStore};
//! use zoom_core::{BlockingTransport, MeetingId, endpoint};
//!
//! # let transport = zoom_core::FnTransport(|_: zoom_core::HttpRequest| {
//! #     Ok(http::Response::builder().status(200).body(br#"{"stream_url":"rtmp://a"}"#.to_vec()).unwrap())
//! # });
//! let store = Arc::new(MemoryStore::new()); // or none: then no Step::Store comes
//! let client = zoom_core::blocking::Client::builder().transport(transport.clone())
//!     .bearer_token("t")
//!     .shared_store(Arc::clone(&store))
//!     .build()?;
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
//!         Step::Send(request) => {
//!             let sent = call.span().in_scope(|| transport.send(request));
//!             call.received(sent)
//!         }
//!         Step::Store(op) => {
//!             let stored = call.span().in_scope(|| store.run(op));
//!             call.stored(stored)
//!         }
//!         Step::Done(result) => break result?,
//!     };
//! };
//! assert_eq!(answer.value.stream_url.as_deref(), Some("rtmp://a"));
//! # Ok::<(), zoom_core::Error>(())
//! ```

use std::time::Duration;

use crate::auth::shared::{Context, Flight, Holding, Pause, Polls, Turn};
use crate::auth::{Failure, Lookup, SharedAuthError, Token};
/// The process's token lock that [`Step::Lock`] hands the driver, and its guard.
pub use crate::auth::{SingleFlight, SingleFlightGuard};
use crate::endpoint::{Endpoint, Idempotency};
use crate::error::{AuthError, CallMisuse, Error, TransportError};
use crate::response::{Answer, FromResponse};
use crate::retry::{RetryContext, RetryDecision, RetryPolicy};
use crate::store::{StoreError, StoreOp, StoreOutcome};
use crate::telemetry::{CallTelemetry, Sent, TOKEN_TEMPLATE, TokenFrom};
use crate::time::Timestamp;
use crate::transport::{HttpRequest, HttpResponse};
use crate::wiring::Shared;

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
    /// Run this operation on the client's shared store (`store.run(op).await` or
    /// `store.run(op)`) and hand the outcome to [`Call::stored`]. Only a client
    /// built with a shared store asks for it.
    Store(StoreOp),
    /// The call is over: return this.
    Done(Result<Answer<T>, Error>),
}

/// Where the call stands between steps.
#[derive(Debug)]
enum State<'a> {
    /// A new attempt: pace first.
    Attempt,
    /// Waiting for a slot on the shared limiter's schedule.
    Reserving,
    /// Paced: find a token and send.
    Paced,
    /// Waiting for the single-flight lock; the fetch count was this when it was asked for.
    Locking { fetches_before: u64 },
    /// Holding the lock, in the single flight across processes (`auth/shared.rs`): waiting
    /// for a store outcome.
    Sharing(Flight<'a>),
    /// The same, pausing before reading the store again: another process fetches.
    Pausing(Pause<'a>),
    /// Holding the lock (and what the shared store holds for us), waiting for the token
    /// endpoint.
    FetchingToken(SingleFlightGuard<'a>, Option<Holding<'a>>),
    /// Waiting for a store write (token, unlock, invalidation); then this.
    Acknowledging(Next),
    /// Waiting for the API's answer to a request sent with this token.
    Sending(Token),
    /// Done was returned.
    Over,
}

/// What a call does once a store write is acknowledged (whatever its outcome).
#[derive(Debug)]
enum Next {
    Send(Token),
    Attempt,
    CarryOut(RetryDecision, Box<Error>),
}

/// One call's progress across its attempts. Get one from `Client::call` (or
/// `blocking::Client::call`), then drive it: [`Call::start`] returns the first [`Step`],
/// and each of [`Call::resume`], [`Call::locked`], [`Call::received`] and [`Call::stored`]
/// the next.
///
/// A driver that does something else than the step says (resumes instead of sending, say)
/// gets [`Step::Done`] with [`Error::Misuse`] rather than a panic: a bug in the driver, told
/// apart from the caller's input errors.
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
    polls: Polls,
    /// The call's spans (and measurements): opened and recorded here, for every driver.
    tel: CallTelemetry,
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
            polls: Polls::default(),
            tel: CallTelemetry::new(endpoint),
        }
    }

    /// The span of the step in hand, for the driver to enter around its I/O (the async
    /// clients instrument the future with it, the blocking ones run inside it): the attempt's
    /// span while a [`Step::Send`] is out, the store operation's during a [`Step::Store`],
    /// else the call's. Driving a call without entering it loses nothing but the nesting of
    /// what the transport or store logs.
    ///
    /// The spans follow OpenTelemetry's HTTP client conventions: one per call (`zoom.call`,
    /// named for the operation), one per attempt (`zoom.http`, kind client, named
    /// `{method} {url.template}`), and spans for token fetches and store operations. No
    /// secret, header or body is ever recorded (docs/OBSERVABILITY.md).
    pub fn span(&self) -> &tracing::Span {
        self.tel.span()
    }

    /// The first step.
    pub fn start(&mut self) -> Step<'a, T> {
        let span = self.tel.call_span();
        let _in_call = span.enter();
        match std::mem::replace(&mut self.state, State::Over) {
            State::Attempt if self.attempts == 0 => self.attempt(),
            other => self.misdriven(other, "start"),
        }
    }

    /// The wait of the last [`Step::Wait`] is over.
    pub fn resume(&mut self) -> Step<'a, T> {
        let span = self.tel.call_span();
        let _in_call = span.enter();
        match std::mem::replace(&mut self.state, State::Over) {
            State::Attempt => self.attempt(),
            State::Paced => self.with_token(None),
            State::Pausing(pause) => self.take_turn(pause.resume()),
            other => self.misdriven(other, "resume"),
        }
    }

    /// The single-flight lock of the last [`Step::Lock`] is held.
    pub fn locked(&mut self, guard: SingleFlightGuard<'a>) -> Step<'a, T> {
        let span = self.tel.call_span();
        let _in_call = span.enter();
        match std::mem::replace(&mut self.state, State::Over) {
            State::Locking { fetches_before } => self.with_token(Some((guard, fetches_before))),
            other => self.misdriven(other, "locked"),
        }
    }

    /// The outcome of sending the request of the last [`Step::Send`].
    pub fn received(&mut self, outcome: Result<HttpResponse, TransportError>) -> Step<'a, T> {
        let span = self.tel.call_span();
        let _in_call = span.enter();
        match std::mem::replace(&mut self.state, State::Over) {
            State::FetchingToken(guard, holding) => {
                self.tel.received(&outcome, || self.shared.time.now());
                match self.shared.auth.accept_token_response(outcome, self.now()) {
                    Ok((token, stored)) => {
                        self.tel.token_found(TokenFrom::Fetched);
                        drop(guard);
                        match holding {
                            Some(holding) => {
                                self.acknowledge(holding.put(stored), Next::Send(token))
                            }
                            None => self.send(token),
                        }
                    }
                    Err(error) => self.token_fetch_failed(error, guard, holding),
                }
            }
            State::Sending(token) => {
                self.tel.received(&outcome, || self.shared.time.now());
                self.on_answer(outcome, &token)
            }
            other => self.misdriven(other, "received"),
        }
    }

    /// The outcome of the shared store's operation of the last [`Step::Store`]. A failure
    /// (or an outcome of another operation) means going on without the store.
    pub fn stored(&mut self, outcome: Result<StoreOutcome, StoreError>) -> Step<'a, T> {
        let span = self.tel.call_span();
        let _in_call = span.enter();
        match std::mem::replace(&mut self.state, State::Over) {
            State::Reserving => {
                self.tel.stored(&outcome);
                let now = self.shared.time.now();
                let wait = match self.shared.note_store(outcome) {
                    Some(StoreOutcome::Reserved(wait)) => wait,
                    _ => self.reserve_locally(now),
                };
                self.paced(now, wait)
            }
            State::Sharing(flight) => {
                self.tel.stored(&outcome);
                let outcome = self.shared.note_store(outcome);
                let shared = self.shared;
                let cx = Context {
                    auth: &shared.auth,
                    now: self.now(),
                    jitter: &shared.jitter,
                };
                let turn = flight.stored(outcome, &mut self.polls, &cx);
                self.take_turn(turn)
            }
            State::Acknowledging(next) => {
                self.tel.stored(&outcome);
                self.shared.note_store(outcome);
                self.go_on(next)
            }
            other => self.misdriven(other, "stored"),
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

    /// Paces to stay under the client-side rate limit: on the shared schedule when the
    /// client has one, else (or when the store fails) on its own.
    fn attempt(&mut self) -> Step<'a, T> {
        if let Some(key) = self.shared.limiter_key() {
            let op = StoreOp::Reserve(key.clone());
            self.tel.store(&op);
            self.state = State::Reserving;
            return Step::Store(op);
        }
        let now = self.shared.time.now();
        let wait = self.reserve_locally(now);
        self.paced(now, wait)
    }

    fn reserve_locally(&self, now: Timestamp) -> Duration {
        match &self.shared.limiter {
            Some(limiter) => limiter.reserve(now),
            None => Duration::ZERO,
        }
    }

    /// Time queued before the first send does not count against the retry budget.
    fn paced(&mut self, now: Timestamp, wait: Duration) -> Step<'a, T> {
        if self.attempts == 0 {
            self.started = now.saturating_add(wait);
        }
        if wait.is_zero() {
            return self.with_token(None);
        }
        self.tel.limiter_wait(wait);
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
            (Lookup::Token(token), _) => {
                self.tel.token_found(TokenFrom::Waited);
                self.send(token)
            }
            (Lookup::Failed(failure), _) => self.share_failure(failure),
            (Lookup::WaitUntil(until), _) => {
                let wait = until.saturating_duration_since(self.now());
                self.tel.token_wait(wait);
                self.wait(wait, State::Paced)
            }
            (Lookup::Fetch, None) => {
                self.tel.token_wanted(self.shared.auth.grant_type());
                self.state = State::Locking {
                    fetches_before: self.shared.auth.fetches(),
                };
                Step::Lock(self.shared.auth.single_flight())
            }
            (Lookup::Fetch, Some((guard, _))) => match self.shared.token_key() {
                Some(key) => self.take_turn(Flight::start(guard, key)),
                None => self.fetch(guard, None),
            },
        }
    }

    /// Carries out the single flight's next move across processes.
    fn take_turn(&mut self, turn: Turn<'a>) -> Step<'a, T> {
        match turn {
            Turn::Store(flight, op) => {
                self.tel.store(&op);
                self.state = State::Sharing(flight);
                Step::Store(op)
            }
            Turn::Wait(pause, wait) => self.wait(wait, State::Pausing(pause)),
            Turn::Use(token, release) => {
                self.tel.token_found(TokenFrom::Store);
                match release {
                    None => self.send(token),
                    Some(release) => self.acknowledge(release, Next::Send(token)),
                }
            }
            Turn::Fetch(guard, holding) => self.fetch(guard, Some(holding)),
        }
    }

    /// Sends the token request, holding the single-flight lock (and, with a shared store,
    /// what it holds for us).
    fn fetch(&mut self, guard: SingleFlightGuard<'a>, holding: Option<Holding<'a>>) -> Step<'a, T> {
        match self.shared.auth.token_request() {
            Ok(request) => {
                let shared = self.shared;
                self.tel
                    .send(&request, TOKEN_TEMPLATE, Sent::Token, || shared.time.now());
                self.state = State::FetchingToken(guard, holding);
                Step::Send(request)
            }
            Err(error) => self.done(Err(error)),
        }
    }

    /// Asks the store to run a write, then goes on with `next` whatever its outcome.
    fn acknowledge(&mut self, op: StoreOp, next: Next) -> Step<'a, T> {
        self.tel.store(&op);
        self.state = State::Acknowledging(next);
        Step::Store(op)
    }

    fn go_on(&mut self, next: Next) -> Step<'a, T> {
        match next {
            Next::Send(token) => self.send(token),
            Next::Attempt => self.attempt(),
            Next::CarryOut(decision, error) => self.carry_out(decision, *error),
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
                let shared = self.shared;
                self.tel
                    .send(&request, self.endpoint.template(), Sent::Api, || {
                        shared.time.now()
                    });
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
        holding: Option<Holding<'a>>,
    ) -> Step<'a, T> {
        self.attempts += 1;
        self.tel.token_failed(&error, false);
        let shared = SharedAuthError::from(error);
        let error = Error::from(shared.to_error());
        let decision = self.decide(&error, Idempotency::Idempotent);
        let retry_in = match decision {
            RetryDecision::RetryAfter(wait) => Some(wait),
            RetryDecision::Stop => None,
        };
        let failure = self
            .shared
            .auth
            .fetch_failed(shared, self.attempts, retry_in, self.now());
        self.counted_failure = failure.number;
        drop(guard);
        match holding.and_then(Holding::release) {
            Some(release) => self.acknowledge(release, Next::CarryOut(decision, Box::new(error))),
            None => self.carry_out(decision, error),
        }
    }

    /// Another caller's token fetch failed: take its outcome as an attempt of this call, and
    /// if the policy repeats it, come back when that caller does. A caller behind by some
    /// attempts catches up with the fetcher's count, so that concurrent callers together
    /// make no more token requests than one caller's policy allows.
    fn share_failure(&mut self, failure: Failure) -> Step<'a, T> {
        self.attempts = (self.attempts + 1).max(failure.attempt);
        self.counted_failure = failure.number;
        let auth_error = failure.error.to_error();
        self.tel.token_failed(&auth_error, true);
        let error = Error::from(auth_error);
        match self.decide(&error, Idempotency::Idempotent) {
            RetryDecision::RetryAfter(_) => {
                let wait = failure.until.saturating_duration_since(self.now());
                self.tel.retry_wait(wait, &error, self.endpoint.operation());
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
        if error.rejects_token() && !self.refreshed && self.shared.auth.can_refresh() {
            // A 401 was not applied: refreshing and repeating once is safe for any call.
            tracing::debug!(
                path = self.endpoint.path(),
                "access token rejected; refreshing once"
            );
            self.refreshed = true;
            self.shared.auth.invalidate(token);
            if let Some(key) = self.shared.token_key() {
                // The store drops it only if it is still the stored one.
                let op = StoreOp::Invalidate {
                    key: key.clone(),
                    access_token: token.secret.clone(),
                };
                return self.acknowledge(op, Next::Attempt);
            }
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
                self.tel.retry_wait(wait, &error, self.endpoint.operation());
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
        self.tel.finish(&result, self.attempts);
        self.state = State::Over;
        Step::Done(result)
    }

    /// The driver called `called` where the step asked for something else: the call ends
    /// (dropping any lock it held) with [`Error::Misuse`].
    fn misdriven(&mut self, state: State<'a>, called: &'static str) -> Step<'a, T> {
        let expected = match state {
            State::Attempt if self.attempts == 0 => Some("start"),
            State::Attempt | State::Paced | State::Pausing(_) => Some("resume"),
            State::Locking { .. } => Some("locked"),
            State::FetchingToken(..) | State::Sending(_) => Some("received"),
            State::Reserving | State::Sharing(_) | State::Acknowledging(_) => Some("stored"),
            State::Over => None,
        };
        drop(state);
        self.done(Err(Error::Misuse(CallMisuse::new(called, expected))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ErrorKind, TransportErrorKind};
    use crate::ids::MeetingId;
    use crate::transport::FnTransport;

    fn refused_call<R>(check: impl FnOnce(&mut Call<'_, crate::model::LiveStream>) -> R) -> R {
        let refused = FnTransport(|_: HttpRequest| {
            Err(TransportError::from_kind(TransportErrorKind::Connect))
        });
        let client = crate::blocking::Client::builder()
            .transport(refused)
            .bearer_token("t")
            .build()
            .unwrap();
        let endpoint = crate::endpoint::get_meeting_live_stream(MeetingId::new(1));
        let mut call = client.call(&endpoint);
        check(&mut call)
    }

    #[test]
    fn a_call_driven_out_of_order_ends_with_a_misuse_not_an_input_error() {
        refused_call(|call| {
            assert!(matches!(call.start(), Step::Send(_)));
            let Step::Done(Err(error)) = call.resume() else {
                panic!("a resume where a send was asked for ends the call")
            };
            assert_eq!(error.kind(), ErrorKind::Misuse);
            assert_ne!(error.kind(), ErrorKind::InvalidInput);
            let misuse = error.misuse().expect("the misuse itself");
            assert_eq!(
                (misuse.called(), misuse.expected()),
                ("resume", Some("received"))
            );
            assert_eq!(
                error.to_string(),
                "call driven out of order: `resume` was called where the step asked for `received`"
            );
            assert!(!error.is_retryable());
            assert!(std::error::Error::source(&error).is_none());
            for (step, called) in [(call.start(), "start"), (call.resume(), "resume")] {
                let Step::Done(Err(error)) = step else {
                    panic!("an ended call stays ended")
                };
                let misuse = error.misuse().unwrap();
                assert_eq!((misuse.called(), misuse.expected()), (called, None));
                assert!(
                    error.to_string().ends_with("after the call was over"),
                    "{error}"
                );
            }
        });
    }

    #[test]
    fn every_wrong_step_names_the_step_that_was_due() {
        fn misuse<T>(step: Step<'_, T>) -> (&'static str, Option<&'static str>) {
            match step {
                Step::Done(Err(error)) => {
                    let misuse = error.misuse().expect("a misuse");
                    (misuse.called(), misuse.expected())
                }
                _ => panic!("the call goes on"),
            }
        }
        let stored = refused_call(|call| {
            let _ = call.start();
            misuse(call.stored(Ok(StoreOutcome::Invalidated)))
        });
        assert_eq!(stored, ("stored", Some("received")));
        let started_twice = refused_call(|call| {
            let _ = call.start();
            misuse(call.start())
        });
        assert_eq!(started_twice, ("start", Some("received")));
        // A connect failure is retried: the call waits, and a send result is not due.
        let received = refused_call(|call| {
            let _ = call.start();
            let refused = TransportError::from_kind(TransportErrorKind::Connect);
            assert!(matches!(call.received(Err(refused)), Step::Wait(_)));
            misuse(call.received(Err(TransportError::from_kind(TransportErrorKind::Timeout))))
        });
        assert_eq!(received, ("received", Some("resume")));
    }
}
