//! The [`Verifier`]: that a delivery comes from Zoom (the signature over the raw body), is
//! fresh (its timestamp), and is no larger than an event; and the [`Verified`] body it hands
//! on to parsing.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use zoom_core::SecretString;
use zoom_core::http;

use crate::error::{VerifyError, WebhookError};
use crate::event::Event;
use crate::signature::{Key, parse_signature};
use crate::url_validation::UrlValidationResponse;
use crate::verified::Verified;
use crate::verify_span::{record_outcome, verify_error_type, verify_span};

/// The header carrying the signature: `v0=` and 64 lowercase hex digits.
pub const SIGNATURE_HEADER: &str = "x-zm-signature";

/// The header carrying the time of signing, in Unix seconds.
pub const TIMESTAMP_HEADER: &str = "x-zm-request-timestamp";

/// The largest body a verifier reads by default: Zoom's events are a few KiB, so anything
/// above 64 KiB is not from Zoom. A receiver can stop reading there and answer 413; the
/// verifier refuses a larger body with [`VerifyError::BodyTooLarge`] (413) before hashing it.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How far a delivery's `x-zm-request-timestamp` may be from the clock, either way: 5 minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Checks Zoom's webhook deliveries with your app's secret token.
///
/// A delivery is accepted when `x-zm-signature` is `v0=` + hex(HMAC-SHA256(secret token,
/// `v0:{timestamp}:{body}`)) over the **bytes received** (never re-serialised JSON), compared
/// in constant time, its `x-zm-request-timestamp` is within the [tolerance](Self::tolerance)
/// of `now` ([`DEFAULT_TOLERANCE`], ±5 minutes), and the body is at most
/// [`max_body_bytes`](Self::max_body_bytes) long ([`MAX_BODY_BYTES`], 64 KiB). The clock is
/// an argument, so tests and replays choose it; the `*_now` methods read
/// [`SystemTime::now`].
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
    key: Key,
    blank: bool,
    tolerance: Duration,
    max_body_bytes: usize,
}

