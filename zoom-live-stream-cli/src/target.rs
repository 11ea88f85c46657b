//! Which meeting, webinar or Video SDK session a command is about (`StreamTargetArgs`,
//! `TargetArgs`, `Target`), and what to do to it (`Action`): the floor that the command line
//! (`args`) and each command's own flags (`join_token`) stand on.

use std::convert::Infallible;

use clap::Args;
use zoom_live_stream::{
    InvalidInput, LiveStreamStatus, MeetingId, MeetingRef, SessionId, TargetKind, UpdateLiveStream,
    WebinarId, WebinarRef,
};

/// The meeting, webinar or Video SDK session a live-stream command (`get`, `update`,
/// `start`, `stop`) is about.
#[derive(Debug, Args)]
pub(crate) struct StreamTargetArgs {
    /// The meeting id (digits); with --webinar, the webinar id. `get` also takes an
    /// instance's UUID; the other commands only the number.
    #[arg(value_name = "ID", required_unless_present = "session")]
    id: Option<String>,
    /// The id is a webinar's.
    #[arg(long, conflicts_with = "session")]
    webinar: bool,
    /// A Video SDK session instead, by its id (base64, such as Sx8PZbQyTtaUc9kFb4sOwg==).
    /// Credentials: ZOOM_VIDEO_SDK_API_KEY and ZOOM_VIDEO_SDK_API_SECRET (a JWT the tool
    /// signs), or Server-to-Server OAuth.
    #[arg(long, value_name = "ID", conflicts_with = "id")]
    session: Option<String>,
}

/// The meeting or webinar a command that has no session form (`join-token`) is about.
#[derive(Debug, Args)]
pub(crate) struct TargetArgs {
    /// The meeting id (digits); with --webinar, the webinar id.
    #[arg(value_name = "ID")]
    id: String,
    /// The id is a webinar's.
    #[arg(long)]
    webinar: bool,
}

/// Which meeting, webinar or session, with the id type the operation takes: the numeric
/// ids by default (every operation), the references (id or UUID) for `get`; `S` is
/// `Infallible` where there is no session form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target<M = MeetingId, W = WebinarId, S = SessionId> {
    Meeting(M),
    Webinar(W),
    Session(S),
}

impl<M, W, S> Target<M, W, S> {
    /// Which kind of stream it is (the status settings differ by kind).
    pub(crate) fn kind(&self) -> TargetKind {
        match self {
            Target::Meeting(_) => TargetKind::Meeting,
            Target::Webinar(_) => TargetKind::Webinar,
            Target::Session(_) => TargetKind::Session,
        }
    }
}

impl<M: std::fmt::Display, W: std::fmt::Display, S: std::fmt::Display> std::fmt::Display
    for Target<M, W, S>
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Meeting(id) => write!(f, "meeting {id}"),
            Target::Webinar(id) => write!(f, "webinar {id}"),
            Target::Session(id) => write!(f, "session {id}"),
        }
    }
}

/// What to do, to which meeting, webinar or session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    Get {
        target: Target<MeetingRef, WebinarRef>,
        show_stream_key: bool,
    },
    Update(Target, UpdateLiveStream),
    Status(Target, LiveStreamStatus),
    JoinToken {
        target: Target<MeetingId, WebinarId, Infallible>,
        show_token: bool,
    },
}

impl Action {
    /// Whether it is about a Video SDK session (which picks the credentials).
    pub(crate) fn is_session(&self) -> bool {
        match self {
            Action::Get { target, .. } => target.kind() == TargetKind::Session,
            Action::Update(target, _) | Action::Status(target, _) => {
                target.kind() == TargetKind::Session
            }
            Action::JoinToken { .. } => false,
        }
    }
}

impl StreamTargetArgs {
    /// The session, if the command names one.
    fn session(&self) -> Option<Result<SessionId, InvalidInput>> {
        self.session.as_deref().map(SessionId::parse)
    }

    /// The meeting or webinar id as given (clap requires it without --session).
    fn id(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }

    /// For `get`: a number or an instance's UUID, or a session.
    pub(crate) fn any(&self) -> Result<Target<MeetingRef, WebinarRef>, InvalidInput> {
        Ok(match self.session() {
            Some(session) => Target::Session(session?),
            None if self.webinar => Target::Webinar(WebinarRef::parse(self.id())?),
            None => Target::Meeting(MeetingRef::parse(self.id())?),
        })
    }

    /// For every other command: the number (a UUID is an input error that says so), or a
    /// session.
    pub(crate) fn numeric(&self) -> Result<Target, InvalidInput> {
        Ok(match self.session() {
            Some(session) => Target::Session(session?),
            None if self.webinar => Target::Webinar(WebinarId::parse(self.id())?),
            None => Target::Meeting(MeetingId::parse(self.id())?),
        })
    }
}

impl TargetArgs {
    /// The number (a UUID is an input error that says so).
    pub(crate) fn numeric(&self) -> Result<Target<MeetingId, WebinarId, Infallible>, InvalidInput> {
        Ok(if self.webinar {
            Target::Webinar(WebinarId::parse(&self.id)?)
        } else {
            Target::Meeting(MeetingId::parse(&self.id)?)
        })
    }
}
