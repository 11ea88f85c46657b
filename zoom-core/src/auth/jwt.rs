//! The Video SDK API's own credential (feature `video-sdk`): an HS256 JWT that the client
//! signs itself with the app's Video SDK **API** key and secret, and sends as
//! `Authorization: Bearer <jwt>`. No token endpoint is involved.
//!
//! - header `{"alg":"HS256","typ":"JWT"}`, claims `{"iss":<API key>,"iat":<now>,"exp":<now +
//!   lifetime>}` (Unix seconds, from the client's [`TimeSource`] wall clock), each part
//!   base64url without padding, signed with HMAC-SHA256 keyed with the API secret's UTF-8
//!   bytes (RFC 7519 / 7515, as Zoom's Rivet SDK signs it);
//! - kept per client (clones share it) and minted anew once it is within a minute of its
//!   expiry (or half its lifetime, for a short one), and after Zoom rejects it with a 401
//!   (the call is then repeated once, as for a rejected OAuth token);
//! - the API secret and every minted JWT are secrets: `Debug`, errors, logs and spans never
//!   show them.
//!
//! hmac and sha2 (RustCrypto, the crates `zoom-webhook` verifies signatures with) come with
//! the feature only: a client that never calls the Video SDK API compiles no HMAC.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::cache::{Token, TokenParts};
use super::credentials::lock;
use crate::endpoint::bearer_header;
use crate::error::InvalidInput;
use crate::secret_string::SecretString;
use crate::store::refresh_margin;
use crate::time::{SystemTimeSource, TimeSource, Timestamp, since_unix_epoch};

/// The JOSE header of every Video SDK JWT, as signed.
const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// The Video SDK API's credentials: the API key and secret from the Video SDK app's page in
/// Zoom's marketplace, and how long each minted JWT lives.
///
/// Give them to a client with `ClientBuilder::video_sdk_jwt` (which keeps and renews the
/// JWT), or mint a JWT yourself with [`VideoSdkJwt::mint`]. `Debug` shows the key (an
/// identifier, the JWT's `iss`) but never the secret.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use zoom_core::VideoSdkJwt;
///
/// let credentials = VideoSdkJwt::new("my-api-key", "my-api-secret").lifetime(Duration::from_secs(1800));
/// let jwt = credentials.mint(UNIX_EPOCH + Duration::from_secs(1_795_687_200))?;
/// let parts: Vec<&str> = jwt.expose_secret().split('.').collect();
/// assert_eq!(parts[0], "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"); // {"alg":"HS256","typ":"JWT"}
/// assert_eq!(parts.len(), 3);
/// assert!(!format!("{credentials:?} {jwt:?}").contains("my-api-secret"));
/// # Ok::<(), zoom_core::InvalidInput>(())
/// ```
#[derive(Clone)]
pub struct VideoSdkJwt {
    api_key: String,
    api_secret: SecretString,
    lifetime: Duration,
}

impl VideoSdkJwt {
    /// The lifetime of a minted JWT unless set: an hour (Zoom suggests an hour or less).
    pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

    /// The longest lifetime accepted: 48 hours. A longer one is an input error.
    pub const MAX_LIFETIME: Duration = Duration::from_secs(48 * 3600);

    /// The shortest lifetime accepted: one second (the claims count whole seconds).
    pub const MIN_LIFETIME: Duration = Duration::from_secs(1);

    /// The app's Video SDK API key and secret (not the SDK key and secret, which sign the
    /// tokens that join a session).
    pub fn new(api_key: impl Into<String>, api_secret: impl Into<SecretString>) -> Self {
        Self {
            api_key: api_key.into(),
            api_secret: api_secret.into(),
            lifetime: Self::DEFAULT_LIFETIME,
        }
    }

    /// How long each minted JWT is valid (`exp - iat`, whole seconds; default
    /// [`Self::DEFAULT_LIFETIME`]). Between [`Self::MIN_LIFETIME`] and
    /// [`Self::MAX_LIFETIME`], or minting is an input error.
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// The API key (the JWT's `iss`).
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The lifetime of each minted JWT.
    pub fn valid_for(&self) -> Duration {
        self.lifetime
    }

