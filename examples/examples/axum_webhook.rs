//! Receive Zoom's webhooks with axum: verified, typed (live-stream and lifecycle events),
//! acknowledged at once, de-duplicated, handed to your code.
//!
//! ```text
//! ZOOM_WEBHOOK_SECRET_TOKEN=your-secret-token cargo run -p zoom-live-stream-examples --example axum_webhook
//! ```
//!
//! It listens on `127.0.0.1:8080` (set `ZOOM_WEBHOOK_BIND` to change) at `POST /zoom/events`.
//! Zoom only delivers to HTTPS: put a TLS reverse proxy in front (see docs/WEBHOOKS.md).
//!
//! What it answers: 200 to verified deliveries (URL validation with its
//! `{plainToken, encryptedToken}`), 401 when the signature or timestamp is missing, wrong or
//! stale, 400 when a verified body is not JSON, 413 above 64 KiB, 503 when the work queue is
//! full (Zoom delivers again later), 500 if the secret were blank (it refuses to start then).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tokio::sync::mpsc::{self, error::TrySendError};
use zoom_live_stream::webhook::{
    Deduplicator, Event, LiveStreaming, MAX_BODY_BYTES, MeetingLiveStreaming, SessionLiveStreaming,
    Verifier,
};

/// Where Zoom posts (the "Event notification endpoint URL" ends with this path).
const PATH: &str = "/zoom/events";
/// Zoom's events are a few KiB; anything much larger is not from Zoom (64 KiB).
const MAX_BODY: usize = MAX_BODY_BYTES;
/// How many verified events may wait for the worker before new ones are answered 503.
const QUEUE: usize = 1024;

/// The receiver's state: the verifier and the queue to the worker.
#[derive(Clone)]
struct Receiver {
    verifier: Arc<Verifier>,
    events: mpsc::Sender<Event>,
}

/// The webhook route, ready to be served or merged into your own router.
fn app(verifier: Verifier, events: mpsc::Sender<Event>) -> Router {
    Router::new()
        .route(PATH, post(receive))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(Receiver {
            verifier: Arc::new(verifier),
            events,
        })
}

/// Verifies, answers at once, and queues the work: Zoom wants a 2xx within 3 seconds.
async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    // `body` is the raw bytes as received: the signature is over them, not over parsed JSON.
    match receiver.verifier.verify_event_now(&headers, &body) {
        Ok(Event::UrlValidation(request)) => {
            let answer = receiver
                .verifier
                .url_validation_response(&request.plain_token);
            match serde_json::to_vec(&answer) {
                Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
                Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }
        // Never wait here: a full queue is a 503, and Zoom delivers the event again later.
        Ok(event) => match receiver.events.try_send(event) {
            Ok(()) => StatusCode::OK.into_response(),
            Err(TrySendError::Full(_) | TrySendError::Closed(_)) => {
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            }
        },
        // 401 when not from Zoom (or stale), 413 when too large, 400 when from Zoom but
        // unreadable, 500 when the secret is blank.
        Err(error) => {
            eprintln!("refused a delivery: {error}");
            error.status().into_response()
        }
    }
}

/// The worker: skips redeliveries, hands each new event to `handle`. Deduplicating here,
/// after the queue, means an event refused with 503 is not remembered, so its redelivery is
/// still worked on.
async fn work(mut events: mpsc::Receiver<Event>, mut handle: impl FnMut(Event)) {
    let mut seen = Deduplicator::new(10_000);
    while let Some(event) = events.recv().await {
        if !seen.is_duplicate(&event) {
            handle(event);
        }
    }
}

/// Your code: here, one line per live-stream event (never the stream key) and per meeting,
/// webinar or session starting or ending.
fn on_event(event: Event) {
    match &event {
        Event::MeetingLiveStreamingStarted(e) => print_meeting(e, "is live"),
        Event::MeetingLiveStreamingStopped(e) => print_meeting(e, "stopped streaming"),
        Event::SessionLiveStreamingStarted(e) => print_session(e, "is live"),
        Event::SessionLiveStreamingStopped(e) => print_session(e, "stopped streaming"),
        Event::MeetingStarted(e) | Event::MeetingEnded(e) => {
            let topic = e.meeting.topic.as_deref().unwrap_or("");
            println!("{} {topic:?}", started_or_ended(&event));
        }
        Event::WebinarStarted(e) | Event::WebinarEnded(e) => {
            let topic = e.webinar.topic.as_deref().unwrap_or("");
            println!("{} {topic:?}", started_or_ended(&event));
        }
        Event::SessionStarted(e) | Event::SessionEnded(e) => {
            let name = e.session.session_name.as_deref().unwrap_or("");
            println!("{} {name:?}", started_or_ended(&event));
        }
        other => println!("{} (not handled here)", other.name()),
    }
}

