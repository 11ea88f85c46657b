//! Where the tool connects: real Zoom with credentials from flags or the environment, or,
//! with neither credentials nor an API base, the built-in simulator.

use std::time::Duration;

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
}

/// A resolved destination; holds the simulator alive while the command runs.
pub(crate) struct Destination {
    pub(crate) credentials: Credentials,
    pub(crate) api_base: Option<String>,
    pub(crate) oauth_base: Option<String>,
    pub(crate) timeout: Option<Duration>,
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
        };
        if let Some(base) = &destination.api_base {
            builder = builder.api_base(base.as_str());
        }
        if let Some(base) = &destination.oauth_base {
            builder = builder.oauth_base(base.as_str());
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

/// The default retry policy, with no new attempt started after `timeout`.
pub(crate) fn retry_within(timeout: Duration) -> RetryPolicy {
    RetryPolicy::default().max_elapsed(timeout)
}

/// Picks credentials and hosts from the options (clap has already read the environment).
pub(crate) fn resolve(global: &Global) -> Result<Destination, String> {
    let pick = |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty());
    let token = pick(&global.token);
    let account_id = pick(&global.account_id);
    let client_id = pick(&global.client_id);
    let client_secret = pick(&global.client_secret);
    let api_base = pick(&global.api_base);
    let oauth_base = pick(&global.oauth_base);

    let s2s_given = [&account_id, &client_id, &client_secret]
        .iter()
        .any(|v| v.is_some());
    let credentials = match (token, account_id, client_id, client_secret) {
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
        _ => None,
    };
    if let Some(base) = &api_base {
        warn_about_api_base(base);
    }
    match credentials {
        Some(credentials) => Ok(Destination {
            credentials,
            api_base,
            oauth_base,
            timeout: global.timeout,
            _simulator: None,
        }),
        None if api_base.is_some() || oauth_base.is_some() => Err(
            "an API or OAuth base is set but no credentials: set ZOOM_ACCESS_TOKEN, or ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET".into(),
        ),
        None => start_simulator(global.timeout),
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

fn start_simulator(timeout: Option<Duration>) -> Result<Destination, String> {
    let simulator = BlockingSimulator::start()
        .map_err(|e| format!("could not start the built-in Zoom simulator: {e}"))?;
    report::say(&format!(
        "zoom-live-stream: no Zoom credentials set; using the built-in Zoom simulator at {} (demo meeting {}, webinar {})",
        simulator.base_url(),
        simulator::DEMO_MEETING_ID,
        simulator::DEMO_WEBINAR_ID,
    ));
    Ok(Destination {
        credentials: Credentials::ServerToServer {
            account_id: simulator::DEMO_ACCOUNT_ID.into(),
            client_id: simulator::DEMO_CLIENT_ID.into(),
            client_secret: SecretString::new(simulator::DEMO_CLIENT_SECRET),
        },
        api_base: Some(simulator.base_url()),
        oauth_base: Some(simulator.oauth_base()),
        timeout,
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
        let destination = resolve(&global(&[
            "--token",
            "t",
            "--account-id",
            "a",
            "--api-base",
            "http://flag/v2",
        ]))
        .unwrap();
        assert!(matches!(destination.credentials, Credentials::Token(_)));
        assert_eq!(destination.api_base.as_deref(), Some("http://flag/v2"));
        assert!(destination._simulator.is_none());
    }

    #[test]
    fn partial_s2s_credentials_or_a_base_without_credentials_are_usage_errors() {
        assert!(resolve(&global(&["--account-id", "a"])).is_err());
        assert!(resolve(&global(&["--api-base", "http://x/v2"])).is_err());
        let all = global(&[
            "--account-id",
            "a",
            "--client-id",
            "c",
            "--client-secret",
            "s",
        ]);
        assert!(matches!(
            resolve(&all).unwrap().credentials,
            Credentials::ServerToServer { .. }
        ));
    }
}
