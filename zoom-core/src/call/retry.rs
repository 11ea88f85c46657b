//! What a call does with an answer: map it, refresh a rejected token once, and ask the
//! retry policy whether and when to go again.

use super::*;

impl<'a, T: FromResponse> Call<'a, T> {
    /// The token fetch failed: if it is tried again and this call's time budget allows,
    /// come back at its next try (and share that outcome, or fetch); else return its error.
    /// Either way the call's own API attempts are untouched.
    pub(super) fn after_failure(&mut self, failure: Failure) -> Step<'a, T> {
        let error = Error::from(failure.error.to_error());
        if !failure.retry {
            return self.give_up(error);
        }
        let now = self.now();
        let wait = failure.until.saturating_duration_since(now);
        let spent = now.saturating_duration_since(self.started);
        if spent
            .checked_add(wait)
            .is_none_or(|end| end > self.policy.budget())
        {
            return self.give_up(error);
        }
        tracing::info!(
            method = %self.endpoint.method(),
            path = self.endpoint.path(),
            tries = failure.tries,
            wait_ms = millis(wait),
            error = %error,
            "zoom token fetch failed; waiting for its next try"
        );
        self.tel.token_wait(wait);
        self.wait(wait, State::Paced)
    }

    /// Reads the API's answer to an attempt and decides what happens next.
    pub(super) fn on_answer(
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

    pub(super) fn decide(&self, error: &Error, idempotency: Idempotency) -> RetryDecision {
        self.decide_at(self.attempts, error, idempotency)
    }

    /// The policy's decision after `attempts` attempts (the call's at the API, or a token
    /// fetch's own).
    pub(super) fn decide_at(
        &self,
        attempts: u32,
        error: &Error,
        idempotency: Idempotency,
    ) -> RetryDecision {
        let context = RetryContext {
            attempts,
            idempotency,
            elapsed: self.now().saturating_duration_since(self.started),
            now: self.shared.time.system_time(),
            random: self.shared.jitter.sample(),
        };
        self.policy.decide(&context, error)
    }

    pub(super) fn carry_out(&mut self, decision: RetryDecision, error: Error) -> Step<'a, T> {
        match decision {
            RetryDecision::RetryAfter(wait) => {
                self.tel.retry_wait(wait, &error, self.endpoint.operation());
                self.log_retry(wait, &error);
                self.wait(wait, State::Attempt)
            }
            RetryDecision::Stop => self.give_up(error),
        }
    }

    pub(super) fn log_retry(&self, wait: Duration, error: &Error) {
        tracing::info!(
            method = %self.endpoint.method(),
            path = self.endpoint.path(),
            attempt = self.attempts,
            wait_ms = millis(wait),
            error = %error,
            "zoom call failed; retrying"
        );
    }

    pub(super) fn give_up(&mut self, error: Error) -> Step<'a, T> {
        tracing::debug!(
            method = %self.endpoint.method(),
            path = self.endpoint.path(),
            attempt = self.attempts,
            error = %error,
            "zoom call failed"
        );
        self.done(Err(error))
    }
}
