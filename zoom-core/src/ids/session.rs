//! Video SDK session ids.
//!
//! A session id is a string that Zoom issues in base64 (such as `Sx8PZbQyTtaUc9kFb4sOwg==`),
//! so it is read like a meeting UUID: base64 characters (`A–Z a–z 0–9 + / =`), at most 64,
//! surrounding whitespace ignored. Unlike a meeting UUID, digits alone are a valid session
//! id (there is no numeric form to confuse it with).
//!
//! In a path it is one segment, percent-encoded once, and twice by Zoom's rule when it
//! begins with `/` or contains `//` (the rule Zoom states for meeting UUIDs; not verified
//! for sessions). Only that segment is ever encoded twice: `/videosdk/sessions/…/livestream`
//! stays as it is (a client that double-encodes the whole path gets 404, code 2300, "This
//! API endpoint is not recognized": rivet-javascript issue 12).

use std::fmt;
use std::str::FromStr;

use super::{MAX_UUID_LEN, is_base64_char, uuid_segment};
use crate::error::InvalidInput;

/// The name of the id in input errors.
const FIELD: &str = "session_id";

/// A Video SDK session's id: what the session live-stream operations take.
///
/// ```
/// use zoom_core::SessionId;
///
/// let id: SessionId = " Sx8PZbQyTtaUc9kFb4sOwg== ".parse().unwrap();
/// assert_eq!(id.as_str(), "Sx8PZbQyTtaUc9kFb4sOwg==");
/// assert_eq!(id.path_segment(), "Sx8PZbQyTtaUc9kFb4sOwg%3D%3D");
/// // Zoom's rule: a leading `/` or a `//` inside means encoding twice.
/// assert_eq!(SessionId::parse("/ab//c=").unwrap().path_segment(), "%252Fab%252F%252Fc%253D");
/// assert!(SessionId::parse("../users/me").is_err());
/// assert!(SessionId::parse("  ").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(String);

impl SessionId {
    /// Parses a session id (surrounding whitespace ignored): base64 characters
    /// (`A–Z a–z 0–9 + / =`), at most 64. Anything else (`.`, `%`, `-`, `_`, spaces, `?`,
    /// `#`, non-ASCII, …) is an input error, so the id can never leave its path segment.
    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        let value = value.trim();
        if value.is_empty() {
            return Err(InvalidInput::new(FIELD, "must not be empty or blank"));
        }
        // Checked before the length, so that the message never depends on multi-byte text.
        if !value.chars().all(is_base64_char) {
            return Err(InvalidInput::new(
                FIELD,
                "must be a session id of base64 characters (A-Z a-z 0-9 + / =)",
            ));
        }
        if value.len() > MAX_UUID_LEN {
            return Err(InvalidInput::new(
                FIELD,
                format!(
                    "is {} characters long; a session id has at most {MAX_UUID_LEN}",
                    value.len()
                ),
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// The id as given (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as it appears in a URL path: percent-encoded as exactly one segment, twice
    /// when it begins with `/` or contains `//` (Zoom's rule).
    pub fn path_segment(&self) -> String {
        uuid_segment(&self.0)
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionId({})", self.0)
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for SessionId {
    type Err = InvalidInput;
    fn from_str(value: &str) -> Result<Self, InvalidInput> {
        Self::parse(value)
    }
}

impl TryFrom<&str> for SessionId {
    type Error = InvalidInput;
    fn try_from(value: &str) -> Result<Self, InvalidInput> {
        Self::parse(value)
    }
}

impl TryFrom<String> for SessionId {
    type Error = InvalidInput;
    fn try_from(value: String) -> Result<Self, InvalidInput> {
        Self::parse(&value)
    }
}

impl From<&SessionId> for SessionId {
    fn from(id: &SessionId) -> Self {
        id.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_ids_parse_and_digits_alone_are_an_id_too() {
        for id in ["Sx8PZbQyTtaUc9kFb4sOwg==", "12345", "a", "+/=", "/"] {
            assert_eq!(SessionId::parse(id).unwrap().as_str(), id);
        }
        assert_eq!(
            format!("{:?}", SessionId::parse("abc").unwrap()),
            "SessionId(abc)"
        );
        assert_eq!(SessionId::parse(" abc\t").unwrap().to_string(), "abc");
        assert!(SessionId::parse(&"a".repeat(MAX_UUID_LEN)).is_ok());
        let long = SessionId::parse(&"a".repeat(MAX_UUID_LEN + 1)).unwrap_err();
        assert_eq!(long.field(), FIELD);
        assert!(long.reason().contains("at most 64"), "{long}");
    }

    #[test]
    fn anything_but_base64_is_an_input_error() {
        for hostile in [
            "", " ", ".", "..", "%2e%2e", "../x", "a?b", "a#b", "a b", "a-b", "a_b", "a~b",
            "zürich", "会", "a\nb", "x\u{0}", "a.b",
        ] {
            let error = SessionId::parse(hostile).unwrap_err();
            assert_eq!(error.field(), FIELD, "{hostile:?}");
        }
    }

    #[test]
    fn only_the_segment_is_encoded_twice_and_only_by_zooms_rule() {
        let segment = |id: &str| SessionId::parse(id).unwrap().path_segment();
        assert_eq!(segment("ab/cd+e="), "ab%2Fcd%2Be%3D");
        assert_eq!(segment("/abc"), "%252Fabc");
        assert_eq!(segment("ab//c"), "ab%252F%252Fc");
        for id in ["a/b", "//x", "/", "ab+/==", "Zz09", "123"] {
            let encoded = segment(id);
            assert!(
                encoded
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'%'),
                "{id:?} -> {encoded:?}"
            );
        }
    }
}
