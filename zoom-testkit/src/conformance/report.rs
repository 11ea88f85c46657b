//! [`Report`]: the outcome of every check of a run.

use std::fmt;
use std::time::Duration;

use super::Expectations;
use super::checks::Check;

/// How one check went.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// The transport behaved as the contract requires.
    Passed,
    /// It did not; the text says what was expected and what came back.
    Failed(String),
    /// The check does not apply to these [`Expectations`]; the text says why.
    Skipped(String),
}

/// The outcome of one check.
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    name: &'static str,
    proves: &'static str,
    verdict: Verdict,
    elapsed: Duration,
}

impl CheckOutcome {
    /// The check's name, e.g. `status_503_passes_through`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// What the check proves when it passes.
    pub fn proves(&self) -> &'static str {
        self.proves
    }

    /// How it went.
    pub fn verdict(&self) -> &Verdict {
        &self.verdict
    }

    /// Whether it failed.
    pub fn failed(&self) -> bool {
        matches!(self.verdict, Verdict::Failed(_))
    }

    /// How long the transport took to answer (for information only).
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

/// The outcome of every check of a run, in the order they ran.
///
/// Its `Display` lists the failed checks with their reasons;
/// [`assert_passed`](Report::assert_passed) panics with that text.
#[derive(Debug, Clone)]
pub struct Report {
    transport: &'static str,
    expectations: Expectations,
    outcomes: Vec<CheckOutcome>,
}

impl Report {
    pub(super) fn new(transport: &'static str, expectations: Expectations) -> Self {
        Self {
            transport,
            expectations,
            outcomes: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, check: &Check, verdict: Verdict, elapsed: Duration) {
        self.outcomes.push(CheckOutcome {
            name: check.name,
            proves: check.proves,
            verdict,
            elapsed,
        });
    }

    /// The type name of the transport under test.
    pub fn transport(&self) -> &'static str {
        self.transport
    }

    /// Every check's outcome, in the order they ran.
    pub fn outcomes(&self) -> &[CheckOutcome] {
        &self.outcomes
    }

    /// The outcome of the check called `name`.
    pub fn outcome(&self, name: &str) -> Option<&CheckOutcome> {
        self.outcomes.iter().find(|o| o.name == name)
    }

    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &CheckOutcome> {
        self.outcomes.iter().filter(|o| o.failed())
    }

    /// Whether no check failed (skipped checks do not count as failures).
    pub fn passed(&self) -> bool {
        self.failures().next().is_none()
    }

    /// Panics, listing every failed check and why, unless all passed.
    #[track_caller]
    pub fn assert_passed(&self) {
        self.assert_passed_except(&[]);
    }

    /// Like [`assert_passed`](Report::assert_passed), but tolerates the failure of the
    /// checks named in `allowed` (for a transport that knowingly lacks, say, a body cap).
    ///
    /// # Panics
    ///
    /// Also if `allowed` names a check that does not exist.
    #[track_caller]
    pub fn assert_passed_except(&self, allowed: &[&str]) {
        let unknown: Vec<&str> = allowed
            .iter()
            .copied()
            .filter(|name| self.outcome(name).is_none())
            .collect();
        assert!(
            unknown.is_empty(),
            "conformance: no check is called {unknown:?}; the checks are {:?}",
            self.outcomes.iter().map(|o| o.name).collect::<Vec<_>>()
        );
        let failed = self
            .failures()
            .any(|outcome| !allowed.contains(&outcome.name));
        if failed {
            panic!("{self}");
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.outcomes.len();
        let failed = self.failures().count();
        let skipped = self
            .outcomes
            .iter()
            .filter(|o| matches!(o.verdict, Verdict::Skipped(_)))
            .count();
        let passed = total - failed - skipped;
        if failed == 0 {
            return write!(
                f,
                "transport conformance of {}: all {passed} checks passed, {skipped} skipped \
                 (expectations: max_response_body {} bytes, timeout {:?})",
                self.transport, self.expectations.max_response_body, self.expectations.timeout
            );
        }
        writeln!(
            f,
            "transport conformance of {}: {failed} of {total} checks FAILED",
            self.transport
        )?;
        for outcome in &self.outcomes {
            match &outcome.verdict {
                Verdict::Failed(reason) => {
                    writeln!(f, "  FAILED {}: {}", outcome.name, outcome.proves)?;
                    for line in reason.lines() {
                        writeln!(f, "      {line}")?;
                    }
                }
                Verdict::Skipped(reason) => {
                    writeln!(f, "  skipped {}: {reason}", outcome.name)?;
                }
                _ => {}
            }
        }
        write!(
            f,
            "{passed} passed, {failed} failed, {skipped} skipped \
             (expectations: max_response_body {} bytes, timeout {:?})",
            self.expectations.max_response_body, self.expectations.timeout
        )
    }
}
