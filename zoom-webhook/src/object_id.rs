//! How payloads write an object's `id`: Zoom sends a meeting's or webinar's id as a number in
//! live-stream events and as a string of digits in lifecycle events, and a session's id as a
//! string. Both readers here take either form, everywhere.

use serde::{Deserialize, Deserializer};

/// Either form of an id, as it came.
#[derive(Deserialize)]
#[serde(untagged)]
enum Id {
    Number(u64),
    Text(String),
}

/// A meeting's or webinar's id: a JSON number, or a string of ASCII digits (a blank string
/// reads as no id). Anything else is an error, so that a payload whose id cannot be a Zoom id
/// is refused rather than read as another meeting.
pub(crate) fn number_or_digits<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    match Option::<Id>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Id::Number(n)) => Ok(Some(n)),
        Some(Id::Text(text)) if text.trim().is_empty() => Ok(None),
        Some(Id::Text(text)) => {
            let digits = text.trim();
            // `u64::from_str` would also take a leading `+`.
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(serde::de::Error::custom("an id that is not a number"));
            }
            digits
                .parse()
                .map(Some)
                .map_err(|_| serde::de::Error::custom("an id too large for a Zoom id"))
        }
    }
}

/// A session's id: a JSON string, or a number kept as its digits.
pub(crate) fn string_or_number<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Id>::deserialize(deserializer)? {
        None => None,
        Some(Id::Number(n)) => Some(n.to_string()),
        Some(Id::Text(text)) => Some(text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Meeting {
        #[serde(default, deserialize_with = "number_or_digits")]
        id: Option<u64>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Session {
        #[serde(default, deserialize_with = "string_or_number")]
        id: Option<String>,
    }

    fn meeting(json: &str) -> Result<Option<u64>, serde_json::Error> {
        serde_json::from_str::<Meeting>(json).map(|m| m.id)
    }

    #[test]
    fn a_meeting_id_is_the_same_as_a_number_or_as_digits() {
        for json in [
            r#"{"id":85746065432}"#,
            r#"{"id":"85746065432"}"#,
            r#"{"id":" 85746065432 "}"#,
        ] {
            assert_eq!(meeting(json).unwrap(), Some(85_746_065_432), "{json}");
        }
        for json in [r#"{}"#, r#"{"id":null}"#, r#"{"id":""}"#, r#"{"id":"  "}"#] {
            assert_eq!(meeting(json).unwrap(), None, "{json}");
        }
    }

    #[test]
    fn a_meeting_id_that_is_no_number_is_an_error() {
        for json in [
            r#"{"id":"12ab"}"#,
            r#"{"id":"+12"}"#,
            r#"{"id":"-12"}"#,
            r#"{"id":-12}"#,
            r#"{"id":1.5}"#,
            r#"{"id":"18446744073709551616"}"#,
            r#"{"id":true}"#,
            r#"{"id":[1]}"#,
        ] {
            assert!(meeting(json).is_err(), "{json}");
        }
    }

    #[test]
    fn a_session_id_is_kept_as_text_either_way() {
        let session = |json| serde_json::from_str::<Session>(json).unwrap().id;
        assert_eq!(
            session(r#"{"id":"Sx8PZbQyTtaUc9kFb4sOwg=="}"#).as_deref(),
            Some("Sx8PZbQyTtaUc9kFb4sOwg==")
        );
        assert_eq!(session(r#"{"id":1234}"#).as_deref(), Some("1234"));
        assert_eq!(session(r#"{"id":null}"#), None);
    }
}
