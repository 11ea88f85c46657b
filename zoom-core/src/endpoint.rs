//! The six live-stream endpoints, each an [`Endpoint`]: method, path, body and whether
//! repeating it is safe. Turning one into an [`HttpRequest`] is pure (sans-IO).

use std::marker::PhantomData;

use http::Method;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};

use crate::error::{Error, InvalidInput};
use crate::ids::{MeetingId, WebinarId};
use crate::model::{LiveStream, LiveStreamStatus, UpdateLiveStream};
use crate::response::FromResponse;
use crate::secret::SecretString;
use crate::transport::HttpRequest;

mod custom;
pub use custom::{EndpointBuilder, Json};

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

/// One call to Zoom, ready to be sent by a client: see [`crate::Client::send`].
///
/// ```
/// use zoom_core::{endpoint, MeetingId};
///
/// let get = endpoint::get_meeting_live_stream(&MeetingId::new(85746065432));
/// assert_eq!(get.method(), "GET");
/// assert_eq!(get.path(), "/meetings/85746065432/livestream");
/// ```
#[derive(Debug, Clone)]
pub struct Endpoint<T> {
    method: Method,
    path: String,
    body: Option<Vec<u8>>,
    idempotency: Idempotency,
    _output: PhantomData<fn() -> T>,
}

impl<T: FromResponse> Endpoint<T> {
    fn new(method: Method, path: String, idempotency: Idempotency) -> Self {
        Self {
            method,
            path,
            body: None,
            idempotency,
            _output: PhantomData,
        }
    }

    fn json(mut self, body: &impl serde::Serialize) -> Self {
        // Serialising these plain structs cannot fail: no maps with non-string keys.
        self.body = Some(serde_json::to_vec(body).unwrap_or_default());
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path below the API base, ids already encoded.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether repeating the call is safe.
    pub fn idempotency(&self) -> Idempotency {
        self.idempotency
    }

    /// The JSON body, if any.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// Builds the HTTP request against `base` (for example [`DEFAULT_API_BASE`]).
    pub fn to_request(&self, base: &BaseUrl, token: &SecretString) -> Result<HttpRequest, Error> {
        let mut bearer = HeaderValue::try_from(format!("Bearer {}", token.expose_secret()))
            .map_err(|_| {
                InvalidInput::new(
                    "access_token",
                    "contains characters not allowed in a header",
                )
            })?;
        bearer.set_sensitive(true);
        let mut builder = http::Request::builder()
            .method(self.method.clone())
            .uri(format!("{}{}", base.as_str(), self.path))
            .header(AUTHORIZATION, bearer)
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, USER_AGENT_VALUE);
        if self.body.is_some() {
            builder = builder.header(CONTENT_TYPE, "application/json");
        }
        builder
            .body(self.body.clone().unwrap_or_default())
            .map_err(|e| Error::invalid("api_base", format!("does not make a valid URL: {e}")))
    }
}

