//! The state a Zoom request can read or change: the bottom of the simulator, imported by the
//! routes and the handlers (axum's shape), importing none of them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant, SystemTime};

use super::config::{DemoAccount, SimMeeting, SimSession, SimulatorConfig, VideoSdkAccount};
use super::limits::Limits;

/// A meeting's live stream started or stopped through the API: the webhook deliveries
/// (`deliveries.rs`) take these out of the [`World`] after each request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StreamNotice {
    pub(crate) meeting_id: u64,
    pub(crate) started: bool,
}

/// What happened to a Video SDK session (through the API or the admin API): the webhook
/// deliveries (`session_events.rs`) take these out of the [`World`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SessionNotice {
    pub(crate) session_id: String,
    pub(crate) change: SessionChange,
}

/// A change of a session that Zoom announces with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionChange {
    /// `session.started`.
    Started,
    /// `session.ended`.
    Ended,
    /// `session.live_streaming_started`.
    StreamStarted,
    /// `session.live_streaming_stopped`.
    StreamStopped,
}

/// Everything a Zoom request can read or change (cloned for dry runs).
#[derive(Debug, Clone)]
pub(crate) struct World {
    /// `http://127.0.0.1:PORT`.
    pub(crate) origin: String,
    /// When this state was made: the `start_time` of every meeting in webhook payloads.
    pub(crate) created: SystemTime,
    pub(crate) account: DemoAccount,
    pub(crate) token_ttl: Duration,
    pub(crate) meetings: BTreeMap<u64, SimMeeting>,
    pub(crate) webinars: BTreeMap<u64, SimMeeting>,
    pub(crate) static_tokens: HashSet<String>,
    /// Static tokens of a JWT app: refused by the join-token GETs.
    pub(crate) jwt_tokens: HashSet<String>,
    /// Issued token → expiry.
    pub(crate) issued: HashMap<String, Instant>,
    /// The demo user's live refresh token (user-level OAuth); rotated by each refresh.
    pub(crate) refresh_token: String,
    pub(crate) limits: Limits,
    /// Live streams started or stopped by the last request, in order.
    pub(crate) notices: Vec<StreamNotice>,
    /// Video SDK sessions by id (decoded).
    pub(crate) sessions: BTreeMap<String, SimSession>,
    /// The Video SDK app whose JWTs the session operations accept.
    pub(crate) video_sdk: VideoSdkAccount,
    /// Session changes since the last delivery, in order.
    pub(crate) session_notices: Vec<SessionNotice>,
}

impl World {
    pub(crate) fn new(config: &SimulatorConfig, origin: String) -> Self {
        Self {
            origin,
            created: SystemTime::now(),
            account: config.account.clone(),
            token_ttl: config.token_ttl,
            meetings: config.meetings.iter().cloned().collect(),
            webinars: config.webinars.iter().cloned().collect(),
            static_tokens: config.static_tokens.iter().cloned().collect(),
            jwt_tokens: config.jwt_tokens.iter().cloned().collect(),
            issued: HashMap::new(),
            refresh_token: super::config::DEMO_REFRESH_TOKEN.to_owned(),
            limits: Limits::new(config.rate_limit_per_second, config.daily_limit),
            notices: Vec::new(),
            sessions: config.sessions.iter().cloned().collect(),
            video_sdk: config.video_sdk.clone(),
            session_notices: Vec::new(),
        }
    }

    /// Notes a change of session `session_id`, for the webhook deliveries.
    pub(crate) fn session_changed(&mut self, session_id: &str, change: SessionChange) {
        self.session_notices.push(SessionNotice {
            session_id: session_id.to_owned(),
            change,
        });
    }

    /// Notes that meeting `meeting_id`'s live stream started (or stopped).
    pub(crate) fn live_stream_changed(&mut self, meeting_id: u64, started: bool) {
        self.notices.push(StreamNotice {
            meeting_id,
            started,
        });
    }
}
