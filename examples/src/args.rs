//! Command-line parsing for `zoom-live-stream` (hand-written: a handful of flags).

use zoom_core::{
    Error, InvalidInput, LiveStreamSettings, LiveStreamStatus, MeetingId, Resolution,
    UpdateLiveStream, WebinarId,
};

pub(crate) const USAGE: &str = "\
Read or control a Zoom meeting's or webinar's custom live stream.

USAGE:
    zoom-live-stream [OPTIONS] get    <ID>
    zoom-live-stream [OPTIONS] update <ID> --stream-url <URL> --stream-key <KEY> --page-url <URL> [--resolution 720p|1080p]
    zoom-live-stream [OPTIONS] start  <ID> [--display-name <NAME>] [--active-speaker-name] [--layout <L>] [--close-caption <C>]
    zoom-live-stream [OPTIONS] stop   <ID>

<ID> is a meeting id (digits) or a meeting UUID; with --webinar, a webinar id.

OPTIONS:
    --webinar             the id is a webinar's
    --blocking            use the blocking (ureq) transport instead of the async (reqwest) one
    --show-stream-key     print the stream key instead of [redacted]
    --token <TOKEN>       access token (else $ZOOM_ACCESS_TOKEN)
    --account-id <ID>     Server-to-Server OAuth account id (else $ZOOM_ACCOUNT_ID)
    --client-id <ID>      Server-to-Server OAuth client id (else $ZOOM_CLIENT_ID)
    --client-secret <S>   Server-to-Server OAuth client secret (else $ZOOM_CLIENT_SECRET)
    --api-base <URL>      API base (else $ZOOM_API_BASE, default https://api.zoom.us/v2)
    --oauth-base <URL>    OAuth host (else $ZOOM_OAUTH_BASE, default https://zoom.us)
    -h, --help            print this help
    -V, --version         print the version

With no credentials and no API base, the tool starts its built-in Zoom simulator on
127.0.0.1 and answers from it (say so on stderr).

EXIT CODES:
    0  success
    2  usage or input error (nothing was sent)
    3  Zoom answered with an error, or with an answer that could not be read
    4  network error (could not connect, timed out, connection dropped)
    5  authentication failed (the token endpoint refused the credentials)
";

/// Which meeting or webinar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Meeting(MeetingId),
    Webinar(WebinarId),
}

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    Get,
    Update(UpdateLiveStream),
    Status(LiveStreamStatus),
}

/// Credentials and hosts as given by flags (the environment fills the gaps later).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Connection {
    pub(crate) token: Option<String>,
    pub(crate) account_id: Option<String>,
    pub(crate) client_id: Option<String>,
    pub(crate) client_secret: Option<String>,
    pub(crate) api_base: Option<String>,
    pub(crate) oauth_base: Option<String>,
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Invocation {
    Help,
    Version,
    Run(Box<Command>),
}

/// A command to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Command {
    pub(crate) target: Target,
    pub(crate) action: Action,
    pub(crate) blocking: bool,
    pub(crate) show_stream_key: bool,
    pub(crate) connection: Connection,
}

/// A usage mistake, reported with the help hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UsageError(pub(crate) String);

impl From<InvalidInput> for UsageError {
    fn from(error: InvalidInput) -> Self {
        UsageError(format!("invalid input: {error}"))
    }
}

impl From<Error> for UsageError {
    fn from(error: Error) -> Self {
        UsageError(error.to_string())
    }
}

#[derive(Default)]
struct Flags {
    webinar: bool,
    blocking: bool,
    show_stream_key: bool,
    active_speaker_name: bool,
    connection: Connection,
    stream_url: Option<String>,
    stream_key: Option<String>,
    page_url: Option<String>,
    resolution: Option<String>,
    display_name: Option<String>,
    layout: Option<String>,
    close_caption: Option<String>,
}

