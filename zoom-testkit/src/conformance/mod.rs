//! A conformance suite for [`Transport`]s and [`BlockingTransport`]s, run against the
//! [simulator](crate::simulator).
//!
//! Behind the crate's `simulator` feature, like the simulator itself: every check sets the
//! simulator up and judges what reached it.
//!
//! ```no_run
//! use std::time::Duration;
//! use zoom_testkit::conformance::{self, Expectations};
//! use zoom_transport_ureq::UreqTransport;
//!
//! // Configure the transport under test with a short timeout and a small body cap, and tell
//! // the suite what you configured: it provokes both limits.
//! let transport = UreqTransport::builder()
//!     .timeout(Duration::from_millis(500))
//!     .max_response_body(64 * 1024)
//!     .build();
//! let expectations = Expectations::new(64 * 1024, Duration::from_millis(500));
//! conformance::run_blocking(&transport, expectations).assert_passed();
//! ```
//!
//! An async transport runs through [`run_async`] the same way, from inside any async test
//! (`#[tokio::test]` or another runtime: the simulator runs on its own thread).
//!
//! # What it checks
//!
//! The transport contract of [`zoom_core::Transport`]: every HTTP status (4xx and 5xx
//! included) is `Ok(response)` with status, headers and body unchanged; the request goes
//! out unchanged and exactly once (no retries, no redirects followed); only a failure to
//! talk is an error, of the truthful [`TransportErrorKind`]. Each check sends one request
//! to a freshly reset simulator (state, faults and recorded requests) or, for a redirect,
//! a chunked body and answers that break HTTP, to a little server of the suite's own.
//! [`checks()`] lists the checks and what each proves; a [`Report`] names every failed
//! check with its reason.
//!
//! | provoked | required answer |
//! |---|---|
//! | 200, 204, 400, 401, 404, 429 (every `Retry-After` form), 500–504, an HTML 502, a cut or invalid JSON body, a 302 | `Ok` with that status, headers and body |
//! | a Video SDK session request: a JWT bearer, a session id encoded twice (`%252F`), a UTF-8 JSON body | sent byte for byte (path neither decoded nor normalised); `Ok` with the answer, an expired JWT's 401 included |
//! | connection closed before or during the answer | `Err`, kind `Io` (not `Connect`: the request left) |
//! | body of `max_response_body + 1` bytes, with or without `Content-Length` | `Err`, kind `BodyTooLarge` (exactly `max_response_body` bytes is `Ok`) |
//! | answer delayed by `timeout` + 2 s | `Err`, kind `Timeout` |
//! | a port nothing listens on | `Err`, kind `Connect` |
//! | an answer with a 1 MB header, or with 10,000 headers | `Err`, kind `Protocol` |
//!
//! A run takes a little longer than `timeout` (it waits for the timeout once). Connection
//! reuse is not checked: the simulator cannot observe it.
//!
//! [`TransportErrorKind`]: zoom_core::TransportErrorKind

mod checks;
mod expect;
mod loopback;
mod report;

use std::time::{Duration, Instant};

use zoom_core::{BlockingTransport, HttpRequest, HttpResponse, Transport, TransportError};

use crate::simulator::BlockingSimulator;

pub use report::{CheckOutcome, Report, Verdict};

use checks::{Check, Env};
use loopback::LoopbackServer;

/// What the transport under test was configured with, so the suite can provoke its limits.
///
/// There is no `Default`: the shipped transports' defaults (4 MiB, 30 s) would make the
/// timeout check wait 30 s. Build the transport with a short timeout (500 ms is plenty on
/// loopback) and a small cap, and pass the same values here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Expectations {
    /// The largest response body the transport accepts, in bytes.
    pub max_response_body: usize,
    /// The transport's whole-call timeout.
    pub timeout: Duration,
}

impl Expectations {
    /// The transport accepts bodies up to `max_response_body` bytes and gives up on a call
    /// after `timeout`.
    pub fn new(max_response_body: usize, timeout: Duration) -> Self {
        Self {
            max_response_body,
            timeout,
        }
    }
}

/// The name of every check and what it proves, in the order they run.
pub fn checks() -> Vec<(&'static str, &'static str)> {
    checks::all()
        .iter()
        .map(|check| (check.name, check.proves))
        .collect()
}

/// Runs every check through an async `transport` and reports the outcome of each.
///
/// # Panics
///
/// If the simulator or the suite's little loopback server cannot start on 127.0.0.1.
pub async fn run_async<T: Transport + ?Sized>(transport: &T, expectations: Expectations) -> Report {
    let mut suite = Suite::start(std::any::type_name::<T>(), expectations);
    for check in checks::all() {
        if let Some(request) = suite.prepare(&check) {
            let started = Instant::now();
            let result = transport.send(request).await;
            suite.judge(&check, &result, started.elapsed());
        }
    }
    suite.finish()
}

/// Runs every check through a blocking `transport` and reports the outcome of each.
///
/// # Panics
///
/// If the simulator or the suite's little loopback server cannot start on 127.0.0.1.
pub fn run_blocking<T: BlockingTransport + ?Sized>(
    transport: &T,
    expectations: Expectations,
) -> Report {
    let mut suite = Suite::start(std::any::type_name::<T>(), expectations);
    for check in checks::all() {
        if let Some(request) = suite.prepare(&check) {
            let started = Instant::now();
            let result = transport.send(request);
            suite.judge(&check, &result, started.elapsed());
        }
    }
    suite.finish()
}

/// The servers of one run and the outcomes so far; both runners drive it.
struct Suite {
    simulator: BlockingSimulator,
    // Kept alive for the run; stopped when dropped.
    _loopback: LoopbackServer,
    env: Env,
    report: Report,
}

impl Suite {
    fn start(transport: &'static str, expectations: Expectations) -> Self {
        let simulator =
            BlockingSimulator::start().expect("conformance: could not start the simulator");
        let loopback =
            LoopbackServer::start(checks::demo_url(&simulator.base_url()), checks::padded_json)
                .expect("conformance: could not start the loopback server");
        let env = Env {
            base_url: simulator.base_url(),
            loopback: loopback.origin(),
            refused_url: refused_url(),
            expectations,
        };
        Self {
            simulator,
            _loopback: loopback,
            env,
            report: Report::new(transport, expectations),
        }
    }

    /// Resets the simulator and sets `check` up; `None` when the check does not apply.
    fn prepare(&mut self, check: &Check) -> Option<HttpRequest> {
        self.simulator.reset();
        if let Some(reason) = (check.skip)(&self.env.expectations) {
            self.report
                .push(check, Verdict::Skipped(reason), Duration::ZERO);
            return None;
        }
        (check.setup)(&self.simulator, &self.env.expectations);
        Some((check.request)(&self.env))
    }

    fn judge(
        &mut self,
        check: &Check,
        result: &Result<HttpResponse, TransportError>,
        elapsed: Duration,
    ) {
        let received = self.simulator.requests();
        let verdict = match check.judge(result, &received, &self.env) {
            Ok(()) => Verdict::Passed,
            Err(reason) => Verdict::Failed(reason),
        };
        self.report.push(check, verdict, elapsed);
    }

    fn finish(self) -> Report {
        self.report
    }
}

/// A URL on 127.0.0.1 where nothing listens (a port just bound and released).
fn refused_url() -> String {
    let port = std::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("conformance: could not pick a free port");
    format!("http://127.0.0.1:{port}/v2/meetings/1/livestream")
}
