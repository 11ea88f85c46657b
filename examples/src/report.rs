//! What the tool prints: the result on stdout, one line per failure on stderr, exit codes.

use std::process::ExitCode;

use zoom_core::{Error, ErrorKind, LiveStream};

/// Exit code: usage or input error, nothing sent.
pub(crate) const USAGE: u8 = 2;
/// Exit code: Zoom answered with an error or an unreadable answer.
pub(crate) const API: u8 = 3;
/// Exit code: could not talk to Zoom.
pub(crate) const NETWORK: u8 = 4;
/// Exit code: no access token could be obtained.
pub(crate) const AUTH: u8 = 5;

/// The live stream as printed: Zoom's field order, the key `[redacted]` unless asked for.
#[derive(serde::Serialize)]
struct Printed<'a> {
    stream_url: Option<&'a str>,
    stream_key: Option<&'a str>,
    page_url: Option<&'a str>,
    resolution: Option<&'a str>,
}

/// The live stream as pretty JSON; the stream key stays `[redacted]` unless asked for.
pub(crate) fn live_stream_json(stream: &LiveStream, show_stream_key: bool) -> String {
    let printed = Printed {
        stream_url: stream.stream_url.as_deref(),
        stream_key: stream.stream_key.as_ref().map(|key| {
            if show_stream_key {
                key.expose_secret()
            } else {
                "[redacted]"
            }
        }),
        page_url: stream.page_url.as_deref(),
        resolution: stream.resolution.as_ref().map(|r| r.as_str()),
    };
    serde_json::to_string_pretty(&printed).unwrap_or_default()
}

/// One line for stderr and the exit code for `error`; `api_base` names where a network
/// error happened.
pub(crate) fn failure(error: &Error, api_base: &str) -> (String, u8) {
    match error.kind() {
        ErrorKind::InvalidInput => (format!("zoom-live-stream: {error}"), USAGE),
        ErrorKind::Transport => (
            format!(
                "zoom-live-stream: network error talking to {api_base}: {}",
                with_causes(error)
            ),
            NETWORK,
        ),
        ErrorKind::Auth => (format!("zoom-live-stream: {error}"), AUTH),
        _ => (format!("zoom-live-stream: {error}"), API),
    }
}

/// The error and the causes its message does not already tell (backends nest them).
fn with_causes(error: &Error) -> String {
    let mut line = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        let text = inner.to_string();
        if !line.contains(&text) {
            line = format!("{line}: {text}");
        }
        cause = inner.source();
    }
    line
}

/// Writes `text` to stdout; a closed pipe (`| head`) is not an error worth a panic.
pub(crate) fn stdout(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Prints a usage error and returns its exit code.
pub(crate) fn usage(message: &str) -> ExitCode {
    eprintln!("zoom-live-stream: {message}\nTry 'zoom-live-stream --help'.");
    ExitCode::from(USAGE)
}
