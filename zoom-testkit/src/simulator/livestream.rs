//! The live-stream endpoints of meetings and webinars.

use http::{Method, StatusCode};
use serde_json::json;

use crate::fixtures::messages;

use super::config::{HostState, MISSING_HOST_USER_ID, SimMeeting};
use super::ids::{self, PathId};
use super::request::ApiRequest;
use super::response::SimResponse;
use super::validate;
use super::world::World;

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

    fn noun(self) -> &'static str {
        match self {
            Kind::Meeting => "meeting",
            Kind::Webinar => "webinar",
        }
    }

    fn invalid_id(self) -> SimResponse {
        let message = match self {
            Kind::Meeting => messages::INVALID_MEETING_ID,
            Kind::Webinar => "Invalid Webinar Id.",
        };
        SimResponse::error(StatusCode::BAD_REQUEST, 300, message)
    }

    fn does_not_exist(self, id: &str) -> SimResponse {
        match self {
            Kind::Meeting => SimResponse::error(
                StatusCode::NOT_FOUND,
                3001,
                format!("Meeting does not exist: {id}."),
            ),
            Kind::Webinar => SimResponse::error(
                StatusCode::BAD_REQUEST,
                3001,
                format!("Webinar does not exist: {id}."),
            ),
        }
    }

    fn host_error(self, host: HostState, account_id: &str) -> Option<SimResponse> {
        let bad = StatusCode::BAD_REQUEST;
        Some(match host {
            HostState::Ok => return None,
            HostState::NotInAccount => SimResponse::error(
                bad,
                1010,
                format!("{}{account_id}", messages::USER_NOT_IN_ACCOUNT),
            ),
            HostState::HostingNotAllowed => {
                SimResponse::error(bad, 3161, messages::HOSTING_NOT_ALLOWED)
            }
            HostState::Missing => {
                let status = match self {
                    Kind::Meeting => StatusCode::NOT_FOUND,
                    Kind::Webinar => bad,
                };
                // Zoom's spec words the same error differently for meetings and webinars.
                let message = match self {
                    Kind::Meeting => format!("User {MISSING_HOST_USER_ID} does not exist."),
                    Kind::Webinar => format!("User does not exist: {MISSING_HOST_USER_ID}."),
                };
                SimResponse::error(status, 1001, message)
            }
        })
    }
}

/// Which endpoint of the pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `…/livestream`: GET and PATCH.
    Settings,
    /// `…/livestream/status`: PATCH.
    Status,
}

/// Answers `METHOD /v2/{kind}/{raw_id}/livestream[/status]`.
pub(crate) fn handle(
    world: &mut World,
    request: &ApiRequest,
    kind: Kind,
    raw_id: &str,
    endpoint: Endpoint,
) -> SimResponse {
    let allowed = match endpoint {
        Endpoint::Settings => request.method == Method::GET || request.method == Method::PATCH,
        Endpoint::Status => request.method == Method::PATCH,
    };
    if !allowed {
        return SimResponse::method_not_allowed(match endpoint {
            Endpoint::Settings => "GET, PATCH",
            Endpoint::Status => "PATCH",
        });
    }
    let id = match ids::parse(raw_id) {
        PathId::Number(id) => id,
        PathId::Unknown(text) => return kind.does_not_exist(&text),
        PathId::Invalid => return kind.invalid_id(),
    };
    let result = match (endpoint, request.method == Method::GET) {
        (Endpoint::Settings, true) => get(world, kind, id),
        (Endpoint::Settings, false) => update(world, request, kind, id),
        (Endpoint::Status, _) => status(world, request, kind, id),
    };
    result.unwrap_or_else(|error| error)
}

/// The meeting or webinar `id`, if it exists and its host may act.
fn lookup(world: &mut World, kind: Kind, id: u64) -> Result<&mut SimMeeting, SimResponse> {
    let table = match kind {
        Kind::Meeting => &mut world.meetings,
        Kind::Webinar => &mut world.webinars,
    };
    let item = table
        .get_mut(&id)
        .ok_or_else(|| kind.does_not_exist(&id.to_string()))?;
    match kind.host_error(item.host, &world.account.account_id) {
        Some(error) => Err(error),
        None => Ok(item),
    }
}

fn get(world: &mut World, kind: Kind, id: u64) -> Result<SimResponse, SimResponse> {
    let item = lookup(world, kind, id)?;
    let body = match &item.stream {
        Some(stream) => serde_json::to_value(stream).unwrap_or_default(),
        None => json!({"stream_url": "", "stream_key": "", "page_url": ""}),
    };
    Ok(SimResponse::json(StatusCode::OK, &body))
}

fn update(
    world: &mut World,
    request: &ApiRequest,
    kind: Kind,
    id: u64,
) -> Result<SimResponse, SimResponse> {
    let body = validate::json_object(request)?;
    let mut stream =
        validate::stream_update(&body).map_err(|errors| validate::validation_failed(&errors))?;
    let item = lookup(world, kind, id)?;
    if stream.resolution.is_none() {
        stream.resolution = item.stream.as_ref().and_then(|s| s.resolution.clone());
    }
    item.stream = Some(stream);
    Ok(SimResponse::no_content())
}

fn status(
    world: &mut World,
    request: &ApiRequest,
    kind: Kind,
    id: u64,
) -> Result<SimResponse, SimResponse> {
    let body = validate::json_object(request)?;
    let update = validate::status_update(&body, kind == Kind::Webinar)
        .map_err(|errors| validate::validation_failed(&errors))?;
    let item = lookup(world, kind, id)?;
    if !update.start {
        let stopped = std::mem::take(&mut item.streaming);
        // Webhook (meetings only: Zoom has no webinar live-stream event).
        if stopped && kind == Kind::Meeting {
            world.live_stream_changed(id, false);
        }
        return Ok(SimResponse::no_content());
    }
    let noun = kind.noun();
    if item.stream.is_none() {
        return Err(SimResponse::error(
            StatusCode::BAD_REQUEST,
            3000,
            format!("The {noun} is not configured with a custom streaming service."),
        ));
    }
    if !item.started {
        return Err(match kind {
            Kind::Meeting => SimResponse::error(
                StatusCode::BAD_REQUEST,
                3000,
                format!("Meeting {id} has not started."),
            ),
            Kind::Webinar => SimResponse::error(
                StatusCode::BAD_REQUEST,
                200,
                format!("Webinar {id} has not started."),
            ),
        });
    }
    if item.streaming {
        return Err(SimResponse::error(
            StatusCode::TOO_MANY_REQUESTS,
            429,
            format!(
                "Too many requests submitted to start the livestream of this {noun}: {id}. If the livestream has not already started, retry making a new request after 30 seconds."
            ),
        )
        .header("retry-after", "30"));
    }
    item.streaming = true;
    item.last_status_settings = update.settings;
    if kind == Kind::Meeting {
        world.live_stream_changed(id, true);
    }
    Ok(SimResponse::no_content())
}
