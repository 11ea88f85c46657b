//! What the SDK costs on top of a raw transport, measured as a ratio in one run.
//!
//! ```text
//! cargo bench -p zoom-testkit --bench overhead
//! ```
//! Each pair sends the same GET: once as a prebuilt request straight through the transport
//! ("raw"), once through the client (request building, auth, mapping, retry bookkeeping).
//! Rounds alternate raw and client so that drift hits both; the median round is reported.

use std::hint::black_box;
use std::time::{Duration, Instant};

use zoom_core::{
    BaseUrl, BlockingTransport, FnTransport, HttpRequest, MeetingId, SecretString, Transport,
    endpoint,
};
use zoom_testkit::fixtures;
use zoom_testkit::simulator::{self, BlockingSimulator};
use zoom_transport_reqwest::ReqwestTransport;
use zoom_transport_ureq::UreqTransport;

const ROUNDS: usize = 15;
const DEMO: MeetingId = MeetingId::new(simulator::DEMO_MEETING_ID);

fn request(base: &str) -> HttpRequest {
    let base = BaseUrl::parse(base).expect("valid base");
    endpoint::get_meeting_live_stream(&DEMO)
        .to_request(&base, &SecretString::new(simulator::DEMO_STATIC_TOKEN))
        .expect("valid request")
}

/// Times `calls` runs of `f` and returns the time per call.
fn per_call(calls: u32, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..calls {
        f();
    }
    start.elapsed() / calls
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn report(name: &str, raw: Vec<Duration>, client: Vec<Duration>) {
    let (raw, client) = (median(raw), median(client));
    println!(
        "{name:<40} raw {:>10.2?}  client {:>10.2?}  ratio {:.3}  overhead {:>9.2?}",
        raw,
        client,
        client.as_secs_f64() / raw.as_secs_f64(),
        client.saturating_sub(raw),
    );
}

fn in_memory() {
    let answer = fixtures::documented_live_stream();
    let transport = FnTransport(move |_request: HttpRequest| Ok(answer.to_response()));
    let client = zoom_core::blocking::Client::builder(transport.clone())
        .bearer_token(simulator::DEMO_STATIC_TOKEN)
        .build()
        .expect("client");
    let prebuilt = request(zoom_core::DEFAULT_API_BASE);
    let (mut raw, mut sdk) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        raw.push(per_call(20_000, || {
            let copy = clone_request(&prebuilt);
            black_box(transport.send(copy).expect("answer"));
        }));
        sdk.push(per_call(20_000, || {
            black_box(client.meeting_live_stream(&DEMO).expect("stream"));
        }));
    }
    report("in-memory transport, blocking client", raw, sdk);
}

fn loopback_blocking(sim: &BlockingSimulator) {
    let transport = UreqTransport::default();
    let client = zoom_core::blocking::Client::builder(transport.clone())
        .bearer_token(simulator::DEMO_STATIC_TOKEN)
        .api_base(sim.base_url())
        .build()
        .expect("client");
    let prebuilt = request(&sim.base_url());
    let (mut raw, mut sdk) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        raw.push(per_call(300, || {
            black_box(transport.send(clone_request(&prebuilt)).expect("answer"));
        }));
        sdk.push(per_call(300, || {
            black_box(client.meeting_live_stream(&DEMO).expect("stream"));
        }));
    }
    report("loopback simulator, ureq + blocking", raw, sdk);
}

fn loopback_async(sim: &BlockingSimulator) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let transport = ReqwestTransport::default();
    let client = zoom_core::Client::builder(transport.clone())
        .bearer_token(simulator::DEMO_STATIC_TOKEN)
        .api_base(sim.base_url())
        .build()
        .expect("client");
    let prebuilt = request(&sim.base_url());
    let (mut raw, mut sdk) = (Vec::new(), Vec::new());
    runtime.block_on(async {
        for _ in 0..ROUNDS {
            let start = Instant::now();
            for _ in 0..300 {
                black_box(
                    Transport::send(&transport, clone_request(&prebuilt))
                        .await
                        .expect("answer"),
                );
            }
            raw.push(start.elapsed() / 300);
            let start = Instant::now();
            for _ in 0..300 {
                black_box(client.meeting_live_stream(&DEMO).await.expect("stream"));
            }
            sdk.push(start.elapsed() / 300);
        }
    });
    report("loopback simulator, reqwest + async", raw, sdk);
}

fn clone_request(request: &HttpRequest) -> HttpRequest {
    let mut copy = HttpRequest::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}

fn main() {
    // `cargo test --benches` runs this binary with `--bench` absent; keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("overhead bench: run with `cargo bench -p zoom-testkit --bench overhead`");
        return;
    }
    in_memory();
    let sim = BlockingSimulator::start().expect("simulator");
    loopback_blocking(&sim);
    loopback_async(&sim);
}
