//! The reqwest transport passes the transport conformance suite.

use std::sync::Arc;
use std::time::Duration;

use zoom_core::Transport;
use zoom_testkit::conformance::{self, Expectations, Verdict};
use zoom_transport_reqwest::ReqwestTransport;

const TIMEOUT: Duration = Duration::from_millis(500);
const MAX_RESPONSE_BODY: usize = 64 * 1024;

#[tokio::test]
async fn reqwest_transport_passes_the_conformance_suite() {
    let transport = ReqwestTransport::builder()
        .timeout(TIMEOUT)
        .max_response_body(MAX_RESPONSE_BODY)
        .build()
        .unwrap();
    let report =
        conformance::run_async(&transport, Expectations::new(MAX_RESPONSE_BODY, TIMEOUT)).await;
    report.assert_passed();
    // Every check ran: none is skipped with these expectations.
    assert_eq!(report.outcomes().len(), conformance::checks().len());
    assert!(
        report
            .outcomes()
            .iter()
            .all(|o| *o.verdict() == Verdict::Passed),
        "{report}"
    );
}

/// The run is a `Send` future, so it can be spawned, and `Arc<dyn Transport>` is a
/// transport too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_dyn_transport_runs_on_a_spawned_task() {
    let transport: Arc<dyn Transport> = Arc::new(
        ReqwestTransport::builder()
            .timeout(TIMEOUT)
            .max_response_body(MAX_RESPONSE_BODY)
            .build()
            .unwrap(),
    );
    let expectations = Expectations::new(MAX_RESPONSE_BODY, TIMEOUT);
    let report =
        tokio::spawn(async move { conformance::run_async(&transport, expectations).await })
            .await
            .unwrap();
    report.assert_passed();
}
