//! Where the tool connects: real Zoom with credentials from flags or the environment, or,
//! with neither credentials nor an API base, the built-in simulator.

use std::time::Duration;

use zoom_live_stream::redis::RedisConfig;
use zoom_live_stream::{RetryPolicy, SecretString};
use zoom_testkit::simulator::{self, BlockingSimulator};

use crate::args::Global;
use crate::report;

/// How to authenticate.
pub(crate) enum Credentials {
    Token(SecretString),
    ServerToServer {
        account_id: String,
        client_id: String,
        client_secret: SecretString,
    },
    /// The Video SDK API's JWT, signed by the client (session commands only).
    VideoSdk {
        api_key: String,
        api_secret: SecretString,
    },
}

/// A resolved destination; holds the simulator alive while the command runs.
pub(crate) struct Destination {
    pub(crate) credentials: Credentials,
    pub(crate) api_base: Option<String>,
    pub(crate) oauth_base: Option<String>,
    pub(crate) timeout: Option<Duration>,
    /// The Redis shared with the tool's other processes.
    pub(crate) redis: Option<RedisConfig>,
    /// Requests per second, for all the processes sharing the Redis.
    pub(crate) rate_limit: Option<u32>,
    pub(crate) _simulator: Option<BlockingSimulator>,
}

/// Applies a destination to either facade builder (they have the same methods).
macro_rules! configure {
    ($builder:expr, $destination:expr) => {{
        let destination: &$crate::connect::Destination = $destination;
        let mut builder = match &destination.credentials {
            $crate::connect::Credentials::Token(token) => $builder.bearer_token(token.clone()),
            $crate::connect::Credentials::ServerToServer {
                account_id,
                client_id,
                client_secret,
            } => $builder.server_to_server_oauth(
                account_id.as_str(),
                client_id.as_str(),
                client_secret.clone(),
            ),
            $crate::connect::Credentials::VideoSdk {
                api_key,
                api_secret,
            } => $builder.video_sdk_jwt(api_key.as_str(), api_secret.clone()),
        };
        if let Some(base) = &destination.api_base {
            builder = builder.api_base(base.as_str());
        }
        if let Some(base) = &destination.oauth_base {
            builder = builder.oauth_base(base.as_str());
        }
        if let Some(rate) = destination.rate_limit {
            builder = builder.rate_limiter($crate::connect::rate_limiter(rate));
        }
        if let Some(timeout) = destination.timeout {
            builder = builder
                .connect_timeout(timeout)
                .timeout(timeout)
                .retry_policy($crate::connect::retry_within(timeout));
        }
        builder
    }};
}
pub(crate) use configure;

/// `rate` requests per second, bursts of half of it (at least 1).
pub(crate) fn rate_limiter(rate: u32) -> zoom_live_stream::RateLimiter {
    zoom_live_stream::RateLimiter::per_second(rate)
}

/// The default retry policy, with no new attempt started after `timeout`.
pub(crate) fn retry_within(timeout: Duration) -> RetryPolicy {
    RetryPolicy::default().max_elapsed(timeout)
}

/// Picks credentials and hosts from the options (clap has already read the environment).
/// For a Video SDK session (`session`) the Video SDK API key and secret come first; the
/// meeting API takes them not.
pub(crate) fn resolve(global: &Global, session: bool) -> Result<Destination, String> {
    let pick = |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty());
    let token = pick(&global.token);
    let account_id = pick(&global.account_id);
    let client_id = pick(&global.client_id);
    let client_secret = pick(&global.client_secret);
    let api_base = pick(&global.api_base);
    let oauth_base = pick(&global.oauth_base);

    let video_sdk = match (
        pick(&global.video_sdk_api_key),
        pick(&global.video_sdk_api_secret),
    ) {
        (Some(api_key), Some(api_secret)) => Some(Credentials::VideoSdk {
            api_key,
            api_secret: SecretString::new(api_secret),
        }),
        (None, None) => None,
        _ => {
            return Err(
                "the Video SDK API's JWT needs both ZOOM_VIDEO_SDK_API_KEY and ZOOM_VIDEO_SDK_API_SECRET".into(),
            );
        }
    };
    let s2s_given = [&account_id, &client_id, &client_secret]
        .iter()
        .any(|v| v.is_some());
    let credentials = match (token, account_id, client_id, client_secret) {
        _ if session && video_sdk.is_some() => video_sdk,
        (Some(token), ..) => Some(Credentials::Token(SecretString::new(token))),
        (None, Some(account_id), Some(client_id), Some(client_secret)) => {
            Some(Credentials::ServerToServer {
                account_id,
                client_id,
                client_secret: SecretString::new(client_secret),
            })
        }
        _ if s2s_given => {
            return Err(
                "Server-to-Server OAuth needs all of ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET".into(),
            );
        }
        _ if video_sdk.is_some() => {
            return Err(
                "ZOOM_VIDEO_SDK_API_KEY and ZOOM_VIDEO_SDK_API_SECRET serve --session only: meetings and webinars need ZOOM_ACCESS_TOKEN, or ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET".into(),
            );
        }
        _ => None,
    };
    if let Some(base) = &api_base {
        warn_about_api_base(base);
    }
    let redis = match pick(&global.redis_url) {
        Some(url) => {
            Some(RedisConfig::new(&url).map_err(|e| format!("--redis-url: {}", e.message))?)
        }
        None => None,
    };
    let shared = |mut destination: Destination| {
        destination.redis = redis;
        destination.rate_limit = global.rate_limit;
        destination
    };
    match credentials {
        Some(credentials) => Ok(shared(Destination {
            credentials,
            api_base,
            oauth_base,
            timeout: global.timeout,
            redis: None,
            rate_limit: None,
            _simulator: None,
        })),
        None if api_base.is_some() || oauth_base.is_some() => Err(
            "an API or OAuth base is set but no credentials: set ZOOM_ACCESS_TOKEN, or ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (for --session: or ZOOM_VIDEO_SDK_API_KEY and ZOOM_VIDEO_SDK_API_SECRET)".into(),
        ),
        None => start_simulator(global.timeout, session).map(shared),
    }
}

