//! OTLP/HTTP export of the tool's spans, when OpenTelemetry's environment asks for it.
//!
//! - `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is) or `OTEL_EXPORTER_OTLP_ENDPOINT`
//!   (`/v1/traces` appended) switch it on; unset, nothing is built and nothing is exported.
//!   `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` switch it off again.
//! - `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`: `http/protobuf`
//!   (the default) or `http/json`; `grpc` is not built in (a warning, no export).
//! - `OTEL_SERVICE_NAME` (default `zoom-live-stream`), `OTEL_RESOURCE_ATTRIBUTES`,
//!   `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_TIMEOUT` and `OTEL_BSP_*` as the
//!   specification says (the last four read by the OpenTelemetry crates themselves).
//!
//! Spans go through a batch processor on its own thread, so `listen` exports as it runs and no
//! command waits on the collector while it works. The HTTP client is a blocking ureq agent
//! with a whole-request timeout (no second async runtime). Before the tool exits, whatever
//! its exit code, the spans left are flushed for at most [`FLUSH_LIMIT`]: a collector that is
//! down or slow never changes the exit code or the output, and delays the exit by at most
//! that. Nothing of the OpenTelemetry crates' own diagnostics reaches stderr.

use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{Protocol, WithExportConfig as _, WithHttpConfig as _};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{BatchSpanProcessor, SdkTracerProvider};
use tracing::Subscriber;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::registry::LookupSpan;

use crate::report;

/// The service name when `OTEL_SERVICE_NAME` (or `service.name` in
/// `OTEL_RESOURCE_ATTRIBUTES`) names none.
pub(crate) const SERVICE_NAME: &str = "zoom-live-stream";

/// The longest the tool waits for its last spans to be exported before it exits.
pub(crate) const FLUSH_LIMIT: Duration = Duration::from_millis(1500);

/// The longest one export request may take (`OTEL_EXPORTER_OTLP_TIMEOUT` when shorter).
const REQUEST_LIMIT: Duration = Duration::from_secs(10);

/// The exporter, when the environment asks for one.
pub(crate) struct Exporter {
    provider: Option<SdkTracerProvider>,
}

impl Exporter {
    /// Builds the exporter the environment asks for, if any. A configuration it cannot
    /// honour (a `grpc` protocol, a malformed endpoint) is one warning on stderr, and the
    /// tool runs on without exporting.
    pub(crate) fn from_env() -> Self {
        let provider = match wanted() {
            Ok(Some(protocol)) => match build(protocol) {
                Ok(provider) => Some(provider),
                Err(error) => {
                    report::say(&format!(
                        "zoom-live-stream: warning: not exporting spans: {error}"
                    ));
                    None
                }
            },
            Ok(None) => None,
            Err(message) => {
                report::say(&format!(
                    "zoom-live-stream: warning: not exporting spans: {message}"
                ));
                None
            }
        };
        Self { provider }
    }

    /// The layer that hands the SDK's and the tool's spans to the exporter; `None` when
    /// nothing is exported.
    pub(crate) fn layer<S>(&self) -> Option<impl Layer<S> + use<S>>
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        let provider = self.provider.as_ref()?;
        let tracer = provider.tracer("zoom-live-stream");
        // The spans of the SDK (zoom_core, zoom_webhook, the transports and the store) and
        // of the tool (this crate is `zoom_live_stream` too); nobody else's.
        let targets = Targets::new()
            .with_default(LevelFilter::OFF)
            .with_target("zoom_core", LevelFilter::INFO)
            .with_target("zoom_webhook", LevelFilter::INFO)
            .with_target("zoom_live_stream", LevelFilter::INFO)
            .with_target("zoom_transport_reqwest", LevelFilter::INFO)
            .with_target("zoom_transport_ureq", LevelFilter::INFO)
            .with_target("zoom_store_redis", LevelFilter::INFO);
        Some(
            tracing_opentelemetry::layer()
                .with_tracer(tracer)
                .with_filter(targets),
        )
    }

    /// Exports what is left, waiting at most [`FLUSH_LIMIT`]; errors are not the tool's
    /// concern (the collector's outage must not change its outcome).
    pub(crate) fn shutdown(self) {
        if let Some(provider) = self.provider {
            let _ = provider.shutdown_with_timeout(FLUSH_LIMIT);
        }
    }
}

