//! The token cache: where fetched tokens are kept, the outcome of the last fetch (shared with
//! the callers that waited for it), and the single-flight lock that lets one caller fetch at
//! a time.
//!
//! This is the process's cache. A shared store ([`crate::store`]: Redis, for many processes
//! on one account) sits behind it: the call reads and writes the store through
//! [`Step::Store`](crate::call::Step::Store) and keeps what it finds here, so a store outage
//! only means this cache is used alone.

use std::error::Error as StdError;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::StatusCode;
use http::header::HeaderValue;

use super::credentials::lock;
use crate::SecretString;
use crate::endpoint::{BaseUrl, bearer_header};
use crate::error::{AuthError, AuthErrorKind, BoxError};
use crate::time::Timestamp;

/// How long a refused fetch (wrong credentials, revoked grant) is remembered: callers in
/// that time get the same answer without asking the token endpoint again.
pub(crate) const REFUSAL_MEMORY: Duration = Duration::from_secs(5);

/// A token ready to use: cheap to clone, since every call takes one (see [`TokenParts`]).
#[derive(Debug, Clone)]
pub(crate) struct Token(Arc<TokenParts>);

impl Token {
    pub(crate) fn new(parts: TokenParts) -> Self {
        Self(Arc::new(parts))
    }
}

impl std::ops::Deref for Token {
    type Target = TokenParts;

    fn deref(&self) -> &TokenParts {
        &self.0
    }
}

/// A token with the API base it came with (`api_url`) and its generation (the number of the
/// fetch that brought it), so that a rejection drops only that token.
#[derive(Debug)]
pub(crate) struct TokenParts {
    pub(crate) secret: SecretString,
    pub(crate) api_base: Option<BaseUrl>,
    pub(crate) generation: u64,
    /// `Bearer <secret>` as a header value, built once for a token that is used many times
    /// (a static or a fetched one); `None` builds it per request.
    pub(crate) bearer: Option<HeaderValue>,
}

fn fresh(stored: Option<&(Token, Timestamp)>, now: Timestamp) -> Option<Token> {
    stored
        .filter(|(_, fresh_until)| now < *fresh_until)
        .map(|(token, _)| token.clone())
}

/// One client's token cache, shared by its clones.
pub(crate) struct TokenCache {
    fetches: Mutex<FetchLog>,
    single_flight: SingleFlight,
}

/// What the fetches so far came to.
#[derive(Default)]
struct FetchLog {
    /// Fetches finished so far; the number of the last one.
    count: u64,
    /// The last fetch's outcome: a token (with the time it stays fresh until) or a failure.
    last: Option<Result<(Token, Timestamp), Failure>>,
    /// The last token Zoom rejected: never taken from a shared store again (the store may
    /// still hold it when dropping it there failed or raced with a reader).
    rejected: Option<SecretString>,
}

/// A failed fetch, shared with every caller that waited for it or comes before `until`.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub(crate) number: u64,
    pub(crate) error: SharedAuthError,
    /// The fetching caller's attempt count after it.
    pub(crate) attempt: u32,
    /// Until when the outcome stands: the fetching caller's next attempt for a transient
    /// failure, a few seconds for refused credentials.
    pub(crate) until: Timestamp,
}

/// What a caller needing a token should do.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// Use this token.
    Token(Token),
    /// Take this failed fetch as the outcome of an attempt of one's own.
    Failed(Failure),
    /// Another caller's fetch failed and it retries at this time: wait until then.
    WaitUntil(Timestamp),
    /// Fetch one (holding the single-flight lock).
    Fetch,
}

impl TokenCache {
    pub(crate) fn new() -> Self {
        Self {
            fetches: Mutex::new(FetchLog::default()),
            single_flight: SingleFlight(async_lock::Mutex::new(())),
        }
    }

    /// The lock a caller holds while fetching.
    pub(crate) fn single_flight(&self) -> &SingleFlight {
        &self.single_flight
    }

    /// How many fetches have finished: a caller notes it before taking the lock, so that it
    /// can tell a fetch that finished while it waited.
    pub(crate) fn fetches(&self) -> u64 {
        lock(&self.fetches).count
    }

