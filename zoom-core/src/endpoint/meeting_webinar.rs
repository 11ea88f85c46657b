//! The eight operations on meetings' and webinars' live streams.

use http::Method;

use super::{Endpoint, Idempotency, LIVESTREAM, LIVESTREAM_STATUS, Target, path, status_endpoint};
use crate::error::Error;
use crate::ids::{MeetingId, MeetingRef, WebinarId, WebinarRef};
use crate::model::{JoinToken, LiveStream, LiveStreamStatus, UpdateLiveStream};

/// The segment of `/meetings/{id}/…` and `/webinars/{id}/…` that holds the id.
const ID_SEGMENT: usize = 2;

const MEETINGS: &str = "/meetings/";
const WEBINARS: &str = "/webinars/";
const JOIN_TOKEN: &str = "/jointoken/live_streaming";

/// `GET /meetings/{meetingId}/livestream`: the one meeting operation that also takes a
/// meeting UUID.
pub fn get_meeting_live_stream(id: impl Into<MeetingRef>) -> Endpoint<LiveStream> {
    let path = path(MEETINGS, &id.into().path_segment(), LIVESTREAM);
    Endpoint::new(Method::GET, path, Idempotency::Idempotent).named(
        "zoom.meeting_live_stream",
        "/meetings/{meetingId}/livestream",
        Target::Meeting(ID_SEGMENT),
    )
}

/// `PATCH /meetings/{meetingId}/livestream`, after checking the body.
pub fn update_meeting_live_stream(
    id: impl Into<MeetingId>,
    update: &UpdateLiveStream,
) -> Result<Endpoint<()>, Error> {
    update.validate()?;
    let path = path(MEETINGS, &id.into().path_segment(), LIVESTREAM);
    Endpoint::new(Method::PATCH, path, Idempotency::Idempotent)
        .named(
            "zoom.update_meeting_live_stream",
            "/meetings/{meetingId}/livestream",
            Target::Meeting(ID_SEGMENT),
        )
        .json(update)
}

/// `PATCH /meetings/{meetingId}/livestream/status`, after checking the body.
pub fn update_meeting_live_stream_status(
    id: impl Into<MeetingId>,
    status: &LiveStreamStatus,
) -> Result<Endpoint<()>, Error> {
    status.validate(false)?;
    let path = path(MEETINGS, &id.into().path_segment(), LIVESTREAM_STATUS);
    status_endpoint(path, status).map(|endpoint| {
        endpoint.named(
            "zoom.update_meeting_live_stream_status",
            "/meetings/{meetingId}/livestream/status",
            Target::Meeting(ID_SEGMENT),
        )
    })
}

/// `GET /meetings/{meetingId}/jointoken/live_streaming`: a join token with which a bot built
/// on Zoom's Meeting SDK joins the meeting and starts streaming.
pub fn get_meeting_live_stream_join_token(id: impl Into<MeetingId>) -> Endpoint<JoinToken> {
    let path = path(MEETINGS, &id.into().path_segment(), JOIN_TOKEN);
    Endpoint::new(Method::GET, path, Idempotency::Idempotent).named(
        "zoom.meeting_live_stream_join_token",
        "/meetings/{meetingId}/jointoken/live_streaming",
        Target::Meeting(ID_SEGMENT),
    )
}

/// `GET /webinars/{webinarId}/livestream`: the one webinar operation that also takes a
/// webinar UUID.
pub fn get_webinar_live_stream(id: impl Into<WebinarRef>) -> Endpoint<LiveStream> {
    let path = path(WEBINARS, &id.into().path_segment(), LIVESTREAM);
    Endpoint::new(Method::GET, path, Idempotency::Idempotent).named(
        "zoom.webinar_live_stream",
        "/webinars/{webinarId}/livestream",
        Target::Webinar(ID_SEGMENT),
    )
}

/// `PATCH /webinars/{webinarId}/livestream`, after checking the body.
pub fn update_webinar_live_stream(
    id: impl Into<WebinarId>,
    update: &UpdateLiveStream,
) -> Result<Endpoint<()>, Error> {
    update.validate()?;
    let path = path(WEBINARS, &id.into().path_segment(), LIVESTREAM);
    Endpoint::new(Method::PATCH, path, Idempotency::Idempotent)
        .named(
            "zoom.update_webinar_live_stream",
            "/webinars/{webinarId}/livestream",
            Target::Webinar(ID_SEGMENT),
        )
        .json(update)
}

/// `PATCH /webinars/{webinarId}/livestream/status`, after checking the body
/// (`layout` is meeting-only and rejected here).
pub fn update_webinar_live_stream_status(
    id: impl Into<WebinarId>,
    status: &LiveStreamStatus,
) -> Result<Endpoint<()>, Error> {
    status.validate(true)?;
    let path = path(WEBINARS, &id.into().path_segment(), LIVESTREAM_STATUS);
    status_endpoint(path, status).map(|endpoint| {
        endpoint.named(
            "zoom.update_webinar_live_stream_status",
            "/webinars/{webinarId}/livestream/status",
            Target::Webinar(ID_SEGMENT),
        )
    })
}

/// `GET /webinars/{webinarId}/jointoken/live_streaming`: a join token with which a bot built
/// on Zoom's Meeting SDK joins the webinar and starts streaming.
pub fn get_webinar_live_stream_join_token(id: impl Into<WebinarId>) -> Endpoint<JoinToken> {
    let path = path(WEBINARS, &id.into().path_segment(), JOIN_TOKEN);
    Endpoint::new(Method::GET, path, Idempotency::Idempotent).named(
        "zoom.webinar_live_stream_join_token",
        "/webinars/{webinarId}/jointoken/live_streaming",
        Target::Webinar(ID_SEGMENT),
    )
}
