//! `zoom-live-stream`: read or control a Zoom meeting's or webinar's custom live stream.
//!
//! ```text
//! cargo run -p zoom-live-stream -- get 85746065432
//! ```
//! Run with `--help` for commands, options and exit codes.
#![forbid(unsafe_code)]

mod args;
mod connect;
mod report;

use std::process::ExitCode;

use args::{Action, Command, Invocation, Target};
use zoom_core::{Error, LiveStream};
use zoom_transport_reqwest::{ReqwestTransport, TokioSleep};
use zoom_transport_ureq::UreqTransport;

/// What a command produced.
enum Outcome {
    Stream(LiveStream),
    Done,
}

/// Runs `command` on `client`, adding `.await` for the async client: one dispatch for both.
macro_rules! dispatch {
    ($client:expr, $command:expr; $($await:tt)*) => {{
        let client = $client;
        match (&$command.target, &$command.action) {
            (Target::Meeting(id), Action::Get) => client.meeting_live_stream(id) $($await)* .map(Outcome::Stream),
            (Target::Webinar(id), Action::Get) => client.webinar_live_stream(id) $($await)* .map(Outcome::Stream),
            (Target::Meeting(id), Action::Update(body)) => client.update_meeting_live_stream(id, body) $($await)* .map(|()| Outcome::Done),
            (Target::Webinar(id), Action::Update(body)) => client.update_webinar_live_stream(id, body) $($await)* .map(|()| Outcome::Done),
            (Target::Meeting(id), Action::Status(status)) => client.update_meeting_live_stream_status(id, status) $($await)* .map(|()| Outcome::Done),
            (Target::Webinar(id), Action::Status(status)) => client.update_webinar_live_stream_status(id, status) $($await)* .map(|()| Outcome::Done),
        }
    }};
}

fn main() -> ExitCode {
    let command = match args::parse(std::env::args().skip(1)) {
        Ok(Invocation::Help) => {
            report::stdout(args::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(Invocation::Version) => {
            report::stdout(&format!("zoom-live-stream {}\n", env!("CARGO_PKG_VERSION")));
            return ExitCode::SUCCESS;
        }
        Ok(Invocation::Run(command)) => command,
        Err(error) => return report::usage(&error.0),
    };
    let destination =
        match connect::resolve(command.connection.clone(), |name| std::env::var(name).ok()) {
            Ok(destination) => destination,
            Err(error) => return report::usage(&error.0),
        };
    let result = if command.blocking {
        run_blocking(&command, &destination)
    } else {
        run_async(&command, &destination)
    };
    match result {
        Ok(Outcome::Stream(stream)) => {
            let json = report::live_stream_json(&stream, command.show_stream_key);
            report::stdout(&format!("{json}\n"));
            if !command.show_stream_key && stream.stream_key.is_some() {
                eprintln!(
                    "zoom-live-stream: stream key hidden; pass --show-stream-key to print it"
                );
            }
            ExitCode::SUCCESS
        }
        Ok(Outcome::Done) => {
            eprintln!("zoom-live-stream: done");
            ExitCode::SUCCESS
        }
        Err(error) => {
            let api_base = destination
                .api_base
                .as_deref()
                .unwrap_or(zoom_core::DEFAULT_API_BASE);
            let (line, code) = report::failure(&error, api_base);
            eprintln!("{line}");
            ExitCode::from(code)
        }
    }
}

fn run_blocking(command: &Command, destination: &connect::Destination) -> Result<Outcome, Error> {
    let transport = UreqTransport::default();
    let client = destination
        .configure(zoom_core::blocking::Client::builder(transport))
        .build()?;
    dispatch!(client, command;)
}

fn run_async(command: &Command, destination: &connect::Destination) -> Result<Outcome, Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Transport {
            error: zoom_core::TransportError::new(zoom_core::TransportErrorKind::Other, e),
            may_have_been_applied: false,
        })?;
    runtime.block_on(async {
        let transport = ReqwestTransport::new().map_err(|error| Error::Transport {
            error,
            may_have_been_applied: false,
        })?;
        let client = destination
            .configure(zoom_core::Client::builder(transport).sleeper(TokioSleep))
            .build()?;
        dispatch!(client, command; .await)
    })
}
