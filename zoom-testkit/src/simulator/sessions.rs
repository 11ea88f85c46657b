//! The live-stream operations of Video SDK sessions (`/v2/videosdk/sessions/{sessionId}/
//! livestream[/status]`): who may call them (the configured Video SDK app's JWT, or an OAuth
//! token) and what they do to a session's state.

use std::time::SystemTime;

use http::{Method, StatusCode};
use serde_json::json;

use crate::fixtures::messages;

use super::config::SimSession;
use super::jwt::{self, Refusal};
use super::oauth;
use super::request::ApiRequest;
use super::response::SimResponse;
use super::session_spec::{SessionPath, SessionSegment, session_segment};
use super::validate;
use super::world::{SessionChange, World};

/// Zoom's answer to a path it does not route (what a client that encodes the whole path,
/// or an id that needed encoding twice only once, gets).
pub(crate) fn not_recognized() -> SimResponse {
    SimResponse::error(
        StatusCode::NOT_FOUND,
        2300,
        "This API endpoint is not recognized.",
    )
}

/// Why a request to the Video SDK API is not authorized, if it is not: a JWT-shaped
/// bearer token must be the configured app's, well signed and unexpired; any other token
/// must be an OAuth one (issued by the token endpoint, or a static one). A retired JWT
/// app's token of the meeting API is no Video SDK credential.
pub(crate) fn authorize(world: &World, request: &ApiRequest) -> Result<(), SimResponse> {
    let unauthorized = |message: &str| SimResponse::error(StatusCode::UNAUTHORIZED, 124, message);
    let token = request
        .header("authorization")
        .map(str::trim)
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    match token {
        Some(token) if jwt::looks_like_jwt(token) => {
            match jwt::verify(token, &world.video_sdk, SystemTime::now()) {
                Ok(()) => Ok(()),
                Err(Refusal::Expired) => Err(unauthorized("Access token is expired.")),
                Err(Refusal::Invalid(_)) => Err(unauthorized(messages::INVALID_ACCESS_TOKEN)),
            }
        }
        Some(token) if world.jwt_tokens.contains(token) => {
            Err(unauthorized(messages::INVALID_ACCESS_TOKEN))
        }
        _ => oauth::check_bearer(world, request),
    }
}

/// Answers `METHOD /v2/videosdk/sessions/{raw_id}/livestream[/status]`.
pub(crate) fn handle(
    world: &mut World,
    request: &ApiRequest,
    raw_id: &str,
    path: SessionPath,
) -> SimResponse {
    if !path.allows(&request.method) {
        return SimResponse::method_not_allowed(path.allow());
    }
    let id = match session_segment(raw_id) {
        // Zoom routes on the path decoded once: such a `/` splits it.
        SessionSegment::NotEncodedTwice(_) => return not_recognized(),
        SessionSegment::Invalid => {
            return SimResponse::error(StatusCode::BAD_REQUEST, 300, "Invalid session ID.");
        }
        SessionSegment::Id(id) | SessionSegment::EncodedTwiceNeedlessly(id) => id,
    };
    let result = match (path, request.method == Method::GET) {
        (SessionPath::Settings, true) => get(world, &id),
        (SessionPath::Settings, false) => update(world, request, &id),
        (SessionPath::Status, _) => status(world, request, &id),
    };
    result.unwrap_or_else(|error| error)
}

/// The session `id`, if it exists.
fn lookup<'w>(world: &'w mut World, id: &str) -> Result<&'w mut SimSession, SimResponse> {
    world.sessions.get_mut(id).ok_or_else(|| {
        SimResponse::error(
            StatusCode::NOT_FOUND,
            3001,
            format!("Session does not exist: {id}."),
        )
    })
}

fn get(world: &mut World, id: &str) -> Result<SimResponse, SimResponse> {
    let session = lookup(world, id)?;
    let body = match &session.stream {
        Some(stream) => serde_json::to_value(stream).unwrap_or_default(),
        None => json!({"stream_url": "", "stream_key": "", "page_url": ""}),
    };
    Ok(SimResponse::json(StatusCode::OK, &body))
}

fn update(world: &mut World, request: &ApiRequest, id: &str) -> Result<SimResponse, SimResponse> {
    let body = validate::json_object(request)?;
    let mut stream =
        validate::stream_update(&body).map_err(|errors| validate::validation_failed(&errors))?;
    let session = lookup(world, id)?;
    if stream.resolution.is_none() {
        stream.resolution = session.stream.as_ref().and_then(|s| s.resolution.clone());
    }
    session.stream = Some(stream);
    Ok(SimResponse::no_content())
}

fn status(world: &mut World, request: &ApiRequest, id: &str) -> Result<SimResponse, SimResponse> {
    let body = validate::json_object(request)?;
    let update = validate::session_status_update(&body)
        .map_err(|errors| validate::validation_failed(&errors))?;
    let session = lookup(world, id)?;
    if !update.start {
        if std::mem::take(&mut session.streaming) {
            world.session_changed(id, SessionChange::StreamStopped);
        }
        return Ok(SimResponse::no_content());
    }
    let bad = StatusCode::BAD_REQUEST;
    if session.stream.is_none() {
        return Err(SimResponse::error(
            bad,
            3000,
            "The session is not configured with a custom streaming service.",
        ));
    }
    if !session.started {
        return Err(SimResponse::error(
            bad,
            3000,
            format!("Session {id} has not started."),
        ));
    }
    if session.streaming {
        // As for meetings: no Retry-After, the 30 seconds are in the message.
        return Err(SimResponse::error(
            StatusCode::TOO_MANY_REQUESTS,
            429,
            messages::start_too_many_requests("session", id),
        ));
    }
    session.streaming = true;
    session.last_status_settings = update.settings;
    world.session_changed(id, SessionChange::StreamStarted);
    Ok(SimResponse::no_content())
}