/// Zoom's API lives under `/v2`: a base without it answers 404 to everything.
fn warn_about_api_base(base: &str) {
    if !base.trim().trim_end_matches('/').ends_with("/v2") {
        report::say(&format!(
            "zoom-live-stream: warning: the API base {} does not end in /v2 (Zoom's is https://api.zoom.us/v2)",
            report::redact_url(base)
        ));
    }
}

/// The built-in simulator, with its demo app's credentials: Server-to-Server OAuth, or for a
/// session the Video SDK app's key and secret (so the demo signs a JWT, as real use does).
fn start_simulator(timeout: Option<Duration>, session: bool) -> Result<Destination, String> {
    let simulator = BlockingSimulator::start()
        .map_err(|e| format!("could not start the built-in Zoom simulator: {e}"))?;
    report::say(&format!(
        "zoom-live-stream: no Zoom credentials set; using the built-in Zoom simulator at {} (demo meeting {}, webinar {}, session {})",
        simulator.base_url(),
        simulator::DEMO_MEETING_ID,
        simulator::DEMO_WEBINAR_ID,
        simulator::DEMO_SESSION_ID,
    ));
    let credentials = if session {
        Credentials::VideoSdk {
            api_key: simulator::DEMO_VIDEO_SDK_API_KEY.into(),
            api_secret: SecretString::new(simulator::DEMO_VIDEO_SDK_API_SECRET),
        }
    } else {
        Credentials::ServerToServer {
            account_id: simulator::DEMO_ACCOUNT_ID.into(),
            client_id: simulator::DEMO_CLIENT_ID.into(),
            client_secret: SecretString::new(simulator::DEMO_CLIENT_SECRET),
        }
    };
    Ok(Destination {
        credentials,
        api_base: Some(simulator.base_url()),
        oauth_base: Some(simulator.oauth_base()),
        timeout,
        redis: None,
        rate_limit: None,
        _simulator: Some(simulator),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn global(args: &[&str]) -> Global {
        let args = std::iter::once("zoom-live-stream")
            .chain(args.iter().copied())
            .chain(["get", "1"]);
        crate::args::Cli::try_parse_from(args).unwrap().global
    }

    #[test]
    fn a_token_wins_over_server_to_server_credentials() {
        let destination = resolve(
            &global(&[
                "--token",
                "t",
                "--account-id",
                "a",
                "--api-base",
                "http://flag/v2",
            ]),
            false,
        )
        .unwrap();
        assert!(matches!(destination.credentials, Credentials::Token(_)));
        assert_eq!(destination.api_base.as_deref(), Some("http://flag/v2"));
        assert!(destination._simulator.is_none());
    }

    #[test]
    fn partial_s2s_credentials_or_a_base_without_credentials_are_usage_errors() {
        assert!(resolve(&global(&["--account-id", "a"]), false).is_err());
        assert!(resolve(&global(&["--api-base", "http://x/v2"]), false).is_err());
        let all = global(&[
            "--account-id",
            "a",
            "--client-id",
            "c",
            "--client-secret",
            "s",
        ]);
        assert!(matches!(
            resolve(&all, false).unwrap().credentials,
            Credentials::ServerToServer { .. }
        ));
    }

    #[test]
    fn a_session_takes_the_video_sdk_key_and_secret_first_and_meetings_never() {
        let video_sdk = ["--video-sdk-api-key", "k", "--video-sdk-api-secret", "s"];
        let with_token = [&video_sdk[..], &["--token", "t"]].concat();
        assert!(matches!(
            resolve(&global(&with_token), true).unwrap().credentials,
            Credentials::VideoSdk { .. }
        ));
        assert!(matches!(
            resolve(&global(&with_token), false).unwrap().credentials,
            Credentials::Token(_)
        ));
        let error = resolve(&global(&video_sdk), false).err().unwrap();
        assert!(error.contains("serve --session only"), "{error}");
        let error = resolve(&global(&["--video-sdk-api-key", "k"]), true)
            .err()
            .unwrap();
        assert!(error.contains("needs both"), "{error}");
        assert!(matches!(
            resolve(&global(&["--token", "t"]), true)
                .unwrap()
                .credentials,
            Credentials::Token(_)
        ));
    }
}