/// "meeting 85746065432 started" and the like: the event's target, and what happened to it.
fn started_or_ended(event: &Event) -> String {
    let target = event.target().map_or("?".to_owned(), |t| t.to_string());
    let what = if event.name().ends_with(".started") {
        "started"
    } else {
        "ended"
    };
    format!("{target} {what}")
}

fn print_meeting(event: &MeetingLiveStreaming, state: &str) {
    let meeting = &event.meeting;
    let id = meeting.id.map_or("?".to_owned(), |id| id.to_string());
    let topic = meeting.topic.as_deref().unwrap_or("");
    let to = destination(meeting.live_streaming.as_ref());
    println!("meeting {id} {topic:?} {state}{to}");
}

fn print_session(event: &SessionLiveStreaming, state: &str) {
    let name = event.session.session_name.as_deref().unwrap_or("");
    let to = destination(event.session.live_streaming.as_ref());
    println!("session {name:?} {state}{to}");
}

/// " on SERVICE (URL)", where the event says.
fn destination(live: Option<&LiveStreaming>) -> String {
    let Some(live) = live else {
        return String::new();
    };
    let service = live.service.as_ref().map_or("?", |s| s.as_str());
    let url = live
        .custom_live_streaming_settings
        .as_ref()
        .and_then(|s| s.stream_url.as_deref());
    match url {
        Some(url) => format!(" on {service} ({url})"),
        None => format!(" on {service}"),
    }
}

#[tokio::main]
async fn main() {
    let secret = std::env::var("ZOOM_WEBHOOK_SECRET_TOKEN").unwrap_or_default();
    if secret.trim().is_empty() {
        eprintln!(
            "set ZOOM_WEBHOOK_SECRET_TOKEN to your app's secret token (Zoom marketplace → your app → Features → Access)"
        );
        std::process::exit(2);
    }
    let bind = std::env::var("ZOOM_WEBHOOK_BIND").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let listener = match tokio::net::TcpListener::bind(&bind).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cannot listen on {bind}: {error}");
            std::process::exit(1);
        }
    };
    if let Ok(addr) = listener.local_addr() {
        eprintln!("listening on http://{addr}{PATH}");
    }

    let (sender, events) = mpsc::channel(QUEUE);
    tokio::spawn(work(events, on_event));
    if let Err(error) = axum::serve(listener, app(Verifier::new(secret), sender)).await {
        eprintln!("server stopped: {error}");
        std::process::exit(1);
    }
}

