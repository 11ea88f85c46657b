//! How a user's own transport runs through the conformance suite: a small wrapper passes,
//! and deliberately broken transports fail it with messages naming the failed checks.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use zoom_core::{BlockingTransport, HttpRequest, HttpResponse, TransportError, TransportErrorKind};
use zoom_testkit::conformance::{self, Expectations, Report, Verdict};
use zoom_transport_ureq::UreqTransport;

const TIMEOUT: Duration = Duration::from_millis(500);
const MAX_RESPONSE_BODY: usize = 16 * 1024;

fn expectations() -> Expectations {
    Expectations::new(MAX_RESPONSE_BODY, TIMEOUT)
}

fn ureq() -> UreqTransport {
    UreqTransport::builder()
        .timeout(TIMEOUT)
        .max_response_body(MAX_RESPONSE_BODY)
        .build()
}

/// A user's transport: ureq underneath, counting the calls.
struct CountingTransport {
    inner: UreqTransport,
    calls: AtomicUsize,
}

impl BlockingTransport for CountingTransport {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.send(request)
    }
}

/// Broken: turns every 5xx answer into an error.
struct FiveHundredsAreErrors(UreqTransport);

impl BlockingTransport for FiveHundredsAreErrors {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let response = self.0.send(request)?;
        if response.status().is_server_error() {
            return Err(TransportError::from_kind(TransportErrorKind::Other));
        }
        Ok(response)
    }
}

/// Broken: forwards only the headers it knows about.
struct DropsUnknownHeaders(UreqTransport);

impl BlockingTransport for DropsUnknownHeaders {
    fn send(&self, mut request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let kept = ["authorization", "content-type", "accept"];
        let headers = std::mem::take(request.headers_mut());
        for (name, value) in headers.iter() {
            if kept.contains(&name.as_str()) {
                request.headers_mut().append(name.clone(), value.clone());
            }
        }
        self.0.send(request)
    }
}

/// Broken: repeats a request once when the first attempt fails.
struct RetriesOnce(UreqTransport);

impl BlockingTransport for RetriesOnce {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let again = request.clone();
        self.0.send(request).or_else(|_| self.0.send(again))
    }
}

/// Broken: enforces the cap from `Content-Length` only, so a chunked body slips through.
struct TrustsContentLength(UreqTransport);

impl BlockingTransport for TrustsContentLength {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let response = self.0.send(request)?;
        let announced = response
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        if announced.is_some_and(|length| length > MAX_RESPONSE_BODY) {
            return Err(TransportError::from_kind(TransportErrorKind::BodyTooLarge));
        }
        Ok(response)
    }
}

/// Broken: "tidies" the path, decoding escaped escapes (`%25XX` → `%XX`), as a normalising
/// proxy might.
struct DecodesEscapedEscapes(UreqTransport);

impl BlockingTransport for DecodesEscapedEscapes {
    fn send(&self, mut request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let tidied = request.uri().to_string().replace("%25", "%");
        *request.uri_mut() = tidied.parse().expect("still a URI");
        self.0.send(request)
    }
}

fn failed_names(report: &Report) -> Vec<&'static str> {
    report.failures().map(|o| o.name()).collect()
}

/// The panic message of `assert_passed`.
fn panic_message(report: &Report) -> String {
    let panic = std::panic::catch_unwind(|| report.assert_passed()).unwrap_err();
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap()
}

#[test]
fn a_users_wrapper_passes() {
    let transport = CountingTransport {
        inner: ureq(),
        calls: AtomicUsize::new(0),
    };
    let report = conformance::run_blocking(&transport, expectations());
    report.assert_passed();
    // One call per check, none skipped.
    assert_eq!(
        transport.calls.load(Ordering::SeqCst),
        conformance::checks().len()
    );
    let summary = format!("all {} checks passed", conformance::checks().len());
    assert!(report.to_string().contains(&summary), "{report}");
}

#[test]
fn turning_5xx_into_errors_fails_the_server_error_checks() {
    let report = conformance::run_blocking(&FiveHundredsAreErrors(ureq()), expectations());
    assert!(!report.passed());
    assert_eq!(
        failed_names(&report),
        [
            "status_500_passes_through",
            "status_502_passes_through",
            "status_503_passes_through",
            "status_504_passes_through",
            "html_error_page_502_passes_through",
        ]
    );
    let message = panic_message(&report);
    assert!(message.contains("5 of"), "{message}");
    assert!(
        message.contains("FAILED status_503_passes_through"),
        "{message}"
    );
    assert!(
        message.contains("expected Ok(HTTP 503), got Err(Other)"),
        "{message}"
    );
    // Tolerating exactly those failures passes.
    report.assert_passed_except(&failed_names(&report));
}

#[test]
fn dropping_headers_fails_the_request_check() {
    let report = conformance::run_blocking(&DropsUnknownHeaders(ureq()), expectations());
    assert_eq!(failed_names(&report), ["get_request_arrives_unchanged"]);
    let Verdict::Failed(reason) = report
        .outcome("get_request_arrives_unchanged")
        .unwrap()
        .verdict()
    else {
        panic!("{report}");
    };
    assert!(reason.contains("user-agent"), "{reason}");
}

#[test]
fn decoding_a_session_id_encoded_twice_fails_the_session_checks() {
    let report = conformance::run_blocking(&DecodesEscapedEscapes(ureq()), expectations());
    assert_eq!(
        failed_names(&report),
        [
            "session_get_arrives_encoded_as_sent",
            "session_status_patch_arrives_unchanged",
        ]
    );
    let Verdict::Failed(reason) = report
        .outcome("session_get_arrives_encoded_as_sent")
        .unwrap()
        .verdict()
    else {
        panic!("{report}");
    };
    assert!(reason.contains("%2FAb%2F%2FCd"), "{reason}");
}

#[test]
fn retrying_fails_the_checks_that_break_the_connection() {
    let report = conformance::run_blocking(&RetriesOnce(ureq()), expectations());
    let failed = failed_names(&report);
    for name in ["drop_before_response_is_io", "drop_during_response_is_io"] {
        assert!(failed.contains(&name), "{report}");
        let outcome = report.outcome(name).unwrap();
        let Verdict::Failed(reason) = outcome.verdict() else {
            unreachable!()
        };
        assert!(
            reason.contains("2 request(s) reached the server"),
            "{reason}"
        );
    }
}

#[test]
fn capping_by_content_length_only_fails_the_chunked_check() {
    let roomy = UreqTransport::builder()
        .timeout(TIMEOUT)
        .max_response_body(4 * MAX_RESPONSE_BODY)
        .build();
    let report = conformance::run_blocking(&TrustsContentLength(roomy), expectations());
    assert_eq!(
        failed_names(&report),
        ["chunked_body_over_cap_is_body_too_large"]
    );
    let message = panic_message(&report);
    assert!(
        message.contains("expected Err(BodyTooLarge), got Ok(HTTP 200) with 16385 bytes"),
        "{message}"
    );
}

#[test]
#[should_panic(expected = "no check is called")]
fn tolerating_an_unknown_check_is_a_mistake() {
    let report = conformance::run_blocking(&ureq(), expectations());
    report.assert_passed_except(&["no_such_check"]);
}
