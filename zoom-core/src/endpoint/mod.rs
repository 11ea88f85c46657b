//! The live-stream endpoints, each an [`Endpoint`]: method, path, body and whether
//! repeating it is safe. Turning one into an [`HttpRequest`] is pure (sans-IO). Eight are
//! meetings' and webinars'; three are Video SDK sessions' (`get_session_live_stream`,
//! `update_session_live_stream`, `update_session_live_stream_status`, on
//! `/videosdk/sessions/{sessionId}/…`, taking a [`SessionId`](crate::SessionId)).
//!
//! Ids are typed as Zoom's spec types them (see the crate docs, "Ids"): the two live-stream GETs
//! take a [`MeetingRef`](crate::MeetingRef)/[`WebinarRef`](crate::WebinarRef) (a number or
//! an instance UUID), every other operation the numeric [`MeetingId`](crate::MeetingId)/
//! [`WebinarId`](crate::WebinarId); a plain `u64` converts to both.

use std::borrow::Cow;
use std::marker::PhantomData;
use std::time::Duration;

use http::Method;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};

use crate::SecretString;
use crate::error::{Error, InvalidInput};
use crate::model::{LiveStreamStatus, StreamAction};
use crate::response::{Answer, FromResponse, interpret};
use crate::transport::{HttpRequest, HttpResponse};

mod base_url;
pub use base_url::BaseUrl;
pub(crate) use base_url::redact_userinfo;

mod custom;
pub use custom::{EndpointBuilder, Json};

mod meeting_webinar;
pub use meeting_webinar::{
    get_meeting_live_stream, get_meeting_live_stream_join_token, get_webinar_live_stream,
    get_webinar_live_stream_join_token, update_meeting_live_stream,
    update_meeting_live_stream_status, update_webinar_live_stream,
    update_webinar_live_stream_status,
};

mod session;
pub use session::{
    get_session_live_stream, update_session_live_stream, update_session_live_stream_status,
};

/// Zoom's public API base.
pub const DEFAULT_API_BASE: &str = "https://api.zoom.us/v2";

/// The `User-Agent` every request carries.
pub const USER_AGENT_VALUE: &str = concat!("zoom-live-stream-rs/", env!("CARGO_PKG_VERSION"));

/// Whether repeating a call can change the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Idempotency {
    /// Reads, and updates that set the same state again (safe to repeat).
    Idempotent,
    /// Starting or stopping a stream: repeated only if it provably never left.
    StateChange,
}

/// `body` as JSON, or an input error naming the body (nothing is sent): the one rule for the
/// SDK's endpoints and for [`EndpointBuilder::json`].
fn json_body(body: &impl serde::Serialize) -> Result<Vec<u8>, InvalidInput> {
    serde_json::to_vec(body)
        .map_err(|e| InvalidInput::new("body", format!("could not be serialised as JSON: {e}")))
}

/// One call to Zoom, ready to be sent by a client: see [`crate::Client::send`].
///
/// Besides its concrete path, an endpoint knows its path template (Zoom's API reference
/// spells it, as OpenTelemetry's `url.template`) and its operation's name: the names of the
/// spans a client opens for it (docs/OBSERVABILITY.md).
///
/// ```
/// use zoom_core::{endpoint, MeetingId};
///
/// let get = endpoint::get_meeting_live_stream(MeetingId::new(85746065432));
/// assert_eq!(get.method(), "GET");
/// assert_eq!(get.path(), "/meetings/85746065432/livestream");
/// assert_eq!(get.template(), "/meetings/{meetingId}/livestream");
/// assert_eq!(get.operation(), "zoom.meeting_live_stream");
/// let token = endpoint::get_webinar_live_stream_join_token(91234567890);
/// assert_eq!(token.path(), "/webinars/91234567890/jointoken/live_streaming");
/// ```
#[derive(Clone)]
pub struct Endpoint<T> {
    method: Method,
    path: String,
    body: Option<Vec<u8>>,
    idempotency: Idempotency,
    /// The wait Zoom documents after a 429 of this call, for when it sends no `Retry-After`.
    rate_limit_advice: Option<Duration>,
    /// The path with its ids as `{meetingId}`-style parameters (`url.template`).
    template: Cow<'static, str>,
    /// The operation's name, for the call's span (`zoom.meeting_live_stream`).
    operation: Cow<'static, str>,
    /// The meeting or webinar the path names, if any: which segment holds its id.
    target: Option<Target>,
    _output: PhantomData<fn() -> T>,
}

