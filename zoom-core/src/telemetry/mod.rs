//! What a call shows of itself: `tracing` spans named and attributed by OpenTelemetry's HTTP
//! client conventions, and (feature `metrics`) measurements through the `metrics` facade.
//!
//! The [`Call`](crate::call::Call) owns one [`CallTelemetry`] and tells it what happens; the
//! spans are opened and recorded here, never in a driver, so the async and the blocking
//! client (and any driver of your own) emit the same spans. A driver only enters
//! [`Call::span`](crate::call::Call::span) around the I/O a step asks for, so that what the
//! transport or the store logs lands in the attempt's or the operation's span.
//!
//! ```text
//! zoom.call (otel.name = the operation: zoom.meeting_live_stream, ...)
//! ├── zoom.token          (a caller that found no token: fetched, waited for, or stored)
//! │   ├── zoom.store      (Get, TryLock, ... with a shared store)
//! │   └── zoom.http       POST /oauth/token            (kind client)
//! ├── zoom.store          Reserve (the shared limiter), Invalidate, ...
//! ├── zoom.http           GET /meetings/{meetingId}/livestream   (kind client)
//! └── zoom.http           ... the same, http.request.resend_count = 1
//! ```
//!
//! Nothing secret is ever recorded: no token, no client secret, no `Authorization` header,
//! no request or response body, no store key (docs/OBSERVABILITY.md lists every attribute).
//! When no subscriber wants the spans, each costs a check of a static level and an atomic
//! load, and no attribute is computed.

use std::borrow::Cow;
use std::time::Duration;

use tracing::Span;
use tracing::field::Empty;

use crate::endpoint::Endpoint;
use crate::error::{AuthError, Error, TransportError};
use crate::response::{Answer, TRACKING_ID_HEADER};
use crate::store::{StoreError, StoreOp, StoreOutcome};
use crate::time::Timestamp;
use crate::transport::{HttpRequest, HttpResponse};

mod attributes;
use attributes::{
    FullUrl, SpanName, auth_error_type, error_type, server_address, server_port, store_error_type,
    transport_error_type,
};

/// The measurements, through the `metrics` facade: `http.client.request.duration` and the
/// SDK's counters. Without the `metrics` feature, the same calls do nothing.
#[cfg(feature = "metrics")]
mod meters;
#[cfg(not(feature = "metrics"))]
#[path = "meters_off.rs"]
mod meters;

/// The token request's `url.template` (its attempts are named `POST /oauth/token`).
pub(crate) const TOKEN_TEMPLATE: &str = "/oauth/token";

/// Which request an attempt sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sent {
    /// The call's own API request.
    Api,
    /// A token request, made for the call.
    Token,
}

/// Where a call's token came from, once it had to look beyond the process's cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenFrom {
    /// This call fetched it.
    Fetched,
    /// Another caller in this process fetched it while this one waited for the lock.
    Waited,
    /// Another process fetched it: found in the shared store.
    Store,
}

impl TokenFrom {
    fn as_str(self) -> &'static str {
        match self {
            TokenFrom::Fetched => "fetched",
            TokenFrom::Waited => "waited",
            TokenFrom::Store => "store",
        }
    }
}

/// One call's spans and counts.
#[derive(Debug)]
pub(crate) struct CallTelemetry {
    /// The operation span, around every attempt.
    call: Span,
    /// The attempt or store operation the driver is carrying out, if any.
    step: Option<Step>,
    /// Looking for a token beyond the process's cache, if the call is (or just was: the
    /// span stays open for the store writes that follow, until the API request goes out).
    token: Option<TokenSpan>,
    /// API requests sent so far (the first is not a resend).
    api_sends: u32,
    /// Token requests sent so far by this call.
    token_sends: u32,
    limiter_wait: Duration,
    retry_after_wait: Duration,
    backoff_wait: Duration,
}

#[derive(Debug)]
struct TokenSpan {
    span: Span,
    grant_type: &'static str,
    /// Whether its outcome is recorded.
    done: bool,
}

