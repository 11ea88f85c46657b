//! Server-to-Server OAuth through the client's own transport: caching, single flight,
//! refresh on 401, host configuration, and secrets that never show.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use zoom_core::http::Method;
use zoom_core::{
    AuthError, AuthErrorKind, BlockingTransport, Client, ErrorKind, HttpRequest, RetryPolicy,
    SecretString, TokenSource, Transport, TransportError,
};
use zoom_testkit::{InstantSleep, ManualClock, MockTransport, fixtures};

const PATH: &str = "/meetings/85746065432/livestream";
const SECRET: &str = "client-secret-XYZ";

fn s2s_async(mock: &MockTransport) -> Client {
    Client::builder()
        .transport(mock.clone())
        .server_to_server_oauth("acct-1", "client-1", SECRET)
        .build()
        .unwrap()
}

fn s2s_blocking(mock: &MockTransport) -> zoom_core::blocking::Client {
    zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .server_to_server_oauth("acct-1", "client-1", SECRET)
        .build()
        .unwrap()
}

fn token_requests(mock: &MockTransport) -> usize {
    mock.requests()
        .iter()
        .filter(|r| r.uri.path() == "/oauth/token")
        .count()
}

#[tokio::test]
async fn the_token_request_goes_through_the_clients_transport_and_is_cached() {
    let mock = MockTransport::new()
        .on(
            Method::POST,
            "/oauth/token",
            fixtures::oauth_token("tok-A", 3599),
        )
        .on(Method::GET, PATH, fixtures::documented_live_stream())
        .on(Method::GET, PATH, fixtures::documented_live_stream());
    let client = s2s_async(&mock);
    client.meeting_live_stream(85746065432).await.unwrap();
    client
        .clone()
        .meeting_live_stream(85746065432)
        .await
        .unwrap();
    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    let token = &requests[0];
    assert_eq!(
        (token.method.as_str(), token.uri.to_string().as_str()),
        ("POST", "https://zoom.us/oauth/token")
    );
    assert_eq!(
        token.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        token.body_text(),
        "grant_type=account_credentials&account_id=acct-1"
    );
    assert!(token.headers["authorization"].is_sensitive());
    for api_call in &requests[1..] {
        assert_eq!(api_call.header("authorization"), Some("Bearer tok-A"));
    }
}

/// A first token good for an hour, then exactly one fresh token and answers for 101 calls:
/// a third token request would find no answer and panic.
fn a_token_then_a_fresh_one_for_a_hundred_calls() -> MockTransport {
    let mut mock = MockTransport::new()
        .on(
            Method::POST,
            "/oauth/token",
            fixtures::oauth_token("first", 3599),
        )
        .on(Method::GET, PATH, fixtures::documented_live_stream())
        .on(
            Method::POST,
            "/oauth/token",
            fixtures::oauth_token("fresh", 3599),
        );
    for _ in 0..100 {
        mock = mock.on(Method::GET, PATH, fixtures::documented_live_stream());
    }
    mock
}

/// The first token is refreshed a minute before it expires: at 3539 s of its 3599.
const REFRESH_AHEAD: Duration = Duration::from_secs(3539);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_tasks_on_an_expired_token_make_one_token_request() {
    let mock = a_token_then_a_fresh_one_for_a_hundred_calls();
    let clock = ManualClock::new();
    let client = Client::builder()
        .transport(mock.clone())
        .server_to_server_oauth("acct-1", "client-1", SECRET)
        .time_source(clock.clone())
        .build()
        .unwrap();
    client.meeting_live_stream(85746065432).await.unwrap();
    clock.advance(REFRESH_AHEAD - Duration::from_secs(1));
    assert_eq!(token_requests(&mock), 1, "still fresh");
    clock.advance(Duration::from_secs(1));
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.meeting_live_stream(85746065432).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(token_requests(&mock), 2);
    let fresh = mock
        .requests()
        .iter()
        .filter(|r| r.header("authorization") == Some("Bearer fresh"))
        .count();
    assert_eq!(fresh, 100);
    mock.assert_all_used();
}

#[test]
fn a_hundred_threads_on_an_expired_token_make_one_token_request() {
    let mock = a_token_then_a_fresh_one_for_a_hundred_calls();
    let clock = ManualClock::new();
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .server_to_server_oauth("acct-1", "client-1", SECRET)
        .time_source(clock.clone())
        .build()
        .unwrap();
    client.meeting_live_stream(85746065432).unwrap();
    clock.advance(REFRESH_AHEAD);
    for result in a_hundred_threads(&client) {
        result.unwrap();
    }
    assert_eq!(token_requests(&mock), 2);
    mock.assert_all_used();
}

