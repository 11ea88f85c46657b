//! The Video SDK session operations of `spec/videosdk-livestream.json` as rules: which
//! operation a request is, what its `sessionId` segment must look like, and what the
//! document requires of a body. [`spec_violations`](super::spec_violations) applies them to
//! a recorded request; the handlers (`sessions.rs`) route by them. The tests below read the
//! document itself and check that these rules say what it says.

use http::Method;
use serde_json::{Map, Value};

use super::request::{has_escape, percent_decode};

/// The operations of one session path, by its tail after `/videosdk/sessions/{sessionId}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionPath {
    /// `…/livestream`: GET and PATCH.
    Settings,
    /// `…/livestream/status`: PATCH.
    Status,
}

impl SessionPath {
    /// The methods the document defines on it, for `Allow`.
    pub(crate) fn allow(self) -> &'static str {
        match self {
            SessionPath::Settings => "GET, PATCH",
            SessionPath::Status => "PATCH",
        }
    }

    /// Whether the document defines `method` on it.
    pub(crate) fn allows(self, method: &Method) -> bool {
        match self {
            SessionPath::Settings => method == Method::GET || method == Method::PATCH,
            SessionPath::Status => method == Method::PATCH,
        }
    }
}

/// A session path: `videosdk/sessions/{sessionId}/livestream[/status]` (after `/v2/`,
/// still percent-encoded).
pub(crate) fn route(rest: &str) -> Option<(&str, SessionPath)> {
    let segments: Vec<&str> = rest.split('/').collect();
    match segments.as_slice() {
        ["videosdk", "sessions", id, "livestream"] => Some((id, SessionPath::Settings)),
        ["videosdk", "sessions", id, "livestream", "status"] => Some((id, SessionPath::Status)),
        _ => None,
    }
}

/// Whether a path (after `/v2/`) belongs to the Video SDK API.
pub(crate) fn is_video_sdk(rest: &str) -> bool {
    rest == "videosdk" || rest.starts_with("videosdk/")
}

/// What a `{sessionId}` segment names, read the way Zoom states its rule: decoded once,
/// and a second time when escapes remain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SessionSegment {
    /// A session id (decoded), encoded as Zoom's rule asks.
    Id(String),
    /// Decoded once it begins with `/` or contains `//`: it should have been encoded twice
    /// (Zoom cannot tell it from a path of other segments).
    NotEncodedTwice(String),
    /// Encoded twice although it neither begins with `/` nor contains `//`.
    EncodedTwiceNeedlessly(String),
    /// Empty, not UTF-8, or not base64 characters (at most 64).
    Invalid,
}

/// Reads a raw (percent-encoded) `{sessionId}` segment.
pub(crate) fn session_segment(raw: &str) -> SessionSegment {
    let Some(once) = percent_decode(raw, false) else {
        return SessionSegment::Invalid;
    };
    let twice = if has_escape(&once) {
        match percent_decode(&once, false) {
            Some(twice) => Some(twice),
            None => return SessionSegment::Invalid,
        }
    } else {
        None
    };
    let id = twice.clone().unwrap_or_else(|| once.clone());
    let base64 = id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    if id.is_empty() || id.len() > 64 || !base64 {
        return SessionSegment::Invalid;
    }
    let needs_twice = id.starts_with('/') || id.contains("//");
    match (needs_twice, twice.is_some()) {
        (true, false) => SessionSegment::NotEncodedTwice(id),
        (false, true) => SessionSegment::EncodedTwiceNeedlessly(id),
        _ => SessionSegment::Id(id),
    }
}

/// The document's `action` values.
pub(crate) const ACTIONS: [&str; 3] = ["start", "stop", "mode"];
/// The document's `settings.layout` values.
pub(crate) const LAYOUTS: [&str; 2] = ["gallery_view", "speaker_view"];
/// The document's `settings.close_caption` values.
pub(crate) const CLOSE_CAPTIONS: [&str; 3] = ["burnt-in", "embedded", "off"];
/// The document's required fields of the settings PATCH.
pub(crate) const REQUIRED_STREAM_FIELDS: [&str; 3] = ["stream_url", "stream_key", "page_url"];

