//! The fault matrix: every simulator fault, once (the next request only) and always (every
//! request), against a read (`GET`, idempotent) and a start (`PATCH …/status`, a state
//! change), through both transport/client pairs: reqwest with the async client and ureq
//! with the blocking client. Each cell must end, within a hang guard, with the outcome and
//! the number of requests its row names, and both pairs must agree. The same rows run again
//! for a Video SDK session through clients signing the Video SDK JWT, and must end the same.
//!
//! The rows are data ([`matrix`]). `docs/RELIABILITY.md` shows them as a table, generated
//! from the rows and checked here so that it cannot drift; to rewrite it after changing the
//! rows, run
//!
//! ```sh
//! UPDATE_RELIABILITY_MD=1 cargo test -p zoom-testkit --test fault_matrix
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::Duration;

use zoom_core::{
    ApiErrorKind, Client, Error, Jitter, LiveStream, LiveStreamStatus, MeetingId, RetryPolicy,
    SessionId, TransportErrorKind,
};
use zoom_testkit::InstantSleep;
use zoom_testkit::simulator::{
    DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_MEETING_ID, DEMO_SESSION_ID,
    DEMO_STATIC_TOKEN, DEMO_STREAM_URL, DEMO_VIDEO_SDK_API_KEY, DEMO_VIDEO_SDK_API_SECRET, Fault,
    FaultRule, RetryAfterForm, Simulator,
};
use zoom_transport_reqwest::ReqwestTransport;
use zoom_transport_ureq::UreqTransport;

// ---------------------------------------------------------------------------------------
// The setup every cell runs with
// ---------------------------------------------------------------------------------------

/// The transports' whole-call timeout in the matrix.
const TIMEOUT: Duration = Duration::from_millis(500);
/// The transports' connect timeout (loopback connects at once; this only bounds a failure).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// The transports' cap on response bodies in the matrix.
const BODY_CAP: usize = 64 * 1024;
/// A cell that has not ended after this long is a hang, and fails.
const HANG_GUARD: Duration = Duration::from_secs(30);

/// A delay beyond [`TIMEOUT`].
const SLOW: u64 = 1_500;
/// A delay well within [`TIMEOUT`].
const A_BIT_SLOW: u64 = 100;
/// A body beyond [`BODY_CAP`].
const OVERSIZED: usize = 128 * 1024;
const _: () =
    assert!(SLOW > TIMEOUT.as_millis() as u64 && A_BIT_SLOW * 4 < TIMEOUT.as_millis() as u64);
const _: () = assert!(OVERSIZED > BODY_CAP);

// ---------------------------------------------------------------------------------------
// The matrix, as data
// ---------------------------------------------------------------------------------------

/// What the simulator is made to do.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Setup {
    /// A scripted [`Fault`].
    Fault(Fault),
    /// The account's daily limit is used up (not a fault: the simulator's daily counter).
    DailyLimitReached,
}

/// How long the misbehaviour lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    /// The next request only (`FaultRule::once`), then normal service.
    Once,
    /// Every request.
    Always,
}

/// The kind of call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Call {
    /// `GET /meetings/{id}/livestream`: idempotent, repeated on transient failures.
    Get,
    /// `PATCH /meetings/{id}/livestream/status` with `start`: a state change, repeated
    /// only when the request provably never left.
    Start,
}

/// How a call ends: success, or the precise typed error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// `Ok(..)`.
    Success,
    /// `Error::Api` of this kind.
    Api(ApiErrorKind),
    /// `Error::Transport` of this kind, with `may_have_been_applied`.
    Transport(TransportErrorKind, bool),
    /// `Error::Decode`.
    Decode,
}

/// One cell of the matrix: run through both transport/client pairs.
#[derive(Debug, Clone)]
struct Row {
    setup: Setup,
    shape: Shape,
    call: Call,
    outcome: Outcome,
    /// Requests the simulator receives for the call (1 = not repeated).
    requests: usize,
}

const fn rate_limited(retry_after: RetryAfterForm) -> Setup {
    Setup::Fault(Fault::RateLimited { retry_after })
}
const RL_SECONDS: Setup = rate_limited(RetryAfterForm::Seconds { seconds: 1 });
const RL_HTTP_DATE: Setup = rate_limited(RetryAfterForm::HttpDate {
    seconds_from_now: 2,
});
const RL_ISO8601: Setup = rate_limited(RetryAfterForm::Iso8601 {
    seconds_from_now: 2,
});
const RL_NO_HEADERS: Setup = rate_limited(RetryAfterForm::NoHeaders);
/// A `Retry-After` beyond the retry budget (30 s by default).
const RL_TOO_FAR: Setup = rate_limited(RetryAfterForm::Seconds { seconds: 120 });
const fn status(status: u16) -> Setup {
    Setup::Fault(Fault::Status { status })
}
const SLOW_ANSWER: Setup = Setup::Fault(Fault::Delay { millis: SLOW });
const SLIGHTLY_SLOW_ANSWER: Setup = Setup::Fault(Fault::Delay { millis: A_BIT_SLOW });
const DROP_BEFORE: Setup = Setup::Fault(Fault::DropBeforeResponse);
const DROP_DURING: Setup = Setup::Fault(Fault::DropDuringResponse);
const TRUNCATED: Setup = Setup::Fault(Fault::TruncatedBody);
const TOO_BIG: Setup = Setup::Fault(Fault::OversizedBody { bytes: OVERSIZED });
const INVALID_JSON: Setup = Setup::Fault(Fault::InvalidJson);
const HTML_502: Setup = Setup::Fault(Fault::HtmlErrorPage { status: 502 });
const DAILY: Setup = Setup::DailyLimitReached;

const OK: Outcome = Outcome::Success;
const RATE_LIMITED: Outcome = Outcome::Api(ApiErrorKind::RateLimited);
const DAILY_LIMIT: Outcome = Outcome::Api(ApiErrorKind::DailyLimitExceeded);
const SERVER_ERROR: Outcome = Outcome::Api(ApiErrorKind::ServerError);
const DECODE: Outcome = Outcome::Decode;
/// A transport error on a read (a read is never "applied").
const fn read_failed(kind: TransportErrorKind) -> Outcome {
    Outcome::Transport(kind, false)
}
/// A transport error on a state change whose request may have reached Zoom.
const fn maybe_applied(kind: TransportErrorKind) -> Outcome {
    Outcome::Transport(kind, true)
}
use TransportErrorKind::{BodyTooLarge, Io, Timeout};

