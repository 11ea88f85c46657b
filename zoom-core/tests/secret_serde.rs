//! The one rule for secrets in serde (docs/DESIGN.md): what the SDK sends to Zoom serialises
//! its secrets in clear; what it receives serialises them as `[redacted]`; `Deserialize`
//! always reads the value.

use std::time::Duration;

use zoom_core::{JoinToken, LiveStream, UpdateLiveStream};

const KEY: &str = "stream-key-3f9a";

#[test]
fn a_received_live_stream_reads_the_key_and_writes_it_redacted() {
    let body = format!(r#"{{"stream_url":"rtmp://live.example/app","stream_key":"{KEY}"}}"#);
    let stream: LiveStream = serde_json::from_str(&body).unwrap();
    assert_eq!(
        stream.stream_key.as_ref().map(|k| k.expose_secret()),
        Some(KEY)
    );
    let written = serde_json::to_value(&stream).unwrap();
    assert_eq!(written["stream_key"], "[redacted]");
    assert!(!written.to_string().contains(KEY), "{written}");
    assert!(!format!("{stream:?}").contains(KEY));
}

#[test]
fn a_received_join_token_reads_the_token_and_writes_it_redacted() {
    let token: JoinToken = serde_json::from_str(r#"{"token":"jt-8842","expire_in":120}"#).unwrap();
    assert_eq!(token.token.expose_secret(), "jt-8842");
    let written = serde_json::to_value(&token).unwrap();
    assert_eq!(
        written,
        serde_json::json!({"token": "[redacted]", "expire_in": 120})
    );
    assert_eq!(token.expire_in, Duration::from_secs(120));
    assert!(!format!("{token:?}").contains("jt-8842"));
}

#[test]
fn a_request_body_writes_the_key_in_clear_because_zoom_needs_it() {
    let update = UpdateLiveStream::new("rtmp://live.example/app", KEY, "https://example.com/p");
    let written = serde_json::to_value(&update).unwrap();
    assert_eq!(written["stream_key"], KEY);
    let read: UpdateLiveStream = serde_json::from_value(written).unwrap();
    assert_eq!(read, update);
    assert!(!format!("{update:?}").contains(KEY), "Debug still redacts");
}
