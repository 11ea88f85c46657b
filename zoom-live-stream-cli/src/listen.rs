//! `zoom-live-stream listen`: receive Zoom's webhooks on a local port and print one JSON line
//! per verified live-stream or lifecycle event.
//!
//! Every request is verified with zoom_webhook's `Verifier` (the secret from
//! `ZOOM_WEBHOOK_SECRET_TOKEN`) and answered at once; the printing happens on a thread of its
//! own behind a queue, so a slow stdout never delays an answer past Zoom's 3 seconds.
//! Redeliveries are recognised by zoom_webhook's `Deduplicator` and printed once.

use std::io::Write as _;
use std::process::ExitCode;

use tokio::sync::mpsc::{self, error::TrySendError};
use zoom_live_stream::SecretString;
use zoom_live_stream::secret::REDACTED;
use zoom_live_stream::webhook::{Deduplicator, Event, LiveStreaming};

use crate::report;
use crate::webhook_http::{Busy, Route, ServeArgs};

const ABOUT: &str = "\
Prints one JSON line per verified event: the live-stream events (meeting.live_streaming_started
and _stopped, session.live_streaming_started and _stopped) and the lifecycle events
(meeting.started and .ended, webinar.started and .ended, session.started and .ended). Other
events are acknowledged and named on stderr. Redeliveries are printed once.

Answers like a Zoom webhook endpoint should: 200 to verified deliveries (other event types
too; endpoint.url_validation with its {plainToken, encryptedToken}), 401 to a missing, wrong
or stale signature (over 5 minutes from this machine's clock), 400 to a verified body that
is not JSON, 413 above 64 KiB, 404 to other paths, 405 to other methods, 503 when the
printer is 1024 events behind.

Zoom only delivers to HTTPS: put it behind a TLS reverse proxy (docs/WEBHOOKS.md). To try it
offline, point the simulator at it:
  zoom-simulator --webhook-url http://127.0.0.1:8080/zoom/events --webhook-secret-token S

Exit codes: 2 when ZOOM_WEBHOOK_SECRET_TOKEN is unset or an option is wrong, 4 when the
address cannot be listened on, 1 when stdout fails (0 when its reader has gone), 130 after
SIGINT (Ctrl-C) and 143 after SIGTERM (spans not yet exported are flushed first).";

/// `listen`'s options.
#[derive(Debug, clap::Args)]
#[command(after_help = ABOUT)]
pub(crate) struct ListenArgs {
    #[command(flatten)]
    serve: ServeArgs,
    /// Print the stream key instead of [redacted].
    #[arg(long)]
    show_stream_key: bool,
}

/// How many verified events may wait for the printer before new ones are answered 503.
const QUEUE: usize = 1024;
/// How many deliveries the de-duplicator remembers (Zoom's retries span 85 minutes).
const REMEMBERED: usize = 10_000;

/// A receiver ready to run: the options checked and the secret read.
pub(crate) struct Listener<'a> {
    args: &'a ListenArgs,
    secret: SecretString,
}

impl<'a> Listener<'a> {
    /// Checks the options and reads the secret; the error is a usage message.
    pub(crate) fn new(args: &'a ListenArgs) -> Result<Self, String> {
        let secret = args.serve.secret("listen")?;
        Ok(Self { args, secret })
    }

    /// Runs the receiver until the process is stopped (or stdout fails).
    pub(crate) fn run(self) -> ExitCode {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(error) => {
                report::say(&format!(
                    "zoom-live-stream: cannot start the runtime: {error}"
                ));
                return ExitCode::from(report::NETWORK);
            }
        };
        runtime.block_on(serve(self.args, self.secret))
    }
}

