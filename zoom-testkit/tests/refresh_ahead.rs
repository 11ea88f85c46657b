//! Refreshing the token ahead of its refresh point (issue 23), on the injected clock: calls
//! are driven step by step, so the order of what they ask for is the proof. A refresh
//! starts at the prefetch point and not before; callers before the new token use the old
//! one and never wait; a failed refresh ahead fails no call and backs off; across
//! processes one refreshes under the store's lock; user OAuth rotates once per refresh.
//! And a token fetch's retries are its own: the callers waiting for it keep their API
//! attempts.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use zoom_core::call::{Call, Step};
use zoom_core::http::Method;
use zoom_core::store::{BlockingSharedStore, MemoryStore, TokenKey};
use zoom_core::{
    BlockingTransport, Client, HttpRequest, HttpResponse, Jitter, MeetingId, RetryPolicy,
    SecretString, Transport, TransportError, UserOAuth, endpoint,
};
use zoom_testkit::{InstantSleep, ManualClock, ManualSpawn, MockTransport, fixtures};

const PATH: &str = "/meetings/1/livestream";
/// Zoom's token lifetime.
const HOUR: u64 = 3599;
/// An hour's token is refreshed ahead from here (an eighth of its lifetime, at most a
/// minute, before its refresh point)...
const PREFETCH: Duration = Duration::from_secs(3479);
/// ...and no longer used from here (a minute before it expires).
const STALE: Duration = Duration::from_secs(3539);
const MS: Duration = Duration::from_millis(1);

/// A mock answering token requests with `tokens` (in order) and `api_calls` live-stream GETs.
fn zoom(tokens: Vec<HttpResponse>, api_calls: usize) -> MockTransport {
    let mut mock = MockTransport::new();
    for token in tokens {
        mock = mock.on(Method::POST, "/oauth/token", token);
    }
    for _ in 0..api_calls {
        mock = mock.on(Method::GET, PATH, fixtures::documented_live_stream());
    }
    mock
}

fn token(name: &str) -> HttpResponse {
    fixtures::oauth_token(name, HOUR).into()
}

fn unavailable() -> HttpResponse {
    fixtures::server_error(503).into()
}

fn token_requests(mock: &MockTransport) -> usize {
    mock.requests()
        .iter()
        .filter(|r| r.uri.path() == "/oauth/token")
        .count()
}

/// What a call asked its driver for, in order: `lock`, `wait`, `token` (a token request),
/// `api <bearer>` (an API request and the token it carried), `store <op>`.
type Steps = Vec<String>;

/// Drives `call` to its end by hand, answering its sends from `mock` and its store steps
/// from `store` (if any).
fn drive<T: zoom_core::response::FromResponse>(
    mut call: Call<'_, T>,
    mock: &MockTransport,
    store: Option<&dyn BlockingSharedStore>,
) -> (zoom_core::Result<()>, Steps) {
    let mut steps = Steps::new();
    let mut step = call.start();
    loop {
        step = match step {
            Step::Wait(_) => {
                steps.push("wait".into());
                call.resume()
            }
            Step::Lock(single_flight) => {
                steps.push("lock".into());
                call.locked(single_flight.lock_blocking())
            }
            Step::Send(request) => {
                steps.push(describe(&request));
                call.received(BlockingTransport::send(mock, request))
            }
            Step::Store(op) => {
                steps.push(format!("store {}", op.name()));
                let store = store.expect("a store step without a store");
                call.stored(store.run(op))
            }
            Step::Done(result) => return (result.map(drop), steps),
        };
    }
}

fn describe(request: &HttpRequest) -> String {
    if request.uri().path() == "/oauth/token" {
        return "token".into();
    }
    let bearer = request.headers()["authorization"].to_str().unwrap();
    format!("api {}", bearer.trim_start_matches("Bearer "))
}

fn get() -> zoom_core::endpoint::Endpoint<zoom_core::LiveStream> {
    endpoint::get_meeting_live_stream(MeetingId::new(1))
}

