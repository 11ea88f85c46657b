//! The demo account, the demo meetings, webinars and Video SDK sessions, and
//! [`SimulatorConfig`].

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use zoom_core::SecretString;

/// Account id of the demo account (`account_id` of the token request).
pub const DEMO_ACCOUNT_ID: &str = "sim-account";
/// Client id of the demo Server-to-Server OAuth app.
pub const DEMO_CLIENT_ID: &str = "sim-client-id";
/// Client secret of the demo Server-to-Server OAuth app.
pub const DEMO_CLIENT_SECRET: &str = "sim-client-secret";
/// The live refresh token of the demo user (user-level OAuth with the demo app's client id
/// and secret) when the simulator starts; every refresh rotates it and the old one dies.
pub const DEMO_REFRESH_TOKEN: &str = "sim-refresh-token";
/// A bearer token the default simulator accepts forever, without a token request.
pub const DEMO_STATIC_TOKEN: &str = "sim-static-token";
/// A bearer token the default simulator takes for a (retired) JWT app's: accepted forever,
/// except by the join-token GETs, which answer it 400, code 124 ("This API only supports
/// OAuth2 authorization.").
pub const DEMO_JWT_TOKEN: &str = "sim-jwt-token";

/// The demo meeting: host fine, stream configured, meeting started, not streaming.
pub const DEMO_MEETING_ID: u64 = 85_746_065_432;
/// A meeting whose host is not in the account (every call: 400, code 1010).
pub const MEETING_HOST_NOT_IN_ACCOUNT: u64 = 81_000_000_001;
/// A meeting whose host may not host meetings (every call: 400, code 3161).
pub const MEETING_HOSTING_NOT_ALLOWED: u64 = 81_000_000_002;
/// A meeting whose host user no longer exists (every call: 404, code 1001).
pub const MEETING_HOST_MISSING: u64 = 81_000_000_003;
/// A meeting with a fine host but no custom streaming service configured, not started.
pub const MEETING_NO_STREAM: u64 = 81_000_000_004;
/// The demo webinar: host fine, stream configured, webinar started, not streaming.
pub const DEMO_WEBINAR_ID: u64 = 91_234_567_890;
/// A webinar with a stream configured that has not started (start: 400, code 200).
pub const WEBINAR_NOT_STARTED: u64 = 91_000_000_001;
/// A meeting like the demo one whose host has "Allow livestreaming of meetings" off (join
/// token: 400, code 3000).
pub const MEETING_LIVE_STREAMING_NOT_ALLOWED: u64 = 81_000_000_005;
/// A webinar like the demo one whose host has "Allow livestreaming of webinars" off (join
/// token: 400, code 3000).
pub const WEBINAR_LIVE_STREAMING_NOT_ALLOWED: u64 = 91_000_000_002;

/// `stream_url` of the demo stream.
pub const DEMO_STREAM_URL: &str = "https://somecompany.com/livestream";
/// `stream_key` of the demo stream.
pub const DEMO_STREAM_KEY: &str = "Contact It@somecompany.com";
/// `page_url` of the demo stream.
pub const DEMO_PAGE_URL: &str = "https://somecompany.com/livestream/123";
/// `resolution` of the demo stream.
pub const DEMO_RESOLUTION: &str = "720p";
/// The user id named in "User … does not exist." (host [`HostState::Missing`]).
pub const MISSING_HOST_USER_ID: &str = "sim-missing-host";
/// The `scope` granted to every token.
pub const TOKEN_SCOPE: &str =
    "meeting:read:admin meeting:write:admin webinar:read:admin webinar:write:admin";
/// Default lifetime of an issued token (Zoom's `expires_in` is 3599).
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(3599);

/// The Server-to-Server OAuth app and account the token endpoint accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoAccount {
    /// The `account_id` the token request must name.
    pub account_id: String,
    /// The client id of the Basic credentials.
    pub client_id: String,
    /// The client secret of the Basic credentials.
    pub client_secret: String,
}

impl Default for DemoAccount {
    fn default() -> Self {
        Self {
            account_id: DEMO_ACCOUNT_ID.to_owned(),
            client_id: DEMO_CLIENT_ID.to_owned(),
            client_secret: DEMO_CLIENT_SECRET.to_owned(),
        }
    }
}

/// What Zoom thinks of a meeting's (or webinar's) host.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HostState {
    /// A normal host: calls proceed.
    #[default]
    Ok,
    /// The host is not in the account: 400, code 1010.
    NotInAccount,
    /// The host may not host or schedule: 400, code 3161.
    HostingNotAllowed,
    /// The host user does not exist: 404 (meetings) or 400 (webinars), code 1001.
    Missing,
}

