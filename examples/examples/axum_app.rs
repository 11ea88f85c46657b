//! A web app that reads live streams through one `zoom_live_stream::Client` kept in the
//! app's state (clones share its connection pool, token cache and rate limiter).
//!
//! ```text
//! cargo run -p zoom-live-stream-examples --example axum_app
//! curl -s http://127.0.0.1:3000/meetings/85746065432/livestream
//! ```
//! With `ZOOM_ACCOUNT_ID`, `ZOOM_CLIENT_ID` and `ZOOM_CLIENT_SECRET` set it asks Zoom;
//! without them it starts the built-in simulator and asks it. `PORT` picks the port.
//!
//! The answer is the `LiveStream` as JSON, whose stream key serializes as `[redacted]`, and
//! a Zoom error becomes an HTTP status of this app's own: 404 for a meeting that does not
//! exist, 502 when Zoom could not be reached or failed, 400 for a malformed id.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use zoom_live_stream::{Client, ErrorKind, LiveStream, MeetingRef};

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct AppState {
    /// One client for the whole app.
    pub(crate) zoom: Client,
}

/// The app's routes.
pub(crate) fn router(zoom: Client) -> Router {
    Router::new()
        .route("/meetings/{id}/livestream", get(meeting_live_stream))
        .with_state(AppState { zoom })
}

async fn meeting_live_stream(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<LiveStream>, (StatusCode, String)> {
    // A meeting id or an instance UUID: the live-stream GET takes both.
    let id = MeetingRef::parse(&id).map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
    match state.zoom.meeting_live_stream(id).await {
        Ok(stream) => Ok(Json(stream)),
        Err(error) if error.is_not_found() => Err((StatusCode::NOT_FOUND, error.to_string())),
        Err(error) if error.kind() == ErrorKind::InvalidInput => {
            Err((StatusCode::BAD_REQUEST, error.to_string()))
        }
        Err(error) => Err((StatusCode::BAD_GATEWAY, error.to_string())),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut _simulator = None;
    let zoom = match (
        env("ZOOM_ACCOUNT_ID"),
        env("ZOOM_CLIENT_ID"),
        env("ZOOM_CLIENT_SECRET"),
    ) {
        (Some(account), Some(client), Some(secret)) => Client::builder()
            .server_to_server_oauth(account, client, secret)
            .build()?,
        _ => {
            use zoom_testkit::simulator::{self, Simulator};
            let sim = Simulator::start().await?;
            eprintln!(
                "no Zoom credentials set; asking the simulator at {}",
                sim.base_url()
            );
            let client = Client::builder()
                .server_to_server_oauth(
                    simulator::DEMO_ACCOUNT_ID,
                    simulator::DEMO_CLIENT_ID,
                    simulator::DEMO_CLIENT_SECRET,
                )
                .api_base(sim.base_url())
                .oauth_base(sim.oauth_base())
                .build()?;
            _simulator = Some(sim);
            client
        }
    };
    let port: u16 = env("PORT").and_then(|p| p.parse().ok()).unwrap_or(3000);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!(
        "listening on http://{}/meetings/85746065432/livestream",
        listener.local_addr()?
    );
    axum::serve(listener, router(zoom)).await?;
    Ok(())
}
