//! The async client: a thin driver over the shared call logic (`call.rs`).

use std::fmt;
use std::sync::{Arc, Weak};

use tracing::Instrument as _;

use crate::auth::ahead::{Background, Claim};
use crate::builder::ClientBuilder;
use crate::call::{Call, Step};
use crate::endpoint::Endpoint;
use crate::error::Result;
use crate::methods::client_methods;
use crate::response::{Answer, FromResponse};
use crate::retry::RetryPolicy;
use crate::sleep::{AsyncSleep, ThreadSleep};
use crate::spawn::AsyncSpawn;
use crate::store::{MemoryStore, SharedStore};
use crate::transport::Transport;
use crate::wiring::{Parts, Shared, Wiring};

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

/// The transport and sleeper (and spawner, if any) of an async client being built.
pub struct AsyncParts(
    Parts<dyn Transport, dyn AsyncSleep, dyn SharedStore>,
    Option<Arc<dyn AsyncSpawn>>,
);

impl fmt::Debug for AsyncParts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AsyncParts")
            .field(&self.0)
            .field(&self.1.as_ref().map(|_| "spawner"))
            .finish()
    }
}

impl Client {
    /// Starts configuring a client; give it its transport with
    /// [`ClientBuilder::transport`] (any [`Transport`]: a pooled HTTP client, a closure, a mock).
    pub fn builder() -> ClientBuilder<AsyncParts> {
        ClientBuilder::with_parts(AsyncParts(
            Parts {
                transport: None,
                sleeper: Arc::new(ThreadSleep),
                store: Arc::new(MemoryStore::new()),
            },
            None,
        ))
    }

    /// Sends any endpoint and returns the value with the answer's meta (tracking id,
    /// rate-limit state): the one path every method takes.
    pub async fn send<T: FromResponse>(&self, endpoint: &Endpoint<T>) -> Result<Answer<T>> {
        self.drive(self.call(endpoint)).await
    }

    /// The one loop: carries out each step of `call` (an API call, or a background refresh
    /// of the token) until it is done.
    async fn drive<T: FromResponse>(&self, mut call: Call<'_, T>) -> Result<Answer<T>> {
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

    /// Refreshes the token ahead, as `claim` asked: the background task of a client built
    /// with a spawner (`auth/ahead.rs`). Its outcome goes into the token cache.
    async fn refresh(self, claim: Claim) {
        let call = Call::refresh(&self.0.shared, &self.0.retry, claim);
        if let Err(error) = self.drive(call).await {
            tracing::debug!(%error, "background token refresh ended without a token");
        }
    }

    /// Lets calls hand refreshes ahead to `spawner`. The hook keeps the client's parts but
    /// only a weak reference to its shared state, which holds the hook: no cycle.
    fn refresh_in_background(&self, spawner: Arc<dyn AsyncSpawn>) {
        let shared: Weak<Shared> = Arc::downgrade(&self.0.shared);
        let (retry, transport) = (Arc::clone(&self.0.retry), Arc::clone(&self.0.transport));
        let (sleeper, store) = (Arc::clone(&self.0.sleeper), Arc::clone(&self.0.store));
        let start = move |claim: Claim| {
            let Some(shared) = shared.upgrade() else {
                return false;
            };
            let client = Client(Wiring {
                shared,
                retry: Arc::clone(&retry),
                transport: Arc::clone(&transport),
                sleeper: Arc::clone(&sleeper),
                store: Arc::clone(&store),
            });
            spawner.spawn(Box::pin(client.refresh(claim)))
        };
        // Set once, when the client is built.
        let _ = self.0.shared.background.set(Background::new(start));
    }
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

    /// Where the client runs work beside its callers (none by default; a runtime's spawn,
    /// e.g. `zoom_live_stream::TokioSpawn`, which the `zoom-live-stream` facade sets).
    /// With one, a token is refreshed ahead of its expiry by a task of its own and no call
    /// waits for the token endpoint while a valid token exists; without one, the call that
    /// claims the refresh does it before its own request (one call per refresh waits).
    /// User-level OAuth is always refreshed by the claiming call: a task dropped after Zoom
    /// rotated the refresh token (a runtime shutting down) would lose the grant.
    pub fn spawner(mut self, spawner: impl AsyncSpawn + 'static) -> Self {
        self.parts.1 = Some(Arc::new(spawner));
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
        let (shared, retry, AsyncParts(parts, spawner)) = self.finish()?;
        let client = Client(Wiring::new(shared, retry, parts)?);
        if let Some(spawner) = spawner {
            client.refresh_in_background(spawner);
        }
        Ok(client)
    }
}
