//! The async client: a thin driver over the shared call logic (`call.rs`).

use std::sync::Arc;

use tracing::Instrument as _;

use crate::builder::ClientBuilder;
use crate::call::{Call, Step};
use crate::endpoint::Endpoint;
use crate::error::Result;
use crate::methods::client_methods;
use crate::response::{Answer, FromResponse};
use crate::retry::RetryPolicy;
use crate::sleep::{AsyncSleep, ThreadSleep};
use crate::store::{MemoryStore, SharedStore};
use crate::transport::Transport;
use crate::wiring::{Parts, Wiring};

/// The async client. Cheap to clone; clones share the transport, token cache and limiter.
///
/// ```no_run
/// # async fn run(transport: impl zoom_core::Transport + 'static) -> zoom_core::Result<()> {
/// use zoom_core::{Client, MeetingId};
///
/// let client = Client::builder().transport(transport)
///     .server_to_server_oauth("account-id", "client-id", "client-secret")
///     .build()?;
/// let stream = client.meeting_live_stream(MeetingId::new(85746065432)).await?;
/// println!("{:?}", stream.stream_url);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client(Wiring<dyn Transport, dyn AsyncSleep, dyn SharedStore>);

/// The transport and sleeper of an async client being built.
#[derive(Debug)]
pub struct AsyncParts(Parts<dyn Transport, dyn AsyncSleep, dyn SharedStore>);

impl Client {
    /// Starts configuring a client; give it its transport with
    /// [`ClientBuilder::transport`] (any [`Transport`]: a pooled HTTP client, a closure, a mock).
    pub fn builder() -> ClientBuilder<AsyncParts> {
        ClientBuilder::with_parts(AsyncParts(Parts {
            transport: None,
            sleeper: Arc::new(ThreadSleep),
            store: Arc::new(MemoryStore::new()),
        }))
    }

    /// Sends any endpoint and returns the value with the answer's meta (tracking id,
    /// rate-limit state): the one path every method takes.
    pub async fn send<T: FromResponse>(&self, endpoint: &Endpoint<T>) -> Result<Answer<T>> {
        let mut call = self.call(endpoint);
        let mut step = call.start();
        loop {
            step = match step {
                Step::Wait(wait) => {
                    self.0.sleeper.sleep(wait).await;
                    call.resume()
                }
                Step::Lock(single_flight) => call.locked(single_flight.lock().await),
                // The call's span for this step (the attempt's, the store operation's).
                Step::Send(request) => {
                    let span = call.span().clone();
                    call.received(self.0.transport.send(request).instrument(span).await)
                }
                Step::Store(op) => {
                    let span = call.span().clone();
                    call.stored(self.0.store.run(op).instrument(span).await)
                }
                Step::Done(result) => return result,
            };
        }
    }

    /// A call of `endpoint` to drive yourself (see [`crate::call`]): with another runtime,
    /// or none. The client's transport and sleeper are not used by it.
    pub fn call<'a, T: FromResponse>(&'a self, endpoint: &'a Endpoint<T>) -> Call<'a, T> {
        Call::new(&self.0.shared, &self.0.retry, endpoint)
    }

    /// A copy of this client (sharing its token cache and limiter) with another retry
    /// policy, for one call or a group of calls.
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Self {
        let mut client = self.clone();
        client.0.retry = Arc::new(policy);
        client
    }

    client_methods!(async; .await);
}

impl ClientBuilder<AsyncParts> {
    /// The transport every request of the client goes through (required; `build` fails with
    /// an input error without one).
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.parts.0.transport = Some(Arc::new(transport));
        self
    }

    /// How the client waits between retries (default [`ThreadSleep`]; a runtime's timer or
    /// an instant fake in tests).
    pub fn sleeper(mut self, sleeper: impl AsyncSleep + 'static) -> Self {
        self.parts.0.sleeper = Arc::new(sleeper);
        self
    }

    /// Share the token cache and the rate limiter's schedule with every process using the
    /// same `store` (e.g. `zoom_store_redis::RedisStore`), for one Zoom account run by many
    /// processes. Tokens are shared for OAuth credentials; the schedule when a
    /// [`rate_limiter`](Self::rate_limiter) is set (its rate applies to all the processes
    /// together). When the store fails, calls go on with this process's own limiter and
    /// cache. See [`crate::store`].
    pub fn shared_store(mut self, store: impl SharedStore + 'static) -> Self {
        self.parts.0.store = Arc::new(store);
        self.shared_store = true;
        self
    }

    /// Checks the configuration and builds the client. Fails with an input error for a
    /// missing credential or a malformed base URL; nothing is sent.
    pub fn build(self) -> Result<Client> {
        let (shared, retry, parts) = self.finish()?;
        Ok(Client(Wiring::new(shared, retry, parts.0)?))
    }
}