    /// What a caller needing a token at `now` should do. `counted` is the last failure the
    /// caller already took as an attempt of its own; `waited_since` is the fetch count noted
    /// before taking the lock, when the caller holds it.
    pub(crate) fn lookup(&self, now: Timestamp, counted: u64, waited_since: Option<u64>) -> Lookup {
        let log = lock(&self.fetches);
        if let Some(Ok(kept)) = &log.last
            && let Some(token) = fresh(Some(kept), now)
        {
            return Lookup::Token(token);
        }
        let finished_while_waiting = waited_since.is_some_and(|since| log.count > since);
        match &log.last {
            // Fetched for the callers that waited, even when it is already due for renewal
            // (a lifetime of zero): each waiter uses it rather than fetching again.
            Some(Ok((token, _))) if finished_while_waiting => Lookup::Token(token.clone()),
            Some(Err(failure))
                if failure.number != counted && (finished_while_waiting || now < failure.until) =>
            {
                Lookup::Failed(failure.clone())
            }
            Some(Err(failure)) if now < failure.until => Lookup::WaitUntil(failure.until),
            _ => Lookup::Fetch,
        }
    }

    /// Keeps a token (fetched, or found in a shared store) fresh for `fresh_for` from `now`
    /// and hands it to the callers that waited for it.
    pub(crate) fn keep(
        &self,
        secret: SecretString,
        api_base: Option<BaseUrl>,
        fresh_for: Duration,
        now: Timestamp,
    ) -> Token {
        let mut log = lock(&self.fetches);
        log.count += 1;
        let token = Token::new(TokenParts {
            bearer: bearer_header(&secret).ok(),
            secret,
            api_base,
            generation: log.count,
        });
        log.last = Some(Ok((token.clone(), now.saturating_add(fresh_for))));
        token
    }

    /// Records a failed fetch, made at the fetcher's `attempt` and standing until `until`;
    /// returns it as the fetcher shares it.
    pub(crate) fn failed(&self, error: SharedAuthError, attempt: u32, until: Timestamp) -> Failure {
        let mut log = lock(&self.fetches);
        log.count += 1;
        let failure = Failure {
            number: log.count,
            error,
            attempt,
            until,
        };
        log.last = Some(Err(failure.clone()));
        failure
    }

    /// Zoom rejected `token`: forget it unless a newer one has replaced it already.
    pub(crate) fn invalidate(&self, token: &Token) {
        let mut log = lock(&self.fetches);
        if let Some(Ok((kept, fresh_until))) = &mut log.last
            && kept.generation == token.generation
        {
            *fresh_until = Timestamp::ORIGIN;
        }
        log.rejected = Some(token.secret.clone());
    }

    /// Whether Zoom rejected `secret` last: a shared store's copy of it is no use.
    pub(crate) fn was_rejected(&self, secret: &SecretString) -> bool {
        lock(&self.fetches).rejected.as_ref() == Some(secret)
    }
}

/// The lock held while fetching a token, so that only one caller fetches at a time: async
/// drivers `.lock().await` it, blocking drivers `.lock_blocking()` it, and hand the guard to
/// [`Call::locked`](crate::call::Call::locked). Runtime-independent.
pub struct SingleFlight(async_lock::Mutex<()>);

/// Proof that the [`SingleFlight`] lock is held; dropping it releases the lock.
#[must_use = "dropping the guard releases the lock at once"]
pub struct SingleFlightGuard<'a> {
    _held: async_lock::MutexGuard<'a, ()>,
}

impl SingleFlight {
    /// Waits asynchronously for the lock.
    pub async fn lock(&self) -> SingleFlightGuard<'_> {
        SingleFlightGuard {
            _held: self.0.lock().await,
        }
    }

    /// Blocks the thread until the lock is free.
    pub fn lock_blocking(&self) -> SingleFlightGuard<'_> {
        SingleFlightGuard {
            _held: self.0.lock_blocking(),
        }
    }
}

impl fmt::Debug for SingleFlight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SingleFlight")
    }
}

impl fmt::Debug for SingleFlightGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SingleFlightGuard")
    }
}

/// An [`AuthError`] that every caller sharing a failed fetch gets a copy of.
#[derive(Debug, Clone)]
pub(crate) struct SharedAuthError {
    kind: AuthErrorKind,
    status: Option<StatusCode>,
    code: Option<i64>,
    reason: String,
    tracking_id: Option<String>,
    source: Option<Arc<dyn StdError + Send + Sync>>,
}

