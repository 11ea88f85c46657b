//! The webhook endpoint `listen` and `autopilot` share: the listening options, the plain
//! HTTP/1.1 server, and the answers of a Zoom webhook endpoint (URL validation, 401 to a bad
//! signature, 400, 413, 404, 405, 503 when the consumer is behind). Each verified event is
//! handed to the command's sink, and the answer goes out at once: Zoom wants a 2xx within 3
//! seconds, and the work happens after.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tracing::Instrument as _;
use zoom_live_stream::SecretString;
use zoom_live_stream::webhook::{Event, MAX_BODY_BYTES, Verifier};

use crate::report;
use crate::signals::{self, Signals};

/// Where the secret token comes from.
const SECRET_ENV: &str = "ZOOM_WEBHOOK_SECRET_TOKEN";
/// An oversized body up to this size is read (and dropped) before the 413; above it the
/// connection is closed at once.
const DRAIN_LIMIT: u64 = 1024 * 1024;
/// Time allowed for a request's headers, then for its body.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The options of a command that receives webhooks.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ServeArgs {
    /// The port to listen on; 0 takes a free one (printed on stderr).
    #[arg(long, default_value_t = 8080)]
    pub(crate) port: u16,
    /// The address to listen on (keep it on loopback behind a reverse proxy).
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub(crate) bind: IpAddr,
    /// The path Zoom posts to (the end of your Event notification endpoint URL).
    #[arg(long, default_value = "/zoom/events")]
    pub(crate) path: String,
}

impl ServeArgs {
    /// Checks the path and reads the secret; the error is a usage message naming `command`.
    pub(crate) fn secret(&self, command: &str) -> Result<SecretString, String> {
        let secret = match std::env::var(SECRET_ENV) {
            Ok(secret) if !secret.trim().is_empty() => SecretString::new(secret),
            _ => {
                return Err(format!(
                    "{command} needs your app's webhook secret token in {SECRET_ENV} (Zoom marketplace: your app, Features, Access, Secret Token)"
                ));
            }
        };
        if !self.path.starts_with('/') {
            return Err(format!("--path '{}' must start with /", self.path));
        }
        Ok(secret)
    }

    /// Listens, and says where on stderr (`listening on http://ADDR:PORT/PATH`); the exit
    /// code when the address cannot be listened on. SIGINT and SIGTERM are caught from here
    /// on (see `signals.rs`).
    pub(crate) async fn listen(&self) -> Result<Listening, ExitCode> {
        let signals = Signals::catch();
        let wanted = SocketAddr::new(self.bind, self.port);
        let listener = TcpListener::bind(wanted).await.map_err(|error| {
            report::say(&format!(
                "zoom-live-stream: cannot listen on {wanted}: {error}"
            ));
            ExitCode::from(report::NETWORK)
        })?;
        let addr = listener.local_addr().unwrap_or(wanted);
        let url = format!("http://{addr}{}", self.path);
        report::say(&format!("listening on {url}"));
        Ok(Listening {
            listener,
            url,
            signals,
        })
    }
}

/// A bound address, its URL, and the signals that end the serving.
pub(crate) struct Listening {
    listener: TcpListener,
    pub(crate) url: String,
    signals: Signals,
}

/// The consumer could not take the event now: answered 503, and Zoom delivers it again.
pub(crate) struct Busy;

/// What each verified event goes to; it must not wait.
pub(crate) type Sink = Box<dyn Fn(Event) -> Result<(), Busy> + Send + Sync>;

/// What every connection shares.
pub(crate) struct Route {
    verifier: Verifier,
    path: String,
    sink: Sink,
}

impl Route {
    pub(crate) fn new(secret: SecretString, path: String, sink: Sink) -> Arc<Self> {
        Arc::new(Self {
            verifier: Verifier::new(secret),
            path,
            sink,
        })
    }
}

/// Serves `route` until `stop` ends (its output is the exit code) or a signal comes (130 for
/// SIGINT, 143 for SIGTERM). Either way it returns, so that the caller's spans are flushed;
/// connections still open are dropped (Zoom delivers an unanswered event again).
pub(crate) async fn serve(
    listening: Listening,
    route: Arc<Route>,
    stop: impl Future<Output = u8>,
) -> ExitCode {
    let Listening {
        listener,
        mut signals,
        ..
    } = listening;
    let mut connections = JoinSet::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, route.clone()));
                }
                // Out of file descriptors and the like: back off briefly.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            code = &mut stop => return ExitCode::from(code),
            code = signals.first() => {
                let name = if code == signals::INTERRUPTED { "SIGINT" } else { "SIGTERM" };
                report::say(&format!("zoom-live-stream: stopped by {name}"));
                return ExitCode::from(code);
            }
        }
    }
}

