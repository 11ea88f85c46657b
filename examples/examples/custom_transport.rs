//! Plug in your own transport: a logging wrapper around ureq that never prints the token,
//! and a closure that answers like Zoom (handy in a test).
//!
//! ```text
//! cargo run -p zoom-live-stream-examples --example custom_transport
//! ```
//! Runs against the built-in simulator, so it needs no credentials.

use std::time::Instant;

use zoom_core::{
    BlockingTransport, FnTransport, HttpRequest, HttpResponse, MeetingId, TransportError,
};
use zoom_testkit::simulator::{self, BlockingSimulator};
use zoom_transport_ureq::UreqTransport;

/// Wraps any blocking transport and logs one line per exchange: method, path, status and
/// time. Headers are never logged, and the token is shown only as its length.
struct Logging<T>(T);

impl<T: BlockingTransport> BlockingTransport for Logging<T> {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let line = format!("{} {}", request.method(), request.uri().path());
        let token_len = request
            .headers()
            .get("authorization")
            .map_or(0, |v| v.len().saturating_sub("Bearer ".len()));
        let started = Instant::now();
        let result = self.0.send(request);
        match &result {
            Ok(response) => eprintln!(
                "[log] {line} -> {} in {:?} (token: {token_len} chars, redacted)",
                response.status(),
                started.elapsed()
            ),
            Err(error) => eprintln!("[log] {line} -> {error}"),
        }
        result
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let simulator = BlockingSimulator::start()?;
    let client = zoom_core::blocking::Client::builder()
        .transport(Logging(UreqTransport::default()))
        .bearer_token(simulator::DEMO_STATIC_TOKEN)
        .api_base(simulator.base_url())
        .build()?;
    let stream = client.meeting_live_stream(MeetingId::new(simulator::DEMO_MEETING_ID))?;
    println!("through the logging transport: {:?}", stream.stream_url);

    // A closure is a transport too: answer every request with Zoom's documented 200.
    let canned = FnTransport(|_request: HttpRequest| {
        Ok(zoom_testkit::fixtures::documented_live_stream().to_response())
    });
    let client = zoom_core::blocking::Client::builder()
        .transport(canned)
        .bearer_token("unused")
        .build()?;
    let stream = client.meeting_live_stream(MeetingId::new(1))?;
    println!("through a closure: {:?}", stream.page_url);
    Ok(())
}
