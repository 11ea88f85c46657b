//! The live-stream subset of Zoom's OpenAPI document as rules: which operation a request is,
//! and what the spec requires of its path id and body. The handlers answer by these rules;
//! [`spec_violations`] states them for a recorded request, without any state.

use http::Method;
use serde_json::{Map, Value};

use super::ids::{self, PathId};
use super::request::ReceivedRequest;
use super::{session_spec, validate};

/// Meetings or webinars: the two differ only in ids' errors and settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Meeting,
    Webinar,
}

impl Kind {
    /// The collection's path segment.
    pub(crate) fn from_segment(segment: &str) -> Option<Self> {
        match segment {
            "meetings" => Some(Kind::Meeting),
            "webinars" => Some(Kind::Webinar),
            _ => None,
        }
    }

    /// `meeting` or `webinar`, for messages.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Kind::Meeting => "meeting",
            Kind::Webinar => "webinar",
        }
    }

    /// The name of the id in the spec's paths.
    pub(crate) fn path_parameter(self) -> &'static str {
        match self {
            Kind::Meeting => "meetingId",
            Kind::Webinar => "webinarId",
        }
    }
}

/// The operations of one path, by its tail after `/{kind}/{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Path {
    /// `…/livestream`: GET (string id) and PATCH (int64 id).
    Settings,
    /// `…/livestream/status`: PATCH (int64 id).
    Status,
    /// `…/jointoken/live_streaming`: GET (int64 id).
    JoinToken,
}

impl Path {
    /// The methods the spec defines on it, for `Allow`.
    pub(crate) fn allow(self) -> &'static str {
        match self {
            Path::Settings => "GET, PATCH",
            Path::Status => "PATCH",
            Path::JoinToken => "GET",
        }
    }

    /// Whether the spec defines `method` on it.
    pub(crate) fn allows(self, method: &Method) -> bool {
        match self {
            Path::Settings => method == Method::GET || method == Method::PATCH,
            Path::Status => method == Method::PATCH,
            Path::JoinToken => method == Method::GET,
        }
    }

    /// Whether the spec types the path id as int64 for `method` (everything but the GET of
    /// the settings, which takes a string: a number or a UUID).
    pub(crate) fn int64_id(self, method: &Method) -> bool {
        !(self == Path::Settings && method == Method::GET)
    }
}

/// A path of the subset: `{kind}/{id}/{tail}` (after `/v2/`, still percent-encoded).
pub(crate) fn route(rest: &str) -> Option<(Kind, &str, Path)> {
    let segments: Vec<&str> = rest.split('/').collect();
    let (collection, id, path) = match segments.as_slice() {
        [collection, id, "livestream"] => (collection, id, Path::Settings),
        [collection, id, "livestream", "status"] => (collection, id, Path::Status),
        [collection, id, "jointoken", "live_streaming"] => (collection, id, Path::JoinToken),
        _ => return None,
    };
    Some((Kind::from_segment(collection)?, id, path))
}

/// What an int64 path id must be, for messages.
pub(crate) fn int64_message(kind: Kind) -> String {
    format!(
        "path parameter {} must be integer (int64)",
        kind.path_parameter()
    )
}

/// A path id the spec types as int64: digits (after percent-decoding, as a server decodes a
/// path) that fit an int64.
pub(crate) fn int64_id(raw: &str) -> Option<u64> {
    match ids::parse(raw) {
        PathId::Number(n) if i64::try_from(n).is_ok() => Some(n),
        _ => None,
    }
}

