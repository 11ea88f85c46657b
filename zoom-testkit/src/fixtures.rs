//! Zoom's documented answers as named fixtures.
//!
//! The `documented_*` fixtures are the answers of Zoom's reference for
//! `GET /meetings/{meetingId}/livestream`, byte for byte: status, `Content-Type` and body
//! (the documented errors are `text/plain` with an **empty** body). The other fixtures are
//! the same errors as real Zoom usually sends them, with a JSON body `{code, message}`, plus
//! the other answers an SDK must survive (401, 429, 5xx, HTML, invalid JSON). The simulator
//! answers with the same messages.
//!
//! The `meeting_join_token_*` and `webinar_join_token_*` fixtures are the documented answers
//! of `GET /meetings/{meetingId}/jointoken/live_streaming` and
//! `GET /webinars/{webinarId}/jointoken/live_streaming` (Zoom's OpenAPI document): the 200
//! built from the spec's examples, and one fixture per documented error code and message,
//! the message byte for byte ([`documented_meeting_join_token`],
//! [`documented_webinar_join_token`]).

use zoom_core::HttpResponse;
use zoom_core::http::{self, StatusCode};

/// A named, scripted answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixture {
    /// A name for messages.
    pub name: &'static str,
    /// The status.
    pub status: StatusCode,
    /// The headers, in order.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Fixture {
    fn new(name: &'static str, status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            name,
            status: StatusCode::from_u16(status).expect("fixture statuses are valid"),
            headers: vec![("content-type", content_type.to_owned())],
            body: body.into(),
        }
    }

    fn json(name: &'static str, status: u16, body: &str) -> Self {
        Self::new(name, status, "application/json;charset=UTF-8", body).header(
            "x-zm-trackingid",
            format!("v=2.0;clid=us05;rid=fixture-{name}"),
        )
    }

    fn zoom_error(name: &'static str, status: u16, code: i64, message: &str) -> Self {
        let body = serde_json::json!({ "code": code, "message": message }).to_string();
        Self::json(name, status, &body)
    }

    /// The same fixture with one more header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The fixture as an HTTP response.
    pub fn to_response(&self) -> HttpResponse {
        let mut builder = http::Response::builder().status(self.status);
        for (name, value) in &self.headers {
            builder = builder.header(*name, value.as_str());
        }
        builder
            .body(self.body.clone())
            .expect("fixture headers are valid")
    }
}

impl From<Fixture> for HttpResponse {
    fn from(fixture: Fixture) -> Self {
        fixture.to_response()
    }
}

impl From<&Fixture> for HttpResponse {
    fn from(fixture: &Fixture) -> Self {
        fixture.to_response()
    }
}

/// The documented 200 body of `GET /meetings/{meetingId}/livestream`, verbatim.
pub const DOCUMENTED_LIVE_STREAM_BODY: &str = "{\n \"stream_url\": \"https://somecompany.com/livestream\",\n \"stream_key\": \"Contact It@somecompany.com\",\n \"page_url\": \"https://somecompany.com/livestream/123\"\n}";

/// Zoom's messages for the documented errors, shared with the simulator.
pub mod messages {
    /// Code 300, missing id.
    pub const MISSING_MEETING_ID: &str = "Missing meetingId";
    /// Code 300, invalid id.
    pub const INVALID_MEETING_ID: &str = "Invalid meetingId";
    /// Code 1010 (the account id follows).
    pub const USER_NOT_IN_ACCOUNT: &str = "User does not belong to this account: ";
    /// Code 3161.
    pub const HOSTING_NOT_ALLOWED: &str =
        "Meeting hosting and scheduling capabilities are not allowed for your user account.";
    /// Code 124.
    pub const INVALID_ACCESS_TOKEN: &str = "Invalid access token.";
    /// Code 429, per-second limit.
    pub const PER_SECOND_LIMIT: &str =
        "You have reached the maximum per-second rate limit for this API. Try again later.";
    /// Code 429, daily limit.
    pub const DAILY_LIMIT: &str = "You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request.";

    /// The 429 on starting a stream, as Zoom's spec documents it for `noun` (`meeting` or
    /// `webinar`) `id`: it names the 30 seconds to wait, and comes with no `Retry-After`.
    pub fn start_too_many_requests(noun: &str, id: impl std::fmt::Display) -> String {
        format!(
            "Too many requests submitted to start the livestream of this {noun}: {id}. If the livestream has not already started, retry making a new request after 30 seconds."
        )
    }

