//! Where the tool connects: real Zoom with credentials from flags or the environment, or,
//! with neither credentials nor an API base, the built-in simulator.

use zoom_core::{ClientBuilder, SecretString};
use zoom_testkit::simulator::{self, BlockingSimulator};

use crate::args::{Connection, UsageError};

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
    pub(crate) _simulator: Option<BlockingSimulator>,
}

impl Destination {
    /// Applies credentials and hosts to a client builder of either kind.
    pub(crate) fn configure<P>(&self, mut builder: ClientBuilder<P>) -> ClientBuilder<P> {
        builder = match &self.credentials {
            Credentials::Token(token) => builder.bearer_token(token.clone()),
            Credentials::ServerToServer {
                account_id,
                client_id,
                client_secret,
            } => builder.server_to_server_oauth(account_id, client_id, client_secret.clone()),
        };
        if let Some(base) = &self.api_base {
            builder = builder.api_base(base);
        }
        if let Some(base) = &self.oauth_base {
            builder = builder.oauth_base(base);
        }
        builder
    }
}

/// Fills flags from the environment (`env` is `std::env::var` outside tests).
pub(crate) fn resolve(
    flags: Connection,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Destination, UsageError> {
    let pick = |flag: Option<String>, name: &str| {
        flag.or_else(|| env(name)).filter(|v| !v.trim().is_empty())
    };
    let token = pick(flags.token, "ZOOM_ACCESS_TOKEN");
    let account_id = pick(flags.account_id, "ZOOM_ACCOUNT_ID");
    let client_id = pick(flags.client_id, "ZOOM_CLIENT_ID");
    let client_secret = pick(flags.client_secret, "ZOOM_CLIENT_SECRET");
    let api_base = pick(flags.api_base, "ZOOM_API_BASE");
    let oauth_base = pick(flags.oauth_base, "ZOOM_OAUTH_BASE");

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
            return Err(UsageError(
                "Server-to-Server OAuth needs all of ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET".into(),
            ));
        }
        _ => None,
    };
    match credentials {
        Some(credentials) => Ok(Destination { credentials, api_base, oauth_base, _simulator: None }),
        None if api_base.is_some() || oauth_base.is_some() => Err(UsageError(
            "an API or OAuth base is set but no credentials: set ZOOM_ACCESS_TOKEN, or ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET".into(),
        )),
        None => start_simulator(),
    }
}

fn start_simulator() -> Result<Destination, UsageError> {
    let simulator = BlockingSimulator::start()
        .map_err(|e| UsageError(format!("could not start the built-in Zoom simulator: {e}")))?;
    eprintln!(
        "zoom-live-stream: no Zoom credentials set; using the built-in Zoom simulator at {} (demo meeting {}, webinar {})",
        simulator.base_url(),
        simulator::DEMO_MEETING_ID,
        simulator::DEMO_WEBINAR_ID,
    );
    Ok(Destination {
        credentials: Credentials::ServerToServer {
            account_id: simulator::DEMO_ACCOUNT_ID.into(),
            client_id: simulator::DEMO_CLIENT_ID.into(),
            client_secret: SecretString::new(simulator::DEMO_CLIENT_SECRET),
        },
        api_base: Some(simulator.base_url()),
        oauth_base: Some(simulator.oauth_base()),
        _simulator: Some(simulator),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn a_token_wins_and_flags_beat_the_environment() {
        let flags = Connection {
            api_base: Some("http://flag/v2".into()),
            ..Connection::default()
        };
        let destination = resolve(
            flags,
            env(&[
                ("ZOOM_ACCESS_TOKEN", "t"),
                ("ZOOM_API_BASE", "http://env/v2"),
            ]),
        )
        .unwrap();
        assert!(matches!(destination.credentials, Credentials::Token(_)));
        assert_eq!(destination.api_base.as_deref(), Some("http://flag/v2"));
        assert!(destination._simulator.is_none());
    }

    #[test]
    fn partial_s2s_credentials_or_a_base_without_credentials_are_usage_errors() {
        assert!(resolve(Connection::default(), env(&[("ZOOM_ACCOUNT_ID", "a")])).is_err());
        assert!(
            resolve(
                Connection::default(),
                env(&[("ZOOM_API_BASE", "http://x/v2")])
            )
            .is_err()
        );
        let all = env(&[
            ("ZOOM_ACCOUNT_ID", "a"),
            ("ZOOM_CLIENT_ID", "c"),
            ("ZOOM_CLIENT_SECRET", "s"),
        ]);
        assert!(matches!(
            resolve(Connection::default(), all).unwrap().credentials,
            Credentials::ServerToServer { .. }
        ));
    }
}
