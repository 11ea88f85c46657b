//! Checking that a delivery comes from Zoom: the signature over the raw body, and its age.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::event::{Event, ParseError};
use crate::url_validation::UrlValidationResponse;
use crate::{SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookError};
use zoom_core::SecretString;
use zoom_core::http;

/// How far a delivery's `x-zm-request-timestamp` may be from the clock, either way: 5 minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// The only signature scheme Zoom uses today.
const SCHEME: &str = "v0=";

/// Checks Zoom's webhook deliveries with your app's secret token.
///
/// A delivery is accepted when `x-zm-signature` is `v0=` + hex(HMAC-SHA256(secret token,
/// `v0:{timestamp}:{body}`)) over the **bytes received** (never re-serialised JSON), compared
/// in constant time, and its `x-zm-request-timestamp` is within the tolerance window of `now`
/// ([`DEFAULT_TOLERANCE`], ±5 minutes). The clock is an argument, so tests and replays choose
/// it; the `*_now` methods read [`SystemTime::now`].
///
/// `Debug` never shows the secret. Cloning is cheap (the keyed HMAC state is kept, not
/// recomputed per delivery).
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use zoom_webhook::{Event, Verifier};
///
/// let verifier = Verifier::new("test-secret-token");
/// // A delivery as Zoom sends it (signature computed with Python's hmac module).
/// let body = r#"{"event":"meeting.live_streaming_started","event_ts":1795687200000,"payload":{"object":{"id":85746065432,"topic":"Café 直播"}}}"#;
/// let signature = "v0=cb1e630257b82bc29919240852bdcc05934043cfcbe297fd1de8188841fd3f1c";
/// let now = UNIX_EPOCH + Duration::from_secs(1795687200 + 2);
///
/// let verified = verifier.verify(body.as_bytes(), Some(signature), Some("1795687200"), now)?;
/// let Event::MeetingLiveStreamingStarted(started) = verified.parse()? else { panic!() };
/// assert_eq!(started.meeting.topic.as_deref(), Some("Café 直播"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    mac: Hmac<Sha256>,
    blank: bool,
    tolerance: Duration,
}

impl Verifier {
    /// A verifier for the secret token of your app's Event Subscription (Zoom's marketplace
    /// shows it on the app's Features page).
    ///
    /// A blank secret (an unset variable, say) is accepted here but refuses every delivery
    /// with [`VerifyError::NoSecret`], since anyone could sign with it.
    ///
    /// ```
    /// use zoom_core::SecretString;
    /// use zoom_webhook::Verifier;
    ///
    /// let verifier = Verifier::new(SecretString::new("from-your-config"));
    /// assert!(!format!("{verifier:?}").contains("from-your-config"));
    /// ```
    pub fn new(secret_token: impl Into<SecretString>) -> Self {
        let secret = secret_token.into();
        Self {
            mac: keyed(secret.expose_secret().as_bytes()),
            blank: secret.is_blank(),
            tolerance: DEFAULT_TOLERANCE,
        }
    }

    /// The same verifier with another tolerance window (either direction).
    ///
    /// Sub-second parts are ignored, since Zoom's timestamps are whole seconds.
    ///
    /// ```
    /// use std::time::Duration;
    /// use zoom_webhook::Verifier;
    ///
    /// let strict = Verifier::new("secret").tolerance(Duration::from_secs(60));
    /// assert_eq!(strict.window(), Duration::from_secs(60));
    /// ```
    pub fn tolerance(mut self, window: Duration) -> Self {
        self.tolerance = window;
        self
    }

    /// The tolerance window in force.
    ///
    /// ```
    /// use zoom_webhook::{DEFAULT_TOLERANCE, Verifier};
    ///
    /// assert_eq!(Verifier::new("secret").window(), DEFAULT_TOLERANCE);
    /// ```
    pub fn window(&self) -> Duration {
        self.tolerance
    }