/// The receiver on a loopback port, fed signed deliveries over real HTTP.
#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;
    use zoom_testkit::webhooks::{self, Delivery};

    use super::*;

    const SECRET: &str = webhooks::SECRET_TOKEN;

    /// Serves the app on 127.0.0.1 with the worker, whose new events come out of the channel.
    async fn serve() -> (SocketAddr, mpsc::UnboundedReceiver<Event>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (sender, events) = mpsc::channel(QUEUE);
        let (handled, out) = mpsc::unbounded_channel();
        tokio::spawn(work(events, move |event| {
            let _ = handled.send(event);
        }));
        tokio::spawn(async move {
            axum::serve(listener, app(Verifier::new(SECRET), sender))
                .await
                .unwrap();
        });
        (addr, out)
    }

    /// POSTs `body` with `headers` over a plain TCP connection (no HTTP client, no proxy);
    /// returns the status and the body of the answer.
    async fn post(addr: SocketAddr, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let mut request = format!(
            "POST {PATH} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        // A refused oversized body may be answered before it is all read: ignore that error.
        let _ = stream.write_all(body).await;
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"));
        let body = answer
            .split_once("\r\n\r\n")
            .map_or(String::new(), |(_, b)| b.to_owned());
        (status, body)
    }

    async fn deliver(addr: SocketAddr, delivery: &Delivery) -> (u16, String) {
        let headers = [
            ("x-zm-signature", delivery.signature.as_str()),
            ("x-zm-request-timestamp", delivery.timestamp.as_str()),
        ];
        post(addr, &headers, &delivery.body).await
    }

    /// A sample re-signed at the current time, since the receiver reads the real clock.
    fn fresh(sample: Delivery) -> Delivery {
        Delivery::signed(SECRET, webhooks::unix_now(), sample.body)
    }

    async fn next(out: &mut mpsc::UnboundedReceiver<Event>) -> Event {
        // Only a guard against hanging forever, not a speed requirement.
        tokio::time::timeout(Duration::from_secs(30), out.recv())
            .await
            .expect("the worker handed on an event")
            .expect("the worker is running")
    }

    #[tokio::test]
    async fn verified_events_are_acknowledged_and_handed_on_once() {
        let (addr, mut out) = serve().await;
        let started = fresh(webhooks::meeting_live_streaming_started_non_ascii());
        assert_eq!(deliver(addr, &started).await.0, 200);
        // Zoom redelivers it: acknowledged again, not handed on again.
        assert_eq!(deliver(addr, &started).await.0, 200);
        let stopped = fresh(webhooks::meeting_live_streaming_stopped());
        assert_eq!(deliver(addr, &stopped).await.0, 200);
        let other = fresh(webhooks::other_event());
        assert_eq!(deliver(addr, &other).await.0, 200);

        let Event::MeetingLiveStreamingStarted(first) = next(&mut out).await else {
            panic!("not the started event")
        };
        assert_eq!(
            first.meeting.topic.as_deref(),
            Some(webhooks::NON_ASCII_TOPIC)
        );
        assert_eq!(
            next(&mut out).await.name(),
            "meeting.live_streaming_stopped"
        );
        assert_eq!(next(&mut out).await.name(), "meeting.participant_joined");
    }

    #[tokio::test]
    async fn lifecycle_events_are_handed_on_with_their_target() {
        let (addr, mut out) = serve().await;
        for sample in [webhooks::meeting_started(), webhooks::webinar_ended()] {
            assert_eq!(deliver(addr, &fresh(sample)).await.0, 200);
        }
        let started = next(&mut out).await;
        assert_eq!(started_or_ended(&started), "meeting 85746065432 started");
        let ended = next(&mut out).await;
        assert_eq!(started_or_ended(&ended), "webinar 91234567890 ended");
    }

    #[tokio::test]
    async fn url_validation_is_answered_as_python_computed() {
        let (addr, _out) = serve().await;
        let (status, body) = deliver(addr, &fresh(webhooks::url_validation())).await;
        assert_eq!(status, 200);
        let (plain, encrypted) = webhooks::url_validation_answer();
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"plainToken": plain, "encryptedToken": encrypted})
        );
    }

    #[tokio::test]
    async fn refusals_have_the_documented_statuses() {
        let (addr, mut out) = serve().await;
        let good = fresh(webhooks::meeting_live_streaming_started());

        let forged = good
            .clone()
            .with_signature(format!("v0={}", "0".repeat(64)));
        assert_eq!(deliver(addr, &forged).await.0, 401);
        let other_secret =
            Delivery::signed("another-secret", webhooks::unix_now(), good.body.clone());
        assert_eq!(deliver(addr, &other_secret).await.0, 401);
        let stale = Delivery::signed(SECRET, webhooks::unix_now() - 3600, good.body.clone());
        assert_eq!(deliver(addr, &stale).await.0, 401);
        let ahead = Delivery::signed(SECRET, webhooks::unix_now() + 3600, good.body.clone());
        assert_eq!(deliver(addr, &ahead).await.0, 401);
        assert_eq!(post(addr, &[], &good.body).await.0, 401);
        let only_signature = [("x-zm-signature", good.signature.as_str())];
        assert_eq!(post(addr, &only_signature, &good.body).await.0, 401);
        let malformed = [
            ("x-zm-signature", "sha256=abc"),
            ("x-zm-request-timestamp", good.timestamp.as_str()),
        ];
        assert_eq!(post(addr, &malformed, &good.body).await.0, 401);

        let not_json = Delivery::signed(SECRET, webhooks::unix_now(), &b"{\"event\": "[..]);
        assert_eq!(deliver(addr, &not_json).await.0, 400);

        let mut huge = vec![b' '; MAX_BODY + 1];
        huge[0] = b'{';
        let huge = Delivery::signed(SECRET, webhooks::unix_now(), huge);
        assert_eq!(deliver(addr, &huge).await.0, 413);

        // Nothing refused reached the worker: the next event it hands on is this one.
        assert_eq!(deliver(addr, &good).await.0, 200);
        assert_eq!(
            next(&mut out).await.name(),
            "meeting.live_streaming_started"
        );
        assert!(out.try_recv().is_err());
    }
}
