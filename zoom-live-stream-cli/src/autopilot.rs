//! `zoom-live-stream autopilot`: a webhook endpoint like `listen` that starts each target's
//! live stream when its meeting starts and keeps it live, printing one JSON line per
//! decision. The decisions are zoom-autopilot's, the driving is
//! `zoom_live_stream::autopilot`'s; this module reads the targets (options or a TOML file),
//! wires the client, the store and the endpoint, and prints.

use std::process::ExitCode;
use std::sync::Arc;

use serde::Deserialize;
use zoom_live_stream::autopilot::{Autopilot, AutopilotTarget, Handled, Policy};
use zoom_live_stream::{
    LiveStreamSettings, MeetingId, Resolution, SecretString, SessionId, UpdateLiveStream, WebinarId,
};
use zoom_testkit::simulator::WebhookConfig;

use crate::args::{AutopilotArgs, Global, parse_seconds, parse_stream_url};
use crate::connect::{self, Credentials, Destination, configure};
use crate::report;
use crate::webhook_http::Route;

/// A meeting or webinar id, as a TOML number or string.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Id {
    Number(u64),
    Text(String),
}

impl Id {
    fn text(&self) -> String {
        match self {
            Id::Number(n) => n.to_string(),
            Id::Text(t) => t.clone(),
        }
    }
}

/// One `[[target]]` table (and the options, read the same way).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    meeting: Option<Id>,
    webinar: Option<Id>,
    session: Option<String>,
    stream_url: Option<String>,
    page_url: Option<String>,
    stream_key: Option<String>,
    resolution: Option<String>,
    display_name: Option<String>,
    restart_delay: Option<f64>,
    max_restarts: Option<u32>,
}

/// The file: `[[target]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    target: Vec<Spec>,
}

impl Spec {
    /// The autopilot's target; `default_key` (ZOOM_STREAM_KEY) for a table without a key.
    fn target(&self, default_key: Option<&str>) -> Result<AutopilotTarget, String> {
        let mut target = match (&self.meeting, &self.webinar, &self.session) {
            (Some(id), None, None) => AutopilotTarget::meeting(
                MeetingId::parse(&id.text()).map_err(|e| format!("meeting: {}", e.reason()))?,
            ),
            (None, Some(id), None) => AutopilotTarget::webinar(
                WebinarId::parse(&id.text()).map_err(|e| format!("webinar: {}", e.reason()))?,
            ),
            (None, None, Some(id)) => AutopilotTarget::session(
                SessionId::parse(id).map_err(|e| format!("session: {}", e.reason()))?,
            ),
            _ => return Err("each target names one meeting, one webinar or one session".into()),
        };
        let name = target.target().to_string();
        match (&self.stream_url, &self.page_url) {
            (None, None) => {}
            (Some(url), Some(page)) => {
                parse_stream_url(url).map_err(|e| format!("{name}: stream_url: {e}"))?;
                let key = self.stream_key.as_deref().or(default_key).ok_or_else(|| {
                    format!("{name}: a stream URL needs its stream key (stream_key, --stream-key or ZOOM_STREAM_KEY)")
                })?;
                let mut update = UpdateLiveStream::new(url, SecretString::from(key), page);
                if let Some(resolution) = &self.resolution {
                    update = update.resolution(match resolution.as_str() {
                        "720p" => Resolution::P720,
                        "1080p" => Resolution::P1080,
                        other => {
                            return Err(format!("{name}: resolution {other:?}: 720p or 1080p"));
                        }
                    });
                }
                target = target.stream(update);
            }
            _ => {
                return Err(format!(
                    "{name}: give both a stream URL and a page URL, or neither"
                ));
            }
        }
        if let Some(display_name) = &self.display_name {
            target = target.start_settings(LiveStreamSettings::new().display_name(display_name));
        }
        let mut policy = Policy::default();
        if let Some(delay) = self.restart_delay {
            policy.restart_delay = parse_seconds(&delay.to_string())
                .map_err(|e| format!("{name}: restart_delay {e}"))?;
        }
        if let Some(max) = self.max_restarts {
            policy.max_restarts = max;
        }
        Ok(target.policy(policy))
    }
}