/// Every cell. With the default `RetryPolicy` (4 attempts, 30 s budget): a read is repeated
/// after 429 (honouring `Retry-After` within the budget), 5xx, timeouts, broken
/// connections and undecodable 200s; a start is repeated after none of these, because its
/// request may have been applied.
fn matrix() -> Vec<Row> {
    use Call::{Get, Start};
    use Shape::{Always, Once};
    let row = |setup: Setup, shape, call, outcome, requests| Row {
        setup,
        shape,
        call,
        outcome,
        requests,
    };
    vec![
        // 429 with Retry-After in seconds, as an HTTP date, as an ISO 8601 date, or bare.
        row(RL_SECONDS, Once, Get, OK, 2),
        row(RL_SECONDS, Always, Get, RATE_LIMITED, 4),
        row(RL_SECONDS, Once, Start, RATE_LIMITED, 1),
        row(RL_SECONDS, Always, Start, RATE_LIMITED, 1),
        row(RL_HTTP_DATE, Once, Get, OK, 2),
        row(RL_HTTP_DATE, Always, Get, RATE_LIMITED, 4),
        row(RL_HTTP_DATE, Once, Start, RATE_LIMITED, 1),
        row(RL_HTTP_DATE, Always, Start, RATE_LIMITED, 1),
        row(RL_ISO8601, Once, Get, OK, 2),
        row(RL_ISO8601, Always, Get, RATE_LIMITED, 4),
        row(RL_ISO8601, Once, Start, RATE_LIMITED, 1),
        row(RL_ISO8601, Always, Start, RATE_LIMITED, 1),
        row(RL_NO_HEADERS, Once, Get, OK, 2),
        row(RL_NO_HEADERS, Always, Get, RATE_LIMITED, 4),
        row(RL_NO_HEADERS, Once, Start, RATE_LIMITED, 1),
        row(RL_NO_HEADERS, Always, Start, RATE_LIMITED, 1),
        // A wait beyond the budget is returned at once, not slept on.
        row(RL_TOO_FAR, Once, Get, RATE_LIMITED, 1),
        row(RL_TOO_FAR, Always, Get, RATE_LIMITED, 1),
        row(RL_TOO_FAR, Once, Start, RATE_LIMITED, 1),
        row(RL_TOO_FAR, Always, Start, RATE_LIMITED, 1),
        // The daily limit: come back tomorrow.
        row(DAILY, Always, Get, DAILY_LIMIT, 1),
        row(DAILY, Always, Start, DAILY_LIMIT, 1),
        // 5xx with Zoom's JSON body, and a proxy's HTML page.
        row(status(500), Once, Get, OK, 2),
        row(status(500), Always, Get, SERVER_ERROR, 4),
        row(status(500), Once, Start, SERVER_ERROR, 1),
        row(status(500), Always, Start, SERVER_ERROR, 1),
        row(status(502), Once, Get, OK, 2),
        row(status(502), Always, Get, SERVER_ERROR, 4),
        row(status(502), Once, Start, SERVER_ERROR, 1),
        row(status(502), Always, Start, SERVER_ERROR, 1),
        row(status(503), Once, Get, OK, 2),
        row(status(503), Always, Get, SERVER_ERROR, 4),
        row(status(503), Once, Start, SERVER_ERROR, 1),
        row(status(503), Always, Start, SERVER_ERROR, 1),
        row(status(504), Once, Get, OK, 2),
        row(status(504), Always, Get, SERVER_ERROR, 4),
        row(status(504), Once, Start, SERVER_ERROR, 1),
        row(status(504), Always, Start, SERVER_ERROR, 1),
        row(HTML_502, Once, Get, OK, 2),
        row(HTML_502, Always, Get, SERVER_ERROR, 4),
        row(HTML_502, Once, Start, SERVER_ERROR, 1),
        row(HTML_502, Always, Start, SERVER_ERROR, 1),
        // Slow answers: within the timeout they are just slow; beyond it, a timeout.
        row(SLIGHTLY_SLOW_ANSWER, Once, Get, OK, 1),
        row(SLIGHTLY_SLOW_ANSWER, Always, Get, OK, 1),
        row(SLIGHTLY_SLOW_ANSWER, Once, Start, OK, 1),
        row(SLIGHTLY_SLOW_ANSWER, Always, Start, OK, 1),
        row(SLOW_ANSWER, Once, Get, OK, 2),
        row(SLOW_ANSWER, Always, Get, read_failed(Timeout), 4),
        row(SLOW_ANSWER, Once, Start, maybe_applied(Timeout), 1),
        row(SLOW_ANSWER, Always, Start, maybe_applied(Timeout), 1),
        // Broken connections.
        row(DROP_BEFORE, Once, Get, OK, 2),
        row(DROP_BEFORE, Always, Get, read_failed(Io), 4),
        row(DROP_BEFORE, Once, Start, maybe_applied(Io), 1),
        row(DROP_BEFORE, Always, Start, maybe_applied(Io), 1),
        row(DROP_DURING, Once, Get, OK, 2),
        row(DROP_DURING, Always, Get, read_failed(Io), 4),
        row(DROP_DURING, Once, Start, maybe_applied(Io), 1),
        row(DROP_DURING, Always, Start, maybe_applied(Io), 1),
        // Bad 200 bodies. A start expects no content, so it ignores any 200 body.
        row(TRUNCATED, Once, Get, OK, 2),
        row(TRUNCATED, Always, Get, DECODE, 4),
        row(TRUNCATED, Once, Start, OK, 1),
        row(TRUNCATED, Always, Start, OK, 1),
        row(INVALID_JSON, Once, Get, OK, 2),
        row(INVALID_JSON, Always, Get, DECODE, 4),
        row(INVALID_JSON, Once, Start, OK, 1),
        row(INVALID_JSON, Always, Start, OK, 1),
        // Over the body cap: never repeated (the next answer would be as big).
        row(TOO_BIG, Once, Get, read_failed(BodyTooLarge), 1),
        row(TOO_BIG, Always, Get, read_failed(BodyTooLarge), 1),
        row(TOO_BIG, Once, Start, maybe_applied(BodyTooLarge), 1),
        row(TOO_BIG, Always, Start, maybe_applied(BodyTooLarge), 1),
    ]
}