    /// Checks a delivery from its raw body and the values of its `x-zm-signature` and
    /// `x-zm-request-timestamp` headers (`None` where a header is missing), at time `now`.
    ///
    /// Returns the body, marked verified, to [parse](Verified::parse). Checks, in order: a
    /// secret is set; both headers are present and well formed; the signature matches (in
    /// constant time); the timestamp is within the window.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use zoom_webhook::{Verifier, VerifyError};
    ///
    /// let verifier = Verifier::new("test-secret-token");
    /// let now = UNIX_EPOCH + Duration::from_secs(1795687200);
    /// let forged = "v0=0000000000000000000000000000000000000000000000000000000000000000";
    /// assert_eq!(
    ///     verifier.verify(b"{}", Some(forged), Some("1795687200"), now).unwrap_err(),
    ///     VerifyError::SignatureMismatch,
    /// );
    /// assert_eq!(
    ///     verifier.verify(b"{}", None, Some("1795687200"), now).unwrap_err(),
    ///     VerifyError::MissingSignature,
    /// );
    /// ```
    pub fn verify<'a>(
        &self,
        body: &'a [u8],
        signature: Option<&str>,
        timestamp: Option<&str>,
        now: SystemTime,
    ) -> Result<Verified<'a>, VerifyError> {
        if self.blank {
            return Err(VerifyError::NoSecret);
        }
        let signature = signature.ok_or(VerifyError::MissingSignature)?;
        let timestamp_text = timestamp.ok_or(VerifyError::MissingTimestamp)?;
        let tag = parse_signature(signature).ok_or(VerifyError::MalformedSignature)?;
        let timestamp = parse_timestamp(timestamp_text).ok_or(VerifyError::MalformedTimestamp)?;

        // The timestamp is signed as the header spells it, so it is hashed as received.
        let mut mac = self.mac.clone();
        mac.update(b"v0:");
        mac.update(timestamp_text.as_bytes());
        mac.update(b":");
        mac.update(body);
        mac.verify_slice(&tag)
            .map_err(|_| VerifyError::SignatureMismatch)?;

        let now = unix_seconds(now);
        let window = self.tolerance.as_secs();
        if timestamp.abs_diff(now) > window {
            return Err(VerifyError::StaleTimestamp {
                timestamp,
                now,
                window,
            });
        }
        Ok(Verified { body, timestamp })
    }

    /// [`verify`](Self::verify) with the headers taken from a request's header map.
    ///
    /// A header sent twice, or whose value is not visible ASCII, is malformed.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use zoom_core::http::HeaderMap;
    /// use zoom_webhook::{Verifier, VerifyError};
    ///
    /// let verifier = Verifier::new("test-secret-token");
    /// let now = UNIX_EPOCH + Duration::from_secs(1795687200);
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-zm-signature", "v0=cb1e630257b82bc29919240852bdcc05934043cfcbe297fd1de8188841fd3f1c".parse()?);
    /// assert_eq!(
    ///     verifier.verify_headers(&headers, b"{}", now).unwrap_err(),
    ///     VerifyError::MissingTimestamp,
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_headers<'a>(
        &self,
        headers: &http::HeaderMap,
        body: &'a [u8],
        now: SystemTime,
    ) -> Result<Verified<'a>, VerifyError> {
        let signature = header(headers, SIGNATURE_HEADER, VerifyError::MalformedSignature)?;
        let timestamp = header(headers, TIMESTAMP_HEADER, VerifyError::MalformedTimestamp)?;
        self.verify(body, signature, timestamp, now)
    }

    /// [`verify_headers`](Self::verify_headers) at [`SystemTime::now`].
    ///
    /// ```
    /// use zoom_core::http::HeaderMap;
    /// use zoom_webhook::{Verifier, VerifyError};
    ///
    /// let refused = Verifier::new("secret").verify_headers_now(&HeaderMap::new(), b"{}");
    /// assert_eq!(refused.unwrap_err(), VerifyError::MissingSignature);
    /// ```
    pub fn verify_headers_now<'a>(
        &self,
        headers: &http::HeaderMap,
        body: &'a [u8],
    ) -> Result<Verified<'a>, VerifyError> {
        self.verify_headers(headers, body, SystemTime::now())
    }

    /// Verifies a delivery, then parses it: the one call most receivers need.
    ///
    /// A [`WebhookError::Verify`] should be answered 401, a [`WebhookError::Parse`] 400.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use zoom_core::http::HeaderMap;
    /// use zoom_webhook::{Event, Verifier};
    ///
    /// let body = r#"{"event":"meeting.live_streaming_started","event_ts":1795687200000,"payload":{"object":{"id":85746065432,"topic":"Café 直播"}}}"#;
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-zm-signature", "v0=cb1e630257b82bc29919240852bdcc05934043cfcbe297fd1de8188841fd3f1c".parse()?);
    /// headers.insert("x-zm-request-timestamp", "1795687200".parse()?);
    /// let now = UNIX_EPOCH + Duration::from_secs(1795687200);
    ///
    /// let event = Verifier::new("test-secret-token").verify_event(&headers, body.as_bytes(), now)?;
    /// assert_eq!(event.name(), "meeting.live_streaming_started");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_event(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Event, WebhookError> {
        Ok(self.verify_headers(headers, body, now)?.parse()?)
    }

    /// [`verify_event`](Self::verify_event) at [`SystemTime::now`].
    ///
    /// ```
    /// use zoom_core::http::HeaderMap;
    /// use zoom_webhook::{Verifier, WebhookError};
    ///
    /// let refused = Verifier::new("secret").verify_event_now(&HeaderMap::new(), b"{}");
    /// assert!(matches!(refused, Err(WebhookError::Verify(_))));
    /// ```
    pub fn verify_event_now(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<Event, WebhookError> {
        self.verify_event(headers, body, SystemTime::now())
    }

    /// The `x-zm-signature` value Zoom would send for `body` at `timestamp` (Unix seconds, as
    /// the header spells it). For tests and simulators: to *check* a delivery, use
    /// [`verify`](Self::verify), which compares in constant time.
    ///
    /// ```
    /// use zoom_webhook::Verifier;
    ///
    /// let body = r#"{"event":"meeting.live_streaming_started","event_ts":1795687200000,"payload":{"object":{"id":85746065432,"topic":"Café 直播"}}}"#;
    /// assert_eq!(
    ///     Verifier::new("test-secret-token").sign("1795687200", body.as_bytes()),
    ///     "v0=cb1e630257b82bc29919240852bdcc05934043cfcbe297fd1de8188841fd3f1c",
    /// );
    /// ```
    pub fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        let mut mac = self.mac.clone();
        mac.update(b"v0:");
        mac.update(timestamp.as_bytes());
        mac.update(b":");
        mac.update(body);
        format!("{SCHEME}{}", hex(&mac.finalize().into_bytes()))
    }

    /// The answer to an `endpoint.url_validation` request: `plainToken` and
    /// `encryptedToken` = hex(HMAC-SHA256(secret token, plainToken)). Answer it with 200 and
    /// this as the JSON body, after verifying the request like any other delivery.
    ///
    /// ```
    /// use zoom_webhook::Verifier;
    ///
    /// let answer = Verifier::new("test-secret-token").url_validation_response("plain-token-123");
    /// assert_eq!(
    ///     serde_json::to_string(&answer)?,
    ///     r#"{"plainToken":"plain-token-123","encryptedToken":"27bcbafb57cd8db07613ceddeda1d444aafdb3192d0e1d6ec0ea8aeee8325c2a"}"#,
    /// );
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn url_validation_response(&self, plain_token: &str) -> UrlValidationResponse {
        let mut mac = self.mac.clone();
        mac.update(plain_token.as_bytes());
        UrlValidationResponse {
            plain_token: plain_token.to_owned(),
            encrypted_token: hex(&mac.finalize().into_bytes()),
        }
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secret_token", &"[redacted]")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

/// A delivery whose signature and timestamp were checked: the only way to a parsed
/// [`Event`], so nothing unverified is parsed by mistake.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use zoom_webhook::Verifier;
///
/// let verifier = Verifier::new("test-secret-token");
/// let body = r#"{"event":"meeting.live_streaming_started","event_ts":1795687200000,"payload":{"object":{"id":85746065432,"topic":"Café 直播"}}}"#.as_bytes();
/// let signature = "v0=cb1e630257b82bc29919240852bdcc05934043cfcbe297fd1de8188841fd3f1c";
/// let now = UNIX_EPOCH + Duration::from_secs(1795687200);
/// let verified = verifier.verify(body, Some(signature), Some("1795687200"), now)?;
/// assert_eq!(verified.timestamp(), 1795687200);
/// assert_eq!(verified.body(), body);
/// # Ok::<(), zoom_webhook::VerifyError>(())
/// ```
#[derive(Clone, Copy)]
pub struct Verified<'a> {
    body: &'a [u8],
    timestamp: u64,
}