/// What kind of object an endpoint's path names by id, for the call span's
/// `zoom.meeting_id` / `zoom.webinar_id`: the id is read back from the path only when a span
/// records it, so building an endpoint costs nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The meeting id is the path's segment at this index (`/meetings/{id}` → 2).
    Meeting(usize),
    /// The webinar id is the path's segment at this index.
    Webinar(usize),
    /// The Video SDK session id is the path's segment at this index.
    Session(usize),
}

/// The endpoint of a call that sends no API request, only refreshes the token ahead (an
/// async client's background refresh, `auth/ahead.rs`): never built into a request.
pub(crate) static TOKEN_ONLY: Endpoint<()> = Endpoint {
    method: Method::POST,
    path: String::new(),
    body: None,
    idempotency: Idempotency::Idempotent,
    rate_limit_advice: None,
    template: Cow::Borrowed(""),
    operation: Cow::Borrowed(TOKEN_REFRESH_OPERATION),
    target: None,
    _output: PhantomData,
};

/// The operation name of a background token refresh's span.
pub(crate) const TOKEN_REFRESH_OPERATION: &str = "zoom.token_refresh";

impl<T: FromResponse> Endpoint<T> {
    fn new(method: Method, path: String, idempotency: Idempotency) -> Self {
        Self {
            method,
            path,
            body: None,
            idempotency,
            rate_limit_advice: None,
            template: Cow::Borrowed(""),
            operation: Cow::Borrowed(CUSTOM_OPERATION),
            target: None,
            _output: PhantomData,
        }
    }

    /// With its template, operation name and target (the SDK's own endpoints).
    fn named(mut self, operation: &'static str, template: &'static str, target: Target) -> Self {
        self.operation = Cow::Borrowed(operation);
        self.template = Cow::Borrowed(template);
        self.target = Some(target);
        self
    }