// ---------------------------------------------------------------------------------------
// Running a cell
// ---------------------------------------------------------------------------------------

/// A transport/client pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pair {
    ReqwestAsync,
    UreqBlocking,
}

impl Pair {
    const ALL: [Pair; 2] = [Pair::ReqwestAsync, Pair::UreqBlocking];

    fn name(self) -> &'static str {
        match self {
            Pair::ReqwestAsync => "reqwest + async Client",
            Pair::UreqBlocking => "ureq + blocking::Client",
        }
    }
}

/// What a cell did.
#[derive(Debug)]
struct Observed {
    /// The outcome, or why there is none (a panic, a hang, an error outside the matrix).
    outcome: Result<Outcome, String>,
    requests: usize,
    /// Waits the client asked its sleeper for (one before each repeat).
    waits: Vec<Duration>,
    /// The error's `Display`, if the call failed.
    shown: Option<String>,
}

/// The first wait a repeated call must take: the answer's `Retry-After` (plus at most the
/// 10 % jitter, half of it with `Jitter::fixed(0.5)`), or else the first backoff (half of
/// the 500 ms ceiling).
fn first_wait(setup: &Setup) -> (Duration, Duration) {
    let secs = Duration::from_secs;
    match setup {
        Setup::Fault(Fault::RateLimited { retry_after }) => match *retry_after {
            RetryAfterForm::Seconds { seconds } => {
                let wait = with_jitter(seconds);
                (wait, wait)
            }
            // A date has whole seconds: the wait left is a little less than announced.
            RetryAfterForm::HttpDate { seconds_from_now }
            | RetryAfterForm::Iso8601 { seconds_from_now } => (
                secs(seconds_from_now.saturating_sub(1)),
                with_jitter(seconds_from_now),
            ),
            // No usable `Retry-After` (a malformed one is ignored): the first backoff.
            RetryAfterForm::NoHeaders | RetryAfterForm::Raw { .. } => {
                (Duration::from_millis(250), Duration::from_millis(250))
            }
        },
        _ => (Duration::from_millis(250), Duration::from_millis(250)),
    }
}

/// `seconds` plus the 5 % jitter, saturating (hostile rows announce up to `u64::MAX` s).
fn with_jitter(seconds: u64) -> Duration {
    Duration::try_from_secs_f64(seconds as f64 * 1.05).unwrap_or(Duration::MAX)
}

