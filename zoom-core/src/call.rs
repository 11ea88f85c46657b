//! One call's progress: the logic both clients drive. It paces, builds the request, maps the
//! answer, refreshes a rejected token once and asks the retry policy, all without I/O.

use std::time::{Duration, Instant, SystemTime};

use crate::auth::{Auth, Token};
use crate::endpoint::{BaseUrl, Endpoint, Idempotency};
use crate::error::{ApiErrorKind, Error, TransportError};
use crate::limiter::RateLimiter;
use crate::response::{Answer, FromResponse, interpret};
use crate::retry::{Jitter, RetryContext, RetryDecision, RetryPolicy};
use crate::transport::{HttpRequest, HttpResponse};

/// What a client shares between its clones: configuration, token cache, limiter.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) api_base: BaseUrl,
    pub(crate) auth: Auth,
    pub(crate) limiter: Option<RateLimiter>,
    pub(crate) jitter: Jitter,
}

/// What the driver must do next.
pub(crate) enum Next<T> {
    /// Return this to the caller.
    Done(Result<Answer<T>, Error>),
    /// Sleep this long, then send again.
    Wait(Duration),
    /// Send again now (the rejected token was dropped; fetch a fresh one first).
    Again,
}

impl Shared {
    /// The token to use now, or `None`: then hold [`Auth::refresh_lock`] and ask
    /// [`Shared::token_request_if_needed`].
    pub(crate) fn current_token(&self) -> Result<Option<Token>, Error> {
        self.auth.current(Instant::now())
    }

    /// Under the refresh lock: the token another caller just fetched, or the request to
    /// fetch one, whose outcome goes to [`Shared::accept_token`].
    pub(crate) fn token_request_if_needed(&self) -> Result<Result<Token, HttpRequest>, Error> {
        match self.auth.current(Instant::now())? {
            Some(token) => Ok(Ok(token)),
            None => self.auth.token_request().map(Err),
        }
    }

    pub(crate) fn accept_token(
        &self,
        outcome: Result<HttpResponse, TransportError>,
    ) -> Result<Token, Error> {
        self.auth.accept_token_response(outcome, Instant::now())
    }
}

/// The state of one call across its attempts.
pub(crate) struct Call<'a, T> {
    shared: &'a Shared,
    policy: &'a RetryPolicy,
    endpoint: &'a Endpoint<T>,
    attempts: u32,
    started: Instant,
    /// The retry waits ordered so far: with an instant sleeper (tests) the clock does not
    /// move, yet the budget must still count them.
    waited: Duration,
    refreshed: bool,
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
            attempts: 0,
            started: Instant::now(),
            waited: Duration::ZERO,
            refreshed: false,
        }
    }

    /// How long to wait before sending, to stay under the client-side rate limit. Time spent
    /// queued before the first send does not count against the retry budget.
    pub(crate) fn pace(&mut self) -> Option<Duration> {
        let wait = self.shared.limiter.as_ref()?.reserve(Instant::now());
        if self.attempts == 0 {
            self.started = Instant::now() + wait;
        }
        (!wait.is_zero()).then_some(wait)
    }

    /// The request for this attempt, against the token's API base if it brought one.
    pub(crate) fn request(&self, token: &Token) -> Result<HttpRequest, Error> {
        let base = token.api_base.as_ref().unwrap_or(&self.shared.api_base);
        match &token.bearer {
            Some(bearer) => self.endpoint.to_request_with_bearer(base, bearer.clone()),
            None => self.endpoint.to_request(base, &token.secret),
        }
    }

    /// Reads the outcome of an attempt and decides what happens next.
    pub(crate) fn on_outcome(
        &mut self,
        outcome: Result<HttpResponse, TransportError>,
        token: &Token,
    ) -> Next<T> {
        self.attempts += 1;
        let state_change = self.endpoint.idempotency() == Idempotency::StateChange;
        let result = match outcome {
            Ok(response) => interpret::<T>(&response),
            Err(error) => Err(Error::Transport {
                may_have_been_applied: state_change && !error.never_sent(),
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
                return Next::Done(Ok(answer));
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
            return Next::Again;
        }
        self.after_failure(error, self.endpoint.idempotency())
    }

    /// The token could not be fetched: a transient failure (the token endpoint unreachable,
    /// 5xx, 429) is repeated like a read, within the same attempts and budget.
    pub(crate) fn on_token_failure(&mut self, error: Error) -> Next<T> {
        self.attempts += 1;
        self.after_failure(error, Idempotency::Idempotent)
    }

    fn after_failure(&mut self, error: Error, idempotency: Idempotency) -> Next<T> {
        let context = RetryContext {
            attempts: self.attempts,
            idempotency,
            elapsed: self.started.elapsed().max(self.waited),
            now: SystemTime::now(),
            random: self.shared.jitter.sample(),
        };
        match self.policy.decide(&context, &error) {
            RetryDecision::RetryAfter(wait) => {
                tracing::info!(
                    method = %self.endpoint.method(),
                    path = self.endpoint.path(),
                    attempt = self.attempts,
                    wait_ms = wait.as_millis() as u64,
                    error = %error,
                    "zoom call failed; retrying"
                );
                self.waited += wait;
                Next::Wait(wait)
            }
            RetryDecision::Stop => {
                tracing::debug!(
                    method = %self.endpoint.method(),
                    path = self.endpoint.path(),
                    attempt = self.attempts,
                    error = %error,
                    "zoom call failed"
                );
                Next::Done(Err(error))
            }
        }
    }
}