    /// Refuses blank credentials and a lifetime out of range, before anything is sent.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        if self.api_key.trim().is_empty() {
            return Err(InvalidInput::new(
                "video_sdk_api_key",
                "must not be empty or blank",
            ));
        }
        if self.api_secret.is_blank() {
            return Err(InvalidInput::new(
                "video_sdk_api_secret",
                "must not be empty or blank",
            ));
        }
        if !(Self::MIN_LIFETIME..=Self::MAX_LIFETIME).contains(&self.lifetime) {
            return Err(InvalidInput::new(
                "video_sdk_jwt_lifetime",
                format!(
                    "is {:?}; it must be between 1 second and 48 hours (Zoom suggests an hour or less)",
                    self.lifetime
                ),
            ));
        }
        Ok(())
    }

    /// A JWT issued at `now` (wall clock, whole Unix seconds): header
    /// `{"alg":"HS256","typ":"JWT"}`, claims `{"iss":key,"iat":now,"exp":now+lifetime}`,
    /// signed with HMAC-SHA256 under the API secret. Fails for invalid credentials (see
    /// [`Self::validate`]) or a `now` before 1970.
    pub fn mint(&self, now: SystemTime) -> Result<SecretString, InvalidInput> {
        self.validate()?;
        let iat = since_unix_epoch(now)
            .map_err(|_| InvalidInput::new("time_source", "reads a time before 1970"))?
            .as_secs();
        let claims = Claims {
            iss: &self.api_key,
            iat,
            exp: iat.saturating_add(self.lifetime.as_secs()),
        };
        let claims = serde_json::to_vec(&claims)
            .map_err(|e| InvalidInput::new("video_sdk_api_key", e.to_string()))?;
        let mut jwt = String::with_capacity(64 + claims.len() * 4 / 3 + 44);
        URL_SAFE_NO_PAD.encode_string(HEADER, &mut jwt);
        jwt.push('.');
        URL_SAFE_NO_PAD.encode_string(&claims, &mut jwt);
        // RFC 2104: HMAC takes a key of any length, so there is no error to expect here.
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(self.api_secret.expose_secret().as_bytes())
                .map_err(|_| InvalidInput::new("video_sdk_api_secret", "cannot key an HMAC"))?;
        mac.update(jwt.as_bytes());
        let signature = mac.finalize().into_bytes();
        jwt.push('.');
        URL_SAFE_NO_PAD.encode_string(signature, &mut jwt);
        Ok(SecretString::new(jwt))
    }
}

impl fmt::Debug for VideoSdkJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VideoSdkJwt")
            .field("api_key", &self.api_key)
            .field("api_secret", &self.api_secret)
            .field("lifetime", &self.lifetime)
            .finish()
    }
}

/// The registered claims Zoom reads, in the order they are written.
#[derive(serde::Serialize)]
struct Claims<'a> {
    iss: &'a str,
    iat: u64,
    exp: u64,
}

/// A client's Video SDK JWT: minted on demand, kept until it is due for renewal, dropped
/// when Zoom rejects it. Shared by the client's clones.
pub(crate) struct JwtSource {
    credentials: VideoSdkJwt,
    /// Where `iat` comes from: the client's time source.
    clock: Arc<dyn TimeSource>,
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    /// The current JWT and the time (on the call's monotonic clock) it stays fresh until.
    token: Option<(Token, Timestamp)>,
    /// JWTs minted so far: the generation of the last one.
    minted: u64,
}

impl JwtSource {
    pub(crate) fn new(credentials: VideoSdkJwt) -> Self {
        Self {
            credentials,
            clock: Arc::new(SystemTimeSource),
            kept: Mutex::new(Kept::default()),
        }
    }

    /// Reads `iat` from `clock` from now on (the client's time source).
    pub(crate) fn set_clock(&mut self, clock: Arc<dyn TimeSource>) {
        self.clock = clock;
    }

    /// The JWT to send at `now`: the kept one while fresh, else a new one.
    pub(crate) fn token(&self, now: Timestamp) -> Result<Token, InvalidInput> {
        let mut kept = lock(&self.kept);
        if let Some((token, fresh_until)) = &kept.token
            && now < *fresh_until
        {
            return Ok(token.clone());
        }
        let secret = self.credentials.mint(self.clock.system_time())?;
        kept.minted += 1;
        let token = Token::new(TokenParts {
            bearer: bearer_header(&secret).ok(),
            secret,
            api_base: None,
            generation: kept.minted,
        });
        let lifetime = self.credentials.lifetime;
        let fresh_until = now.saturating_add(lifetime.saturating_sub(refresh_margin(lifetime)));
        kept.token = Some((token.clone(), fresh_until));
        tracing::debug!(
            generation = kept.minted,
            lifetime_s = lifetime.as_secs(),
            "minted a Video SDK JWT"
        );
        Ok(token)
    }

