//! What the tool prints: the result on stdout, one line per failure on stderr, exit codes.

use std::io::Write as _;

use zoom_live_stream::{ApiErrorKind, AuthErrorKind, Error, ErrorKind, LiveStream};

/// Exit code: the result could not be written.
pub(crate) const OUTPUT: u8 = 1;
/// Exit code: usage or input error, nothing sent.
pub(crate) const USAGE: u8 = 2;
/// Exit code: Zoom answered with an error or an unreadable answer.
pub(crate) const API: u8 = 3;
/// Exit code: could not talk to Zoom (its API or its token endpoint).
pub(crate) const NETWORK: u8 = 4;
/// Exit code: the credentials or the access token were refused.
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
    // Plain strings and options: serialising cannot fail.
    serde_json::to_string_pretty(&printed).unwrap_or_default()
}

/// Where the call went, for the messages (credentials in the URLs are never shown).
pub(crate) struct Hosts<'a> {
    pub(crate) api_base: &'a str,
    pub(crate) oauth_base: &'a str,
    /// Whether the credentials were the Video SDK app's key and secret (a JWT).
    pub(crate) video_sdk_jwt: bool,
}

impl Hosts<'_> {
    /// `text` without the `user:password@` of either base URL (a backend's message may
    /// quote the request's URL).
    fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for base in [self.api_base, self.oauth_base] {
            if let Some(userinfo) = userinfo(base) {
                text = text.replace(userinfo, "[redacted]@");
            }
        }
        text
    }
}

/// The `user:password@` part of `url`, if it has one.
fn userinfo(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    authority.rfind('@').map(|at| &authority[..=at])
}

/// One line for stderr and the exit code for `error`.
pub(crate) fn failure(error: &Error, hosts: &Hosts<'_>) -> (String, u8) {
    let text = hosts.scrub(&chain(error));
    match error.kind() {
        ErrorKind::InvalidInput => (format!("zoom-live-stream: {text}"), USAGE),
        ErrorKind::Transport => (
            format!(
                "zoom-live-stream: network error talking to {}: {text}",
                redact_url(hosts.api_base)
            ),
            NETWORK,
        ),
        ErrorKind::Auth
            if error
                .auth()
                .is_some_and(|a| a.kind() == AuthErrorKind::Transport) =>
        {
            (
                format!(
                    "zoom-live-stream: network error talking to the token endpoint at {}: {text}",
                    redact_url(hosts.oauth_base)
                ),
                NETWORK,
            )
        }
        ErrorKind::Auth => (format!("zoom-live-stream: {text}"), AUTH),
        ErrorKind::Api
            if error
                .api()
                .is_some_and(|api| api.kind() == ApiErrorKind::OAuthRequired) =>
        {
            (
                format!(
                    "zoom-live-stream: {text}\nhint: this operation takes only an OAuth access token: use Server-to-Server OAuth (--account-id, --client-id, --client-secret) rather than a JWT app's token"
                ),
                AUTH,
            )
        }
        ErrorKind::Api
            if hosts.video_sdk_jwt
                && error.api().is_some_and(|api| {
                    matches!(
                        api.kind(),
                        ApiErrorKind::InvalidAccessToken | ApiErrorKind::Unauthorized
                    )
                }) =>
        {
            (
                format!(
                    "zoom-live-stream: {text}\nhint: Zoom refused the Video SDK JWT the tool signed: check ZOOM_VIDEO_SDK_API_KEY and ZOOM_VIDEO_SDK_API_SECRET (the Video SDK app's API key and secret, not its SDK key) and this machine's clock"
                ),
                AUTH,
            )
        }
        ErrorKind::Api
            if error.api().is_some_and(|api| {
                matches!(
                    api.kind(),
                    ApiErrorKind::InvalidAccessToken | ApiErrorKind::Unauthorized
                )
            }) =>
        {
            (
                format!(
                    "zoom-live-stream: {text}\nhint: Zoom refused the access token: get a new one (they expire after an hour), and check that the app has the live-stream scopes (docs/AUTH.md)"
                ),
                AUTH,
            )
        }
        _ => (format!("zoom-live-stream: {text}"), API),
    }
}

/// The error and its causes, each layer saying only its own part.
pub(crate) fn chain(error: &Error) -> String {
    let mut line = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        line = format!("{line}: {inner}");
        cause = inner.source();
    }
    line
}

/// `url` with any `user:password@` replaced, so credentials in a URL are never printed.
pub(crate) fn redact_url(url: &str) -> String {
    match userinfo(url) {
        Some(userinfo) => url.replacen(userinfo, "[redacted]@", 1),
        None => url.to_owned(),
    }
}

/// Writes `text` to stdout. A reader that went away (`| head`) is not an error; any other
/// failure (a full disk) is, so that the output is never lost silently.
pub(crate) fn stdout(text: &str) -> Result<(), std::io::Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(error),
        _ => Ok(()),
    }
}

/// Writes a line to stderr; if stderr itself is gone there is nobody left to tell.
pub(crate) fn say(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_urls_are_redacted() {
        assert_eq!(
            redact_url("http://user:pass@127.0.0.1:1/v2"),
            "http://[redacted]@127.0.0.1:1/v2"
        );
        assert_eq!(
            redact_url("https://api.zoom.us/v2"),
            "https://api.zoom.us/v2"
        );
        assert_eq!(redact_url("https://h/v2?a=b@c"), "https://h/v2?a=b@c");
        assert_eq!(redact_url("not a url"), "not a url");
    }
}
