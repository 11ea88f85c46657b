//! The live-stream autopilot, driven: feed it the verified webhook events your route receives,
//! and it starts each configured meeting's (or webinar's) stream when the meeting starts,
//! waits for Zoom's confirmation, starts it again when it drops, and stops acting when the
//! meeting ends. Feature `autopilot`.
//!
//! The decisions are [`zoom_autopilot`]'s sans-IO [`Machine`](machine::Machine) (re-exported as
//! [`machine`]); this module is its driver on tokio and the async [`Client`]: one task per
//! target, holding the target's machine, sleeping until its next wake, sending the update and
//! start calls it asks for, classifying their results with [`Outcome::from_result`], and
//! reporting one [`DecisionRecord`] per decision to your callback. The stream key stays a
//! `SecretString` and is never in a record.
//!
//! [`Autopilot::handle`] returns at once (it only queues the event), so a webhook route can
//! answer Zoom within its 3 seconds and the work happens after.
//!
//! ```no_run
//! use zoom_live_stream::autopilot::{Autopilot, AutopilotTarget, Handled};
//! use zoom_live_stream::webhook::Verifier;
//! use zoom_live_stream::{Client, UpdateLiveStream};
//!
//! # async fn run(headers: zoom_live_stream::http::HeaderMap, body: Vec<u8>) -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder()
//!     .server_to_server_oauth("account-id", "client-id", "client-secret")
//!     .build()?;
//! let autopilot = Autopilot::builder(client)
//!     .target(AutopilotTarget::meeting(85746065432).stream(UpdateLiveStream::new(
//!         "rtmp://live.example.com/app",
//!         "stream-key",
//!         "https://example.com/watch",
//!     )))
//!     .on_decision(|decision| println!("{}", decision.to_json()))
//!     .build()?;
//!
//! // In your webhook route, after answering URL validation:
//! let verifier = Verifier::new("webhook-secret-token");
//! let event = verifier.verify_event_now(&headers, &body)?;
//! match autopilot.handle(&event) {
//!     Handled::Queued | Handled::Skipped | Handled::UnknownTarget(_) => { /* answer 200 */ }
//!     _ => {}
//! }
//! # Ok(()) }
//! ```
//!
//! # Many replicas, one action
//!
//! Behind a load balancer, Zoom may deliver the same event to two replicas. Give every
//! replica the same shared store ([`AutopilotBuilder::shared_store`], e.g. the Redis store of
//! the `redis` feature) and the same [`scope`](AutopilotBuilder::scope), and exactly one acts
//! on each event:
//!
//! - **A claim per target and event** ([`StoreOp::Claim`](crate::store::StoreOp::Claim),
//!   `SET NX PX`, named `{event}:{event_ts}`, living 2 hours, past Zoom's last redelivery 85
//!   minutes after the first try). The replica that gets it acts at once; the others report
//!   `ignore duplicate_event`, then look again once the lease is free, and act only if the
//!   event is still not in the record (its claimant died before recording it).
//! - **A lease per target while an action runs** ([`StoreOp::Lease`](crate::store::StoreOp::Lease),
//!   10 s, renewed every third of that during a call, released after the step). A replica
//!   that dies stops renewing; its lease expires and another replica takes over.
//! - **The target's record** (the machine's serde [`Record`](machine::Record): the events seen
//!   by `event_ts`, the phase, the restarts used), read under the lease and written by
//!   compare and set on its version before each call and after each step, living 2 days.
//!   A replica whose record is older than the store's rebuilds its machine from it
//!   ([`Machine::from_record`](machine::Machine::from_record), timers re-armed in full, so a
//!   call another replica may have made is not repeated before Zoom's 30 s), and every
//!   replica looks at each target's record every 30 s, so that a wait begun elsewhere has a
//!   timer here too: whoever's timer comes first acts; the others find the record moved.
//!
//! A store that fails (down, slow) is not waited for: the replica acts on its own machine,
//! with one warning per outage (`tracing`), as the clients do with their tokens. Replicas may
//! then both act on an event (Zoom refuses a second start within 30 s with a 429, which the
//! machine takes as a wait). Without a store, one process acts alone and needs none.
#![cfg_attr(docsrs, doc(cfg(feature = "autopilot")))]

mod convert;
mod report;
mod shared;
mod target;
mod worker;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use zoom_core::InvalidInput;
use zoom_core::store::SharedStore;
use zoom_webhook::{Event, Target};

pub use convert::convert;
pub use report::{CallKind, DecisionRecord, Trigger};
pub use target::AutopilotTarget;
/// The sans-IO decision machine (the `zoom-autopilot` crate).
pub use zoom_autopilot as machine;
pub use zoom_autopilot::{Action, EventKind, Outcome, Policy, Reason, RunPhase};

use shared::Shared;
use worker::{Emit, Incoming, Timing, Worker};

use crate::Client;

/// How long a claim lives: past Zoom's last redelivery (5 + 20 + 60 minutes after the first
/// try).
pub const CLAIM_TTL: Duration = Duration::from_secs(2 * 60 * 60);
/// How long a lease lives unless renewed (its holder renews it every third of this while a
/// call runs); a dead holder's lease is taken over after at most this.
pub const LEASE_TTL: Duration = Duration::from_secs(10);
/// How long a target's record lives after its last write.
pub const RECORD_TTL: Duration = Duration::from_secs(2 * 24 * 60 * 60);
/// How often each replica looks at its targets' records.
pub const RESYNC_INTERVAL: Duration = Duration::from_secs(30);
/// The default scope of the store's entries.
pub const DEFAULT_SCOPE: &str = "default";

