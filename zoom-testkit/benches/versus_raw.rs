//! The SDK against the raw clients a user would write by hand, in one run.
//!
//! ```text
//! cargo bench -p zoom-testkit --bench versus_raw
//! ```
//!
//! One process serves the documented live-stream body from a loopback hyper server. Each
//! client sends `GET /v2/meetings/{id}/livestream` and parses the answer into a struct:
//!
//! - **SDK async**: `zoom_core::Client` on `ReqwestTransport::default()`;
//! - **raw reqwest**: `reqwest::Client::new()`, `get(url).bearer_auth(token).send()`,
//!   `error_for_status()`, `bytes()`, `serde_json::from_slice` into a hand-written struct
//!   (reqwest's TLS here is its rustls on aws-lc-rs, the same as the SDK's transport);
//! - **raw reqwest, bare** (instructions only, `reqwest-bare`): as issue 23's independent
//!   harness wrote it: `reqwest::Client::builder().build()`, per call `format!` the URL,
//!   `get(url).bearer_auth(token).send()`, `bytes()`, `serde_json` into the same struct; no
//!   status check, no timeout, no extra headers;
//! - **SDK facade** (instructions only, `sdk-facade`): `zoom_live_stream::Client`, as a user
//!   of the facade gets it (tokio's timer and spawner configured);
//! - **SDK blocking**: `zoom_core::blocking::Client` on `UreqTransport::default()`;
//! - **raw ureq**: `ureq::Agent::new_with_defaults()`, `get(url).header(..).call()`,
//!   `read_to_vec()`, `serde_json::from_slice`.
//!
//! Four comparisons (async sequential, async with 64 calls in flight, blocking sequential,
//! blocking on 8 threads) run in interleaved rounds, the order of the two clients
//! alternating from round to round; each line reports the median time per call of both
//! and the median, lowest and highest of the per-round ratios. Then peak RSS: each async
//! client runs 1,000 calls in flight in a fresh process (this binary again, with `rss`),
//! nine times, alternating.
//!
//! More modes serve `bench/callgrind.sh`, the memory runs and the study of one comparison:
//! `versus_raw calls <client> <n>` makes `n` sequential calls, `versus_raw rss <client>`
//! makes 1,000 concurrent calls and prints `VmHWM` in KiB, `versus_raw flight <client> <n>`
//! makes `n` calls 64 in flight (for `perf record`), and `versus_raw ab <rounds> <n>` runs
//! only the 64-in-flight comparison. `<client>` is one of `sdk-async`, `sdk-facade`,
//! `reqwest`, `reqwest-bare`, `sdk-blocking`, `ureq`.

use std::convert::Infallible;
use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use tokio::runtime::Runtime;
use zoom_core::MeetingId;
use zoom_testkit::fixtures::DOCUMENTED_LIVE_STREAM_BODY;
use zoom_transport_reqwest::ReqwestTransport;
use zoom_transport_ureq::UreqTransport;

const TOKEN: &str =
    "eyJhbGciOiJIUzUxMiJ9.bench-token-of-a-realistic-length-for-a-zoom-access-token";
const MEETING: u64 = 85_746_065_432;
const ROUNDS: usize = 9;
const SEQUENTIAL_CALLS: usize = 1_000;
const CONCURRENT_CALLS: usize = 4_096;
const IN_FLIGHT: usize = 64;
const THREADS: usize = 8;
const RSS_IN_FLIGHT: usize = 1_000;
const RSS_RUNS: usize = 9;

/// What a user's hand-written client parses the answer into.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // Read through `Debug` only: the parse is what is measured.
struct RawLiveStream {
    stream_url: String,
    stream_key: String,
    page_url: String,
    #[serde(default)]
    resolution: Option<String>,
}

// ---------------------------------------------------------------------------------------
// The server.

/// A loopback hyper server answering every request with the documented body, on a runtime
/// of its own. With `delay`, each answer waits that long first (to hold calls in flight).
fn start_server(delay: Duration) -> (SocketAddr, Runtime) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("bench-server")
        .enable_all()
        .build()
        .expect("server runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    runtime.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service =
                    service_fn(move |_request: Request<hyper::body::Incoming>| async move {
                        if !delay.is_zero() {
                            tokio::time::sleep(delay).await;
                        }
                        Ok::<_, Infallible>(
                            Response::builder()
                                .header("content-type", "application/json;charset=UTF-8")
                                .body(Full::new(Bytes::from_static(
                                    DOCUMENTED_LIVE_STREAM_BODY.as_bytes(),
                                )))
                                .expect("a valid response"),
                        )
                    });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (addr, runtime)
}

// ---------------------------------------------------------------------------------------
// The four clients, each as one call.

