//! Where a call's token comes from: the process's cache, a fetch under the single-flight
//! lock (shared with the callers waiting on it), the store's single flight across processes,
//! and the refresh ahead a call claims.

use super::*;

impl<'a, T: FromResponse> Call<'a, T> {
    /// Finds the token to send with: cached, fetched by the caller that held the lock before
    /// (`held` carries the guard and the fetch count noted before asking for it), or to be
    /// fetched now.
    pub(super) fn with_token(&mut self, held: Option<(SingleFlightGuard<'a>, u64)>) -> Step<'a, T> {
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
            (Lookup::Ahead(token, claim), held) => {
                self.refresh_ahead(token, claim, held.map(|(guard, _)| guard))
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

    /// This call claimed the refresh ahead of `token` (see `auth/ahead.rs`): hand it to the
    /// client's runtime if it has one, else do it now if nobody holds the single-flight lock
    /// (whoever does is fetching already), then send with the token there is. A grant whose
    /// refresh token rotates (user OAuth) is always refreshed here: a background task could
    /// be dropped (a runtime shutting down) between Zoom's rotation and keeping its answer.
    pub(super) fn refresh_ahead(
        &mut self,
        token: Token,
        claim: Claim,
        held: Option<SingleFlightGuard<'a>>,
    ) -> Step<'a, T> {
        if !self.shared.auth.rotates()
            && let Some(background) = self.shared.background.get()
            && background.start(claim)
        {
            drop(held);
            return self.send(token);
        }
        let guard = match held.or_else(|| self.shared.auth.single_flight().try_lock()) {
            Some(guard) => guard,
            None => {
                self.shared.auth.release(claim, Timestamp::ORIGIN);
                return self.send(token);
            }
        };
        self.ahead_locked(guard, claim, Some(token))
    }

    /// Holding the single-flight lock for the refresh ahead of `claim`: fetch, unless a
    /// token came meanwhile (then `fallback`'s call looks again; a background refresh ends).
    pub(super) fn ahead_locked(
        &mut self,
        guard: SingleFlightGuard<'a>,
        claim: Claim,
        fallback: Option<Token>,
    ) -> Step<'a, T> {
        if !self.shared.auth.holds(claim) {
            drop(guard);
            return match fallback {
                Some(_) => self.with_token(None),
                None => self.finish_refresh(),
            };
        }
        self.ahead = Some(AheadRun { claim, fallback });
        self.tel.token_wanted(self.shared.auth.grant_type());
        match self.shared.token_key() {
            Some(key) => self.take_turn(Flight::ahead(guard, key)),
            None => self.fetch(guard, None),
        }
    }

    /// Carries out the single flight's next move across processes.
    pub(super) fn take_turn(&mut self, turn: Turn<'a>) -> Step<'a, T> {
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
            Turn::Skip(pause) => match self.ahead.take() {
                Some(run) => {
                    // Another process is refreshing: this one goes on with its token.
                    self.tel.token_found(TokenFrom::Waited);
                    let not_before = self.now().saturating_add(pause);
                    self.shared.auth.release(run.claim, not_before);
                    self.ahead_over(run.fallback)
                }
                None => self.with_token(None),
            },
        }
    }

    /// A refresh ahead is over, whatever came of it: an inline one sends with `fallback`
    /// (the token that was current), a background one ends.
    pub(super) fn ahead_over(&mut self, fallback: Option<Token>) -> Step<'a, T> {
        match fallback {
            Some(token) => self.send(token),
            None => self.finish_refresh(),
        }
    }

    /// A background refresh is over.
    pub(super) fn finish_refresh(&mut self) -> Step<'a, T> {
        match self.purpose {
            Purpose::Refresh { finish, .. } => self.done(Ok(finish())),
            // (Only a background refresh has no token to fall back on.)
            Purpose::Api => self.with_token(None),
        }
    }

    /// Sends the token request, holding the single-flight lock (and, with a shared store,
    /// what it holds for us).
    pub(super) fn fetch(
        &mut self,
        guard: SingleFlightGuard<'a>,
        holding: Option<Holding<'a>>,
    ) -> Step<'a, T> {
        match self.shared.auth.token_request() {
            Ok(mut request) => {
                self.bound(&mut request);
                let shared = self.shared;
                self.tel
                    .send(&request, TOKEN_TEMPLATE, Sent::Token, || shared.time.now());
                self.state = State::FetchingToken(guard, holding);
                Step::Send(request)
            }
            Err(error) => self.done(Err(error)),
        }
    }

    /// This call's own token fetch failed. A refresh ahead records it and goes on with the
    /// current token. Otherwise the fetch's own retries decide (its failures in a row
    /// against the policy's attempts, never the API attempts of this call or of those
    /// waiting for it); the outcome is recorded for the callers behind this one until its
    /// next try (or, for refused credentials, a few seconds).
    pub(super) fn token_fetch_failed(
        &mut self,
        error: AuthError,
        guard: SingleFlightGuard<'a>,
        holding: Option<Holding<'a>>,
    ) -> Step<'a, T> {
        self.tel.token_failed(&error, false);
        let shared = SharedAuthError::from(error);
        let error = Error::from(shared.to_error());
        let now = self.now();
        let next = match self.ahead.take() {
            Some(run) => {
                let tries = self.shared.auth.next_try(true, 0);
                let retry_in = shared
                    .to_error()
                    .is_transient()
                    .then(|| ahead::retry_wait(self.policy, tries, self.shared.jitter.sample()));
                let failure =
                    self.shared
                        .auth
                        .fetch_failed(shared, tries, retry_in, now, Some(run.claim));
                tracing::warn!(
                    tries,
                    next_try_ms = millis(failure.until.saturating_duration_since(now)),
                    error = %error,
                    "refreshing the access token ahead failed; the current one stays in use"
                );
                Next::Fallback(run.fallback, Box::new(error))
            }
            None => {
                let tries = self.shared.auth.next_try(false, self.counted_failure);
                let retry_in = match self.decide_at(tries, &error, Idempotency::Idempotent) {
                    RetryDecision::RetryAfter(wait) => Some(wait),
                    RetryDecision::Stop => None,
                };
                let failure = self
                    .shared
                    .auth
                    .fetch_failed(shared, tries, retry_in, now, None);
                self.counted_failure = failure.number;
                Next::Failed(Box::new(failure))
            }
        };
        drop(guard);
        match holding.and_then(Holding::release) {
            Some(release) => self.acknowledge(release, next),
            None => self.go_on(next),
        }
    }

    /// A token fetch this call waited for (another caller's) failed: take its outcome.
    pub(super) fn share_failure(&mut self, failure: Failure) -> Step<'a, T> {
        self.counted_failure = failure.number;
        self.tel.token_failed(&failure.error.to_error(), true);
        self.after_failure(failure)
    }
}