fn blocking(mock: &MockTransport, clock: &ManualClock) -> zoom_core::blocking::Client {
    zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .server_to_server_oauth("acct", "cid", "secret")
        .time_source(clock.clone())
        .jitter(Jitter::fixed(0.0))
        .build()
        .unwrap()
}

fn asynchronous(
    mock: &MockTransport,
    clock: &ManualClock,
    spawner: Option<&ManualSpawn>,
) -> Client {
    let builder = Client::builder()
        .transport(mock.clone())
        .server_to_server_oauth("acct", "cid", "secret")
        .time_source(clock.clone())
        .jitter(Jitter::fixed(0.0));
    match spawner {
        Some(spawner) => builder.spawner(spawner.clone()),
        None => builder,
    }
    .build()
    .unwrap()
}

fn steps(list: &[&str]) -> Steps {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn the_blocking_client_refreshes_ahead_in_the_one_call_that_claims_it_and_no_other_waits() {
    let mock = zoom(vec![token("first"), token("second")], 7);
    let clock = ManualClock::new();
    let client = blocking(&mock, &clock);
    let endpoint = get();
    let (result, first) = drive(client.call(&endpoint), &mock, None);
    result.unwrap();
    assert_eq!(first, steps(&["lock", "token", "api first"]));

    clock.advance(PREFETCH - MS);
    let (_, before) = drive(client.call(&endpoint), &mock, None);
    assert_eq!(
        before,
        steps(&["api first"]),
        "no refresh before the prefetch point"
    );

    clock.advance(MS);
    // The first caller from the prefetch point claims the refresh and, the single-flight
    // lock being free, asks for the token at once: no Lock step, no wait.
    let mut claimant = client.call(&endpoint);
    let Step::Send(token_request) = claimant.start() else {
        panic!("the claimant sends the token request first")
    };
    assert_eq!(describe(&token_request), "token");
    // While its token request is out, every other caller uses the current token.
    for _ in 0..3 {
        let (result, others) = drive(client.call(&endpoint), &mock, None);
        result.unwrap();
        assert_eq!(others, steps(&["api first"]));
    }
    let answer = BlockingTransport::send(&mock, token_request);
    let Step::Send(request) = claimant.received(answer) else {
        panic!("then its own request")
    };
    assert_eq!(describe(&request), "api second", "with the new token");
    assert!(matches!(
        claimant.received(BlockingTransport::send(&mock, request)),
        Step::Done(Ok(_))
    ));
    let (_, after) = drive(client.call(&endpoint), &mock, None);
    assert_eq!(after, steps(&["api second"]));
    assert_eq!(token_requests(&mock), 2);
    mock.assert_all_used();
}

#[test]
fn an_async_client_with_a_spawner_refreshes_beside_its_callers_and_none_waits() {
    let mock = zoom(vec![token("first"), token("second")], 7);
    let clock = ManualClock::new();
    let spawner = ManualSpawn::new();
    let client = asynchronous(&mock, &clock, Some(&spawner));
    let endpoint = get();
    drive(client.call(&endpoint), &mock, None).0.unwrap();

    clock.advance(PREFETCH - MS);
    let (_, before) = drive(client.call(&endpoint), &mock, None);
    assert_eq!(before, steps(&["api first"]));
    assert_eq!(spawner.spawned(), 0, "nothing before the prefetch point");

    clock.advance(MS);
    for _ in 0..4 {
        let (result, calls) = drive(client.call(&endpoint), &mock, None);
        result.unwrap();
        assert_eq!(calls, steps(&["api first"]), "no call waits, none fetches");
    }
    assert_eq!(
        spawner.spawned(),
        1,
        "one refresh, claimed by the first caller"
    );
    assert_eq!(token_requests(&mock), 1, "not run yet");
    assert_eq!(spawner.run(), 1);
    assert_eq!(token_requests(&mock), 2);
    let (_, after) = drive(client.call(&endpoint), &mock, None);
    assert_eq!(after, steps(&["api second"]));
    mock.assert_all_used();
}

#[test]
fn an_async_client_without_a_spawner_refreshes_in_the_claiming_call_like_the_blocking_one() {
    let mock = zoom(vec![token("first"), token("second")], 4);
    let clock = ManualClock::new();
    let client = asynchronous(&mock, &clock, None);
    let endpoint = get();
    drive(client.call(&endpoint), &mock, None).0.unwrap();
    clock.advance(PREFETCH);
    let (_, claimant) = drive(client.call(&endpoint), &mock, None);
    assert_eq!(claimant, steps(&["token", "api second"]));
    for _ in 0..2 {
        let (_, calls) = drive(client.call(&endpoint), &mock, None);
        assert_eq!(calls, steps(&["api second"]));
    }
    mock.assert_all_used();
}

#[test]
fn a_failed_refresh_ahead_fails_no_call_and_is_tried_again_after_a_backoff() {
    // The retry waits with a jitter of 0: half the policy's ceiling, 250 ms then 500 ms.
    let tokens = vec![
        token("first"),
        unavailable(),
        unavailable(),
        token("second"),
    ];
    let mock = zoom(tokens, 7);
    let clock = ManualClock::new();
    let client = blocking(&mock, &clock);
    let endpoint = get();
    drive(client.call(&endpoint), &mock, None).0.unwrap();
    clock.advance(PREFETCH);
    let (result, claimant) = drive(client.call(&endpoint), &mock, None);
    result.expect("the call goes on with the current token");
    assert_eq!(claimant, steps(&["token", "api first"]));
    clock.advance(249 * MS);
    let (_, calls) = drive(client.call(&endpoint), &mock, None);
    assert_eq!(
        calls,
        steps(&["api first"]),
        "no token request within the backoff"
    );
    clock.advance(MS);
    let (result, second_try) = drive(client.call(&endpoint), &mock, None);
    result.unwrap();
    assert_eq!(second_try, steps(&["token", "api first"]));
    clock.advance(499 * MS);
    let (_, calls) = drive(client.call(&endpoint), &mock, None);
    assert_eq!(calls, steps(&["api first"]), "the backoff doubles");
    clock.advance(MS);
    let (_, third_try) = drive(client.call(&endpoint), &mock, None);
    assert_eq!(third_try, steps(&["token", "api second"]));
    let (_, after) = drive(client.call(&endpoint), &mock, None);
    assert_eq!(after, steps(&["api second"]));
    mock.assert_all_used();
}

#[test]
fn a_refusal_ahead_is_remembered_and_the_token_stays_in_use_until_its_refresh_point() {
    let refused: HttpResponse = fixtures::oauth_invalid_client().into();
    let mock = zoom(vec![token("first"), refused, token("second")], 5);
    let clock = ManualClock::new();
    let spawner = ManualSpawn::new();
    let client = asynchronous(&mock, &clock, Some(&spawner));
    let endpoint = get();
    drive(client.call(&endpoint), &mock, None).0.unwrap();
    clock.advance(PREFETCH);
    assert_eq!(
        drive(client.call(&endpoint), &mock, None).1,
        steps(&["api first"])
    );
    spawner.run();
    assert_eq!(token_requests(&mock), 2, "refused");
    // Remembered for 5 s: calls go on with the current token and claim nothing.
    clock.advance(Duration::from_secs(5) - MS);
    assert_eq!(
        drive(client.call(&endpoint), &mock, None).1,
        steps(&["api first"])
    );
    assert_eq!(spawner.spawned(), 1);
    clock.advance(MS);
    assert_eq!(
        drive(client.call(&endpoint), &mock, None).1,
        steps(&["api first"])
    );
    assert_eq!(spawner.spawned(), 2, "claimed again after 5 s");
    spawner.run();
    assert_eq!(
        drive(client.call(&endpoint), &mock, None).1,
        steps(&["api second"])
    );
    assert_eq!(token_requests(&mock), 3);
    mock.assert_all_used();
}

#[test]
fn a_token_past_its_refresh_point_is_fetched_once_by_a_caller_and_shared() {
    // The refresh ahead never succeeds: past the refresh point, today's path takes over.
    let tokens = vec![token("first"), unavailable(), token("second")];
    let mock = zoom(tokens, 3);
    let clock = ManualClock::new();
    let spawner = ManualSpawn::new();
    let client = asynchronous(&mock, &clock, Some(&spawner));
    let endpoint = get();
    drive(client.call(&endpoint), &mock, None).0.unwrap();
    clock.advance(PREFETCH);
    drive(client.call(&endpoint), &mock, None).0.unwrap();
    spawner.run();
    clock.advance(STALE - PREFETCH);
    let (result, expired) = drive(client.call(&endpoint), &mock, None);
    result.unwrap();
    assert_eq!(expired, steps(&["lock", "token", "api second"]));
    assert_eq!(
        spawner.spawned(),
        1,
        "no refresh ahead past the refresh point"
    );
    mock.assert_all_used();
}

/// A user-OAuth token answer: access token `a{n}`, refresh token `r{n}`.
fn user_token(n: u32) -> HttpResponse {
    let body = format!(r#"{{"access_token":"a{n}","expires_in":{HOUR},"refresh_token":"r{n}"}}"#);
    zoom_core::http::Response::builder()
        .status(200)
        .body(body.into_bytes())
        .unwrap()
}

/// User OAuth, on an async client with a spawner: each refresh ahead is still made by the
/// call that claims it (a background task could be dropped by a runtime shutting down after
/// Zoom rotated the refresh token, and the grant would be lost), with the newest refresh
/// token, and each new one is handed over once.
#[test]
fn user_oauth_rotates_its_refresh_token_exactly_once_per_refresh_ahead() {
    let mock = zoom((1..=3).map(user_token).collect(), 5);
    let clock = ManualClock::new();
    let spawner = ManualSpawn::new();
    let rotated = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&rotated);
    let oauth = UserOAuth::new("cid", "secret", "r0").on_new_refresh_token(move |token| {
        seen.lock().unwrap().push(token.expose_secret().to_owned());
    });
    let client = Client::builder()
        .transport(mock.clone())
        .user_oauth(oauth)
        .time_source(clock.clone())
        .spawner(spawner.clone())
        .build()
        .unwrap();
    let endpoint = get();
    drive(client.call(&endpoint), &mock, None).0.unwrap();
    for n in 2..=3 {
        clock.advance(PREFETCH);
        let (_, claimant) = drive(client.call(&endpoint), &mock, None);
        assert_eq!(claimant, steps(&["token", &format!("api a{n}")]));
        let (_, next) = drive(client.call(&endpoint), &mock, None);
        assert_eq!(next, steps(&[&format!("api a{n}")]));
    }
    assert_eq!(spawner.spawned(), 0, "never in the background");
    let sent: Vec<String> = mock
        .requests()
        .iter()
        .filter(|r| r.uri.path() == "/oauth/token")
        .map(|r| r.body_text())
        .collect();
    assert_eq!(
        sent,
        [
            "grant_type=refresh_token&refresh_token=r0",
            "grant_type=refresh_token&refresh_token=r1",
            "grant_type=refresh_token&refresh_token=r2",
        ],
        "each refresh with the newest refresh token"
    );
    assert_eq!(
        *rotated.lock().unwrap(),
        ["r1", "r2", "r3"],
        "each handed over once"
    );
    mock.assert_all_used();
}

#[test]
fn user_oauth_refreshed_inline_rotates_once_too() {
    let mock = zoom((1..=3).map(user_token).collect(), 4);
    let clock = ManualClock::new();
    let rotations = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&rotations);
    let oauth = UserOAuth::new("cid", "secret", "r0").on_new_refresh_token(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .user_oauth(oauth)
        .time_source(clock.clone())
        .build()
        .unwrap();
    let endpoint = get();
    drive(client.call(&endpoint), &mock, None).0.unwrap();
    for n in 2..=3 {
        clock.advance(PREFETCH);
        let (_, claimant) = drive(client.call(&endpoint), &mock, None);
        assert_eq!(claimant, steps(&["token", &format!("api a{n}")]));
        assert_eq!(rotations.load(Ordering::SeqCst), n as usize);
    }
    let (_, after) = drive(client.call(&endpoint), &mock, None);
    assert_eq!(after, steps(&["api a3"]));
    mock.assert_all_used();
}

#[test]
fn across_processes_one_refreshes_ahead_under_the_stores_lock_and_the_others_keep_the_stored_token()
{
    let mock = zoom(vec![token("first"), token("second")], 6);
    let clock = ManualClock::new();
    let store = Arc::new(MemoryStore::with_time_source(clock.clone()));
    let process = || {
        zoom_core::blocking::Client::builder()
            .transport(mock.clone())
            .server_to_server_oauth("acct", "cid", "secret")
            .time_source(clock.clone())
            .jitter(Jitter::fixed(0.0))
            .shared_store(Arc::clone(&store))
            .build()
            .unwrap()
    };
    let (a, b) = (process(), process());
    let shared: &dyn BlockingSharedStore = &*store;
    let endpoint = get();
    let (_, first) = drive(a.call(&endpoint), &mock, Some(shared));
    let fetched = [
        "lock",
        "store Get",
        "store TryLock",
        "store Get",
        "token",
        "store PutAndUnlock",
        "api first",
    ];
    assert_eq!(first, steps(&fetched));
    let (_, adopted) = drive(b.call(&endpoint), &mock, Some(shared));
    assert_eq!(adopted, steps(&["lock", "store Get", "api first"]));

    clock.advance(PREFETCH);
    // A's first caller claims the refresh, takes the store's lock and asks for a token.
    let mut claimant = a.call(&endpoint);
    let mut asked = Vec::new();
    let mut step = claimant.start();
    let token_request = loop {
        step = match step {
            Step::Store(op) => {
                asked.push(op.name());
                claimant.stored(store.run(op))
            }
            Step::Send(request) => break request,
            _ => panic!("no lock or wait for the claimant"),
        };
    };
    assert_eq!(asked, ["Get", "TryLock", "Get"]);
    assert_eq!(describe(&token_request), "token");
    // B's first caller in the window finds A holding the store's lock: it goes on with the
    // stored token, and B's callers leave the store alone for a pause.
    let (_, b_claim) = drive(b.call(&endpoint), &mock, Some(shared));
    assert_eq!(b_claim, steps(&["store Get", "store TryLock", "api first"]));
    let (_, b_next) = drive(b.call(&endpoint), &mock, Some(shared));
    assert_eq!(b_next, steps(&["api first"]));
    // A's token arrives: stored (and the lock released) in one step, then A's own call.
    let step = claimant.received(BlockingTransport::send(&mock, token_request));
    let Step::Store(put) = step else {
        panic!("the new token is stored first")
    };
    assert_eq!(put.name(), "PutAndUnlock");
    let Step::Send(request) = claimant.stored(store.run(put)) else {
        panic!("then A's call")
    };
    assert_eq!(describe(&request), "api second");
    let _ = claimant.received(BlockingTransport::send(&mock, request));
    // After the pause (half of 100 ms with this jitter), B takes the stored token.
    clock.advance(50 * MS);
    let (_, b_after) = drive(b.call(&endpoint), &mock, Some(shared));
    assert_eq!(b_after, steps(&["store Get", "api second"]));
    assert_eq!(token_requests(&mock), 2, "one refresh for both processes");
    let stored = store.get(&TokenKey::new("acct", "cid")).unwrap();
    assert_eq!(stored.access_token, SecretString::from("second"));
    mock.assert_all_used();
}

/// A token endpoint failing `failures` times before it answers, and an API answering each
/// meeting 503 three times before its 200: a caller needs all four of its attempts.
struct Flaky {
    failures: usize,
    token_requests: AtomicUsize,
    per_meeting: Mutex<std::collections::HashMap<String, usize>>,
}

impl Flaky {
    fn new(failures: usize) -> Arc<Self> {
        Arc::new(Self {
            failures,
            token_requests: AtomicUsize::new(0),
            per_meeting: Mutex::default(),
        })
    }

    fn respond(&self, request: &HttpRequest) -> HttpResponse {
        if request.uri().path() == "/oauth/token" {
            let n = self.token_requests.fetch_add(1, Ordering::SeqCst);
            return if n < self.failures {
                unavailable()
            } else {
                token("t")
            };
        }
        let mut seen = self.per_meeting.lock().unwrap();
        let count = seen.entry(request.uri().path().to_owned()).or_default();
        *count += 1;
        if *count <= 3 {
            unavailable()
        } else {
            fixtures::documented_live_stream().into()
        }
    }
}

#[async_trait::async_trait]
impl Transport for Flaky {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        Ok(self.respond(&request))
    }
}

