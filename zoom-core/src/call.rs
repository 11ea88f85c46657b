//! One call as a sans-IO state machine: it paces, finds a token (fetching one through the
//! single-flight lock, or sharing another caller's fetch), builds the request, maps the
//! answer, refreshes a rejected token once and asks the retry policy. It never sleeps, locks,
//! sends or talks to a shared store: each [`Step`] tells the driver which of those to do, and
//! the driver hands the result back. Without a shared store ([`crate::store`]) no
//! [`Step::Store`] ever comes.
//!
//! Both clients drive it with the same short loop; you can drive it too, with another
//! runtime or none:
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
//! let client = zoom_core::blocking::Client::builder(transport.clone())
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
//!         Step::Send(request) => call.received(transport.send(request)),
//!         Step::Store(op) => call.stored(store.run(op)),
//!         Step::Done(result) => break result?,
//!     };
//! };
//! assert_eq!(answer.value.stream_url.as_deref(), Some("rtmp://a"));
//! # Ok::<(), zoom_core::Error>(())
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::auth::{
    Auth, Failure, Lookup, REFUSAL_MEMORY, SharedAuthError, SingleFlight, SingleFlightGuard, Token,
};
use crate::endpoint::{BaseUrl, Endpoint, Idempotency};
use crate::error::{ApiErrorKind, AuthError, CallMisuse, Error, TransportError};
use crate::limiter::RateLimiter;
use crate::response::{Answer, FromResponse};
use crate::retry::{Jitter, RetryContext, RetryDecision, RetryPolicy};
use crate::store::{LimiterKey, StoreError, StoreOp, StoreOutcome, TokenKey, TokenLock};
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
    /// What the client keeps in a shared store, if it has one.
    pub(crate) store: Option<StorePlan>,
}

/// What a client with a shared store keeps there.
#[derive(Debug)]
pub(crate) struct StorePlan {
    /// The token entry (OAuth credentials only).
    pub(crate) token: Option<TokenKey>,
    /// The limiter's schedule (with a rate limiter configured only).
    pub(crate) limiter: Option<LimiterKey>,
    /// Whether the last store operation failed: one warning per outage, not per call.
    pub(crate) down: AtomicBool,
}