impl<'a> Verified<'a> {
    /// The raw body, as received and signed.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The signed `x-zm-request-timestamp`, in Unix seconds.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// Parses the verified body into an [`Event`]; see [`Event`] for what is typed.
    pub fn parse(&self) -> Result<Event, ParseError> {
        Event::parse_verified(self.body)
    }
}

impl fmt::Debug for Verified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bodies can carry stream keys in clear: show the size only.
        f.debug_struct("Verified")
            .field("body_len", &self.body.len())
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

/// Why a delivery was refused. Answer every one of them with 401 (except
/// [`NoSecret`](Self::NoSecret), a configuration mistake on your side). No variant carries
/// the secret, the body or the signature.
///
/// ```
/// use zoom_webhook::VerifyError;
///
/// let error = VerifyError::StaleTimestamp { timestamp: 1_000, now: 1_400, window: 300 };
/// assert_eq!(
///     error.to_string(),
///     "webhook timestamp 1000 is 400 s behind the clock (1400), outside the ±300 s window",
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The verifier's secret token is blank, so no delivery can be trusted.
    #[error("no webhook secret token is configured")]
    NoSecret,
    /// No `x-zm-signature` header.
    #[error("the webhook delivery has no x-zm-signature header")]
    MissingSignature,
    /// No `x-zm-request-timestamp` header.
    #[error("the webhook delivery has no x-zm-request-timestamp header")]
    MissingTimestamp,
    /// `x-zm-signature` is not `v0=` and 64 hex digits (or was sent twice).
    #[error("the webhook's x-zm-signature header is not `v0=` followed by 64 hex digits")]
    MalformedSignature,
    /// `x-zm-request-timestamp` is not Unix seconds in decimal digits (or was sent twice).
    #[error("the webhook's x-zm-request-timestamp header is not a Unix time in seconds")]
    MalformedTimestamp,
    /// The signature does not match the body, the timestamp and the secret token: a forged or
    /// altered delivery, or another app's secret.
    #[error("the webhook signature does not match (altered body, or another secret token)")]
    SignatureMismatch,
    /// Correctly signed, but the timestamp is further from `now` than the window allows: a
    /// replay, or a clock that is off.
    #[error("{}", stale_message(*timestamp, *now, *window))]
    StaleTimestamp {
        /// The signed timestamp, in Unix seconds.
        timestamp: u64,
        /// The verifier's clock, in Unix seconds.
        now: u64,
        /// The window, in seconds either way.
        window: u64,
    },
}

