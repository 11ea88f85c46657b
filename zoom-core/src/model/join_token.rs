//! [`JoinToken`]: what `GET …/jointoken/live_streaming` returns.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::SecretString;

/// A join token for live streaming, as `GET …/jointoken/live_streaming` returns it: with it a
/// bot built on Zoom's Meeting SDK joins the meeting or webinar as if hosted by the token's
/// issuer, and starts streaming.
///
/// The token is a credential: `Debug` and `Serialize` write `[redacted]`; read it with
/// `token.expose_secret()`. Zoom documents `expire_in` as always 120 seconds: a missing or
/// `null` one reads as 120 s, a negative one as zero, one beyond a day as a day.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use zoom_core::JoinToken;
///
/// let token: JoinToken = serde_json::from_str(r#"{"token":"2njt50mj","expire_in":120}"#).unwrap();
/// assert_eq!(token.token.expose_secret(), "2njt50mj");
/// assert_eq!(token.expire_in, Duration::from_secs(120));
/// assert_eq!(token.expires_at(UNIX_EPOCH), Some(UNIX_EPOCH + Duration::from_secs(120)));
/// assert!(!format!("{token:?}").contains("2njt50mj"));
/// assert_eq!(serde_json::to_string(&token).unwrap(), r#"{"token":"[redacted]","expire_in":120}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct JoinToken {
    /// The join token: a credential.
    #[serde(deserialize_with = "required_secret")]
    pub token: SecretString,
    /// How long the token is valid from the moment Zoom answered.
    #[serde(default = "documented_lifetime", deserialize_with = "lifetime")]
    pub expire_in: Duration,
}

impl JoinToken {
    /// What Zoom documents `expire_in` to be, always: 120 seconds.
    pub const DOCUMENTED_LIFETIME: Duration = Duration::from_secs(120);

    /// The longest lifetime kept from an answer; larger values are clamped to it.
    pub const MAX_LIFETIME: Duration = Duration::from_secs(86_400);

    /// A join token (for tests and stores); `expire_in` is clamped to [`Self::MAX_LIFETIME`].
    pub fn new(token: impl Into<SecretString>, expire_in: Duration) -> Self {
        Self {
            token: token.into(),
            expire_in: expire_in.min(Self::MAX_LIFETIME),
        }
    }

    /// When the token expires, if it was received at `now`; `None` only if that instant
    /// cannot be represented.
    pub fn expires_at(&self, now: SystemTime) -> Option<SystemTime> {
        now.checked_add(self.expire_in)
    }
}

impl Serialize for JoinToken {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut state = serializer.serialize_struct("JoinToken", 2)?;
        state.serialize_field("token", crate::secret::REDACTED)?;
        state.serialize_field("expire_in", &self.expire_in.as_secs())?;
        state.end()
    }
}

fn documented_lifetime() -> Duration {
    JoinToken::DOCUMENTED_LIFETIME
}

/// A token must be a non-blank string: without one the answer is no join token.
fn required_secret<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SecretString, D::Error> {
    let token = SecretString::deserialize(deserializer)?;
    if token.is_blank() {
        return Err(serde::de::Error::custom("the join token is empty"));
    }
    Ok(token)
}

/// Seconds as any JSON number (or `null`: the documented 120), clamped to
/// `0..=JoinToken::MAX_LIFETIME`; never panics on NaN-like or huge values.
fn lifetime<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    let Some(seconds) = Option::<serde_json::Number>::deserialize(deserializer)? else {
        return Ok(JoinToken::DOCUMENTED_LIFETIME);
    };
    let max = JoinToken::MAX_LIFETIME;
    let clamped = if let Some(whole) = seconds.as_u64() {
        Duration::from_secs(whole).min(max)
    } else if seconds.as_i64().is_some() {
        Duration::ZERO
    } else {
        let float = seconds.as_f64().unwrap_or(0.0);
        Duration::try_from_secs_f64(float.clamp(0.0, max.as_secs_f64())).unwrap_or(Duration::ZERO)
    };
    Ok(clamped)
}
