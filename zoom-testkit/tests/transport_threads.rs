//! Neither shipped transport starts an OS thread per call (Linux only: it reads
//! `/proc/self/stat`).
//!
//! A thread started for a call (ureq's default resolver does this once any timeout is set)
//! lives only a few microseconds, so counting threads before and after the calls would miss
//! it. Instead a sampler thread reads the process's thread count in a tight loop while the
//! calls run, and the test asserts it never rose above the count before the calls. A control
//! run through a plain ureq agent with a timeout shows the sampler does see such threads.
//!
//! One test in this file, so no other test's threads come and go during it.
#![cfg(target_os = "linux")]

// The tests of `transport_loopback.rs` use the rest of this server.
#[allow(dead_code)]
mod transport_loopback_server;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use transport_loopback_server::{Reply, Server, head};
use zoom_core::http;
use zoom_core::{BlockingTransport, HttpRequest, HttpResponse, Transport, TransportError};
use zoom_transport_reqwest::ReqwestTransport;
use zoom_transport_ureq::UreqTransport;

const CALLS: usize = 500;

/// The process's thread count, field 20 of `/proc/self/stat`.
fn threads() -> usize {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("read /proc/self/stat");
    // The command name (field 2) is in parentheses and may contain spaces.
    let after_name = &stat[stat.rfind(')').expect("a /proc stat line") + 1..];
    after_name
        .split_whitespace()
        .nth(17)
        .and_then(|n| n.parse().ok())
        .expect("num_threads in /proc/self/stat")
}

/// The most threads seen at once while `calls` ran, and the count just before.
fn busiest_while(calls: impl FnOnce()) -> (usize, usize) {
    let stop = Arc::new(AtomicBool::new(false));
    let most = Arc::new(AtomicUsize::new(0));
    let sampler = {
        let (stop, most) = (Arc::clone(&stop), Arc::clone(&most));
        thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                most.fetch_max(threads(), Ordering::Relaxed);
            }
        })
    };
    // The sampler is running (and counted) before the calls start.
    while most.load(Ordering::Relaxed) == 0 {
        thread::yield_now();
    }
    let before = threads();
    calls();
    stop.store(true, Ordering::Relaxed);
    sampler.join().expect("the sampler");
    (before, most.load(Ordering::Relaxed))
}

/// `CALLS` GETs through `transport` after one to open the pooled connection.
fn calls(transport: &impl BlockingTransport) -> (usize, usize) {
    // Head and body in one write, so Nagle's algorithm does not delay the body.
    let mut answer = head("HTTP/1.1 200 OK", &[("Content-Length", "2")], None);
    answer.extend_from_slice(b"{}");
    let server = Server::start((0..=CALLS).map(|_| Reply::new().write(answer.clone())));
    let url = server.url("/v2/meetings/1/livestream");
    let get = || {
        let request = http::Request::get(url.as_str()).body(Vec::new()).unwrap();
        let response = transport.send(request).expect("a loopback answer");
        assert_eq!(response.status(), 200);
    };
    get();
    busiest_while(|| (0..CALLS).for_each(|_| get()))
}

/// The async transport driven from a single-threaded runtime, as `#[tokio::test]` would.
struct OnCurrentThread(ReqwestTransport, tokio::runtime::Runtime);

impl BlockingTransport for OnCurrentThread {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.1.block_on(self.0.send(request))
    }
}

#[test]
fn no_thread_is_started_per_call() {
    let ureq = UreqTransport::new().expect("a ureq transport");
    let (before, most) = calls(&ureq);
    assert_eq!(
        most, before,
        "UreqTransport started threads during {CALLS} calls"
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let reqwest = OnCurrentThread(ReqwestTransport::new().expect("a transport"), runtime);
    let (before, most) = calls(&reqwest);
    assert_eq!(
        most, before,
        "ReqwestTransport started threads during {CALLS} calls"
    );

    // The control: ureq's default resolver with a timeout starts one thread per call, and
    // the sampler sees them.
    // No proxy: an agent built by hand follows HTTP_PROXY and the like, even to loopback.
    let config = ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build();
    let plain = UreqTransport::from_agent(ureq::Agent::new_with_config(config));
    let (before, most) = calls(&plain);
    assert!(
        most > before,
        "the sampler saw no thread of a plain ureq agent with a timeout ({before} threads)"
    );
}