    /// Zoom rejected `token`: the next call mints a new one, unless one has replaced it
    /// already.
    pub(crate) fn invalidate(&self, token: &Token) {
        let mut kept = lock(&self.kept);
        if kept
            .token
            .as_ref()
            .is_some_and(|(kept, _)| kept.generation == token.generation)
        {
            kept.token = None;
        }
    }
}

impl fmt::Debug for JwtSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtSource")
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    fn parts(jwt: &SecretString) -> Vec<Vec<u8>> {
        jwt.expose_secret()
            .split('.')
            .map(|part| URL_SAFE_NO_PAD.decode(part).unwrap())
            .collect()
    }

    #[test]
    fn a_jwt_has_zooms_header_the_three_claims_and_an_hmac_signature() {
        let credentials = VideoSdkJwt::new("key", "secret");
        let jwt = credentials.mint(at(1_000)).unwrap();
        let parts = parts(&jwt);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], HEADER.as_bytes());
        assert_eq!(parts[1], br#"{"iss":"key","iat":1000,"exp":4600}"#);
        let signed = jwt.expose_secret().rsplit_once('.').unwrap().0;
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(b"secret").unwrap();
        mac.update(signed.as_bytes());
        assert!(mac.verify_slice(&parts[2]).is_ok());
        assert!(!jwt.expose_secret().contains('='), "no padding");
    }

    #[test]
    fn keys_are_json_escaped_and_lifetimes_count_whole_seconds() {
        let credentials = VideoSdkJwt::new("k\"é", "s").lifetime(Duration::from_millis(90_500));
        let claims = &parts(&credentials.mint(at(5)).unwrap())[1];
        assert_eq!(claims, r#"{"iss":"k\"é","iat":5,"exp":95}"#.as_bytes());
        let sub_second = credentials
            .mint(at(5) + Duration::from_millis(999))
            .unwrap();
        assert_eq!(parts(&sub_second)[1], claims.clone());
    }

    #[test]
    fn blank_credentials_lifetimes_out_of_range_and_times_before_1970_are_refused() {
        let cases = [
            (VideoSdkJwt::new(" ", "s"), "video_sdk_api_key"),
            (VideoSdkJwt::new("k", ""), "video_sdk_api_secret"),
            (
                VideoSdkJwt::new("k", "s").lifetime(Duration::from_millis(999)),
                "video_sdk_jwt_lifetime",
            ),
            (
                VideoSdkJwt::new("k", "s")
                    .lifetime(VideoSdkJwt::MAX_LIFETIME + Duration::from_secs(1)),
                "video_sdk_jwt_lifetime",
            ),
        ];
        for (credentials, field) in cases {
            assert_eq!(credentials.mint(at(0)).unwrap_err().field(), field);
        }
        let before = UNIX_EPOCH - Duration::from_secs(1);
        let error = VideoSdkJwt::new("k", "s").mint(before).unwrap_err();
        assert_eq!(error.field(), "time_source");
        assert!(
            VideoSdkJwt::new("k", "s")
                .lifetime(VideoSdkJwt::MAX_LIFETIME)
                .mint(at(0))
                .is_ok()
        );
    }

    #[test]
    fn the_source_keeps_a_jwt_until_a_minute_before_expiry_or_a_rejection() {
        #[derive(Debug)]
        struct Fixed;
        impl TimeSource for Fixed {
            fn now(&self) -> Timestamp {
                Timestamp::ORIGIN
            }
            fn system_time(&self) -> SystemTime {
                at(1_000)
            }
        }
        let mut source = JwtSource::new(VideoSdkJwt::new("key", "secret"));
        source.set_clock(Arc::new(Fixed));
        let now = |s| Timestamp::from_origin(Duration::from_secs(s));
        let first = source.token(now(0)).unwrap();
        assert_eq!(first.generation, 1);
        assert!(first.bearer.as_ref().unwrap().is_sensitive());
        assert_eq!(source.token(now(3539)).unwrap().generation, 1);
        let renewed = source.token(now(3540)).unwrap();
        assert_eq!(renewed.generation, 2);
        // A rejection of an older JWT changes nothing; of the current one, mints anew.
        source.invalidate(&first);
        assert_eq!(source.token(now(3541)).unwrap().generation, 2);
        source.invalidate(&renewed);
        assert_eq!(source.token(now(3541)).unwrap().generation, 3);
        let shown = format!("{source:?} {renewed:?}");
        assert!(
            !shown.contains("secret\"") && !shown.contains("eyJ"),
            "{shown}"
        );
    }
}
