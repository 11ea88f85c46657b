//! Incoming requests: the parsed form the handlers read, and [`ReceivedRequest`].

use bytes::Bytes;
use http::{HeaderMap, Method};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

/// A request that reached the simulator over HTTP, as it arrived: method, path, query and
/// headers as text, in arrival order, and the body bytes.
///
/// What a client handed to a [`MockTransport`](crate::MockTransport) is recorded as a
/// [`SentRequest`](crate::SentRequest) instead.
///
/// The Rust API ([`SimulatorControl::requests`](super::SimulatorControl::requests))
/// keeps every header raw. Serializing (what the admin API's
/// `GET /__admin/requests` sends) writes `body` as lossy UTF-8 text,
/// `headers` as `[name, value]` pairs and hides the credentials of
/// `authorization` (`Bearer [redacted]`, `Basic [redacted]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedRequest {
    /// The method, e.g. `PATCH`.
    pub method: String,
    /// The path as sent (still percent-encoded), e.g. `/v2/meetings/1/livestream`.
    pub path: String,
    /// The query string without `?`, if any.
    pub query: Option<String>,
    /// Header names (lowercase) and values, in arrival order.
    #[serde(serialize_with = "redacted_headers")]
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    #[serde(serialize_with = "lossy_text", deserialize_with = "text_bytes")]
    pub body: Vec<u8>,
}

impl ReceivedRequest {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as (lossy) UTF-8 text.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

fn redact(name: &str, value: &str) -> String {
    if !name.eq_ignore_ascii_case("authorization") {
        return value.to_owned();
    }
    match value.split_once(' ') {
        Some((scheme, _)) => format!("{scheme} [redacted]"),
        None => "[redacted]".to_owned(),
    }
}

fn redacted_headers<S: Serializer>(
    headers: &[(String, String)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut seq = serializer.serialize_seq(Some(headers.len()))?;
    for (name, value) in headers {
        seq.serialize_element(&(name, redact(name, value)))?;
    }
    seq.end()
}

fn lossy_text<S: Serializer>(body: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&String::from_utf8_lossy(body))
}

fn text_bytes<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
    String::deserialize(deserializer).map(String::into_bytes)
}

/// A fully read request, as the handlers see it.
#[derive(Debug, Clone)]
pub(crate) struct ApiRequest {
    pub(crate) method: Method,
    /// Raw (percent-encoded) path.
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl ApiRequest {
    /// A header's value as text, if present and valid.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Whether the `Content-Type` is JSON (`application/json`, parameters allowed).
    pub(crate) fn is_json(&self) -> bool {
        self.media_type()
            .is_some_and(|m| m == "application/json" || m.ends_with("+json"))
    }

    /// The lowercase media type of `Content-Type` without parameters.
    pub(crate) fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }

    /// The record kept of this request.
    pub(crate) fn record(&self) -> ReceivedRequest {
        ReceivedRequest {
            method: self.method.to_string(),
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self
                .headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: self.body.to_vec(),
        }
    }
}

/// Percent-decodes `input` (and `+` as space when `plus_as_space`); `None` if
/// the result is not UTF-8. Malformed escapes are kept as they are.
pub(crate) fn percent_decode(input: &str, plus_as_space: bool) -> Option<String> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() && hex_pair(bytes[i + 1], bytes[i + 2]).is_some() => {
                out.extend(hex_pair(bytes[i + 1], bytes[i + 2]));
                i += 3;
            }
            b'+' if plus_as_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Whether `input` holds at least one valid `%XX` escape.
pub(crate) fn has_escape(input: &str) -> bool {
    input
        .as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && hex_pair(w[1], w[2]).is_some())
}

fn hex_pair(high: u8, low: u8) -> Option<u8> {
    let digit = |c: u8| (c as char).to_digit(16);
    Some((digit(high)? * 16 + digit(low)?) as u8)
}

/// Parses `a=1&b=2` (form or query encoding) into pairs.
pub(crate) fn parse_form(input: &str) -> Vec<(String, String)> {
    input
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((percent_decode(name, true)?, percent_decode(value, true)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_and_forms() {
        assert_eq!(percent_decode("a%2Fb%25", false).as_deref(), Some("a/b%"));
        assert_eq!(percent_decode("a+b%zz%", true).as_deref(), Some("a b%zz%"));
        assert!(has_escape("x%2F") && !has_escape("x%zz"));
        assert_eq!(
            parse_form("grant_type=account_credentials&account_id=a%20b"),
            vec![
                ("grant_type".to_owned(), "account_credentials".to_owned()),
                ("account_id".to_owned(), "a b".to_owned())
            ]
        );
    }

    #[test]
    fn redacts_authorization_when_serialized() {
        let record = ReceivedRequest {
            method: "GET".into(),
            path: "/v2".into(),
            query: None,
            headers: vec![
                ("authorization".into(), "Bearer secret".into()),
                ("accept".into(), "*/*".into()),
            ],
            body: b"hi".to_vec(),
        };
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["headers"][0][1], "Bearer [redacted]");
        assert_eq!(json["headers"][1][1], "*/*");
        assert_eq!(json["body"], "hi");
    }
}