impl From<AuthError> for SharedAuthError {
    fn from(error: AuthError) -> Self {
        Self {
            kind: error.kind,
            status: error.status,
            code: error.code,
            reason: error.reason,
            tracking_id: error.tracking_id,
            source: error.source.map(Arc::from),
        }
    }
}

impl SharedAuthError {
    /// A caller's own copy.
    pub(crate) fn to_error(&self) -> AuthError {
        AuthError {
            kind: self.kind,
            status: self.status,
            code: self.code,
            reason: self.reason.clone(),
            tracking_id: self.tracking_id.clone(),
            source: self
                .source
                .clone()
                .map(|source| Box::new(SharedSource(source)) as BoxError),
        }
    }
}

/// The cause of a shared failure, as each copy carries it.
#[derive(Debug)]
struct SharedSource(Arc<dyn StdError + Send + Sync>);

impl fmt::Display for SharedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl StdError for SharedSource {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::refresh_margin;

    fn at(seconds: u64) -> Timestamp {
        Timestamp::from_origin(Duration::from_secs(seconds))
    }

    fn fetch(cache: &TokenCache, secret: &str, lifetime: u64, now: Timestamp) -> Token {
        let lifetime = Duration::from_secs(lifetime);
        cache.keep(
            secret.into(),
            None,
            lifetime - refresh_margin(lifetime),
            now,
        )
    }

    fn token_of(lookup: Lookup) -> String {
        match lookup {
            Lookup::Token(token) => token.secret.expose_secret().to_owned(),
            other => panic!("expected a token, got {other:?}"),
        }
    }

    #[test]
    fn tokens_are_fresh_until_a_minute_before_expiry_or_half_their_life() {
        let cache = TokenCache::new();
        assert!(matches!(cache.lookup(at(0), 0, None), Lookup::Fetch));
        fetch(&cache, "t1", 3599, at(0));
        assert_eq!(token_of(cache.lookup(at(3538), 0, None)), "t1");
        assert!(matches!(cache.lookup(at(3539), 0, None), Lookup::Fetch));
        fetch(&cache, "t2", 10, at(0));
        assert_eq!(token_of(cache.lookup(at(4), 0, None)), "t2");
        assert!(matches!(cache.lookup(at(5), 0, None), Lookup::Fetch));
    }

    #[test]
    fn a_token_already_due_is_still_given_to_the_callers_that_waited_for_it() {
        let cache = TokenCache::new();
        let before = cache.fetches();
        fetch(&cache, "once", 0, at(0));
        assert_eq!(token_of(cache.lookup(at(0), 0, Some(before))), "once");
        assert!(matches!(
            cache.lookup(at(0), 0, Some(cache.fetches())),
            Lookup::Fetch
        ));
    }

    #[test]
    fn invalidation_only_drops_the_rejected_generation() {
        let cache = TokenCache::new();
        let first = fetch(&cache, "a", 3600, at(0));
        let second = fetch(&cache, "b", 3600, at(0));
        cache.invalidate(&first);
        assert_eq!(token_of(cache.lookup(at(0), 0, None)), "b");
        cache.invalidate(&second);
        assert!(matches!(cache.lookup(at(0), 0, None), Lookup::Fetch));
    }

    #[test]
    fn a_failure_is_shared_once_per_caller_and_stands_until_its_time() {
        let cache = TokenCache::new();
        let refused = AuthError::new(AuthErrorKind::InvalidClient, "no");
        let failure = cache.failed(refused.into(), 1, at(5));
        let Lookup::Failed(shared) = cache.lookup(at(1), 0, None) else {
            panic!("the failure is remembered")
        };
        assert_eq!(shared.error.to_error().kind(), AuthErrorKind::InvalidClient);
        // A caller that took it already waits for the time it stands until.
        assert!(matches!(
            cache.lookup(at(1), failure.number, None),
            Lookup::WaitUntil(until) if until == at(5)
        ));
        assert!(matches!(cache.lookup(at(5), 0, None), Lookup::Fetch));
        // A caller that waited on the lock while it happened takes it even when it is over.
        assert!(matches!(cache.lookup(at(9), 0, Some(0)), Lookup::Failed(_)));
    }
}
