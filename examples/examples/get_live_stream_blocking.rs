//! Get a meeting's live stream with the blocking client of `zoom-live-stream`
//! (feature `blocking`, on ureq): no async runtime at all.
//!
//! ```text
//! ZOOM_ACCESS_TOKEN=… cargo run -p zoom-live-stream-examples --example get_live_stream_blocking -- 85746065432
//! ```
//! `ZOOM_API_BASE` overrides the API base.

use std::process::ExitCode;

use zoom_live_stream::MeetingRef;

fn main() -> ExitCode {
    let Some(id) = std::env::args().nth(1) else {
        eprintln!("usage: get_live_stream_blocking <meeting-id-or-uuid>");
        return ExitCode::from(2);
    };
    match run(&id) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(id: &str) -> zoom_live_stream::Result<()> {
    let mut builder = zoom_live_stream::blocking::Client::builder()
        .bearer_token(std::env::var("ZOOM_ACCESS_TOKEN").unwrap_or_default());
    if let Ok(base) = std::env::var("ZOOM_API_BASE") {
        builder = builder.api_base(base);
    }
    let client = builder.build()?;
    let stream = client.meeting_live_stream(MeetingRef::parse(id)?)?;
    println!(
        "stream URL: {}",
        stream.stream_url.as_deref().unwrap_or("(none)")
    );
    println!(
        "page URL:   {}",
        stream.page_url.as_deref().unwrap_or("(none)")
    );
    Ok(())
}
