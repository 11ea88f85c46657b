//! The async client: zoom-core's client on reqwest, waiting on tokio's timer.

use zoom_core::call::Call;
use zoom_core::endpoint::Endpoint;
use zoom_core::response::{Answer, FromResponse};
use zoom_core::store::SharedStore;
use zoom_core::{AsyncParts, AsyncSleep, AsyncSpawn, Result, RetryPolicy, Transport};
use zoom_transport_reqwest::ReqwestTransport;

use crate::builder::Timeouts;
use crate::{TokioSleep, TokioSpawn};

/// The async client: the methods of [`zoom_core::Client`], sent
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
    /// native-tls), 10 s to connect, 30 s per call, bodies up to 4 MiB. Give it your own
    /// transport with [`ClientBuilder::transport`]:
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
    /// let client = Client::builder().transport(NoContent).bearer_token("token").build().unwrap();
    /// # let _ = client;
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            core: zoom_core::Client::builder()
                .sleeper(TokioSleep)
                .spawner(TokioSpawn),
            own_transport: false,
            timeouts: Timeouts::default(),
        }
    }

    /// Sends any endpoint (see [`endpoint`](crate::endpoint)) and returns the value with the
    /// answer's meta: the one path every method takes.
    pub async fn send<T: FromResponse>(&self, endpoint: &Endpoint<T>) -> Result<Answer<T>> {
        self.inner.send(endpoint).await
    }

    /// A call of `endpoint` to drive yourself (see [`call`](crate::call)).
    pub fn call<'a, T: FromResponse>(&'a self, endpoint: &'a Endpoint<T>) -> Call<'a, T> {
        self.inner.call(endpoint)
    }

    /// A copy of this client (sharing its connection pool, token cache and limiter) with
    /// another retry policy, for one call or a group of calls.
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Self {
        Self {
            inner: self.inner.with_retry_policy(policy),
        }
    }

    /// The zoom-core client inside.
    pub fn into_inner(self) -> zoom_core::Client {
        self.inner
    }

    zoom_core::__client_methods!(async; .await);
}

impl From<zoom_core::Client> for Client {
    fn from(inner: zoom_core::Client) -> Self {
        Self { inner }
    }
}

/// Configures a [`Client`]; start from [`Client::builder`]. Every setting is zoom-core's
/// ([`zoom_core::ClientBuilder`]), plus the default transport's timeouts.
#[derive(Debug)]
pub struct ClientBuilder {
    core: zoom_core::ClientBuilder<AsyncParts>,
    own_transport: bool,
    timeouts: Timeouts,
}

impl ClientBuilder {
    crate::builder::settings!();

    /// How the client waits between retries (default: tokio's timer).
    pub fn sleeper(mut self, sleeper: impl AsyncSleep + 'static) -> Self {
        self.core = self.core.sleeper(sleeper);
        self
    }

    /// Where the client runs work beside its callers (default: tokio's spawn,
    /// [`TokioSpawn`]): a Server-to-Server token refreshed ahead of its expiry, so that no
    /// call waits for it. See [`zoom_core::ClientBuilder::spawner`].
    pub fn spawner(mut self, spawner: impl AsyncSpawn + 'static) -> Self {
        self.core = self.core.spawner(spawner);
        self
    }

    /// Your own transport instead of the default reqwest one (a logging wrapper, a mock,
    /// another HTTP stack).
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.core = self.core.transport(transport);
        self.own_transport = true;
        self
    }

    /// Share the token cache and the rate limiter's schedule with every process using the
    /// same store (`zoom_live_stream::redis::RedisStore`, feature `redis`); see
    /// [`store`](crate::store).
    pub fn shared_store(mut self, store: impl SharedStore + 'static) -> Self {
        self.core = self.core.shared_store(store);
        self
    }

    /// Checks the configuration and builds the client. Fails with an input error for a
    /// missing credential, a malformed base URL, or timeouts set beside your own transport,
    /// or a transport error if the TLS backend cannot be initialised; nothing is sent.
    pub fn build(self) -> Result<Client> {
        let core = if self.own_transport {
            self.timeouts.refuse_with_own_transport()?;
            self.core
        } else {
            let mut builder = ReqwestTransport::builder();
            if let Some(timeout) = self.timeouts.connect {
                builder = builder.connect_timeout(timeout);
            }
            if let Some(timeout) = self.timeouts.call {
                builder = builder.timeout(timeout);
            }
            self.core.transport(builder.build()?)
        };
        Ok(Client {
            inner: core.build()?,
        })
    }
}
