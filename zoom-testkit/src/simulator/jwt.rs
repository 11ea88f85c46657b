//! The Video SDK API's JWT from the server's side: how the simulator checks one (its own
//! code, independent of the SDK's: base64url, JSON and RustCrypto's HMAC-SHA256), and
//! [`video_sdk_jwt`] to mint one for tests that talk HTTP without the SDK.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::config::VideoSdkAccount;

/// Why a JWT is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not a JWT Zoom would read, or not signed by the configured app.
    Invalid(&'static str),
    /// Well signed, but `exp` has passed.
    Expired,
}

/// A Video SDK API JWT signed with `api_secret`: header `{"alg":"HS256","typ":"JWT"}`, claims
/// `{"iss":api_key,"iat":iat,"exp":exp}` (Unix seconds). For tests that send raw HTTP to the
/// simulator's session operations; the SDK mints its own (`ClientBuilder::video_sdk_jwt`).
///
/// ```
/// use zoom_testkit::simulator::{DEMO_VIDEO_SDK_API_KEY, DEMO_VIDEO_SDK_API_SECRET, video_sdk_jwt};
///
/// let jwt = video_sdk_jwt(DEMO_VIDEO_SDK_API_KEY, DEMO_VIDEO_SDK_API_SECRET, 1_600_000_000, 1_600_003_600);
/// assert!(jwt.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."));
/// assert_eq!(jwt.split('.').count(), 3);
/// ```
pub fn video_sdk_jwt(api_key: &str, api_secret: &str, iat: u64, exp: u64) -> String {
    let header = json!({"alg": "HS256", "typ": "JWT"}).to_string();
    let claims = json!({"iss": api_key, "iat": iat, "exp": exp}).to_string();
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let signature = mac(api_secret, &signing_input).finalize().into_bytes();
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// A JWT of the demo (or configured) app, valid from now for `lifetime_secs`.
pub(crate) fn fresh(account: &VideoSdkAccount, lifetime_secs: u64) -> String {
    let now = unix_seconds(SystemTime::now());
    video_sdk_jwt(
        &account.api_key,
        &account.api_secret,
        now,
        now + lifetime_secs,
    )
}

fn unix_seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn mac(secret: &str, signing_input: &str) -> Hmac<Sha256> {
    // RFC 2104: any key length is fine; `new_from_slice` cannot fail for HMAC.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(signing_input.as_bytes());
    mac
}

/// Whether `token` has a JWT's shape (three dot-separated parts), so that it is judged as
/// one rather than looked up as an OAuth token.
pub(crate) fn looks_like_jwt(token: &str) -> bool {
    token.split('.').count() == 3
}

/// A part's JSON object, or `None`.
fn object(part: &str) -> Option<serde_json::Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// Checks `token` as the configured Video SDK app's JWT at `now`: header `alg` HS256 (and
/// `typ` JWT when present), a valid HS256 signature under the API secret, `iss` the API
/// key, an integer `exp` after `now` (and `iat`, when present, an integer not after `exp`).
pub(crate) fn verify(
    token: &str,
    account: &VideoSdkAccount,
    now: SystemTime,
) -> Result<(), Refusal> {
    let mut parts = token.split('.');
    let (Some(header), Some(claims), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refusal::Invalid("not a JWT"));
    };
    let header = object(header).ok_or(Refusal::Invalid("the header is not base64url JSON"))?;
    if header.get("alg").and_then(Value::as_str) != Some("HS256") {
        return Err(Refusal::Invalid("alg is not HS256"));
    }
    if header
        .get("typ")
        .is_some_and(|typ| typ.as_str() != Some("JWT"))
    {
        return Err(Refusal::Invalid("typ is not JWT"));
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| Refusal::Invalid("the signature is not base64url"))?;
    let signed = &token[..token.len() - token.rsplit('.').next().unwrap_or("").len() - 1];
    if mac(&account.api_secret, signed)
        .verify_slice(&signature)
        .is_err()
    {
        return Err(Refusal::Invalid("the signature does not verify"));
    }
    let claims = object(claims).ok_or(Refusal::Invalid("the claims are not base64url JSON"))?;
    if claims.get("iss").and_then(Value::as_str) != Some(account.api_key.as_str()) {
        return Err(Refusal::Invalid("iss is not the API key"));
    }
    let exp = claims
        .get("exp")
        .and_then(Value::as_u64)
        .ok_or(Refusal::Invalid("exp is not a number of seconds"))?;
    match claims.get("iat") {
        None => {}
        Some(iat) if iat.as_u64().is_some_and(|iat| iat <= exp) => {}
        Some(_) => {
            return Err(Refusal::Invalid(
                "iat is not a number of seconds before exp",
            ));
        }
    }
    if exp <= unix_seconds(now) {
        return Err(Refusal::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn a_well_signed_jwt_of_the_app_passes_until_it_expires() {
        let account = VideoSdkAccount::default();
        let jwt = video_sdk_jwt(&account.api_key, &account.api_secret, 100, 200);
        assert_eq!(verify(&jwt, &account, at(150)), Ok(()));
        assert_eq!(verify(&jwt, &account, at(200)), Err(Refusal::Expired));
        assert!(looks_like_jwt(&jwt));
        assert!(!looks_like_jwt("sim-static-token"));
    }

    #[test]
    fn anything_else_is_refused() {
        let account = VideoSdkAccount::default();
        let other_secret = video_sdk_jwt(&account.api_key, "another secret", 100, 200);
        let other_key = video_sdk_jwt("another key", &account.api_secret, 100, 200);
        let backwards = video_sdk_jwt(&account.api_key, &account.api_secret, 300, 200);
        let good = video_sdk_jwt(&account.api_key, &account.api_secret, 100, 200);
        let (head, rest) = good.split_once('.').unwrap();
        let none_alg = format!("{}.{rest}", URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#));
        let padded = format!("{good}=");
        let unsigned = format!("{head}.{}.", rest.split('.').next().unwrap());
        for (token, why) in [
            (other_secret.as_str(), "signature"),
            (other_key.as_str(), "iss"),
            (backwards.as_str(), "iat"),
            (none_alg.as_str(), "alg"),
            (padded.as_str(), "signature"),
            (unsigned.as_str(), "signature"),
            ("a.b.c", "header"),
            ("a.b", "JWT"),
        ] {
            match verify(token, &account, at(150)) {
                Err(Refusal::Invalid(reason)) => assert!(reason.contains(why), "{token}: {reason}"),
                other => panic!("{token}: {other:?}"),
            }
        }
    }
}
