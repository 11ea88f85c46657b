//! The async client: zoom-core's client on reqwest, waiting on tokio's timer.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use zoom_core::client::AsyncParts;
use zoom_core::{Result, Transport};
use zoom_transport_reqwest::{ReqwestTransport, TokioSleep, TokioSpawn};

type CoreBuilder = zoom_core::ClientBuilder<AsyncParts>;
type Step = Box<dyn FnOnce(CoreBuilder) -> CoreBuilder + Send>;

/// The async client: every method of [`zoom_core::Client`] (reached through `Deref`), sent
/// through a pooled reqwest client, with retry waits on tokio's timer. Call it from within
/// a tokio runtime. Cheap to clone; clones share the connection pool, token cache and
/// limiter. A Server-to-Server token is refreshed ahead of its expiry by a task on that
/// runtime, so no call waits for Zoom's token endpoint while a valid token exists (a
/// user-OAuth grant is refreshed ahead by the call that claims it, which waits).
///
/// ```no_run
/// use zoom_live_stream::{Client, LiveStreamStatus, MeetingId};
///
/// # async fn run() -> zoom_live_stream::Result<()> {
/// let client = Client::builder()
///     .server_to_server_oauth("account-id", "client-id", "client-secret")
///     .build()?;
/// let meeting = MeetingId::new(85746065432);
/// let stream = client.meeting_live_stream(meeting).await?;
/// println!("{:?}", stream.stream_url);
/// client.update_meeting_live_stream_status(meeting, &LiveStreamStatus::start()).await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    inner: zoom_core::Client,
}

impl Client {
    /// Starts configuring a client on the default transport: reqwest with rustls (or
    /// native-tls), 10 s to connect, 30 s per call, bodies up to 4 MiB.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            transport: None,
            connect_timeout: None,
            timeout: None,
            steps: Vec::new(),
        }
    }

    /// Starts configuring a client on your own transport, still waiting on tokio's timer.
    ///
    /// ```
    /// use zoom_live_stream::{Client, HttpRequest, HttpResponse, Transport, TransportError};
    ///
    /// struct NoContent;
    ///
    /// #[zoom_live_stream::async_trait]
    /// impl Transport for NoContent {
    ///     async fn send(&self, _: HttpRequest) -> Result<HttpResponse, TransportError> {
    ///         Ok(zoom_live_stream::http::Response::builder().status(204).body(Vec::new()).unwrap())
    ///     }
    /// }
    ///
    /// let client = Client::builder_with(NoContent).bearer_token("token").build().unwrap();
    /// # let _ = client;
    /// ```
    pub fn builder_with(transport: impl Transport + 'static) -> ClientBuilder {
        ClientBuilder {
            transport: Some(Arc::new(transport)),
            ..Self::builder()
        }
    }

    /// The zoom-core client inside.
    pub fn into_inner(self) -> zoom_core::Client {
        self.inner
    }
}

impl Deref for Client {
    type Target = zoom_core::Client;

    fn deref(&self) -> &zoom_core::Client {
        &self.inner
    }
}

impl From<zoom_core::Client> for Client {
    fn from(inner: zoom_core::Client) -> Self {
        Self { inner }
    }
}

/// Configures a [`Client`]; start from [`Client::builder`]. The settings are zoom-core's
/// ([`zoom_core::ClientBuilder`]), plus the default transport's timeouts.
pub struct ClientBuilder {
    transport: Option<Arc<dyn Transport>>,
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

    /// Share the token cache and the rate limiter's schedule with every process using the
    /// same store (`zoom_live_stream::redis::RedisStore`, feature `redis`); see
    /// `zoom_core::ClientBuilder::shared_store`.
    pub fn shared_store(self, store: impl zoom_core::store::SharedStore + 'static) -> Self {
        self.configure(move |b| b.shared_store(store))
    }

    /// Checks the configuration and builds the client. Fails with an input error for a
    /// missing credential or a malformed base URL, or a transport error if the TLS backend
    /// cannot be initialised; nothing is sent.
    pub fn build(self) -> Result<Client> {
        let transport: Arc<dyn Transport> = match self.transport {
            Some(transport) => transport,
            None => {
                let mut builder = ReqwestTransport::builder();
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                if let Some(timeout) = self.timeout {
                    builder = builder.timeout(timeout);
                }
                Arc::new(builder.build()?)
            }
        };
        let core = zoom_core::Client::builder(transport)
            .sleeper(TokioSleep)
            .spawner(TokioSpawn);
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
                    "reqwest"
                },
            )
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("settings", &self.steps.len())
            .finish()
    }
}
