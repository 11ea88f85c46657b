//! [`Target`]: the meeting, webinar or Video SDK session an event is about, typed for the
//! API calls that act on it.

use std::fmt;

use zoom_core::{MeetingId, WebinarId};

/// What an event is about: a meeting, a webinar or a Video SDK session, by the id the REST API
/// takes. [`Event::target`](crate::Event::target) gives it, so that a program acting on events
/// (an autopilot starting streams when meetings start, say) can key its state on it and call
/// the API with it.
///
/// ```
/// use zoom_core::MeetingId;
/// use zoom_webhook::Target;
///
/// let target = Target::Meeting(MeetingId::new(85746065432));
/// assert_eq!(target.meeting_id(), Some(MeetingId::new(85746065432)));
/// assert_eq!(target.to_string(), "meeting 85746065432");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Target {
    /// A meeting, by its numeric id.
    Meeting(MeetingId),
    /// A webinar, by its numeric id.
    Webinar(WebinarId),
    /// A Video SDK session, by its id (a string, like a meeting UUID).
    Session(String),
}

impl Target {
    /// The meeting's id, if the target is a meeting.
    pub fn meeting_id(&self) -> Option<MeetingId> {
        match self {
            Target::Meeting(id) => Some(*id),
            _ => None,
        }
    }

    /// The webinar's id, if the target is a webinar.
    ///
    /// ```
    /// use zoom_core::WebinarId;
    /// use zoom_webhook::Target;
    ///
    /// let target = Target::Webinar(WebinarId::new(91234567890));
    /// assert_eq!(target.webinar_id(), Some(WebinarId::new(91234567890)));
    /// assert_eq!(target.meeting_id(), None);
    /// ```
    pub fn webinar_id(&self) -> Option<WebinarId> {
        match self {
            Target::Webinar(id) => Some(*id),
            _ => None,
        }
    }

    /// The session's id, if the target is a Video SDK session.
    pub fn session_id(&self) -> Option<&str> {
        match self {
            Target::Session(id) => Some(id),
            _ => None,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Meeting(id) => write!(f, "meeting {id}"),
            Target::Webinar(id) => write!(f, "webinar {id}"),
            Target::Session(id) => write!(f, "session {id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_target_answers_for_its_own_kind_only() {
        let session = Target::Session("Sx8P==".into());
        assert_eq!(session.session_id(), Some("Sx8P=="));
        assert_eq!((session.meeting_id(), session.webinar_id()), (None, None));
        assert_eq!(session.to_string(), "session Sx8P==");
        let webinar = Target::Webinar(WebinarId::new(7));
        assert_eq!(webinar.session_id(), None);
        assert_eq!(webinar.to_string(), "webinar 7");
    }
}
