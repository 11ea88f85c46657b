//! The escape hatch: any Zoom endpoint, sent through the same client (same auth, retries,
//! rate limiter and error mapping) as the live-stream ones, the Video SDK API's included
//! (`/videosdk/…`, with [`EndpointBuilder::session_id`]).

use std::borrow::Cow;
use std::marker::PhantomData;

use http::Method;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::DeserializeOwned;

use super::{Endpoint, Idempotency, Target};
use crate::error::{Error, InvalidInput};
use crate::ids::{MeetingId, SessionId, WebinarId};
use crate::response::FromResponse;

/// What a path segment or query part keeps unencoded: RFC 3986's unreserved characters.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A JSON answer decoded into any `T: DeserializeOwned`: the output type of an endpoint you
/// build yourself with [`Endpoint::builder`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> FromResponse for Json<T> {
    const EXPECTED: &'static str = "a JSON value of the expected shape";

    fn decode(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body).map(Json)
    }
}

impl<T: FromResponse> Endpoint<T> {
    /// Starts building a call to any Zoom endpoint: the path is given segment by segment
    /// and encoded here, so that no value can leave its segment.
    ///
    /// By default a `GET` or `HEAD` is [`Idempotency::Idempotent`] and any other method
    /// [`Idempotency::StateChange`] (repeated only when it provably never left); say
    /// otherwise with [`EndpointBuilder::idempotency`].
    ///
    /// ```
    /// use zoom_core::endpoint::{Endpoint, Json};
    /// use zoom_core::{MeetingId, http::Method};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Meeting {
    ///     topic: String,
    /// }
    ///
    /// // GET /meetings/{meetingId}: the SDK has no method for it, the client sends it anyway.
    /// let endpoint = Endpoint::<Json<Meeting>>::builder(Method::GET)
    ///     .segment("meetings")
    ///     .meeting_id(&MeetingId::new(85746065432))
    ///     .query("show_previous_occurrences", "true")
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(endpoint.path(), "/meetings/85746065432?show_previous_occurrences=true");
    /// // The spans name it by its template, never by the concrete path.
    /// assert_eq!(endpoint.template(), "/meetings/{meetingId}");
    ///
    /// # fn send(client: zoom_core::blocking::Client, endpoint: Endpoint<Json<Meeting>>) -> zoom_core::Result<()> {
    /// let Json(meeting) = client.send(&endpoint)?.into_inner();
    /// println!("{}", meeting.topic);
    /// # Ok(()) }
    /// ```
    pub fn builder(method: Method) -> EndpointBuilder<T> {
        let idempotency = if method == Method::GET || method == Method::HEAD {
            Idempotency::Idempotent
        } else {
            Idempotency::StateChange
        };
        EndpointBuilder {
            method,
            path: String::new(),
            template: String::new(),
            operation: None,
            target: None,
            query: String::new(),
            body: None,
            idempotency,
            problem: None,
            _output: PhantomData,
        }
    }
}

/// Builds an [`Endpoint`] to any Zoom API path; start from [`Endpoint::builder`].
#[derive(Debug)]
pub struct EndpointBuilder<T> {
    method: Method,
    path: String,
    /// The path with parameters as `{name}` (`url.template`).
    template: String,
    operation: Option<Cow<'static, str>>,
    target: Option<Target>,
    query: String,
    body: Option<Vec<u8>>,
    idempotency: Idempotency,
    problem: Option<InvalidInput>,
    _output: PhantomData<fn() -> T>,
}

impl<T: FromResponse> EndpointBuilder<T> {
    /// Appends one path segment, percent-encoded so that `/`, `?`, `#` and the like stay
    /// inside it. An empty segment, `.` or `..` is refused when building.
    ///
    /// The segment is also part of the path's template (`url.template`, which names the
    /// spans): for a value that changes from call to call (a user id, say), use
    /// [`param`](Self::param) instead.
    pub fn segment(mut self, segment: impl AsRef<str>) -> Self {
        let before = self.path.len();
        self = self.encoded_segment(segment.as_ref());
        self.template.push_str(&self.path[before..]);
        self
    }

