//! An asynchronous [`zoom_core::Transport`] on a pooled [`reqwest`] client.
//!
//! ```no_run
//! use zoom_core::{Transport, http};
//! use zoom_transport_reqwest::ReqwestTransport;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let transport = ReqwestTransport::builder()
//!     .timeout(std::time::Duration::from_secs(20))
//!     .build()?;
//! let request = http::Request::get("https://api.zoom.us/v2/users/me")
//!     .header("authorization", "Bearer <token>")
//!     .body(Vec::new())?;
//! let response = transport.send(request).await?;
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
//! | DNS failure, connection refused or unreachable, TLS handshake failure, connect timeout | `Connect` (the request never left) |
//! | The whole-call timeout ran out (also while reading the body) | `Timeout` |
//! | The connection broke while sending or receiving, or closed before the body was complete | `Io` |
//! | The response body is larger than the cap | `BodyTooLarge` |
//! | The answer's head breaks HTTP (not HTTP at all, a header section too large, more than 100 headers) | `Protocol` |
//! | Anything else (a URI reqwest cannot take, …) | `Other` |
//!
//! The request goes out as given: method, URI, headers (repeats included) and body. The
//! only additions are the framing headers (`Host`, `Content-Length`) and, when the request
//! has no `Accept` header, reqwest's default `Accept: */*`, which a reqwest client cannot be
//! built without. Neither headers nor bodies are ever logged, and `Debug` shows only the
//! settings.
//!
//! # Features
//!
//! - `rustls` (default): TLS through rustls, set up by reqwest (its `rustls` feature): the
//!   system's root certificates through rustls-platform-verifier, TLS 1.2 and 1.3, ALPN `h2`
//!   and `http/1.1`, on the crypto provider your program installed as the process default,
//!   or else aws-lc-rs, which reqwest uses without installing it. The transport stays on
//!   rustls even if another crate in the build turns on reqwest's `native-tls`.
//! - `native-tls`: TLS through the platform's library (OpenSSL on Linux). When both are
//!   enabled, reqwest uses native-tls.
//!
//! Cargo unifies features, so the reqwest features this crate turns on are also those of
//! any reqwest your program uses itself. `rustls` brings reqwest's complete rustls set-up,
//! provider included, so a client of your own builds and works as it did without this
//! crate: with reqwest's default features it is the same set-up, with `native-tls` reqwest
//! still picks native-tls for it, and without any TLS feature it still talks plain HTTP
//! (and could now talk HTTPS too).
//!
//! With this crate alone (or `zoom-live-stream`'s default features), aws-lc-rs is the only
//! crypto provider in the build, which is also what rustls and reqwest choose by default.
//! It is C code built by the `cc` crate: on x86-64 Linux a C compiler is all it needs, no
//! cmake. (reqwest offers no feature for ring, and `rustls-no-provider` would reach your own
//! reqwest as above, where its `Client::builder().build()` would panic for want of a
//! provider.)
//!
//! The blocking transport (zoom-transport-ureq) and the Redis store (zoom-store-redis) use
//! ring, so a build with either of them as well compiles both providers. The transports
//! each name their provider and keep working, but rustls can then no longer pick a
//! process-wide default from its crate features: code that calls
//! `rustls::ClientConfig::builder()` rather than `builder_with_provider` panics unless a
//! provider was installed first, e.g. with
//! `rustls::crypto::aws_lc_rs::default_provider().install_default()` at the start of
//! `main`. (The redis crate builds its `rediss://` config that way, so the Redis store
//! installs ring for a `rediss://` URL when nothing is installed yet.)
//!
//! A client you build yourself for [`ReqwestTransport::from_client`] gets reqwest's own TLS
//! set-up, the same as this transport's (unless reqwest's `native-tls` is on in the build,
//! which reqwest then prefers).
#![forbid(unsafe_code)]

use std::fmt;
use std::future::Future;
use std::time::Duration;

use zoom_core::SendFuture;
use zoom_core::http;
use zoom_core::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BODY, DEFAULT_TIMEOUT};
use zoom_core::{
    HttpRequest, HttpResponse, TimeLeft, Transport, TransportError, TransportErrorKind,
};

/// A [`Transport`] that sends requests through a pooled [`reqwest::Client`].
///
/// Cloning is cheap and shares the connection pool. Build one with
/// [`ReqwestTransport::new`], [`ReqwestTransport::builder`] or, to reuse a client you
/// configured yourself, [`ReqwestTransport::from_client`].
#[derive(Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    /// A client without proxies, for loopback hosts, when the environment names a proxy.
    direct: Option<reqwest::Client>,
    timeout: Duration,
    max_response_body: usize,
    /// The connect timeout this crate configured, or `None` for a user's client.
    connect_timeout: Option<Duration>,
}

impl ReqwestTransport {
    /// A transport with the default settings: connect timeout 10 s, whole-call timeout 30 s,
    /// response bodies up to 4 MiB, no redirects followed.
    ///
    /// Fails (with [`TransportErrorKind::Other`]) only if the TLS backend cannot be
    /// initialised (with `rustls`: the system has no root certificates to load).
    pub fn new() -> Result<Self, TransportError> {
        Self::builder().build()
    }

