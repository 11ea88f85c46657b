//! `zoom-live-stream listen`: receive Zoom's webhooks on a local port and print one JSON line
//! per verified live-stream or lifecycle event.
//!
//! Every request is verified with zoom_webhook's [`Verifier`] (the secret from
//! `ZOOM_WEBHOOK_SECRET_TOKEN`) and answered at once; the printing happens on a thread of its
//! own behind a queue, so a slow stdout never delays an answer past Zoom's 3 seconds.
//! Redeliveries are recognised by zoom_webhook's [`Deduplicator`] and printed once.

use std::io::Write as _;
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
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::task::JoinSet;
use tracing::Instrument as _;
use zoom_live_stream::SecretString;
use zoom_live_stream::secret::REDACTED;
use zoom_live_stream::webhook::{Deduplicator, Event, LiveStreaming, MAX_BODY_BYTES, Verifier};

const ABOUT: &str = "\
Prints one JSON line per verified event: the live-stream events (meeting.live_streaming_started
and _stopped, session.live_streaming_started and _stopped) and the lifecycle events
(meeting.started and .ended, webinar.started and .ended, session.started and .ended). Other
events are acknowledged and named on stderr. Redeliveries are printed once.

Answers like a Zoom webhook endpoint should: 200 to verified deliveries (other event types
too; endpoint.url_validation with its {plainToken, encryptedToken}), 401 to a missing, wrong
or stale signature (over 5 minutes from this machine's clock), 400 to a verified body that
is not JSON, 413 above 64 KiB, 404 to other paths, 405 to other methods, 503 when the
printer is 1024 events behind.

Zoom only delivers to HTTPS: put it behind a TLS reverse proxy (docs/WEBHOOKS.md). To try it
offline, point the simulator at it:
  zoom-simulator --webhook-url http://127.0.0.1:8080/zoom/events --webhook-secret-token S

Exit codes: 2 when ZOOM_WEBHOOK_SECRET_TOKEN is unset or an option is wrong, 4 when the
address cannot be listened on, 1 when stdout fails (0 when its reader has gone).";

/// `listen`'s options.
#[derive(Debug, clap::Args)]
#[command(after_help = ABOUT)]
pub(crate) struct ListenArgs {
    /// The port to listen on; 0 takes a free one (printed on stderr).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The address to listen on (keep it on loopback behind a reverse proxy).
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// The path Zoom posts to (the end of your Event notification endpoint URL).
    #[arg(long, default_value = "/zoom/events")]
    path: String,
    /// Print the stream key instead of [redacted].
    #[arg(long)]
    show_stream_key: bool,
}

use crate::report;

/// Where the secret token comes from.
pub(crate) const SECRET_ENV: &str = "ZOOM_WEBHOOK_SECRET_TOKEN";
/// How many verified events may wait for the printer before new ones are answered 503.
const QUEUE: usize = 1024;
/// How many deliveries the de-duplicator remembers (Zoom's retries span 85 minutes).
const REMEMBERED: usize = 10_000;
/// An oversized body up to this size is read (and dropped) before the 413; above it the
/// connection is closed at once.
const DRAIN_LIMIT: u64 = 1024 * 1024;
/// Time allowed for a request's headers, then for its body.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A receiver ready to run: the options checked and the secret read.
pub(crate) struct Listener<'a> {
    args: &'a ListenArgs,
    secret: SecretString,
}

impl<'a> Listener<'a> {
    /// Checks the options and reads the secret; the error is a usage message.
    pub(crate) fn new(args: &'a ListenArgs) -> Result<Self, String> {
        let secret = match std::env::var(SECRET_ENV) {
            Ok(secret) if !secret.trim().is_empty() => SecretString::new(secret),
            _ => {
                return Err(format!(
                    "listen needs your app's webhook secret token in {SECRET_ENV} (Zoom marketplace: your app, Features, Access, Secret Token)"
                ));
            }
        };
        if !args.path.starts_with('/') {
            return Err(format!("--path '{}' must start with /", args.path));
        }
        Ok(Self { args, secret })
    }

    /// Runs the receiver until the process is stopped (or stdout fails).
    pub(crate) fn run(self) -> ExitCode {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(error) => {
                report::say(&format!(
                    "zoom-live-stream: cannot start the runtime: {error}"
                ));
                return ExitCode::from(report::NETWORK);
            }
        };
        runtime.block_on(serve(self.args, self.secret))
    }
}

