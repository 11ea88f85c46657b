//! A faithful local Zoom for the live-stream API: a real HTTP/1.1 server on
//! 127.0.0.1 that answers like `https://api.zoom.us/v2` and `https://zoom.us/oauth/token`.
//!
//! It judges requests from HTTP alone (it does not use the SDK's model types),
//! so it can catch an SDK that builds wrong requests.
//!
//! Behind the crate's `simulator` feature (`zoom-testkit = { version = "0.1", features =
//! ["simulator"] }`), which brings hyper and tokio.
//!
//! # Endpoints
//!
//! - `POST /oauth/token` — Server-to-Server OAuth (`grant_type=account_credentials`,
//!   `account_id`, Basic client credentials; form body or query string), and user-level
//!   OAuth refreshes (`grant_type=refresh_token`): one live refresh token, rotated by every
//!   refresh, starting at [`DEMO_REFRESH_TOKEN`]; an old one is `invalid_grant`.
//! - `GET|PATCH /v2/meetings/{id}/livestream`, `PATCH /v2/meetings/{id}/livestream/status`
//! - `GET|PATCH /v2/webinars/{id}/livestream`, `PATCH /v2/webinars/{id}/livestream/status`
//! - `GET /v2/meetings/{id}/jointoken/live_streaming`,
//!   `GET /v2/webinars/{id}/jointoken/live_streaming` — a join token
//!   (`{"token":"…","expire_in":120}`), only to an OAuth token (a JWT app's gets 400/124),
//!   only when the item's `live_streaming_allowed` is on (else 400/3000); an unknown id is
//!   404/3001.
//!
//! - `GET|PATCH /v2/videosdk/sessions/{sessionId}/livestream`,
//!   `PATCH /v2/videosdk/sessions/{sessionId}/livestream/status` — a Video SDK session's live
//!   stream, with state per session, to the configured Video SDK app's JWT
//!   ([`VideoSdkAccount`]: HS256 signature, `iss`, an unexpired `exp`) or an OAuth token; the
//!   id by Zoom's rule (encoded twice when it begins with `/` or contains `//`; once only:
//!   404, code 2300), judged by `spec/videosdk-livestream.json`.
//!
//! Path ids are judged by the types of Zoom's OpenAPI document: the two `livestream` GETs
//! take a number or a UUID, every other operation an int64 (anything else: 400, code 300,
//! with the rule as the field error). [`spec_violations`] states the same rules for a
//! [`ReceivedRequest`].
//! - `/__admin/…` — an unauthenticated JSON API to drive the simulator from any
//!   language: `GET|DELETE requests`, `POST|DELETE faults`, `POST reset`,
//!   `GET|PUT meetings/{id}`, `GET|PUT webinars/{id}`, `POST tokens/expire`,
//!   `GET token-requests`, `PUT rate-limit` (`{"per_second":n|null,"per_day":n|null}`),
//!   `PUT|GET|DELETE webhook`, `GET|DELETE webhook/deliveries`, `GET|PUT sessions/{id}`,
//!   `POST sessions/{id}/start`, `POST sessions/{id}/end`.
//!
//! # Webhooks
//!
//! With a [`WebhookConfig`] (`--webhook-url`, `PUT /__admin/webhook`), starting a meeting's
//! stream through the API delivers a signed `meeting.live_streaming_started` to its URL, and
//! stopping it `meeting.live_streaming_stopped`, with the meeting's state in the payload;
//! unacknowledged deliveries are retried on Zoom's schedule ([`WEBHOOK_RETRY_DELAYS`],
//! compressed by [`WebhookConfig::time_scale`]). [`SimulatorControl::webhook_deliveries`]
//! shows what happened. Webinars deliver nothing (Zoom has no such event). Sessions deliver
//! `session.live_streaming_started` / `…_stopped` the same way, and `session.started` /
//! `session.ended` when the admin API starts or ends them.
//!
//! Every Zoom answer carries `x-zm-trackingid` and `X-RateLimit-Category`,
//! `-Type`, `-Limit`, `-Remaining` (30/30 when unlimited).
//!
//! # Demo state ([`SimulatorConfig::default`])
//!
//! | id | kind | state |
//! |----|------|-------|
//! | [`DEMO_MEETING_ID`] | meeting | host ok, demo stream, started |
//! | [`MEETING_HOST_NOT_IN_ACCOUNT`] | meeting | 400 / 1010 |
//! | [`MEETING_HOSTING_NOT_ALLOWED`] | meeting | 400 / 3161 |
//! | [`MEETING_HOST_MISSING`] | meeting | 404 / 1001 |
//! | [`MEETING_NO_STREAM`] | meeting | host ok, no stream, not started |
//! | [`DEMO_WEBINAR_ID`] | webinar | host ok, demo stream, started |
//! | [`WEBINAR_NOT_STARTED`] | webinar | demo stream, not started |
//! | [`MEETING_LIVE_STREAMING_NOT_ALLOWED`] | meeting | like the demo one; join token 400 / 3000 |
//! | [`WEBINAR_LIVE_STREAMING_NOT_ALLOWED`] | webinar | like the demo one; join token 400 / 3000 |
//! | [`DEMO_SESSION_ID`] | Video SDK session | demo stream, in progress |
//! | [`SESSION_SLASHED_ID`] | Video SDK session | the same; its id is encoded twice in paths |
//! | [`SESSION_NOT_STARTED`] | Video SDK session | no stream, not started |
//!
//! Credentials: [`DEMO_ACCOUNT_ID`], [`DEMO_CLIENT_ID`], [`DEMO_CLIENT_SECRET`];
//! [`DEMO_STATIC_TOKEN`] is accepted as a bearer token without a token request;
//! [`DEMO_JWT_TOKEN`] too, as a JWT app's (refused by the join-token GETs and the session
//! operations). The Video SDK app: [`DEMO_VIDEO_SDK_API_KEY`], [`DEMO_VIDEO_SDK_API_SECRET`].
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use zoom_testkit::simulator::{Fault, FaultRule, Simulator};
//!
//! let sim = Simulator::start().await?;
//! sim.push_fault(FaultRule::new(Fault::Status { status: 503 }).once());
//! println!("API at {}", sim.base_url());
//! # Ok(()) }
//! ```