    /// Join token (meetings), 400/300.
    pub const JOIN_TOKEN_INVALID_MEETING_ID: &str = "Invalid meeting ID.";
    /// Join token (webinars), 400/300.
    pub const JOIN_TOKEN_INVALID_WEBINAR_ID: &str = "Invalid webinar ID.";
    /// Join token (meetings), 400/3000, as Zoom's spec lists it for the meeting operation.
    pub const JOIN_TOKEN_CANNOT_ACCESS_WEBINAR: &str = "Cannot access Webinar information.";
    /// Join token, 400/124: the token is not an OAuth token.
    pub const JOIN_TOKEN_OAUTH_ONLY: &str = "This API only supports OAuth2 authorization.";
    /// Join token (meetings), 400/3000: the host's "Allow livestreaming of meetings" is off.
    pub const JOIN_TOKEN_MEETING_NOT_ALLOWED: &str = "Not allowed to start live streaming. To use this feature, enable the \"Allow livestreaming of meetings\" setting in the \"Settings\" page of the Zoom web portal.";
    /// Join token (webinars), 400/3000: the host's "Allow livestreaming of webinars" is off.
    pub const JOIN_TOKEN_WEBINAR_NOT_ALLOWED: &str = "Not allowed to start live streaming. To use this feature, enable the \"Allow livestreaming of webinars\" setting in the \"Settings\" page of the Zoom web portal.";
    /// Join token (meetings), 404/300.
    pub const JOIN_TOKEN_MEETING_ID_NOT_FOUND: &str = "Meeting ID does not exist.";
    /// Join token (webinars), 404/300.
    pub const JOIN_TOKEN_WEBINAR_ID_NOT_FOUND: &str = "Webinar ID does not exist.";
    /// Join token (meetings), 404/3001 (the meeting id follows, no full stop).
    pub const JOIN_TOKEN_MEETING_NOT_FOUND: &str = "Meeting does not exist: ";
    /// Join token (webinars), 404/3001 (the webinar id follows, no full stop).
    pub const JOIN_TOKEN_WEBINAR_NOT_FOUND: &str = "Webinar does not exist: ";
}

/// The join token of the spec's example (`"token": "2njt50mj"`).
pub const DOCUMENTED_JOIN_TOKEN: &str = "2njt50mj";

/// The documented 200 body of both join-token GETs: the spec's examples, `expire_in` always
/// 120.
pub const DOCUMENTED_JOIN_TOKEN_BODY: &str = r#"{"token":"2njt50mj","expire_in":120}"#;

/// 200: the documented live stream (`application/json`, verbatim body).
pub fn documented_live_stream() -> Fixture {
    Fixture::new(
        "documented_live_stream",
        200,
        "application/json",
        DOCUMENTED_LIVE_STREAM_BODY,
    )
}

/// 400 as documented (codes 300 "Missing/Invalid meetingId" and 1010): `text/plain`, empty.
pub fn documented_bad_request() -> Fixture {
    Fixture::new("documented_bad_request", 400, "text/plain", "")
}

/// 404 as documented (code 1001 "User {userId} does not exist."): `text/plain`, empty.
pub fn documented_not_found() -> Fixture {
    Fixture::new("documented_not_found", 404, "text/plain", "")
}

/// Every documented answer of the seed endpoint, verbatim, with its name.
pub fn documented() -> Vec<Fixture> {
    vec![
        documented_live_stream(),
        documented_bad_request(),
        documented_not_found(),
    ]
}

/// 200 with every field, `resolution` included, and a field this SDK does not know.
pub fn live_stream_full() -> Fixture {
    Fixture::json(
        "live_stream_full",
        200,
        r#"{"stream_url":"rtmp://live.example.com/app","stream_key":"sk-live-123","page_url":"https://example.com/watch","resolution":"1080p","future_field":{"x":1}}"#,
    )
}

/// 204: a PATCH that succeeded.
pub fn no_content() -> Fixture {
    let mut fixture = Fixture::json("no_content", 204, "");
    fixture.headers.retain(|(name, _)| *name != "content-type");
    fixture
}

/// 400/300 "Missing meetingId" with Zoom's JSON body.
pub fn missing_meeting_id() -> Fixture {
    Fixture::zoom_error("missing_meeting_id", 400, 300, messages::MISSING_MEETING_ID)
}

/// 400/300 "Invalid meetingId" with Zoom's JSON body.
pub fn invalid_meeting_id() -> Fixture {
    Fixture::zoom_error("invalid_meeting_id", 400, 300, messages::INVALID_MEETING_ID)
}

/// 400/1010 "User does not belong to this account: {accountId}" with Zoom's JSON body.
pub fn user_not_in_account() -> Fixture {
    let message = format!("{}abcDEF123", messages::USER_NOT_IN_ACCOUNT);
    Fixture::zoom_error("user_not_in_account", 400, 1010, &message)
}