/// How long a store lock lives if its holder dies before releasing it.
pub(crate) const STORE_LOCK_TTL: Duration = Duration::from_secs(10);
/// How long a caller polls the store while another process holds the lock, before it
/// fetches on its own; longer than the lock's time to live, so a dead holder's lock is
/// taken over first.
pub(crate) const STORE_WAIT: Duration = Duration::from_secs(15);
/// The first pause between polls; it doubles up to [`POLL_MAX`].
const POLL_FIRST: Duration = Duration::from_millis(5);
const POLL_MAX: Duration = Duration::from_millis(100);

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
    /// Holding the lock, reading the shared store's token.
    Looking(SingleFlightGuard<'a>),
    /// Holding the lock, asking for the store's lock.
    TakingLock(SingleFlightGuard<'a>),
    /// Holding the lock, waiting before reading the store again: another process fetches.
    Polling(SingleFlightGuard<'a>),
    /// Holding both locks, reading the store's token again.
    Rereading(SingleFlightGuard<'a>, TokenLock),
    /// Holding the lock (and the store's, if taken), waiting for the token endpoint.
    FetchingToken(SingleFlightGuard<'a>, Option<TokenLock>),
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

/// A caller's polls of the store while another process holds its lock.
#[derive(Debug, Clone, Copy)]
struct Polls {
    deadline: Timestamp,
    next: Duration,
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
    polls: Option<Polls>,
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
            polls: None,
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
            State::Polling(guard) => self.look_in_store(guard),
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
            State::FetchingToken(guard, lock) => {
                let accepted = self.shared.auth.accept_token_response(outcome, self.now());
                match accepted {
                    Ok((token, stored)) => {
                        drop(guard);
                        match self.token_key() {
                            // Stored even without the store's lock (it failed or timed out):
                            // the store keeps it only if newer than its own, and a rotated
                            // refresh token must not be lost.
                            Some(key) => self.acknowledge(
                                StoreOp::PutAndUnlock {
                                    key: key.clone(),
                                    token: stored,
                                    lock: lock.unwrap_or_else(TokenLock::random),
                                },
                                Next::Send(token),
                            ),
                            None => self.send(token),
                        }
                    }
                    Err(error) => self.token_fetch_failed(error, guard, lock),
                }
            }
            State::Sending(token) => self.on_answer(outcome, &token),
            other => self.misdriven(other, "received"),
        }
    }

    /// The outcome of the shared store's operation of the last [`Step::Store`]. A failure
    /// (or an outcome of another operation) means going on without the store.
    pub fn stored(&mut self, outcome: Result<StoreOutcome, StoreError>) -> Step<'a, T> {
        use StoreOutcome::{Locked, Reserved, Token as Found};
        let state = std::mem::replace(&mut self.state, State::Over);
        let outcome = match state {
            State::Reserving
            | State::Looking(_)
            | State::TakingLock(_)
            | State::Rereading(..)
            | State::Acknowledging(_) => self.note_store(outcome),
            other => return self.misdriven(other, "stored"),
        };
        match (state, outcome) {
            (State::Reserving, Some(Reserved(wait))) => self.paced(self.shared.time.now(), wait),
            (State::Reserving, _) => {
                let now = self.shared.time.now();
                let wait = self.reserve_locally(now);
                self.paced(now, wait)
            }
            (State::Looking(guard), Some(Found(Some(stored))))
                if self.shared.auth.usable(&stored) =>
            {
                let token = self.shared.auth.adopt(&stored, self.now());
                drop(guard);
                self.send(token)
            }
            (State::Looking(guard), Some(Found(_))) => match self.token_key() {
                Some(key) => {
                    self.state = State::TakingLock(guard);
                    Step::Store(StoreOp::TryLock {
                        key: key.clone(),
                        ttl: STORE_LOCK_TTL,
                    })
                }
                None => self.fetch(guard, None),
            },
            (State::TakingLock(guard), Some(Locked(Some(lock)))) => match self.token_key() {
                // Read again under the lock: another process may have just refreshed.
                Some(key) => {
                    self.state = State::Rereading(guard, lock);
                    Step::Store(StoreOp::Get(key.clone()))
                }
                None => self.fetch(guard, Some(lock)),
            },
            (State::TakingLock(guard), Some(Locked(None))) => self.poll(guard),
            (State::Rereading(guard, lock), Some(Found(Some(stored))))
                if self.shared.auth.usable(&stored) =>
            {
                let token = self.shared.auth.adopt(&stored, self.now());
                drop(guard);
                self.release(lock, Next::Send(token))
            }
            (State::Rereading(guard, lock), Some(Found(stored))) => {
                if let Some(stored) = &stored {
                    self.shared.auth.use_stored_refresh_token(stored);
                }
                self.fetch(guard, Some(lock))
            }
            (State::Rereading(guard, lock), _) => self.fetch(guard, Some(lock)),
            (State::Looking(guard) | State::TakingLock(guard), _) => self.fetch(guard, None),
            (State::Acknowledging(next), _) => self.go_on(next),
            (other, _) => self.misdriven(other, "stored"),
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
        if let Some(key) = self.shared.store.as_ref().and_then(|s| s.limiter.as_ref()) {
            self.state = State::Reserving;
            return Step::Store(StoreOp::Reserve(key.clone()));
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
            (Lookup::Fetch, Some((guard, _))) => self.look_in_store(guard),
        }
    }

    /// The store's token entry, when the client keeps tokens in a shared store.
    fn token_key(&self) -> Option<&'a TokenKey> {
        self.shared.store.as_ref().and_then(|s| s.token.as_ref())
    }

    /// Holding the single-flight lock with no token in the process: read the shared
    /// store first, if there is one, else fetch.
    fn look_in_store(&mut self, guard: SingleFlightGuard<'a>) -> Step<'a, T> {
        match self.token_key() {
            Some(key) => {
                self.state = State::Looking(guard);
                Step::Store(StoreOp::Get(key.clone()))
            }
            None => self.fetch(guard, None),
        }
    }

    /// Another process holds the store's lock: read the store again after a pause (5 ms
    /// doubling to 100 ms, jittered), or fetch in this process once the wait is over.
    fn poll(&mut self, guard: SingleFlightGuard<'a>) -> Step<'a, T> {
        let now = self.now();
        let polls = self.polls.get_or_insert(Polls {
            deadline: now.saturating_add(STORE_WAIT),
            next: POLL_FIRST,
        });
        let left = polls.deadline.saturating_duration_since(now);
        if left.is_zero() {
            tracing::warn!(
                waited_s = STORE_WAIT.as_secs(),
                "another process held the shared token lock too long; fetching in this process"
            );
            return self.fetch(guard, None);
        }
        // Between half and all of the pause, so that pollers spread out.
        let pause = polls.next.mul_f64(0.5 + self.shared.jitter.sample() / 2.0);
        polls.next = polls.next.saturating_mul(2).min(POLL_MAX);
        self.wait(pause.min(left), State::Polling(guard))
    }

    /// Sends the token request, holding the single-flight lock (and the store's, if taken).
    fn fetch(&mut self, guard: SingleFlightGuard<'a>, lock: Option<TokenLock>) -> Step<'a, T> {
        match self.shared.auth.token_request() {
            Ok(request) => {
                self.state = State::FetchingToken(guard, lock);
                Step::Send(request)
            }
            Err(error) => self.done(Err(error)),
        }
    }

    /// Asks the store to run a write, then goes on with `next` whatever its outcome.
    fn acknowledge(&mut self, op: StoreOp, next: Next) -> Step<'a, T> {
        self.state = State::Acknowledging(next);
        Step::Store(op)
    }

    /// Releases the store's lock (compare and delete), then goes on with `next`.
    fn release(&mut self, lock: TokenLock, next: Next) -> Step<'a, T> {
        match self.token_key() {
            Some(key) => self.acknowledge(
                StoreOp::Unlock {
                    key: key.clone(),
                    lock,
                },
                next,
            ),
            None => self.go_on(next),
        }
    }

    fn go_on(&mut self, next: Next) -> Step<'a, T> {
        match next {
            Next::Send(token) => self.send(token),
            Next::Attempt => self.attempt(),
            Next::CarryOut(decision, error) => self.carry_out(decision, *error),
        }
    }

    /// The outcome, if the store answered; a failure is logged once per outage and the call
    /// goes on with the process's own limiter and token cache.
    fn note_store(&self, outcome: Result<StoreOutcome, StoreError>) -> Option<StoreOutcome> {
        let down = &self.shared.store.as_ref()?.down;
        match outcome {
            Ok(outcome) => {
                if down.swap(false, Ordering::Relaxed) {
                    tracing::info!("shared store reachable again");
                }
                Some(outcome)
            }
            Err(error) => {
                if !down.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        %error,
                        "shared store unavailable; using this process's limiter and token cache until it is back"
                    );
                }
                None
            }
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
        lock: Option<TokenLock>,
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
        match lock {
            // Released at once, so that the next caller anywhere tries without waiting.
            Some(lock) => self.release(lock, Next::CarryOut(decision, Box::new(error))),
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
            if let Some(key) = self.token_key() {
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

    /// The driver called `called` where the step asked for something else: the call ends
    /// (dropping any lock it held) with [`Error::Misuse`].
    fn misdriven(&mut self, state: State<'a>, called: &'static str) -> Step<'a, T> {
        let expected = match state {
            State::Attempt if self.attempts == 0 => Some("start"),
            State::Attempt | State::Paced | State::Polling(_) => Some("resume"),
            State::Locking { .. } => Some("locked"),
            State::FetchingToken(..) | State::Sending(_) => Some("received"),
            State::Reserving
            | State::Looking(_)
            | State::TakingLock(_)
            | State::Rereading(..)
            | State::Acknowledging(_) => Some("stored"),
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
        let client = crate::blocking::Client::builder(refused)
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
