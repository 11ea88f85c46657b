//! Keep a meeting's live stream up from your own axum app: the webhook route verifies each
//! delivery, hands it to the autopilot and answers at once; the autopilot starts the stream
//! when the meeting starts, restarts it when it drops, and reports each decision.
//!
//! ```text
//! cargo run -p zoom-live-stream-examples --example axum_autopilot
//! ```
//!
//! Offline (no `ZOOM_ACCOUNT_ID`, `ZOOM_CLIENT_ID`, `ZOOM_CLIENT_SECRET`), it starts the
//! simulator, points its webhooks at this route, and says how to play a meeting:
//!
//! ```text
//! curl -X POST http://127.0.0.1:PORT/__admin/meetings/85746065432/end
//! curl -X POST http://127.0.0.1:PORT/__admin/meetings/85746065432/start
//! curl -X POST http://127.0.0.1:PORT/__admin/meetings/85746065432/drop-stream
//! ```
//!
//! With credentials it calls Zoom: set `ZOOM_WEBHOOK_SECRET_TOKEN`, `ZOOM_MEETING_ID`, and
//! the stream to apply (`ZOOM_STREAM_URL`, `ZOOM_STREAM_KEY`, `ZOOM_PAGE_URL`; without them
//! the stream configured in Zoom is started as it is), and put a TLS reverse proxy in front
//! (docs/WEBHOOKS.md). `ZOOM_WEBHOOK_BIND` picks the address (default `127.0.0.1:8080`).
//! With `ZOOM_REDIS_URL`, every replica of the app shares one Redis and one acts on each
//! event (docs/AUTOPILOT.md).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use zoom_live_stream::autopilot::{Autopilot, AutopilotTarget, DecisionRecord};
use zoom_live_stream::webhook::{Event, MAX_BODY_BYTES, Verifier};
use zoom_live_stream::{Client, MeetingId, UpdateLiveStream};

/// Where Zoom posts.
const PATH: &str = "/zoom/events";

/// The route's state: the verifier and the autopilot.
#[derive(Clone)]
struct Receiver {
    verifier: Arc<Verifier>,
    autopilot: Autopilot,
}

/// The webhook route, ready to be served or merged into your own router.
fn app(verifier: Verifier, autopilot: Autopilot) -> Router {
    Router::new()
        .route(PATH, post(receive))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(Receiver {
            verifier: Arc::new(verifier),
            autopilot,
        })
}

/// Verifies, hands the event to the autopilot (which only queues it) and answers: Zoom
/// wants a 2xx within 3 seconds, and the calls happen after.
async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
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
        Ok(event) => {
            // Other events and other meetings are acknowledged too.
            let _ = receiver.autopilot.handle(&event);
            StatusCode::OK.into_response()
        }
        Err(error) => {
            eprintln!("refused a delivery: {error}");
            error.status().into_response()
        }
    }
}

/// Your code: here, one JSON line per decision (the record never holds the stream key).
fn on_decision(decision: &DecisionRecord) {
    println!("{}", serde_json::to_string(decision).unwrap_or_default());
}