mod admin;
mod blocking;
mod clock;
mod config;
mod deliveries;
mod faults;
mod ids;
mod jointoken;
mod jwt;
mod lifecycle;
mod limits;
mod livestream;
mod oauth;
mod redelivery;
mod request;
mod response;
mod routes;
mod sender;
mod server;
mod session_admin;
mod session_events;
mod session_spec;
mod sessions;
mod spec;
mod state;
mod validate;
mod world;

pub use blocking::BlockingSimulator;
pub use config::{
    DEFAULT_TOKEN_TTL, DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_JWT_TOKEN,
    DEMO_MEETING_ID, DEMO_PAGE_URL, DEMO_REFRESH_TOKEN, DEMO_RESOLUTION, DEMO_SESSION_ID,
    DEMO_SESSION_NAME, DEMO_STATIC_TOKEN, DEMO_STREAM_KEY, DEMO_STREAM_URL, DEMO_VIDEO_SDK_API_KEY,
    DEMO_VIDEO_SDK_API_SECRET, DEMO_WEBINAR_ID, DemoAccount, HostState, MEETING_HOST_MISSING,
    MEETING_HOST_NOT_IN_ACCOUNT, MEETING_HOSTING_NOT_ALLOWED, MEETING_LIVE_STREAMING_NOT_ALLOWED,
    MEETING_NO_STREAM, MISSING_HOST_USER_ID, SESSION_NOT_STARTED, SESSION_SLASHED_ID, START_WINDOW,
    SimMeeting, SimSession, SimStream, SimulatorConfig, TOKEN_SCOPE, VideoSdkAccount,
    WEBHOOK_ACK_TIMEOUT, WEBHOOK_RETRY_DELAYS, WEBINAR_LIVE_STREAMING_NOT_ALLOWED,
    WEBINAR_NOT_STARTED, WebhookConfig,
};
pub use deliveries::{WebhookDelivery, WebhookDeliveryState};
pub(crate) use faults::padded_json;
pub use faults::{CONTROL_TEXT, Fault, FaultRule, RetryAfterForm};
pub use jwt::video_sdk_jwt;
pub use redelivery::Redelivery;
pub use request::ReceivedRequest;
pub use sender::WebhookAttempt;
pub use server::Simulator;
pub use spec::spec_violations;
pub use state::SimulatorControl;
