//! One call as a sans-IO state machine: it paces, finds a token (fetching one through the
//! single-flight lock, or sharing another caller's fetch; refreshing it ahead when it
//! claims that, see `auth/ahead.rs`), builds the request, maps the answer, refreshes a
//! rejected token once and asks the retry policy. It never sleeps, locks, sends or talks to
//! a shared store: each [`Step`] tells the driver which of those to do, and
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

use crate::auth::ahead::{self, Claim};
use crate::auth::shared::{Context, Flight, Holding, Pause, Polls, Turn};
use crate::auth::{Failure, Lookup, SharedAuthError, Token};
/// The process's token lock that [`Step::Lock`] hands the driver, and its guard.
pub use crate::auth::{SingleFlight, SingleFlightGuard};
use crate::endpoint::{Endpoint, Idempotency, TOKEN_ONLY};
use crate::error::{AuthError, CallMisuse, Error, TransportError};
use crate::rate_limit_headers::RateLimit;
use crate::response::{Answer, FromResponse, ResponseMeta};
use crate::retry::{RetryContext, RetryDecision, RetryPolicy};
use crate::store::{StoreError, StoreOp, StoreOutcome};
use crate::telemetry::{CallTelemetry, Sent, TOKEN_TEMPLATE, TokenFrom};
use crate::time::Timestamp;
use crate::transport::{HttpRequest, HttpResponse, TimeLeft};
use crate::wiring::Shared;

mod retry;
mod token;

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
    /// Waiting for the single-flight lock to refresh ahead, as this claim asked.
    LockingAhead(Claim),
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
    /// This call's token fetch failed: wait for its next try, or give up.
    Failed(Box<Failure>),
    /// A refresh ahead failed: go on with the current token (inline), or end (background).
    Fallback(Option<Token>, Box<Error>),
}

/// What a call is for.
#[derive(Debug)]
enum Purpose<T> {
    /// An API request.
    Api,
    /// Only the refresh ahead that `claim` asked for, beside the callers: an async client's
    /// background task (`auth/ahead.rs`). No API request; `finish` makes its answer.
    Refresh {
        claim: Claim,
        finish: fn() -> Answer<T>,
    },
}

/// A refresh ahead the call is carrying out, holding the single-flight lock.
#[derive(Debug)]
struct AheadRun {
    claim: Claim,
    /// The current token, for a call that refreshes before its own request (inline); none
    /// for a background refresh.
    fallback: Option<Token>,
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
    /// The number of the last failed token fetch this call took as its outcome (its own or
    /// one it waited for). Token fetches never count as the call's API attempts.
    counted_failure: u64,
    polls: Polls,
    purpose: Purpose<T>,
    /// The refresh ahead this call is carrying out, if any.
    ahead: Option<AheadRun>,
    /// Whether time has passed since the first send (a wait, a token fetch): from then on
    /// each request carries what is left of the budget ([`TimeLeft`]).
    timed: bool,
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
            purpose: Purpose::Api,
            ahead: None,
            timed: false,
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
            State::Attempt if self.attempts == 0 => match self.purpose {
                Purpose::Api => self.attempt(),
                // Not paced: a token request is no API call.
                Purpose::Refresh { claim, .. } => {
                    self.state = State::LockingAhead(claim);
                    Step::Lock(self.shared.auth.single_flight())
                }
            },
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
            State::LockingAhead(claim) => self.ahead_locked(guard, claim, None),
            other => self.misdriven(other, "locked"),
        }
    }

    /// The outcome of sending the request of the last [`Step::Send`].
    pub fn received(&mut self, outcome: Result<HttpResponse, TransportError>) -> Step<'a, T> {
        let span = self.tel.call_span();
        let _in_call = span.enter();
        match std::mem::replace(&mut self.state, State::Over) {
            State::FetchingToken(guard, holding) => {
                self.timed = true;
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
        self.timed = true;
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
            Next::Failed(failure) => self.after_failure(*failure),
            Next::Fallback(fallback, error) => match fallback {
                Some(token) => self.send(token),
                None => self.done(Err(*error)),
            },
        }
    }

    /// The request for this attempt, against the token's API base if it brought one.
    fn send(&mut self, token: Token) -> Step<'a, T> {
        // Any refresh ahead is over: a background one ends here.
        self.ahead = None;
        if let Purpose::Refresh { .. } = self.purpose {
            return self.finish_refresh();
        }
        let base = token.api_base.as_ref().unwrap_or(&self.shared.api_base);
        let request = match &token.bearer {
            Some(bearer) => self.endpoint.to_request_with_bearer(base, bearer.clone()),
            None => self.endpoint.to_request(base, &token.secret),
        };
        match request {
            Ok(mut request) => {
                self.bound(&mut request);
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

    /// Gives `request` what is left of the call's time budget once time has passed since
    /// its first send, so that the transport ends it by the call's deadline. A first
    /// attempt straight off carries nothing: the transport's own timeout bounds it (and the
    /// call's clock is not read for it).
    fn bound(&self, request: &mut HttpRequest) {
        if (self.attempts > 0 || self.timed) && matches!(self.purpose, Purpose::Api) {
            let spent = self.now().saturating_duration_since(self.started);
            let left = self.policy.budget().saturating_sub(spent);
            request.extensions_mut().insert(TimeLeft(left));
        }
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
            State::Locking { .. } | State::LockingAhead(_) => Some("locked"),
            State::FetchingToken(..) | State::Sending(_) => Some("received"),
            State::Reserving | State::Sharing(_) | State::Acknowledging(_) => Some("stored"),
            State::Over => None,
        };
        drop(state);
        self.done(Err(Error::Misuse(CallMisuse::new(called, expected))))
    }
}

impl<'a> Call<'a, ()> {
    /// A call that only refreshes the token ahead, as `claim` asked: an async client's
    /// background task (`auth/ahead.rs`), driven by the client's own send loop.
    pub(crate) fn refresh(shared: &'a Shared, policy: &'a RetryPolicy, claim: Claim) -> Self {
        let mut call = Call::new(shared, policy, &TOKEN_ONLY);
        call.purpose = Purpose::Refresh {
            claim,
            finish: refreshed,
        };
        call
    }
}

/// The answer of a background refresh.
fn refreshed() -> Answer<()> {
    Answer {
        value: (),
        meta: ResponseMeta {
            status: http::StatusCode::OK,
            tracking_id: None,
            rate_limit: RateLimit::default(),
        },
    }
}

/// A duration in whole milliseconds, for logs.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
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