/// The meeting to keep live, with its stream settings when they are given.
fn target(meeting: u64) -> AutopilotTarget {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let target = AutopilotTarget::meeting(MeetingId::new(meeting));
    match (
        env("ZOOM_STREAM_URL"),
        env("ZOOM_STREAM_KEY"),
        env("ZOOM_PAGE_URL"),
    ) {
        (Some(url), Some(key), Some(page)) => target.stream(UpdateLiveStream::new(url, key, page)),
        _ => target,
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use zoom_testkit::simulator::{self, Simulator, WebhookConfig};

    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let bind = env("ZOOM_WEBHOOK_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    let url = format!("http://{}{PATH}", listener.local_addr()?);

    let credentials = (
        env("ZOOM_ACCOUNT_ID"),
        env("ZOOM_CLIENT_ID"),
        env("ZOOM_CLIENT_SECRET"),
    );
    let mut _simulator = None;
    let (client, secret, meeting) = match credentials {
        (Some(account), Some(client), Some(secret)) => {
            let Some(webhook_secret) = env("ZOOM_WEBHOOK_SECRET_TOKEN") else {
                eprintln!("set ZOOM_WEBHOOK_SECRET_TOKEN to your app's secret token");
                std::process::exit(2);
            };
            let meeting = env("ZOOM_MEETING_ID")
                .and_then(|id| id.parse().ok())
                .ok_or("set ZOOM_MEETING_ID to the meeting to keep live")?;
            let client = Client::builder()
                .server_to_server_oauth(account, client, secret)
                .build()?;
            (client, webhook_secret, meeting)
        }
        _ => {
            let sim = Simulator::start().await?;
            let secret = "offline-demo-secret".to_owned();
            sim.set_webhook(Some(WebhookConfig::new(&url, secret.clone())?));
            eprintln!(
                "no Zoom credentials set; the simulator at {} delivers its webhooks here. Play a meeting:\n  \
                 curl -X POST {origin}/__admin/meetings/{id}/end\n  \
                 curl -X POST {origin}/__admin/meetings/{id}/start\n  \
                 curl -X POST {origin}/__admin/meetings/{id}/drop-stream",
                sim.base_url(),
                origin = sim.oauth_base(),
                id = simulator::DEMO_MEETING_ID,
            );
            let client = Client::builder()
                .bearer_token(simulator::DEMO_STATIC_TOKEN)
                .api_base(sim.base_url())
                .build()?;
            _simulator = Some(sim);
            (client, secret, simulator::DEMO_MEETING_ID)
        }
    };

    let mut autopilot = Autopilot::builder(client)
        .target(target(meeting))
        .on_decision(on_decision);
    if let Some(redis) = env("ZOOM_REDIS_URL") {
        autopilot = autopilot.shared_store(zoom_store_redis::RedisStore::connect(&redis)?);
    }
    let autopilot = autopilot.build()?;
    eprintln!("listening on {url}");
    axum::serve(listener, app(Verifier::new(secret), autopilot)).await?;
    Ok(())
}

/// The route on loopback, fed by the simulator's deliveries, driving the simulator's meeting.
#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    use zoom_testkit::simulator::{self, SimMeeting, Simulator, WebhookConfig};

    use super::*;

    const SECRET: &str = "example-test-secret";

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_meeting_start_starts_its_stream_once() {
        let sim = Simulator::start().await.unwrap();
        sim.upsert_meeting(
            simulator::DEMO_MEETING_ID,
            SimMeeting {
                started: false,
                ..SimMeeting::demo()
            },
        );
        let decisions = Arc::new(Mutex::new(Vec::new()));
        let seen = decisions.clone();
        let client = Client::builder()
            .bearer_token(simulator::DEMO_STATIC_TOKEN)
            .api_base(sim.base_url())
            .build()
            .unwrap();
        let autopilot = Autopilot::builder(client)
            .target(AutopilotTarget::meeting(simulator::DEMO_MEETING_ID))
            .on_decision(move |d| seen.lock().unwrap().push(d.to_json()))
            .build()
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}{PATH}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            axum::serve(listener, app(Verifier::new(SECRET), autopilot))
                .await
                .unwrap();
        });
        sim.set_webhook(Some(WebhookConfig::new(&url, SECRET).unwrap()));

        sim.start_meeting(simulator::DEMO_MEETING_ID).unwrap();
        // Only a guard against hanging forever, not a speed requirement.
        let deadline = Instant::now() + Duration::from_secs(30);
        while !decisions
            .lock()
            .unwrap()
            .iter()
            .any(|d| d["reason"] == "confirmed")
        {
            assert!(Instant::now() < deadline, "{:?}", decisions.lock().unwrap());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(sim.meeting(simulator::DEMO_MEETING_ID).unwrap().streaming);
        let actions: Vec<String> = decisions
            .lock()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["action"].as_str().unwrap(),
                    d["reason"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(
            actions,
            [
                "start run_started",
                "wait awaiting_confirmation",
                "ignore confirmed"
            ]
        );
    }
}