impl AutopilotArgs {
    /// The targets, from the options or the file; the error is a usage message.
    fn targets(&self) -> Result<Vec<AutopilotTarget>, String> {
        let Some(path) = &self.config else {
            let spec = Spec {
                meeting: self.meeting.clone().map(Id::Text),
                webinar: self.webinar.clone().map(Id::Text),
                session: self.session.clone(),
                stream_url: self.stream_url.clone(),
                page_url: self.page_url.clone(),
                stream_key: None,
                resolution: self
                    .resolution
                    .map(|r| Resolution::from(r).as_str().to_owned()),
                display_name: self.display_name.clone(),
                restart_delay: self.restart_delay.map(|d| d.as_secs_f64()),
                max_restarts: self.max_restarts,
            };
            if spec.meeting.is_none() && spec.webinar.is_none() && spec.session.is_none() {
                return Err(
                    "autopilot needs a target: --meeting ID, --webinar ID, --session ID or --config FILE".into(),
                );
            }
            return Ok(vec![spec.target(self.stream_key.as_deref())?]);
        };
        let given = [
            ("--stream-url", self.stream_url.is_some()),
            ("--page-url", self.page_url.is_some()),
            ("--resolution", self.resolution.is_some()),
            ("--display-name", self.display_name.is_some()),
            ("--restart-delay", self.restart_delay.is_some()),
            ("--max-restarts", self.max_restarts.is_some()),
        ];
        if let Some((option, _)) = given.iter().find(|(_, set)| *set) {
            return Err(format!(
                "{option} goes into the file's [[target]] tables with --config"
            ));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--config {}: {e}", path.display()))?;
        let file: File =
            toml::from_str(&text).map_err(|e| format!("--config {}: {e}", path.display()))?;
        if file.target.is_empty() {
            return Err(format!("--config {}: no [[target]] table", path.display()));
        }
        file.target
            .iter()
            .map(|spec| spec.target(self.stream_key.as_deref()))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("--config {}: {e}", path.display()))
    }
}

/// Checks everything, then runs the endpoint until stopped (or stdout fails).
pub(crate) fn run(args: &AutopilotArgs, global: &Global) -> Result<ExitCode, String> {
    let secret = args.serve.secret("autopilot")?;
    let targets = args.targets()?;
    // Only sessions: the Video SDK API's JWT may serve (as for the other session commands).
    let sessions_only = targets
        .iter()
        .all(|t| matches!(t.target(), zoom_live_stream::webhook::Target::Session(_)));
    let destination = connect::resolve(global, sessions_only)?;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            report::say(&format!(
                "zoom-live-stream: cannot start the runtime: {error}"
            ));
            return Ok(ExitCode::from(report::NETWORK));
        }
    };
    Ok(runtime.block_on(serve(args, secret, targets, &destination)))
}