    /// With `body` as JSON; a body that cannot be serialised is an input error, never an
    /// empty body sent.
    fn json(mut self, body: &impl serde::Serialize) -> Result<Self, Error> {
        self.body = Some(json_body(body)?);
        Ok(self)
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path below the API base, ids already encoded.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The path's template, ids replaced by their parameter names as Zoom's API reference
    /// writes them (`/meetings/{meetingId}/livestream`), without the query: OpenTelemetry's
    /// `url.template`, and with the method the name of each attempt's span.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// The operation's name (`zoom.meeting_live_stream`, ...): the name of the span around
    /// the call's attempts. An endpoint built with [`Endpoint::builder`] is `zoom.request`
    /// unless [`EndpointBuilder::operation`] names it.
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// The meeting, webinar or session this call is about, as `("zoom.meeting_id", id)`,
    /// `("zoom.webinar_id", id)` or `("zoom.session_id", id)`, the id as the caller gave it (a UUID decoded from its path
    /// segment). For spans; `None` when the path names neither.
    pub(crate) fn target_id(&self) -> Option<(&'static str, String)> {
        let (attribute, index) = match self.target? {
            Target::Meeting(index) => ("zoom.meeting_id", index),
            Target::Webinar(index) => ("zoom.webinar_id", index),
            Target::Session(index) => ("zoom.session_id", index),
        };
        let path = self.path.split('?').next().unwrap_or_default();
        let mut segment = path.split('/').nth(index)?.to_owned();
        // A UUID may be encoded twice (Zoom's rule for one starting with `/` or holding
        // `//`); its characters (base64) hold no `%` of their own.
        for _ in 0..2 {
            if !segment.contains('%') {
                break;
            }
            segment = percent_encoding::percent_decode_str(&segment)
                .decode_utf8_lossy()
                .into_owned();
        }
        Some((attribute, segment))
    }

    /// Whether repeating the call is safe.
    pub fn idempotency(&self) -> Idempotency {
        self.idempotency
    }

    /// The JSON body, if any.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// The wait Zoom's documentation gives after a 429 of this call, used as the error's
    /// [`retry_after`](crate::ApiError::retry_after) when the answer has no `Retry-After`:
    /// [`START_RETRY_AFTER`] for starting a stream, `None` otherwise. Advice for the caller;
    /// the SDK never repeats a start by itself.
    pub fn rate_limit_advice(&self) -> Option<Duration> {
        self.rate_limit_advice
    }

    /// Maps an answer to this call: 2xx decodes into `T`, everything else becomes an
    /// [`ApiError`](crate::ApiError) (carrying this call's [`Self::rate_limit_advice`]).
    pub fn interpret(&self, response: &HttpResponse) -> Result<Answer<T>, Error> {
        let mut result = interpret::<T>(response);
        if let (Some(wait), Err(Error::Api(api))) = (self.rate_limit_advice, &mut result) {
            api.advise_retry_after(wait);
        }
        result
    }

    /// Builds the HTTP request against `base` (for example [`DEFAULT_API_BASE`]).
    pub fn to_request(&self, base: &BaseUrl, token: &SecretString) -> Result<HttpRequest, Error> {
        self.to_request_with_bearer(base, bearer_header(token)?)
    }

    /// [`Endpoint::to_request`] with the `Authorization` value already built (see
    /// [`bearer_header`]), so that a caller holding a token for many calls builds it once.
    pub(crate) fn to_request_with_bearer(
        &self,
        base: &BaseUrl,
        bearer: HeaderValue,
    ) -> Result<HttpRequest, Error> {
        // The base's scheme and authority were parsed once, when it was made; only the path
        // is checked here.
        let mut path = String::with_capacity(base.path.len() + self.path.len());
        path.push_str(&base.path);
        path.push_str(&self.path);
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(base.scheme.clone());
        parts.authority = Some(base.authority.clone());
        parts.path_and_query =
            Some(http::uri::PathAndQuery::try_from(path).map_err(|e| {
                Error::invalid("api_base", format!("does not make a valid URL: {e}"))
            })?);
        let uri = http::Uri::from_parts(parts)
            .map_err(|e| Error::invalid("api_base", format!("does not make a valid URL: {e}")))?;

        let mut request = http::Request::new(self.body.clone().unwrap_or_default());
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, bearer);
        headers.insert(ACCEPT, APPLICATION_JSON);
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        if self.body.is_some() {
            headers.insert(CONTENT_TYPE, APPLICATION_JSON);
        }
        Ok(request)
    }
}

/// Never the body: it can hold a stream key. Its length is shown instead.
impl<T> std::fmt::Debug for Endpoint<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .field("idempotency", &self.idempotency)
            .field("rate_limit_advice", &self.rate_limit_advice)
            .field("template", &self.template)
            .field("operation", &self.operation)
            .finish()
    }
}

/// `application/json`, checked once at compile time.
const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// The `Authorization: Bearer …` value for `token`, marked sensitive (so `http` and the
/// transports never show it).
pub(crate) fn bearer_header(token: &SecretString) -> Result<HeaderValue, Error> {
    let secret = token.expose_secret().as_bytes();
    let mut value = Vec::with_capacity(b"Bearer ".len() + secret.len());
    value.extend_from_slice(b"Bearer ");
    value.extend_from_slice(secret);
    let mut bearer = HeaderValue::try_from(value).map_err(|_| {
        InvalidInput::new(
            "access_token",
            "contains characters not allowed in a header",
        )
    })?;
    bearer.set_sensitive(true);
    Ok(bearer)
}