    /// A builder to change the timeouts or the body cap.
    pub fn builder() -> ReqwestTransportBuilder {
        ReqwestTransportBuilder::default()
    }

    /// A transport on a client you built yourself (for a proxy, custom TLS roots, …), with
    /// the default 30 s whole-call timeout (applied to each request) and 4 MiB body cap.
    ///
    /// Build the client with `redirect(reqwest::redirect::Policy::none())`: a built
    /// client's redirect policy cannot be changed, and reqwest follows up to 10 redirects
    /// by default, which would break the rule that a redirect comes back as a response.
    /// The client's connect timeout and default headers apply as they are. Its TLS is
    /// reqwest's (see the crate's Features section).
    ///
    /// ```
    /// let client = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .connect_timeout(std::time::Duration::from_secs(5))
    ///     .build()
    ///     .unwrap();
    /// let transport = zoom_transport_reqwest::ReqwestTransport::from_client(client)
    ///     .with_timeout(std::time::Duration::from_secs(60));
    /// # let _ = transport;
    /// ```
    pub fn from_client(client: reqwest::Client) -> Self {
        Self {
            client,
            direct: None,
            timeout: DEFAULT_TIMEOUT,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            connect_timeout: None,
        }
    }

    /// The same transport with a different cap on response bodies, in bytes.
    pub fn with_max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// The same transport with a different whole-call timeout, from connecting to reading
    /// the last body byte.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The cap on response bodies, in bytes.
    pub fn max_response_body(&self) -> usize {
        self.max_response_body
    }

    /// The whole-call timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Starts the call: everything up to reqwest's pending future, which does nothing until
    /// polled. Done before the boxed future is built, so that the box holds that 16-byte
    /// future rather than the request twice over (ours and reqwest's).
    fn start(
        &self,
        mut request: HttpRequest,
    ) -> Result<impl Future<Output = reqwest::Result<reqwest::Response>> + use<>, TransportError>
    {
        if request.body().is_empty()
            && method_has_content(request.method())
            && !request.headers().contains_key(http::header::CONTENT_LENGTH)
            && !request
                .headers()
                .contains_key(http::header::TRANSFER_ENCODING)
        {
            // hyper sends no framing header for an empty body, but a POST, PUT or PATCH
            // without content should still say `Content-Length: 0` (RFC 9110, 8.6).
            request.headers_mut().insert(
                http::header::CONTENT_LENGTH,
                http::HeaderValue::from_static("0"),
            );
        }
        let client = match &self.direct {
            Some(direct) if zoom_core::is_loopback(request.uri()) => direct,
            _ => &self.client,
        };
        Ok(client.execute(convert(request)?))
    }
}

/// Waits for the answer and reads its body, up to `cap` bytes.
async fn receive(
    pending: impl Future<Output = reqwest::Result<reqwest::Response>>,
    cap: usize,
) -> Result<HttpResponse, TransportError> {
    let mut response = pending.await.map_err(map_error)?;
    // Content-Length is checked up front, and the bytes are counted while reading, since
    // the header can be absent (chunked, close-delimited) or lie.
    let announced = response.content_length().unwrap_or(0);
    if announced > cap as u64 {
        return Err(too_large(cap));
    }
    let mut body = Vec::with_capacity(announced as usize);
    while let Some(chunk) = response.chunk().await.map_err(map_error)? {
        if chunk.len() > cap - body.len() {
            return Err(too_large(cap));
        }
        body.extend_from_slice(&chunk);
    }

    let mut out = http::Response::new(body);
    *out.status_mut() = response.status();
    *out.version_mut() = response.version();
    *out.headers_mut() = std::mem::take(response.headers_mut());
    Ok(out)
}

/// The `reqwest::Request` for `request`. reqwest's own `TryFrom` formats the `Uri` with
/// `Display` before parsing it as a `Url`; joining its parts is cheaper, and the `Url` parse
/// (which any reqwest call pays) stays the only parse.
fn convert(request: HttpRequest) -> Result<reqwest::Request, TransportError> {
    let (parts, body) = request.into_parts();
    let uri = &parts.uri;
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Err(TransportError::new(
            TransportErrorKind::Other,
            format!("the request URI {uri} is not absolute"),
        ));
    };
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut text = String::with_capacity(scheme.len() + 3 + authority.as_str().len() + path.len());
    for part in [scheme, "://", authority.as_str(), path] {
        text.push_str(part);
    }
    let url = reqwest::Url::parse(&text)
        .map_err(|e| TransportError::new(TransportErrorKind::Other, e))?;
    let mut request = reqwest::Request::new(parts.method, url);
    *request.headers_mut() = parts.headers;
    *request.version_mut() = parts.version;
    *request.body_mut() = Some(body.into());
    Ok(request)
}