    /// Appends one path segment whose value varies, like [`segment`](Self::segment), shown
    /// in the template as `{name}`, as Zoom's API reference writes its parameters:
    ///
    /// ```
    /// use zoom_core::endpoint::{Endpoint, Json};
    /// use zoom_core::http::Method;
    ///
    /// let endpoint = Endpoint::<Json<serde_json::Value>>::builder(Method::GET)
    ///     .segment("users")
    ///     .param("userId", "jchill@example.com")
    ///     .operation("zoom.get_user")
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(endpoint.path(), "/users/jchill%40example.com");
    /// assert_eq!(endpoint.template(), "/users/{userId}");
    /// assert_eq!(endpoint.operation(), "zoom.get_user");
    /// ```
    pub fn param(mut self, name: &str, value: impl AsRef<str>) -> Self {
        self = self.encoded_segment(value.as_ref());
        self.template.push_str("/{");
        self.template.push_str(name);
        self.template.push('}');
        self
    }

    fn encoded_segment(mut self, segment: &str) -> Self {
        if segment.is_empty() || segment == "." || segment == ".." {
            self.problem.get_or_insert(InvalidInput::new(
                "path",
                format!("{segment:?} is not a path segment"),
            ));
        }
        self.path.push('/');
        self.path.extend(utf8_percent_encode(segment, UNRESERVED));
        self
    }

    /// Appends a meeting id as one segment, encoded the way Zoom expects (a UUID that
    /// starts with `/` or contains `//` is encoded twice); `{meetingId}` in the template.
    pub fn meeting_id(mut self, id: &MeetingId) -> Self {
        self.target
            .get_or_insert(Target::Meeting(self.segments() + 1));
        self.path.push('/');
        self.path.push_str(&id.path_segment());
        self.template.push_str("/{meetingId}");
        self
    }

    /// Appends a webinar id as one segment, encoded the way Zoom expects; `{webinarId}` in
    /// the template.
    pub fn webinar_id(mut self, id: &WebinarId) -> Self {
        self.target
            .get_or_insert(Target::Webinar(self.segments() + 1));
        self.path.push('/');
        self.path.push_str(&id.path_segment());
        self.template.push_str("/{webinarId}");
        self
    }

    /// How many segments the path has so far.
    fn segments(&self) -> usize {
        self.path.matches('/').count()
    }

    /// Names the operation: the name of the span around the call's attempts (default
    /// `zoom.request`). Keep it to a few fixed names, never one per call.
    pub fn operation(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.operation = Some(name.into());
        self
    }

    /// Appends a Video SDK session id as one segment, encoded the way Zoom expects (twice
    /// when it starts with `/` or contains `//`): other Video SDK operations are built like
    /// this.
    ///
    /// ```
    /// use zoom_core::endpoint::{Endpoint, Json};
    /// use zoom_core::{SessionId, http::Method};
    ///
    /// // GET /videosdk/sessions/{sessionId}: a session's details, which the SDK has no method for.
    /// let id = SessionId::parse("/Sx8PZbQyTtaUc9kFb4sOwg==").unwrap();
    /// let endpoint = Endpoint::<Json<serde_json::Value>>::builder(Method::GET)
    ///     .segment("videosdk")
    ///     .segment("sessions")
    ///     .session_id(&id)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(endpoint.path(), "/videosdk/sessions/%252FSx8PZbQyTtaUc9kFb4sOwg%253D%253D");
    /// ```
    pub fn session_id(mut self, id: &SessionId) -> Self {
        self.target
            .get_or_insert(Target::Session(self.segments() + 1));
        self.path.push('/');
        self.path.push_str(&id.path_segment());
        self.template.push_str("/{sessionId}");
        self
    }

    /// Adds a query parameter; name and value are percent-encoded.
    pub fn query(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.query
            .push(if self.query.is_empty() { '?' } else { '&' });
        self.query
            .extend(utf8_percent_encode(name.as_ref(), UNRESERVED));
        self.query.push('=');
        self.query
            .extend(utf8_percent_encode(value.as_ref(), UNRESERVED));
        self
    }

    /// Sends `body` as JSON (`Content-Type: application/json`).
    pub fn json(mut self, body: &impl serde::Serialize) -> Self {
        match super::json_body(body) {
            Ok(bytes) => self.body = Some(bytes),
            Err(problem) => {
                self.problem.get_or_insert(problem);
            }
        }
        self
    }

    /// Whether repeating the call is safe (see [`Idempotency`]).
    pub fn idempotency(mut self, idempotency: Idempotency) -> Self {
        self.idempotency = idempotency;
        self
    }