/// A configured custom live-streaming service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimStream {
    /// The streaming (RTMP) URL.
    pub stream_url: String,
    /// The stream key.
    pub stream_key: String,
    /// The page where viewers watch the stream.
    pub page_url: String,
    /// `720p` or `1080p`; `None` leaves the field out of GET answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
}

impl SimStream {
    /// The demo stream (`DEMO_STREAM_URL`, `DEMO_STREAM_KEY`, `DEMO_PAGE_URL`, `720p`).
    pub fn demo() -> Self {
        Self {
            stream_url: DEMO_STREAM_URL.to_owned(),
            stream_key: DEMO_STREAM_KEY.to_owned(),
            page_url: DEMO_PAGE_URL.to_owned(),
            resolution: Some(DEMO_RESOLUTION.to_owned()),
        }
    }
}

/// The simulated state of one meeting or webinar.
///
/// In JSON (admin API) every field is optional:
/// `{"host":"ok","stream":{"stream_url":"…","stream_key":"…","page_url":"…","resolution":"720p"},
/// "started":true,"streaming":false,"last_status_settings":null,"live_streaming_allowed":true,
/// "join_tokens_issued":0}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimMeeting {
    /// The host's standing.
    pub host: HostState,
    /// The configured streaming service, if any.
    pub stream: Option<SimStream>,
    /// Whether the meeting is in progress (required to start a stream).
    pub started: bool,
    /// Whether the live stream is running.
    pub streaming: bool,
    /// The `settings` object of the last successful `start`, as sent.
    pub last_status_settings: Option<serde_json::Value>,
    /// The topic in webhook payloads; `None` sends `Meeting {id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// The host's "Allow livestreaming of meetings/webinars" setting: without it no join
    /// token is issued (400, code 3000). On by default.
    pub live_streaming_allowed: bool,
    /// How many join tokens were issued for it.
    pub join_tokens_issued: u32,
}

impl Default for SimMeeting {
    /// A fine host, no stream, not started, live streaming allowed.
    fn default() -> Self {
        Self {
            host: HostState::default(),
            stream: None,
            started: false,
            streaming: false,
            last_status_settings: None,
            topic: None,
            live_streaming_allowed: true,
            join_tokens_issued: 0,
        }
    }
}

impl SimMeeting {
    /// A meeting with a fine host, the demo stream configured, started, not streaming.
    pub fn demo() -> Self {
        Self {
            stream: Some(SimStream::demo()),
            started: true,
            ..Self::default()
        }
    }

    /// A meeting with the given host state and nothing else set.
    pub fn with_host(host: HostState) -> Self {
        Self {
            host,
            ..Self::default()
        }
    }
}

// ---------------------------------------------------------------------------------------
// Video SDK sessions
// ---------------------------------------------------------------------------------------

/// The demo Video SDK session: stream configured, session in progress, not streaming.
pub const DEMO_SESSION_ID: &str = "Sx8PZbQyTtaUc9kFb4sOwg==";
/// The demo session's name (`session_name` in webhook payloads).
pub const DEMO_SESSION_NAME: &str = "Weekly demo";
/// A session whose id begins with `/` and contains `//`: its path segment is encoded twice
/// (Zoom's rule). Stream configured, in progress, not streaming.
pub const SESSION_SLASHED_ID: &str = "/Ab//Cd+Ef==";
/// A session with no stream configured that has not started.
pub const SESSION_NOT_STARTED: &str = "NotStartedSession0000A==";
/// The demo Video SDK app's API key: the `iss` of the JWTs the simulator accepts.
pub const DEMO_VIDEO_SDK_API_KEY: &str = "sim-video-sdk-api-key";
/// The demo Video SDK app's API secret: what those JWTs are signed with.
pub const DEMO_VIDEO_SDK_API_SECRET: &str = "sim-video-sdk-api-secret";

/// The Video SDK app whose JWTs the session operations accept (besides OAuth tokens).
/// `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoSdkAccount {
    /// The API key: a JWT's `iss` must be it.
    pub api_key: String,
    /// The API secret: a JWT's HS256 signature must verify under it.
    pub api_secret: String,
}

impl Default for VideoSdkAccount {
    fn default() -> Self {
        Self {
            api_key: DEMO_VIDEO_SDK_API_KEY.to_owned(),
            api_secret: DEMO_VIDEO_SDK_API_SECRET.to_owned(),
        }
    }
}

impl fmt::Debug for VideoSdkAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VideoSdkAccount")
            .field("api_key", &self.api_key)
            .field("api_secret", &SecretString::new(self.api_secret.clone()))
            .finish()
    }
}

