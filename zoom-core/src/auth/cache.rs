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

use super::ahead::{CLAIM_TTL, Claim, Schedule};
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

/// One client's token cache, shared by its clones.
pub(crate) struct TokenCache {
    fetches: Mutex<FetchLog>,
    single_flight: SingleFlight,
}

/// What the fetches so far came to.
#[derive(Default)]
struct FetchLog {
    /// Fetches finished so far (tokens kept and failures); the number of the last one.
    count: u64,
    /// The newest token, with its schedule (refresh ahead from, stop using at).
    token: Option<(Token, Schedule)>,
    /// The last fetch's failure, when the last fetch failed (a token kept clears it).
    failure: Option<Failure>,
    /// The refresh ahead of the current token: who claimed it, when the next may be claimed.
    ahead: AheadLog,
    /// The last token Zoom rejected: never taken from a shared store again (the store may
    /// still hold it when dropping it there failed or raced with a reader).
    rejected: Option<SecretString>,
}

/// Claims of a refresh ahead (see `auth/ahead.rs`).
#[derive(Default)]
struct AheadLog {
    /// Claims made so far; the serial of the last one.
    claims: u64,
    /// The standing claim and until when it stands without a word from its claimant.
    claim: Option<(Claim, Timestamp)>,
    /// No claim before this (after a failed refresh ahead, or another process's).
    not_before: Timestamp,
}

impl AheadLog {
    fn may_claim(&self, now: Timestamp) -> bool {
        now >= self.not_before && self.claim.is_none_or(|(_, until)| now >= until)
    }

    fn claim(&mut self, now: Timestamp) -> Claim {
        self.claims += 1;
        let claim = Claim(self.claims);
        self.claim = Some((claim, now.saturating_add(CLAIM_TTL)));
        claim
    }

    /// Drops `claim` if it still stands; no new claim before `not_before`.
    fn release(&mut self, claim: Claim, not_before: Timestamp) {
        if self.holds(claim) {
            self.claim = None;
        }
        self.not_before = self.not_before.max(not_before);
    }

    fn holds(&self, claim: Claim) -> bool {
        self.claim.is_some_and(|(standing, _)| standing == claim)
    }
}

/// A failed fetch, shared with every caller that waited for it or comes before `until`.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub(crate) number: u64,
    pub(crate) error: SharedAuthError,
    /// Fetches failed in a row, this one included: the token fetch's own attempts, which
    /// its retries are counted in (never the API attempts of the callers waiting for it).
    pub(crate) tries: u32,
    /// Whether the fetch is tried again at `until` (else its error is final).
    pub(crate) retry: bool,
    /// Until when the outcome stands: the next try for a failure that is retried, a few
    /// seconds for refused credentials, now for a transient failure given up on.
    pub(crate) until: Timestamp,
    /// The failure of a refresh ahead: the current token stayed in use.
    pub(crate) ahead: bool,
}

/// How a failed fetch goes on, as its fetcher decided.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outlook {
    /// Fetches failed in a row, this one included.
    pub(crate) tries: u32,
    /// Whether it is tried again at `until`.
    pub(crate) retry: bool,
    pub(crate) until: Timestamp,
}

