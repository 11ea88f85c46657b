//! Judging request bodies the way Zoom does (independently of the SDK).

use http::StatusCode;
use serde_json::{Map, Value, json};

use super::config::SimStream;
use super::request::ApiRequest;
use super::response::SimResponse;

/// Zoom's message for a body that is not a JSON object.
const NOT_JSON: &str = "Request Body should be a valid JSON object.";

/// One entry of a validation error's `errors`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    field: String,
    message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn field_error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// `400 {"code":300,"message":"Validation Failed.","errors":[…]}`.
pub(crate) fn validation_failed(errors: &[FieldError]) -> SimResponse {
    invalid(errors, "Validation Failed.")
}

/// `400 {"code":300,"message":message,"errors":[…]}`.
pub(crate) fn invalid(errors: &[FieldError], message: &str) -> SimResponse {
    let errors: Vec<Value> = errors
        .iter()
        .map(|e| json!({"field": e.field, "message": e.message}))
        .collect();
    SimResponse::json(
        StatusCode::BAD_REQUEST,
        &json!({"code": 300, "message": message, "errors": errors}),
    )
}

/// A path id the spec types as int64 but that is not one: 400, code 300, Zoom's message
/// for an invalid id, and the spec's rule as the field error.
pub(crate) fn not_int64(parameter: &str, rule: String, message: &str) -> SimResponse {
    invalid(&[field_error(parameter, rule)], message)
}

/// The body as a JSON object, or the 400/300 Zoom gives otherwise.
pub(crate) fn json_object(request: &ApiRequest) -> Result<Map<String, Value>, SimResponse> {
    let not_json = || SimResponse::error(StatusCode::BAD_REQUEST, 300, NOT_JSON);
    if !request.is_json() {
        return Err(not_json());
    }
    match serde_json::from_slice(&request.body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(not_json()),
    }
}

/// A required, non-empty string of at most `max` characters.
fn required_text(
    body: &Map<String, Value>,
    field: &str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match body.get(field) {
        None | Some(Value::Null) => {
            errors.push(field_error(field, format!("{field} is required.")))
        }
        Some(Value::String(s)) if s.is_empty() => {
            errors.push(field_error(field, format!("{field} must not be empty.")));
        }
        Some(Value::String(s)) if s.chars().count() > max => errors.push(field_error(
            field,
            format!("{field} must be at most {max} characters."),
        )),
        Some(Value::String(s)) => return Some(s.clone()),
        Some(_) => errors.push(field_error(field, format!("{field} must be a string."))),
    }
    None
}

/// One of `allowed`, or absent/null.
fn optional_choice(
    value: Option<&Value>,
    field: &str,
    allowed: &[&str],
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match value {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Some(s.clone()),
        Some(_) => {
            errors.push(field_error(
                field,
                format!("{field} must be one of: {}.", allowed.join(", ")),
            ));
            None
        }
    }
}

/// A `PATCH …/livestream` body: the stream to store; `resolution: None`
/// keeps the stored resolution.
pub(crate) fn stream_update(body: &Map<String, Value>) -> Result<SimStream, Vec<FieldError>> {
    let mut errors = Vec::new();
    let stream_url = required_text(body, "stream_url", 1024, &mut errors);
    let stream_key = required_text(body, "stream_key", 512, &mut errors);
    let page_url = required_text(body, "page_url", 1024, &mut errors);
    if let Some(url) = &page_url
        && !is_web_url(url)
    {
        errors.push(field_error(
            "page_url",
            "page_url must be a valid URL starting with http:// or https://.",
        ));
    }
    let resolution = optional_choice(
        body.get("resolution"),
        "resolution",
        &["720p", "1080p"],
        &mut errors,
    );
    match (stream_url, stream_key, page_url) {
        (Some(stream_url), Some(stream_key), Some(page_url)) if errors.is_empty() => {
            Ok(SimStream {
                stream_url,
                stream_key,
                page_url,
                resolution,
            })
        }
        _ => Err(errors),
    }
}

fn is_web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !url.chars().any(char::is_whitespace)
    })
}

/// A valid `PATCH …/livestream/status` body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StatusUpdate {
    /// `true` for `start`, `false` for `stop`.
    pub(crate) start: bool,
    pub(crate) settings: Option<Value>,
}

/// The layouts a meeting's stream takes.
const MEETING_LAYOUTS: &[&str] = &["follow_host", "gallery_view", "speaker_view"];
/// The layouts a Video SDK session's stream takes.
const SESSION_LAYOUTS: &[&str] = &["gallery_view", "speaker_view"];

