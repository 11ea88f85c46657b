//! The ureq transport passes the transport conformance suite.

use std::time::Duration;

use zoom_testkit::conformance::{self, Expectations, Verdict};
use zoom_transport_ureq::UreqTransport;

const TIMEOUT: Duration = Duration::from_millis(500);
const MAX_RESPONSE_BODY: usize = 64 * 1024;

#[test]
fn ureq_transport_passes_the_conformance_suite() {
    let transport = UreqTransport::builder()
        .timeout(TIMEOUT)
        .max_response_body(MAX_RESPONSE_BODY)
        .build();
    let report =
        conformance::run_blocking(&transport, Expectations::new(MAX_RESPONSE_BODY, TIMEOUT));
    report.assert_passed();
    assert_eq!(report.outcomes().len(), conformance::checks().len());
    assert!(
        report
            .outcomes()
            .iter()
            .all(|o| *o.verdict() == Verdict::Passed),
        "{report}"
    );
}
