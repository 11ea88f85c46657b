//! The axum app with OpenTelemetry tracing: one request to the app is one trace that holds the
//! app's server span, the SDK's call span and one span per attempt (here two: the simulator
//! answers the first with a 429 and `Retry-After: 1`), plus the token fetch.
//!
//! ```text
//! cargo run -p zoom-live-stream-examples --example axum_tracing
//! ```
//! Offline: it starts the simulator, serves the app on a free port, sends itself one request
//! and prints the trace as a tree. The SDK only opens `tracing` spans; the program chooses
//! where they go, here `tracing-opentelemetry` with a small exporter that keeps them. To
//! send them to a collector instead, build the provider with
//! `opentelemetry_otlp::SpanExporter::builder().with_http().build()?` (docs/OBSERVABILITY.md).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use opentelemetry::trace::{SpanId, TracerProvider as _};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tracing::Instrument as _;
use tracing_subscriber::layer::SubscriberExt as _;
use zoom_live_stream::{Client, LiveStream, MeetingRef};
use zoom_testkit::simulator::{self, Fault, FaultRule, RetryAfterForm, Simulator};

/// An exporter that keeps the finished spans (a stand-in for the OTLP exporter).
#[derive(Debug, Clone, Default)]
struct Kept(Arc<Mutex<Vec<SpanData>>>);

impl SpanExporter for Kept {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        self.0.lock().unwrap().extend(batch);
        Ok(())
    }
}

/// The app: one route, one `Client` in its state.
fn router(zoom: Client) -> Router {
    Router::new()
        .route("/meetings/{id}/livestream", get(meeting_live_stream))
        .with_state(zoom)
}

async fn meeting_live_stream(
    State(zoom): State<Client>,
    Path(id): Path<String>,
) -> Result<Json<LiveStream>, (StatusCode, String)> {
    // The app's own server span (a tower-http `TraceLayer` would do the same); the SDK's
    // call span opens inside it, so the whole request is one trace.
    let span = tracing::info_span!(
        "request",
        otel.name = "GET /meetings/{id}/livestream",
        otel.kind = "server",
        http.request.method = "GET",
        http.route = "/meetings/{id}/livestream",
    );
    async {
        let id = MeetingRef::parse(&id).map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
        zoom.meeting_live_stream(id)
            .await
            .map(Json)
            .map_err(|e| (StatusCode::BAD_GATEWAY, e.to_string()))
    }
    .instrument(span)
    .await
}

/// Starts the simulator (with one 429 to come) and the app, sends the app one request, and
/// returns the spans the request made.
async fn one_traced_request() -> Result<Vec<SpanData>, Box<dyn std::error::Error>> {
    let sim = Simulator::start().await?;
    sim.push_fault(
        FaultRule::new(Fault::RateLimited {
            retry_after: RetryAfterForm::Seconds { seconds: 1 },
        })
        .path("/v2/meetings/")
        .once(),
    );
    let zoom = Client::builder()
        .server_to_server_oauth(
            simulator::DEMO_ACCOUNT_ID,
            simulator::DEMO_CLIENT_ID,
            simulator::DEMO_CLIENT_SECRET,
        )
        .api_base(sim.base_url())
        .oauth_base(sim.oauth_base())
        .build()?;

    let kept = Kept::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(kept.clone())
        .build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("axum_tracing")));
    // This thread's subscriber (the app runs on a current-thread runtime); a real app calls
    // `.init()` for a global one.
    let _guard = tracing::subscriber::set_default(subscriber);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router(zoom)).await });

    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream
        .write_all(
            format!(
                "GET /meetings/{}/livestream HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n",
                simulator::DEMO_MEETING_ID
            )
            .as_bytes(),
        )
        .await?;
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_string(&mut answer)).await??;
    if !answer.starts_with("HTTP/1.1 200") {
        return Err(format!("the app answered {answer}").into());
    }
    provider.force_flush()?;
    let spans = kept.0.lock().unwrap().clone();
    Ok(spans)
}

/// The spans as a tree, one line each: name, kind and the attributes worth a look.
fn tree(spans: &[SpanData]) -> String {
    fn children(spans: &[SpanData], parent: SpanId, depth: usize, out: &mut String) {
        let mut mine: Vec<&SpanData> = spans
            .iter()
            .filter(|s| s.parent_span_id == parent)
            .collect();
        mine.sort_by_key(|s| s.start_time);
        for span in mine {
            let shown: Vec<String> = span
                .attributes
                .iter()
                .filter(|kv| {
                    [
                        "http.response.status_code",
                        "http.request.resend_count",
                        "error.type",
                        "zoom.attempts",
                        "zoom.retry_after.wait_ms",
                        "zoom.token.source",
                    ]
                    .contains(&kv.key.as_str())
                })
                .map(|kv| format!("{}={}", kv.key, kv.value))
                .collect();
            out.push_str(&format!(
                "{}{} [{:?}] {}\n",
                "  ".repeat(depth),
                span.name,
                span.span_kind,
                shown.join(" ")
            ));
            children(spans, span.span_context.span_id(), depth + 1, out);
        }
    }
    let mut out = String::new();
    children(spans, SpanId::INVALID, 0, &mut out);
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let spans = runtime.block_on(one_traced_request())?;
    let traces: std::collections::HashSet<_> =
        spans.iter().map(|s| s.span_context.trace_id()).collect();
    println!("{} spans in {} trace(s):", spans.len(), traces.len());
    print!("{}", tree(&spans));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_request_is_one_trace_of_the_app_span_the_call_span_and_its_attempts() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let spans = runtime.block_on(one_traced_request()).unwrap();
        let trace = spans[0].span_context.trace_id();
        assert!(spans.iter().all(|s| s.span_context.trace_id() == trace));
        let shown = tree(&spans);
        // The wait is Zoom's second plus up to 10 % jitter: shown without its value.
        let lines: Vec<String> = shown
            .lines()
            .map(|line| {
                line.split(' ')
                    .map(|word| match word.split_once('=') {
                        Some(("zoom.retry_after.wait_ms", ms)) => {
                            let ms: u64 = ms.parse().unwrap();
                            assert!((1000..=1100).contains(&ms), "{ms}");
                            "zoom.retry_after.wait_ms=…"
                        }
                        _ => word,
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
                    .trim_end()
                    .to_owned()
            })
            .collect();
        assert_eq!(
            lines,
            [
                "GET /meetings/{id}/livestream [Server] ",
                "  zoom.meeting_live_stream [Internal] zoom.attempts=2 zoom.retry_after.wait_ms=… http.response.status_code=200",
                "    zoom.token [Internal] zoom.token.source=fetched",
                "      POST /oauth/token [Client] http.response.status_code=200",
                "    GET /meetings/{meetingId}/livestream [Client] http.response.status_code=429 error.type=429",
                "    GET /meetings/{meetingId}/livestream [Client] http.request.resend_count=1 http.response.status_code=200",
            ]
            .map(str::trim_end),
            "{shown}"
        );
    }
}