/// The simulated state of one Video SDK session.
///
/// In JSON (admin API) every field is optional:
/// `{"name":"Weekly demo","stream":{"stream_url":"…","stream_key":"…","page_url":"…"},
/// "started":true,"streaming":false,"last_status_settings":null}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimSession {
    /// `session_name` in webhook payloads; `None` sends `Session {id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The configured streaming service, if any.
    pub stream: Option<SimStream>,
    /// Whether the session is in progress (required to start a stream).
    pub started: bool,
    /// Whether the live stream is running.
    pub streaming: bool,
    /// The `settings` object of the last successful `start`, as sent.
    pub last_status_settings: Option<serde_json::Value>,
}

impl SimSession {
    /// A session with the demo stream configured, in progress, not streaming.
    pub fn demo() -> Self {
        Self {
            name: Some(DEMO_SESSION_NAME.to_owned()),
            stream: Some(SimStream::demo()),
            started: true,
            ..Self::default()
        }
    }

    /// The sessions of the default configuration.
    pub(crate) fn defaults() -> Vec<(String, SimSession)> {
        vec![
            (DEMO_SESSION_ID.to_owned(), SimSession::demo()),
            (SESSION_SLASHED_ID.to_owned(), SimSession::demo()),
            (SESSION_NOT_STARTED.to_owned(), SimSession::default()),
        ]
    }
}

/// How to start a simulator. [`Default`] is the demo state described in the
/// module documentation.
#[derive(Debug, Clone)]
pub struct SimulatorConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Lifetime of issued tokens (`expires_in`).
    pub token_ttl: Duration,
    /// The account and app the token endpoint accepts.
    pub account: DemoAccount,
    /// Per-second token bucket size and refill rate; `None` = unlimited.
    pub rate_limit_per_second: Option<u32>,
    /// API calls allowed per UTC day; `None` = unlimited.
    pub daily_limit: Option<u32>,
    /// Bearer tokens accepted forever.
    pub static_tokens: Vec<String>,
    /// Bearer tokens accepted forever as a JWT app's: the join-token GETs refuse them
    /// (400, code 124).
    pub jwt_tokens: Vec<String>,
    /// Meetings by id.
    pub meetings: Vec<(u64, SimMeeting)>,
    /// Webinars by id.
    pub webinars: Vec<(u64, SimMeeting)>,
    /// Video SDK sessions by id (as given, not encoded).
    pub sessions: Vec<(String, SimSession)>,
    /// The Video SDK app whose JWTs the session operations accept.
    pub video_sdk: VideoSdkAccount,
    /// Where to deliver live-stream webhooks; `None` delivers none.
    pub webhook: Option<WebhookConfig>,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        let no_stream = SimMeeting::default();
        Self {
            port: 0,
            token_ttl: DEFAULT_TOKEN_TTL,
            account: DemoAccount::default(),
            rate_limit_per_second: None,
            daily_limit: None,
            static_tokens: vec![DEMO_STATIC_TOKEN.to_owned()],
            jwt_tokens: vec![DEMO_JWT_TOKEN.to_owned()],
            meetings: vec![
                (DEMO_MEETING_ID, SimMeeting::demo()),
                (
                    MEETING_HOST_NOT_IN_ACCOUNT,
                    SimMeeting::with_host(HostState::NotInAccount),
                ),
                (
                    MEETING_HOSTING_NOT_ALLOWED,
                    SimMeeting::with_host(HostState::HostingNotAllowed),
                ),
                (
                    MEETING_HOST_MISSING,
                    SimMeeting::with_host(HostState::Missing),
                ),
                (MEETING_NO_STREAM, no_stream),
                (
                    MEETING_LIVE_STREAMING_NOT_ALLOWED,
                    SimMeeting {
                        live_streaming_allowed: false,
                        ..SimMeeting::demo()
                    },
                ),
            ],
            webinars: vec![
                (DEMO_WEBINAR_ID, SimMeeting::demo()),
                (
                    WEBINAR_NOT_STARTED,
                    SimMeeting {
                        started: false,
                        ..SimMeeting::demo()
                    },
                ),
                (
                    WEBINAR_LIVE_STREAMING_NOT_ALLOWED,
                    SimMeeting {
                        live_streaming_allowed: false,
                        ..SimMeeting::demo()
                    },
                ),
            ],
            sessions: SimSession::defaults(),
            video_sdk: VideoSdkAccount::default(),
            webhook: None,
        }
    }
}

impl SimulatorConfig {
    /// The demo state on a given port (0 = free).
    pub fn on_port(port: u16) -> Self {
        Self {
            port,
            ..Self::default()
        }
    }
}