/// Parses the arguments after the program name.
pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Result<Invocation, UsageError> {
    let mut flags = Flags::default();
    let mut positional = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |flag: &str| -> Result<String, UsageError> {
            inline
                .clone()
                .or_else(|| args.next())
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| UsageError(format!("{flag} needs a non-empty value")))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(Invocation::Help),
            "-V" | "--version" => return Ok(Invocation::Version),
            "--webinar" => flags.webinar = true,
            "--blocking" => flags.blocking = true,
            "--show-stream-key" => flags.show_stream_key = true,
            "--active-speaker-name" => flags.active_speaker_name = true,
            "--token" => flags.connection.token = Some(value(&name)?),
            "--account-id" => flags.connection.account_id = Some(value(&name)?),
            "--client-id" => flags.connection.client_id = Some(value(&name)?),
            "--client-secret" => flags.connection.client_secret = Some(value(&name)?),
            "--api-base" => flags.connection.api_base = Some(value(&name)?),
            "--oauth-base" => flags.connection.oauth_base = Some(value(&name)?),
            "--stream-url" => flags.stream_url = Some(value(&name)?),
            "--stream-key" => flags.stream_key = Some(value(&name)?),
            "--page-url" => flags.page_url = Some(value(&name)?),
            "--resolution" => flags.resolution = Some(value(&name)?),
            "--display-name" => flags.display_name = Some(value(&name)?),
            "--layout" => flags.layout = Some(value(&name)?),
            "--close-caption" => flags.close_caption = Some(value(&name)?),
            "--" => positional.extend(args.by_ref()),
            flag if flag.starts_with('-') && flag.len() > 1 => {
                return Err(UsageError(format!("unknown option {flag}")));
            }
            _ => positional.push(arg),
        }
    }
    let [verb, id] = <[String; 2]>::try_from(positional).map_err(|given| match given.len() {
        0 => UsageError("missing command: get, update, start or stop".into()),
        1 => UsageError(format!(
            "missing the meeting or webinar id after {:?}",
            given[0]
        )),
        _ => UsageError(format!("unexpected argument {:?}", given[2])),
    })?;
    let target = if flags.webinar {
        Target::Webinar(WebinarId::parse(&id)?)
    } else {
        Target::Meeting(MeetingId::parse(&id)?)
    };
    let action = match verb.as_str() {
        "get" => Action::Get,
        "update" => Action::Update(update_body(&mut flags)?),
        "start" => Action::Status(match settings(&mut flags) {
            none if none == LiveStreamSettings::default() => LiveStreamStatus::start(),
            settings => LiveStreamStatus::start().settings(settings),
        }),
        "stop" => Action::Status(LiveStreamStatus::stop()),
        other => {
            return Err(UsageError(format!(
                "unknown command {other:?}: use get, update, start or stop"
            )));
        }
    };
    Ok(Invocation::Run(Box::new(Command {
        target,
        action,
        blocking: flags.blocking,
        show_stream_key: flags.show_stream_key,
        connection: flags.connection,
    })))
}

fn update_body(flags: &mut Flags) -> Result<UpdateLiveStream, UsageError> {
    let required = |value: Option<String>, flag: &str| {
        value.ok_or_else(|| UsageError(format!("update needs {flag}")))
    };
    let mut body = UpdateLiveStream::new(
        required(flags.stream_url.take(), "--stream-url")?,
        required(flags.stream_key.take(), "--stream-key")?,
        required(flags.page_url.take(), "--page-url")?,
    );
    if let Some(resolution) = flags.resolution.take() {
        body = body.resolution(Resolution::from(resolution));
    }
    body.validate()?;
    Ok(body)
}

fn settings(flags: &mut Flags) -> LiveStreamSettings {
    let mut settings = LiveStreamSettings::new();
    if flags.active_speaker_name {
        settings = settings.active_speaker_name(true);
    }
    if let Some(name) = flags.display_name.take() {
        settings = settings.display_name(name);
    }
    if let Some(layout) = flags.layout.take() {
        settings = settings.layout(layout);
    }
    if let Some(caption) = flags.close_caption.take() {
        settings = settings.close_caption(caption);
    }
    settings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Command, UsageError> {
        match parse(args.iter().map(|s| s.to_string()))? {
            Invocation::Run(command) => Ok(*command),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn get_takes_flags_anywhere() {
        let command = run(&["--blocking", "get", "85746065432", "--api-base=http://x/v2"]).unwrap();
        assert_eq!(command.target, Target::Meeting(MeetingId::new(85746065432)));
        assert!(command.blocking);
        assert_eq!(command.connection.api_base.as_deref(), Some("http://x/v2"));
        let webinar = run(&["get", "--webinar", "91234567890"]).unwrap();
        assert_eq!(webinar.target, Target::Webinar(WebinarId::new(91234567890)));
    }

    #[test]
    fn mistakes_are_usage_errors() {
        for args in [
            &[][..],
            &["get"],
            &["get", "1", "2"],
            &["fetch", "1"],
            &["get", "1", "--nope"],
            &["get", " "],
            &["get", "1", "--token"],
            &["get", "1", "--token", ""],
            &["get", "1", "--api-base="],
        ] {
            assert!(run(args).is_err(), "{args:?}");
        }
        let missing = run(&["update", "1", "--stream-url", "rtmp://a"]).unwrap_err();
        assert!(missing.0.contains("--stream-key"), "{missing:?}");
        let invalid = run(&[
            "update",
            "1",
            "--stream-url",
            "rtmp://a",
            "--stream-key",
            "k",
            "--page-url",
            "nope",
        ])
        .unwrap_err();
        assert!(invalid.0.contains("page_url"), "{invalid:?}");
    }

    #[test]
    fn start_collects_settings() {
        let command = run(&[
            "start",
            "1",
            "--display-name",
            "Jill Chill",
            "--active-speaker-name",
        ])
        .unwrap();
        let expected = LiveStreamStatus::start().settings(
            LiveStreamSettings::new()
                .active_speaker_name(true)
                .display_name("Jill Chill"),
        );
        assert_eq!(command.action, Action::Status(expected));
        assert_eq!(parse(["--help".to_string()]).unwrap(), Invocation::Help);
    }
}