impl BlockingTransport for Flaky {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        Ok(self.respond(&request))
    }
}

const CALLERS: u64 = 50;

fn assert_every_caller_used_its_four_attempts(flaky: &Flaky, results: &[zoom_core::Result<()>]) {
    for result in results {
        result.as_ref().expect("each caller's own retries are left");
    }
    assert_eq!(
        flaky.token_requests.load(Ordering::SeqCst),
        3,
        "one shared fetch"
    );
    let seen = flaky.per_meeting.lock().unwrap();
    assert_eq!(seen.len(), CALLERS as usize);
    assert!(seen.values().all(|n| *n == 4), "{seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn callers_waiting_on_a_fetch_that_fails_twice_keep_their_whole_api_retry_budget() {
    let flaky = Flaky::new(2);
    let client = Client::builder()
        .transport(Arc::clone(&flaky))
        .server_to_server_oauth("acct", "cid", "secret")
        .time_source(ManualClock::new())
        .sleeper(InstantSleep::new())
        .jitter(Jitter::fixed(0.5))
        .build()
        .unwrap();
    let tasks: Vec<_> = (1..=CALLERS)
        .map(|id| {
            let client = client.clone();
            tokio::spawn(async move { client.meeting_live_stream(id).await.map(drop) })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    assert_every_caller_used_its_four_attempts(&flaky, &results);

    let flaky = Flaky::new(2);
    let client = zoom_core::blocking::Client::builder()
        .transport(Arc::clone(&flaky))
        .server_to_server_oauth("acct", "cid", "secret")
        .time_source(ManualClock::new())
        .sleeper(InstantSleep::new())
        .jitter(Jitter::fixed(0.5))
        .build()
        .unwrap();
    let results = tokio::task::spawn_blocking(move || {
        let threads: Vec<_> = (1..=CALLERS)
            .map(|id| {
                let client = client.clone();
                std::thread::spawn(move || client.meeting_live_stream(id).map(drop))
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    assert_every_caller_used_its_four_attempts(&flaky, &results);
}

#[test]
fn a_caller_whose_budget_ends_before_the_fetchs_next_try_returns_its_error() {
    let flaky = Flaky::new(usize::MAX);
    let sleep = InstantSleep::new();
    let client = zoom_core::blocking::Client::builder()
        .transport(Arc::clone(&flaky))
        .server_to_server_oauth("acct", "cid", "secret")
        .time_source(ManualClock::new())
        .sleeper(sleep.clone())
        .jitter(Jitter::fixed(0.9))
        // The fetch would be tried again after 0.9 × 2 s: past the 1 s budget.
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_secs(2))
                .max_elapsed(Duration::from_secs(1)),
        )
        .build()
        .unwrap();
    let error = client.meeting_live_stream(1).unwrap_err();
    assert!(error.auth().is_some(), "{error}");
    assert_eq!(flaky.token_requests.load(Ordering::SeqCst), 1);
    assert!(sleep.waits().is_empty());
}
