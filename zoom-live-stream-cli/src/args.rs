//! The command line, parsed by clap: global options (before or after the subcommand), one
//! set of flags per subcommand, and the allowed values listed in each help.

use std::path::PathBuf;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{ArgAction, ArgMatches, Args, CommandFactory, Parser, Subcommand, ValueEnum};
use zoom_live_stream::{
    CloseCaption, InvalidInput, Layout, LiveStreamSettings, LiveStreamStatus, Resolution,
    UpdateLiveStream,
};

use crate::join_token::JoinTokenArgs;
use crate::target::{Action, StreamTargetArgs};
use crate::webhook_http::ServeArgs;

const EXIT_CODES: &str = "\
Ids: a meeting id or webinar id is a number (Zoom's int64). `get` also takes a meeting or
webinar instance's UUID (such as aDYlohsHRtCd4ii1uC2+hA==); update, start, stop and
join-token take only the number, as Zoom's API does (a UUID there is a usage error).

Video SDK sessions: get, update, start and stop take --session ID instead of a meeting id.
They authenticate with ZOOM_VIDEO_SDK_API_KEY and ZOOM_VIDEO_SDK_API_SECRET (the tool signs
an HS256 JWT with them), or else like meetings (an access token, Server-to-Server OAuth).
A session's layout is gallery_view or speaker_view.

With no credentials and no API base, the tool starts its built-in Zoom simulator on
127.0.0.1 and answers from it (it says so on stderr).

Proxies: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY are honoured for Zoom's hosts;
loopback addresses (the simulator) are always reached directly.

Many processes, one account: ZOOM_REDIS_URL (--redis-url) shares the token cache and,
with ZOOM_RATE_LIMIT (--rate-limit), the rate limit between every process of the tool.

Exit codes:
  0  success
  1  the result could not be written to stdout
  2  usage or input error (nothing was sent)
  3  Zoom answered with an error, or with an answer that could not be read
  4  network error (could not connect, timed out, connection dropped), also when
     talking to the token endpoint
  5  authentication failed: the credentials or the access token were refused";

/// Read or control a Zoom meeting's, webinar's or Video SDK session's custom live stream.
#[derive(Debug, Parser)]
#[command(name = "zoom-live-stream", version, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Commands,
}