/// A token endpoint that answers every token request alike (slowly, so that callers queue
/// behind the one fetching) and every API call with the documented 200; it counts both.
struct TokenEndpoint {
    answer: fn() -> zoom_core::HttpResponse,
    token_requests: AtomicUsize,
    api_requests: AtomicUsize,
}

impl TokenEndpoint {
    fn new(answer: fn() -> zoom_core::HttpResponse) -> Arc<Self> {
        Arc::new(Self {
            answer,
            token_requests: AtomicUsize::new(0),
            api_requests: AtomicUsize::new(0),
        })
    }

    fn respond(&self, request: &HttpRequest) -> zoom_core::HttpResponse {
        if request.uri().path() == "/oauth/token" {
            self.token_requests.fetch_add(1, Ordering::SeqCst);
            // Not a timing assertion: only makes the other callers queue on the lock.
            std::thread::sleep(Duration::from_millis(5));
            (self.answer)()
        } else {
            self.api_requests.fetch_add(1, Ordering::SeqCst);
            fixtures::documented_live_stream().into()
        }
    }

    fn counts(&self) -> (usize, usize) {
        (
            self.token_requests.load(Ordering::SeqCst),
            self.api_requests.load(Ordering::SeqCst),
        )
    }
}

#[async_trait::async_trait]
impl Transport for TokenEndpoint {
    async fn send(&self, request: HttpRequest) -> Result<zoom_core::HttpResponse, TransportError> {
        Ok(self.respond(&request))
    }
}

impl BlockingTransport for TokenEndpoint {
    fn send(&self, request: HttpRequest) -> Result<zoom_core::HttpResponse, TransportError> {
        Ok(self.respond(&request))
    }
}

fn refused() -> zoom_core::HttpResponse {
    fixtures::oauth_invalid_client().into()
}

fn unavailable() -> zoom_core::HttpResponse {
    fixtures::server_error(503).into()
}