/// 400/3161 with Zoom's JSON body.
pub fn hosting_not_allowed() -> Fixture {
    Fixture::zoom_error(
        "hosting_not_allowed",
        400,
        3161,
        messages::HOSTING_NOT_ALLOWED,
    )
}

/// 404/1001 "User {userId} does not exist." with Zoom's JSON body.
pub fn user_not_found() -> Fixture {
    Fixture::json(
        "user_not_found",
        404,
        r#"{"code":1001,"message":"User z8yCxjabcdEFGHfp8uQ does not exist."}"#,
    )
}

/// 400/300 "Validation Failed." with field errors.
pub fn validation_failed() -> Fixture {
    Fixture::json(
        "validation_failed",
        400,
        r#"{"code":300,"message":"Validation Failed.","errors":[{"field":"stream_url","message":"Invalid field."}]}"#,
    )
}

/// 401/124: the access token is invalid or expired.
pub fn invalid_access_token() -> Fixture {
    Fixture::zoom_error(
        "invalid_access_token",
        401,
        124,
        messages::INVALID_ACCESS_TOKEN,
    )
}

/// 403 with a code this SDK does not know.
pub fn forbidden() -> Fixture {
    Fixture::json(
        "forbidden",
        403,
        r#"{"code":4711,"message":"Invalid access token, does not contain scopes:[meeting:read:livestream]."}"#,
    )
}

/// 429 per-second limit with `Retry-After: {seconds}` and the rate-limit headers.
pub fn rate_limited(retry_after_seconds: u64) -> Fixture {
    Fixture::zoom_error("rate_limited", 429, 429, messages::PER_SECOND_LIMIT)
        .header("x-ratelimit-category", "Light")
        .header("x-ratelimit-type", "QPS")
        .header("x-ratelimit-limit", "30")
        .header("x-ratelimit-remaining", "0")
        .header("retry-after", retry_after_seconds.to_string())
}

/// 429 with no rate-limit header at all (Zoom sometimes does this).
pub fn rate_limited_without_headers() -> Fixture {
    let body = serde_json::json!({ "code": 429, "message": messages::PER_SECOND_LIMIT });
    let json = "application/json;charset=UTF-8";
    Fixture::new("rate_limited_without_headers", 429, json, body.to_string())
}

/// 429 for the daily limit, `Retry-After` as an ISO-8601 date.
pub fn daily_limit(retry_at_iso8601: &str) -> Fixture {
    Fixture::zoom_error("daily_limit", 429, 429, messages::DAILY_LIMIT)
        .header("x-ratelimit-category", "Light")
        .header("x-ratelimit-type", "Daily-limit")
        .header("x-ratelimit-limit", "6000")
        .header("x-ratelimit-remaining", "0")
        .header("retry-after", retry_at_iso8601.to_owned())
}

/// A 5xx with a JSON body.
pub fn server_error(status: u16) -> Fixture {
    Fixture::zoom_error("server_error", status, 500, "Internal error.")
}

/// 502 with a proxy's HTML page.
pub fn html_error_page() -> Fixture {
    Fixture::new(
        "html_error_page",
        502,
        "text/html",
        "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>",
    )
}

/// 200 whose body is not valid JSON.
pub fn invalid_json() -> Fixture {
    Fixture::json(
        "invalid_json",
        200,
        r#"{"stream_url": "https://somecompany.com/livestream", "#,
    )
}

/// Server-to-Server OAuth: a token answer.
pub fn oauth_token(access_token: &str, expires_in: u64) -> Fixture {
    let body = format!(
        r#"{{"access_token":"{access_token}","token_type":"bearer","expires_in":{expires_in},"scope":"meeting:read:admin meeting:write:admin","api_url":"https://api.zoom.us"}}"#
    );
    Fixture::new("oauth_token", 200, "application/json;charset=UTF-8", body)
}

/// Server-to-Server OAuth: wrong client id or secret.
pub fn oauth_invalid_client() -> Fixture {
    Fixture::new(
        "oauth_invalid_client",
        400,
        "application/json;charset=UTF-8",
        r#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#,
    )
}

/// 200 of either join-token GET: [`DOCUMENTED_JOIN_TOKEN_BODY`].
pub fn join_token() -> Fixture {
    Fixture::json("join_token", 200, DOCUMENTED_JOIN_TOKEN_BODY)
}

/// 400/124 of either join-token GET: "This API only supports OAuth2 authorization."
pub fn join_token_oauth_only() -> Fixture {
    Fixture::zoom_error(
        "join_token_oauth_only",
        400,
        124,
        messages::JOIN_TOKEN_OAUTH_ONLY,
    )
}