/// A variable's value, if set and not blank.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The protocol to export with, `None` when export is not asked for; an error for a
/// protocol that is not built in.
fn wanted() -> Result<Option<Protocol>, String> {
    let endpoint = endpoint();
    let disabled = var("OTEL_SDK_DISABLED").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        || var("OTEL_TRACES_EXPORTER").is_some_and(|v| v.trim().eq_ignore_ascii_case("none"));
    if endpoint.is_none() || disabled {
        return Ok(None);
    }
    let (name, value) = match var("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") {
        Some(value) => ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", value),
        None => match var("OTEL_EXPORTER_OTLP_PROTOCOL") {
            Some(value) => ("OTEL_EXPORTER_OTLP_PROTOCOL", value),
            None => return Ok(Some(Protocol::HttpBinary)),
        },
    };
    match value.trim() {
        "http/protobuf" => Ok(Some(Protocol::HttpBinary)),
        "http/json" => Ok(Some(Protocol::HttpJson)),
        other => Err(format!(
            "{name}={other:?}: this tool exports over http/protobuf or http/json only"
        )),
    }
}

/// The collector's address, as the environment gives it.
fn endpoint() -> Option<String> {
    var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").or_else(|| var("OTEL_EXPORTER_OTLP_ENDPOINT"))
}

/// Whether the collector is on this machine: then no proxy from the environment applies
/// (as for the tool's own transports).
fn on_loopback(endpoint: &str) -> bool {
    let Ok(uri) = endpoint.trim().parse::<hyper::Uri>() else {
        return false;
    };
    let host = uri.host().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The exporter's per-request timeout: `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT` or
/// `OTEL_EXPORTER_OTLP_TIMEOUT` (milliseconds), at most [`REQUEST_LIMIT`].
fn request_timeout() -> Duration {
    var("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT")
        .or_else(|| var("OTEL_EXPORTER_OTLP_TIMEOUT"))
        .and_then(|ms| ms.trim().parse::<u64>().ok())
        .map_or(REQUEST_LIMIT, |ms| {
            Duration::from_millis(ms).min(REQUEST_LIMIT)
        })
}

fn build(protocol: Protocol) -> Result<SdkTracerProvider, String> {
    let timeout = request_timeout();
    let mut config = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0);
    if endpoint().is_some_and(|endpoint| on_loopback(&endpoint)) {
        config = config.proxy(None);
    }
    let agent = config.build().new_agent();
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_http_client(Ureq(agent))
        .with_protocol(protocol)
        .with_timeout(timeout)
        .build()
        .map_err(|e| e.to_string())?;
    let processor = BatchSpanProcessor::builder(exporter).build();
    Ok(SdkTracerProvider::builder()
        .with_span_processor(processor)
        .with_resource(resource())
        .build())
}

/// The resource: the environment's (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`), the
/// service name defaulting to [`SERVICE_NAME`], and the tool's version.
fn resource() -> Resource {
    let named = var("OTEL_SERVICE_NAME").is_some()
        || var("OTEL_RESOURCE_ATTRIBUTES").is_some_and(|attributes| {
            attributes
                .split(',')
                .any(|pair| pair.split('=').next().map(str::trim) == Some("service.name"))
        });
    let mut builder = Resource::builder().with_attribute(opentelemetry::KeyValue::new(
        "service.version",
        env!("CARGO_PKG_VERSION"),
    ));
    if !named {
        builder = builder.with_service_name(SERVICE_NAME);
    }
    builder.build()
}

/// The exporter's HTTP client: a blocking ureq agent, called on the batch processor's own
/// thread (which runs the export future to completion there).
#[derive(Debug)]
struct Ureq(ureq::Agent);

/// A collector's answer is a small protobuf or JSON message; anything longer is cut.
const ANSWER_LIMIT: u64 = 64 * 1024;

#[async_trait::async_trait]
impl HttpClient for Ureq {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let (parts, body) = request.into_parts();
        let request = Request::from_parts(parts, body.to_vec());
        let mut response = self.0.run(request)?;
        let body = response
            .body_mut()
            .with_config()
            .limit(ANSWER_LIMIT)
            .read_to_vec()
            .unwrap_or_default();
        let (parts, _) = response.into_parts();
        Ok(Response::from_parts(parts, Bytes::from(body)))
    }
}

#[cfg(test)]
mod tests {
    use super::on_loopback;

    #[test]
    fn only_a_collector_on_this_machine_skips_the_proxy() {
        for local in [
            "http://127.0.0.1:4318",
            "http://localhost:4318/v1/traces",
            "http://[::1]:4318",
        ] {
            assert!(on_loopback(local), "{local}");
        }
        for remote in [
            "https://collector.example.com",
            "http://10.0.0.1:4318",
            "not a url",
        ] {
            assert!(!on_loopback(remote), "{remote}");
        }
    }
}
