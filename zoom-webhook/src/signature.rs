//! Zoom's `v0` signature scheme: HMAC-SHA256 keyed with the secret token over
//! `v0:{timestamp}:{body}`, written as `v0=` and 64 hex digits.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The only signature scheme Zoom uses today.
const SCHEME: &str = "v0=";

/// The HMAC keyed with the secret token: computed once per verifier, cloned per message.
#[derive(Clone)]
pub(crate) struct Key(Hmac<Sha256>);

impl Key {
    pub(crate) fn new(secret: &[u8]) -> Self {
        // RFC 2104: HMAC takes a key of any length (long keys are hashed, short ones padded),
        // so `new_from_slice` has no error to return for it; hmac's own `KeyInit::new` relies
        // on it.
        Self(Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts keys of any length"))
    }

    /// The MAC over `v0:{timestamp}:{body}`, the timestamp as the header spells it.
    fn over(&self, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.0.clone();
        mac.update(b"v0:");
        mac.update(timestamp.as_bytes());
        mac.update(b":");
        mac.update(body);
        mac
    }

    /// Whether `tag` is the signature of `body` at `timestamp`, compared in constant time
    /// (RustCrypto's `verify_slice`).
    pub(crate) fn signed(&self, timestamp: &str, body: &[u8], tag: &[u8; 32]) -> bool {
        self.over(timestamp, body).verify_slice(tag).is_ok()
    }

    /// The `x-zm-signature` value of `body` at `timestamp`.
    pub(crate) fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        format!(
            "{SCHEME}{}",
            hex(&self.over(timestamp, body).finalize().into_bytes())
        )
    }

    /// hex(HMAC-SHA256(secret, text)), lowercase: the URL validation's `encryptedToken`.
    pub(crate) fn hex_mac(&self, text: &[u8]) -> String {
        let mut mac = self.0.clone();
        mac.update(text);
        hex(&mac.finalize().into_bytes())
    }
}

/// `v0=` and 64 hex digits (either case) → the 32-byte tag.
pub(crate) fn parse_signature(value: &str) -> Option<[u8; 32]> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_round_trips_through_its_hex() {
        let key = Key::new(b"test-secret-token");
        let signature = key.sign("1795687200", b"{}");
        let tag = parse_signature(&signature).unwrap();
        assert!(key.signed("1795687200", b"{}", &tag));
        assert!(!key.signed("1795687201", b"{}", &tag));
        assert!(!Key::new(b"other").signed("1795687200", b"{}", &tag));
        let upper = format!("v0={}", signature[3..].to_ascii_uppercase());
        assert_eq!(parse_signature(&upper), Some(tag));
    }

    #[test]
    fn hex_is_lowercase_and_two_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
    }
}
