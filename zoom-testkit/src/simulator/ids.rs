//! Reading meeting and webinar ids from a path segment.

use super::request::{has_escape, percent_decode};

/// What a `{meetingId}` / `{webinarId}` path segment names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathId {
    /// A numeric id.
    Number(u64),
    /// Something Zoom would look up but that cannot exist here (a meeting
    /// UUID, a number too long for 64 bits); carried as decoded text.
    Unknown(String),
    /// Not an id at all: empty or garbage.
    Invalid,
}

/// Reads a raw (percent-encoded) path segment.
///
/// Digits are an id. Anything else is percent-decoded once, and a second
/// time if the result still holds escapes (Zoom's rule for UUIDs that start
/// with `/` or contain `//`); digits are then an id, a UUID-looking text is
/// [`PathId::Unknown`], the rest [`PathId::Invalid`]. A decoded `/` never
/// leaves the segment, so `..%2Fusers` cannot reach another route.
pub(crate) fn parse(raw: &str) -> PathId {
    if let Some(id) = digits(raw) {
        return id;
    }
    let Some(mut decoded) = percent_decode(raw, false) else {
        return PathId::Invalid;
    };
    if has_escape(&decoded) {
        match percent_decode(&decoded, false) {
            Some(twice) => decoded = twice,
            None => return PathId::Invalid,
        }
    }
    if let Some(id) = digits(&decoded) {
        return id;
    }
    if looks_like_uuid(&decoded) {
        PathId::Unknown(decoded)
    } else {
        PathId::Invalid
    }
}

fn digits(text: &str) -> Option<PathId> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(match text.parse() {
        Ok(n) => PathId::Number(n),
        Err(_) => PathId::Unknown(text.to_owned()),
    })
}

/// Zoom meeting UUIDs are 16 bytes in base64: 22 characters plus `==`.
fn looks_like_uuid(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    (22..=24).contains(&text.len())
        && text.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ids() {
        assert_eq!(parse("85746065432"), PathId::Number(85_746_065_432));
        assert_eq!(parse(""), PathId::Invalid);
        assert_eq!(parse("abc"), PathId::Invalid);
        assert_eq!(parse("..%2Fusers"), PathId::Invalid);
        assert_eq!(parse("%38%35"), PathId::Number(85));
        assert_eq!(
            parse("aDYlohsHRtCd4ii1uC2%2BhA%3D%3D"),
            PathId::Unknown("aDYlohsHRtCd4ii1uC2+hA==".into())
        );
        assert_eq!(
            parse("%252FYlohsHRtCd4ii1uC2%252BhA%253D%253D"),
            PathId::Unknown("/YlohsHRtCd4ii1uC2+hA==".into())
        );
        assert_eq!(
            parse("99999999999999999999999"),
            PathId::Unknown("99999999999999999999999".into())
        );
    }
}
