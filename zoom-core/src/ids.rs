//! Meeting and webinar ids: validated, and encoded as exactly one URL path segment.
//!
//! Zoom's ids are either a number (an int64) or an instance UUID made of base64 characters
//! (`A–Z a–z 0–9 + / =`). Nothing else is accepted: a `.`, `%`, space, `?`, `#` or non-ASCII
//! character is an input error, so an id can never become a dot segment that a URL parser
//! (the WHATWG one, the `url` crate under reqwest, a normalising proxy) would remove, even
//! after percent-decoding.

use std::fmt;
use std::str::FromStr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::InvalidInput;

/// What a UUID's `+`, `/` and `=` are percent-encoded with (everything but ASCII letters,
/// digits and RFC 3986's `-_~`, none of which a valid UUID holds).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~');

/// The longest UUID accepted: Zoom's are 24 characters; this leaves room, and no more.
const MAX_UUID_LEN: usize = 64;

/// The largest numeric id: Zoom types ids as int64.
const MAX_NUMBER: u64 = i64::MAX as u64;

/// What an id may be, for error messages.
const ID_SHAPE: &str = "must be a number or a UUID of base64 characters (A-Z a-z 0-9 + / =)";

fn is_base64_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
}

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Id {
    Number(u64),
    Uuid(String),
}

impl Id {
    fn parse(field: &'static str, value: &str) -> Result<Self, InvalidInput> {
        let value = value.trim();
        if value.is_empty() {
            return Err(InvalidInput::new(field, "must not be empty or blank"));
        }
        if value.bytes().all(|b| b.is_ascii_digit()) {
            return match value.parse::<u64>() {
                Ok(n) if n <= MAX_NUMBER => Ok(Id::Number(n)),
                _ => Err(InvalidInput::new(
                    field,
                    "is a number too large for an id (Zoom's ids are int64)",
                )),
            };
        }
        // Checked before the length, so that the message never depends on multi-byte text.
        if !value.chars().all(is_base64_char) {
            return Err(InvalidInput::new(field, ID_SHAPE));
        }
        if value.len() > MAX_UUID_LEN {
            return Err(InvalidInput::new(
                field,
                format!(
                    "is {} characters long; a UUID has at most {MAX_UUID_LEN}",
                    value.len()
                ),
            ));
        }
        Ok(Id::Uuid(value.to_owned()))
    }

    fn path_segment(&self) -> String {
        match self {
            Id::Number(n) => n.to_string(),
            Id::Uuid(uuid) => {
                let once = utf8_percent_encode(uuid, SEGMENT).to_string();
                // Zoom: a UUID that begins with '/' or contains '//' must be encoded twice.
                if uuid.starts_with('/') || uuid.contains("//") {
                    utf8_percent_encode(&once, SEGMENT).to_string()
                } else {
                    once
                }
            }
        }
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Id::Number(n) => write!(f, "{n}"),
            Id::Uuid(uuid) => f.write_str(uuid),
        }
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Id);

        impl $name {
            /// A numeric id (10 or 11 digits in practice).
            pub const fn new(id: u64) -> Self {
                Self(Id::Number(id))
            }

            /// Parses an id (surrounding whitespace ignored): digits make a numeric id (at
            /// most `i64::MAX`), base64 characters (`A–Z a–z 0–9 + / =`, at most 64) a UUID.
            /// Anything else (`.`, `%`, spaces, `?`, `#`, non-ASCII, …) is an input error.
            pub fn parse(value: &str) -> Result<Self, InvalidInput> {
                Id::parse($field, value).map(Self)
            }

            /// The numeric id, if this is one.
            pub fn as_number(&self) -> Option<u64> {
                match self.0 {
                    Id::Number(n) => Some(n),
                    Id::Uuid(_) => None,
                }
            }

            /// The id as it appears in a URL path: percent-encoded as exactly one segment.
            pub fn path_segment(&self) -> String {
                self.0.path_segment()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = InvalidInput;
            fn from_str(value: &str) -> Result<Self, InvalidInput> {
                Self::parse(value)
            }
        }

        impl From<u64> for $name {
            fn from(id: u64) -> Self {
                Self::new(id)
            }
        }

        impl From<&$name> for $name {
            fn from(id: &$name) -> Self {
                id.clone()
            }
        }
    };
}