async fn serve(args: &ListenArgs, secret: SecretString) -> ExitCode {
    let listening = match args.serve.listen().await {
        Ok(listening) => listening,
        Err(code) => return code,
    };
    let (events, queue) = mpsc::channel(QUEUE);
    let (stdout_gone, gone) = tokio::sync::oneshot::channel::<u8>();
    let show_stream_key = args.show_stream_key;
    // Printing blocks on stdout: its own thread, so the answers never wait for it.
    let spawned = std::thread::Builder::new()
        .name("listen-printer".to_owned())
        .spawn(move || {
            let code = print_events(queue, show_stream_key);
            let _ = stdout_gone.send(code);
        });
    if let Err(error) = spawned {
        report::say(&format!(
            "zoom-live-stream: cannot start the printer: {error}"
        ));
        return ExitCode::from(report::OUTPUT);
    }
    // Never wait here: a full queue is a 503, and Zoom delivers the event again later.
    let sink = Box::new(move |event| match events.try_send(event) {
        Ok(()) => Ok(()),
        Err(TrySendError::Full(_) | TrySendError::Closed(_)) => Err(Busy),
    });
    let route = Route::new(secret, args.serve.path.clone(), sink);
    let stop = async { gone.await.unwrap_or(report::OUTPUT) };
    crate::webhook_http::serve(listening, route, stop).await
}

/// The printer: skips redeliveries, prints one line per live-stream or lifecycle event.
/// Returns the exit code once stdout cannot be written: 0 when its reader has gone
/// (`listen | head -n 1`), 1 on another error.
fn print_events(mut queue: mpsc::Receiver<Event>, show_stream_key: bool) -> u8 {
    let mut seen = Deduplicator::new(REMEMBERED);
    while let Some(event) = queue.blocking_recv() {
        if seen.is_duplicate(&event) {
            report::say(&format!(
                "zoom-live-stream: {} delivered again; printed once",
                event.name()
            ));
            continue;
        }
        let Some(line) = event_line(&event, show_stream_key) else {
            report::say(&format!(
                "zoom-live-stream: verified {} (not a live-stream or lifecycle event; not printed)",
                event.name()
            ));
            continue;
        };
        let mut stdout = std::io::stdout().lock();
        match writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => return 0,
            Err(error) => {
                report::say(&format!(
                    "zoom-live-stream: could not write an event: {error}"
                ));
                return report::OUTPUT;
            }
        }
    }
    report::OUTPUT
}

/// One JSON line for a live-stream or lifecycle event: `event` plus the typed event's fields
/// (`event_ts`, `account_id`, and `meeting`, `webinar` or `session`), the stream key
/// `[redacted]` unless asked for. Other events give `None`.
pub(crate) fn event_line(event: &Event, show_stream_key: bool) -> Option<String> {
    let (json, object, live) = match event {
        Event::MeetingLiveStreamingStarted(e) | Event::MeetingLiveStreamingStopped(e) => (
            serde_json::to_value(e),
            "meeting",
            e.meeting.live_streaming.as_ref(),
        ),
        Event::SessionLiveStreamingStarted(e) | Event::SessionLiveStreamingStopped(e) => (
            serde_json::to_value(e),
            "session",
            e.session.live_streaming.as_ref(),
        ),
        Event::MeetingStarted(e) | Event::MeetingEnded(e) => {
            (serde_json::to_value(e), "meeting", None)
        }
        Event::WebinarStarted(e) | Event::WebinarEnded(e) => {
            (serde_json::to_value(e), "webinar", None)
        }
        Event::SessionStarted(e) | Event::SessionEnded(e) => {
            (serde_json::to_value(e), "session", None)
        }
        _ => return None,
    };
    let mut json = json.ok()?;
    let key = live
        .and_then(|l: &LiveStreaming| l.custom_live_streaming_settings.as_ref())
        .and_then(|s| s.stream_key.as_ref());
    if let (Some(key), Some(slot)) = (
        key,
        json.pointer_mut(&format!(
            "/{object}/live_streaming/custom_live_streaming_settings/stream_key"
        )),
    ) {
        *slot = serde_json::Value::from(if show_stream_key {
            key.expose_secret()
        } else {
            REDACTED
        });
    }
    if let Some(map) = json.as_object_mut() {
        map.insert("event".to_owned(), event.name().into());
    }
    Some(json.to_string())
}
