//! Get a meeting's live stream with the async client of `zoom-live-stream` (reqwest and
//! tokio underneath; nothing else to pick).
//!
//! ```text
//! ZOOM_ACCESS_TOKEN=… cargo run -p zoom-live-stream-examples --example get_live_stream -- 85746065432
//! ```
//! `ZOOM_API_BASE` overrides the API base (for example the simulator's
//! `http://127.0.0.1:PORT/v2`, with `ZOOM_ACCESS_TOKEN=sim-static-token`).

use std::process::ExitCode;

use zoom_live_stream::{Client, MeetingRef};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(id) = std::env::args().nth(1) else {
        eprintln!("usage: get_live_stream <meeting-id-or-uuid>");
        return ExitCode::from(2);
    };
    match run(&id).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(id: &str) -> zoom_live_stream::Result<()> {
    let mut builder =
        Client::builder().bearer_token(std::env::var("ZOOM_ACCESS_TOKEN").unwrap_or_default());
    if let Ok(base) = std::env::var("ZOOM_API_BASE") {
        builder = builder.api_base(base);
    }
    let client = builder.build()?;
    let stream = client.meeting_live_stream(MeetingRef::parse(id)?).await?;
    println!(
        "stream URL: {}",
        stream.stream_url.as_deref().unwrap_or("(none)")
    );
    println!(
        "page URL:   {}",
        stream.page_url.as_deref().unwrap_or("(none)")
    );
    println!(
        "resolution: {}",
        stream.resolution.map(|r| r.to_string()).unwrap_or_default()
    );
    println!(
        "stream key: {}",
        if stream.stream_key.is_some() {
            "set (not shown)"
        } else {
            "(none)"
        }
    );
    Ok(())
}
