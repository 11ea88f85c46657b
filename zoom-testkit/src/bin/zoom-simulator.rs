//! `zoom-simulator`: the loopback Zoom live-stream simulator as a process, for
//! tests written in any language (drive it through its `/__admin/` API).
//!
//! ```text
//! zoom-simulator [--port N] [--rate-limit N] [--daily-limit N] [--token-ttl SECS]
//! ```

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use zoom_testkit::simulator::{
    DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_JWT_TOKEN, DEMO_MEETING_ID,
    DEMO_STATIC_TOKEN, DEMO_WEBINAR_ID, MEETING_HOST_MISSING, MEETING_HOST_NOT_IN_ACCOUNT,
    MEETING_HOSTING_NOT_ALLOWED, MEETING_LIVE_STREAMING_NOT_ALLOWED, MEETING_NO_STREAM, Simulator,
    SimulatorConfig, WEBINAR_LIVE_STREAMING_NOT_ALLOWED, WEBINAR_NOT_STARTED,
};

const USAGE: &str =
    "usage: zoom-simulator [--port N] [--rate-limit N] [--daily-limit N] [--token-ttl SECS]

  --port N          port on 127.0.0.1 (default 0: a free port)
  --rate-limit N    per-second request limit (default: unlimited)
  --daily-limit N   API calls allowed per UTC day (default: unlimited)
  --token-ttl SECS  lifetime of issued tokens (default 3599)";

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<SimulatorConfig, String> {
    let mut config = SimulatorConfig::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        let mut value = |what: &str| -> Result<u64, String> {
            let text = inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs {what}"))?;
            text.parse()
                .map_err(|_| format!("{flag}: '{text}' is not {what}"))
        };
        match flag.as_str() {
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
admin API: {origin}/__admin/
",
        base = simulator.base_url()
    )
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let config = match parse_args(args.drain(..)) {
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
