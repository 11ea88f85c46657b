//! The blocking client: the same logic as [`crate::Client`], driven without async.

use std::sync::Arc;

use crate::builder::ClientBuilder;
use crate::call::{Call, Step};
use crate::endpoint::{self, Endpoint};
use crate::error::Result;
use crate::ids::{MeetingId, WebinarId};
use crate::methods::client_methods;
use crate::model::{LiveStream, LiveStreamStatus, UpdateLiveStream};
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
/// let client = zoom_core::blocking::Client::builder(transport).bearer_token("token").build()?;
/// let stream = client.meeting_live_stream(MeetingId::new(85746065432))?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client(Wiring<dyn BlockingTransport, dyn BlockingSleep, dyn BlockingSharedStore>);

/// The transport and sleeper of a blocking client being built.
#[derive(Debug)]
pub struct BlockingParts(Parts<dyn BlockingTransport, dyn BlockingSleep, dyn BlockingSharedStore>);

impl Client {
    /// Starts configuring a client that sends through `transport`.
    pub fn builder(transport: impl BlockingTransport + 'static) -> ClientBuilder<BlockingParts> {
        ClientBuilder::with_parts(BlockingParts(Parts {
            transport: Arc::new(transport),
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
                Step::Send(request) => call.received(self.0.transport.send(request)),
                Step::Store(op) => call.stored(self.0.store.run(op)),
                Step::Done(result) => return result,
            };
        }
    }

    client_methods!(;);
}

impl ClientBuilder<BlockingParts> {
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
        Ok(Client(Wiring::new(shared, retry, parts.0)))
    }
}