#[derive(Clone)]
struct Clients {
    base: String,
    sdk_async: zoom_core::Client,
    sdk_facade: zoom_live_stream::Client,
    raw_reqwest: reqwest::Client,
    bare_reqwest: reqwest::Client,
    sdk_blocking: zoom_core::blocking::Client,
    raw_ureq: ureq::Agent,
}

impl Clients {
    fn new(addr: SocketAddr) -> Self {
        let base = format!("http://{addr}/v2");
        let sdk_async = zoom_core::Client::builder()
            .transport(ReqwestTransport::default())
            .bearer_token(TOKEN)
            .api_base(&base)
            .build()
            .expect("SDK async client");
        let sdk_facade = zoom_live_stream::Client::builder()
            .bearer_token(TOKEN)
            .api_base(&base)
            .build()
            .expect("SDK facade client");
        let sdk_blocking = zoom_core::blocking::Client::builder()
            .transport(UreqTransport::default())
            .bearer_token(TOKEN)
            .api_base(&base)
            .build()
            .expect("SDK blocking client");
        Self {
            base,
            sdk_async,
            sdk_facade,
            raw_reqwest: reqwest::Client::new(),
            bare_reqwest: reqwest::Client::builder()
                .build()
                .expect("bare reqwest client"),
            sdk_blocking,
            raw_ureq: ureq::Agent::new_with_defaults(),
        }
    }

    async fn sdk_async(&self) {
        let stream = self
            .sdk_async
            .meeting_live_stream(MeetingId::new(MEETING))
            .await
            .expect("SDK async call");
        black_box(stream);
    }

    async fn sdk_facade(&self) {
        let stream = self
            .sdk_facade
            .meeting_live_stream(MeetingId::new(MEETING))
            .await
            .expect("SDK facade call");
        black_box(stream);
    }

