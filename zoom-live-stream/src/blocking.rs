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

use zoom_core::blocking::BlockingParts;
use zoom_core::call::Call;
use zoom_core::endpoint::Endpoint;
use zoom_core::response::{Answer, FromResponse};
use zoom_core::store::BlockingSharedStore;
use zoom_core::{BlockingSleep, BlockingTransport, Result, RetryPolicy};
use zoom_transport_ureq::UreqTransport;

use crate::builder::Timeouts;

/// The blocking client: the methods of [`zoom_core::blocking::Client`], sent through a pooled ureq agent. Cheap to clone; clones (across threads too)
/// share the connection pool, token cache and limiter.
#[derive(Clone, Debug)]
pub struct Client {
    inner: zoom_core::blocking::Client,
}

impl Client {
    /// Starts configuring a client on the default transport: ureq with rustls, 10 s to
    /// connect, 30 s per call, bodies up to 4 MiB. Give it your own transport with
    /// [`ClientBuilder::transport`], for example a closure:
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
    /// let client = zoom_live_stream::blocking::Client::builder()
    ///     .transport(transport)
    ///     .bearer_token("token")
    ///     .build()
    ///     .unwrap();
    /// let stream = client.meeting_live_stream(MeetingId::new(1)).unwrap();
    /// assert_eq!(stream.stream_url.as_deref(), Some("rtmp://live.example/app"));
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            core: zoom_core::blocking::Client::builder(),
            own_transport: false,
            timeouts: Timeouts::default(),
        }
    }

    /// Sends any endpoint (see [`endpoint`](crate::endpoint)) and returns the value with the
    /// answer's meta: the one path every method takes.
    pub fn send<T: FromResponse>(&self, endpoint: &Endpoint<T>) -> Result<Answer<T>> {
        self.inner.send(endpoint)
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
    pub fn into_inner(self) -> zoom_core::blocking::Client {
        self.inner
    }

    zoom_core::__client_methods!(;);
}

impl From<zoom_core::blocking::Client> for Client {
    fn from(inner: zoom_core::blocking::Client) -> Self {
        Self { inner }
    }
}

/// Configures a blocking [`Client`]; start from [`Client::builder`]. Every setting is
/// zoom-core's ([`zoom_core::ClientBuilder`]), plus the default transport's timeouts.
#[derive(Debug)]
pub struct ClientBuilder {
    core: zoom_core::ClientBuilder<BlockingParts>,
    own_transport: bool,
    timeouts: Timeouts,
}

impl ClientBuilder {
    crate::builder::settings!();

    /// How the client waits between retries (default `std::thread::sleep`).
    pub fn sleeper(mut self, sleeper: impl BlockingSleep + 'static) -> Self {
        self.core = self.core.sleeper(sleeper);
        self
    }

    /// Your own transport instead of the default ureq one (a closure, a mock, another HTTP
    /// stack).
    pub fn transport(mut self, transport: impl BlockingTransport + 'static) -> Self {
        self.core = self.core.transport(transport);
        self.own_transport = true;
        self
    }

    /// Share the token cache and the rate limiter's schedule with every process using the
    /// same store (`zoom_live_stream::redis::blocking::RedisStore`, feature `redis`).
    pub fn shared_store(mut self, store: impl BlockingSharedStore + 'static) -> Self {
        self.core = self.core.shared_store(store);
        self
    }

    /// Checks the configuration and builds the client. Fails with an input error for a
    /// missing credential, a malformed base URL, or timeouts set beside your own transport;
    /// nothing is sent.
    pub fn build(self) -> Result<Client> {
        let core = if self.own_transport {
            self.timeouts.refuse_with_own_transport()?;
            self.core
        } else {
            let mut builder = UreqTransport::builder();
            if let Some(timeout) = self.timeouts.connect {
                builder = builder.connect_timeout(timeout);
            }
            if let Some(timeout) = self.timeouts.call {
                builder = builder.timeout(timeout);
            }
            self.core.transport(builder.build())
        };
        Ok(Client {
            inner: core.build()?,
        })
    }
}