/// Runs `meeting_live_stream` (of the meeting in `PATH`) on 100 threads at once.
fn a_hundred_threads(client: &zoom_core::blocking::Client) -> Vec<zoom_core::Result<()>> {
    let barrier = Arc::new(std::sync::Barrier::new(100));
    let threads: Vec<_> = (0..100)
        .map(|_| {
            let (client, barrier) = (client.clone(), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                client.meeting_live_stream(85746065432).map(drop)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

/// 100 async tasks, then 100 threads, each against a fresh `TokenEndpoint` answering token
/// requests with `answer`: what every caller got, and what each endpoint counted.
async fn a_hundred_callers_each_way(
    answer: fn() -> zoom_core::HttpResponse,
) -> [(Vec<zoom_core::Result<()>>, (usize, usize)); 2] {
    let endpoint = TokenEndpoint::new(answer);
    let client = Client::builder()
        .transport(Arc::clone(&endpoint))
        .server_to_server_oauth("acct-1", "client-1", SECRET)
        .time_source(ManualClock::new())
        .sleeper(InstantSleep::new())
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.meeting_live_stream(1).await.map(drop) })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    let asynchronous = (results, endpoint.counts());

    let endpoint = TokenEndpoint::new(answer);
    let client = zoom_core::blocking::Client::builder()
        .transport(Arc::clone(&endpoint))
        .server_to_server_oauth("acct-1", "client-1", SECRET)
        .time_source(ManualClock::new())
        .sleeper(InstantSleep::new())
        .build()
        .unwrap();
    let results = tokio::task::spawn_blocking(move || a_hundred_threads(&client))
        .await
        .unwrap();
    [asynchronous, (results, endpoint.counts())]
}

fn assert_all_failed_with(results: &[zoom_core::Result<()>], kind: AuthErrorKind) {
    assert_eq!(results.len(), 100);
    for result in results {
        let error = result.as_ref().unwrap_err();
        assert_eq!(error.auth().map(AuthError::kind), Some(kind), "{error}");
        assert!(!format!("{error} {error:?}").contains(SECRET));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_callers_with_refused_credentials_make_one_token_request() {
    for (results, counts) in a_hundred_callers_each_way(refused).await {
        assert_all_failed_with(&results, AuthErrorKind::InvalidClient);
        assert_eq!(counts, (1, 0), "(token requests, API requests)");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_callers_on_a_failing_token_endpoint_make_one_request_per_attempt() {
    for (results, (tokens, api)) in a_hundred_callers_each_way(unavailable).await {
        assert_all_failed_with(&results, AuthErrorKind::Rejected);
        // The default policy's 4 attempts, whatever the number of callers.
        assert!((1..=4).contains(&tokens), "{tokens} token requests");
        assert_eq!(api, 0);
    }
}

#[test]
fn a_refusal_is_remembered_for_a_few_seconds_on_the_clients_clock() {
    let endpoint = TokenEndpoint::new(refused);
    let clock = ManualClock::new();
    let client = zoom_core::blocking::Client::builder()
        .transport(Arc::clone(&endpoint))
        .server_to_server_oauth("acct-1", "client-1", SECRET)
        .time_source(clock.clone())
        .build()
        .unwrap();
    client.meeting_live_stream(1).unwrap_err();
    clock.advance(Duration::from_secs(4));
    client.meeting_live_stream(1).unwrap_err();
    assert_eq!(endpoint.counts(), (1, 0), "remembered");
    clock.advance(Duration::from_secs(1));
    client.meeting_live_stream(1).unwrap_err();
    assert_eq!(endpoint.counts(), (2, 0), "asked again");
}

fn endless_token() -> zoom_core::HttpResponse {
    zoom_core::http::Response::builder()
        .status(200)
        .body(br#"{"access_token":"endless","expires_in":18446744073709551615}"#.to_vec())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_huge_token_lifetime_neither_panics_nor_outlives_a_day() {
    let endpoint = TokenEndpoint::new(endless_token);
    let clock = ManualClock::new();
    let client = Client::builder()
        .transport(Arc::clone(&endpoint))
        .server_to_server_oauth("acct-1", "client-1", SECRET)
        .time_source(clock.clone())
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.meeting_live_stream(1).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(endpoint.counts(), (1, 50));
    // Clamped to a day, refreshed a minute ahead.
    clock.advance(Duration::from_secs(86_340));
    client.meeting_live_stream(1).await.unwrap();
    assert_eq!(endpoint.counts(), (2, 51));
}

#[test]
fn a_token_api_url_in_clear_text_is_ignored() {
    let answer = |api_url: &str| {
        let body = format!(r#"{{"access_token":"t","expires_in":3599,"api_url":"{api_url}"}}"#);
        zoom_core::http::Response::builder()
            .status(200)
            .body(body.into_bytes())
            .unwrap()
    };
    let mock = MockTransport::new()
        .push(answer("http://attacker.example"))
        .push(fixtures::documented_live_stream());
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .server_to_server_oauth("a", "c", "s")
        .use_token_api_url(true)
        .build()
        .unwrap();
    client.meeting_live_stream(7).unwrap();
    assert_eq!(
        mock.requests()[1].uri,
        "https://api.zoom.us/v2/meetings/7/livestream"
    );
}

#[test]
fn a_401_refreshes_the_token_once_and_repeats_the_call_once() {
    let mock = MockTransport::new()
        .push(fixtures::oauth_token("revoked", 3599))
        .push(fixtures::invalid_access_token())
        .push(fixtures::oauth_token("new", 3599))
        .push(fixtures::no_content());
    let client = s2s_blocking(&mock);
    // Even a state change: a 401 was not applied, so repeating it once is safe.
    client
        .update_meeting_live_stream_status(1, &zoom_core::LiveStreamStatus::start())
        .unwrap();
    let auth: Vec<_> = mock
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(auth[1], "Bearer revoked");
    assert_eq!(auth[3], "Bearer new");
    mock.assert_all_used();
}

#[tokio::test]
async fn a_second_401_is_returned_never_looped() {
    let mock = MockTransport::new()
        .push(fixtures::oauth_token("a", 3599))
        .push(fixtures::invalid_access_token())
        .push(fixtures::oauth_token("b", 3599))
        .push(fixtures::invalid_access_token());
    let error = s2s_async(&mock).meeting_live_stream(1).await.unwrap_err();
    assert_eq!(error.api().unwrap().code(), Some(124));
    assert_eq!(mock.requests().len(), 4);
}

#[test]
fn a_static_bearer_token_is_never_refreshed() {
    let mock = MockTransport::new().push(fixtures::invalid_access_token());
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .bearer_token("old")
        .build()
        .unwrap();
    assert_eq!(
        client.meeting_live_stream(1).unwrap_err().kind(),
        ErrorKind::Api
    );
    assert_eq!(mock.requests().len(), 1);
}

#[test]
fn zoomgov_hosts_and_the_token_api_url_are_configurable() {
    let mock = MockTransport::new()
        .push(fixtures::oauth_token("t", 3599))
        .push(fixtures::documented_live_stream());
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .server_to_server_oauth("a", "c", "s")
        .zoomgov()
        .build()
        .unwrap();
    client.meeting_live_stream(7).unwrap();
    let uris: Vec<String> = mock.requests().iter().map(|r| r.uri.to_string()).collect();
    assert_eq!(
        uris,
        [
            "https://zoomgov.com/oauth/token",
            "https://api.zoomgov.com/v2/meetings/7/livestream"
        ]
    );

    // fixtures::oauth_token names https://api.zoom.us as the account's api_url.
    let mock = MockTransport::new()
        .push(fixtures::oauth_token("t", 3599))
        .push(fixtures::documented_live_stream());
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .server_to_server_oauth("a", "c", "s")
        .api_base("https://elsewhere.example/v2")
        .oauth_base("http://127.0.0.1:1")
        .use_token_api_url(true)
        .build()
        .unwrap();
    client.meeting_live_stream(7).unwrap();
    assert_eq!(mock.requests()[0].uri, "http://127.0.0.1:1/oauth/token");
    assert_eq!(
        mock.requests()[1].uri,
        "https://api.zoom.us/v2/meetings/7/livestream"
    );
}

#[test]
fn token_endpoint_failures_are_auth_errors_with_zooms_reason() {
    let mock = MockTransport::new().push(fixtures::oauth_invalid_client());
    let error = s2s_blocking(&mock).meeting_live_stream(1).unwrap_err();
    let auth = error.auth().unwrap();
    assert_eq!(auth.kind(), AuthErrorKind::InvalidClient);
    assert!(
        error
            .to_string()
            .contains("Invalid client_id or client_secret")
    );
    assert!(!format!("{error} {error:?}").contains(SECRET));
    assert_eq!(mock.requests().len(), 1, "no API call without a token");
}

#[test]
fn an_unreachable_or_failing_token_endpoint_is_retried_like_a_read() {
    let mock = MockTransport::new()
        .push_error(zoom_core::TransportErrorKind::Connect)
        .push(fixtures::server_error(503))
        .push(fixtures::oauth_token("t", 3599))
        .push(fixtures::documented_live_stream());
    let sleep = InstantSleep::new();
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .server_to_server_oauth("acct-1", "client-1", SECRET)
        .sleeper(sleep.clone())
        .build()
        .unwrap();
    client.meeting_live_stream(1).unwrap();
    assert_eq!(sleep.waits().len(), 2);
    mock.assert_all_used();

    let mut down = MockTransport::new();
    for _ in 0..4 {
        down = down.push_error(zoom_core::TransportErrorKind::Connect);
    }
    let client = zoom_core::blocking::Client::builder()
        .transport(down.clone())
        .server_to_server_oauth("acct-1", "client-1", SECRET)
        .sleeper(InstantSleep::new())
        .build()
        .unwrap();
    let error = client.meeting_live_stream(1).unwrap_err();
    assert_eq!(error.auth().unwrap().kind(), AuthErrorKind::Transport);
    assert!(error.is_retryable());
    assert_eq!(down.requests().len(), 4, "the default policy's 4 attempts");
}

#[derive(Default)]
struct Rotating {
    invalidated: std::sync::Mutex<Vec<String>>,
}

impl TokenSource for Rotating {
    fn access_token(&self) -> Result<SecretString, AuthError> {
        let generation = self.invalidated.lock().unwrap().len();
        Ok(SecretString::new(format!("user-token-{generation}")))
    }
    fn invalidate(&self, token: &SecretString) {
        self.invalidated
            .lock()
            .unwrap()
            .push(token.expose_secret().to_owned());
    }
}

#[test]
fn a_custom_token_source_is_asked_and_told_about_rejections() {
    let mock = MockTransport::new()
        .push(fixtures::invalid_access_token())
        .push(fixtures::documented_live_stream());
    let source = Arc::new(Rotating::default());
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .token_source(Arc::clone(&source))
        .build()
        .unwrap();
    client.meeting_live_stream(1).unwrap();
    assert_eq!(*source.invalidated.lock().unwrap(), ["user-token-0"]);
    assert_eq!(
        mock.requests()[1].header("authorization"),
        Some("Bearer user-token-1")
    );
}

#[tokio::test]
async fn no_debug_output_holds_the_secret_or_a_token() {
    let mock = MockTransport::new()
        .push(fixtures::oauth_token("tok-SENSITIVE", 3599))
        .push(fixtures::live_stream_full())
        .push(fixtures::invalid_access_token())
        .push(fixtures::oauth_invalid_client());
    let builder = Client::builder()
        .transport(mock.clone())
        .server_to_server_oauth("acct", "cid", SECRET);
    let builder_debug = format!("{builder:?}");
    let client = builder.retry_policy(RetryPolicy::none()).build().unwrap();
    let stream = client.meeting_live_stream(1).await.unwrap();
    let error = client.meeting_live_stream(1).await.unwrap_err();
    let update = zoom_core::UpdateLiveStream::new("rtmp://a/b", "sk-live-123", "https://e.com");
    let credentials = zoom_core::ServerToServerOAuth::new("acct", "cid", SECRET);
    let shown = [
        builder_debug,
        format!("{client:?}"),
        format!("{stream:?}"),
        format!("{error:?} {error}"),
        format!("{:?}", error.auth()),
        format!("{update:?}"),
        format!("{credentials:?}"),
        format!("{mock:?}"),
        format!("{:?}", mock.requests()),
        format!("{:?}", SecretString::new(SECRET)),
    ]
    .join("\n");
    for secret in [SECRET, "tok-SENSITIVE", "sk-live-123"] {
        assert!(!shown.contains(secret), "{secret} leaked in:\n{shown}");
    }
}

#[test]
fn user_oauth_rotates_the_refresh_token_and_hands_each_new_one_over() {
    let rotated = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let store = Arc::clone(&rotated);
    let oauth = zoom_core::UserOAuth::new("client-1", SECRET, "refresh-1").on_new_refresh_token(
        move |token| store.lock().unwrap().push(token.expose_secret().to_owned()),
    );
    let answer = |access: &str, refresh: &str| {
        let body = format!(
            r#"{{"access_token":"{access}","token_type":"bearer","refresh_token":"{refresh}","expires_in":0}}"#
        );
        zoom_core::http::Response::builder()
            .status(200)
            .body(body.into_bytes())
            .unwrap()
    };
    let mock = MockTransport::new()
        .push(answer("access-1", "refresh-2"))
        .push(fixtures::documented_live_stream())
        .push(answer("access-2", "refresh-3"))
        .push(fixtures::documented_live_stream());
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .user_oauth(oauth)
        .build()
        .unwrap();
    // Each token expires at once, so each call refreshes with the latest refresh token.
    client.meeting_live_stream(1).unwrap();
    client.meeting_live_stream(1).unwrap();
    let requests = mock.requests();
    assert_eq!(
        requests[0].body_text(),
        "grant_type=refresh_token&refresh_token=refresh-1"
    );
    assert_eq!(
        requests[2].body_text(),
        "grant_type=refresh_token&refresh_token=refresh-2"
    );
    assert_eq!(requests[3].header("authorization"), Some("Bearer access-2"));
    assert_eq!(*rotated.lock().unwrap(), ["refresh-2", "refresh-3"]);
    let shown = format!("{client:?}");
    for secret in ["refresh-1", "refresh-2", "refresh-3", "access-2", SECRET] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[test]
fn a_refused_refresh_token_is_an_invalid_grant() {
    let refused = zoom_core::http::Response::builder()
        .status(400)
        .body(br#"{"reason":"Invalid Token!","error":"invalid_grant"}"#.to_vec())
        .unwrap();
    let mock = MockTransport::new().push(refused);
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .user_oauth(zoom_core::UserOAuth::new("client-1", SECRET, "stale"))
        .build()
        .unwrap();
    let error = client.meeting_live_stream(1).unwrap_err();
    assert_eq!(error.auth().unwrap().kind(), AuthErrorKind::InvalidGrant);
    assert!(!format!("{error} {error:?}").contains("stale"));
}