fn stale_message(timestamp: u64, now: u64, window: u64) -> String {
    let (distance, direction) = if timestamp < now {
        (now - timestamp, "behind")
    } else {
        (timestamp - now, "ahead of")
    };
    format!(
        "webhook timestamp {timestamp} is {distance} s {direction} the clock ({now}), outside the ±{window} s window"
    )
}

/// The HMAC keyed with the secret, computed once per verifier.
fn keyed(secret: &[u8]) -> Hmac<Sha256> {
    // RFC 2104: HMAC takes a key of any length (long keys are hashed, short ones padded), so
    // `new_from_slice` has no error to return for it; hmac's own `KeyInit::new` relies on it.
    Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts keys of any length")
}

/// One header's value: `Ok(None)` if absent, `Err(malformed)` if repeated or not ASCII.
fn header<'h>(
    headers: &'h http::HeaderMap,
    name: &str,
    malformed: VerifyError,
) -> Result<Option<&'h str>, VerifyError> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(malformed);
    }
    first.to_str().map(Some).map_err(|_| malformed)
}

/// `v0=` and 64 hex digits (either case) → the 32-byte tag.
fn parse_signature(value: &str) -> Option<[u8; 32]> {
    let digits = value.strip_prefix(SCHEME)?.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let mut tag = [0u8; 32];
    for (byte, pair) in tag.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (hex_value(pair[0])? << 4) | hex_value(pair[1])?;
    }
    Some(tag)
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// Lowercase hex, as Zoom writes it.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// Decimal digits only (no sign, no spaces), at most 20 of them, fitting a `u64`.
fn parse_timestamp(value: &str) -> Option<u64> {
    if value.is_empty() || value.len() > 20 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

/// Unix seconds of `now`; a clock set before 1970 reads as 0.
fn unix_seconds(now: SystemTime) -> u64 {
    now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vector computed outside Rust:
    // python3 -c 'import hmac,hashlib; b="{\"event\":\"meeting.live_streaming_started\",\"event_ts\":1795687200000,\"payload\":{\"object\":{\"id\":85746065432,\"topic\":\"Café 直播\"}}}".encode(); print("v0="+hmac.new(b"test-secret-token", b"v0:1795687200:"+b, hashlib.sha256).hexdigest())'
    const SECRET: &str = "test-secret-token";
    const BODY: &str = r#"{"event":"meeting.live_streaming_started","event_ts":1795687200000,"payload":{"object":{"id":85746065432,"topic":"Café 直播"}}}"#;
    const SIGNATURE: &str = "v0=cb1e630257b82bc29919240852bdcc05934043cfcbe297fd1de8188841fd3f1c";
    const TIMESTAMP: &str = "1795687200";
    const TS: u64 = 1_795_687_200;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    fn verify(sig: Option<&str>, ts: Option<&str>, now: SystemTime) -> Result<u64, VerifyError> {
        Verifier::new(SECRET)
            .verify(BODY.as_bytes(), sig, ts, now)
            .map(|v| v.timestamp())
    }

    #[test]
    fn accepts_the_python_vector_over_a_non_ascii_body() {
        assert_eq!(verify(Some(SIGNATURE), Some(TIMESTAMP), at(TS)), Ok(TS));
        assert_eq!(
            Verifier::new(SECRET).sign(TIMESTAMP, BODY.as_bytes()),
            SIGNATURE
        );
    }

    #[test]
    fn accepts_uppercase_hex_in_the_signature() {
        let upper = format!("v0={}", SIGNATURE[3..].to_ascii_uppercase());
        assert_eq!(verify(Some(&upper), Some(TIMESTAMP), at(TS)), Ok(TS));
    }

    #[test]
    fn refuses_a_body_changed_by_one_byte_or_re_serialised() {
        let verifier = Verifier::new(SECRET);
        let mut altered = BODY.as_bytes().to_vec();
        altered[10] ^= 1;
        let value: serde_json::Value = serde_json::from_str(BODY).unwrap();
        let reserialised = serde_json::to_vec_pretty(&value).unwrap();
        for body in [&altered, &reserialised] {
            assert_eq!(
                verifier
                    .verify(body, Some(SIGNATURE), Some(TIMESTAMP), at(TS))
                    .unwrap_err(),
                VerifyError::SignatureMismatch
            );
        }
    }

    #[test]
    fn refuses_another_secret_and_a_blank_one() {
        for (secret, error) in [
            ("another-secret", VerifyError::SignatureMismatch),
            ("", VerifyError::NoSecret),
            ("  ", VerifyError::NoSecret),
        ] {
            let refused = Verifier::new(secret).verify(
                BODY.as_bytes(),
                Some(SIGNATURE),
                Some(TIMESTAMP),
                at(TS),
            );
            assert_eq!(refused.unwrap_err(), error, "secret {secret:?}");
        }
    }

    #[test]
    fn the_timestamp_is_part_of_what_is_signed() {
        // Same instant, spelled differently: the signature no longer matches.
        assert_eq!(
            verify(Some(SIGNATURE), Some("01795687200"), at(TS)),
            Err(VerifyError::SignatureMismatch)
        );
    }

    #[test]
    fn window_edges_in_both_directions() {
        let window = DEFAULT_TOLERANCE.as_secs();
        for now in [TS - window, TS + window] {
            assert_eq!(verify(Some(SIGNATURE), Some(TIMESTAMP), at(now)), Ok(TS));
        }
        for now in [TS - window - 1, TS + window + 1, 0, 4_000_000_000_000] {
            assert_eq!(
                verify(Some(SIGNATURE), Some(TIMESTAMP), at(now)),
                Err(VerifyError::StaleTimestamp {
                    timestamp: TS,
                    now,
                    window
                })
            );
        }
    }

    #[test]
    fn the_window_is_configurable() {
        let strict = Verifier::new(SECRET).tolerance(Duration::from_secs(10));
        let check = |now| strict.verify(BODY.as_bytes(), Some(SIGNATURE), Some(TIMESTAMP), now);
        assert!(check(at(TS + 10)).is_ok());
        assert!(matches!(
            check(at(TS - 11)),
            Err(VerifyError::StaleTimestamp { window: 10, .. })
        ));
    }

    #[test]
    fn a_clock_before_1970_reads_as_zero_and_does_not_panic() {
        let before = UNIX_EPOCH - Duration::from_secs(10);
        assert!(matches!(
            verify(Some(SIGNATURE), Some(TIMESTAMP), before),
            Err(VerifyError::StaleTimestamp { now: 0, .. })
        ));
    }

    #[test]
    fn extreme_and_malformed_timestamps_are_refused_without_panicking() {
        let max = u64::MAX.to_string();
        let verifier = Verifier::new(SECRET);
        // u64::MAX parses, is signed correctly, and is refused as stale.
        let sig = verifier.sign(&max, BODY.as_bytes());
        assert!(matches!(
            verifier.verify(BODY.as_bytes(), Some(&sig), Some(&max), at(TS)),
            Err(VerifyError::StaleTimestamp {
                timestamp: u64::MAX,
                ..
            })
        ));
        for bad in [
            "",
            "-1",
            "+1795687200",
            " 1795687200",
            "1795687200 ",
            "1795687200.5",
            "18446744073709551616",
            "999999999999999999999999",
            "1e9",
            "٣",
        ] {
            assert_eq!(
                verify(Some(SIGNATURE), Some(bad), at(TS)),
                Err(VerifyError::MalformedTimestamp),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn malformed_signatures_are_refused() {
        let digits = &SIGNATURE[3..];
        for bad in [
            String::new(),
            digits.to_owned(),
            format!("v1={digits}"),
            format!("V0={digits}"),
            format!("v0={}", &digits[..63]),
            format!("v0={digits}0"),
            format!("v0={}g", &digits[..63]),
            format!("v0= {}", &digits[1..]),
            format!("v0={}é", &digits[..62]),
        ] {
            assert_eq!(
                verify(Some(&bad), Some(TIMESTAMP), at(TS)),
                Err(VerifyError::MalformedSignature),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn missing_headers_are_named() {
        assert_eq!(
            verify(None, Some(TIMESTAMP), at(TS)),
            Err(VerifyError::MissingSignature)
        );
        assert_eq!(
            verify(Some(SIGNATURE), None, at(TS)),
            Err(VerifyError::MissingTimestamp)
        );
        assert_eq!(
            verify(None, None, at(TS)),
            Err(VerifyError::MissingSignature)
        );
    }

    #[test]
    fn header_map_variants() {
        let verifier = Verifier::new(SECRET);
        let mut headers = http::HeaderMap::new();
        headers.insert("X-Zm-Signature", SIGNATURE.parse().unwrap());
        headers.insert("x-zm-request-timestamp", TIMESTAMP.parse().unwrap());
        assert!(
            verifier
                .verify_headers(&headers, BODY.as_bytes(), at(TS))
                .is_ok()
        );

        let mut twice = headers.clone();
        twice.append("x-zm-request-timestamp", TIMESTAMP.parse().unwrap());
        assert_eq!(
            verifier
                .verify_headers(&twice, BODY.as_bytes(), at(TS))
                .unwrap_err(),
            VerifyError::MalformedTimestamp
        );

        let mut opaque = headers.clone();
        opaque.insert(
            "x-zm-signature",
            http::HeaderValue::from_bytes(b"v0=\xff").unwrap(),
        );
        assert_eq!(
            verifier
                .verify_headers(&opaque, BODY.as_bytes(), at(TS))
                .unwrap_err(),
            VerifyError::MalformedSignature
        );
    }

    #[test]
    fn the_url_validation_answer_matches_python() {
        // python3 -c 'import hmac,hashlib; print(hmac.new(b"test-secret-token", b"plain-token-123", hashlib.sha256).hexdigest())'
        let answer = Verifier::new(SECRET).url_validation_response("plain-token-123");
        assert_eq!(
            answer.encrypted_token,
            "27bcbafb57cd8db07613ceddeda1d444aafdb3192d0e1d6ec0ea8aeee8325c2a"
        );
    }

    #[test]
    fn nothing_shows_the_secret() {
        let verifier = Verifier::new(SECRET);
        let verified = verifier
            .verify(BODY.as_bytes(), Some(SIGNATURE), Some(TIMESTAMP), at(TS))
            .unwrap();
        let shown = format!("{verifier:?} {verified:?}");
        assert!(
            !shown.contains(SECRET) && !shown.contains("Café"),
            "{shown}"
        );
    }
}
