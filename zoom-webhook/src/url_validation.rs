//! `endpoint.url_validation`: Zoom checks that the endpoint knows the secret token.

use serde::{Deserialize, Deserializer, Serialize};

use crate::envelope::Envelope;

/// Zoom's `endpoint.url_validation` request: sent when you save the endpoint URL in the
/// marketplace and again every 72 hours. Verify it like any delivery, then answer 200 with
/// [`Verifier::url_validation_response`](crate::Verifier::url_validation_response).
///
/// ```
/// use zoom_webhook::UrlValidation;
///
/// let request: UrlValidation = serde_json::from_str(
///     r#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1795687200000,"event":"endpoint.url_validation"}"#,
/// )?;
/// assert_eq!(request.plain_token, "qgg8vlvZRS6UYooatFL8Aw");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UrlValidation {
    /// When Zoom produced the request, in Unix milliseconds.
    pub event_ts: Option<u64>,
    /// The token to hash (`payload.plainToken`).
    pub plain_token: String,
}

impl<'de> Deserialize<'de> for UrlValidation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Payload {
            #[serde(rename = "plainToken")]
            plain_token: String,
        }
        let Envelope { event_ts, payload } = Envelope::<Payload>::deserialize(deserializer)?;
        let payload = payload.ok_or_else(|| serde::de::Error::missing_field("payload"))?;
        Ok(Self {
            event_ts,
            plain_token: payload.plain_token,
        })
    }
}

/// The answer to [`UrlValidation`]: send it as the JSON body of a 200.
///
/// ```
/// use zoom_webhook::Verifier;
///
/// let answer = Verifier::new("test-secret-token").url_validation_response("plain-token-123");
/// let json = serde_json::to_value(&answer)?;
/// assert_eq!(json["plainToken"], "plain-token-123");
/// assert_eq!(json["encryptedToken"].as_str().map(str::len), Some(64));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UrlValidationResponse {
    /// The token Zoom sent.
    #[serde(rename = "plainToken")]
    pub plain_token: String,
    /// hex(HMAC-SHA256(secret token, plainToken)), lowercase.
    #[serde(rename = "encryptedToken")]
    pub encrypted_token: String,
}
