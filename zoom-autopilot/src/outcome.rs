//! What came of a call the machine asked for, classified from the SDK's result once, here.

use std::fmt;
use std::time::Duration;

use zoom_core::{ApiError, ApiErrorKind, Error};

use crate::decision::Reason;

/// The outcome of an [`Update`](crate::Action::Update) or [`Start`](crate::Action::Start),
/// as the machine needs it. Make it with [`Outcome::from_result`] from what the client
/// returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Zoom accepted the call.
    Ok,
    /// Zoom refused to start because the meeting (webinar) is not running yet.
    NotRunning,
    /// Zoom answered 429 (not the daily limit).
    RateLimited {
        /// How long Zoom asked to wait, if it said (or, for a start through the SDK's
        /// endpoint, its documented 30 s).
        retry_after: Option<Duration>,
    },
    /// The call failed on the way or on Zoom's side (network, timeout, 5xx, a token
    /// endpoint out of reach), after the client's own retries: worth repeating later.
    Transient,
    /// Repeating cannot help.
    Permanent(Refusal),
}

/// Why a call can never succeed as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Refusal {
    /// Credentials, token or scopes refused (401, 403, codes 124, 4700, 4711), or no token.
    Auth,
    /// The meeting, webinar or user does not exist (404, codes 3001, 1001).
    NotFound,
    /// No custom streaming service configured, or live streaming not enabled (codes 3000,
    /// 200 without "has not started").
    NotConfigured,
    /// The account's daily rate limit is spent (a 429 marked `Daily-limit`).
    DailyLimit,
    /// The SDK refused the request before sending it (the settings failed its checks).
    InvalidInput,
    /// Any other refusal: validation (300), wrong account or host, 409, other 4xx.
    Rejected,
}

impl Refusal {
    /// The reason a [`GiveUp`](crate::Action::GiveUp) for this refusal carries.
    pub const fn reason(self) -> Reason {
        match self {
            Refusal::Auth => Reason::AuthRefused,
            Refusal::NotFound => Reason::NotFound,
            Refusal::NotConfigured => Reason::NotConfigured,
            Refusal::DailyLimit => Reason::DailyLimit,
            Refusal::InvalidInput => Reason::InvalidInput,
            Refusal::Rejected => Reason::Rejected,
        }
    }
}

impl Outcome {
    /// Classifies what the SDK returned for an update or a start.
    ///
    /// - `Ok` is [`Outcome::Ok`]; so is a decode error, which only comes with a 2xx answer
    ///   (Zoom accepted the call; only its body was odd).
    /// - A 429 is [`Outcome::RateLimited`] with the error's `retry_after` (a `Retry-After`
    ///   date is measured against the system clock, as zoom-core's `ApiError::retry_after`
    ///   does); the daily limit is [`Refusal::DailyLimit`], since it lasts until midnight UTC.
    /// - Zoom's "has not started" answer is [`Outcome::NotRunning`]. It is a 400 with code
    ///   3000 for meetings and code 200 for webinars, but both codes also mean permanent
    ///   refusals ("not configured with a custom streaming service", "live streaming not
    ///   enabled"), and nothing else in the answer tells them apart: so, for these two codes
    ///   only, the message decides. A message containing "not started" or "not yet started"
    ///   (any case) is `NotRunning`; any other message, or none, is
    ///   [`Refusal::NotConfigured`].
    /// - Any transport failure, a 5xx, a 408 and a token endpoint out of reach are
    ///   [`Outcome::Transient`]: the machine bounds the repetitions by its retry budget.
    /// - Refused credentials are [`Refusal::Auth`], missing things [`Refusal::NotFound`],
    ///   the SDK's own input checks [`Refusal::InvalidInput`], any other 4xx
    ///   [`Refusal::Rejected`].
    ///
    /// ```
    /// use zoom_autopilot::Outcome;
    /// use zoom_core::http;
    ///
    /// let answer = http::Response::builder()
    ///     .status(400)
    ///     .body(br#"{"code":3000,"message":"Meeting 85746065432 has not started."}"#.to_vec())
    ///     .unwrap();
    /// let result = zoom_core::response::interpret::<()>(&answer);
    /// assert_eq!(Outcome::from_result(&result), Outcome::NotRunning);
    /// assert_eq!(Outcome::from_result(&Ok::<(), zoom_core::Error>(())), Outcome::Ok);
    /// ```
    pub fn from_result<T>(result: &Result<T, Error>) -> Self {
        match result {
            Ok(_) => Outcome::Ok,
            Err(error) => classify(error),
        }
    }

    /// A stable name: `ok`, `not_running`, `rate_limited`, `transient` or `permanent`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::NotRunning => "not_running",
            Outcome::RateLimited { .. } => "rate_limited",
            Outcome::Transient => "transient",
            Outcome::Permanent(_) => "permanent",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn classify(error: &Error) -> Outcome {
    match error {
        Error::Api(api) => classify_api(api),
        // Only a 2xx answer fails to decode: Zoom took the call.
        Error::Decode(_) => Outcome::Ok,
        Error::Auth(auth) if auth.is_transient() => Outcome::Transient,
        Error::Auth(_) => Outcome::Permanent(Refusal::Auth),
        Error::InvalidInput(_) => Outcome::Permanent(Refusal::InvalidInput),
        // Whatever the transport's failure, the budget bounds the repetitions; a start that
        // may have been applied is answered 429 or confirmed by Zoom's webhook.
        _ => Outcome::Transient,
    }
}

fn classify_api(api: &ApiError) -> Outcome {
    use ApiErrorKind as K;
    match api.kind() {
        K::RateLimited => Outcome::RateLimited {
            retry_after: api.retry_after(),
        },
        K::DailyLimitExceeded => Outcome::Permanent(Refusal::DailyLimit),
        K::LiveStreamNotAvailable | K::NotEnabled if says_not_started(api.message()) => {
            Outcome::NotRunning
        }
        K::LiveStreamNotAvailable | K::NotEnabled => Outcome::Permanent(Refusal::NotConfigured),
        K::InvalidAccessToken
        | K::Unauthorized
        | K::OAuthRequired
        | K::MissingScopes
        | K::Forbidden => Outcome::Permanent(Refusal::Auth),
        K::MeetingNotFound | K::NotFound | K::UserNotFound => Outcome::Permanent(Refusal::NotFound),
        K::ServerError => Outcome::Transient,
        _ if api.status().is_server_error() || api.status().as_u16() == 408 => Outcome::Transient,
        _ => Outcome::Permanent(Refusal::Rejected),
    }
}

/// Zoom's "Meeting {id} has not started." / "Webinar {id} has not started.".
fn says_not_started(message: Option<&str>) -> bool {
    message.is_some_and(|m| {
        let m = m.to_ascii_lowercase();
        m.contains("not started") || m.contains("not yet started")
    })
}
