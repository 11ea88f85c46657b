//! The blocking client: the same logic as [`crate::Client`], driven without async.

use std::sync::Arc;

use crate::builder::ClientBuilder;
use crate::call::{Call, Step};
use crate::endpoint::Endpoint;
use crate::error::Result;
use crate::methods::client_methods;
use crate::response::{Answer, FromResponse};
use crate::retry::RetryPolicy;
use crate::sleep::{BlockingSleep, ThreadSleep};
use crate::store::{BlockingSharedStore, MemoryStore};
use crate::transport::BlockingTransport;
use crate::wiring::{Parts, Wiring};

/// The blocking client. Cheap to clone; clones (across threads too) share the transport,
/// token cache and limiter. An OAuth token is refreshed ahead of its expiry by the one call
/// that claims the refresh, before its own request; every other call goes on with the
/// current token.
///
/// ```no_run
/// # fn run(transport: impl zoom_core::BlockingTransport + 'static) -> zoom_core::Result<()> {
/// use zoom_core::MeetingId;
///
/// let client = zoom_core::blocking::Client::builder().transport(transport).bearer_token("token").build()?;
/// let stream = client.meeting_live_stream(MeetingId::new(85746065432))?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client(Wiring<dyn BlockingTransport, dyn BlockingSleep, dyn BlockingSharedStore>);

/// The transport and sleeper of a blocking client being built.
#[derive(Debug)]
pub struct BlockingParts(Parts<dyn BlockingTransport, dyn BlockingSleep, dyn BlockingSharedStore>);

impl Client {
    /// Starts configuring a client; give it its transport with
    /// [`ClientBuilder::transport`] (any [`BlockingTransport`]: a pooled HTTP client, a closure, a mock).
    pub fn builder() -> ClientBuilder<BlockingParts> {
        ClientBuilder::with_parts(BlockingParts(Parts {
            transport: None,
            sleeper: Arc::new(ThreadSleep),
            store: Arc::new(MemoryStore::new()),
        }))
    }

    /// Sends any endpoint and returns the value with the answer's meta (tracking id,
    /// rate-limit state): the one path every method takes.
    pub fn send<T: FromResponse>(&self, endpoint: &Endpoint<T>) -> Result<Answer<T>> {
        let mut call = self.call(endpoint);
        let mut step = call.start();
        loop {
            step = match step {
                Step::Wait(wait) => {
                    self.0.sleeper.sleep(wait);
                    call.resume()
                }
                Step::Lock(single_flight) => call.locked(single_flight.lock_blocking()),
                // The call's span for this step (the attempt's, the store operation's).
                Step::Send(request) => {
                    let sent = call.span().in_scope(|| self.0.transport.send(request));
                    call.received(sent)
                }
                Step::Store(op) => {
                    let stored = call.span().in_scope(|| self.0.store.run(op));
                    call.stored(stored)
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

    client_methods!(;);
}

impl ClientBuilder<BlockingParts> {
    /// The transport every request of the client goes through (required; `build` fails with
    /// an input error without one).
    pub fn transport(mut self, transport: impl BlockingTransport + 'static) -> Self {
        self.parts.0.transport = Some(Arc::new(transport));
        self
    }

    /// How the client waits between retries (default `std::thread::sleep`).
    pub fn sleeper(mut self, sleeper: impl BlockingSleep + 'static) -> Self {
        self.parts.0.sleeper = Arc::new(sleeper);
        self
    }

    /// Share the token cache and the rate limiter's schedule with every process using the
    /// same `store` (e.g. `zoom_store_redis::blocking::RedisStore`), as the async client's
    /// `shared_store` does; see [`crate::store`].
    pub fn shared_store(mut self, store: impl BlockingSharedStore + 'static) -> Self {
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
