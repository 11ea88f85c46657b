//! The three live-stream operations of a Video SDK session (`/videosdk/sessions/{sessionId}/…`),
//! on the same base URL as the meeting API. They behave like the meeting ones: the same
//! error mapping, retries (a start is a state change, never repeated blindly, and carries
//! Zoom's 30-second advice after a 429), limiter and redaction; only the path, the id type
//! ([`SessionId`]) and the status settings a session takes differ.
//!
//! Authenticate with Server-to-Server OAuth, or (feature `video-sdk`) with the Video SDK
//! API's own JWT (`ClientBuilder::video_sdk_jwt`). Other Video SDK operations are reached
//! with [`Endpoint::builder`](super::Endpoint::builder) and
//! [`EndpointBuilder::session_id`](super::EndpointBuilder::session_id).

use http::Method;

use super::{Endpoint, Idempotency, LIVESTREAM, LIVESTREAM_STATUS, Target, path, status_endpoint};
use crate::error::Error;
use crate::ids::SessionId;
use crate::model::{LiveStream, LiveStreamStatus, TargetKind, UpdateLiveStream};

/// The sessions collection, below the API base.
const SESSIONS: &str = "/videosdk/sessions/";
/// The session id's segment in the path (`/videosdk/sessions/{sessionId}` → 3).
const ID_SEGMENT: usize = 3;

/// `GET /videosdk/sessions/{sessionId}/livestream`: a session's live-stream settings.
///
/// ```
/// use zoom_core::{SessionId, endpoint};
///
/// let id = SessionId::parse("/Sx8PZbQyTtaUc9kFb4sOwg==").unwrap();
/// let get = endpoint::get_session_live_stream(&id);
/// assert_eq!(get.path(), "/videosdk/sessions/%252FSx8PZbQyTtaUc9kFb4sOwg%253D%253D/livestream");
/// ```
pub fn get_session_live_stream(id: impl Into<SessionId>) -> Endpoint<LiveStream> {
    let path = path(SESSIONS, &id.into().path_segment(), LIVESTREAM);
    Endpoint::new(Method::GET, path, Idempotency::Idempotent).named(
        "zoom.session_live_stream",
        "/videosdk/sessions/{sessionId}/livestream",
        Target::Session(ID_SEGMENT),
    )
}

/// `PATCH /videosdk/sessions/{sessionId}/livestream`, after checking the body.
pub fn update_session_live_stream(
    id: impl Into<SessionId>,
    update: &UpdateLiveStream,
) -> Result<Endpoint<()>, Error> {
    update.validate()?;
    let path = path(SESSIONS, &id.into().path_segment(), LIVESTREAM);
    Endpoint::new(Method::PATCH, path, Idempotency::Idempotent)
        .named(
            "zoom.update_session_live_stream",
            "/videosdk/sessions/{sessionId}/livestream",
            Target::Session(ID_SEGMENT),
        )
        .json(update)
}