/// `{kind}{segment}{tail}`, in one allocation.
fn path(kind: &str, segment: &str, tail: &str) -> String {
    let mut path = String::with_capacity(kind.len() + segment.len() + tail.len());
    for part in [kind, segment, tail] {
        path.push_str(part);
    }
    path
}

/// The operation name of an endpoint built with [`Endpoint::builder`] that names none.
pub(crate) const CUSTOM_OPERATION: &str = "zoom.request";

const LIVESTREAM: &str = "/livestream";
const LIVESTREAM_STATUS: &str = "/livestream/status";

/// What Zoom documents after a 429 on starting a stream ("If the livestream has not already
/// started, retry making a new request after 30 seconds"): the error's
/// [`retry_after`](crate::ApiError::retry_after) when Zoom sends no `Retry-After` of its own.
/// The SDK itself never repeats a start.
pub const START_RETRY_AFTER: Duration = Duration::from_secs(30);

/// A status PATCH: a state change, and a start carries Zoom's documented 30-second advice.
fn status_endpoint(path: String, status: &LiveStreamStatus) -> Result<Endpoint<()>, Error> {
    let mut endpoint = Endpoint::new(Method::PATCH, path, Idempotency::StateChange).json(status)?;
    if status.action == StreamAction::Start {
        endpoint.rate_limit_advice = Some(START_RETRY_AFTER);
    }
    Ok(endpoint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{MeetingId, MeetingRef, WebinarId};
    use crate::model::UpdateLiveStream;

    #[test]
    fn a_body_that_cannot_be_serialised_is_an_input_error_not_an_empty_body() {
        // JSON objects need string keys: this map cannot be written.
        let body = std::collections::BTreeMap::from([((1, 2), 3)]);
        let error = Endpoint::<()>::new(Method::PATCH, "/x".into(), Idempotency::Idempotent)
            .json(&body)
            .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidInput(e) if e.field() == "body"),
            "{error}"
        );
    }
    use crate::ids::{MeetingUuid, WebinarUuid};
    use crate::model::LiveStreamSettings;

    fn token() -> SecretString {
        SecretString::new("tok")
    }

    #[test]
    fn the_default_base_is_the_parsed_default_api_base() {
        let parsed = BaseUrl::parse(DEFAULT_API_BASE).unwrap();
        let default = BaseUrl::default();
        assert_eq!(default, parsed);
        assert_eq!(
            (&default.scheme, &default.authority, &default.path),
            (&parsed.scheme, &parsed.authority, &parsed.path)
        );
    }

    #[test]
    fn a_request_joins_the_base_and_the_path_whatever_the_base_looks_like() {
        let get = get_meeting_live_stream(MeetingId::new(1));
        for (base, uri) in [
            (
                "http://127.0.0.1:9/v2/",
                "http://127.0.0.1:9/v2/meetings/1/livestream",
            ),
            (
                "https://example.com",
                "https://example.com/meetings/1/livestream",
            ),
            (
                "https://example.com/",
                "https://example.com/meetings/1/livestream",
            ),
            (
                "https://user@example.com:8443/a/b//",
                "https://user@example.com:8443/a/b/meetings/1/livestream",
            ),
        ] {
            let request = get
                .to_request(&BaseUrl::parse(base).unwrap(), &token())
                .unwrap();
            assert_eq!(request.uri(), uri, "{base}");
        }
        assert_eq!(
            format!("{:?}", BaseUrl::parse("https://example.com/v2/").unwrap()),
            r#"BaseUrl("https://example.com/v2")"#
        );
    }

    #[test]
    fn get_request_has_auth_accept_and_user_agent() {
        let request = get_meeting_live_stream(MeetingId::new(85746065432))
            .to_request(&BaseUrl::default(), &token())
            .unwrap();
        assert_eq!(request.method(), Method::GET);
        assert_eq!(
            request.uri(),
            "https://api.zoom.us/v2/meetings/85746065432/livestream"
        );
        let auth = &request.headers()[AUTHORIZATION];
        assert_eq!(auth, "Bearer tok");
        assert!(auth.is_sensitive());
        assert_eq!(request.headers()[ACCEPT], "application/json");
        assert!(
            request.headers()[USER_AGENT]
                .to_str()
                .unwrap()
                .starts_with("zoom-live-stream-rs/")
        );
        assert!(request.headers().get(CONTENT_TYPE).is_none());
        assert!(request.body().is_empty());
    }

    #[test]
    fn hostile_ids_cannot_leave_their_segment_of_the_uri() {
        let base = BaseUrl::parse("https://api.zoom.us/v2").unwrap();
        for hostile in [
            "../users/me",
            "1?x=2",
            "1#frag",
            "%2e%2e",
            "a b",
            "zürich",
            "..",
        ] {
            assert!(MeetingId::parse(hostile).is_err(), "{hostile:?}");
        }
        for hostile in ["a/b", "//x", "/", "ab+/=="] {
            let id = MeetingRef::parse(hostile).unwrap();
            let request = get_meeting_live_stream(&id)
                .to_request(&base, &token())
                .unwrap();
            let uri = request.uri();
            assert_eq!(uri.host(), Some("api.zoom.us"), "{hostile:?}");
            assert_eq!(uri.query(), None, "{hostile:?}");
            let segments: Vec<&str> = uri.path().split('/').collect();
            assert_eq!(segments.len(), 5, "{hostile:?} -> {uri}");
            assert_eq!(&segments[..3], ["", "v2", "meetings"], "{hostile:?}");
            assert_eq!(segments[4], "livestream", "{hostile:?}");
            assert!(
                !segments[3].is_empty() && !segments[3].starts_with('.'),
                "{hostile:?}"
            );
        }
    }

    #[test]
    fn patch_bodies_are_json_and_checked_before_building() {
        let id = MeetingId::new(1);
        let update = UpdateLiveStream::new("rtmp://a/b", "key", "https://e.com/w");
        let endpoint = update_meeting_live_stream(id, &update).unwrap();
        let request = endpoint.to_request(&BaseUrl::default(), &token()).unwrap();
        assert_eq!(request.headers()[CONTENT_TYPE], "application/json");
        let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(body["stream_key"], "key");
        let secret = UpdateLiveStream::new("rtmp://a/b", "s3cr3t", "https://e.com/w");
        let shown = format!("{:?}", update_meeting_live_stream(1, &secret).unwrap());
        assert!(shown.contains("body_len: Some("), "{shown}");
        let bytes = format!("{:?}", b"s3cr3t");
        assert!(!shown.contains("s3cr3t") && !shown.contains(&bytes[1..bytes.len() - 1]));
        assert_eq!(endpoint.idempotency(), Idempotency::Idempotent);

        let bad = UpdateLiveStream::new("rtmp://a/b", "", "https://e.com/w");
        assert!(matches!(
            update_meeting_live_stream(id, &bad),
            Err(Error::InvalidInput(_))
        ));

        let start =
            LiveStreamStatus::start().settings(LiveStreamSettings::new().layout("follow_host"));
        let endpoint = update_meeting_live_stream_status(id, &start).unwrap();
        assert_eq!(endpoint.path(), "/meetings/1/livestream/status");
        assert_eq!(endpoint.idempotency(), Idempotency::StateChange);
        assert!(update_webinar_live_stream_status(WebinarId::new(1), &start).is_err());
    }

    #[test]
    fn every_operation_has_its_path_and_only_the_gets_take_a_uuid() {
        let uuid = MeetingUuid::parse("aDYlohsHRtCd4ii1uC2+hA==").unwrap();
        let webinar_uuid = WebinarUuid::parse("/YlohsHRtCd4ii1uC2+hA==").unwrap();
        let update = UpdateLiveStream::new("rtmp://a/b", "key", "https://e.com/w");
        let stop = LiveStreamStatus::stop();
        let cases = [
            (
                "GET",
                get_meeting_live_stream(uuid).path().to_owned(),
                "/meetings/aDYlohsHRtCd4ii1uC2%2BhA%3D%3D/livestream",
            ),
            (
                "GET",
                get_webinar_live_stream(webinar_uuid).path().to_owned(),
                "/webinars/%252FYlohsHRtCd4ii1uC2%252BhA%253D%253D/livestream",
            ),
            (
                "PATCH",
                update_meeting_live_stream(7, &update)
                    .unwrap()
                    .path()
                    .to_owned(),
                "/meetings/7/livestream",
            ),
            (
                "PATCH",
                update_webinar_live_stream(8, &update)
                    .unwrap()
                    .path()
                    .to_owned(),
                "/webinars/8/livestream",
            ),
            (
                "PATCH",
                update_meeting_live_stream_status(7, &stop)
                    .unwrap()
                    .path()
                    .to_owned(),
                "/meetings/7/livestream/status",
            ),
            (
                "PATCH",
                update_webinar_live_stream_status(8, &stop)
                    .unwrap()
                    .path()
                    .to_owned(),
                "/webinars/8/livestream/status",
            ),
            (
                "GET",
                get_meeting_live_stream_join_token(7).path().to_owned(),
                "/meetings/7/jointoken/live_streaming",
            ),
            (
                "GET",
                get_webinar_live_stream_join_token(WebinarId::new(8))
                    .path()
                    .to_owned(),
                "/webinars/8/jointoken/live_streaming",
            ),
        ];
        for (_, path, expected) in &cases {
            assert_eq!(path, expected);
        }
        let token = get_meeting_live_stream_join_token(MeetingId::new(85746065432));
        assert_eq!(token.method(), Method::GET);
        assert_eq!(token.idempotency(), Idempotency::Idempotent);
        assert_eq!(token.body(), None);
        assert_eq!(token.rate_limit_advice(), None);
    }

    #[test]
    fn every_operation_has_a_template_and_a_name_and_the_id_it_names() {
        fn describe<T: FromResponse>(
            endpoint: &Endpoint<T>,
        ) -> (String, String, Option<(&'static str, String)>) {
            (
                endpoint.operation().to_owned(),
                endpoint.template().to_owned(),
                endpoint.target_id(),
            )
        }
        let update = UpdateLiveStream::new("rtmp://a/b", "key", "https://e.com/w");
        let stop = LiveStreamStatus::stop();
        let uuid = MeetingUuid::parse("/YlohsHRtCd4ii1uC2+hA==").unwrap();
        let cases = [
            (
                describe(&get_meeting_live_stream(7)),
                [
                    "zoom.meeting_live_stream",
                    "/meetings/{meetingId}/livestream",
                ],
                ("zoom.meeting_id", "7"),
            ),
            (
                describe(&get_meeting_live_stream(uuid)),
                [
                    "zoom.meeting_live_stream",
                    "/meetings/{meetingId}/livestream",
                ],
                ("zoom.meeting_id", "/YlohsHRtCd4ii1uC2+hA=="),
            ),
            (
                describe(&update_meeting_live_stream(7, &update).unwrap()),
                [
                    "zoom.update_meeting_live_stream",
                    "/meetings/{meetingId}/livestream",
                ],
                ("zoom.meeting_id", "7"),
            ),
            (
                describe(&update_meeting_live_stream_status(7, &stop).unwrap()),
                [
                    "zoom.update_meeting_live_stream_status",
                    "/meetings/{meetingId}/livestream/status",
                ],
                ("zoom.meeting_id", "7"),
            ),
            (
                describe(&get_meeting_live_stream_join_token(7)),
                [
                    "zoom.meeting_live_stream_join_token",
                    "/meetings/{meetingId}/jointoken/live_streaming",
                ],
                ("zoom.meeting_id", "7"),
            ),
            (
                describe(&get_webinar_live_stream(8)),
                [
                    "zoom.webinar_live_stream",
                    "/webinars/{webinarId}/livestream",
                ],
                ("zoom.webinar_id", "8"),
            ),
            (
                describe(&update_webinar_live_stream(8, &update).unwrap()),
                [
                    "zoom.update_webinar_live_stream",
                    "/webinars/{webinarId}/livestream",
                ],
                ("zoom.webinar_id", "8"),
            ),
            (
                describe(&update_webinar_live_stream_status(8, &stop).unwrap()),
                [
                    "zoom.update_webinar_live_stream_status",
                    "/webinars/{webinarId}/livestream/status",
                ],
                ("zoom.webinar_id", "8"),
            ),
            (
                describe(&get_webinar_live_stream_join_token(8)),
                [
                    "zoom.webinar_live_stream_join_token",
                    "/webinars/{webinarId}/jointoken/live_streaming",
                ],
                ("zoom.webinar_id", "8"),
            ),
        ];
        for ((operation, template, target), [want_operation, want_template], (attribute, id)) in
            cases
        {
            assert_eq!(operation, want_operation);
            assert_eq!(template, want_template);
            assert_eq!(target, Some((attribute, id.to_owned())), "{operation}");
        }
    }

    #[test]
    fn only_a_start_carries_the_documented_thirty_seconds() {
        let start = update_meeting_live_stream_status(1, &LiveStreamStatus::start()).unwrap();
        assert_eq!(start.rate_limit_advice(), Some(START_RETRY_AFTER));
        let start = update_webinar_live_stream_status(1, &LiveStreamStatus::start()).unwrap();
        assert_eq!(start.rate_limit_advice(), Some(Duration::from_secs(30)));
        let stop = update_meeting_live_stream_status(1, &LiveStreamStatus::stop()).unwrap();
        assert_eq!(stop.rate_limit_advice(), None);

        let answer = |retry_after: Option<&str>, daily: bool| {
            let mut builder = http::Response::builder().status(429);
            if let Some(value) = retry_after {
                builder = builder.header("retry-after", value);
            }
            if daily {
                builder = builder.header("x-ratelimit-type", "Daily-limit");
            }
            builder
                .body(br#"{"code":429,"message":"Too many requests"}"#.to_vec())
                .unwrap()
        };
        let wait = |endpoint: &Endpoint<()>, response| {
            let error = endpoint.interpret(&response).unwrap_err();
            error.api().unwrap().retry_after_header().copied()
        };
        let thirty = Some(crate::RetryAfter::Delay(Duration::from_secs(30)));
        let five = Some(crate::RetryAfter::Delay(Duration::from_secs(5)));
        assert_eq!(wait(&start, answer(None, false)), thirty);
        assert_eq!(wait(&start, answer(Some("5"), false)), five);
        assert_eq!(wait(&start, answer(None, true)), None);
        assert_eq!(wait(&stop, answer(None, false)), None);
    }

    #[test]
    fn tokens_that_cannot_be_headers_are_input_errors_without_the_token() {
        let error = get_meeting_live_stream(MeetingId::new(1))
            .to_request(&BaseUrl::default(), &SecretString::new("bad\ntoken"))
            .unwrap_err();
        assert!(matches!(&error, Error::InvalidInput(e) if e.field() == "access_token"));
        assert!(!error.to_string().contains("token\n"));
    }

    #[test]
    fn base_urls_must_be_absolute_http() {
        for bad in [
            "",
            "api.zoom.us/v2",
            "ftp://x/v2",
            "https://x/v2?q=1",
            "https://",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad:?}");
        }
        let message = |url: &str| BaseUrl::parse(url).unwrap_err().to_string();
        assert!(message("http://127.0.0.1:99999/v2").contains("port"));
        assert!(message("http://127.0.0.1:0/v2").contains("port"));
        assert!(message("https://x/v2#top").contains("fragment"));
        assert!(message("https://x/v2?q=1").contains("query"));
        assert!(message("https://x y/v2").contains("space"));
        let secret = message("http://user:hunter2@127.0.0.1:99999/v2");
        assert!(
            !secret.contains("hunter2") && secret.contains("[redacted]@"),
            "{secret}"
        );
        assert_eq!(
            BaseUrl::parse("http://127.0.0.1:8080/v2/")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8080/v2"
        );
    }
}
