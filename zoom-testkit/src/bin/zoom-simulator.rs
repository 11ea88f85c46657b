//! `zoom-simulator`: the loopback Zoom live-stream simulator as a process, for
//! tests written in any language (drive it through its `/__admin/` API).
//!
//! Built with the `simulator` feature of zoom-testkit: from a checkout,
//! `cargo run -p zoom-testkit --features simulator --bin zoom-simulator -- --port 8080`.
//!
//! ```text
//! zoom-simulator [--port N] [--rate-limit N] [--daily-limit N] [--token-ttl SECS]
//!                [--webhook-url URL [--webhook-secret-token SECRET] [--webhook-time-scale N]]
//! ```

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use zoom_testkit::simulator::{
    DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_JWT_TOKEN, DEMO_MEETING_ID,
    DEMO_SESSION_ID, DEMO_STATIC_TOKEN, DEMO_VIDEO_SDK_API_KEY, DEMO_VIDEO_SDK_API_SECRET,
    DEMO_WEBINAR_ID, MEETING_HOST_MISSING, MEETING_HOST_NOT_IN_ACCOUNT,
    MEETING_HOSTING_NOT_ALLOWED, MEETING_LIVE_STREAMING_NOT_ALLOWED, MEETING_NO_STREAM,
    SESSION_NOT_STARTED, SESSION_SLASHED_ID, Simulator, SimulatorConfig,
    WEBINAR_LIVE_STREAMING_NOT_ALLOWED, WEBINAR_NOT_STARTED, WebhookConfig,
};

/// Where the webhook secret comes from when `--webhook-secret-token` is not given.
const SECRET_ENV: &str = "ZOOM_WEBHOOK_SECRET_TOKEN";

const USAGE: &str =
    "usage: zoom-simulator [--port N] [--rate-limit N] [--daily-limit N] [--token-ttl SECS]
                      [--webhook-url URL [--webhook-secret-token SECRET] [--webhook-time-scale N]]

  --port N                       port on 127.0.0.1 (default 0: a free port)
  --rate-limit N                 per-second request limit (default: unlimited)
  --daily-limit N                API calls allowed per UTC day (default: unlimited)
  --token-ttl SECS               lifetime of issued tokens (default 3599)
  --webhook-url URL              deliver meeting.live_streaming_started/stopped (and the
                                 session.* events) to this http:// URL when a stream starts
                                 or stops through the API
  --webhook-secret-token SECRET  sign deliveries with it (default: $ZOOM_WEBHOOK_SECRET_TOKEN)
  --webhook-time-scale N         retry N times faster than Zoom's 5/20/60 minutes (default 1)";

fn parse_args(
    args: impl IntoIterator<Item = String>,
    env_secret: Option<String>,
) -> Result<SimulatorConfig, String> {
    let mut config = SimulatorConfig::default();
    let (mut webhook_url, mut webhook_secret, mut time_scale) = (None, env_secret, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        let mut text = |what: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs {what}"))
        };
        let mut value = |what: &str| -> Result<u64, String> {
            let text = text(what)?;
            text.parse()
                .map_err(|_| format!("{flag}: '{text}' is not {what}"))
        };
        match flag.as_str() {
            "--webhook-url" => webhook_url = Some(text("a URL")?),
            "--webhook-secret-token" => webhook_secret = Some(text("a secret token")?),
            "--webhook-time-scale" => {
                time_scale = Some(
                    u32::try_from(value("a number")?)
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| "--webhook-time-scale: 1 to 4294967295".to_owned())?,
                );
            }
            "--port" => {
                config.port = u16::try_from(value("a port number")?)
                    .map_err(|_| "--port: out of range".to_owned())?;
            }
            "--rate-limit" => {
                config.rate_limit_per_second = Some(
                    u32::try_from(value("a number")?)
                        .map_err(|_| "--rate-limit: out of range".to_owned())?,
                );
            }
            "--daily-limit" => {
                config.daily_limit = Some(
                    u32::try_from(value("a number")?)
                        .map_err(|_| "--daily-limit: out of range".to_owned())?,
                );
            }
            "--token-ttl" => config.token_ttl = Duration::from_secs(value("a number of seconds")?),
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    match webhook_url {
        Some(url) => {
            let secret = webhook_secret.ok_or_else(|| {
                format!("--webhook-url needs --webhook-secret-token or {SECRET_ENV}")
            })?;
            let webhook = WebhookConfig::new(&url, secret)?;
            config.webhook = Some(webhook.time_scale(time_scale.unwrap_or(1)));
        }
        None if time_scale.is_some() => {
            return Err("--webhook-time-scale needs --webhook-url".to_owned());
        }
        None => {}
    }
    Ok(config)
}

