//! The Video SDK session side of [`SimulatorControl`] and of the admin API:
//!
//! - `GET|PUT /__admin/sessions/{id}`: a session's state ([`SimSession`] as JSON);
//! - `POST /__admin/sessions/{id}/start`: the session begins (delivers `session.started`);
//! - `POST /__admin/sessions/{id}/end`: the session ends (its running stream stops, with
//!   `session.live_streaming_stopped`, then `session.ended`).
//!
//! `{id}` is the session id percent-encoded once, as one segment (`%2F` for `/`).

use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::config::SimSession;
use super::jwt;
use super::request::{ApiRequest, percent_decode};
use super::response::SimResponse;
use super::state::SimulatorControl;
use super::world::SessionChange;

impl SimulatorControl {
    /// A Video SDK session's current state (`id` as given, not encoded).
    pub fn session(&self, id: &str) -> Option<SimSession> {
        self.lock().world.sessions.get(id).cloned()
    }

    /// Adds or replaces a Video SDK session.
    pub fn upsert_session(&self, id: &str, session: SimSession) {
        self.lock().world.sessions.insert(id.to_owned(), session);
    }

    /// The session begins: it can stream from now on, and `session.started` is delivered
    /// (when a webhook is configured). `false` if there is no such session; starting a
    /// session in progress changes nothing and delivers nothing.
    pub fn start_session(&self, id: &str) -> bool {
        let mut state = self.lock();
        let Some(session) = state.world.sessions.get_mut(id) else {
            return false;
        };
        if !std::mem::replace(&mut session.started, true) {
            state.world.session_changed(id, SessionChange::Started);
            state.deliver_session_events();
        }
        true
    }

    /// The session ends: a running stream stops (`session.live_streaming_stopped`), then
    /// `session.ended` is delivered. `false` if there is no such session; ending a session
    /// not in progress changes nothing and delivers nothing.
    pub fn end_session(&self, id: &str) -> bool {
        let mut state = self.lock();
        let Some(session) = state.world.sessions.get_mut(id) else {
            return false;
        };
        let was_streaming = std::mem::take(&mut session.streaming);
        if std::mem::take(&mut session.started) {
            if was_streaming {
                state
                    .world
                    .session_changed(id, SessionChange::StreamStopped);
            }
            state.world.session_changed(id, SessionChange::Ended);
            state.deliver_session_events();
        }
        true
    }

    /// A JWT of the simulator's Video SDK app ([`VideoSdkAccount`](super::VideoSdkAccount)),
    /// valid for `lifetime_secs` from now: a bearer token for raw HTTP to the session
    /// operations.
    pub fn video_sdk_jwt(&self, lifetime_secs: u64) -> String {
        jwt::fresh(&self.lock().world.video_sdk, lifetime_secs)
    }
}

fn answer(status: StatusCode, value: &Value) -> SimResponse {
    SimResponse::json(status, value).bare()
}

fn not_found() -> SimResponse {
    answer(StatusCode::NOT_FOUND, &json!({"error": "no such session"}))
}

/// Answers `/__admin/sessions/…`; `rest` are the segments after `sessions`.
pub(crate) fn handle(
    control: &SimulatorControl,
    request: &ApiRequest,
    rest: &[&str],
) -> SimResponse {
    let (raw_id, action) = match rest {
        [id] => (*id, None),
        [id, action] => (*id, Some(*action)),
        _ => return answer(StatusCode::NOT_FOUND, &json!({"error": "not found"})),
    };
    let Some(id) = percent_decode(raw_id, false).filter(|id| !id.is_empty()) else {
        return answer(
            StatusCode::BAD_REQUEST,
            &json!({"error": "the session id must be percent-encoded UTF-8"}),
        );
    };
    let done = || SimResponse::no_content().bare();
    match (&request.method, action) {
        (&Method::GET, None) => match control.session(&id) {
            Some(session) => answer(
                StatusCode::OK,
                &serde_json::to_value(session).unwrap_or_default(),
            ),
            None => not_found(),
        },
        (&Method::PUT, None) => match serde_json::from_slice::<SimSession>(&request.body) {
            Ok(session) => {
                control.upsert_session(&id, session);
                done()
            }
            Err(e) => answer(
                StatusCode::BAD_REQUEST,
                &json!({"error": format!("invalid session: {e}")}),
            ),
        },
        (_, None) => SimResponse::method_not_allowed("GET, PUT").bare(),
        (&Method::POST, Some("start")) if control.start_session(&id) => done(),
        (&Method::POST, Some("end")) if control.end_session(&id) => done(),
        (&Method::POST, Some("start" | "end")) => not_found(),
        (_, Some("start" | "end")) => SimResponse::method_not_allowed("POST").bare(),
        _ => answer(StatusCode::NOT_FOUND, &json!({"error": "not found"})),
    }
}