/// Options every subcommand takes, before or after it.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// Use the blocking (ureq) client instead of the async (reqwest) one.
    #[arg(long, global = true)]
    pub(crate) blocking: bool,
    /// Seconds allowed to connect, and for the whole call (retries included).
    #[arg(long, global = true, value_name = "SECS", value_parser = parse_timeout)]
    pub(crate) timeout: Option<Duration>,
    /// Log what the SDK does to stderr (-v: retries and failures, -vv: every call).
    /// RUST_LOG, when set, chooses the filter instead. Secrets are never logged.
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub(crate) verbose: u8,
    /// Access token.
    #[arg(long, global = true, env = "ZOOM_ACCESS_TOKEN", hide_env_values = true)]
    pub(crate) token: Option<String>,
    /// Server-to-Server OAuth account id.
    #[arg(long, global = true, env = "ZOOM_ACCOUNT_ID", value_name = "ID")]
    pub(crate) account_id: Option<String>,
    /// Server-to-Server OAuth client id.
    #[arg(long, global = true, env = "ZOOM_CLIENT_ID", value_name = "ID")]
    pub(crate) client_id: Option<String>,
    /// Server-to-Server OAuth client secret.
    #[arg(
        long,
        global = true,
        env = "ZOOM_CLIENT_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub(crate) client_secret: Option<String>,
    /// Video SDK API key (with --session: the tool signs a JWT with the key and secret).
    #[arg(
        long,
        global = true,
        env = "ZOOM_VIDEO_SDK_API_KEY",
        value_name = "KEY"
    )]
    pub(crate) video_sdk_api_key: Option<String>,
    /// Video SDK API secret.
    #[arg(
        long,
        global = true,
        env = "ZOOM_VIDEO_SDK_API_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub(crate) video_sdk_api_secret: Option<String>,
    /// API base [default: https://api.zoom.us/v2; ZoomGov: https://api.zoomgov.com/v2].
    #[arg(long, global = true, env = "ZOOM_API_BASE", value_name = "URL")]
    pub(crate) api_base: Option<String>,
    /// OAuth host [default: https://zoom.us; ZoomGov: https://zoomgov.com].
    #[arg(long, global = true, env = "ZOOM_OAUTH_BASE", value_name = "URL")]
    pub(crate) oauth_base: Option<String>,
    /// Redis shared by every process of the tool: one token cache, and with --rate-limit
    /// one rate limit (redis://[user:password@]host[:port][/db], or rediss:// for TLS).
    /// Without Redis reachable the tool still works, on its own, and says so.
    #[arg(
        long,
        global = true,
        env = "ZOOM_REDIS_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub(crate) redis_url: Option<String>,
    /// The account's requests per second, shared by every process using --redis-url (or
    /// this process alone without it).
    #[arg(long, global = true, env = "ZOOM_RATE_LIMIT", value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub(crate) rate_limit: Option<u32>,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub(crate) enum Commands {
    /// Print the live stream's settings as JSON (by id, or by an instance's UUID).
    Get {
        #[command(flatten)]
        target: StreamTargetArgs,
        /// Print the stream key instead of [redacted].
        #[arg(long)]
        show_stream_key: bool,
    },
    /// Change the stream URL, stream key, viewers' page and resolution.
    Update {
        #[command(flatten)]
        target: StreamTargetArgs,
        /// Where to stream to (Zoom's are rtmp:// or rtmps:// URLs).
        #[arg(long, value_name = "URL", value_parser = parse_stream_url)]
        stream_url: String,
        /// The stream key (no control characters).
        #[arg(long, value_name = "KEY", value_parser = parse_stream_key)]
        stream_key: String,
        /// The viewers' page (an http:// or https:// URL).
        #[arg(long, value_name = "URL")]
        page_url: String,
        /// The stream's resolution.
        #[arg(long, value_enum)]
        resolution: Option<ResolutionArg>,
    },
    /// Start the live stream (the meeting, webinar or session must be in progress).
    Start {
        #[command(flatten)]
        target: StreamTargetArgs,
        /// The name shown in the stream (1 to 50 characters).
        #[arg(long, value_name = "NAME")]
        display_name: Option<String>,
        /// Show the active speaker's name.
        #[arg(long)]
        active_speaker_name: bool,
        /// The stream's layout (meetings; sessions: gallery_view or speaker_view).
        #[arg(long, value_enum)]
        layout: Option<LayoutArg>,
        /// Closed captions (meetings, sessions; webinars since Zoom's changelog of
        /// 2026-04-20; embedded and off are documented for sessions).
        #[arg(long, value_enum)]
        close_caption: Option<CloseCaptionArg>,
    },
    /// Stop the live stream.
    Stop {
        #[command(flatten)]
        target: StreamTargetArgs,
    },
    /// Receive Zoom's webhooks: one JSON line per verified live-stream or lifecycle event.
    Listen(crate::listen::ListenArgs),
    /// Keep live streams up: start a target's stream when its meeting starts, restart it
    /// when it drops (a webhook endpoint like `listen`; one JSON line per decision).
    Autopilot(AutopilotArgs),
    /// Print a join token for live streaming as JSON (the token [redacted] unless asked).
    ///
    /// With the token, a bot built on Zoom's Meeting SDK joins the meeting or webinar and
    /// starts streaming. It expires after 120 s. Zoom issues it only to an OAuth access
    /// token (Server-to-Server OAuth); a JWT app's token is refused (exit 5).
    JoinToken(JoinTokenArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

const AUTOPILOT_ABOUT: &str = "\
Receives Zoom's webhooks like `listen`, and keeps live streams up: when a target's meeting
(or webinar) starts, it applies the stream settings and starts the stream; it waits for
Zoom's live_streaming_started, starts the stream again when it drops while the meeting runs
(after --restart-delay, at most --max-restarts times), and stops acting when the meeting
ends. Late, repeated and out-of-order deliveries change nothing.

Prints one JSON line per decision on stdout, never the stream key:
  {\"target\":{\"meeting\":85746065432},\"event\":\"meeting.started\",\"event_ts\":…,
   \"action\":\"update\",\"reason\":\"run_started\",\"phase\":\"updating\"}
action is start, update, wait, ignore or give_up; event is Zoom's event name, \"timer\", or
\"outcome\" (with call and outcome) for the answer to an update or a start.

One target from the options (--meeting, --webinar or --session, --stream-url, --page-url, the key from
ZOOM_STREAM_KEY or --stream-key); without stream settings the stream configured in Zoom is
started as it is. Several from --config FILE, one [[target]] table each:
  [[target]]
  meeting = 85746065432          # or webinar = …, or session = \"…\" (Video SDK)
  stream_url = \"rtmp://live.example.com/app\"
  page_url = \"https://example.com/watch\"
  stream_key = \"…\"               # or ZOOM_STREAM_KEY for every target without one
  resolution = \"720p\"
  display_name = \"Town hall\"
  restart_delay = 10             # seconds
  max_restarts = 5

Many replicas behind a load balancer: give each the same ZOOM_REDIS_URL (and the same
credentials); one acts on each event (docs/AUTOPILOT.md). Without Redis reachable each acts
on its own and says so once.

Answers like `listen`: 200 at once to verified deliveries (URL validation with its answer),
401 to a bad or stale signature, 400, 413 above 64 KiB, 404, 405; the calls come after.

Exit codes: 2 when ZOOM_WEBHOOK_SECRET_TOKEN is unset or an option or the file is wrong, 4
when the address cannot be listened on, 1 when stdout fails (0 when its reader has gone),
130 after SIGINT (Ctrl-C) and 143 after SIGTERM (spans not yet exported are flushed first).";

/// `autopilot`'s options (read in `autopilot.rs`).
#[derive(Debug, clap::Args)]
#[command(after_help = AUTOPILOT_ABOUT)]
pub(crate) struct AutopilotArgs {
    #[command(flatten)]
    pub(crate) serve: ServeArgs,
    /// The meeting whose stream to keep live.
    #[arg(long, value_name = "ID", conflicts_with_all = ["webinar", "session", "config"])]
    pub(crate) meeting: Option<String>,
    /// The webinar whose stream to keep live (Zoom sends no webinar live-stream event, so a
    /// start Zoom accepts counts as live and a drop goes unnoticed).
    #[arg(long, value_name = "ID", conflicts_with_all = ["session", "config"])]
    pub(crate) webinar: Option<String>,
    /// The Video SDK session whose stream to keep live (with ZOOM_VIDEO_SDK_API_KEY and
    /// _SECRET the tool signs the Video SDK API's JWT, as for the other commands).
    #[arg(long, value_name = "ID", conflicts_with = "config")]
    pub(crate) session: Option<String>,
    /// Where to stream to (rtmp:// or rtmps://), applied when the meeting starts.
    #[arg(long, value_name = "URL", value_parser = parse_stream_url)]
    pub(crate) stream_url: Option<String>,
    /// The viewers' page (http:// or https://).
    #[arg(long, value_name = "URL")]
    pub(crate) page_url: Option<String>,
    /// The stream key (better: ZOOM_STREAM_KEY, which keeps it out of the process list).
    #[arg(long, env = "ZOOM_STREAM_KEY", hide_env_values = true, value_name = "KEY", value_parser = parse_stream_key)]
    pub(crate) stream_key: Option<String>,
    /// The stream's resolution.
    #[arg(long, value_enum)]
    pub(crate) resolution: Option<ResolutionArg>,
    /// The name shown in the stream (1 to 50 characters).
    #[arg(long, value_name = "NAME")]
    pub(crate) display_name: Option<String>,
    /// Seconds to wait before starting a dropped stream again [default: 10].
    #[arg(long, value_name = "SECS", value_parser = parse_seconds)]
    pub(crate) restart_delay: Option<Duration>,
    /// Restarts per meeting run; the next drop gives up [default: 5].
    #[arg(long, value_name = "N")]
    pub(crate) max_restarts: Option<u32>,
    /// Several targets from a TOML file, one [[target]] table each.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
}

pub(crate) fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(0.0..=86_400.0).contains(&seconds) {
        return Err("must be from 0 to 86400 seconds".into());
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// A resolution Zoom documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ResolutionArg {
    /// 720p
    #[value(name = "720p")]
    P720,
    /// 1080p
    #[value(name = "1080p")]
    P1080,
}

/// A layout Zoom documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LayoutArg {
    /// Follow the host's view.
    #[value(name = "follow_host")]
    FollowHost,
    /// Gallery view.
    #[value(name = "gallery_view")]
    GalleryView,
    /// Speaker view.
    #[value(name = "speaker_view")]
    SpeakerView,
}

/// A closed-caption mode Zoom documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CloseCaptionArg {
    /// Captions burnt into the video.
    #[value(name = "burnt-in")]
    BurntIn,
    /// Captions embedded in the stream (documented for sessions).
    #[value(name = "embedded")]
    Embedded,
    /// No captions (documented for sessions).
    #[value(name = "off")]
    Off,
}

