//! `zoom-live-stream`: read or control a Zoom meeting's, webinar's or Video SDK session's
//! custom live stream.
//!
//! ```text
//! cargo install zoom-live-stream-cli
//! zoom-live-stream get 85746065432
//! ```
//! Run with `--help` for commands, options and exit codes. With no credentials set, the
//! tool answers from its built-in Zoom simulator on 127.0.0.1. With
//! `OTEL_EXPORTER_OTLP_ENDPOINT` set, it exports its spans over OTLP/HTTP (`otel.rs`).
#![forbid(unsafe_code)]

mod args;
mod autopilot;
mod connect;
mod join_token;
mod listen;
mod otel;
mod report;
mod shared;
mod signals;
mod target;
mod webhook_http;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use zoom_live_stream::{Error, JoinToken, LiveStream, StreamAction};

use args::{Cli, Commands};
use connect::{Destination, configure};
use target::{Action, Target};

/// What a command produced.
enum Outcome {
    Stream(LiveStream),
    JoinToken(JoinToken),
    Done,
}

/// Runs `action` on `client`, adding `.await` for the async client: one dispatch for both.
macro_rules! dispatch {
    ($client:expr, $action:expr; $($await:tt)*) => {{
        let client = $client;
        match $action {
            Action::Get { target: Target::Meeting(id), .. } => client.meeting_live_stream(id) $($await)* .map(Outcome::Stream),
            Action::Get { target: Target::Webinar(id), .. } => client.webinar_live_stream(id) $($await)* .map(Outcome::Stream),
            Action::Update(Target::Meeting(id), body) => client.update_meeting_live_stream(id, body) $($await)* .map(|()| Outcome::Done),
            Action::Update(Target::Webinar(id), body) => client.update_webinar_live_stream(id, body) $($await)* .map(|()| Outcome::Done),
            Action::Status(Target::Meeting(id), status) => client.update_meeting_live_stream_status(id, status) $($await)* .map(|()| Outcome::Done),
            Action::Status(Target::Webinar(id), status) => client.update_webinar_live_stream_status(id, status) $($await)* .map(|()| Outcome::Done),
            Action::JoinToken { target: Target::Meeting(id), .. } => client.meeting_live_stream_join_token(id) $($await)* .map(Outcome::JoinToken),
            Action::JoinToken { target: Target::Webinar(id), .. } => client.webinar_live_stream_join_token(id) $($await)* .map(Outcome::JoinToken),
            Action::Get { target: Target::Session(id), .. } => client.session_live_stream(id) $($await)* .map(Outcome::Stream),
            Action::Update(Target::Session(id), body) => client.update_session_live_stream(id, body) $($await)* .map(|()| Outcome::Done),
            Action::Status(Target::Session(id), status) => client.update_session_live_stream_status(id, status) $($await)* .map(|()| Outcome::Done),
            Action::JoinToken { target: Target::Session(never), .. } => match *never {},
        }
    }};
}

fn main() -> ExitCode {
    let parsed = Cli::command()
        .try_get_matches_from(std::env::args_os())
        .and_then(|matches| Ok((Cli::from_arg_matches(&matches)?, matches)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => return clap_exit(&error),
    };
    let exporter = init_tracing(cli.global.verbose);
    let code = run(&cli, &matches);
    // Also on failure exit codes: the spans of a failed call matter most.
    exporter.shutdown();
    code
}

/// Runs the parsed command.
fn run(cli: &Cli, matches: &clap::ArgMatches) -> ExitCode {
    if let Commands::Completions { shell } = &cli.command {
        let mut script = Vec::new();
        clap_complete::generate(*shell, &mut Cli::command(), "zoom-live-stream", &mut script);
        return write_out(&String::from_utf8_lossy(&script));
    }
    if let Commands::Listen(args) = &cli.command {
        if let Some(option) = args::unused_by_listen(matches) {
            return usage(&format!(
                "listen takes no {option}: it receives webhooks and calls no API"
            ));
        }
        return match listen::Listener::new(args) {
            Ok(listener) => listener.run(),
            Err(message) => usage(&message),
        };
    }
    if let Commands::Autopilot(args) = &cli.command {
        return autopilot::run(args, &cli.global).unwrap_or_else(|message| usage(&message));
    }
    let action = match cli.command.action() {
        Ok(Some(command)) => command,
        Ok(None) => return ExitCode::SUCCESS,
        Err(error) => return usage(&format!("invalid input: {error}")),
    };
    let destination = match connect::resolve(&cli.global, action.is_session()) {
        Ok(destination) => destination,
        Err(message) => return usage(&message),
    };
    // One trace per command: the SDK's call spans open inside this one.
    let span = tracing::info_span!(
        "zoom_live_stream.command",
        otel.name = %format_args!("zoom-live-stream {}", command_name(&action)),
        zoom.command = command_name(&action),
        error.type = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
    );
    let result = span.in_scope(|| {
        if cli.global.blocking {
            run_blocking(&action, &destination)
        } else {
            run_async(&action, &destination)
        }
    });
    if let Err(error) = &result {
        span.record("error.type", error.kind().as_str());
        span.record("otel.status_code", "ERROR");
    }
    drop(span);
    match result {
        Ok(Outcome::Stream(stream)) => {
            let show_stream_key = matches!(
                action,
                Action::Get {
                    show_stream_key: true,
                    ..
                }
            );
            let json = report::live_stream_json(&stream, show_stream_key);
            if let Err(error) = report::stdout(&format!("{json}\n")) {
                report::say(&format!(
                    "zoom-live-stream: could not write the result: {error}"
                ));
                return ExitCode::from(report::OUTPUT);
            }
            if !show_stream_key && stream.stream_key.is_some() {
                report::say(
                    "zoom-live-stream: stream key hidden; pass --show-stream-key to print it",
                );
            }
            ExitCode::SUCCESS
        }
        Ok(Outcome::JoinToken(token)) => {
            let show_token = matches!(
                action,
                Action::JoinToken {
                    show_token: true,
                    ..
                }
            );
            if let Err(error) =
                report::stdout(&format!("{}\n", join_token::json(&token, show_token)))
            {
                report::say(&format!(
                    "zoom-live-stream: could not write the result: {error}"
                ));
                return ExitCode::from(report::OUTPUT);
            }
            if !show_token {
                report::say("zoom-live-stream: join token hidden; pass --show-token to print it");
            }
            ExitCode::SUCCESS
        }
        Ok(Outcome::Done) => {
            report::say(&format!("zoom-live-stream: {}", done(&action)));
            ExitCode::SUCCESS
        }
        Err(error) => {
            let hosts = report::Hosts {
                api_base: destination
                    .api_base
                    .as_deref()
                    .unwrap_or(zoom_live_stream::endpoint::DEFAULT_API_BASE),
                oauth_base: destination
                    .oauth_base
                    .as_deref()
                    .unwrap_or(zoom_live_stream::DEFAULT_OAUTH_BASE),
                video_sdk_jwt: matches!(
                    destination.credentials,
                    connect::Credentials::VideoSdk { .. }
                ),
            };
            let (line, code) = report::failure(&error, &hosts);
            report::say(&line);
            ExitCode::from(code)
        }
    }
}

/// The command's name, for its span.
fn command_name(action: &Action) -> &'static str {
    match action {
        Action::Get { .. } => "get",
        Action::Update(..) => "update",
        Action::Status(_, status) if status.action == StreamAction::Start => "start",
        Action::Status(..) => "stop",
        Action::JoinToken { .. } => "join-token",
    }
}