/// Everything in `request` that Zoom's OpenAPI document (the live-stream subset) does not
/// allow, one line each; empty for a valid request. Judged from HTTP alone, without state:
/// the operation exists, the path id has the spec's type (a string on the two live-stream
/// GETs, an int64 everywhere else), a bearer token is sent (the spec's OAuth security), and
/// a PATCH has a JSON body with the required fields, lengths and enums.
///
/// A Video SDK session operation (`/v2/videosdk/sessions/{sessionId}/livestream[/status]`)
/// is judged by `spec/videosdk-livestream.json` instead: a bearer token (its `VideoSdkJwt`
/// or `OAuth` security), a `sessionId` of base64 characters encoded as one segment, twice
/// exactly when it begins with `/` or contains `//` (Zoom's rule), and its body rules
/// (`layout` `gallery_view` or `speaker_view`; `close_caption` `burnt-in`, `embedded` or
/// `off`; `action` `start`, `stop` or `mode`).
///
/// ```
/// use zoom_testkit::simulator::{ReceivedRequest, spec_violations};
///
/// let request = |method: &str, path: &str, body: &str| ReceivedRequest {
///     method: method.into(),
///     path: path.into(),
///     query: None,
///     headers: vec![
///         ("authorization".into(), "Bearer t".into()),
///         ("content-type".into(), "application/json".into()),
///     ],
///     body: body.as_bytes().to_vec(),
/// };
/// assert!(spec_violations(&request("GET", "/v2/meetings/aDYlohsHRtCd4ii1uC2%2BhA%3D%3D/livestream", "")).is_empty());
/// assert!(spec_violations(&request("PATCH", "/v2/meetings/1/livestream/status", r#"{"action":"stop"}"#)).is_empty());
/// let uuid = request("PATCH", "/v2/meetings/aDYlohsHRtCd4ii1uC2%2BhA%3D%3D/livestream/status", r#"{"action":"stop"}"#);
/// assert_eq!(spec_violations(&uuid), ["path parameter meetingId must be integer (int64)"]);
/// let session = request("PATCH", "/v2/videosdk/sessions/%252Fab%252F%252Fc/livestream/status", r#"{"action":"stop"}"#);
/// assert!(spec_violations(&session).is_empty());
/// let once = request("GET", "/v2/videosdk/sessions/%2Fab/livestream", "");
/// assert!(spec_violations(&once)[0].contains("encoded twice"));
/// ```
pub fn spec_violations(request: &ReceivedRequest) -> Vec<String> {
    let mut violations = Vec::new();
    let Ok(method) = request.method.parse::<Method>() else {
        return vec![format!("{:?} is not an HTTP method", request.method)];
    };
    let session = request
        .path
        .strip_prefix("/v2/")
        .and_then(session_spec::route);
    if let Some((raw_id, path)) = session {
        return session_violations(request, &method, raw_id, path);
    }
    let operation = request.path.strip_prefix("/v2/").and_then(route);
    let Some((kind, raw_id, path)) = operation else {
        return vec![format!("{} is no operation of the spec", request.path)];
    };
    if !path.allows(&method) {
        return vec![format!(
            "{method} {} is no operation of the spec",
            request.path
        )];
    }
    if !has_bearer(request) {
        violations.push("no bearer token (security: OAuth)".to_owned());
    }
    if path.int64_id(&method) {
        if int64_id(raw_id).is_none() {
            violations.push(int64_message(kind));
        }
    } else if matches!(ids::parse(raw_id), PathId::Invalid) {
        violations.push(format!(
            "path parameter {} must be a non-empty string",
            kind.path_parameter()
        ));
    }
    if method == Method::PATCH {
        match body_object(media(request).as_deref(), &request.body) {
            Err(problem) => violations.push(problem),
            Ok(body) => {
                let errors = match path {
                    Path::Status => validate::status_update(&body, kind == Kind::Webinar).err(),
                    _ => validate::stream_update(&body).err(),
                };
                violations.extend(errors.unwrap_or_default().iter().map(|e| e.to_string()));
            }
        }
    }
    violations
}

/// What `spec/videosdk-livestream.json` does not allow in a request to a session
/// operation: the operation exists, a bearer token is sent (security: the Video SDK JWT or
/// OAuth), the `sessionId` segment is one base64 id encoded by Zoom's rule (twice exactly
/// when it begins with `/` or contains `//`), and a PATCH has a JSON object body with the
/// document's required fields, types and enums.
fn session_violations(
    request: &ReceivedRequest,
    method: &Method,
    raw_id: &str,
    path: session_spec::SessionPath,
) -> Vec<String> {
    if !path.allows(method) {
        return vec![format!(
            "{method} {} is no operation of the spec",
            request.path
        )];
    }
    let mut violations = Vec::new();
    if !has_bearer(request) {
        violations.push("no bearer token (security: VideoSdkJwt or OAuth)".to_owned());
    }
    violations.extend(session_spec::segment_violation(raw_id));
    if method == Method::PATCH {
        match body_object(media(request).as_deref(), &request.body) {
            Err(problem) => violations.push(problem),
            Ok(body) => violations.extend(session_spec::body_violations(path, &body)),
        }
    }
    violations
}

