//! Meeting and webinar ids: validated, and encoded as exactly one URL path segment.

use std::fmt;
use std::str::FromStr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::InvalidInput;

/// Everything but RFC 3986 unreserved characters, and `.` too, so that an id can never be a
/// `.` or `..` segment that an HTTP stack would normalise away.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~');

/// The longest id string accepted (Zoom's UUIDs are 24 characters).
const MAX_ID_LEN: usize = 256;

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
        if value.len() > MAX_ID_LEN {
            return Err(InvalidInput::new(
                field,
                format!(
                    "is {} bytes long; at most {MAX_ID_LEN} allowed",
                    value.len()
                ),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(InvalidInput::new(
                field,
                "must not contain control characters",
            ));
        }
        if value.bytes().all(|b| b.is_ascii_digit()) {
            return value
                .parse()
                .map(Id::Number)
                .map_err(|_| InvalidInput::new(field, "is a number too large for an id"));
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

            /// Parses an id: all digits make a numeric id, anything else is taken as a UUID.
            /// Blank, over-long or control-character input is rejected.
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
        assert!(WebinarId::parse(&"a".repeat(MAX_ID_LEN + 1)).is_err());
        assert!(MeetingId::parse("99999999999999999999999").is_err());
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
    fn hostile_ids_become_one_inert_segment() {
        for hostile in [
            "../users/me",
            "1?x=2",
            "1#frag",
            "a/b",
            "%2e%2e",
            "..",
            ".",
            "a b",
            "zürich",
            "会議",
            "1;x",
            "1\\..\\x",
            "//evil.example/x",
        ] {
            let segment = MeetingId::parse(hostile).unwrap().path_segment();
            assert!(
                segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_~%".contains(&b)),
                "{hostile:?} -> {segment:?}"
            );
            assert_ne!(segment, "..");
        }
    }

    #[test]
    fn random_ids_never_produce_a_separator_a_query_or_a_dot_segment() {
        let alphabet: Vec<char> = "ab09/?#.%;=+&\\ é会\u{202e}".chars().collect();
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..5_000 {
            let mut id = String::new();
            for _ in 0..1 + seed % 12 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                id.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let Ok(parsed) = MeetingId::parse(&id) else {
                assert!(id.trim().is_empty(), "{id:?} rejected");
                continue;
            };
            let segment = parsed.path_segment();
            assert!(
                segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_~%".contains(&b)),
                "{id:?} -> {segment:?}"
            );
        }
    }
}