/// What a state change did, in words.
fn done(action: &Action) -> String {
    match action {
        Action::Update(target, body) => format!(
            "updated the live stream of {target}: stream URL {}, page {}",
            body.stream_url, body.page_url
        ),
        Action::Status(target, status) if status.action == StreamAction::Start => {
            format!("started the live stream of {target}")
        }
        Action::Status(target, _) => format!("stopped the live stream of {target}"),
        Action::Get { target, .. } => format!("read the live stream of {target}"),
        Action::JoinToken { target, .. } => format!("got a join token for {target}"),
    }
}

/// Prints clap's own message (help, version, or a usage error) and picks the exit code.
fn clap_exit(error: &clap::Error) -> ExitCode {
    let printed = error.print();
    let code = u8::try_from(error.exit_code()).unwrap_or(report::USAGE);
    if printed.is_err() && code == 0 {
        // `--help > /dev/full`: the help was lost.
        return ExitCode::from(report::OUTPUT);
    }
    ExitCode::from(code)
}

/// Reports a usage error found after parsing, the way clap reports its own.
fn usage(message: &str) -> ExitCode {
    let error = Cli::command().error(clap::error::ErrorKind::ValueValidation, message);
    let _ = error.print();
    ExitCode::from(report::USAGE)
}

fn write_out(text: &str) -> ExitCode {
    match report::stdout(text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report::say(&format!(
                "zoom-live-stream: could not write the result: {error}"
            ));
            ExitCode::from(report::OUTPUT)
        }
    }
}

/// `-v`: the SDK's retries and failures; `-vv`: every call. `RUST_LOG` wins when set. The
/// SDK never puts a secret in an event, and only its own events are shown by default.
/// With OpenTelemetry's variables set, the spans are exported too (`otel.rs`); with neither,
/// no subscriber is installed at all.
fn init_tracing(verbose: u8) -> otel::Exporter {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    use tracing_subscriber::{EnvFilter, Layer as _};
    let filter = match EnvFilter::try_from_default_env() {
        Ok(filter) => Some(filter),
        Err(_) if verbose == 0 => None,
        Err(_) => Some(EnvFilter::new(match verbose {
            1 => "warn,zoom_core=info,zoom_live_stream=info",
            _ => "warn,zoom_core=debug,zoom_live_stream=debug",
        })),
    };
    let exporter = otel::Exporter::from_env();
    let export = exporter.layer();
    if filter.is_none() && export.is_none() {
        return exporter;
    }
    let log = filter.map(|filter| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_filter(filter)
    });
    let _ = tracing_subscriber::registry()
        .with(log)
        .with(export)
        .try_init();
    exporter
}

fn run_blocking(action: &Action, destination: &Destination) -> Result<Outcome, Error> {
    let mut builder = configure!(zoom_live_stream::blocking::Client::builder(), destination);
    if let Some(config) = &destination.redis {
        builder = builder.shared_store(shared::blocking(config));
    }
    let client = builder.build()?;
    dispatch!(client, action;)
}

fn run_async(action: &Action, destination: &Destination) -> Result<Outcome, Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            zoom_live_stream::TransportError::new(zoom_live_stream::TransportErrorKind::Other, e)
        })?;
    runtime.block_on(async {
        let mut builder = configure!(zoom_live_stream::Client::builder(), destination);
        if let Some(config) = &destination.redis {
            builder = builder.shared_store(shared::with_tokio(config)?);
        }
        let client = builder.build()?;
        dispatch!(client, action; .await)
    })
}