// Written out rather than with `#[async_trait]`, which would move `request` into the boxed
// future: starting the call first keeps that box small, which is most of the memory a call in flight holds.
impl Transport for ReqwestTransport {
    fn send<'a, 'f>(&'a self, request: HttpRequest) -> SendFuture<'f>
    where
        'a: 'f,
        Self: 'f,
    {
        // The call's deadline, when it is nearer than the whole-call timeout.
        let timeout = match request.extensions().get::<TimeLeft>() {
            Some(TimeLeft(left)) => self.timeout.min(*left),
            None => self.timeout,
        };
        let pending = self.start(request);
        let cap = self.max_response_body;
        Box::pin(async move {
            // One timer for the whole call, connecting to the last body byte. (reqwest's own
            // per-request timeout arms one for the answer and another for the body.)
            match tokio::time::timeout(timeout, receive(pending?, cap)).await {
                Ok(result) => result,
                Err(_elapsed) => Err(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!("no whole answer within {timeout:?}"),
                )),
            }
        })
    }
}

impl Default for ReqwestTransport {
    /// Same as [`ReqwestTransport::new`].
    ///
    /// # Panics
    ///
    /// If the TLS backend cannot be initialised, like `reqwest::Client::new`. Use
    /// [`ReqwestTransport::new`] to get that as an error instead.
    fn default() -> Self {
        Self::new().expect("zoom-transport-reqwest: could not initialise the HTTP client")
    }
}

impl fmt::Debug for ReqwestTransport {
    // Not the client's own `Debug`: that one prints its default headers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("ReqwestTransport");
        match self.connect_timeout {
            Some(connect) => debug.field("connect_timeout", &connect),
            None => debug.field("client", &"user-supplied"),
        };
        debug
            .field("timeout", &self.timeout)
            .field("max_response_body", &self.max_response_body)
            .finish_non_exhaustive()
    }
}

/// Configures a [`ReqwestTransport`]; start from [`ReqwestTransport::builder`].
#[derive(Debug, Clone)]
pub struct ReqwestTransportBuilder {
    connect_timeout: Duration,
    timeout: Duration,
    max_response_body: usize,
}

impl Default for ReqwestTransportBuilder {
    fn default() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
        }
    }
}

impl ReqwestTransportBuilder {
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
    /// Fails (with [`TransportErrorKind::Other`]) only if the TLS backend cannot be
    /// initialised.
    pub fn build(self) -> Result<ReqwestTransport, TransportError> {
        let builder = || {
            let builder = reqwest::Client::builder();
            // rustls even when another crate in the build turns on reqwest's native-tls, which
            // reqwest would otherwise prefer: this crate's features choose its TLS.
            #[cfg(all(feature = "rustls", not(feature = "native-tls")))]
            let builder = builder.tls_backend_rustls();
            builder
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(self.connect_timeout)
                // Bodies pass through as sent, even if another crate turns these features on.
                .no_gzip()
                .no_brotli()
                .no_deflate()
                .no_zstd()
        };
        let build = |builder: reqwest::ClientBuilder| {
            builder
                .build()
                .map_err(|e| TransportError::new(TransportErrorKind::Other, e))
        };
        let client = build(builder())?;
        // reqwest honours the proxy variables for every host; loopback (a local simulator)
        // must never go through one, so such requests take a proxy-less twin.
        let direct = proxy_in_env()
            .then(|| build(builder().no_proxy()))
            .transpose()?;
        Ok(ReqwestTransport {
            client,
            direct,
            timeout: self.timeout,
            max_response_body: self.max_response_body,
            connect_timeout: Some(self.connect_timeout),
        })
    }
}

/// Whether the environment names a proxy reqwest would use.
fn proxy_in_env() -> bool {
    [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .iter()
    .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// Whether a request with this method normally carries content, so an empty body is still
/// announced with `Content-Length: 0`.
fn method_has_content(method: &http::Method) -> bool {
    matches!(
        *method,
        http::Method::POST | http::Method::PUT | http::Method::PATCH
    )
}

fn too_large(cap: usize) -> TransportError {
    TransportError::new(
        TransportErrorKind::BodyTooLarge,
        format!("the response body is larger than the {cap}-byte cap"),
    )
}

/// Maps reqwest's error to the transport contract, keeping it as the source.
fn map_error(error: reqwest::Error) -> TransportError {
    // A connect timeout is both `is_connect` and `is_timeout`: the request never left, and
    // saying so lets the caller retry even a call that changes state.
    let kind = if error.is_builder() {
        TransportErrorKind::Other
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if breaks_http(&error) {
        TransportErrorKind::Protocol
    } else if error.is_request() || error.is_body() || error.is_decode() {
        TransportErrorKind::Io
    } else {
        TransportErrorKind::Other
    };
    TransportError::new(kind, error)
}

/// Whether hyper, somewhere under `error`, refused the answer's head as broken HTTP.
fn breaks_http(error: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = cause {
        if error
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_parse)
        {
            return true;
        }
        cause = error.source();
    }
    false
}
