//! Meeting and webinar ids, typed the way Zoom's spec types them per operation, and Video
//! SDK session ids ([`SessionId`]: a base64 string, read like a meeting UUID).
//!
//! Zoom's spec takes a **string** id (a number, or an instance UUID) only on the two
//! live-stream GETs; every other live-stream operation (the PATCHes of the settings and of
//! the status, the join-token GETs) takes an **int64**. So there are three types per kind:
//!
//! | type | holds | taken by |
//! |---|---|---|
//! | [`MeetingId`] / [`WebinarId`] | the number (at most `i64::MAX`) | every operation |
//! | [`MeetingUuid`] / [`WebinarUuid`] | an instance UUID (base64) | nothing on its own |
//! | [`MeetingRef`] / [`WebinarRef`] | either | the live-stream GETs |
//!
//! A number converts to anything (`u64` and the `…Id` types convert into the `…Ref` types);
//! a UUID converts only into a `…Ref`, so it cannot compile into a PATCH or a join-token call:
//!
//! ```compile_fail,E0277
//! use zoom_core::{endpoint, LiveStreamStatus, MeetingUuid};
//!
//! let uuid: MeetingUuid = "aDYlohsHRtCd4ii1uC2+hA==".parse().unwrap();
//! let _ = endpoint::update_meeting_live_stream_status(uuid, &LiveStreamStatus::stop());
//! ```
//!
//! ```
//! use zoom_core::{endpoint, LiveStreamStatus, MeetingId, MeetingRef, MeetingUuid};
//!
//! let uuid: MeetingUuid = "aDYlohsHRtCd4ii1uC2+hA==".parse().unwrap();
//! let _ = endpoint::get_meeting_live_stream(uuid);
//! let _ = endpoint::update_meeting_live_stream_status(85746065432, &LiveStreamStatus::stop());
//! // Text from a user: a `MeetingRef` takes both shapes, a `MeetingId` only numbers.
//! assert!(matches!("85746065432".parse::<MeetingRef>(), Ok(MeetingRef::Id(_))));
//! assert!("aDYlohsHRtCd4ii1uC2+hA==".parse::<MeetingId>().is_err());
//! ```
//!
//! Nothing but digits or base64 characters (`A–Z a–z 0–9 + / =`) is accepted: a `.`, `%`,
//! space, `?`, `#` or non-ASCII character is an input error, so an id can never become a dot
//! segment that a URL parser (the WHATWG one, the `url` crate under reqwest, a normalising
//! proxy) would remove, even after percent-decoding.

use std::fmt;
use std::str::FromStr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::InvalidInput;

mod session;
pub use session::SessionId;

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

/// What a piece of text names, once checked.
enum Parsed<'a> {
    Number(u64),
    Uuid(&'a str),
}