    /// The endpoint, or the first problem found (nothing is sent either way).
    pub fn build(self) -> Result<Endpoint<T>, Error> {
        if let Some(problem) = self.problem {
            return Err(problem.into());
        }
        if self.path.is_empty() {
            return Err(Error::invalid("path", "has no segment"));
        }
        let mut endpoint = Endpoint::new(self.method, self.path + &self.query, self.idempotency);
        endpoint.body = self.body;
        endpoint.template = Cow::Owned(self.template);
        if let Some(operation) = self.operation {
            endpoint.operation = operation;
        }
        endpoint.target = self.target;
        Ok(endpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SecretString;
    use crate::endpoint::BaseUrl;

    #[test]
    fn segments_and_queries_are_encoded_and_cannot_escape() {
        let endpoint = Endpoint::<Json<serde_json::Value>>::builder(Method::GET)
            .segment("users")
            .segment("a/b?c#d")
            .query("q", "x&y=z")
            .build()
            .unwrap();
        assert_eq!(endpoint.path(), "/users/a%2Fb%3Fc%23d?q=x%26y%3Dz");
        let request = endpoint
            .to_request(&BaseUrl::default(), &SecretString::new("t"))
            .unwrap();
        assert_eq!(request.uri().path(), "/v2/users/a%2Fb%3Fc%23d");
        assert_eq!(request.uri().query(), Some("q=x%26y%3Dz"));
        for bad in ["", ".", ".."] {
            let error = Endpoint::<()>::builder(Method::GET).segment(bad).build();
            assert!(matches!(error, Err(Error::InvalidInput(_))), "{bad:?}");
        }
        assert!(Endpoint::<()>::builder(Method::GET).build().is_err());
    }

    #[test]
    fn bodies_are_json_and_idempotency_defaults_by_method() {
        let post = Endpoint::<()>::builder(Method::POST)
            .segment("meetings")
            .json(&serde_json::json!({"topic": "x"}))
            .build()
            .unwrap();
        assert_eq!(post.idempotency(), Idempotency::StateChange);
        assert_eq!(post.body(), Some(&br#"{"topic":"x"}"#[..]));
        let put = Endpoint::<()>::builder(Method::PUT)
            .segment("x")
            .idempotency(Idempotency::Idempotent)
            .build()
            .unwrap();
        assert_eq!(put.idempotency(), Idempotency::Idempotent);
        let get = Endpoint::<Json<serde_json::Value>>::builder(Method::GET)
            .segment("webinars")
            .webinar_id(&WebinarId::new(9))
            .build()
            .unwrap();
        assert_eq!(get.idempotency(), Idempotency::Idempotent);
        assert_eq!(get.path(), "/webinars/9");
        assert_eq!(get.template(), "/webinars/{webinarId}");
        assert_eq!(get.operation(), "zoom.request");
        assert_eq!(get.target_id(), Some(("zoom.webinar_id", "9".to_owned())));
    }

    #[test]
    fn the_template_keeps_literal_segments_and_names_the_variable_ones() {
        let endpoint = Endpoint::<()>::builder(Method::PATCH)
            .segment("meetings")
            .meeting_id(&MeetingId::new(85746065432))
            .segment("recordings")
            .param("recordingId", "a/b")
            .query("action", "trash")
            .operation("zoom.trash_recording")
            .build()
            .unwrap();
        assert_eq!(
            endpoint.path(),
            "/meetings/85746065432/recordings/a%2Fb?action=trash"
        );
        assert_eq!(
            endpoint.template(),
            "/meetings/{meetingId}/recordings/{recordingId}"
        );
        assert_eq!(endpoint.operation(), "zoom.trash_recording");
        assert_eq!(
            endpoint.target_id(),
            Some(("zoom.meeting_id", "85746065432".to_owned()))
        );
        assert!(
            Endpoint::<()>::builder(Method::GET)
                .param("x", "")
                .build()
                .is_err()
        );
    }

    #[test]
    fn any_json_answer_decodes() {
        let Json(value) = <Json<serde_json::Value>>::decode(br#"{"id":1}"#).unwrap();
        assert_eq!(value["id"], 1);
        assert!(<Json<u32>>::decode(b"\"x\"").is_err());
    }
}