/// What [`Autopilot::handle`] did with an event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Handled {
    /// Queued for its target's task.
    Queued,
    /// Not an event the autopilot uses (URL validation, other events, no id or `event_ts`).
    Skipped,
    /// About a target the autopilot was not given.
    UnknownTarget(Target),
}

/// The live-stream autopilot: one task per target, fed by [`handle`](Self::handle). Cheap to
/// clone; the tasks stop when the last clone is dropped.
#[derive(Clone)]
pub struct Autopilot {
    inner: Arc<Inner>,
}

struct Inner {
    inboxes: HashMap<Target, mpsc::UnboundedSender<Incoming>>,
}

impl fmt::Debug for Autopilot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Autopilot")
            .field("targets", &self.inner.inboxes.len())
            .finish()
    }
}

impl Autopilot {
    /// Starts configuring an autopilot that calls Zoom through `client`.
    pub fn builder(client: Client) -> AutopilotBuilder {
        AutopilotBuilder {
            client,
            store: None,
            scope: DEFAULT_SCOPE.to_owned(),
            targets: Vec::new(),
            emit: None,
            timing: Timing {
                claim_ttl: CLAIM_TTL,
                lease_ttl: LEASE_TTL,
                record_ttl: RECORD_TTL,
                resync: Some(RESYNC_INTERVAL),
            },
        }
    }

    /// Hands a verified event to its target's task and returns at once: answer Zoom, the
    /// work happens after. Redeliveries and events out of order are fine (the machine orders
    /// by `event_ts` and ignores what it has seen).
    pub fn handle(&self, event: &Event) -> Handled {
        let Some((target, machine_event)) = convert(event) else {
            return Handled::Skipped;
        };
        let Some(inbox) = self.inner.inboxes.get(&target) else {
            return Handled::UnknownTarget(target);
        };
        let incoming = Incoming {
            name: event.name().to_owned(),
            event: machine_event,
        };
        // The task ends only with the autopilot, so the send cannot fail while it lives.
        let _ = inbox.send(incoming);
        Handled::Queued
    }

    /// The targets it drives.
    pub fn targets(&self) -> impl Iterator<Item = &Target> {
        self.inner.inboxes.keys()
    }
}

/// Configures an [`Autopilot`]; start from [`Autopilot::builder`].
pub struct AutopilotBuilder {
    client: Client,
    store: Option<Arc<dyn SharedStore>>,
    scope: String,
    targets: Vec<AutopilotTarget>,
    emit: Option<Emit>,
    timing: Timing,
}

impl fmt::Debug for AutopilotBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AutopilotBuilder")
            .field("shared_store", &self.store.is_some())
            .field("scope", &self.scope)
            .field("targets", &self.targets)
            .finish_non_exhaustive()
    }
}

impl AutopilotBuilder {
    /// Drives `target` (one entry per meeting or webinar).
    pub fn target(mut self, target: AutopilotTarget) -> Self {
        self.targets.push(target);
        self
    }

    /// Shares claims, leases and records with every replica using the same store and
    /// scope, so that one acts on each event (see the [module](self)). The client may share
    /// the same store for its token and rate limit.
    pub fn shared_store(mut self, store: impl SharedStore + 'static) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// The name the replicas' entries are kept under (default [`DEFAULT_SCOPE`]); the Zoom
    /// account id is a good one. Public identifiers only.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// Called once per decision, on the target's task: keep it quick (log, count, send to a
    /// channel). Without one, decisions are logged with `tracing` at `info`.
    pub fn on_decision(mut self, report: impl Fn(&DecisionRecord) + Send + Sync + 'static) -> Self {
        self.emit = Some(Arc::new(report));
        self
    }

    /// How long a lease lives unless renewed (default [`LEASE_TTL`]): a dead replica's
    /// target is taken over after at most this.
    pub fn lease_ttl(mut self, ttl: Duration) -> Self {
        self.timing.lease_ttl = ttl.max(Duration::from_millis(30));
        self
    }

    /// How long a claim lives (default [`CLAIM_TTL`]).
    pub fn claim_ttl(mut self, ttl: Duration) -> Self {
        self.timing.claim_ttl = ttl;
        self
    }

    /// How often each target's record is looked at without an event (default
    /// [`RESYNC_INTERVAL`]; `None`: only when an event or a timer comes).
    pub fn resync_interval(mut self, every: Option<Duration>) -> Self {
        self.timing.resync = every;
        self
    }

    /// Checks the targets and starts one task per target on the current tokio runtime.
    /// Fails outside a runtime, for a target given twice, and for settings Zoom would refuse.
    pub fn build(self) -> Result<Autopilot, InvalidInput> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            InvalidInput::new(
                "runtime",
                "the autopilot must be built within a tokio runtime",
            )
        })?;
        let emit: Emit = self.emit.unwrap_or_else(|| {
            Arc::new(|decision: &DecisionRecord| tracing::info!(%decision, "autopilot"))
        });
        let shared = Shared::new(self.store);
        let mut inboxes = HashMap::new();
        let mut workers = Vec::new();
        for target in self.targets {
            let target = target.checked()?;
            let (sender, inbox) = mpsc::unbounded_channel();
            if inboxes.insert(target.target.clone(), sender).is_some() {
                return Err(InvalidInput::new(
                    "target",
                    format!("{} is given twice", target.target),
                ));
            }
            let worker = Worker::new(
                target,
                &self.scope,
                self.client.clone(),
                shared.clone(),
                self.timing,
                emit.clone(),
            );
            workers.push((worker, inbox));
        }
        for (worker, inbox) in workers {
            runtime.spawn(worker.run(inbox));
        }
        Ok(Autopilot {
            inner: Arc::new(Inner { inboxes }),
        })
    }
}