/// Judges a status body; webinars accept no `layout` (`close_caption` they do, since Zoom's
/// changelog of 2026-04-20).
pub(crate) fn status_update(
    body: &Map<String, Value>,
    webinar: bool,
) -> Result<StatusUpdate, Vec<FieldError>> {
    status_with_layouts(body, (!webinar).then_some(MEETING_LAYOUTS))
}

/// Judges a Video SDK session's status body: `layout` is `gallery_view` or `speaker_view`.
/// The `mode` action of the Video SDK's document (changing a running stream's layout, by
/// secondary sources) is not simulated: 400, code 300, naming it.
pub(crate) fn session_status_update(
    body: &Map<String, Value>,
) -> Result<StatusUpdate, Vec<FieldError>> {
    if body.get("action").and_then(Value::as_str) == Some("mode") {
        return Err(vec![field_error(
            "action",
            "action mode is not simulated: only start and stop are.",
        )]);
    }
    status_with_layouts(body, Some(SESSION_LAYOUTS))
}

/// A status body whose `layout` is one of `layouts` (`None`: no layout at all).
fn status_with_layouts(
    body: &Map<String, Value>,
    layouts: Option<&[&str]>,
) -> Result<StatusUpdate, Vec<FieldError>> {
    let mut errors = Vec::new();
    let start = match body.get("action") {
        Some(Value::String(a)) if a == "start" => Some(true),
        Some(Value::String(a)) if a == "stop" => Some(false),
        None | Some(Value::Null) => {
            errors.push(field_error("action", "action is required."));
            None
        }
        Some(_) => {
            errors.push(field_error("action", "action must be one of: start, stop."));
            None
        }
    };
    let settings = match body.get("settings") {
        None | Some(Value::Null) => None,
        Some(Value::Object(settings)) => {
            check_settings(settings, layouts, &mut errors);
            Some(Value::Object(settings.clone()))
        }
        Some(_) => {
            errors.push(field_error("settings", "settings must be an object."));
            None
        }
    };
    match start {
        Some(start) if errors.is_empty() => Ok(StatusUpdate { start, settings }),
        _ => Err(errors),
    }
}

fn check_settings(
    settings: &Map<String, Value>,
    layouts: Option<&[&str]>,
    errors: &mut Vec<FieldError>,
) {
    match settings.get("active_speaker_name") {
        None | Some(Value::Null | Value::Bool(_)) => {}
        Some(_) => errors.push(field_error(
            "settings.active_speaker_name",
            "settings.active_speaker_name must be a boolean.",
        )),
    }
    match settings.get("display_name") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if (1..=50).contains(&s.chars().count()) => {}
        Some(_) => errors.push(field_error(
            "settings.display_name",
            "settings.display_name must be a string of 1 to 50 characters.",
        )),
    }
    let layout = settings.get("layout");
    match layouts {
        Some(allowed) => {
            optional_choice(layout, "settings.layout", allowed, errors);
        }
        None if layout.is_some_and(|v| !v.is_null()) => errors.push(field_error(
            "settings.layout",
            "settings.layout is not supported for webinars.",
        )),
        None => {}
    }
    optional_choice(
        settings.get("close_caption"),
        "settings.close_caption",
        &["burnt-in", "embedded", "off"],
        errors,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn stream_rules() {
        let ok = stream_update(&map(json!({
            "stream_url": "rtmp://x", "stream_key": "k", "page_url": "https://p"
        })))
        .unwrap();
        assert_eq!(ok.resolution, None);
        let errors = stream_update(&map(json!({
            "stream_key": "k".repeat(513), "page_url": "ftp://p", "resolution": "4k"
        })))
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["stream_url", "stream_key", "page_url", "resolution"]
        );
    }

    #[test]
    fn status_rules() {
        let ok = status_update(&map(json!({"action": "stop"})), false).unwrap();
        assert!(!ok.start);
        let errors = status_update(
            &map(
                json!({"action": "go", "settings": {"layout": "gallery_view", "display_name": "", "close_caption": "burnt-in"}}),
            ),
            true,
        )
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["action", "settings.display_name", "settings.layout"]
        );
    }

    #[test]
    fn session_status_rules() {
        let ok = session_status_update(&map(
            json!({"action": "start", "settings": {"layout": "speaker_view", "close_caption": "off"}}),
        ))
        .unwrap();
        assert!(ok.start);
        let errors = session_status_update(&map(
            json!({"action": "start", "settings": {"layout": "follow_host", "close_caption": "embedded"}}),
        ))
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["settings.layout"]);
        let mode = session_status_update(&map(json!({"action": "mode"}))).unwrap_err();
        assert!(mode[0].message.contains("not simulated"), "{mode:?}");
    }
}
