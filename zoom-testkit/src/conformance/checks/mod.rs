//! The checks, written once for both runners: each sets the simulator up, builds one
//! request and judges what the transport answered (and what reached the simulator).

mod bodies;
mod failures;
mod requests;
mod sessions;
mod statuses;

use zoom_core::{HttpRequest, http};

use super::Expectations;
use super::expect::{self, Answer};
use crate::simulator::{
    DEMO_MEETING_ID, DEMO_STATIC_TOKEN, Fault, FaultRule, ReceivedRequest, SimStream,
    SimulatorControl,
};

/// `Content-Type` of the simulator's JSON answers.
const JSON: &str = "application/json;charset=UTF-8";

/// Where the checks send their requests.
pub(super) struct Env {
    /// The simulator's API base, `http://127.0.0.1:PORT/v2`.
    pub(super) base_url: String,
    /// The suite's own server, `http://127.0.0.1:PORT`: `/redirect` answers a 302 to the
    /// demo meeting, `/chunked/{n}` a chunked body of [`padded_json`]`(n)`.
    pub(super) loopback: String,
    /// A port on 127.0.0.1 where nothing listens.
    pub(super) refused_url: String,
    /// What the transport was configured with.
    pub(super) expectations: Expectations,
}

type Setup = Box<dyn Fn(&SimulatorControl, &Expectations) + Send + Sync>;
type Build = Box<dyn Fn(&Env) -> HttpRequest + Send + Sync>;
type Judge = Box<dyn Fn(&Answer, &[ReceivedRequest], &Env) -> Result<(), String> + Send + Sync>;

/// One check: one request against a freshly reset simulator.
pub(super) struct Check {
    pub(super) name: &'static str,
    pub(super) proves: &'static str,
    /// Why the check does not apply to these expectations, if it does not.
    pub(super) skip: fn(&Expectations) -> Option<String>,
    pub(super) setup: Setup,
    pub(super) request: Build,
    /// How many requests must reach the simulator (a transport sends each exactly once).
    arrivals: usize,
    expect: Judge,
}

impl Check {
    /// A check sending the demo GET and expecting nothing yet.
    fn new(name: &'static str, proves: &'static str) -> Self {
        Self {
            name,
            proves,
            skip: |_| None,
            setup: Box::new(|_, _| {}),
            request: Box::new(demo_get),
            arrivals: 1,
            expect: Box::new(|_, _, _| Ok(())),
        }
    }

    /// The next matching request meets `fault`.
    fn fault(self, fault: Fault) -> Self {
        self.setup(move |sim, _| sim.push_fault(FaultRule::new(fault.clone()).once()))
    }

    /// Sets the simulator up (after the reset) with what the run expects.
    fn setup(
        mut self,
        setup: impl Fn(&SimulatorControl, &Expectations) + Send + Sync + 'static,
    ) -> Self {
        self.setup = Box::new(setup);
        self
    }

    /// Skips the check when `skip` gives a reason.
    fn skip(mut self, skip: fn(&Expectations) -> Option<String>) -> Self {
        self.skip = skip;
        self
    }

    fn request(mut self, build: impl Fn(&Env) -> HttpRequest + Send + Sync + 'static) -> Self {
        self.request = Box::new(build);
        self
    }

    fn arrivals(mut self, n: usize) -> Self {
        self.arrivals = n;
        self
    }

    /// Judges the answer alone.
    fn expect(
        mut self,
        judge: impl Fn(&Answer) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.expect = Box::new(move |answer, _, _| judge(answer));
        self
    }

    /// Judges the answer with what reached the simulator and the run's settings.
    fn expect_with(
        mut self,
        judge: fn(&Answer, &[ReceivedRequest], &Env) -> Result<(), String>,
    ) -> Self {
        self.expect = Box::new(judge);
        self
    }

    /// Every problem with this exchange, one a line.
    pub(super) fn judge(
        &self,
        answer: &Answer,
        received: &[ReceivedRequest],
        env: &Env,
    ) -> Result<(), String> {
        let mut problems = Vec::new();
        if received.len() != self.arrivals {
            problems.push(format!(
                "{} request(s) reached the server, expected {} (a transport sends each request \
                 exactly once: no retries, no redirects followed)",
                received.len(),
                self.arrivals
            ));
        }
        if let Err(problem) = (self.expect)(answer, received, env) {
            problems.push(problem);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }
}

/// The `Authorization` of the simulator's static token.
fn bearer() -> String {
    format!("Bearer {DEMO_STATIC_TOKEN}")
}

/// The demo meeting's live-stream URL under `base_url`.
pub(super) fn demo_url(base_url: &str) -> String {
    format!("{base_url}/meetings/{DEMO_MEETING_ID}/livestream")
}

/// An authorized GET of `url`.
fn get(url: &str) -> HttpRequest {
    http::Request::get(url)
        .header("authorization", bearer())
        .header("accept", "application/json")
        .body(Vec::new())
        .expect("a valid request")
}

fn demo_get(env: &Env) -> HttpRequest {
    get(&demo_url(&env.base_url))
}

/// The bytes the simulator serves for the demo meeting's GET.
fn demo_body() -> Vec<u8> {
    serde_json::to_value(SimStream::demo())
        .map(|v| v.to_string().into_bytes())
        .unwrap_or_default()
}

/// The simulator's body of an [`Fault::OversizedBody`] of `size` bytes.
pub(super) fn padded_json(size: usize) -> Vec<u8> {
    crate::simulator::padded_json(size).to_vec()
}

/// A header as it reached the simulator.
fn arrived(request: &ReceivedRequest, name: &str, expected: &str) -> Result<(), String> {
    match request.header(name) {
        Some(value) => expect::same(
            &format!("request header `{name}` as received"),
            value,
            expected,
        ),
        None => Err(format!("request header `{name}` did not reach the server")),
    }
}

fn first(received: &[ReceivedRequest]) -> Result<&ReceivedRequest, String> {
    received
        .first()
        .ok_or_else(|| "the request did not reach the server".to_owned())
}

/// Every check, in the order they run.
pub(super) fn all() -> Vec<Check> {
    let mut checks = requests::all();
    checks.extend(sessions::all());
    checks.extend(statuses::all());
    checks.extend(bodies::all());
    checks.extend(failures::all());
    checks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let checks = all();
        let mut names: Vec<&str> = checks.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), checks.len());
    }
}
