//! [`MockTransport`]: scripted answers, recorded requests, loud failures.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use zoom_core::http::{HeaderMap, Method, Uri};
use zoom_core::{
    BlockingTransport, HttpRequest, HttpResponse, Transport, TransportError, TransportErrorKind,
};

/// A request the client sent through a [`MockTransport`], as handed to the transport: typed
/// method, whole URI, header map and body, in memory (nothing went over a network).
///
/// The simulator's record of a request that arrived over HTTP is a different type,
/// `simulator::ReceivedRequest` (feature `simulator`).
#[derive(Debug, Clone)]
pub struct SentRequest {
    /// The method.
    pub method: Method,
    /// The whole URI.
    pub uri: Uri,
    /// The headers (`Debug` hides the sensitive `Authorization`).
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

impl SentRequest {
    /// The body as UTF-8 text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What a scripted entry answers with.
#[derive(Debug)]
enum Reply {
    Response(HttpResponse),
    Fail(TransportErrorKind),
}

impl Reply {
    fn produce(&self) -> Result<HttpResponse, TransportError> {
        match self {
            Reply::Response(response) => {
                let mut copy = HttpResponse::new(response.body().clone());
                *copy.status_mut() = response.status();
                *copy.headers_mut() = response.headers().clone();
                Ok(copy)
            }
            Reply::Fail(kind) => Err(TransportError::new(*kind, "scripted by MockTransport")),
        }
    }
}

#[derive(Debug)]
struct Route {
    method: Method,
    path: String,
    reply: Reply,
}

impl Route {
    fn matches(&self, method: &Method, uri: &Uri) -> bool {
        self.method == method && uri.path().ends_with(&self.path)
    }
}

#[derive(Debug, Default)]
struct State {
    in_order: VecDeque<Reply>,
    routes: Vec<Route>,
    requests: Vec<SentRequest>,
    allow_unused: bool,
}

/// A transport for unit tests: implements both [`Transport`] and [`BlockingTransport`],
/// answers from a script, records every request, and fails loudly.
///
/// Answers are taken from routes first (`on`: the first unused answer whose method matches
/// and whose path the request path ends with), then from the in-order queue (`push`). A
/// request with no answer left panics with the request line; a mock dropped with answers
/// left unused panics too (or call [`MockTransport::assert_all_used`] yourself).
///
/// ```
/// use zoom_core::{ApiErrorKind, MeetingId};
/// use zoom_testkit::{MockTransport, fixtures};
///
/// let mock = MockTransport::new().push(fixtures::user_not_found());
/// let client = zoom_core::blocking::Client::builder().transport(mock.clone()).bearer_token("test").build()?;
/// let error = client.meeting_live_stream(MeetingId::new(1)).unwrap_err();
/// assert_eq!(error.api().map(|e| e.kind()), Some(ApiErrorKind::UserNotFound));
/// assert_eq!(mock.requests()[0].uri, "https://api.zoom.us/v2/meetings/1/livestream");
/// mock.assert_all_used();
/// # Ok::<(), zoom_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct MockTransport {
    state: Arc<Mutex<State>>,
}

impl MockTransport {
    /// An empty script.
    pub fn new() -> Self {
        Self::default()
    }

    /// Answers the next request (in order) with `response` (a [`Fixture`](crate::fixtures::Fixture) or any response).
    pub fn push(self, response: impl Into<HttpResponse>) -> Self {
        self.lock()
            .in_order
            .push_back(Reply::Response(response.into()));
        self
    }

    /// Fails the next request (in order) with a transport error of `kind`.
    pub fn push_error(self, kind: TransportErrorKind) -> Self {
        self.lock().in_order.push_back(Reply::Fail(kind));
        self
    }

    /// Answers one request with `method` whose path ends with `path` (for example
    /// `"/meetings/1/livestream"`). Add it again to answer more requests.
    pub fn on(self, method: Method, path: &str, response: impl Into<HttpResponse>) -> Self {
        self.lock().routes.push(Route {
            method,
            path: path.to_owned(),
            reply: Reply::Response(response.into()),
        });
        self
    }

    /// Does not panic on drop when answers are left (for tests that stop early on purpose).
    pub fn allow_unused(self) -> Self {
        self.lock().allow_unused = true;
        self
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<SentRequest> {
        self.lock().requests.clone()
    }

    /// How many scripted answers are still unused.
    pub fn remaining(&self) -> usize {
        let state = self.lock();
        state.in_order.len() + state.routes.len()
    }

    /// Panics, naming them, if scripted answers are left unused.
    pub fn assert_all_used(&self) {
        let left = self.unused_description();
        assert!(
            left.is_empty(),
            "MockTransport: scripted answers left unused: {left}"
        );
    }

    fn unused_description(&self) -> String {
        let state = self.lock();
        let mut left: Vec<String> = state.in_order.iter().map(describe).collect();
        left.extend(
            state
                .routes
                .iter()
                .map(|r| format!("{} {} -> {}", r.method, r.path, describe(&r.reply))),
        );
        left.join(", ")
    }

    fn answer(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let (parts, body) = request.into_parts();
        let mut state = self.lock();
        let line = format!("{} {}", parts.method, parts.uri);
        let route = state
            .routes
            .iter()
            .position(|r| r.matches(&parts.method, &parts.uri));
        let reply = match route {
            Some(index) => Some(state.routes.remove(index).reply),
            None => state.in_order.pop_front(),
        };
        state.requests.push(SentRequest {
            method: parts.method,
            uri: parts.uri,
            headers: parts.headers,
            body,
        });
        drop(state);
        match reply {
            Some(reply) => reply.produce(),
            None => {
                panic!("MockTransport: unexpected request {line}: the script has no answer left")
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn describe(reply: &Reply) -> String {
    match reply {
        Reply::Response(response) => format!("HTTP {}", response.status()),
        Reply::Fail(kind) => format!("transport error {kind:?}"),
    }
}

impl Drop for MockTransport {
    fn drop(&mut self) {
        let last_clone = Arc::strong_count(&self.state) == 1;
        if !last_clone || std::thread::panicking() || self.lock().allow_unused {
            return;
        }
        let left = self.unused_description();
        assert!(
            left.is_empty(),
            "MockTransport dropped with scripted answers unused: {left}"
        );
    }
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("MockTransport")
            .field("answers_left", &(state.in_order.len() + state.routes.len()))
            .field("requests", &state.requests.len())
            .finish()
    }
}

#[async_trait::async_trait]
impl Transport for MockTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.answer(request)
    }
}

impl BlockingTransport for MockTransport {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.answer(request)
    }
}