async fn serve(
    args: &AutopilotArgs,
    secret: SecretString,
    targets: Vec<AutopilotTarget>,
    destination: &Destination,
) -> ExitCode {
    let listening = match args.serve.listen().await {
        Ok(listening) => listening,
        Err(code) => return code,
    };
    if let Some(simulator) = &destination._simulator {
        // The offline demo: the built-in simulator delivers its webhooks here.
        if let Ok(webhook) = WebhookConfig::new(&listening.url, secret.clone()) {
            simulator.set_webhook(Some(webhook));
        }
        let base = simulator.oauth_base();
        report::say(&format!(
            "zoom-live-stream: the built-in simulator delivers its webhooks here; play a meeting with curl -X POST {base}/__admin/meetings/ID/end (then /start, /drop-stream)"
        ));
    }
    let mut builder = configure!(zoom_live_stream::Client::builder(), destination);
    let store = match &destination.redis {
        Some(config) => match crate::shared::with_tokio(config) {
            Ok(store) => Some(Arc::new(store.decisions_too())),
            Err(error) => {
                report::say(&format!("zoom-live-stream: {error}"));
                return ExitCode::from(report::USAGE);
            }
        },
        None => None,
    };
    if let Some(store) = &store {
        builder = builder.shared_store(store.clone());
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(error) => {
            report::say(&format!("zoom-live-stream: {}", report::chain(&error)));
            return ExitCode::from(report::USAGE);
        }
    };

    // Printing blocks on stdout: its own thread, so neither the answers nor the calls wait.
    let (lines, printer) = std::sync::mpsc::channel::<String>();
    let (stdout_gone, gone) = tokio::sync::oneshot::channel::<u8>();
    let spawned = std::thread::Builder::new()
        .name("autopilot-printer".to_owned())
        .spawn(move || {
            let _ = stdout_gone.send(print(&printer));
        });
    if let Err(error) = spawned {
        report::say(&format!(
            "zoom-live-stream: cannot start the printer: {error}"
        ));
        return ExitCode::from(report::OUTPUT);
    }

    let scope = match &destination.credentials {
        Credentials::ServerToServer { account_id, .. } => account_id.clone(),
        // The Video SDK API key names the account's Video SDK app: public, like an account id.
        Credentials::VideoSdk { api_key, .. } => api_key.clone(),
        Credentials::Token(_) => zoom_live_stream::autopilot::DEFAULT_SCOPE.to_owned(),
    };
    let mut autopilot = Autopilot::builder(client)
        .scope(scope)
        .on_decision(move |decision| {
            let _ = lines.send(serde_json::to_string(decision).unwrap_or_default());
        });
    if let Some(store) = store {
        autopilot = autopilot.shared_store(store);
    }
    for target in targets {
        autopilot = autopilot.target(target);
    }
    let autopilot = match autopilot.build() {
        Ok(autopilot) => autopilot,
        Err(error) => {
            report::say(&format!("zoom-live-stream: invalid input: {error}"));
            return ExitCode::from(report::USAGE);
        }
    };
    let sink = Box::new(move |event: zoom_live_stream::webhook::Event| {
        match autopilot.handle(&event) {
            Handled::Queued => {}
            Handled::UnknownTarget(target) => report::say(&format!(
                "zoom-live-stream: verified {} of {target}, not a target of this autopilot",
                event.name()
            )),
            _ => report::say(&format!(
                "zoom-live-stream: verified {} (not an event the autopilot uses)",
                event.name()
            )),
        }
        Ok(())
    });
    let route = Route::new(secret, args.serve.path.clone(), sink);
    let stop = async { gone.await.unwrap_or(report::OUTPUT) };
    crate::webhook_http::serve(listening, route, stop).await
}

/// Writes each line; the exit code once stdout cannot be written: 0 when its reader has
/// gone, 1 on another error.
fn print(lines: &std::sync::mpsc::Receiver<String>) -> u8 {
    use std::io::Write as _;
    while let Ok(line) = lines.recv() {
        let mut stdout = std::io::stdout().lock();
        match writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => return 0,
            Err(error) => {
                report::say(&format!(
                    "zoom-live-stream: could not write a decision: {error}"
                ));
                return report::OUTPUT;
            }
        }
    }
    report::OUTPUT
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(toml_text: &str) -> Result<Vec<AutopilotTarget>, String> {
        let file: File = toml::from_str(toml_text).map_err(|e| e.to_string())?;
        file.target
            .iter()
            .map(|s| s.target(Some("env-key")))
            .collect()
    }

    #[test]
    fn a_file_gives_one_target_per_table() {
        let targets = spec(
            r#"
            [[target]]
            meeting = 85746065432
            stream_url = "rtmp://live.example.com/app"
            page_url = "https://example.com/watch"
            resolution = "1080p"
            restart_delay = 2.5
            max_restarts = 1

            [[target]]
            webinar = "91234567890"
            display_name = "Launch"
            "#,
        )
        .unwrap();
        assert_eq!(targets.len(), 2);
        assert_eq!(targets[0].target().to_string(), "meeting 85746065432");
        assert_eq!(targets[1].target().to_string(), "webinar 91234567890");
        let shown = format!("{targets:?}");
        assert!(!shown.contains("env-key"), "{shown}");
    }

    #[test]
    fn mistakes_in_a_file_are_named() {
        for (text, expected) in [
            (
                "[[target]]\nmeeting = 1\nwebinar = 2",
                "one meeting, one webinar or one session",
            ),
            ("[[target]]\nsession = \"a b\"", "session"),
            (
                "[[target]]\nmeeting = 1\nstream_url = \"rtmp://a/b\"",
                "neither",
            ),
            ("[[target]]\nmeeting = \"x\"", "meeting"),
            ("[[target]]\nmeeting = 1\ncolour = \"red\"", "unknown field"),
            (
                "[[target]]\nmeeting = 1\nstream_url = \"https://a/b\"\npage_url = \"https://e\"",
                "rtmp",
            ),
            (
                "[[target]]\nmeeting = 1\nstream_url = \"rtmp://a/b\"\npage_url = \"https://e\"\nresolution = \"4k\"",
                "720p or 1080p",
            ),
        ] {
            let error = spec(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }
}