id_type!(
    /// A meeting id: a number, or a meeting instance's UUID.
    ///
    /// ```
    /// use zoom_core::MeetingId;
    ///
    /// assert_eq!(MeetingId::new(85746065432).path_segment(), "85746065432");
    /// let uuid: MeetingId = "/ajXp112QmuoKj4854875==".parse().unwrap();
    /// assert_eq!(uuid.path_segment(), "%252FajXp112QmuoKj4854875%253D%253D");
    /// assert!(MeetingId::parse("  ").is_err());
    /// ```
    MeetingId,
    "meeting_id"
);

id_type!(
    /// A webinar id: a number, or a webinar instance's UUID.
    ///
    /// ```
    /// use zoom_core::WebinarId;
    ///
    /// assert_eq!("91234567890".parse::<WebinarId>().unwrap(), WebinarId::new(91234567890));
    /// ```
    WebinarId,
    "webinar_id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_ids_parse_and_print_as_numbers() {
        let id = MeetingId::parse(" 85746065432 ").unwrap();
        assert_eq!(id, MeetingId::new(85746065432));
        assert_eq!(id.as_number(), Some(85746065432));
        assert_eq!(id.path_segment(), "85746065432");
        assert_eq!(format!("{id:?}"), "MeetingId(85746065432)");
    }

    #[test]
    fn blank_overlong_and_control_ids_are_input_errors() {
        for bad in ["", "   ", "\t", "a\nb", "x\u{0}y"] {
            let error = MeetingId::parse(bad).unwrap_err();
            assert_eq!(error.field(), "meeting_id", "{bad:?}");
        }
        assert!(WebinarId::parse(&"a".repeat(MAX_UUID_LEN + 1)).is_err());
        assert!(WebinarId::parse(&"a".repeat(MAX_UUID_LEN)).is_ok());
        assert!(MeetingId::parse("99999999999999999999999").is_err());
    }

    #[test]
    fn numbers_beyond_int64_are_input_errors() {
        assert_eq!(
            MeetingId::parse("9223372036854775807").unwrap().as_number(),
            Some(i64::MAX as u64)
        );
        for too_large in ["9223372036854775808", "18446744073709551615"] {
            assert!(MeetingId::parse(too_large).is_err(), "{too_large}");
        }
    }

    #[test]
    fn uuids_are_encoded_once_or_twice_by_zooms_rule() {
        let plain = MeetingId::parse("4444AAAiAAAAAiAiAiiAii==").unwrap();
        assert_eq!(plain.path_segment(), "4444AAAiAAAAAiAiAiiAii%3D%3D");
        let leading_slash = MeetingId::parse("/4444AAAiAAAAAiAiAiiAii==").unwrap();
        assert_eq!(
            leading_slash.path_segment(),
            "%252F4444AAAiAAAAAiAiAiiAii%253D%253D"
        );
        let double_slash = MeetingId::parse("ab//cd+e").unwrap();
        assert_eq!(double_slash.path_segment(), "ab%252F%252Fcd%252Be");
        let single_slash = MeetingId::parse("ab/cd").unwrap();
        assert_eq!(single_slash.path_segment(), "ab%2Fcd");
    }

    #[test]
    fn anything_but_digits_or_base64_is_an_input_error() {
        for hostile in [
            ".",
            "..",
            "...",
            "%2e%2e",
            "%2E",
            "../users/me",
            "1?x=2",
            "1#frag",
            "a b",
            "zürich",
            "会議",
            "1;x",
            "1\\..\\x",
            "1.5",
            "-1",
            "+1.",
            "ab_cd",
            "ab-cd",
            "a~b",
            "\u{202e}abc",
        ] {
            let error = MeetingId::parse(hostile).unwrap_err();
            assert_eq!(error.reason(), ID_SHAPE, "{hostile:?}");
            assert!(WebinarId::parse(hostile).is_err(), "{hostile:?}");
        }
    }

    #[test]
    fn base64_uuids_become_one_segment_of_letters_digits_and_escapes() {
        for uuid in ["a/b", "//evil/x", "/", "=", "+", "ab+/==", "Zz09"] {
            let segment = MeetingId::parse(uuid).unwrap().path_segment();
            assert!(
                segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'%'),
                "{uuid:?} -> {segment:?}"
            );
            assert!(!segment.contains('.'), "{uuid:?} -> {segment:?}");
        }
    }
}