async fn serve_connection(stream: TcpStream, route: Arc<Route>) {
    let _ = stream.set_nodelay(true);
    let peer = stream.peer_addr().ok();
    let service = service_fn(move |request| {
        let route = route.clone();
        async move {
            let span = delivery_span(&request, &route.path);
            let response = receive(&route, request, peer)
                .instrument(span.clone())
                .await;
            span.record("http.response.status_code", response.status().as_u16());
            if response.status().is_server_error() {
                span.record("error.type", response.status().as_str());
                span.record("otel.status_code", "ERROR");
            }
            Ok::<_, std::convert::Infallible>(response)
        }
    });
    // Errors here are malformed requests or the peer going away: hyper has answered or
    // closed; nothing to do.
    let _ = http1::Builder::new()
        // A client that shuts its sending side after the request still gets the answer.
        .half_close(true)
        .timer(TokioTimer::new())
        .header_read_timeout(READ_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// One server span per request (OpenTelemetry's HTTP server conventions, exported with
/// `OTEL_EXPORTER_OTLP_ENDPOINT`): the verification's span (zoom_webhook) opens inside it.
/// The method and path only: never a header or the body.
fn delivery_span(request: &Request<Incoming>, route: &str) -> tracing::Span {
    let method = request.method().as_str();
    let path = request.uri().path();
    let routed = path == route;
    tracing::info_span!(
        "zoom_live_stream.webhook",
        otel.name = %format_args!("{method}{}{}", if routed { " " } else { "" }, if routed { route } else { "" }),
        otel.kind = "server",
        http.request.method = method,
        url.path = path,
        http.route = routed.then_some(route),
        http.response.status_code = tracing::field::Empty,
        error.type = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
    )
}

fn answer(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    response
}

/// Verifies, answers, and hands the event to the sink: Zoom wants a 2xx in 3 seconds.
async fn receive(
    route: &Route,
    request: Request<Incoming>,
    peer: Option<SocketAddr>,
) -> Response<Full<Bytes>> {
    if request.uri().path() != route.path {
        return answer(StatusCode::NOT_FOUND);
    }
    if request.method() != Method::POST {
        let mut response = answer(StatusCode::METHOD_NOT_ALLOWED);
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let (parts, body) = request.into_parts();
    let body = match tokio::time::timeout(READ_TIMEOUT, read_body(&parts.headers, body)).await {
        Ok(Ok(body)) => body,
        Ok(Err(status)) => return refuse_body(status),
        Err(_) => return refuse_body(StatusCode::REQUEST_TIMEOUT),
    };
    let from = peer.map_or_else(String::new, |p| format!(" from {p}"));
    match route.verifier.verify_event_now(&parts.headers, &body) {
        Ok(Event::UrlValidation(validation)) => {
            let reply = route
                .verifier
                .url_validation_response(&validation.plain_token);
            let Ok(json) = serde_json::to_vec(&reply) else {
                return answer(StatusCode::INTERNAL_SERVER_ERROR);
            };
            report::say("zoom-live-stream: answered Zoom's URL validation");
            let mut response = Response::new(Full::new(Bytes::from(json)));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        // Never wait here: a sink that is behind is a 503, and Zoom delivers the event again.
        Ok(event) => match (route.sink)(event) {
            Ok(()) => answer(StatusCode::OK),
            Err(Busy) => answer(StatusCode::SERVICE_UNAVAILABLE),
        },
        Err(error) => {
            let status = error.status();
            report::say(&format!(
                "zoom-live-stream: refused a delivery{from} ({}): {error}",
                status.as_u16()
            ));
            answer(status)
        }
    }
}

/// The body, up to [`MAX_BODY_BYTES`]. A larger one is 413, read to its end first when it is
/// not huge, so that the client gets to read the answer (closing a socket with unread data
/// resets the connection, and the answer with it).
async fn read_body(headers: &header::HeaderMap, mut body: Incoming) -> Result<Bytes, StatusCode> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > DRAIN_LIMIT) {
        return Err(StatusCode::PAYLOAD_TOO_LARGE);
    }
    let mut kept = Vec::new();
    let mut total: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| StatusCode::BAD_REQUEST)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(data.len() as u64);
        if total > DRAIN_LIMIT {
            return Err(StatusCode::PAYLOAD_TOO_LARGE);
        }
        if total <= MAX_BODY_BYTES as u64 {
            kept.extend_from_slice(&data);
        }
    }
    if total > MAX_BODY_BYTES as u64 {
        return Err(StatusCode::PAYLOAD_TOO_LARGE);
    }
    Ok(Bytes::from(kept))
}

/// An answer to a body that was not read whole: the connection closes after it.
fn refuse_body(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = answer(status);
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