impl From<ResolutionArg> for Resolution {
    fn from(value: ResolutionArg) -> Self {
        match value {
            ResolutionArg::P720 => Resolution::P720,
            ResolutionArg::P1080 => Resolution::P1080,
        }
    }
}

impl From<LayoutArg> for Layout {
    fn from(value: LayoutArg) -> Self {
        match value {
            LayoutArg::FollowHost => Layout::FollowHost,
            LayoutArg::GalleryView => Layout::GalleryView,
            LayoutArg::SpeakerView => Layout::SpeakerView,
        }
    }
}

impl From<CloseCaptionArg> for CloseCaption {
    fn from(value: CloseCaptionArg) -> Self {
        match value {
            CloseCaptionArg::BurntIn => CloseCaption::BurntIn,
            CloseCaptionArg::Embedded => CloseCaption::Embedded,
            CloseCaptionArg::Off => CloseCaption::Off,
        }
    }
}

/// The first global option given on the command line that `listen` has no use for: all but
/// `-v` configure API calls. (Set in the environment, they are the user's defaults for the
/// other commands, not a mistake.)
pub(crate) fn unused_by_listen(matches: &ArgMatches) -> Option<String> {
    Cli::command()
        .get_arguments()
        .filter(|arg| arg.is_global_set() && arg.get_id() != "verbose")
        .find(|arg| matches.value_source(arg.get_id().as_str()) == Some(ValueSource::CommandLine))
        .and_then(|arg| arg.get_long().map(|long| format!("--{long}")))
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(seconds > 0.0 && seconds <= 86_400.0) {
        return Err("must be more than 0 and at most 86400 seconds".into());
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// A stream URL: an absolute URL; Zoom streams over RTMP, so `rtmp://` or `rtmps://`.
pub(crate) fn parse_stream_url(text: &str) -> Result<String, String> {
    if text.chars().any(char::is_whitespace) {
        return Err("a URL cannot contain spaces".into());
    }
    let uri: zoom_live_stream::http::Uri =
        text.parse().map_err(|_| format!("{text:?} is not a URL"))?;
    match uri.scheme_str() {
        Some("rtmp" | "rtmps") if uri.host().is_some_and(|h| !h.is_empty()) => Ok(text.into()),
        Some("rtmp" | "rtmps") => Err(format!("{text:?} has no host")),
        _ => Err(format!(
            "{text:?} must be an rtmp:// or rtmps:// URL (Zoom streams over RTMP)"
        )),
    }
}

/// A stream key: any printable text (Zoom's checks for length and blankness follow).
pub(crate) fn parse_stream_key(text: &str) -> Result<String, String> {
    if text.chars().any(char::is_control) {
        return Err("contains control characters".into());
    }
    Ok(text.into())
}

impl Commands {
    /// The action of a live-stream command; `None` for `completions`.
    pub(crate) fn action(&self) -> Result<Option<Action>, InvalidInput> {
        Ok(Some(match self {
            Commands::Get {
                target,
                show_stream_key,
            } => Action::Get {
                target: target.any()?,
                show_stream_key: *show_stream_key,
            },
            Commands::Update {
                target,
                stream_url,
                stream_key,
                page_url,
                resolution,
            } => {
                let mut body = UpdateLiveStream::new(stream_url, stream_key.as_str(), page_url);
                if let Some(resolution) = resolution {
                    body = body.resolution((*resolution).into());
                }
                body.validate()?;
                Action::Update(target.numeric()?, body)
            }
            Commands::Start {
                target,
                display_name,
                active_speaker_name,
                layout,
                close_caption,
            } => {
                let mut settings = LiveStreamSettings::new();
                if *active_speaker_name {
                    settings = settings.active_speaker_name(true);
                }
                if let Some(name) = display_name {
                    settings = settings.display_name(name);
                }
                if let Some(layout) = layout {
                    settings = settings.layout(Layout::from(*layout));
                }
                if let Some(caption) = close_caption {
                    settings = settings.close_caption(CloseCaption::from(*caption));
                }
                let status = if settings == LiveStreamSettings::default() {
                    LiveStreamStatus::start()
                } else {
                    LiveStreamStatus::start().settings(settings)
                };
                let target = target.numeric()?;
                status.validate_for(target.kind())?;
                Action::Status(target, status)
            }
            Commands::Stop { target } => {
                Action::Status(target.numeric()?, LiveStreamStatus::stop())
            }
            Commands::JoinToken(args) => args.action()?,
            Commands::Completions { .. } | Commands::Listen(_) | Commands::Autopilot(_) => {
                return Ok(None);
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::Target;
    use clap::CommandFactory;
    use zoom_live_stream::{WebinarId, WebinarRef};

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("zoom-live-stream").chain(args.iter().copied()))
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_go_before_or_after_the_subcommand() {
        for args in [
            &["--blocking", "--timeout", "5", "get", "85746065432"][..],
            &["get", "85746065432", "--blocking", "--timeout=5"],
        ] {
            let cli = parse(args).unwrap();
            assert!(cli.global.blocking);
            assert_eq!(cli.global.timeout, Some(Duration::from_secs(5)));
        }
        let cli = parse(&["get", "--webinar", "91234567890", "-vv"]).unwrap();
        assert_eq!(cli.global.verbose, 2);
        let Some(Action::Get { target, .. }) = cli.command.action().unwrap() else {
            panic!("a get")
        };
        assert_eq!(target, Target::Webinar(WebinarRef::from(91234567890)));
    }

    #[test]
    fn only_get_takes_a_uuid() {
        let uuid = "aDYlohsHRtCd4ii1uC2+hA==";
        let cli = parse(&["get", uuid]).unwrap();
        let Some(Action::Get { target, .. }) = cli.command.action().unwrap() else {
            panic!("a get")
        };
        assert_eq!(target.to_string(), format!("meeting {uuid}"));
        for args in [
            &["stop", uuid][..],
            &["start", uuid],
            &["join-token", uuid],
            &["join-token", "--webinar", uuid],
            &[
                "update",
                uuid,
                "--stream-url",
                "rtmp://x/y",
                "--stream-key",
                "k",
                "--page-url",
                "https://e.com",
            ],
        ] {
            let error = parse(args).unwrap().command.action().unwrap_err();
            assert!(
                error.reason().contains("only the live-stream GET"),
                "{args:?}: {error}"
            );
        }
        let Some(Action::JoinToken { target, show_token }) =
            parse(&["join-token", "--webinar", "91234567890", "--show-token"])
                .unwrap()
                .command
                .action()
                .unwrap()
        else {
            panic!("a join token")
        };
        assert_eq!(target, Target::Webinar(WebinarId::new(91234567890)));
        assert!(show_token);
    }

    #[test]
    fn flags_that_do_not_belong_or_take_no_value_are_errors() {
        for args in [
            &["stop", "85746065432", "--stream-url", "rtmp://x/y"][..],
            &["get", "1", "--show-stream-key=false"],
            &["get", "1", "--layout", "follow_host"],
            &["start", "1", "--layout", "sideways"],
            &[
                "update",
                "1",
                "--stream-url",
                "https://x/y",
                "--stream-key",
                "k",
                "--page-url",
                "https://e.com",
            ],
            &[
                "update",
                "1",
                "--stream-url",
                "rtmp://x/ y",
                "--stream-key",
                "k",
                "--page-url",
                "https://e.com",
            ],
            &[
                "update",
                "1",
                "--stream-url",
                "rtmp://x/y",
                "--stream-key",
                "k\u{7}",
                "--page-url",
                "https://e.com",
            ],
            &["--timeout", "0", "get", "1"],
            &["--webinar", "get", "1"],
            &[],
        ] {
            let error = parse(args).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{args:?}");
        }
    }

    #[test]
    fn start_collects_settings_and_checks_them() {
        let cli = parse(&[
            "start",
            "1",
            "--display-name",
            "Jill Chill",
            "--active-speaker-name",
            "--layout",
            "gallery_view",
        ])
        .unwrap();
        let expected = LiveStreamStatus::start().settings(
            LiveStreamSettings::new()
                .active_speaker_name(true)
                .display_name("Jill Chill")
                .layout(Layout::GalleryView),
        );
        let action = cli.command.action().unwrap().unwrap();
        assert_eq!(action, Action::Status(Target::Meeting(1.into()), expected));
        let webinar = parse(&["start", "--webinar", "1", "--layout", "follow_host"]).unwrap();
        assert_eq!(
            webinar.command.action().unwrap_err().field(),
            "settings.layout"
        );
    }

    #[test]
    fn each_help_lists_the_allowed_values() {
        let mut command = Cli::command();
        let start = command
            .find_subcommand_mut("start")
            .unwrap()
            .render_long_help()
            .to_string();
        for value in ["follow_host", "gallery_view", "speaker_view", "burnt-in"] {
            assert!(start.contains(value), "{start}");
        }
        let update = command
            .find_subcommand_mut("update")
            .unwrap()
            .render_long_help()
            .to_string();
        assert!(
            update.contains("720p") && update.contains("1080p"),
            "{update}"
        );
    }
}
