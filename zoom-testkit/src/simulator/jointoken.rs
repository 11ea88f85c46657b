//! `GET /v2/{meetings|webinars}/{id}/jointoken/live_streaming`: a join token for a bot,
//! issued only to an OAuth token, for an item that exists, whose host may act and has live
//! streaming allowed.

use http::StatusCode;
use serde_json::json;

use crate::fixtures::messages;

use super::clock;
use super::livestream;
use super::oauth;
use super::request::ApiRequest;
use super::response::SimResponse;
use super::spec::{Kind, Path};
use super::world::World;

/// What Zoom documents `expire_in` to be, always.
const EXPIRE_IN_SECONDS: u64 = 120;

/// Answers a request to the join-token path of `kind` `raw_id`.
pub(crate) fn handle(
    world: &mut World,
    request: &ApiRequest,
    kind: Kind,
    raw_id: &str,
) -> SimResponse {
    if !Path::JoinToken.allows(&request.method) {
        return SimResponse::method_not_allowed(Path::JoinToken.allow());
    }
    let bad = StatusCode::BAD_REQUEST;
    let (invalid, not_allowed, not_found) = match kind {
        Kind::Meeting => (
            messages::JOIN_TOKEN_INVALID_MEETING_ID,
            messages::JOIN_TOKEN_MEETING_NOT_ALLOWED,
            messages::JOIN_TOKEN_MEETING_NOT_FOUND,
        ),
        Kind::Webinar => (
            messages::JOIN_TOKEN_INVALID_WEBINAR_ID,
            messages::JOIN_TOKEN_WEBINAR_NOT_ALLOWED,
            messages::JOIN_TOKEN_WEBINAR_NOT_FOUND,
        ),
    };
    let id = match livestream::int64_id(kind, raw_id, invalid) {
        Ok(id) => id,
        Err(error) => return error,
    };
    if oauth::is_jwt(world, request) {
        return SimResponse::error(bad, 124, messages::JOIN_TOKEN_OAUTH_ONLY);
    }
    let account_id = world.account.account_id.clone();
    let table = match kind {
        Kind::Meeting => &mut world.meetings,
        Kind::Webinar => &mut world.webinars,
    };
    let Some(item) = table.get_mut(&id) else {
        return SimResponse::error(StatusCode::NOT_FOUND, 3001, format!("{not_found}{id}"));
    };
    if let Some(error) = kind.host_error(item.host, &account_id) {
        return error;
    }
    if !item.live_streaming_allowed {
        return SimResponse::error(bad, 3000, not_allowed);
    }
    item.join_tokens_issued = item.join_tokens_issued.saturating_add(1);
    let token = format!("sim_jt_{}", clock::random_hex(2));
    SimResponse::json(
        StatusCode::OK,
        &json!({"token": token, "expire_in": EXPIRE_IN_SECONDS}),
    )
}