/// Whether `request` carries a non-empty bearer token.
fn has_bearer(request: &ReceivedRequest) -> bool {
    request
        .header("authorization")
        .and_then(|v| v.trim().split_once(' '))
        .is_some_and(|(scheme, token)| {
            scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()
        })
}

/// The lowercase media type of the request's `Content-Type`, without parameters.
fn media(request: &ReceivedRequest) -> Option<String> {
    request.header("content-type").map(|ct| {
        ct.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    })
}

/// The body as the JSON object a PATCH requires (`application/json`).
fn body_object(media: Option<&str>, body: &[u8]) -> Result<Map<String, Value>, String> {
    if media != Some("application/json") {
        return Err(format!(
            "the body must be application/json, not {}",
            media.unwrap_or("absent")
        ));
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err("the body must be a JSON object".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, path: &str, body: &str) -> ReceivedRequest {
        ReceivedRequest {
            method: method.into(),
            path: path.into(),
            query: None,
            headers: vec![
                ("authorization".into(), "Bearer t".into()),
                ("content-type".into(), "application/json".into()),
            ],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn ids_are_typed_by_operation() {
        let uuid = "aDYlohsHRtCd4ii1uC2%2BhA%3D%3D";
        let stop = r#"{"action":"stop"}"#;
        for kind in ["meetings", "webinars"] {
            let path = |id: &str, tail: &str| format!("/v2/{kind}/{id}/{tail}");
            let ok = |m, p: String, b| {
                assert!(spec_violations(&request(m, &p, b)).is_empty(), "{m} {p}")
            };
            ok("GET", path("85746065432", "livestream"), "");
            ok("GET", path(uuid, "livestream"), "");
            ok("PATCH", path("85746065432", "livestream/status"), stop);
            ok("GET", path("85746065432", "jointoken/live_streaming"), "");
            ok(
                "GET",
                path("9223372036854775807", "jointoken/live_streaming"),
                "",
            );
            for (method, tail, body) in [
                (
                    "PATCH",
                    "livestream",
                    r#"{"stream_url":"a","stream_key":"b","page_url":"https://c"}"#,
                ),
                ("PATCH", "livestream/status", stop),
                ("GET", "jointoken/live_streaming", ""),
            ] {
                for id in [uuid, "9223372036854775808", "abc", "1.5"] {
                    let violations = spec_violations(&request(method, &path(id, tail), body));
                    assert_eq!(violations.len(), 1, "{method} {id} {tail}: {violations:?}");
                    assert!(violations[0].contains("must be integer"), "{violations:?}");
                }
            }
        }
    }

    #[test]
    fn bodies_methods_and_auth_follow_the_spec() {
        let status = "/v2/meetings/1/livestream/status";
        let problems = |r: &ReceivedRequest| spec_violations(r).join("; ");
        assert!(problems(&request("PATCH", status, r#"{"action":"go"}"#)).contains("action"));
        assert!(problems(&request("PATCH", status, "[]")).contains("JSON object"));
        assert!(problems(&request("DELETE", status, "")).contains("no operation"));
        assert!(problems(&request("GET", "/v2/users/me", "")).contains("no operation"));
        let mut no_auth = request("GET", "/v2/meetings/1/livestream", "");
        no_auth.headers.retain(|(n, _)| n != "authorization");
        assert!(problems(&no_auth).contains("bearer"));
        let mut form = request("PATCH", status, r#"{"action":"stop"}"#);
        form.headers[1].1 = "multipart/form-data".into();
        assert!(problems(&form).contains("application/json"));
    }
}