/// What the document says of a `sessionId` segment, if anything is wrong with it.
pub(crate) fn segment_violation(raw: &str) -> Option<String> {
    match session_segment(raw) {
        SessionSegment::Id(_) => None,
        SessionSegment::NotEncodedTwice(id) => Some(format!(
            "path parameter sessionId {id:?} begins with '/' or contains '//': it must be \
             percent-encoded twice"
        )),
        SessionSegment::EncodedTwiceNeedlessly(id) => Some(format!(
            "path parameter sessionId {id:?} is percent-encoded twice: only an id that begins \
             with '/' or contains '//' is"
        )),
        SessionSegment::Invalid => {
            Some("path parameter sessionId must be a non-empty base64 string".to_owned())
        }
    }
}

/// What the document says of a PATCH body, one line per problem.
pub(crate) fn body_violations(path: SessionPath, body: &Map<String, Value>) -> Vec<String> {
    let mut problems = Vec::new();
    let string = |value: &Value| value.is_string();
    match path {
        SessionPath::Settings => {
            for field in REQUIRED_STREAM_FIELDS {
                match body.get(field) {
                    None => problems.push(format!("{field} is required")),
                    Some(value) if !string(value) => {
                        problems.push(format!("{field} must be a string"));
                    }
                    Some(_) => {}
                }
            }
            if body.get("resolution").is_some_and(|v| !string(v)) {
                problems.push("resolution must be a string".to_owned());
            }
        }
        SessionPath::Status => {
            if let Some(action) = body.get("action") {
                choice(action, "action", &ACTIONS, &mut problems);
            }
            match body.get("settings") {
                None => {}
                Some(Value::Object(settings)) => {
                    if settings
                        .get("active_speaker_name")
                        .is_some_and(|v| !v.is_boolean())
                    {
                        problems.push("settings.active_speaker_name must be a boolean".into());
                    }
                    if settings.get("display_name").is_some_and(|v| !string(v)) {
                        problems.push("settings.display_name must be a string".into());
                    }
                    if let Some(layout) = settings.get("layout") {
                        choice(layout, "settings.layout", &LAYOUTS, &mut problems);
                    }
                    if let Some(caption) = settings.get("close_caption") {
                        choice(
                            caption,
                            "settings.close_caption",
                            &CLOSE_CAPTIONS,
                            &mut problems,
                        );
                    }
                }
                Some(_) => problems.push("settings must be an object".into()),
            }
        }
    }
    problems
}

