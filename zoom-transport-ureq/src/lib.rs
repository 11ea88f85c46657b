//! A blocking [`zoom_core::BlockingTransport`] on a pooled [`ureq`] 3 agent, with no async
//! runtime anywhere in its dependency tree.
//!
//! ```no_run
//! use zoom_core::{BlockingTransport, http};
//! use zoom_transport_ureq::UreqTransport;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let transport = UreqTransport::builder()
//!     .timeout(std::time::Duration::from_secs(20))
//!     .build();
//! let request = http::Request::get("https://api.zoom.us/v2/users/me")
//!     .header("authorization", "Bearer <token>")
//!     .body(Vec::new())?;
//! let response = transport.send(request)?;
//! println!("HTTP {}", response.status());
//! # Ok(())
//! # }
//! ```
//!
//! The transport is deliberately dumb: every HTTP status (4xx and 5xx included) comes back
//! as `Ok(response)` with its status, headers and body unchanged, redirects are not followed,
//! and only a failure to talk becomes a [`TransportError`]:
//!
//! | What happened | [`TransportErrorKind`] |
//! |---|---|
//! | DNS failure, connection refused or unreachable, TLS certificate or handshake refusal, connect timeout | `Connect` (the request never left) |
//! | The whole-call timeout ran out (also while reading the body) | `Timeout` |
//! | The connection broke while sending or receiving, or closed before the body was complete | `Io` |
//! | The response body is larger than the cap | `BodyTooLarge` |
//! | The answer's head breaks HTTP (not HTTP at all, a header section over 64 KiB, more than 128 headers, a bad `Content-Length`) | `Protocol` |
//! | Anything else (an invalid URI, …) | `Other` |
//!
//! `Connect` is only reported when the request provably never left. ureq reports a
//! connection cut during the TLS handshake (end of file, reset) the same way as one cut
//! in mid-answer, so that case is `Io`.
//!
//! The request goes out as given: method, URI, headers (repeats included) and body, plus
//! only the framing headers (`Host`, `Content-Length`). A transport built here adds no
//! `User-Agent` or `Accept` of its own. Neither headers nor bodies are ever logged, and
//! `Debug` shows only the settings.
#![forbid(unsafe_code)]

mod resolver;

use std::fmt;
use std::io;
use std::time::Duration;

use ureq::unversioned::transport::DefaultConnector;
use ureq::{Agent, AsSendBody, Body, RequestExt, Timeout};
use zoom_core::TimeLeft;
use zoom_core::http;
use zoom_core::{BlockingTransport, HttpRequest, HttpResponse, TransportError, TransportErrorKind};

use zoom_core::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BODY, DEFAULT_TIMEOUT};

/// A [`BlockingTransport`] that sends requests through a pooled [`ureq::Agent`].
///
/// Cloning is cheap and shares the connection pool. Build one with [`UreqTransport::new`],
/// [`UreqTransport::builder`] or, to reuse an agent you configured yourself,
/// [`UreqTransport::from_agent`].
#[derive(Clone)]
pub struct UreqTransport {
    agent: Agent,
    /// An agent without a proxy, for loopback hosts, when the environment names a proxy.
    direct: Option<Agent>,
    max_response_body: usize,
    /// The timeouts this crate configured, or `None` for a user's agent.
    timeouts: Option<(Duration, Duration)>,
}

impl UreqTransport {
    /// A transport with the default settings: connect timeout 10 s, whole-call timeout 30 s,
    /// response bodies up to 4 MiB, no redirects followed.
    ///
    /// This cannot fail today; the `Result` keeps the signature the same as the other
    /// transports' and leaves room for a TLS setup that can.
    pub fn new() -> Result<Self, TransportError> {
        Ok(Self::builder().build())
    }

    /// A builder to change the timeouts or the body cap.
    pub fn builder() -> UreqTransportBuilder {
        UreqTransportBuilder::default()
    }

    /// A transport on an agent you built yourself (for a proxy, custom TLS roots, …), with
    /// the default 4 MiB body cap.
    ///
    /// Build the agent with `http_status_as_error(false)` and `max_redirects(0)`. The
    /// transport also enforces both on every request, so an agent configured otherwise
    /// still returns 4xx/5xx answers and redirects as responses. The agent's own timeouts
    /// apply as they are: give it a `timeout_global` (and a `timeout_connect`), or a
    /// stalled server can block a call forever. An agent built with ureq's default resolver
    /// and any timeout starts a thread for every call to look the host up;
    /// [`UreqTransport::builder`] builds one that does not.
    pub fn from_agent(agent: Agent) -> Self {
        Self {
            agent,
            direct: None,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            timeouts: None,
        }
    }