/// What a caller needing a token should do.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// Use this token.
    Token(Token),
    /// Use this token, and refresh it ahead: this caller made the claim, the only one.
    Ahead(Token, Claim),
    /// Take this failed fetch as the outcome of the fetch this caller waited for.
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
    /// caller already took as its outcome; `waited_since` is the fetch count noted before
    /// taking the lock, when the caller holds it.
    ///
    /// A token before its refresh point is used; from its prefetch point on, the first
    /// caller (and no other until it is done) also claims its refresh ahead.
    pub(crate) fn lookup(&self, now: Timestamp, counted: u64, waited_since: Option<u64>) -> Lookup {
        let mut log = lock(&self.fetches);
        let log = &mut *log;
        if let Some((token, schedule)) = &log.token
            && now < schedule.stale_at
        {
            let token = token.clone();
            if now >= schedule.prefetch_at && log.ahead.may_claim(now) {
                return Lookup::Ahead(token, log.ahead.claim(now));
            }
            return Lookup::Token(token);
        }
        let finished_while_waiting = waited_since.is_some_and(|since| log.count > since);
        match (&log.failure, &log.token) {
            // Fetched for the callers that waited, even when it is already due for renewal
            // (a lifetime of zero): each waiter uses it rather than fetching again.
            (None, Some((token, _))) if finished_while_waiting => Lookup::Token(token.clone()),
            (Some(failure), _)
                if failure.number != counted && (finished_while_waiting || now < failure.until) =>
            {
                Lookup::Failed(failure.clone())
            }
            (Some(failure), _) if now < failure.until => Lookup::WaitUntil(failure.until),
            _ => Lookup::Fetch,
        }
    }

    /// Whether `claim` still stands: no fetch has finished since it was made, and no later
    /// claim replaced it.
    pub(crate) fn holds(&self, claim: Claim) -> bool {
        lock(&self.fetches).ahead.holds(claim)
    }

    /// The claimant of `claim` gives it up without refreshing; no claim before `not_before`.
    pub(crate) fn release(&self, claim: Claim, not_before: Timestamp) {
        lock(&self.fetches).ahead.release(claim, not_before);
    }

    /// Keeps a token (fetched, or found in a shared store) on `schedule` and hands it to the
    /// callers that waited for it; any claim of a refresh ahead is over.
    pub(crate) fn keep(
        &self,
        secret: SecretString,
        api_base: Option<BaseUrl>,
        schedule: Schedule,
    ) -> Token {
        let mut log = lock(&self.fetches);
        log.count += 1;
        let token = Token::new(TokenParts {
            bearer: bearer_header(&secret).ok(),
            secret,
            api_base,
            generation: log.count,
        });
        log.token = Some((token.clone(), schedule));
        log.failure = None;
        log.ahead.claim = None;
        log.ahead.not_before = Timestamp::ORIGIN;
        token
    }

    /// The number a failed fetch would have among the failures in a row: one more than the
    /// last failure's, when this fetch continues its series (a refresh ahead after failed
    /// refreshes ahead; a fetch after a failure its caller `counted` and that was to be
    /// tried again), else 1.
    pub(crate) fn next_try(&self, ahead: bool, counted: u64) -> u32 {
        let log = lock(&self.fetches);
        match &log.failure {
            Some(last) if ahead && last.ahead => last.tries.saturating_add(1),
            Some(last) if !ahead && !last.ahead && last.retry && last.number == counted => {
                last.tries.saturating_add(1)
            }
            _ => 1,
        }
    }

    /// Records a failed fetch as its fetcher decided (`outlook`); returns it as the fetcher
    /// shares it. A failed refresh ahead (`ahead`, by `claim`) leaves the token in use and
    /// lets the next claim come at `until`.
    pub(crate) fn failed(
        &self,
        error: SharedAuthError,
        outlook: Outlook,
        ahead: Option<Claim>,
    ) -> Failure {
        let mut log = lock(&self.fetches);
        log.count += 1;
        let failure = Failure {
            number: log.count,
            error,
            tries: outlook.tries,
            retry: outlook.retry,
            until: outlook.until,
            ahead: ahead.is_some(),
        };
        if let Some(claim) = ahead {
            log.ahead.release(claim, outlook.until);
        }
        log.failure = Some(failure.clone());
        failure
    }

    /// Zoom rejected `token`: forget it unless a newer one has replaced it already.
    pub(crate) fn invalidate(&self, token: &Token) {
        let mut log = lock(&self.fetches);
        if let Some((kept, schedule)) = &mut log.token
            && kept.generation == token.generation
        {
            *schedule = Schedule::STALE;
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

    /// The lock, if it is free now: a caller refreshing ahead takes it only then, since
    /// whoever holds it is fetching already.
    pub(crate) fn try_lock(&self) -> Option<SingleFlightGuard<'_>> {
        self.0
            .try_lock()
            .map(|held| SingleFlightGuard { _held: held })
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

    fn at(seconds: u64) -> Timestamp {
        Timestamp::from_origin(Duration::from_secs(seconds))
    }

    fn fetch(cache: &TokenCache, secret: &str, lifetime: u64, now: Timestamp) -> Token {
        let lifetime = Duration::from_secs(lifetime);
        cache.keep(secret.into(), None, Schedule::new(now, lifetime, lifetime))
    }

    /// The token to use, whether or not this lookup also claimed its refresh ahead.
    fn token_of(lookup: Lookup) -> String {
        match lookup {
            Lookup::Token(token) | Lookup::Ahead(token, _) => {
                token.secret.expose_secret().to_owned()
            }
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
        let outlook = Outlook {
            tries: 1,
            retry: false,
            until: at(5),
        };
        let failure = cache.failed(refused.into(), outlook, None);
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

    #[test]
    fn one_caller_claims_the_refresh_ahead_from_the_prefetch_point_and_all_use_the_token() {
        let cache = TokenCache::new();
        fetch(&cache, "t1", 3599, at(0));
        assert!(matches!(cache.lookup(at(3478), 0, None), Lookup::Token(_)));
        let Lookup::Ahead(token, claim) = cache.lookup(at(3479), 0, None) else {
            panic!("the first caller from the prefetch point claims the refresh")
        };
        assert_eq!(token.secret.expose_secret(), "t1");
        assert!(cache.holds(claim));
        // Every other caller uses the token and claims nothing while the claim stands.
        for second in [3479, 3484, 3488] {
            assert!(matches!(
                cache.lookup(at(second), 0, None),
                Lookup::Token(_)
            ));
        }
        assert!(matches!(cache.lookup(at(3539), 0, None), Lookup::Fetch));
        // Given up (another process refreshes, say): claimable again from the time named.
        cache.release(claim, at(3490));
        assert!(!cache.holds(claim));
        assert!(matches!(cache.lookup(at(3489), 0, None), Lookup::Token(_)));
        let Lookup::Ahead(_, again) = cache.lookup(at(3490), 0, None) else {
            panic!("claimable again")
        };
        assert_ne!(again, claim);
        // A claimant that goes away without a word holds its claim for CLAIM_TTL only.
        assert!(matches!(cache.lookup(at(3499), 0, None), Lookup::Token(_)));
        assert!(matches!(cache.lookup(at(3500), 0, None), Lookup::Ahead(..)));
        // A new token ends every claim.
        fetch(&cache, "t2", 3599, at(3500));
        assert!(!cache.holds(again));
        assert_eq!(token_of(cache.lookup(at(3501), 0, None)), "t2");
    }

    #[test]
    fn a_failed_refresh_ahead_keeps_the_token_and_counts_its_own_tries() {
        let cache = TokenCache::new();
        fetch(&cache, "t1", 3599, at(0));
        let Lookup::Ahead(_, claim) = cache.lookup(at(3479), 0, None) else {
            panic!("claimed")
        };
        assert_eq!(cache.next_try(true, 0), 1);
        let down = AuthError::new(AuthErrorKind::Rejected, "503");
        let outlook = Outlook {
            tries: 1,
            retry: true,
            until: at(3481),
        };
        let failure = cache.failed(down.into(), outlook, Some(claim));
        assert!(failure.ahead);
        assert_eq!(token_of(cache.lookup(at(3480), 0, None)), "t1");
        assert!(matches!(cache.lookup(at(3480), 0, None), Lookup::Token(_)));
        assert!(matches!(cache.lookup(at(3481), 0, None), Lookup::Ahead(..)));
        assert_eq!(cache.next_try(true, 0), 2);
        // An expired token's fetch starts its own series.
        assert_eq!(cache.next_try(false, failure.number), 1);
        // Past the refresh point (and the failure's time), a caller fetches.
        assert!(matches!(cache.lookup(at(3539), 0, None), Lookup::Fetch));
    }
}