fn choice(value: &Value, field: &str, allowed: &[&str], problems: &mut Vec<String>) {
    if !value.as_str().is_some_and(|v| allowed.contains(&v)) {
        problems.push(format!("{field} must be one of: {}", allowed.join(", ")));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The copied document.
    const DOCUMENT: &str = include_str!("../../spec/videosdk-livestream.json");

    fn document() -> Value {
        serde_json::from_str(DOCUMENT).unwrap()
    }

    fn strings(value: &Value) -> Vec<String> {
        let mut list: Vec<String> = value
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        list.sort();
        list
    }

    fn sorted(values: &[&str]) -> Vec<String> {
        let mut list: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
        list.sort();
        list
    }

    #[test]
    fn the_paths_and_methods_are_the_documents() {
        let document = document();
        let paths = document["paths"].as_object().unwrap();
        assert_eq!(paths.len(), 2);
        for (path, operations) in paths {
            let rest = path.strip_prefix("/v2/").unwrap();
            let (id, tail) = route(rest).unwrap_or_else(|| panic!("{path} is not routed"));
            assert_eq!(id, "{sessionId}");
            let methods: Vec<String> = operations
                .as_object()
                .unwrap()
                .keys()
                .map(|m| m.to_ascii_uppercase())
                .collect();
            for method in ["GET", "PATCH", "PUT", "DELETE", "POST"] {
                let parsed: Method = method.parse().unwrap();
                assert_eq!(
                    tail.allows(&parsed),
                    methods.iter().any(|m| m == method),
                    "{method} {path}"
                );
            }
            for operation in operations.as_object().unwrap().values() {
                let parameter = &operation["parameters"][0];
                assert_eq!(
                    (
                        &parameter["name"],
                        &parameter["in"],
                        &parameter["schema"]["type"]
                    ),
                    (&json!("sessionId"), &json!("path"), &json!("string"))
                );
                let security = strings(
                    &operation["security"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|s| json!(s.as_object().unwrap().keys().next().unwrap()))
                        .collect::<Value>(),
                );
                assert_eq!(security, ["OAuth", "VideoSdkJwt"]);
            }
        }
        assert!(is_video_sdk("videosdk/sessions/x/livestream"));
        assert!(!is_video_sdk("videosdkx/y") && !is_video_sdk("meetings/1/livestream"));
    }

    #[test]
    fn the_body_rules_are_the_documents() {
        let document = document();
        let paths = &document["paths"];
        let settings = &paths["/v2/videosdk/sessions/{sessionId}/livestream"]["patch"]["requestBody"]
            ["content"]["application/json"]["schema"];
        assert_eq!(
            strings(&settings["required"]),
            sorted(&REQUIRED_STREAM_FIELDS)
        );
        let status = &paths["/v2/videosdk/sessions/{sessionId}/livestream/status"]["patch"]["requestBody"]
            ["content"]["application/json"]["schema"]["properties"];
        assert_eq!(strings(&status["action"]["enum"]), sorted(&ACTIONS));
        let settings = &status["settings"]["properties"];
        assert_eq!(strings(&settings["layout"]["enum"]), sorted(&LAYOUTS));
        assert_eq!(
            strings(&settings["close_caption"]["enum"]),
            sorted(&CLOSE_CAPTIONS)
        );
        assert_eq!(settings["active_speaker_name"]["type"], "boolean");
        assert_eq!(settings["display_name"]["type"], "string");

        let map = |v: Value| v.as_object().cloned().unwrap();
        assert!(body_violations(SessionPath::Status, &map(json!({"action": "mode"}))).is_empty());
        let problems = body_violations(
            SessionPath::Status,
            &map(
                json!({"action": "go", "settings": {"layout": "follow_host", "close_caption": "on", "active_speaker_name": "yes"}}),
            ),
        );
        assert_eq!(problems.len(), 4, "{problems:?}");
        let problems = body_violations(
            SessionPath::Settings,
            &map(json!({"stream_url": "a", "stream_key": 1, "resolution": 4})),
        );
        assert_eq!(
            problems,
            [
                "stream_key must be a string",
                "page_url is required",
                "resolution must be a string"
            ]
        );
    }

    #[test]
    fn segments_follow_zooms_double_encoding_rule_both_ways() {
        use SessionSegment::*;
        for (raw, read) in [
            (
                "Sx8PZbQyTtaUc9kFb4sOwg%3D%3D",
                Id("Sx8PZbQyTtaUc9kFb4sOwg==".into()),
            ),
            (
                "Sx8PZbQyTtaUc9kFb4sOwg==",
                Id("Sx8PZbQyTtaUc9kFb4sOwg==".into()),
            ),
            ("a%2Fb", Id("a/b".into())),
            ("%252Fab", Id("/ab".into())),
            ("a%252F%252Fb", Id("a//b".into())),
            ("%2Fab", NotEncodedTwice("/ab".into())),
            ("a%2F%2Fb", NotEncodedTwice("a//b".into())),
            ("a%252Fb", EncodedTwiceNeedlessly("a/b".into())),
            ("", Invalid),
            ("a.b", Invalid),
            ("%2e%2e", Invalid),
            ("%ff", Invalid),
        ] {
            assert_eq!(session_segment(raw), read, "{raw}");
        }
        assert!(segment_violation("%2Fab").unwrap().contains("twice"));
        assert!(segment_violation("Sx8%3D").is_none());
    }
}
