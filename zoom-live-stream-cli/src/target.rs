//! Which meeting or webinar a command is about (`TargetArgs`, `Target`), and what to do to it
//! (`Action`): the floor that the command line (`args`) and each command's own flags
//! (`join_token`) stand on.

use clap::Args;
use zoom_live_stream::{
    InvalidInput, LiveStreamStatus, MeetingId, MeetingRef, UpdateLiveStream, WebinarId, WebinarRef,
};

/// The meeting or webinar a command is about.
#[derive(Debug, Args)]
pub(crate) struct TargetArgs {
    /// The meeting id (digits); with --webinar, the webinar id. `get` also takes an
    /// instance's UUID; the other commands only the number.
    #[arg(value_name = "ID")]
    id: String,
    /// The id is a webinar's.
    #[arg(long)]
    webinar: bool,
}

/// Which meeting or webinar, with the id type the operation takes: the numeric ids by
/// default (every operation), the references (id or UUID) for `get`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target<M = MeetingId, W = WebinarId> {
    Meeting(M),
    Webinar(W),
}

impl<M: std::fmt::Display, W: std::fmt::Display> std::fmt::Display for Target<M, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Meeting(id) => write!(f, "meeting {id}"),
            Target::Webinar(id) => write!(f, "webinar {id}"),
        }
    }
}

/// What to do, to which meeting or webinar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    Get {
        target: Target<MeetingRef, WebinarRef>,
        show_stream_key: bool,
    },
    Update(Target, UpdateLiveStream),
    Status(Target, LiveStreamStatus),
    JoinToken {
        target: Target,
        show_token: bool,
    },
}

impl TargetArgs {
    /// For `get`: a number or an instance's UUID.
    pub(crate) fn any(&self) -> Result<Target<MeetingRef, WebinarRef>, InvalidInput> {
        Ok(if self.webinar {
            Target::Webinar(WebinarRef::parse(&self.id)?)
        } else {
            Target::Meeting(MeetingRef::parse(&self.id)?)
        })
    }

    /// For every other command: the number (a UUID is an input error that says so).
    pub(crate) fn numeric(&self) -> Result<Target, InvalidInput> {
        Ok(if self.webinar {
            Target::Webinar(WebinarId::parse(&self.id)?)
        } else {
            Target::Meeting(MeetingId::parse(&self.id)?)
        })
    }
}
