//! A Video SDK session's live stream: read it, point it at your RTMP server, start and stop
//! it, authenticating with the JWT the client signs from the Video SDK **API** key and
//! secret (feature `video-sdk` of `zoom-live-stream`).
//!
//! ```text
//! cargo run -p zoom-live-stream-examples --example session_live_stream
//! ```
//! Runs against the built-in simulator (its demo session and demo Video SDK app), so it
//! needs no credentials. Against Zoom, drop `api_base` and give your app's key and secret.

use zoom_live_stream::{
    Layout, LiveStreamSettings, LiveStreamStatus, Resolution, SessionId, UpdateLiveStream,
};
use zoom_testkit::simulator::{self, BlockingSimulator};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let simulator = BlockingSimulator::start()?;
    let client = zoom_live_stream::blocking::Client::builder()
        .video_sdk_jwt(
            simulator::DEMO_VIDEO_SDK_API_KEY,
            simulator::DEMO_VIDEO_SDK_API_SECRET,
        )
        .api_base(simulator.base_url())
        .build()?;
    // Session ids are base64; one that begins with `/` or contains `//` is encoded twice in
    // the path, as Zoom asks: the SDK does it.
    let session = SessionId::parse(simulator::SESSION_SLASHED_ID)?;

    let stream = client.session_live_stream(&session)?;
    println!(
        "stream URL {:?}, page {:?}",
        stream.stream_url, stream.page_url
    );

    let update = UpdateLiveStream::new(
        "rtmp://live.example.com/app",
        "my-stream-key",
        "https://example.com/watch",
    )
    .resolution(Resolution::P1080);
    client.update_session_live_stream(&session, &update)?;

    // A session's layout is gallery_view or speaker_view (follow_host is a meeting's).
    let start = LiveStreamStatus::start().settings(
        LiveStreamSettings::new()
            .layout(Layout::SpeakerView)
            .display_name("Weekly demo"),
    );
    client.update_session_live_stream_status(&session, &start)?;
    println!(
        "started: {}",
        simulator
            .session(simulator::SESSION_SLASHED_ID)
            .is_some_and(|s| s.streaming)
    );
    client.update_session_live_stream_status(&session, &LiveStreamStatus::stop())?;
    println!("stopped");
    Ok(())
}