    /// As issue 23's harness wrote it: no status check.
    async fn bare_reqwest(&self) {
        let url = format!("{}/meetings/{}/livestream", self.base, MEETING);
        let response = self
            .bare_reqwest
            .get(url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("bare reqwest call");
        let body = response.bytes().await.expect("bare reqwest body");
        let stream: RawLiveStream = serde_json::from_slice(&body).expect("bare reqwest parse");
        black_box(stream);
    }

    /// As a user would write it with reqwest.
    async fn raw_reqwest(&self) {
        let url = format!("{}/meetings/{}/livestream", self.base, MEETING);
        let response = self
            .raw_reqwest
            .get(url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("raw reqwest call");
        let body = response.bytes().await.expect("raw reqwest body");
        let stream: RawLiveStream = serde_json::from_slice(&body).expect("raw reqwest parse");
        black_box(stream);
    }

    fn sdk_blocking(&self) {
        let stream = self
            .sdk_blocking
            .meeting_live_stream(MeetingId::new(MEETING))
            .expect("SDK blocking call");
        black_box(stream);
    }

    /// As a user would write it with ureq.
    fn raw_ureq(&self) {
        let url = format!("{}/meetings/{}/livestream", self.base, MEETING);
        let body = self
            .raw_ureq
            .get(&url)
            .header("Authorization", &format!("Bearer {TOKEN}"))
            .call()
            .and_then(|mut response| response.body_mut().read_to_vec())
            .expect("raw ureq call");
        let stream: RawLiveStream = serde_json::from_slice(&body).expect("raw ureq parse");
        black_box(stream);
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Which {
    SdkAsync,
    SdkFacade,
    Reqwest,
    ReqwestBare,
    SdkBlocking,
    Ureq,
}

impl Which {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "sdk-async" => Which::SdkAsync,
            "sdk-facade" => Which::SdkFacade,
            "reqwest" => Which::Reqwest,
            "reqwest-bare" => Which::ReqwestBare,
            "sdk-blocking" => Which::SdkBlocking,
            "ureq" => Which::Ureq,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Which::SdkAsync => "sdk-async",
            Which::SdkFacade => "sdk-facade",
            Which::Reqwest => "reqwest",
            Which::ReqwestBare => "reqwest-bare",
            Which::SdkBlocking => "sdk-blocking",
            Which::Ureq => "ureq",
        }
    }
}

fn client_runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("client runtime")
}

/// `calls` sequential calls.
fn sequential(clients: &Clients, runtime: &Runtime, which: Which, calls: usize) {
    match which {
        Which::SdkAsync => runtime.block_on(async {
            for _ in 0..calls {
                clients.sdk_async().await;
            }
        }),
        Which::SdkFacade => runtime.block_on(async {
            for _ in 0..calls {
                clients.sdk_facade().await;
            }
        }),
        Which::Reqwest => runtime.block_on(async {
            for _ in 0..calls {
                clients.raw_reqwest().await;
            }
        }),
        Which::ReqwestBare => runtime.block_on(async {
            for _ in 0..calls {
                clients.bare_reqwest().await;
            }
        }),
        Which::SdkBlocking => (0..calls).for_each(|_| clients.sdk_blocking()),
        Which::Ureq => (0..calls).for_each(|_| clients.raw_ureq()),
    }
}

/// `calls` calls, `IN_FLIGHT` at a time (async) or on `THREADS` threads (blocking).
fn concurrent(clients: &Clients, runtime: &Runtime, which: Which, calls: usize) {
    match which {
        Which::SdkAsync | Which::SdkFacade | Which::Reqwest | Which::ReqwestBare => runtime
            .block_on(async {
                let tasks: Vec<_> = (0..IN_FLIGHT)
                    .map(|_| {
                        let clients = clients.clone();
                        tokio::spawn(async move {
                            for _ in 0..calls / IN_FLIGHT {
                                match which {
                                    Which::SdkAsync => clients.sdk_async().await,
                                    Which::SdkFacade => clients.sdk_facade().await,
                                    Which::ReqwestBare => clients.bare_reqwest().await,
                                    _ => clients.raw_reqwest().await,
                                }
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.expect("a task");
                }
            }),
        Which::SdkBlocking | Which::Ureq => std::thread::scope(|scope| {
            for _ in 0..THREADS {
                scope.spawn(|| {
                    for _ in 0..calls / THREADS {
                        match which {
                            Which::SdkBlocking => clients.sdk_blocking(),
                            _ => clients.raw_ureq(),
                        }
                    }
                });
            }
        }),
    }
}

// ---------------------------------------------------------------------------------------
// Reporting.

fn median<T: Copy + PartialOrd>(mut samples: Vec<T>) -> T {
    samples.sort_by(|a, b| a.partial_cmp(b).expect("comparable samples"));
    samples[samples.len() / 2]
}

struct Comparison {
    name: &'static str,
    sdk: Which,
    raw: Which,
    calls: usize,
    run: fn(&Clients, &Runtime, Which, usize),
    sdk_times: Vec<Duration>,
    raw_times: Vec<Duration>,
}

impl Comparison {
    fn new(
        name: &'static str,
        sdk: Which,
        raw: Which,
        calls: usize,
        run: fn(&Clients, &Runtime, Which, usize),
    ) -> Self {
        Self {
            name,
            sdk,
            raw,
            calls,
            run,
            sdk_times: Vec::new(),
            raw_times: Vec::new(),
        }
    }

    fn round(&mut self, clients: &Clients, runtime: &Runtime, sdk_first: bool) {
        let time = |which: Which| {
            let started = Instant::now();
            (self.run)(clients, runtime, which, self.calls);
            started.elapsed() / u32::try_from(self.calls).expect("a small number of calls")
        };
        let (sdk, raw) = if sdk_first {
            let sdk = time(self.sdk);
            (sdk, time(self.raw))
        } else {
            let raw = time(self.raw);
            (time(self.sdk), raw)
        };
        self.sdk_times.push(sdk);
        self.raw_times.push(raw);
    }

    fn report(&self) {
        let ratios: Vec<f64> = self
            .sdk_times
            .iter()
            .zip(&self.raw_times)
            .map(|(sdk, raw)| sdk.as_secs_f64() / raw.as_secs_f64())
            .collect();
        let lowest = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let highest = ratios.iter().copied().fold(0.0, f64::max);
        println!(
            "{:<34} {:>10.1?} {:>10.1?}   {:.3}× ({:.3}–{:.3})",
            self.name,
            median(self.sdk_times.clone()),
            median(self.raw_times.clone()),
            median(ratios),
            lowest,
            highest,
        );
    }
}

fn wall_time(rounds: usize) {
    let (addr, _server) = start_server(Duration::ZERO);
    let runtime = client_runtime();
    let clients = Clients::new(addr);
    let mut comparisons = [
        Comparison::new(
            "async, sequential",
            Which::SdkAsync,
            Which::Reqwest,
            SEQUENTIAL_CALLS,
            sequential,
        ),
        Comparison::new(
            "async, 64 in flight",
            Which::SdkAsync,
            Which::Reqwest,
            CONCURRENT_CALLS,
            concurrent,
        ),
        Comparison::new(
            "blocking, sequential",
            Which::SdkBlocking,
            Which::Ureq,
            SEQUENTIAL_CALLS,
            sequential,
        ),
        Comparison::new(
            "blocking, 8 threads",
            Which::SdkBlocking,
            Which::Ureq,
            CONCURRENT_CALLS,
            concurrent,
        ),
    ];
    // Warm up: connections, pools, caches.
    for comparison in &mut comparisons {
        comparison.round(&clients, &runtime, true);
        comparison.sdk_times.clear();
        comparison.raw_times.clear();
    }
    for round in 0..rounds {
        for comparison in &mut comparisons {
            comparison.round(&clients, &runtime, round % 2 == 0);
        }
    }
    println!(
        "{rounds} interleaved rounds; time per call (median), SDK / raw ratio (median, range)"
    );
    println!("{:<34} {:>10} {:>10}   ratio", "", "SDK", "raw");
    for comparison in &comparisons {
        comparison.report();
    }
}

// ---------------------------------------------------------------------------------------
// Memory.

/// Peak RSS (`VmHWM`) of this process, in KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// `RSS_IN_FLIGHT` concurrent calls through `which` (the answers wait 200 ms so that all are
/// in flight together), then prints the peak RSS.
fn rss(which: Which) {
    let (addr, _server) = start_server(Duration::from_millis(200));
    let runtime = client_runtime();
    let clients = Clients::new(addr);
    runtime.block_on(async {
        let tasks: Vec<_> = (0..RSS_IN_FLIGHT)
            .map(|_| {
                let clients = clients.clone();
                tokio::spawn(async move {
                    match which {
                        Which::SdkAsync => clients.sdk_async().await,
                        _ => clients.raw_reqwest().await,
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("a task");
        }
    });
    println!("{}", peak_rss_kib());
}

fn memory() {
    let me = std::env::current_exe().expect("this binary");
    let measure = |which: Which| -> u64 {
        let output = std::process::Command::new(&me)
            .args(["rss", which.name()])
            .output()
            .expect("run the rss mode");
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .expect("a VmHWM in KiB")
    };
    let (mut sdk, mut raw) = (Vec::new(), Vec::new());
    for run in 0..RSS_RUNS {
        if run % 2 == 0 {
            sdk.push(measure(Which::SdkAsync));
            raw.push(measure(Which::Reqwest));
        } else {
            raw.push(measure(Which::Reqwest));
            sdk.push(measure(Which::SdkAsync));
        }
    }
    let (sdk, raw) = (median(sdk), median(raw));
    println!(
        "{:<34} {:>7} KiB {:>7} KiB   {:.3}× ({:+} KiB)",
        format!("peak RSS, {RSS_IN_FLIGHT} async in flight"),
        sdk,
        raw,
        sdk as f64 / raw as f64,
        sdk as i64 - raw as i64,
    );
}

// ---------------------------------------------------------------------------------------

/// `calls <client> <n>`: for callgrind.
fn calls(which: Which, n: usize) {
    let (addr, _server) = start_server(Duration::ZERO);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let clients = Clients::new(addr);
    sequential(&clients, &runtime, which, n);
}

/// `ab <rounds> <n>`: only the comparison at 64 in flight (SDK against raw reqwest), `n` calls
/// a round. Running the binaries of two builds in turn, a process each time, compares them
/// (docs/PERFORMANCE.md, "A/B between builds").
fn ab(rounds: usize, n: usize) {
    let (addr, _server) = start_server(Duration::ZERO);
    let runtime = client_runtime();
    let clients = Clients::new(addr);
    let mut comparison = Comparison::new("ab", Which::SdkAsync, Which::Reqwest, n, concurrent);
    comparison.round(&clients, &runtime, true);
    comparison.sdk_times.clear();
    comparison.raw_times.clear();
    for round in 0..rounds {
        comparison.round(&clients, &runtime, round % 2 == 0);
    }
    comparison.report();
}

/// `flight <client> <n>`: `n` calls through one client, 64 in flight, and nothing else: a
/// run to record with `perf record`.
fn flight(which: Which, n: usize) {
    let (addr, _server) = start_server(Duration::ZERO);
    let runtime = client_runtime();
    let clients = Clients::new(addr);
    concurrent(&clients, &runtime, which, n);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let client = |name: &str| {
        Which::parse(name).unwrap_or_else(|| {
            panic!("unknown client {name:?}: sdk-async, sdk-facade, reqwest, reqwest-bare, sdk-blocking or ureq")
        })
    };
    match args.as_slice() {
        ["calls", which, n, ..] => calls(client(which), n.parse().expect("a number of calls")),
        ["rss", which, ..] => rss(client(which)),
        ["ab", rounds, n, ..] => ab(rounds.parse().expect("rounds"), n.parse().expect("calls")),
        ["flight", which, n, ..] => flight(client(which), n.parse().expect("a number of calls")),
        // `cargo bench` passes `--bench`; `cargo test --benches` does not: keep that quick.
        args if args.contains(&"--bench") => {
            let rounds = std::env::var("BENCH_ROUNDS")
                .ok()
                .and_then(|r| r.parse().ok())
                .unwrap_or(ROUNDS);
            wall_time(rounds);
            memory();
        }
        _ => println!("versus_raw: run with `cargo bench -p zoom-testkit --bench versus_raw`"),
    }
}
