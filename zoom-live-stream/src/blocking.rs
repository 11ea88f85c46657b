//! The blocking client: zoom-core's blocking client on a pooled ureq agent, with no async
//! runtime anywhere (feature `blocking`).
//!
//! ```no_run
//! use zoom_live_stream::MeetingId;
//!
//! # fn run() -> zoom_live_stream::Result<()> {
//! let client = zoom_live_stream::blocking::Client::builder()
//!     .bearer_token("token")
//!     .build()?;
//! let stream = client.meeting_live_stream(MeetingId::new(85746065432))?;
//! println!("{:?}", stream.stream_url);
//! # Ok(()) }
//! ```

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use zoom_core::blocking::BlockingParts;
use zoom_core::{BlockingTransport, Result};
use zoom_transport_ureq::UreqTransport;

type CoreBuilder = zoom_core::ClientBuilder<BlockingParts>;
type Step = Box<dyn FnOnce(CoreBuilder) -> CoreBuilder + Send>;

/// The blocking client: every method of [`zoom_core::blocking::Client`] (reached through
/// `Deref`), sent through a pooled ureq agent. Cheap to clone; clones (across threads too)
/// share the connection pool, token cache and limiter.
#[derive(Clone, Debug)]
pub struct Client {
    inner: zoom_core::blocking::Client,
}

impl Client {
    /// Starts configuring a client on the default transport: ureq with rustls, 10 s to
    /// connect, 30 s per call, bodies up to 4 MiB.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            transport: None,
            connect_timeout: None,
            timeout: None,
            steps: Vec::new(),
        }
    }

    /// Starts configuring a client on your own transport, for example a closure:
    ///
    /// ```
    /// use zoom_live_stream::{FnTransport, HttpRequest, MeetingId};
    ///
    /// let transport = FnTransport(|_: HttpRequest| {
    ///     Ok(zoom_live_stream::http::Response::builder()
    ///         .status(200)
    ///         .body(br#"{"stream_url":"rtmp://live.example/app"}"#.to_vec())
    ///         .unwrap())
    /// });
    /// let client = zoom_live_stream::blocking::Client::builder_with(transport)
    ///     .bearer_token("token")
    ///     .build()
    ///     .unwrap();
    /// let stream = client.meeting_live_stream(MeetingId::new(1)).unwrap();
    /// assert_eq!(stream.stream_url.as_deref(), Some("rtmp://live.example/app"));
    /// ```
    pub fn builder_with(transport: impl BlockingTransport + 'static) -> ClientBuilder {
        ClientBuilder {
            transport: Some(Arc::new(transport)),
            ..Self::builder()
        }
    }

    /// The zoom-core client inside.
    pub fn into_inner(self) -> zoom_core::blocking::Client {
        self.inner
    }
}

impl Deref for Client {
    type Target = zoom_core::blocking::Client;

    fn deref(&self) -> &zoom_core::blocking::Client {
        &self.inner
    }
}

impl From<zoom_core::blocking::Client> for Client {
    fn from(inner: zoom_core::blocking::Client) -> Self {
        Self { inner }
    }
}

/// Configures a blocking [`Client`]; start from [`Client::builder`]. The settings are
/// zoom-core's ([`zoom_core::ClientBuilder`]), plus the default transport's timeouts.
pub struct ClientBuilder {
    transport: Option<Arc<dyn BlockingTransport>>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    steps: Vec<Step>,
}

impl ClientBuilder {
    /// Applies any setting of [`zoom_core::ClientBuilder`] directly, for example another
    /// sleeper.
    pub fn configure(
        mut self,
        step: impl FnOnce(CoreBuilder) -> CoreBuilder + Send + 'static,
    ) -> Self {
        self.steps.push(Box::new(step));
        self
    }

    crate::forward_builder_methods!();

    /// Checks the configuration and builds the client. Fails with an input error for a
    /// missing credential or a malformed base URL; nothing is sent.
    pub fn build(self) -> Result<Client> {
        let transport: Arc<dyn BlockingTransport> = match self.transport {
            Some(transport) => transport,
            None => {
                let mut builder = UreqTransport::builder();
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                if let Some(timeout) = self.timeout {
                    builder = builder.timeout(timeout);
                }
                Arc::new(builder.build())
            }
        };
        let core = zoom_core::blocking::Client::builder(transport);
        let core = self.steps.into_iter().fold(core, |core, step| step(core));
        Ok(Client {
            inner: core.build()?,
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "transport",
                &if self.transport.is_some() {
                    "custom"
                } else {
                    "ureq"
                },
            )
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("settings", &self.steps.len())
            .finish()
    }
}