/// What is wrong with a cell, if anything.
fn check(row: &Row, observed: &Observed) -> Option<String> {
    let mut problems = Vec::new();
    if observed.outcome != Ok(row.outcome) {
        problems.push(format!(
            "outcome: expected {:?}, observed {:?}",
            row.outcome, observed.outcome
        ));
    }
    if observed.requests != row.requests {
        problems.push(format!(
            "requests: expected {}, observed {}",
            row.requests, observed.requests
        ));
    }
    if observed.waits.len() + 1 != observed.requests {
        problems.push(format!(
            "{} requests but {} waits: something repeated without the policy",
            observed.requests,
            observed.waits.len()
        ));
    }
    let (low, high) = first_wait(&row.setup);
    if let Some(&wait) = observed.waits.first()
        && !(low..=high).contains(&wait)
    {
        problems.push(format!(
            "first wait: expected {low:?}..={high:?}, observed {wait:?}"
        ));
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

/// How a call ended, and the error's `Display` if it failed.
type Ended = (Result<Outcome, String>, Option<String>);

/// The outcome of a read; a success must carry the demo meeting's real stream.
fn read_outcome(result: zoom_core::Result<LiveStream>) -> Ended {
    match result {
        Ok(stream) if stream.stream_url.as_deref() == Some(DEMO_STREAM_URL) => {
            (Ok(Outcome::Success), None)
        }
        Ok(stream) => (
            Err(format!(
                "a success, but not the demo stream: {:?}",
                stream.stream_url
            )),
            None,
        ),
        Err(error) => error_outcome(error),
    }
}

fn start_outcome(result: zoom_core::Result<()>) -> Ended {
    result.map_or_else(error_outcome, |()| (Ok(Outcome::Success), None))
}

/// The error's outcome, after using it the way a caller would (its `Display`, which the
/// SDK's own tracing also formats, and its `Retry-After` as a wait and as a time): none of
/// that may panic either.
fn error_outcome(error: Error) -> Ended {
    let shown = error.to_string();
    let _ = (error.retry_after(), error.is_retryable());
    if let Some(api) = error.api() {
        let _ = (api.retry_after(), api.retry_at());
    }
    (typed_outcome(error), Some(shown))
}

fn typed_outcome(error: Error) -> Result<Outcome, String> {
    match error {
        Error::Api(api) => Ok(Outcome::Api(api.kind())),
        Error::Transport {
            error,
            may_have_been_applied,
        } => Ok(Outcome::Transport(error.kind(), may_have_been_applied)),
        Error::Decode(_) => Ok(Outcome::Decode),
        other => Err(format!("an error outside the matrix: {other:?}")),
    }
}

fn arm(sim: &Simulator, row: &Row) {
    match (&row.setup, row.shape) {
        (Setup::Fault(fault), Shape::Once) => sim.push_fault(FaultRule::new(fault.clone()).once()),
        (Setup::Fault(fault), Shape::Always) => sim.push_fault(FaultRule::new(fault.clone())),
        (Setup::DailyLimitReached, Shape::Always) => sim.set_daily_limit(Some(0)),
        (Setup::DailyLimitReached, Shape::Once) => {
            panic!("the daily limit cannot be reached for one request only")
        }
    }
}

/// The credentials a cell's client authenticates with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Credentials {
    /// The simulator's static bearer token: no token requests.
    Bearer,
    /// Server-to-Server OAuth against the simulator's token endpoint.
    OAuth,
    /// The Video SDK API's JWT, minted by the client, calling the demo **session**'s
    /// equivalent of the row's call (`GET /videosdk/sessions/{id}/livestream`, or its start).
    VideoSdkJwt,
}

fn async_client(
    sim: &Simulator,
    sleep: &InstantSleep,
    credentials: Credentials,
    timeout: Duration,
) -> Client {
    let transport = ReqwestTransport::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(timeout)
        .max_response_body(BODY_CAP)
        .build()
        .unwrap();
    let builder = Client::builder().transport(transport);
    let builder = match credentials {
        Credentials::Bearer => builder.bearer_token(DEMO_STATIC_TOKEN),
        Credentials::OAuth => builder
            .server_to_server_oauth(DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
            .oauth_base(sim.oauth_base()),
        Credentials::VideoSdkJwt => {
            builder.video_sdk_jwt(DEMO_VIDEO_SDK_API_KEY, DEMO_VIDEO_SDK_API_SECRET)
        }
    };
    builder
        .api_base(sim.base_url())
        .retry_policy(RetryPolicy::default())
        .jitter(Jitter::fixed(0.5))
        .sleeper(sleep.clone())
        .build()
        .unwrap()
}

fn blocking_client(
    sim: &Simulator,
    sleep: &InstantSleep,
    credentials: Credentials,
    timeout: Duration,
) -> zoom_core::blocking::Client {
    let transport = UreqTransport::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(timeout)
        .max_response_body(BODY_CAP)
        .build();
    let builder = zoom_core::blocking::Client::builder().transport(transport);
    let builder = match credentials {
        Credentials::Bearer => builder.bearer_token(DEMO_STATIC_TOKEN),
        Credentials::OAuth => builder
            .server_to_server_oauth(DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
            .oauth_base(sim.oauth_base()),
        Credentials::VideoSdkJwt => {
            builder.video_sdk_jwt(DEMO_VIDEO_SDK_API_KEY, DEMO_VIDEO_SDK_API_SECRET)
        }
    };
    builder
        .api_base(sim.base_url())
        .retry_policy(RetryPolicy::default())
        .jitter(Jitter::fixed(0.5))
        .sleeper(sleep.clone())
        .build()
        .unwrap()
}

/// Runs one row through one pair, on a fresh simulator (so that nothing a previous cell
/// left behind, such as a delayed answer still pending, can touch this one) and a fresh
/// client (so that no pooled connection is shared).
async fn run_cell(row: &Row, pair: Pair) -> Observed {
    let sim = Simulator::start().await.unwrap();
    arm(&sim, row);
    run_call(&sim, row.call, pair, Credentials::Bearer, TIMEOUT).await
}

/// Makes one call through `pair` against an armed simulator, within the hang guard.
async fn run_call(
    sim: &Simulator,
    call: Call,
    pair: Pair,
    credentials: Credentials,
    timeout: Duration,
) -> Observed {
    let sleep = InstantSleep::new();
    let meeting = MeetingId::new(DEMO_MEETING_ID);
    let session = (credentials == Credentials::VideoSdkJwt)
        .then(|| SessionId::parse(DEMO_SESSION_ID).expect("the demo session's id"));
    let (outcome, shown) = match pair {
        Pair::ReqwestAsync => {
            let client = async_client(sim, &sleep, credentials, timeout);
            let task = tokio::spawn(async move {
                let start = LiveStreamStatus::start();
                match (call, session) {
                    (Call::Get, None) => read_outcome(client.meeting_live_stream(meeting).await),
                    (Call::Start, None) => start_outcome(
                        client
                            .update_meeting_live_stream_status(meeting, &start)
                            .await,
                    ),
                    (Call::Get, Some(session)) => {
                        read_outcome(client.session_live_stream(session).await)
                    }
                    (Call::Start, Some(session)) => start_outcome(
                        client
                            .update_session_live_stream_status(session, &start)
                            .await,
                    ),
                }
            });
            let abort = task.abort_handle();
            match tokio::time::timeout(HANG_GUARD, task).await {
                Err(_) => {
                    abort.abort();
                    (
                        Err(format!("no outcome within {HANG_GUARD:?}: a hang")),
                        None,
                    )
                }
                Ok(Err(joined)) => (Err(format!("the call panicked: {joined}")), None),
                Ok(Ok(ended)) => ended,
            }
        }
        Pair::UreqBlocking => {
            let client = blocking_client(sim, &sleep, credentials, timeout);
            let (done, outcome) = tokio::sync::oneshot::channel();
            // A plain thread: a hung call is left behind instead of blocking the runtime.
            std::thread::spawn(move || {
                let start = LiveStreamStatus::start();
                let outcome = match (call, session) {
                    (Call::Get, None) => read_outcome(client.meeting_live_stream(meeting)),
                    (Call::Start, None) => {
                        start_outcome(client.update_meeting_live_stream_status(meeting, &start))
                    }
                    (Call::Get, Some(session)) => read_outcome(client.session_live_stream(session)),
                    (Call::Start, Some(session)) => {
                        start_outcome(client.update_session_live_stream_status(session, &start))
                    }
                };
                let _ = done.send(outcome);
            });
            match tokio::time::timeout(HANG_GUARD, outcome).await {
                Err(_) => (
                    Err(format!("no outcome within {HANG_GUARD:?}: a hang")),
                    None,
                ),
                Ok(Err(_)) => (
                    Err("the call panicked (its thread ended without an outcome)".into()),
                    None,
                ),
                Ok(Ok(ended)) => ended,
            }
        }
    };
    Observed {
        outcome,
        requests: sim.requests().len(),
        waits: sleep.waits(),
        shown,
    }
}

fn cell_name(row: &Row, pair: Pair) -> String {
    format!(
        "{} × {:?} × {} × {}",
        describe_setup(&row.setup),
        row.shape,
        describe_call(row.call),
        pair.name()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_fault_ends_as_its_row_says_on_both_transports() {
    let rows = matrix();
    let mut failures = Vec::new();
    for row in &rows {
        // The two pairs of a row run side by side, each on its own simulator.
        let (reqwest, ureq) = tokio::join!(
            run_cell(row, Pair::ReqwestAsync),
            run_cell(row, Pair::UreqBlocking)
        );
        for (pair, observed) in Pair::ALL.into_iter().zip([reqwest, ureq]) {
            if let Some(problem) = check(row, &observed) {
                failures.push(format!(
                    "{}: {problem}\n    observed {observed:?}",
                    cell_name(row, pair)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cells differ from their row:\n{}",
        failures.len(),
        rows.len() * Pair::ALL.len(),
        failures.join("\n")
    );
}

/// The same rows for a Video SDK session, through clients that sign the Video SDK JWT: the
/// session operations share the call machine (retries, never repeating a start, the 30 s
/// advice, timeouts, body caps), so each cell must end exactly as the meeting's row says,
/// with no token request (the JWT is minted, not fetched).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_fault_ends_the_same_for_a_session_signed_with_the_video_sdk_jwt() {
    let rows = matrix();
    let mut failures = Vec::new();
    for row in &rows {
        let cell = |pair| async move {
            let sim = Simulator::start().await.unwrap();
            arm(&sim, row);
            let observed = run_call(&sim, row.call, pair, Credentials::VideoSdkJwt, TIMEOUT).await;
            let paths: Vec<String> = sim.requests().into_iter().map(|r| r.path).collect();
            (observed, paths)
        };
        let (reqwest, ureq) = tokio::join!(cell(Pair::ReqwestAsync), cell(Pair::UreqBlocking));
        for (pair, (observed, paths)) in Pair::ALL.into_iter().zip([reqwest, ureq]) {
            let mut problem = check(row, &observed);
            if let Some(path) = paths
                .iter()
                .find(|p| !p.starts_with("/v2/videosdk/sessions/"))
            {
                problem = Some(format!("a request to {path}, not the session"));
            }
            if let Some(problem) = problem {
                failures.push(format!(
                    "session: {}: {problem}\n    observed {observed:?}",
                    cell_name(row, pair)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} session cells differ from their row:\n{}",
        failures.len(),
        rows.len() * Pair::ALL.len(),
        failures.join("\n")
    );
}

/// A 401 on a session call: the JWT is minted anew and the call, even a start, repeated
/// once, with no wait; rejected twice, the caller gets the 401.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rejected_video_sdk_jwt_is_minted_anew_once_on_both_transports() {
    for (shape, call, outcome, requests) in [
        (Shape::Once, Call::Get, OK, 2),
        (Shape::Once, Call::Start, OK, 2),
        (
            Shape::Always,
            Call::Get,
            Outcome::Api(ApiErrorKind::Unauthorized),
            2,
        ),
        (
            Shape::Always,
            Call::Start,
            Outcome::Api(ApiErrorKind::Unauthorized),
            2,
        ),
    ] {
        for pair in Pair::ALL {
            let sim = Simulator::start().await.unwrap();
            let rule = FaultRule::new(Fault::Status { status: 401 });
            sim.push_fault(if shape == Shape::Once {
                rule.once()
            } else {
                rule
            });
            let observed = run_call(&sim, call, pair, Credentials::VideoSdkJwt, TIMEOUT).await;
            let what = format!("401 {shape:?} × {} × {}", describe_call(call), pair.name());
            assert_eq!(observed.outcome, Ok(outcome), "{what}: {observed:?}");
            assert_eq!(observed.requests, requests, "{what}: {observed:?}");
            assert!(
                observed.waits.is_empty(),
                "{what}: a 401 is repeated at once"
            );
            assert_eq!(sim.token_requests(), 0, "{what}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// The matrix is complete and well formed
// ---------------------------------------------------------------------------------------

/// A number per `Fault` variant. The match is exhaustive: a new variant does not compile
/// until it is numbered here, and then `every_simulator_fault_is_in_the_matrix` asks for
/// its rows.
fn fault_variant(fault: &Fault) -> usize {
    match fault {
        Fault::RateLimited { .. } => 0,
        Fault::Status { .. } => 1,
        Fault::Delay { .. } => 2,
        Fault::DropBeforeResponse => 3,
        Fault::DropDuringResponse => 4,
        Fault::TruncatedBody => 5,
        Fault::OversizedBody { .. } => 6,
        Fault::InvalidJson => 7,
        Fault::HtmlErrorPage { .. } => 8,
        Fault::TokenExpiresIn { .. } => 9,
        Fault::ControlCharacters { .. } => 10,
        Fault::HugeHeader { .. } => 11,
        Fault::ManyHeaders { .. } => 12,
    }
}
const FAULT_VARIANTS: usize = 13;

/// A number per `RetryAfterForm` (exhaustive, like [`fault_variant`]).
fn retry_after_form(form: &RetryAfterForm) -> usize {
    match form {
        RetryAfterForm::Seconds { .. } => 0,
        RetryAfterForm::HttpDate { .. } => 1,
        RetryAfterForm::Iso8601 { .. } => 2,
        RetryAfterForm::NoHeaders => 3,
        RetryAfterForm::Raw { .. } => 4,
    }
}
const RETRY_AFTER_FORMS: usize = 5;

#[test]
fn every_simulator_fault_is_in_the_matrix() {
    let rows = matrix();
    let hostile_rows = hostile();
    let faults: Vec<&Fault> = rows
        .iter()
        .filter_map(|row| match &row.setup {
            Setup::Fault(fault) => Some(fault),
            Setup::DailyLimitReached => None,
        })
        .chain(hostile_rows.iter().map(|row| &row.fault))
        .collect();
    let variants: BTreeSet<usize> = faults.iter().map(|f| fault_variant(f)).collect();
    assert_eq!(variants, (0..FAULT_VARIANTS).collect());
    let forms: BTreeSet<usize> = faults
        .iter()
        .filter_map(|f| match f {
            Fault::RateLimited { retry_after } => Some(retry_after_form(retry_after)),
            _ => None,
        })
        .collect();
    assert_eq!(forms, (0..RETRY_AFTER_FORMS).collect());
    for status in [500, 502, 503, 504] {
        assert!(faults.contains(&&Fault::Status { status }), "{status}");
    }
    assert!(faults.contains(&&Fault::Delay { millis: SLOW }));

    // Each fault appears for both calls in both shapes (the daily limit only always), once.
    let mut cells = BTreeSet::new();
    for row in &rows {
        assert!(
            cells.insert((describe_setup(&row.setup), row.shape, row.call)),
            "a second row for {row:?}"
        );
        assert!(row.requests >= 1 && row.requests <= 4, "{row:?}");
    }
    for row in &rows {
        for call in [Call::Get, Call::Start] {
            for shape in [Shape::Once, Shape::Always] {
                let wanted = (describe_setup(&row.setup), shape, call);
                let optional = row.setup == Setup::DailyLimitReached && shape == Shape::Once;
                assert!(optional || cells.contains(&wanted), "no row for {wanted:?}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The table in docs/RELIABILITY.md
// ---------------------------------------------------------------------------------------

const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/RELIABILITY.md");
const START_MARKER: &str = "<!-- fault-matrix:start -->";
const END_MARKER: &str = "<!-- fault-matrix:end -->";

fn describe_setup(setup: &Setup) -> String {
    let fault = match setup {
        Setup::DailyLimitReached => {
            return "429, daily limit used up (`X-RateLimit-Type: Daily-limit`, `Retry-After` next UTC midnight)".into();
        }
        Setup::Fault(fault) => fault,
    };
    match fault {
        Fault::RateLimited { retry_after } => match retry_after {
            RetryAfterForm::Seconds { seconds } => format!("429, `Retry-After: {seconds}`"),
            // The simulator sends its last date for "u64::MAX seconds from now".
            RetryAfterForm::HttpDate {
                seconds_from_now: u64::MAX,
            } => "429, `Retry-After: Fri, 31 Dec 9999 23:59:59 GMT`".into(),
            RetryAfterForm::Iso8601 {
                seconds_from_now: u64::MAX,
            } => "429, `Retry-After: 9999-12-31T23:59:59Z`".into(),
            RetryAfterForm::HttpDate { seconds_from_now } => {
                format!("429, `Retry-After` as an HTTP date {seconds_from_now} s ahead")
            }
            RetryAfterForm::Iso8601 { seconds_from_now } => {
                format!("429, `Retry-After` as an ISO 8601 date {seconds_from_now} s ahead")
            }
            RetryAfterForm::NoHeaders => "429 without `Retry-After` or rate-limit headers".into(),
            RetryAfterForm::Raw { value } => format!("429, `Retry-After: {value}`"),
        },
        Fault::Status { status } => format!("HTTP {status} with Zoom's JSON error body"),
        Fault::Delay { millis } => format!("answer delayed {millis} ms"),
        Fault::DropBeforeResponse => "connection closed before any answer".into(),
        Fault::DropDuringResponse => "connection closed halfway through the body".into(),
        Fault::TruncatedBody => "200 with its JSON body cut in half".into(),
        Fault::OversizedBody { bytes } => format!("200 with a {} KiB body", bytes / 1024),
        Fault::InvalidJson => "200 `application/json` with invalid JSON".into(),
        Fault::HtmlErrorPage { status } => format!("HTTP {status} HTML page from a proxy"),
        Fault::TokenExpiresIn { expires_in } => {
            format!("token answer with `expires_in: {expires_in}`")
        }
        Fault::ControlCharacters { status, json } => format!(
            "HTTP {status} whose {} holds `\\n`, ESC sequences and BEL",
            if *json { "JSON `message`" } else { "text body" }
        ),
        Fault::HugeHeader { bytes } => format!("200 with a {} KiB header", bytes / 1024),
        Fault::ManyHeaders { count } => format!("200 with {count} headers"),
    }
}

fn describe_call(call: Call) -> &'static str {
    match call {
        Call::Get => "read (`GET`)",
        Call::Start => "start (`PATCH …/status`)",
    }
}

fn describe_outcome(outcome: Outcome, requests: usize) -> String {
    let repeats = match requests {
        1 => "not repeated".to_owned(),
        n => format!("after {n} attempts"),
    };
    match outcome {
        Outcome::Success if requests == 1 => "success".into(),
        Outcome::Success if requests == 2 => "success after 1 retry".into(),
        Outcome::Success => format!("success after {} retries", requests - 1),
        Outcome::Api(kind) => format!("`Api` `{kind:?}`, {repeats}"),
        Outcome::Transport(kind, false) => format!("`Transport` `{kind:?}`, {repeats}"),
        Outcome::Transport(kind, true) => {
            format!("`Transport` `{kind:?}`, **may have been applied**, {repeats}")
        }
        Outcome::Decode => format!("`Decode`, {repeats}"),
    }
}

/// The generated section, markers excluded.
fn generated_table() -> String {
    let rows = matrix();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- Generated from the rows of zoom-testkit/tests/fault_matrix.rs; do not edit by hand. -->"
    );
    let _ = writeln!(
        out,
        "Checked on every test run, through reqwest with the async `Client` and through ureq \
         with `blocking::Client` (both must agree), with the default `RetryPolicy`, a transport \
         timeout of {} ms and a body cap of {} KiB. \"Once\": only the next request fails, then \
         Zoom answers normally. \"Always\": every request fails.",
        TIMEOUT.as_millis(),
        BODY_CAP / 1024
    );
    out.push('\n');
    out.push_str("| What Zoom (or the network) does | Call | Once | Always |\n");
    out.push_str("|---|---|---|---|\n");
    let mut seen: Vec<(Setup, Call)> = Vec::new();
    for row in &rows {
        let key = (row.setup.clone(), row.call);
        if seen.contains(&key) {
            continue;
        }
        let cell = |shape| {
            rows.iter()
                .find(|r| r.setup == row.setup && r.call == row.call && r.shape == shape)
                .map_or_else(
                    || "—".to_owned(),
                    |r| describe_outcome(r.outcome, r.requests),
                )
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            describe_setup(&row.setup),
            describe_call(row.call),
            cell(Shape::Once),
            cell(Shape::Always)
        );
        seen.push(key);
    }
    out.push('\n');
    out.push_str(&hostile_table());
    out
}

#[test]
fn reliability_md_shows_the_matrix() {
    let doc = std::fs::read_to_string(DOC).unwrap_or_else(|e| panic!("{DOC}: {e}"));
    let (Some(start), Some(end)) = (doc.find(START_MARKER), doc.find(END_MARKER)) else {
        panic!("{DOC} lacks the markers {START_MARKER} and {END_MARKER}");
    };
    assert!(start < end, "{DOC}: the markers are out of order");
    let body_start = start + START_MARKER.len();
    let current = doc[body_start..end].trim_matches('\n');
    let generated = generated_table();
    if current == generated.trim_matches('\n') {
        return;
    }
    if std::env::var_os("UPDATE_RELIABILITY_MD").is_some_and(|v| v == "1") {
        let updated = format!("{}\n{generated}{}", &doc[..body_start], &doc[end..]);
        std::fs::write(DOC, updated).unwrap_or_else(|e| panic!("{DOC}: {e}"));
        eprintln!("rewrote the fault matrix in {DOC}");
        return;
    }
    panic!(
        "the fault-matrix table in docs/RELIABILITY.md differs from the rows of \
         zoom-testkit/tests/fault_matrix.rs.\nRegenerate it with\n\n    \
         UPDATE_RELIABILITY_MD=1 cargo test -p zoom-testkit --test fault_matrix\n\n\
         and review the diff.\n--- generated ---\n{generated}"
    );
}

// ---------------------------------------------------------------------------------------
// Hostile answers: what a malicious or broken server could send (issue 8)
// ---------------------------------------------------------------------------------------

/// A 1 MiB header.
const HUGE_HEADER: usize = 1024 * 1024;
/// Headers in the many-headers answer.
const MANY_HEADERS: usize = 10_000;
/// The transports' timeout in hostile cells: long enough for the simulator to write 10,000
/// headers on a loaded machine (a debug build needs over a second), so that the cell shows
/// what the client makes of them rather than a timeout.
const HOSTILE_TIMEOUT: Duration = Duration::from_secs(10);
const _: () = assert!(HOSTILE_TIMEOUT.as_secs() * 2 < HANG_GUARD.as_secs());

/// What a hostile cell must end with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// This outcome after this many requests (token requests included).
    Exactly(Outcome, usize),
    /// A broken answer (a protocol violation): a `Transport` error, not repeated, of the
    /// same kind and with the same `may_have_been_applied` on both transports.
    ProtocolViolation,
}

/// The groups of hostile rows, one test each (so that a group can be ignored on its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    RetryAfterMax,
    RetryAfterFarDates,
    RetryAfterBadOffset,
    HugeTokenLifetime,
    ZeroTokenLifetime,
    ControlCharacters,
    OverlongHeaders,
}

/// One hostile cell, run through both pairs; besides its outcome, no error it produces may
/// show a control character (they are escaped or dropped).
#[derive(Debug, Clone)]
struct HostileRow {
    group: Group,
    fault: Fault,
    /// The fault rule's `path_prefix` (`None`: every path).
    path: Option<&'static str>,
    credentials: Credentials,
    shape: Shape,
    call: Call,
    expect: Expect,
}

fn hostile() -> Vec<HostileRow> {
    use Call::{Get, Start};
    use Credentials::{Bearer, OAuth};
    use Expect::{Exactly, ProtocolViolation};
    use Shape::{Always, Once};
    let row = |group, fault, credentials, shape, call, expect| HostileRow {
        group,
        path: (credentials == OAuth).then_some("/oauth/token"),
        fault,
        credentials,
        shape,
        call,
        expect,
    };
    let retry_after = |form| Fault::RateLimited { retry_after: form };
    let max = || retry_after(RetryAfterForm::Seconds { seconds: u64::MAX });
    let http_date = || {
        retry_after(RetryAfterForm::HttpDate {
            seconds_from_now: u64::MAX,
        })
    };
    let iso = || {
        retry_after(RetryAfterForm::Iso8601 {
            seconds_from_now: u64::MAX,
        })
    };
    let bad_offset = || {
        retry_after(RetryAfterForm::Raw {
            value: "9999-12-31T23:59:59-99:99".into(),
        })
    };
    let lifetime = |expires_in| Fault::TokenExpiresIn { expires_in };
    let control = |json| Fault::ControlCharacters { status: 500, json };
    let huge = || Fault::HugeHeader { bytes: HUGE_HEADER };
    let many = || Fault::ManyHeaders {
        count: MANY_HEADERS,
    };
    use Group::*;
    vec![
        // "Come back in 584 billion years": beyond the retry budget, returned at once.
        row(
            RetryAfterMax,
            max(),
            Bearer,
            Always,
            Get,
            Exactly(RATE_LIMITED, 1),
        ),
        row(
            RetryAfterMax,
            max(),
            Bearer,
            Always,
            Start,
            Exactly(RATE_LIMITED, 1),
        ),
        row(
            RetryAfterFarDates,
            http_date(),
            Bearer,
            Always,
            Get,
            Exactly(RATE_LIMITED, 1),
        ),
        row(
            RetryAfterFarDates,
            http_date(),
            Bearer,
            Always,
            Start,
            Exactly(RATE_LIMITED, 1),
        ),
        row(
            RetryAfterFarDates,
            iso(),
            Bearer,
            Always,
            Get,
            Exactly(RATE_LIMITED, 1),
        ),
        row(
            RetryAfterFarDates,
            iso(),
            Bearer,
            Always,
            Start,
            Exactly(RATE_LIMITED, 1),
        ),
        // An offset of -99:99 is no offset: the header is malformed, so it is ignored and
        // the read backs off as after a bare 429.
        row(
            RetryAfterBadOffset,
            bad_offset(),
            Bearer,
            Once,
            Get,
            Exactly(OK, 2),
        ),
        row(
            RetryAfterBadOffset,
            bad_offset(),
            Bearer,
            Always,
            Get,
            Exactly(RATE_LIMITED, 4),
        ),
        row(
            RetryAfterBadOffset,
            bad_offset(),
            Bearer,
            Always,
            Start,
            Exactly(RATE_LIMITED, 1),
        ),
        // Token lifetimes: the call goes ahead with the token (1 token request + the call).
        row(
            HugeTokenLifetime,
            lifetime(u64::MAX),
            OAuth,
            Always,
            Get,
            Exactly(OK, 2),
        ),
        row(
            HugeTokenLifetime,
            lifetime(u64::MAX),
            OAuth,
            Always,
            Start,
            Exactly(OK, 2),
        ),
        row(
            ZeroTokenLifetime,
            lifetime(0),
            OAuth,
            Always,
            Get,
            Exactly(OK, 2),
        ),
        row(
            ZeroTokenLifetime,
            lifetime(0),
            OAuth,
            Always,
            Start,
            Exactly(OK, 2),
        ),
        // Control characters in what Zoom says: typed as usual, never shown raw.
        row(
            ControlCharacters,
            control(true),
            Bearer,
            Always,
            Get,
            Exactly(SERVER_ERROR, 4),
        ),
        row(
            ControlCharacters,
            control(true),
            Bearer,
            Always,
            Start,
            Exactly(SERVER_ERROR, 1),
        ),
        row(
            ControlCharacters,
            control(false),
            Bearer,
            Always,
            Get,
            Exactly(SERVER_ERROR, 4),
        ),
        row(
            ControlCharacters,
            control(false),
            Bearer,
            Always,
            Start,
            Exactly(SERVER_ERROR, 1),
        ),
        // Headers no HTTP client should accept: the same on both transports, not repeated.
        row(
            OverlongHeaders,
            huge(),
            Bearer,
            Always,
            Get,
            ProtocolViolation,
        ),
        row(
            OverlongHeaders,
            huge(),
            Bearer,
            Always,
            Start,
            ProtocolViolation,
        ),
        row(
            OverlongHeaders,
            many(),
            Bearer,
            Always,
            Get,
            ProtocolViolation,
        ),
        row(
            OverlongHeaders,
            many(),
            Bearer,
            Always,
            Start,
            ProtocolViolation,
        ),
    ]
}

async fn run_hostile_cell(row: &HostileRow, pair: Pair) -> Observed {
    let sim = Simulator::start().await.unwrap();
    let mut rule = FaultRule::new(row.fault.clone());
    if let Some(path) = row.path {
        rule = rule.path(path);
    }
    if row.shape == Shape::Once {
        rule = rule.once();
    }
    sim.push_fault(rule);
    run_call(&sim, row.call, pair, row.credentials, HOSTILE_TIMEOUT).await
}

/// What is wrong with a hostile cell, given what the other pair observed.
fn check_hostile(row: &HostileRow, observed: &Observed, other: &Observed) -> Option<String> {
    let mut problems = Vec::new();
    match row.expect {
        Expect::Exactly(outcome, requests) => {
            let as_row = Row {
                setup: Setup::Fault(row.fault.clone()),
                shape: row.shape,
                call: row.call,
                outcome,
                requests,
            };
            let waits_checked = row.credentials == Credentials::Bearer;
            if let Some(problem) = check(&as_row, observed).filter(|_| waits_checked) {
                problems.push(problem);
            } else if observed.outcome != Ok(outcome) || observed.requests != requests {
                problems.push(format!(
                    "expected {outcome:?} after {requests} requests, observed {:?} after {}",
                    observed.outcome, observed.requests
                ));
            }
        }
        Expect::ProtocolViolation => {
            if !matches!(observed.outcome, Ok(Outcome::Transport(..))) {
                problems.push(format!(
                    "expected a transport error, observed {:?}",
                    observed.outcome
                ));
            }
            if observed.requests != 1 {
                problems.push(format!("repeated: {} requests", observed.requests));
            }
            if observed.outcome != other.outcome {
                problems.push(format!(
                    "the transports disagree: {:?} here, {:?} on the other",
                    observed.outcome, other.outcome
                ));
            }
        }
    }
    if let Some(shown) = &observed.shown
        && shown.chars().any(char::is_control)
    {
        problems.push(format!("the error shows control characters: {shown:?}"));
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

async fn run_hostile(group: Group) {
    let rows: Vec<HostileRow> = hostile().into_iter().filter(|r| r.group == group).collect();
    assert!(!rows.is_empty(), "no rows for {group:?}");
    let mut failures = Vec::new();
    for row in &rows {
        let (reqwest, ureq) = tokio::join!(
            run_hostile_cell(row, Pair::ReqwestAsync),
            run_hostile_cell(row, Pair::UreqBlocking)
        );
        let problems = [
            (
                Pair::ReqwestAsync,
                check_hostile(row, &reqwest, &ureq),
                &reqwest,
            ),
            (
                Pair::UreqBlocking,
                check_hostile(row, &ureq, &reqwest),
                &ureq,
            ),
        ];
        for (pair, problem, observed) in problems {
            if let Some(problem) = problem {
                failures.push(format!(
                    "{} × {:?} × {} × {}: {problem}\n    observed {observed:?}",
                    describe_setup(&Setup::Fault(row.fault.clone())),
                    row.shape,
                    describe_call(row.call),
                    pair.name()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} hostile cells failed:\n{}",
        failures.len(),
        rows.len() * Pair::ALL.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn retry_after_u64_max_is_come_back_later() {
    run_hostile(Group::RetryAfterMax).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn retry_after_dates_in_year_9999_are_come_back_later() {
    run_hostile(Group::RetryAfterFarDates).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_retry_after_offset_past_18_hours_is_ignored() {
    run_hostile(Group::RetryAfterBadOffset).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_token_lifetime_of_u64_max_is_clamped() {
    run_hostile(Group::HugeTokenLifetime).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_token_lifetime_of_zero_still_serves_the_call() {
    run_hostile(Group::ZeroTokenLifetime).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn control_characters_from_the_server_are_never_shown_raw() {
    run_hostile(Group::ControlCharacters).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn overlong_headers_are_one_protocol_violation_on_both_transports() {
    run_hostile(Group::OverlongHeaders).await;
}

#[test]
fn every_hostile_group_has_rows() {
    let groups = [
        Group::RetryAfterMax,
        Group::RetryAfterFarDates,
        Group::RetryAfterBadOffset,
        Group::HugeTokenLifetime,
        Group::ZeroTokenLifetime,
        Group::ControlCharacters,
        Group::OverlongHeaders,
    ];
    let rows = hostile();
    for group in groups {
        assert!(rows.iter().any(|r| r.group == group), "{group:?}");
    }
    assert!(rows.iter().all(|r| groups.contains(&r.group)));
}

fn describe_expect(row: &HostileRow) -> String {
    match row.expect {
        // One request was the token request.
        Expect::Exactly(Outcome::Success, 2) if row.credentials == Credentials::OAuth => {
            "success (one token request, then the call)".into()
        }
        Expect::Exactly(outcome, requests) => describe_outcome(outcome, requests),
        Expect::ProtocolViolation => {
            "`Transport`, the same kind on both transports, not repeated".into()
        }
    }
}

/// The hostile rows as a table (part of the generated section of docs/RELIABILITY.md).
fn hostile_table() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Hostile answers (issue 8), through both pairs as above; no call may panic or hang, \
         and no error may show a control character. Token rows authenticate with \
         Server-to-Server OAuth against the simulator's token endpoint, the others with a \
         static token."
    );
    out.push('\n');
    out.push_str("| What a hostile server does | Call | Shape | Outcome |\n");
    out.push_str("|---|---|---|---|\n");
    for row in hostile() {
        let _ = writeln!(
            out,
            "| {} | {} | {:?} | {} |",
            describe_setup(&Setup::Fault(row.fault.clone())),
            describe_call(row.call),
            row.shape,
            describe_expect(&row)
        );
    }
    out
}