/// Reads `value` (surrounding whitespace ignored) as a number or a UUID.
fn parse_any<'a>(field: &'static str, value: &'a str) -> Result<Parsed<'a>, InvalidInput> {
    let value = value.trim();
    if value.is_empty() {
        return Err(InvalidInput::new(field, "must not be empty or blank"));
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        return match value.parse::<u64>() {
            Ok(n) if n <= MAX_NUMBER => Ok(Parsed::Number(n)),
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
    Ok(Parsed::Uuid(value))
}

/// A UUID as one URL path segment, encoded twice by Zoom's rule when it begins with `/` or
/// contains `//`.
fn uuid_segment(uuid: &str) -> String {
    let once = utf8_percent_encode(uuid, SEGMENT).to_string();
    if uuid.starts_with('/') || uuid.contains("//") {
        utf8_percent_encode(&once, SEGMENT).to_string()
    } else {
        once
    }
}

macro_rules! id_types {
    (
        $kind:literal, $field:literal, $get:literal,
        $(#[$id_doc:meta])* $id:ident,
        $(#[$uuid_doc:meta])* $uuid:ident,
        $(#[$ref_doc:meta])* $reference:ident $(,)?
    ) => {
        $(#[$id_doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $id(u64);

        impl $id {
            /// A numeric id (10 or 11 digits in practice). Zoom's ids are int64: a number
            /// above `i64::MAX` is no Zoom id, and Zoom answers it with a validation error
            /// (use [`Self::parse`] or `TryFrom<i64>` to have it checked here).
            pub const fn new(id: u64) -> Self {
                Self(id)
            }

            /// Parses a numeric id (surrounding whitespace ignored; at most `i64::MAX`).
            /// A UUID is an input error that says which operations take one.
            pub fn parse(value: &str) -> Result<Self, InvalidInput> {
                match parse_any($field, value)? {
                    Parsed::Number(n) => Ok(Self(n)),
                    Parsed::Uuid(_) => Err(InvalidInput::new(
                        $field,
                        concat!(
                            "is a ", $kind, " UUID, but this operation takes the numeric ",
                            $kind, " id: only the live-stream GET (", $get,
                            ") accepts a UUID; updating, starting, stopping and the join token need the number"
                        ),
                    )),
                }
            }

            /// The number.
            pub const fn get(self) -> u64 {
                self.0
            }

            /// The id as it appears in a URL path.
            pub fn path_segment(&self) -> String {
                self.0.to_string()
            }
        }

        impl fmt::Debug for $id {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($id), self.0)
            }
        }

        impl fmt::Display for $id {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl FromStr for $id {
            type Err = InvalidInput;
            fn from_str(value: &str) -> Result<Self, InvalidInput> {
                Self::parse(value)
            }
        }

        impl From<u64> for $id {
            fn from(id: u64) -> Self {
                Self::new(id)
            }
        }

        impl From<&$id> for $id {
            fn from(id: &$id) -> Self {
                *id
            }
        }

        impl TryFrom<i64> for $id {
            type Error = InvalidInput;
            /// A non-negative int64, as Zoom's spec and webhooks type the id.
            fn try_from(id: i64) -> Result<Self, InvalidInput> {
                u64::try_from(id)
                    .map(Self)
                    .map_err(|_| InvalidInput::new($field, "must not be negative"))
            }
        }

        impl TryFrom<$reference> for $id {
            type Error = InvalidInput;
            /// The number, or the same error as [`Self::parse`] for a UUID.
            fn try_from(reference: $reference) -> Result<Self, InvalidInput> {
                match reference {
                    $reference::Id(id) => Ok(id),
                    $reference::Uuid(uuid) => Self::parse(uuid.as_str()),
                }
            }
        }

        $(#[$uuid_doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $uuid(String);

        impl $uuid {
            /// Parses a UUID (surrounding whitespace ignored): base64 characters
            /// (`A–Z a–z 0–9 + / =`), at most 64. Anything else (`.`, `%`, spaces, `?`, `#`,
            /// non-ASCII, …) is an input error, and so are digits alone (a numeric id).
            pub fn parse(value: &str) -> Result<Self, InvalidInput> {
                match parse_any($field, value)? {
                    Parsed::Uuid(uuid) => Ok(Self(uuid.to_owned())),
                    Parsed::Number(_) => Err(InvalidInput::new(
                        $field,
                        concat!("is a number: that is a ", $kind, " id, not a UUID"),
                    )),
                }
            }

            /// The UUID as given.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The UUID as it appears in a URL path: percent-encoded as exactly one segment,
            /// twice when it begins with `/` or contains `//` (Zoom's rule).
            pub fn path_segment(&self) -> String {
                uuid_segment(&self.0)
            }
        }

        impl fmt::Debug for $uuid {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($uuid), self.0)
            }
        }

        impl fmt::Display for $uuid {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $uuid {
            type Err = InvalidInput;
            fn from_str(value: &str) -> Result<Self, InvalidInput> {
                Self::parse(value)
            }
        }

        $(#[$ref_doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $reference {
            /// The numeric id.
            Id($id),
            /// An instance's UUID.
            Uuid($uuid),
        }

        impl $reference {
            /// Parses text: digits make an [`Self::Id`] (at most `i64::MAX`), other base64
            /// text a [`Self::Uuid`]; anything else is an input error.
            pub fn parse(value: &str) -> Result<Self, InvalidInput> {
                Ok(match parse_any($field, value)? {
                    Parsed::Number(n) => Self::Id($id(n)),
                    Parsed::Uuid(uuid) => Self::Uuid($uuid(uuid.to_owned())),
                })
            }

            /// The numeric id, if this is one.
            pub fn as_id(&self) -> Option<$id> {
                match self {
                    Self::Id(id) => Some(*id),
                    Self::Uuid(_) => None,
                }
            }

            /// The UUID, if this is one.
            pub fn as_uuid(&self) -> Option<&$uuid> {
                match self {
                    Self::Id(_) => None,
                    Self::Uuid(uuid) => Some(uuid),
                }
            }

            /// The id as it appears in a URL path: percent-encoded as exactly one segment.
            pub fn path_segment(&self) -> String {
                match self {
                    Self::Id(id) => id.path_segment(),
                    Self::Uuid(uuid) => uuid.path_segment(),
                }
            }
        }

        impl fmt::Display for $reference {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    Self::Id(id) => fmt::Display::fmt(id, f),
                    Self::Uuid(uuid) => fmt::Display::fmt(uuid, f),
                }
            }
        }

        impl FromStr for $reference {
            type Err = InvalidInput;
            fn from_str(value: &str) -> Result<Self, InvalidInput> {
                Self::parse(value)
            }
        }

        impl From<u64> for $reference {
            fn from(id: u64) -> Self {
                Self::Id($id(id))
            }
        }

        impl From<$id> for $reference {
            fn from(id: $id) -> Self {
                Self::Id(id)
            }
        }

        impl From<&$id> for $reference {
            fn from(id: &$id) -> Self {
                Self::Id(*id)
            }
        }

        impl From<$uuid> for $reference {
            fn from(uuid: $uuid) -> Self {
                Self::Uuid(uuid)
            }
        }

        impl From<&$uuid> for $reference {
            fn from(uuid: &$uuid) -> Self {
                Self::Uuid(uuid.clone())
            }
        }

        impl From<&$reference> for $reference {
            fn from(reference: &$reference) -> Self {
                reference.clone()
            }
        }
    };
}

id_types!(
    "meeting",
    "meeting_id",
    "GET /meetings/{meetingId}/livestream",
    /// A meeting id: the number (int64), which every live-stream operation takes.
    ///
    /// ```
    /// use zoom_core::MeetingId;
    ///
    /// assert_eq!(MeetingId::new(85746065432).path_segment(), "85746065432");
    /// assert_eq!(" 85746065432 ".parse::<MeetingId>().unwrap().get(), 85746065432);
    /// let uuid = MeetingId::parse("/ajXp112QmuoKj4854875==").unwrap_err();
    /// assert!(uuid.reason().contains("only the live-stream GET"));
    /// assert!(MeetingId::parse("  ").is_err());
    /// ```
    MeetingId,
    /// A meeting instance's UUID (base64, such as `aDYlohsHRtCd4ii1uC2+hA==`): taken only by
    /// the live-stream GET, through [`MeetingRef`].
    ///
    /// ```
    /// use zoom_core::MeetingUuid;
    ///
    /// let uuid: MeetingUuid = "/ajXp112QmuoKj4854875==".parse().unwrap();
    /// assert_eq!(uuid.path_segment(), "%252FajXp112QmuoKj4854875%253D%253D");
    /// assert!(MeetingUuid::parse("85746065432").is_err());
    /// ```
    MeetingUuid,
    /// What `GET /meetings/{meetingId}/livestream` takes: a meeting id or an instance UUID.
    ///
    /// ```
    /// use zoom_core::{MeetingId, MeetingRef};
    ///
    /// assert_eq!("85746065432".parse::<MeetingRef>().unwrap(), MeetingRef::from(85746065432));
    /// assert_eq!(MeetingRef::from(MeetingId::new(1)).as_id(), Some(MeetingId::new(1)));
    /// let uuid: MeetingRef = "aDYlohsHRtCd4ii1uC2+hA==".parse().unwrap();
    /// assert_eq!(uuid.path_segment(), "aDYlohsHRtCd4ii1uC2%2BhA%3D%3D");
    /// ```
    MeetingRef,
);

id_types!(
    "webinar",
    "webinar_id",
    "GET /webinars/{webinarId}/livestream",
    /// A webinar id: the number (int64), which every live-stream operation takes.
    ///
    /// ```
    /// use zoom_core::WebinarId;
    ///
    /// assert_eq!("91234567890".parse::<WebinarId>().unwrap(), WebinarId::new(91234567890));
    /// ```
    WebinarId,
    /// A webinar instance's UUID (base64): taken only by the live-stream GET, through
    /// [`WebinarRef`].
    WebinarUuid,
    /// What `GET /webinars/{webinarId}/livestream` takes: a webinar id or an instance UUID.
    WebinarRef,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_ids_parse_and_print_as_numbers() {
        let id = MeetingId::parse(" 85746065432 ").unwrap();
        assert_eq!(id, MeetingId::new(85746065432));
        assert_eq!(id.get(), 85746065432);
        assert_eq!(id.path_segment(), "85746065432");
        assert_eq!(format!("{id:?}"), "MeetingId(85746065432)");
        let reference = MeetingRef::parse("85746065432").unwrap();
        assert_eq!(reference, MeetingRef::Id(id));
        assert_eq!(reference.path_segment(), "85746065432");
        assert_eq!(reference.to_string(), "85746065432");
    }

    #[test]
    fn a_number_converts_to_anything_a_uuid_only_to_a_reference() {
        assert_eq!(MeetingRef::from(7), MeetingRef::Id(MeetingId::new(7)));
        assert_eq!(WebinarRef::from(WebinarId::new(7)).as_id(), Some(7.into()));
        let uuid = WebinarUuid::parse("aDYlohsHRtCd4ii1uC2+hA==").unwrap();
        let reference = WebinarRef::from(&uuid);
        assert_eq!(reference.as_uuid(), Some(&uuid));
        let error = WebinarId::try_from(reference).unwrap_err();
        assert_eq!(error.field(), "webinar_id");
        assert!(
            error
                .reason()
                .contains("GET /webinars/{webinarId}/livestream")
        );
        assert_eq!(
            MeetingId::try_from(MeetingRef::from(9)).unwrap(),
            MeetingId::new(9)
        );
        assert_eq!(MeetingId::try_from(5_i64).unwrap().get(), 5);
        assert!(MeetingId::try_from(-5_i64).is_err());
    }

    #[test]
    fn a_uuid_is_not_an_id_and_a_number_is_not_a_uuid() {
        let error = MeetingId::parse("aDYlohsHRtCd4ii1uC2+hA==").unwrap_err();
        assert_eq!(error.field(), "meeting_id");
        assert!(error.reason().contains("meeting UUID"), "{error}");
        assert!(
            error.reason().contains("only the live-stream GET"),
            "{error}"
        );
        assert!(MeetingUuid::parse("123").is_err());
        assert!(MeetingRef::parse("123").unwrap().as_uuid().is_none());
    }

    #[test]
    fn blank_overlong_and_control_ids_are_input_errors() {
        for bad in ["", "   ", "\t", "a\nb", "x\u{0}y"] {
            let error = MeetingRef::parse(bad).unwrap_err();
            assert_eq!(error.field(), "meeting_id", "{bad:?}");
            assert!(MeetingId::parse(bad).is_err(), "{bad:?}");
            assert!(MeetingUuid::parse(bad).is_err(), "{bad:?}");
        }
        assert!(WebinarRef::parse(&"a".repeat(MAX_UUID_LEN + 1)).is_err());
        assert!(WebinarUuid::parse(&"a".repeat(MAX_UUID_LEN)).is_ok());
        assert!(MeetingRef::parse("99999999999999999999999").is_err());
    }

    #[test]
    fn numbers_beyond_int64_are_input_errors() {
        assert_eq!(
            MeetingId::parse("9223372036854775807").unwrap().get(),
            i64::MAX as u64
        );
        for too_large in ["9223372036854775808", "18446744073709551615"] {
            assert!(MeetingId::parse(too_large).is_err(), "{too_large}");
            assert!(MeetingRef::parse(too_large).is_err(), "{too_large}");
        }
    }

    #[test]
    fn uuids_are_encoded_once_or_twice_by_zooms_rule() {
        let plain = MeetingUuid::parse("4444AAAiAAAAAiAiAiiAii==").unwrap();
        assert_eq!(plain.path_segment(), "4444AAAiAAAAAiAiAiiAii%3D%3D");
        let leading_slash = MeetingRef::parse("/4444AAAiAAAAAiAiAiiAii==").unwrap();
        assert_eq!(
            leading_slash.path_segment(),
            "%252F4444AAAiAAAAAiAiAiiAii%253D%253D"
        );
        let double_slash = MeetingUuid::parse("ab//cd+e").unwrap();
        assert_eq!(double_slash.path_segment(), "ab%252F%252Fcd%252Be");
        let single_slash = MeetingUuid::parse("ab/cd").unwrap();
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
            let error = MeetingRef::parse(hostile).unwrap_err();
            assert_eq!(error.reason(), ID_SHAPE, "{hostile:?}");
            assert_eq!(
                MeetingId::parse(hostile).unwrap_err().reason(),
                ID_SHAPE,
                "{hostile:?}"
            );
            assert!(WebinarRef::parse(hostile).is_err(), "{hostile:?}");
            assert!(WebinarUuid::parse(hostile).is_err(), "{hostile:?}");
        }
    }

    #[test]
    fn base64_uuids_become_one_segment_of_letters_digits_and_escapes() {
        for uuid in ["a/b", "//evil/x", "/", "=", "+", "ab+/==", "Zz09"] {
            let segment = MeetingRef::parse(uuid).unwrap().path_segment();
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