/// Zoom's redelivery schedule: an event not acknowledged with a 2xx in time is delivered
/// again 5 minutes after the first try, then 20, then 60 minutes after the previous one,
/// and then given up.
pub const WEBHOOK_RETRY_DELAYS: [Duration; 3] = [
    Duration::from_secs(5 * 60),
    Duration::from_secs(20 * 60),
    Duration::from_secs(60 * 60),
];

/// How long Zoom waits for a 2xx before it counts a delivery as failed.
pub const WEBHOOK_ACK_TIMEOUT: Duration = Duration::from_secs(3);

/// Where and how the simulator delivers `meeting.live_streaming_started` and `…_stopped`.
///
/// The URL must be `http://HOST[:PORT]/PATH` (the simulator has no TLS client; a loopback
/// receiver is the expected use). `Debug` never shows the secret token.
///
/// ```
/// use std::time::Duration;
/// use zoom_testkit::simulator::WebhookConfig;
///
/// let config = WebhookConfig::new("http://127.0.0.1:9000/zoom/events", "my-secret")?
///     .time_scale(60_000); // Zoom's 5-minute retry comes after 5 ms
/// assert_eq!(config.retry_delays()[0], Duration::from_millis(5));
/// assert!(!format!("{config:?}").contains("my-secret"));
/// assert!(WebhookConfig::new("https://hooks.example.com/", "s").is_err());
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookConfig {
    url: http::Uri,
    secret_token: SecretString,
    time_scale: u32,
    ack_timeout: Duration,
}

impl WebhookConfig {
    /// Deliveries to `url`, signed with `secret_token`, on Zoom's real schedule.
    ///
    /// Refuses a URL that is not `http://` with a host, and a blank secret.
    pub fn new(url: &str, secret_token: impl Into<SecretString>) -> Result<Self, String> {
        let secret_token = secret_token.into();
        if secret_token.is_blank() {
            return Err("the webhook secret token is empty".to_owned());
        }
        let parsed: http::Uri = url
            .parse()
            .map_err(|_| format!("the webhook URL '{url}' is not a URL"))?;
        if parsed.scheme_str() != Some("http") {
            return Err(format!(
                "the webhook URL '{url}' must start with http:// (the simulator has no TLS client)"
            ));
        }
        if parsed.host().is_none_or(str::is_empty) {
            return Err(format!("the webhook URL '{url}' has no host"));
        }
        Ok(Self {
            url: parsed,
            secret_token,
            time_scale: 1,
            ack_timeout: WEBHOOK_ACK_TIMEOUT,
        })
    }

    /// Runs the retry schedule `factor` times faster (at least 1): with 60 000, Zoom's
    /// 5, 20 and 60 minutes become 5, 20 and 60 milliseconds.
    pub fn time_scale(mut self, factor: u32) -> Self {
        self.time_scale = factor.max(1);
        self
    }

    /// How long to wait for the receiver's answer ([`WEBHOOK_ACK_TIMEOUT`], 3 s, unless
    /// changed; the time scale does not shorten it).
    pub fn ack_timeout(mut self, timeout: Duration) -> Self {
        self.ack_timeout = timeout;
        self
    }

    /// The URL deliveries go to.
    pub fn url(&self) -> &http::Uri {
        &self.url
    }

    /// The secret token deliveries are signed with.
    pub fn secret_token(&self) -> &SecretString {
        &self.secret_token
    }

    /// The factor the retry schedule is compressed by.
    pub fn scale(&self) -> u32 {
        self.time_scale
    }

    /// How long a receiver has to answer.
    pub fn timeout(&self) -> Duration {
        self.ack_timeout
    }

    /// The delays before each retry, compressed by the time scale.
    pub fn retry_delays(&self) -> [Duration; 3] {
        WEBHOOK_RETRY_DELAYS.map(|delay| delay / self.time_scale)
    }
}

impl fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("url", &self.url)
            .field("secret_token", &self.secret_token)
            .field("time_scale", &self.time_scale)
            .field("ack_timeout", &self.ack_timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_ids_are_session_ids_and_the_secret_is_never_shown() {
        for (id, _) in SimSession::defaults() {
            assert!(zoom_core::SessionId::parse(&id).is_ok(), "{id}");
        }
        let shown = format!("{:?}", VideoSdkAccount::default());
        assert!(!shown.contains(DEMO_VIDEO_SDK_API_SECRET), "{shown}");
        assert!(shown.contains(DEMO_VIDEO_SDK_API_KEY), "{shown}");
    }
}