#[derive(Debug)]
struct Step {
    span: Span,
    kind: StepKind,
}

#[derive(Debug)]
enum StepKind {
    Send {
        #[cfg(feature = "metrics")]
        attempt: meters::Attempt,
    },
    Store,
}

impl CallTelemetry {
    /// Opens the call's span, a child of the caller's current span.
    pub(crate) fn new<T: crate::response::FromResponse>(endpoint: &Endpoint<T>) -> Self {
        let call = tracing::info_span!(
            "zoom.call",
            otel.name = endpoint.operation(),
            zoom.operation = endpoint.operation(),
            zoom.meeting_id = Empty,
            zoom.webinar_id = Empty,
            zoom.attempts = Empty,
            zoom.outcome = Empty,
            error.type = Empty,
            otel.status_code = Empty,
            http.response.status_code = Empty,
            zoom.tracking_id = Empty,
            zoom.rate_limit.category = Empty,
            zoom.rate_limit.limit_type = Empty,
            zoom.rate_limit.limit = Empty,
            zoom.rate_limit.remaining = Empty,
            zoom.rate_limiter.wait_ms = Empty,
            zoom.retry_after.wait_ms = Empty,
            zoom.backoff.wait_ms = Empty,
        );
        if !call.is_disabled()
            && let Some((attribute, id)) = endpoint.target_id()
        {
            call.record(attribute, id.as_str());
        }
        Self {
            call,
            step: None,
            token: None,
            api_sends: 0,
            token_sends: 0,
            limiter_wait: Duration::ZERO,
            retry_after_wait: Duration::ZERO,
            backoff_wait: Duration::ZERO,
        }
    }

    /// The span a driver enters around the step in hand: the attempt's while a request is
    /// out, the store operation's while one runs, else the call's.
    pub(crate) fn span(&self) -> &Span {
        self.step.as_ref().map_or(&self.call, |step| &step.span)
    }

    /// The call's span (a clone, to enter while the call is borrowed mutably).
    pub(crate) fn call_span(&self) -> Span {
        self.call.clone()
    }

    /// A request goes out: opens its attempt span (under the token span for a token request).
    pub(crate) fn send(
        &mut self,
        request: &HttpRequest,
        template: &str,
        sent: Sent,
        now: impl FnOnce() -> Timestamp,
    ) {
        let (parent, resends) = match sent {
            Sent::Api => {
                // The token is in hand: its span ends.
                self.token = None;
                self.api_sends = self.api_sends.saturating_add(1);
                (&self.call, self.api_sends - 1)
            }
            Sent::Token => {
                self.token_sends = self.token_sends.saturating_add(1);
                (self.parent(), self.token_sends - 1)
            }
        };
        let uri = request.uri();
        let span = tracing::info_span!(
            parent: parent,
            "zoom.http",
            otel.name = %SpanName(request.method(), template),
            otel.kind = "client",
            http.request.method = request.method().as_str(),
            server.address = server_address(uri),
            server.port = server_port(uri),
            url.full = %FullUrl(uri),
            url.template = template,
            http.request.resend_count = Empty,
            http.response.status_code = Empty,
            error.type = Empty,
            otel.status_code = Empty,
            zoom.tracking_id = Empty,
        );
        if resends > 0 {
            span.record("http.request.resend_count", resends);
        }
        #[cfg(feature = "metrics")]
        let kind = StepKind::Send {
            attempt: meters::Attempt::new(request, template, now()),
        };
        #[cfg(not(feature = "metrics"))]
        let kind = {
            let _ = now;
            StepKind::Send {}
        };
        self.step = Some(Step { span, kind });
    }

