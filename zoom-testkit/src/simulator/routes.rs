//! Routing a (non-admin) request: token endpoint, then `/v2` behind auth and
//! rate limits.

use super::livestream;
use super::oauth;
use super::request::ApiRequest;
use super::response::SimResponse;
use super::world::World;
use super::{jointoken, session_spec, sessions, spec};

/// The normal answer to `request`, with its rate-limit headers.
pub(crate) fn respond(world: &mut World, request: &ApiRequest) -> SimResponse {
    let path = request.path.as_str();
    if path == "/oauth/token" {
        return oauth::token(world, request).or_rate(world.limits.peek());
    }
    let Some(rest) = path.strip_prefix("/v2/") else {
        return SimResponse::not_found().or_rate(world.limits.peek());
    };
    // The Video SDK API also takes its app's own JWT.
    let authorized = if session_spec::is_video_sdk(rest) {
        sessions::authorize(world, request)
    } else {
        oauth::check_bearer(world, request)
    };
    if let Err(unauthorized) = authorized {
        return unauthorized.or_rate(world.limits.peek());
    }
    let rate = match world.limits.admit() {
        Ok(rate) => rate,
        Err(too_many) => return too_many,
    };
    route_v2(world, request, rest).or_rate(rate)
}

/// `rest` is the path after `/v2/`, still percent-encoded: a `%2F` inside an
/// id never splits it.
fn route_v2(world: &mut World, request: &ApiRequest, rest: &str) -> SimResponse {
    if let Some((id, path)) = session_spec::route(rest) {
        return sessions::handle(world, request, id, path);
    }
    if session_spec::is_video_sdk(rest) {
        return sessions::not_recognized();
    }
    match spec::route(rest) {
        Some((kind, id, spec::Path::JoinToken)) => jointoken::handle(world, request, kind, id),
        Some((kind, id, path)) => livestream::handle(world, request, kind, id, path),
        None => SimResponse::not_found(),
    }
}