    /// The same transport with a different cap on response bodies, in bytes.
    pub fn with_max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// The cap on response bodies, in bytes.
    pub fn max_response_body(&self) -> usize {
        self.max_response_body
    }

    fn exchange(&self, request: HttpRequest) -> Result<HttpResponse, ureq::Error> {
        let (parts, body) = request.into_parts();
        let left = parts.extensions.get::<TimeLeft>().map(|left| left.0);
        let mut response = if body.is_empty() && !method_has_content(&parts.method) {
            // An empty `Vec` would make ureq announce `Content-Length: 0` on a GET.
            self.run(http::Request::from_parts(parts, ()), left)?
        } else {
            self.run(http::Request::from_parts(parts, body), left)?
        };
        let cap = self.max_response_body as u64;
        let body = response.body_mut();
        if let Some(length) = body.content_length()
            && length > cap
        {
            return Err(ureq::Error::BodyExceedsLimit(cap));
        }
        let bytes = body.with_config().limit(cap).read_to_vec()?;
        let (mut parts, _) = response.into_parts();
        // ureq's own bookkeeping (final URI, timings) is not part of the contract.
        parts.extensions.clear();
        Ok(HttpResponse::from_parts(parts, bytes))
    }

    /// Runs `request` on the agent, forcing the settings the contract needs on the request
    /// when the agent does not have them already, and the call's deadline (`left`, from
    /// [`TimeLeft`]) when it is nearer than the agent's whole-call timeout. (Only then: a
    /// request-level config makes ureq set up TLS afresh for each new connection instead
    /// of using the agent's cached setup.)
    fn run(
        &self,
        request: http::Request<impl AsSendBody>,
        left: Option<Duration>,
    ) -> Result<http::Response<Body>, ureq::Error> {
        let agent = match &self.direct {
            Some(direct) if zoom_core::is_loopback(request.uri()) => direct,
            _ => &self.agent,
        };
        let config = agent.config();
        let global = config.timeouts().global;
        let deadline = left.filter(|left| global.is_none_or(|global| *left < global));
        if deadline.is_none()
            && !config.http_status_as_error()
            && config.max_redirects() == 0
            && config.allow_non_standard_methods()
        {
            return agent.run(request);
        }
        let configured = request
            .with_agent(agent)
            .configure()
            .http_status_as_error(false)
            .max_redirects(0)
            .allow_non_standard_methods(true);
        match deadline {
            Some(left) => configured.timeout_global(Some(left)).run(),
            None => configured.run(),
        }
    }
}

/// Whether a request with this method normally carries content, so an empty body is still
/// announced with `Content-Length: 0`.
fn method_has_content(method: &http::Method) -> bool {
    matches!(
        *method,
        http::Method::POST | http::Method::PUT | http::Method::PATCH
    )
}

impl BlockingTransport for UreqTransport {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.exchange(request).map_err(map_error)
    }
}

impl Default for UreqTransport {
    /// Same as [`UreqTransport::new`].
    fn default() -> Self {
        Self::builder().build()
    }
}

impl fmt::Debug for UreqTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("UreqTransport");
        debug.field("max_response_body", &self.max_response_body);
        match self.timeouts {
            Some((connect, whole_call)) => debug
                .field("connect_timeout", &connect)
                .field("timeout", &whole_call),
            None => debug.field("agent", &"user-supplied"),
        };
        debug.finish_non_exhaustive()
    }
}

/// Configures a [`UreqTransport`]; start from [`UreqTransport::builder`].
#[derive(Debug, Clone)]
pub struct UreqTransportBuilder {
    connect_timeout: Duration,
    timeout: Duration,
    max_response_body: usize,
}

impl Default for UreqTransportBuilder {
    fn default() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
        }
    }
}