    /// The answer to the request in flight (or the failure to get one): ends its span.
    pub(crate) fn received(
        &mut self,
        outcome: &Result<HttpResponse, TransportError>,
        now: impl FnOnce() -> Timestamp,
    ) {
        let Some(Step {
            span,
            kind: StepKind::Send { .. },
        }) = &self.step
        else {
            return;
        };
        let error_type = match outcome {
            Ok(response) => {
                let status = response.status();
                let failed = status.is_client_error() || status.is_server_error();
                if !span.is_disabled() {
                    span.record("http.response.status_code", status.as_u16());
                    if let Some(id) = response
                        .headers()
                        .get(TRACKING_ID_HEADER)
                        .and_then(|v| v.to_str().ok())
                    {
                        span.record("zoom.tracking_id", id);
                    }
                }
                failed.then(|| Cow::Owned(status.as_str().to_owned()))
            }
            Err(error) => Some(Cow::Borrowed(transport_error_type(error))),
        };
        if let Some(error_type) = &error_type {
            span.record("error.type", error_type.as_ref());
            span.record("otel.status_code", "ERROR");
        }
        #[cfg(feature = "metrics")]
        if let Some(Step {
            kind: StepKind::Send { attempt },
            ..
        }) = &self.step
        {
            attempt.end(outcome, error_type.as_deref(), now());
        }
        #[cfg(not(feature = "metrics"))]
        let _ = now;
        self.step = None;
    }

    /// A store operation is asked for: opens its span (under the token span while the call
    /// looks for a token).
    pub(crate) fn store(&mut self, op: &StoreOp) {
        let parent = self.parent();
        let span = tracing::info_span!(
            parent: parent,
            "zoom.store",
            otel.name = %format_args!("zoom.store.{}", op.name()),
            otel.kind = "client",
            zoom.store.operation = op.name(),
            zoom.outcome = Empty,
            error.type = Empty,
            otel.status_code = Empty,
        );
        self.step = Some(Step {
            span,
            kind: StepKind::Store,
        });
    }

    /// The store operation's outcome: ends its span.
    pub(crate) fn stored(&mut self, outcome: &Result<StoreOutcome, StoreError>) {
        let Some(Step {
            span,
            kind: StepKind::Store,
        }) = &self.step
        else {
            return;
        };
        match outcome {
            Ok(_) => {
                span.record("zoom.outcome", "ok");
            }
            Err(error) => {
                span.record("zoom.outcome", "error");
                span.record("error.type", store_error_type(error.kind));
                span.record("otel.status_code", "ERROR");
            }
        }
        self.step = None;
    }

    /// The parent of a token request or store operation: the token span while one is open.
    fn parent(&self) -> &Span {
        self.token.as_ref().map_or(&self.call, |token| &token.span)
    }

    /// The token span while its outcome is still to come.
    fn looking(&mut self) -> Option<&mut TokenSpan> {
        self.token.as_mut().filter(|token| !token.done)
    }

    /// The call found no token in its process and will take the single-flight lock: opens
    /// the token span, unless one is looking already.
    pub(crate) fn token_wanted(&mut self, grant_type: &'static str) {
        if self.looking().is_some() {
            return;
        }
        let span = tracing::info_span!(
            parent: &self.call,
            "zoom.token",
            zoom.grant_type = grant_type,
            zoom.token.source = Empty,
            zoom.token.shared = Empty,
            zoom.outcome = Empty,
            error.type = Empty,
            otel.status_code = Empty,
        );
        self.token = Some(TokenSpan {
            span,
            grant_type,
            done: false,
        });
    }

    /// The call has its token: records where from on the token span, if one is looking.
    pub(crate) fn token_found(&mut self, from: TokenFrom) {
        let Some(TokenSpan {
            span,
            grant_type,
            done,
        }) = self.looking()
        else {
            return;
        };
        *done = true;
        let grant_type = *grant_type;
        span.record("zoom.token.source", from.as_str());
        span.record("zoom.token.shared", from != TokenFrom::Fetched);
        span.record("zoom.outcome", "ok");
        if from == TokenFrom::Fetched {
            meters::token_fetch(grant_type, "ok");
        }
    }

