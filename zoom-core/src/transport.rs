//! The two transport traits: the only place where bytes meet the network.
//!
//! A transport takes a whole [`http::Request<Vec<u8>>`] and returns a whole
//! [`http::Response<Vec<u8>>`]. It is deliberately dumb: every HTTP status (4xx and 5xx
//! included) comes back as `Ok(response)`; only a failure to talk (connect, timeout, I/O,
//! a body over the size cap) is a [`TransportError`]. Auth, retries, encoding and error
//! mapping all live in zoom-core, once, for both traits.

use std::time::Duration;

use crate::error::TransportError;
use crate::seam::seam;

/// The cap on a response body every shipped transport applies by default: 4 MiB.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 4 * 1024 * 1024;
/// The time allowed to establish a connection (DNS, TCP and TLS) by default: 10 seconds.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The time allowed for a whole call, from connecting to the last body byte, by default:
/// 30 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The most a request may take: what is left of its call's time budget
/// ([`RetryPolicy::max_elapsed`](crate::RetryPolicy::max_elapsed)), as an extension of the
/// request (`request.extensions().get::<TimeLeft>()`).
///
/// A call attaches it to every request it sends once time has passed since its first send:
/// a retry, a request after a token fetch or after a wait. A transport honours it by giving
/// up with [`TransportErrorKind::Timeout`](crate::TransportErrorKind::Timeout) after the
/// shorter of it and its own whole-call timeout, so that the call ends by its deadline;
/// both shipped transports do. A transport that ignores it lets such a request run to its
/// own timeout, as before.
///
/// ```
/// use std::time::Duration;
/// use zoom_core::{DEFAULT_TIMEOUT, TimeLeft};
///
/// # let request = zoom_core::http::Request::new(Vec::<u8>::new());
/// let timeout = match request.extensions().get::<TimeLeft>() {
///     Some(TimeLeft(left)) => DEFAULT_TIMEOUT.min(*left),
///     None => DEFAULT_TIMEOUT,
/// };
/// # assert_eq!(timeout, DEFAULT_TIMEOUT);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeLeft(pub Duration);

/// Whether `uri` points at this machine: `localhost` (or a name under `.localhost`),
/// `127.0.0.0/8` or `[::1]`. The shipped transports never send such a request through a
/// proxy from the environment: a local simulator or test server is always reached directly.
///
/// ```
/// use zoom_core::is_loopback;
///
/// assert!(is_loopback(&"http://127.0.0.1:8080/v2".parse().unwrap()));
/// assert!(is_loopback(&"http://[::1]/v2".parse().unwrap()));
/// assert!(is_loopback(&"http://LOCALHOST./v2".parse().unwrap()));
/// assert!(!is_loopback(&"https://api.zoom.us/v2".parse().unwrap()));
/// ```
pub fn is_loopback(uri: &http::Uri) -> bool {
    let Some(host) = uri.host() else {
        return false;
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host == "localhost" || host.ends_with(".localhost"),
    }
}

/// A whole HTTP request as zoom-core builds it.
pub type HttpRequest = http::Request<Vec<u8>>;
/// A whole HTTP response as a transport returns it.
pub type HttpResponse = http::Response<Vec<u8>>;

seam! {
    /// An asynchronous HTTP transport.
    ///
    /// Object safe: `Arc<dyn Transport>` and `Box<dyn Transport>` are transports too.
    ///
    /// ```
    /// use zoom_core::{HttpRequest, HttpResponse, Transport, TransportError};
    ///
    /// struct AlwaysNoContent;
    ///
    /// #[async_trait::async_trait]
    /// impl Transport for AlwaysNoContent {
    ///     async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
    ///         Ok(http::Response::builder().status(204).body(Vec::new()).unwrap())
    ///     }
    /// }
    /// let shared: std::sync::Arc<dyn Transport> = std::sync::Arc::new(AlwaysNoContent);
    /// # let _ = shared;
    /// ```
    pub trait Transport, future SendFuture;

    /// A blocking HTTP transport.
    ///
    /// A closure can be used through [`FnTransport`]:
    ///
    /// ```
    /// use zoom_core::{BlockingTransport, FnTransport};
    ///
    /// let transport = FnTransport(|_request: zoom_core::HttpRequest| {
    ///     Ok(http::Response::builder().status(204).body(Vec::new()).unwrap())
    /// });
    /// let response = transport.send(http::Request::new(Vec::new())).unwrap();
    /// assert_eq!(response.status(), 204);
    /// ```
    pub trait BlockingTransport;

    /// Sends `request` and returns the whole response, whatever its status.
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// Adapts a closure `Fn(HttpRequest) -> Result<HttpResponse, TransportError>` into a
/// [`BlockingTransport`].
#[derive(Clone)]
pub struct FnTransport<F>(pub F);

impl<F> std::fmt::Debug for FnTransport<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FnTransport")
    }
}

impl<F> BlockingTransport for FnTransport<F>
where
    F: Fn(HttpRequest) -> Result<HttpResponse, TransportError> + Send + Sync,
{
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (self.0)(request)
    }
}

/// Adapts an async closure `Fn(HttpRequest) -> impl Future<Output = Result<HttpResponse,
/// TransportError>>` into a [`Transport`]: the async counterpart of [`FnTransport`].
///
/// ```
/// use zoom_core::{AsyncFnTransport, HttpRequest, MeetingId};
///
/// let transport = AsyncFnTransport(|_request: HttpRequest| async {
///     Ok(http::Response::builder()
///         .status(200)
///         .body(br#"{"stream_url":"rtmp://live.example/app"}"#.to_vec())
///         .unwrap())
/// });
/// let client = zoom_core::Client::builder().transport(transport).bearer_token("token").build().unwrap();
/// # let _ = client.meeting_live_stream(MeetingId::new(1));
/// ```
#[derive(Clone)]
pub struct AsyncFnTransport<F>(pub F);

impl<F> std::fmt::Debug for AsyncFnTransport<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AsyncFnTransport")
    }
}

#[async_trait::async_trait]
impl<F, Fut> Transport for AsyncFnTransport<F>
where
    F: Fn(HttpRequest) -> Fut + Send + Sync,
    Fut: std::future::Future<Output = Result<HttpResponse, TransportError>> + Send,
{
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (self.0)(request).await
    }
}