impl UreqTransportBuilder {
    /// The time allowed to establish a connection, DNS and TLS included (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time allowed for a whole call, from connecting to reading the last body byte
    /// (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest response body accepted, in bytes (default 4 MiB); a larger one is a
    /// [`TransportErrorKind::BodyTooLarge`] error.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// Builds the transport and its connection pool.
    ///
    /// Unlike an agent built with ureq's defaults, the transport starts no thread per call:
    /// an IP literal needs no lookup, and a host name's addresses are looked up (under the
    /// connect timeout) at most once every 30 s.
    pub fn build(self) -> UreqTransport {
        let config = || {
            Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .allow_non_standard_methods(true)
                // No automatic User-Agent or Accept: the request's headers are sent as given.
                .user_agent("")
                .accept("")
                .accept_encoding("")
                .timeout_connect(Some(self.connect_timeout))
                .timeout_global(Some(self.timeout))
        };
        // ureq's default resolver starts a thread for every call once a timeout is set;
        // this one answers IP literals at once and reuses a host name's answer briefly.
        let agent = |config: ureq::config::Config| {
            Agent::with_parts(
                config,
                DefaultConnector::new(),
                resolver::CachingResolver::default(),
            )
        };
        // ureq honours the proxy variables for every host; loopback (a local simulator)
        // must never go through one, so such requests take a proxy-less twin.
        let direct = ureq::Proxy::try_from_env().map(|_| agent(config().proxy(None).build()));
        UreqTransport {
            agent: agent(config().build()),
            direct,
            max_response_body: self.max_response_body,
            timeouts: Some((self.connect_timeout, self.timeout)),
        }
    }
}

/// Maps ureq's error to the transport contract, keeping it as the source.
fn map_error(error: ureq::Error) -> TransportError {
    let kind = match &error {
        ureq::Error::Timeout(Timeout::Resolve | Timeout::Connect) => TransportErrorKind::Connect,
        ureq::Error::Timeout(_) => TransportErrorKind::Timeout,
        ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::ConnectProxyFailed(_)
        | ureq::Error::Tls(_)
        | ureq::Error::Rustls(_) => TransportErrorKind::Connect,
        ureq::Error::BodyExceedsLimit(_) => TransportErrorKind::BodyTooLarge,
        ureq::Error::LargeResponseHeader(..) => TransportErrorKind::Protocol,
        ureq::Error::Protocol(error) => protocol_kind(error),
        ureq::Error::Io(io) => io_kind(io),
        ureq::Error::BodyStalled => TransportErrorKind::Io,
        _ => TransportErrorKind::Other,
    };
    TransportError::new(kind, error)
}

/// Sorts an error of ureq's HTTP/1.1 state machine the way hyper (under reqwest) sorts
/// the same fault: an answer head that breaks HTTP is `Protocol`, a broken chunked framing
/// is `Io` (like a connection cut in mid-body), and what is wrong with the request itself
/// is `Other`.
fn protocol_kind(error: &ureq_proto::Error) -> TransportErrorKind {
    use ureq_proto::Error as E;
    match error {
        E::HttpParseFail(_)
        | E::HttpParseTooManyHeaders
        | E::UnsupportedVersion
        | E::BadHeader(_)
        | E::BadContentLengthHeader
        | E::TooManyContentLengthHeaders
        | E::ConflictingBodyHeaders
        | E::HeadersWith100 => TransportErrorKind::Protocol,
        E::ChunkLenNotAscii | E::ChunkLenNotANumber | E::ChunkExpectedCrLf => {
            TransportErrorKind::Io
        }
        _ => TransportErrorKind::Other,
    }
}

/// Sorts an I/O error: those that can only come from `connect(2)` or the TLS handshake
/// mean the request never left; any other broke an exchange under way.
fn io_kind(error: &io::Error) -> TransportErrorKind {
    match error.kind() {
        io::ErrorKind::ConnectionRefused
        | io::ErrorKind::HostUnreachable
        | io::ErrorKind::NetworkUnreachable
        | io::ErrorKind::NetworkDown
        | io::ErrorKind::AddrNotAvailable => TransportErrorKind::Connect,
        io::ErrorKind::TimedOut => TransportErrorKind::Timeout,
        _ if is_tls_handshake_failure(error) => TransportErrorKind::Connect,
        _ => TransportErrorKind::Io,
    }
}

/// Whether `error` carries a rustls error that only the handshake can raise (ureq runs the
/// handshake while connecting, before any byte of the request is written).
fn is_tls_handshake_failure(error: &io::Error) -> bool {
    let Some(tls) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    else {
        return false;
    };
    matches!(
        tls,
        rustls::Error::InvalidCertificate(_)
            | rustls::Error::NoCertificatesPresented
            | rustls::Error::UnsupportedNameType
            | rustls::Error::PeerIncompatible(_)
            | rustls::Error::InappropriateHandshakeMessage { .. }
            | rustls::Error::InvalidCertRevocationList(_)
            | rustls::Error::HandshakeNotComplete
            | rustls::Error::NoApplicationProtocol
    )
}