/// A validated base URL (`http` or `https`, with a host, no query), without trailing `/`.
///
/// ```
/// use zoom_core::BaseUrl;
///
/// assert_eq!(BaseUrl::parse("https://api.zoomgov.com/v2/").unwrap().as_str(), "https://api.zoomgov.com/v2");
/// assert!(BaseUrl::parse("api.zoom.us").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Validates `url` as a base URL.
    pub fn parse(url: &str) -> Result<Self, InvalidInput> {
        Self::parse_field("base_url", url)
    }

    pub(crate) fn parse_field(field: &'static str, url: &str) -> Result<Self, InvalidInput> {
        let trimmed = url.trim().trim_end_matches('/');
        // Messages quote the URL without any `user:password@` it carries.
        let shown = redact_userinfo(url);
        if trimmed.contains(char::is_whitespace) {
            return Err(InvalidInput::new(
                field,
                format!("{shown:?} is not a valid URL: it contains a space"),
            ));
        }
        if trimmed.contains('#') {
            return Err(InvalidInput::new(
                field,
                format!("{shown:?} must not have a fragment (#…)"),
            ));
        }
        let uri: http::Uri = trimmed
            .parse()
            .map_err(|_| InvalidInput::new(field, format!("{shown:?} is not a valid URL")))?;
        let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
        if !scheme_ok || uri.host().is_none_or(str::is_empty) {
            return Err(InvalidInput::new(
                field,
                format!("{shown:?} must be an absolute http:// or https:// URL"),
            ));
        }
        // `http::Uri` accepts any digits as a port (and then reports none): check them.
        let host_port = uri.authority().map_or("", |a| a.as_str());
        let host_port = host_port.rsplit('@').next().unwrap_or(host_port);
        let port = match host_port.rsplit_once(':') {
            Some((_, port)) if !host_port.ends_with(']') => Some(port),
            _ => None,
        };
        if port.is_some_and(|port| !port.parse::<u16>().is_ok_and(|port| port != 0)) {
            return Err(InvalidInput::new(
                field,
                format!("{shown:?} has a port outside 1 to 65535"),
            ));
        }
        if uri.query().is_some() {
            return Err(InvalidInput::new(
                field,
                format!("{shown:?} must not have a query (?…)"),
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The URL text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `url` with any `user:password@` in its authority replaced by `[redacted]@`.
fn redact_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://[redacted]@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

impl Default for BaseUrl {
    fn default() -> Self {
        Self(DEFAULT_API_BASE.to_owned())
    }
}

fn meeting_path(id: &MeetingId, tail: &str) -> String {
    format!("/meetings/{}/livestream{tail}", id.path_segment())
}

fn webinar_path(id: &WebinarId, tail: &str) -> String {
    format!("/webinars/{}/livestream{tail}", id.path_segment())
}

/// `GET /meetings/{meetingId}/livestream`.
pub fn get_meeting_live_stream(id: &MeetingId) -> Endpoint<LiveStream> {
    Endpoint::new(Method::GET, meeting_path(id, ""), Idempotency::Idempotent)
}

/// `PATCH /meetings/{meetingId}/livestream`, after checking the body.
pub fn update_meeting_live_stream(
    id: &MeetingId,
    update: &UpdateLiveStream,
) -> Result<Endpoint<()>, Error> {
    update.validate()?;
    Ok(Endpoint::new(Method::PATCH, meeting_path(id, ""), Idempotency::Idempotent).json(update))
}

/// `PATCH /meetings/{meetingId}/livestream/status`, after checking the body.
pub fn update_meeting_live_stream_status(
    id: &MeetingId,
    status: &LiveStreamStatus,
) -> Result<Endpoint<()>, Error> {
    status.validate(false)?;
    let path = meeting_path(id, "/status");
    Ok(Endpoint::new(Method::PATCH, path, Idempotency::StateChange).json(status))
}

/// `GET /webinars/{webinarId}/livestream`.
pub fn get_webinar_live_stream(id: &WebinarId) -> Endpoint<LiveStream> {
    Endpoint::new(Method::GET, webinar_path(id, ""), Idempotency::Idempotent)
}

/// `PATCH /webinars/{webinarId}/livestream`, after checking the body.
pub fn update_webinar_live_stream(
    id: &WebinarId,
    update: &UpdateLiveStream,
) -> Result<Endpoint<()>, Error> {
    update.validate()?;
    Ok(Endpoint::new(Method::PATCH, webinar_path(id, ""), Idempotency::Idempotent).json(update))
}

/// `PATCH /webinars/{webinarId}/livestream/status`, after checking the body
/// (`layout` and `close_caption` are meeting-only and rejected here).
pub fn update_webinar_live_stream_status(
    id: &WebinarId,
    status: &LiveStreamStatus,
) -> Result<Endpoint<()>, Error> {
    status.validate(true)?;
    let path = webinar_path(id, "/status");
    Ok(Endpoint::new(Method::PATCH, path, Idempotency::StateChange).json(status))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LiveStreamSettings;

    fn token() -> SecretString {
        SecretString::new("tok")
    }

    #[test]
    fn get_request_has_auth_accept_and_user_agent() {
        let request = get_meeting_live_stream(&MeetingId::new(85746065432))
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
            let id = MeetingId::parse(hostile).unwrap();
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
        let endpoint = update_meeting_live_stream(&id, &update).unwrap();
        let request = endpoint.to_request(&BaseUrl::default(), &token()).unwrap();
        assert_eq!(request.headers()[CONTENT_TYPE], "application/json");
        let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(body["stream_key"], "key");
        assert_eq!(endpoint.idempotency(), Idempotency::Idempotent);

        let bad = UpdateLiveStream::new("rtmp://a/b", "", "https://e.com/w");
        assert!(matches!(
            update_meeting_live_stream(&id, &bad),
            Err(Error::InvalidInput(_))
        ));

        let start =
            LiveStreamStatus::start().settings(LiveStreamSettings::new().layout("follow_host"));
        let endpoint = update_meeting_live_stream_status(&id, &start).unwrap();
        assert_eq!(endpoint.path(), "/meetings/1/livestream/status");
        assert_eq!(endpoint.idempotency(), Idempotency::StateChange);
        assert!(update_webinar_live_stream_status(&WebinarId::new(1), &start).is_err());
    }

    #[test]
    fn tokens_that_cannot_be_headers_are_input_errors_without_the_token() {
        let error = get_meeting_live_stream(&MeetingId::new(1))
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