async fn serve(args: &ListenArgs, secret: SecretString) -> ExitCode {
    let listener = match TcpListener::bind(SocketAddr::new(args.bind, args.port)).await {
        Ok(listener) => listener,
        Err(error) => {
            report::say(&format!(
                "zoom-live-stream: cannot listen on {}: {error}",
                SocketAddr::new(args.bind, args.port)
            ));
            return ExitCode::from(report::NETWORK);
        }
    };
    let addr = listener
        .local_addr()
        .unwrap_or(SocketAddr::new(args.bind, args.port));
    report::say(&format!("listening on http://{addr}{}", args.path));

    let (events, queue) = mpsc::channel(QUEUE);
    let (stdout_gone, mut gone) = tokio::sync::oneshot::channel::<u8>();
    let show_stream_key = args.show_stream_key;
    // Printing blocks on stdout: its own thread, so the answers never wait for it.
    let spawned = std::thread::Builder::new()
        .name("listen-printer".to_owned())
        .spawn(move || {
            let code = print_events(queue, show_stream_key);
            let _ = stdout_gone.send(code);
        });
    if let Err(error) = spawned {
        report::say(&format!(
            "zoom-live-stream: cannot start the printer: {error}"
        ));
        return ExitCode::from(report::OUTPUT);
    }
    let receiver = Arc::new(Receiver {
        verifier: Verifier::new(secret),
        path: args.path.clone(),
        events,
    });
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, receiver.clone()));
                }
                // Out of file descriptors and the like: back off briefly.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            code = &mut gone => return ExitCode::from(code.unwrap_or(report::OUTPUT)),
        }
    }
}

/// What every connection shares.
struct Receiver {
    verifier: Verifier,
    path: String,
    events: mpsc::Sender<Event>,
}

async fn serve_connection(stream: TcpStream, receiver: Arc<Receiver>) {
    let _ = stream.set_nodelay(true);
    let peer = stream.peer_addr().ok();
    let service = service_fn(move |request| {
        let receiver = receiver.clone();
        async move {
            let span = delivery_span(&request, &receiver.path);
            let response = receive(&receiver, request, peer)
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
        "zoom_live_stream.listen",
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

/// Verifies, answers, and queues the event for the printer: Zoom wants a 2xx in 3 seconds.
async fn receive(
    receiver: &Receiver,
    request: Request<Incoming>,
    peer: Option<SocketAddr>,
) -> Response<Full<Bytes>> {
    if request.uri().path() != receiver.path {
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
    match receiver.verifier.verify_event_now(&parts.headers, &body) {
        Ok(Event::UrlValidation(validation)) => {
            let reply = receiver
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
        // Never wait here: a full queue is a 503, and Zoom delivers the event again later.
        Ok(event) => match receiver.events.try_send(event) {
            Ok(()) => answer(StatusCode::OK),
            Err(TrySendError::Full(_) | TrySendError::Closed(_)) => {
                answer(StatusCode::SERVICE_UNAVAILABLE)
            }
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

/// The printer: skips redeliveries, prints one line per live-stream or lifecycle event.
/// Returns the exit code once stdout cannot be written: 0 when its reader has gone
/// (`listen | head -n 1`), 1 on another error.
fn print_events(mut queue: mpsc::Receiver<Event>, show_stream_key: bool) -> u8 {
    let mut seen = Deduplicator::new(REMEMBERED);
    while let Some(event) = queue.blocking_recv() {
        if seen.is_duplicate(&event) {
            report::say(&format!(
                "zoom-live-stream: {} delivered again; printed once",
                event.name()
            ));
            continue;
        }
        let Some(line) = event_line(&event, show_stream_key) else {
            report::say(&format!(
                "zoom-live-stream: verified {} (not a live-stream or lifecycle event; not printed)",
                event.name()
            ));
            continue;
        };
        let mut stdout = std::io::stdout().lock();
        match writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => return 0,
            Err(error) => {
                report::say(&format!(
                    "zoom-live-stream: could not write an event: {error}"
                ));
                return report::OUTPUT;
            }
        }
    }
    report::OUTPUT
}

/// One JSON line for a live-stream or lifecycle event: `event` plus the typed event's fields
/// (`event_ts`, `account_id`, and `meeting`, `webinar` or `session`), the stream key
/// `[redacted]` unless asked for. Other events give `None`.
pub(crate) fn event_line(event: &Event, show_stream_key: bool) -> Option<String> {
    let (json, object, live) = match event {
        Event::MeetingLiveStreamingStarted(e) | Event::MeetingLiveStreamingStopped(e) => (
            serde_json::to_value(e),
            "meeting",
            e.meeting.live_streaming.as_ref(),
        ),
        Event::SessionLiveStreamingStarted(e) | Event::SessionLiveStreamingStopped(e) => (
            serde_json::to_value(e),
            "session",
            e.session.live_streaming.as_ref(),
        ),
        Event::MeetingStarted(e) | Event::MeetingEnded(e) => {
            (serde_json::to_value(e), "meeting", None)
        }
        Event::WebinarStarted(e) | Event::WebinarEnded(e) => {
            (serde_json::to_value(e), "webinar", None)
        }
        Event::SessionStarted(e) | Event::SessionEnded(e) => {
            (serde_json::to_value(e), "session", None)
        }
        _ => return None,
    };
    let mut json = json.ok()?;
    let key = live
        .and_then(|l: &LiveStreaming| l.custom_live_streaming_settings.as_ref())
        .and_then(|s| s.stream_key.as_ref());
    if let (Some(key), Some(slot)) = (
        key,
        json.pointer_mut(&format!(
            "/{object}/live_streaming/custom_live_streaming_settings/stream_key"
        )),
    ) {
        *slot = serde_json::Value::from(if show_stream_key {
            key.expose_secret()
        } else {
            REDACTED
        });
    }
    if let Some(map) = json.as_object_mut() {
        map.insert("event".to_owned(), event.name().into());
    }
    Some(json.to_string())
}