impl Verifier {
    /// A verifier for the secret token of your app's Event Subscription (Zoom's marketplace
    /// shows it on the app's Features page).
    ///
    /// A blank secret (an unset variable, say) is accepted here but refuses every delivery
    /// with [`VerifyError::NoSecret`] (answered 500: the receiver is misconfigured), since
    /// anyone could sign with it.
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
            key: Key::new(secret.expose_secret().as_bytes()),
            blank: secret.is_blank(),
            tolerance: DEFAULT_TOLERANCE,
            max_body_bytes: MAX_BODY_BYTES,
        }
    }

    /// The same verifier with another tolerance: how far a delivery's timestamp may be
    /// from the clock, in either direction. Read it back with [`tolerance`](Self::tolerance).
    ///
    /// Sub-second parts are ignored, since Zoom's timestamps are whole seconds.
    ///
    /// ```
    /// use std::time::Duration;
    /// use zoom_webhook::Verifier;
    ///
    /// let strict = Verifier::new("secret").with_tolerance(Duration::from_secs(60));
    /// assert_eq!(strict.tolerance(), Duration::from_secs(60));
    /// ```
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The tolerance in force ([`DEFAULT_TOLERANCE`] unless
    /// [`with_tolerance`](Self::with_tolerance) set another).
    ///
    /// ```
    /// use zoom_webhook::{DEFAULT_TOLERANCE, Verifier};
    ///
    /// assert_eq!(Verifier::new("secret").tolerance(), DEFAULT_TOLERANCE);
    /// ```
    pub fn tolerance(&self) -> Duration {
        self.tolerance
    }

    /// The same verifier with another body limit, in bytes: a larger body is refused with
    /// [`VerifyError::BodyTooLarge`] before any hashing. Read it back with
    /// [`max_body_bytes`](Self::max_body_bytes).
    ///
    /// ```
    /// use zoom_webhook::{MAX_BODY_BYTES, Verifier};
    ///
    /// let roomy = Verifier::new("secret").with_max_body_bytes(4 * MAX_BODY_BYTES);
    /// assert_eq!(roomy.max_body_bytes(), 256 * 1024);
    /// ```
    pub fn with_max_body_bytes(mut self, max_body_bytes: usize) -> Self {
        self.max_body_bytes = max_body_bytes;
        self
    }

    /// The body limit in force, in bytes ([`MAX_BODY_BYTES`] unless
    /// [`with_max_body_bytes`](Self::with_max_body_bytes) set another). Cap the body your web
    /// framework reads at the same size.
    ///
    /// ```
    /// use zoom_webhook::{MAX_BODY_BYTES, Verifier};
    ///
    /// assert_eq!(Verifier::new("secret").max_body_bytes(), MAX_BODY_BYTES);
    /// ```
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// Checks a delivery from its raw body and the values of its `x-zm-signature` and
    /// `x-zm-request-timestamp` headers (`None` where a header is missing), at time `now`.
    ///
    /// Returns the body, marked verified, to [parse](Verified::parse). Checks, in order: a
    /// secret is set; the body is within the limit; both headers are present and well
    /// formed; the signature matches (in constant time); the timestamp is within the
    /// tolerance.
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
    ///
    /// Each check is a `zoom.webhook.verify` span (tracing) with its outcome, never the body,
    /// the signature or the secret (docs/OBSERVABILITY.md).
    pub fn verify<'a>(
        &self,
        body: &'a [u8],
        signature: Option<&str>,
        timestamp: Option<&str>,
        now: SystemTime,
    ) -> Result<Verified<'a>, VerifyError> {
        let span = verify_span(body);
        let _in = span.enter();
        let verified = self.check(body, signature, timestamp, now);
        record_outcome(&span, verified.as_ref().err().map(verify_error_type));
        verified
    }

    /// [`verify`](Self::verify) without its span.
    fn check<'a>(
        &self,
        body: &'a [u8],
        signature: Option<&str>,
        timestamp: Option<&str>,
        now: SystemTime,
    ) -> Result<Verified<'a>, VerifyError> {
        if self.blank {
            return Err(VerifyError::NoSecret);
        }
        if body.len() > self.max_body_bytes {
            return Err(VerifyError::BodyTooLarge {
                len: body.len(),
                limit: self.max_body_bytes,
            });
        }
        let signature = signature.ok_or(VerifyError::MissingSignature)?;
        let timestamp_text = timestamp.ok_or(VerifyError::MissingTimestamp)?;
        let tag = parse_signature(signature).ok_or(VerifyError::MalformedSignature)?;
        let timestamp = parse_timestamp(timestamp_text).ok_or(VerifyError::MalformedTimestamp)?;

        // The timestamp is signed as the header spells it, so it is hashed as received.
        if !self.key.signed(timestamp_text, body, &tag) {
            return Err(VerifyError::SignatureMismatch);
        }

        let now = unix_seconds(now);
        let tolerance = self.tolerance.as_secs();
        if timestamp.abs_diff(now) > tolerance {
            return Err(VerifyError::StaleTimestamp {
                timestamp,
                now,
                tolerance,
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
        let span = verify_span(body);
        let _in = span.enter();
        let verified = self.check_headers(headers, body, now);
        record_outcome(&span, verified.as_ref().err().map(verify_error_type));
        verified
    }

    /// [`verify_headers`](Self::verify_headers) without its span.
    fn check_headers<'a>(
        &self,
        headers: &http::HeaderMap,
        body: &'a [u8],
        now: SystemTime,
    ) -> Result<Verified<'a>, VerifyError> {
        let signature = header(headers, SIGNATURE_HEADER, VerifyError::MalformedSignature)?;
        let timestamp = header(headers, TIMESTAMP_HEADER, VerifyError::MalformedTimestamp)?;
        self.check(body, signature, timestamp, now)
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
    /// Answer an error with its [`status`](WebhookError::status): 401 when not from Zoom or
    /// stale, 413 to a body over the limit, 500 when no secret is configured, 400 when
    /// verified but unreadable.
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
        let span = verify_span(body);
        let _in = span.enter();
        let event = self
            .check_headers(headers, body, now)
            .map_err(WebhookError::from)
            .and_then(|verified| Ok(verified.parse()?));
        match &event {
            Ok(event) => {
                span.record("zoom.webhook.event", event.name());
                record_outcome(&span, None);
            }
            Err(WebhookError::Verify(error)) => {
                record_outcome(&span, Some(verify_error_type(error)))
            }
            Err(WebhookError::Parse(_)) => record_outcome(&span, Some("parse")),
        }
        event
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
        self.key.sign(timestamp, body)
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
        UrlValidationResponse {
            plain_token: plain_token.to_owned(),
            encrypted_token: self.key.hex_mac(plain_token.as_bytes()),
        }
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secret_token", &"[redacted]")
            .field("tolerance", &self.tolerance)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
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
    fn tolerance_edges_in_both_directions() {
        let tolerance = DEFAULT_TOLERANCE.as_secs();
        for now in [TS - tolerance, TS + tolerance] {
            assert_eq!(verify(Some(SIGNATURE), Some(TIMESTAMP), at(now)), Ok(TS));
        }
        for now in [TS - tolerance - 1, TS + tolerance + 1, 0, 4_000_000_000_000] {
            assert_eq!(
                verify(Some(SIGNATURE), Some(TIMESTAMP), at(now)),
                Err(VerifyError::StaleTimestamp {
                    timestamp: TS,
                    now,
                    tolerance
                })
            );
        }
    }

    #[test]
    fn the_tolerance_set_is_the_tolerance_read_and_applied() {
        let strict = Verifier::new(SECRET).with_tolerance(Duration::from_secs(10));
        assert_eq!(strict.tolerance(), Duration::from_secs(10));
        let check = |now| strict.verify(BODY.as_bytes(), Some(SIGNATURE), Some(TIMESTAMP), now);
        assert!(check(at(TS + 10)).is_ok());
        assert!(matches!(
            check(at(TS - 11)),
            Err(VerifyError::StaleTimestamp { tolerance: 10, .. })
        ));
    }

    #[test]
    fn a_body_over_the_limit_is_refused_before_its_signature_is_read() {
        let verifier = Verifier::new(SECRET);
        let huge = vec![b' '; MAX_BODY_BYTES + 1];
        // No headers at all: the size is what is refused (413), not the signature (401).
        let refused = verifier.verify(&huge, None, None, at(TS)).unwrap_err();
        assert_eq!(
            refused,
            VerifyError::BodyTooLarge {
                len: MAX_BODY_BYTES + 1,
                limit: MAX_BODY_BYTES
            }
        );
        assert_eq!(refused.status().as_u16(), 413);
        // At the limit exactly, and under a limit set higher, it is the signature's turn.
        let at_limit = vec![b' '; MAX_BODY_BYTES];
        assert_eq!(
            verifier.verify(&at_limit, None, None, at(TS)).unwrap_err(),
            VerifyError::MissingSignature
        );
        let roomy = Verifier::new(SECRET).with_max_body_bytes(MAX_BODY_BYTES + 1);
        let signature = roomy.sign(TIMESTAMP, &huge);
        assert!(
            roomy
                .verify(&huge, Some(&signature), Some(TIMESTAMP), at(TS))
                .is_ok()
        );
        // A tight limit refuses even the sample.
        let tight = Verifier::new(SECRET).with_max_body_bytes(8);
        assert!(matches!(
            tight.verify(BODY.as_bytes(), Some(SIGNATURE), Some(TIMESTAMP), at(TS)),
            Err(VerifyError::BodyTooLarge { limit: 8, .. })
        ));
    }

    #[test]
    fn a_blank_secret_is_the_receivers_fault_whatever_the_delivery() {
        for secret in ["", " \t\n"] {
            let refused = Verifier::new(secret)
                .verify(BODY.as_bytes(), Some(SIGNATURE), Some(TIMESTAMP), at(TS))
                .unwrap_err();
            assert_eq!(refused, VerifyError::NoSecret);
            assert_eq!(refused.status().as_u16(), 500);
        }
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