/// Meeting join token, 400/300 "Invalid meeting ID."
pub fn meeting_join_token_invalid_id() -> Fixture {
    let message = messages::JOIN_TOKEN_INVALID_MEETING_ID;
    Fixture::zoom_error("meeting_join_token_invalid_id", 400, 300, message)
}

/// Meeting join token, 400/3000 "Cannot access Webinar information." (sic, in the meeting
/// operation of Zoom's spec).
pub fn meeting_join_token_cannot_access_webinar() -> Fixture {
    let message = messages::JOIN_TOKEN_CANNOT_ACCESS_WEBINAR;
    Fixture::zoom_error(
        "meeting_join_token_cannot_access_webinar",
        400,
        3000,
        message,
    )
}

/// Meeting join token, 400/3000: "Allow livestreaming of meetings" is off.
pub fn meeting_join_token_not_allowed() -> Fixture {
    let message = messages::JOIN_TOKEN_MEETING_NOT_ALLOWED;
    Fixture::zoom_error("meeting_join_token_not_allowed", 400, 3000, message)
}

/// Meeting join token, 404/300 "Meeting ID does not exist."
pub fn meeting_join_token_id_not_found() -> Fixture {
    let message = messages::JOIN_TOKEN_MEETING_ID_NOT_FOUND;
    Fixture::zoom_error("meeting_join_token_id_not_found", 404, 300, message)
}

/// Meeting join token, 404/3001 "Meeting does not exist: 85746065432".
pub fn meeting_join_token_not_found() -> Fixture {
    let message = format!("{}85746065432", messages::JOIN_TOKEN_MEETING_NOT_FOUND);
    Fixture::zoom_error("meeting_join_token_not_found", 404, 3001, &message)
}

/// Webinar join token, 400/300 "Invalid webinar ID."
pub fn webinar_join_token_invalid_id() -> Fixture {
    let message = messages::JOIN_TOKEN_INVALID_WEBINAR_ID;
    Fixture::zoom_error("webinar_join_token_invalid_id", 400, 300, message)
}

/// Webinar join token, 400/3000: "Allow livestreaming of webinars" is off.
pub fn webinar_join_token_not_allowed() -> Fixture {
    let message = messages::JOIN_TOKEN_WEBINAR_NOT_ALLOWED;
    Fixture::zoom_error("webinar_join_token_not_allowed", 400, 3000, message)
}

/// Webinar join token, 404/300 "Webinar ID does not exist."
pub fn webinar_join_token_id_not_found() -> Fixture {
    let message = messages::JOIN_TOKEN_WEBINAR_ID_NOT_FOUND;
    Fixture::zoom_error("webinar_join_token_id_not_found", 404, 300, message)
}

/// Webinar join token, 404/3001 "Webinar does not exist: 91234567890".
pub fn webinar_join_token_not_found() -> Fixture {
    let message = format!("{}91234567890", messages::JOIN_TOKEN_WEBINAR_NOT_FOUND);
    Fixture::zoom_error("webinar_join_token_not_found", 404, 3001, &message)
}

/// Every documented answer of `GET /meetings/{meetingId}/jointoken/live_streaming`: 200;
/// 400 with codes 300, 3000 (twice: two messages), 124 and 3161; 404 with 300 and 3001.
pub fn documented_meeting_join_token() -> Vec<Fixture> {
    vec![
        join_token(),
        meeting_join_token_invalid_id(),
        meeting_join_token_cannot_access_webinar(),
        join_token_oauth_only(),
        meeting_join_token_not_allowed(),
        hosting_not_allowed(),
        meeting_join_token_id_not_found(),
        meeting_join_token_not_found(),
    ]
}

/// Every documented answer of `GET /webinars/{webinarId}/jointoken/live_streaming`: 200;
/// 400 with codes 300, 124 and 3000; 404 with 300 and 3001.
pub fn documented_webinar_join_token() -> Vec<Fixture> {
    vec![
        join_token(),
        webinar_join_token_invalid_id(),
        join_token_oauth_only(),
        webinar_join_token_not_allowed(),
        webinar_join_token_id_not_found(),
        webinar_join_token_not_found(),
    ]
}

/// 429 on starting a stream, as Zoom's spec documents it (no `Retry-After`): "…retry making
/// a new request after 30 seconds."
pub fn start_rate_limited() -> Fixture {
    let message = messages::start_too_many_requests("meeting", 85746065432_u64);
    Fixture::zoom_error("start_rate_limited", 429, 429, &message)
}