    /// No token: this call's fetch failed, or (`shared`) another caller's failure was taken
    /// as this call's. Records it on the token span, if one is looking.
    pub(crate) fn token_failed(&mut self, error: &AuthError, shared: bool) {
        let Some(TokenSpan {
            span,
            grant_type,
            done,
        }) = self.looking()
        else {
            return;
        };
        *done = true;
        let grant_type = *grant_type;
        let from = if shared {
            TokenFrom::Waited
        } else {
            TokenFrom::Fetched
        };
        span.record("zoom.token.source", from.as_str());
        span.record("zoom.token.shared", shared);
        span.record("zoom.outcome", "error");
        span.record("error.type", auth_error_type(error.kind()));
        span.record("otel.status_code", "ERROR");
        if !shared {
            meters::token_fetch(grant_type, "error");
        }
    }

    /// The call waits `wait` for the client-side rate limiter (local or shared).
    pub(crate) fn limiter_wait(&mut self, wait: Duration) {
        self.limiter_wait = self.limiter_wait.saturating_add(wait);
        meters::rate_limit_wait("rate_limiter", wait);
    }

    /// The call waits `wait` before trying again after `error`: Zoom's `Retry-After` when
    /// the answer carried one, else the retry policy's backoff (or another caller's retry).
    pub(crate) fn retry_wait(&mut self, wait: Duration, error: &Error, operation: &str) {
        let retry_after = error
            .api()
            .is_some_and(|api| api.retry_after_header().is_some());
        if retry_after {
            self.retry_after_wait = self.retry_after_wait.saturating_add(wait);
            meters::rate_limit_wait("retry_after", wait);
        } else {
            self.backoff_wait = self.backoff_wait.saturating_add(wait);
        }
        meters::retry(operation, error);
    }

    /// The call waits for another caller's next token fetch.
    pub(crate) fn token_wait(&mut self, wait: Duration) {
        self.backoff_wait = self.backoff_wait.saturating_add(wait);
    }

    /// The call is over: records its outcome on its span.
    pub(crate) fn finish<T>(&mut self, result: &Result<Answer<T>, Error>, attempts: u32) {
        self.step = None;
        self.token = None;
        let span = &self.call;
        if span.is_disabled() {
            return;
        }
        span.record("zoom.attempts", attempts);
        for (field, wait) in [
            ("zoom.rate_limiter.wait_ms", self.limiter_wait),
            ("zoom.retry_after.wait_ms", self.retry_after_wait),
            ("zoom.backoff.wait_ms", self.backoff_wait),
        ] {
            if !wait.is_zero() {
                span.record(field, u64::try_from(wait.as_millis()).unwrap_or(u64::MAX));
            }
        }
        let (status, tracking_id, rate_limit) = match result {
            Ok(answer) => {
                span.record("zoom.outcome", "ok");
                let meta = &answer.meta;
                (
                    Some(meta.status),
                    meta.tracking_id.as_deref(),
                    Some(&meta.rate_limit),
                )
            }
            Err(error) => {
                span.record("zoom.outcome", error.kind().as_str());
                span.record("error.type", error_type(error).as_ref());
                span.record("otel.status_code", "ERROR");
                let api = error.api();
                (
                    api.map(|api| api.status()),
                    error.tracking_id(),
                    api.map(|api| api.rate_limit()),
                )
            }
        };
        if let Some(status) = status {
            span.record("http.response.status_code", status.as_u16());
        }
        if let Some(id) = tracking_id {
            span.record("zoom.tracking_id", id);
        }
        if let Some(limits) = rate_limit {
            if let Some(category) = &limits.category {
                span.record("zoom.rate_limit.category", category.as_str());
            }
            if let Some(limit_type) = &limits.limit_type {
                span.record("zoom.rate_limit.limit_type", limit_type.as_str());
            }
            if let Some(limit) = limits.limit {
                span.record("zoom.rate_limit.limit", limit);
            }
            if let Some(remaining) = limits.remaining {
                span.record("zoom.rate_limit.remaining", remaining);
            }
        }
    }
}
