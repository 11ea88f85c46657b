//! The live-stream endpoints of meetings and webinars.

use http::{Method, StatusCode};
use serde_json::json;

use crate::fixtures::messages;

use super::config::{HostState, MISSING_HOST_USER_ID, SimMeeting};
use super::ids::{self, PathId};
use super::request::ApiRequest;
use super::response::SimResponse;
use super::spec::{self, Kind, Path};
use super::validate;
use super::world::World;

/// The errors of the `livestream` paths, which differ between meetings and webinars.
impl Kind {
    fn invalid_id_message(self) -> &'static str {
        match self {
            Kind::Meeting => messages::INVALID_MEETING_ID,
            Kind::Webinar => "Invalid Webinar Id.",
        }
    }

    fn invalid_id(self) -> SimResponse {
        SimResponse::error(StatusCode::BAD_REQUEST, 300, self.invalid_id_message())
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

    /// The error every call about an item of this host gets, if any.
    pub(crate) fn host_error(self, host: HostState, account_id: &str) -> Option<SimResponse> {
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

/// The numeric id of an operation whose spec types it int64, or Zoom's invalid-id answer
/// (`message`) naming the spec's rule.
pub(crate) fn int64_id(kind: Kind, raw_id: &str, message: &str) -> Result<u64, SimResponse> {
    spec::int64_id(raw_id).ok_or_else(|| {
        validate::not_int64(kind.path_parameter(), spec::int64_message(kind), message)
    })
}

/// Answers `METHOD /v2/{kind}/{raw_id}/livestream[/status]`.
pub(crate) fn handle(
    world: &mut World,
    request: &ApiRequest,
    kind: Kind,
    raw_id: &str,
    path: Path,
) -> SimResponse {
    if !path.allows(&request.method) {
        return SimResponse::method_not_allowed(path.allow());
    }
    let id = if path.int64_id(&request.method) {
        match int64_id(kind, raw_id, kind.invalid_id_message()) {
            Ok(id) => id,
            Err(error) => return error,
        }
    } else {
        match ids::parse(raw_id) {
            PathId::Number(id) => id,
            PathId::Unknown(text) => return kind.does_not_exist(&text),
            PathId::Invalid => return kind.invalid_id(),
        }
    };
    let result = match (path, request.method == Method::GET) {
        (Path::Settings, true) => get(world, kind, id),
        (Path::Settings, false) => update(world, request, kind, id),
        _ => status(world, request, kind, id),
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
    // Zoom refuses a second start within 30 s of one it accepted (the window).
    let key = (kind == Kind::Webinar, id);
    let now = std::time::Instant::now();
    let recent = world
        .last_starts
        .get(&key)
        .is_some_and(|at| now.saturating_duration_since(*at) < world.start_window);
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
    if item.streaming || recent {
        // As documented: no Retry-After, the 30 seconds are in the message.
        return Err(SimResponse::error(
            StatusCode::TOO_MANY_REQUESTS,
            429,
            messages::start_too_many_requests(noun, id),
        ));
    }
    item.streaming = true;
    item.last_status_settings = update.settings;
    world.last_starts.insert(key, now);
    if kind == Kind::Meeting {
        world.live_stream_changed(id, true);
    }
    Ok(SimResponse::no_content())
}