fn banner(simulator: &Simulator) -> String {
    let origin = simulator.oauth_base();
    format!(
        "zoom-simulator listening on {origin} (API base {base})
token endpoint: {origin}/oauth/token
account_id: {DEMO_ACCOUNT_ID}
client_id: {DEMO_CLIENT_ID}
client_secret: {DEMO_CLIENT_SECRET}
static bearer token: {DEMO_STATIC_TOKEN}
JWT app's bearer token: {DEMO_JWT_TOKEN} (join tokens: 400/124)
meeting {DEMO_MEETING_ID}: stream configured, started
meeting {MEETING_HOST_NOT_IN_ACCOUNT}: host not in account (400/1010)
meeting {MEETING_HOSTING_NOT_ALLOWED}: hosting not allowed (400/3161)
meeting {MEETING_HOST_MISSING}: host missing (404/1001)
meeting {MEETING_NO_STREAM}: no stream configured, not started
webinar {DEMO_WEBINAR_ID}: stream configured, started
webinar {WEBINAR_NOT_STARTED}: stream configured, not started
meeting {MEETING_LIVE_STREAMING_NOT_ALLOWED}, webinar {WEBINAR_LIVE_STREAMING_NOT_ALLOWED}: live streaming not allowed (join token: 400/3000)
Video SDK API key: {DEMO_VIDEO_SDK_API_KEY}
Video SDK API secret: {DEMO_VIDEO_SDK_API_SECRET} (HS256 JWTs with iss = the key; OAuth tokens work too)
session {DEMO_SESSION_ID}: stream configured, started
session {SESSION_SLASHED_ID}: stream configured, started (its id is encoded twice in paths)
session {SESSION_NOT_STARTED}: no stream configured, not started
admin API: {origin}/__admin/ (sessions: /__admin/sessions/{{id}}, …/start, …/end)
{webhook}",
        base = simulator.base_url(),
        webhook = match simulator.webhook() {
            Some(webhook) => format!(
                "webhooks: meeting.live_streaming_started/stopped and session.* to {} (retries {}x faster than Zoom's)\n",
                webhook.url(),
                webhook.scale()
            ),
            None => "webhooks: none (--webhook-url URL to deliver)\n".to_owned(),
        },
    )
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let env_secret = std::env::var(SECRET_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty());
    let config = match parse_args(args.drain(..), env_secret) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("zoom-simulator: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("zoom-simulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let simulator = match Simulator::start_with(config).await {
            Ok(simulator) => simulator,
            Err(e) => {
                eprintln!("zoom-simulator: cannot listen: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(banner(&simulator).as_bytes());
        let _ = stdout.flush();
        drop(stdout);
        // Serve until the process is interrupted or killed.
        std::future::pending::<()>().await;
        drop(simulator);
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: Option<&str>) -> Result<SimulatorConfig, String> {
        parse_args(args.iter().map(|a| (*a).to_owned()), env.map(str::to_owned))
    }

    #[test]
    fn webhook_flags_configure_deliveries() {
        let config = parse(
            &[
                "--webhook-url",
                "http://127.0.0.1:9000/zoom/events",
                "--webhook-secret-token=s3cret",
                "--webhook-time-scale",
                "1000",
            ],
            None,
        )
        .unwrap();
        let webhook = config.webhook.unwrap();
        assert_eq!(
            webhook.url().to_string(),
            "http://127.0.0.1:9000/zoom/events"
        );
        assert_eq!(webhook.secret_token().expose_secret(), "s3cret");
        assert_eq!(webhook.scale(), 1000);

        // The secret from the environment; the flag wins over it.
        let from_env = parse(&["--webhook-url=http://localhost/h"], Some("env-secret")).unwrap();
        let webhook = from_env.webhook.unwrap();
        assert_eq!(webhook.secret_token().expose_secret(), "env-secret");
        assert_eq!(webhook.scale(), 1);
        assert!(parse(&[], Some("env-secret")).unwrap().webhook.is_none());
    }

    #[test]
    fn bad_webhook_flags_are_refused() {
        for (args, env) in [
            (&["--webhook-url", "http://127.0.0.1:9/h"][..], None),
            (
                &["--webhook-url", "https://hooks.example.com/h"][..],
                Some("s"),
            ),
            (&["--webhook-url", "::"][..], Some("s")),
            (&["--webhook-time-scale", "10"][..], Some("s")),
            (
                &[
                    "--webhook-url",
                    "http://127.0.0.1:9/h",
                    "--webhook-time-scale",
                    "0",
                ][..],
                Some("s"),
            ),
            (&["--webhook-url"][..], Some("s")),
        ] {
            assert!(parse(args, env).is_err(), "{args:?}");
        }
    }
}
