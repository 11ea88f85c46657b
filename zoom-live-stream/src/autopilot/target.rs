//! [`AutopilotTarget`]: one meeting, webinar or Video SDK session the autopilot keeps live,
//! with its stream settings, its start settings and its policy.

use zoom_autopilot::Policy;
use zoom_core::{
    InvalidInput, LiveStreamSettings, LiveStreamStatus, MeetingId, SessionId, TargetKind,
    UpdateLiveStream, WebinarId,
};
use zoom_webhook::Target;

/// One meeting, webinar or Video SDK session whose stream the autopilot starts when it
/// starts and keeps live.
///
/// ```
/// use std::time::Duration;
/// use zoom_live_stream::autopilot::{AutopilotTarget, Policy};
/// use zoom_live_stream::{LiveStreamSettings, UpdateLiveStream};
///
/// let mut policy = Policy::default();
/// policy.restart_delay = Duration::from_secs(5);
/// let target = AutopilotTarget::meeting(85746065432)
///     .stream(UpdateLiveStream::new("rtmp://live.example.com/app", "stream-key", "https://example.com/watch"))
///     .start_settings(LiveStreamSettings::new().display_name("Town hall"))
///     .policy(policy);
/// assert_eq!(target.target().to_string(), "meeting 85746065432");
/// assert!(!format!("{target:?}").contains("stream-key"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AutopilotTarget {
    pub(crate) target: Target,
    pub(crate) update: Option<UpdateLiveStream>,
    pub(crate) start: LiveStreamStatus,
    pub(crate) policy: Policy,
}

impl AutopilotTarget {
    /// Meeting `id`, with the default policy, no stream settings to apply (the stream
    /// configured in Zoom is started as it is) and no start settings.
    pub fn meeting(id: impl Into<MeetingId>) -> Self {
        Self::new(Target::Meeting(id.into()))
    }

    /// Webinar `id`. Zoom sends no live-stream webhook for webinars, so no confirmation can
    /// come: a start Zoom accepts counts as live (the policy's `confirm_timeout` is `None`
    /// for webinars, whatever it is set to), and a drop goes unnoticed.
    pub fn webinar(id: impl Into<WebinarId>) -> Self {
        Self::new(Target::Webinar(id.into()))
    }

    /// Video SDK session `id`: its `session.started` starts its stream, and Zoom's
    /// `session.live_streaming_started` / `_stopped` confirm and report drops as for a
    /// meeting. The client needs credentials that the Video SDK API takes (its JWT, or
    /// Server-to-Server OAuth where the account allows).
    pub fn session(id: SessionId) -> Self {
        Self::new(Target::Session(id.as_str().to_owned()))
    }

    fn new(target: Target) -> Self {
        Self {
            target,
            update: None,
            start: LiveStreamStatus::start(),
            policy: Policy::default(),
        }
    }

    /// Applies these stream settings (`PATCH …/livestream`) each time the meeting starts,
    /// before starting the stream.
    pub fn stream(mut self, settings: UpdateLiveStream) -> Self {
        self.update = Some(settings);
        self
    }

    /// Starts the stream with these settings (display name, layout, …).
    pub fn start_settings(mut self, settings: LiveStreamSettings) -> Self {
        self.start = LiveStreamStatus::start().settings(settings);
        self
    }

    /// The machine's policy (restart delay and limit, backoff, budgets). `update_first` is
    /// set from whether stream settings are given; webinars never wait for a confirmation.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// The meeting or webinar.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Checks the settings against Zoom's limits and settles the policy.
    pub(crate) fn checked(mut self) -> Result<Self, InvalidInput> {
        if let Some(update) = &self.update {
            update.validate()?;
        }
        let webinar = matches!(self.target, Target::Webinar(_));
        let kind = match &self.target {
            Target::Meeting(_) => TargetKind::Meeting,
            Target::Webinar(_) => TargetKind::Webinar,
            Target::Session(id) => {
                SessionId::parse(id)?;
                TargetKind::Session
            }
            _ => {
                return Err(InvalidInput::new(
                    "target",
                    "the autopilot drives meetings, webinars and Video SDK sessions",
                ));
            }
        };
        self.start.validate_for(kind)?;
        self.policy.update_first = self.update.is_some();
        if webinar {
            self.policy.confirm_timeout = None;
        }
        Ok(self)
    }

    /// The target's name in a shared store: `meeting:ID`, `webinar:ID`, `session:ID`.
    pub(crate) fn store_name(target: &Target) -> String {
        match target {
            Target::Meeting(id) => format!("meeting:{id}"),
            Target::Webinar(id) => format!("webinar:{id}"),
            Target::Session(id) => format!("session:{id}"),
            other => format!("other:{other}"),
        }
    }
}