/// `PATCH /videosdk/sessions/{sessionId}/livestream/status`, after checking the body with a
/// session's rules ([`LiveStreamStatus::validate_for`] with [`TargetKind::Session`]: a
/// `layout` is `gallery_view` or `speaker_view`).
pub fn update_session_live_stream_status(
    id: impl Into<SessionId>,
    status: &LiveStreamStatus,
) -> Result<Endpoint<()>, Error> {
    status.validate_for(TargetKind::Session)?;
    let path = path(SESSIONS, &id.into().path_segment(), LIVESTREAM_STATUS);
    status_endpoint(path, status).map(|endpoint| {
        endpoint.named(
            "zoom.update_session_live_stream_status",
            "/videosdk/sessions/{sessionId}/livestream/status",
            Target::Session(ID_SEGMENT),
        )
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::endpoint::{BaseUrl, START_RETRY_AFTER};
    use crate::model::{Layout, LiveStreamSettings};
    use crate::secret_string::SecretString;

    fn id(text: &str) -> SessionId {
        SessionId::parse(text).unwrap()
    }

    #[test]
    fn each_operation_has_its_template_name_and_the_session_id_for_spans() {
        let session = id("/Sx8PZbQyTtaUc9kFb4sOwg==");
        let get = get_session_live_stream(&session);
        assert_eq!(get.template(), "/videosdk/sessions/{sessionId}/livestream");
        assert_eq!(get.operation(), "zoom.session_live_stream");
        assert_eq!(
            get.target_id(),
            Some(("zoom.session_id", "/Sx8PZbQyTtaUc9kFb4sOwg==".to_owned()))
        );
        let status =
            update_session_live_stream_status(&session, &LiveStreamStatus::stop()).unwrap();
        assert_eq!(
            status.template(),
            "/videosdk/sessions/{sessionId}/livestream/status"
        );
        assert_eq!(status.operation(), "zoom.update_session_live_stream_status");
        let update =
            UpdateLiveStream::new("rtmp://live.example/app", "key", "https://example.com/p");
        let patch = update_session_live_stream(&session, &update).unwrap();
        assert_eq!(patch.operation(), "zoom.update_session_live_stream");
    }

    #[test]
    fn the_three_operations_have_their_paths_methods_and_idempotency() {
        let session = id("Sx8PZbQyTtaUc9kFb4sOwg==");
        let update = UpdateLiveStream::new("rtmp://a/b", "key", "https://e.com/w");
        let get = get_session_live_stream(&session);
        assert_eq!(
            (get.method(), get.path(), get.idempotency(), get.body()),
            (
                &Method::GET,
                "/videosdk/sessions/Sx8PZbQyTtaUc9kFb4sOwg%3D%3D/livestream",
                Idempotency::Idempotent,
                None
            )
        );
        let patch = update_session_live_stream(&session, &update).unwrap();
        assert_eq!(patch.method(), Method::PATCH);
        assert_eq!(
            patch.path(),
            "/videosdk/sessions/Sx8PZbQyTtaUc9kFb4sOwg%3D%3D/livestream"
        );
        assert_eq!(patch.idempotency(), Idempotency::Idempotent);
        let body: serde_json::Value = serde_json::from_slice(patch.body().unwrap()).unwrap();
        assert_eq!(body["stream_key"], "key");
        let stop = update_session_live_stream_status(session, &LiveStreamStatus::stop()).unwrap();
        assert_eq!(
            stop.path(),
            "/videosdk/sessions/Sx8PZbQyTtaUc9kFb4sOwg%3D%3D/livestream/status"
        );
        assert_eq!(stop.idempotency(), Idempotency::StateChange);
        assert_eq!(stop.rate_limit_advice(), None);
        let start = update_session_live_stream_status(
            id("abc"),
            &LiveStreamStatus::start()
                .settings(LiveStreamSettings::new().layout(Layout::SpeakerView)),
        )
        .unwrap();
        assert_eq!(start.rate_limit_advice(), Some(START_RETRY_AFTER));
        assert_eq!(START_RETRY_AFTER, Duration::from_secs(30));
    }

    #[test]
    fn only_the_id_segment_is_encoded_twice() {
        let request = get_session_live_stream(id("/ab//cd=="))
            .to_request(&BaseUrl::default(), &SecretString::new("t"))
            .unwrap();
        assert_eq!(
            request.uri(),
            "https://api.zoom.us/v2/videosdk/sessions/%252Fab%252F%252Fcd%253D%253D/livestream"
        );
        let segments: Vec<&str> = request.uri().path().split('/').collect();
        assert_eq!(
            segments,
            [
                "",
                "v2",
                "videosdk",
                "sessions",
                "%252Fab%252F%252Fcd%253D%253D",
                "livestream"
            ]
        );
    }

    #[test]
    fn bodies_are_checked_with_a_sessions_rules_before_building() {
        let session = id("abc");
        let follow_host = LiveStreamStatus::start()
            .settings(LiveStreamSettings::new().layout(Layout::FollowHost));
        let error = update_session_live_stream_status(&session, &follow_host).unwrap_err();
        assert!(
            matches!(&error, Error::InvalidInput(e) if e.field() == "settings.layout"),
            "{error}"
        );
        let bad = UpdateLiveStream::new("rtmp://a/b", " ", "https://e.com/w");
        assert!(matches!(
            update_session_live_stream(&session, &bad),
            Err(Error::InvalidInput(_))
        ));
    }
}
