//! One task per target: its machine, fed the target's events in order, its timers, the calls
//! it asks for, and (with a shared store) the claim, the lease and the record around each
//! step.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use zoom_autopilot::{Action, Decision, Event as MachineEvent, Machine, Outcome, Reason, Record};
use zoom_core::store::{LeaseOwner, StoredRecord, TargetKey};
use zoom_core::{Error, InvalidInput, SessionId};
use zoom_core::{SystemTimeSource, TimeSource, Timestamp};
use zoom_webhook::Target;

use super::report::{CallKind, DecisionRecord, Trigger};
use super::shared::{Answer, Shared};
use super::target::AutopilotTarget;
use crate::Client;

/// Called with each decision.
pub(crate) type Emit = Arc<dyn Fn(&DecisionRecord) + Send + Sync>;

/// How long the shared entries live, and how often a worker looks at its target's record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timing {
    pub(crate) claim_ttl: Duration,
    pub(crate) lease_ttl: Duration,
    pub(crate) record_ttl: Duration,
    pub(crate) resync: Option<Duration>,
}

/// A webhook event for the worker.
#[derive(Debug)]
pub(crate) struct Incoming {
    /// Zoom's name for it.
    pub(crate) name: String,
    pub(crate) event: MachineEvent,
}

/// What a step answers.
enum Input {
    /// An event; `claimed` unless another replica claimed it first.
    Event {
        incoming: Incoming,
        claimed: bool,
    },
    Timer,
}

/// The record's version did not match: another replica wrote it meanwhile.
struct Conflict;

pub(crate) struct Worker {
    spec: AutopilotTarget,
    key: TargetKey,
    client: Client,
    shared: Shared,
    timing: Timing,
    emit: Emit,
    owner: LeaseOwner,
    machine: Machine,
    /// The version of the stored record the machine reflects (0: none).
    version: u64,
    /// The record as last read or written.
    saved: Option<Record>,
    /// The machine changed while the store could not be written.
    dirty: bool,
}

fn now() -> Timestamp {
    SystemTimeSource.now()
}

impl Worker {
    pub(crate) fn new(
        spec: AutopilotTarget,
        scope: &str,
        client: Client,
        shared: Shared,
        timing: Timing,
        emit: Emit,
    ) -> Self {
        let key = TargetKey::new(scope, AutopilotTarget::store_name(&spec.target));
        let machine = Machine::new(spec.policy.clone());
        Self {
            spec,
            key,
            client,
            shared,
            timing,
            emit,
            owner: LeaseOwner::random(),
            machine,
            version: 0,
            saved: None,
            dirty: false,
        }
    }

    /// Runs until every sender of `inbox` is gone.
    pub(crate) async fn run(mut self, mut inbox: mpsc::UnboundedReceiver<Incoming>) {
        // What other replicas began is taken over from the record (a restart, a late joiner).
        self.resync().await;
        let mut resync = match (self.shared.enabled(), self.timing.resync) {
            (true, Some(every)) if !every.is_zero() => {
                Some(tokio::time::interval_at(super::shared::after(every), every))
            }
            _ => None,
        };
        loop {
            let wake = self
                .machine
                .next_wake()
                .map(|at| at.saturating_duration_since(now()));
            tokio::select! {
                incoming = inbox.recv() => match incoming {
                    Some(incoming) => self.on_event(incoming).await,
                    None => return,
                },
                () = sleep(wake) => self.step(Input::Timer).await,
                () = tick(&mut resync) => self.resync().await,
            }
        }
    }

    async fn on_event(&mut self, incoming: Incoming) {
        let claimed = if self.shared.enabled() {
            let event = format!("{}:{}", incoming.name, incoming.event.event_ts);
            self.shared
                .claim(&self.key, event, self.timing.claim_ttl)
                .await
        } else {
            true
        };
        if !claimed {
            // Another replica got it first and acts on it; this one looks again once it is
            // done, and acts only if that replica never recorded the event (it died).
            let trigger = Trigger::Event {
                name: incoming.name.clone(),
                event_ts: incoming.event.event_ts,
            };
            let decision = Decision {
                action: Action::Ignore,
                reason: Reason::DuplicateEvent,
            };
            self.report(trigger, decision);
        }
        self.step(Input::Event { incoming, claimed }).await;
    }

    /// One input, under the lease: the record read (the machine rebuilt from it if another
    /// replica wrote it), the machine's decision, each call it asks for and its outcome, the
    /// record written before every call and at the end.
    async fn step(&mut self, input: Input) {
        let leased = self
            .shared
            .acquire(&self.key, &self.owner, self.timing.lease_ttl)
            .await;
        if leased {
            self.refresh().await;
        }
        let at = now();
        let (mut trigger, mut decision) = match input {
            Input::Event { incoming, claimed } => {
                let trigger = Trigger::Event {
                    name: incoming.name,
                    event_ts: incoming.event.event_ts,
                };
                if claimed {
                    (Some(trigger), self.machine.on_event(incoming.event, at))
                } else {
                    let mut probe = self.machine.clone();
                    let decision = probe.on_event(incoming.event, at);
                    let seen =
                        matches!(decision.reason, Reason::DuplicateEvent | Reason::StaleEvent);
                    if seen {
                        // Recorded by the replica that claimed it: said already.
                        (None, decision)
                    } else {
                        self.machine = probe;
                        (Some(trigger), decision)
                    }
                }
            }
            Input::Timer => {
                let decision = self.machine.on_timer(at);
                // A timer the record moved (another replica acted) decides nothing.
                let quiet = decision.action == Action::Ignore && decision.reason == Reason::NotDue;
                ((!quiet).then_some(Trigger::Timer), decision)
            }
        };
        loop {
            // Written before any call, so a replica taking over knows a call may be under way.
            if self.save().await.is_err() {
                break;
            }
            if let Some(trigger) = trigger.take() {
                self.report(trigger, decision);
            }
            let (call, kind) = match decision.action {
                Action::Update { call } => (call, CallKind::Update),
                Action::Start { call } => (call, CallKind::Start),
                Action::Wait { .. } | Action::Ignore | Action::GiveUp => break,
            };
            let result = self
                .shared
                .renewing(
                    &self.key,
                    &self.owner,
                    self.timing.lease_ttl,
                    self.call(kind),
                )
                .await;
            let outcome = Outcome::from_result(&result);
            decision = self.machine.on_outcome(call, outcome, now());
            trigger = Some(Trigger::Outcome {
                call: kind,
                outcome,
            });
        }
        if leased {
            self.shared.release(&self.key, &self.owner).await;
        }
    }

    /// Sends what the machine asked for.
    async fn call(&self, kind: CallKind) -> Result<(), Error> {
        let start = &self.spec.start;
        match (&self.spec.target, kind, &self.spec.update) {
            (Target::Meeting(id), CallKind::Update, Some(update)) => {
                self.client.update_meeting_live_stream(*id, update).await
            }
            (Target::Meeting(id), CallKind::Start, _) => {
                self.client
                    .update_meeting_live_stream_status(*id, start)
                    .await
            }
            (Target::Webinar(id), CallKind::Update, Some(update)) => {
                self.client.update_webinar_live_stream(*id, update).await
            }
            (Target::Webinar(id), CallKind::Start, _) => {
                self.client
                    .update_webinar_live_stream_status(*id, start)
                    .await
            }
            (Target::Session(id), CallKind::Update, Some(update)) => {
                let id = SessionId::parse(id)?;
                self.client.update_session_live_stream(id, update).await
            }
            (Target::Session(id), CallKind::Start, _) => {
                let id = SessionId::parse(id)?;
                self.client
                    .update_session_live_stream_status(id, start)
                    .await
            }
            (_, CallKind::Update, None) => Err(InvalidInput::new(
                "stream",
                "the target has no stream settings to apply",
            )
            .into()),
            _ => Err(InvalidInput::new("target", "not a meeting, webinar or session").into()),
        }
    }

    fn report(&self, trigger: Trigger, decision: Decision) {
        let wait = match decision.action {
            Action::Wait { until } => Some(until.saturating_duration_since(now())),
            _ => None,
        };
        let record = DecisionRecord {
            target: self.spec.target.clone(),
            trigger,
            action: decision.action,
            reason: decision.reason,
            phase: self.machine.phase(),
            wait,
        };
        (self.emit)(&record);
    }

    /// Reads the record; rebuilds the machine from it if another replica wrote it since.
    async fn refresh(&mut self) {
        match self.shared.get(&self.key).await {
            Answer::Stored(Some(stored)) if stored.version != self.version => {
                self.adopt(stored);
            }
            // Expired (or deleted): this replica's machine is what is known.
            Answer::Stored(None) if self.version != 0 => {
                self.version = 0;
                self.saved = None;
                self.dirty = true;
            }
            _ => {}
        }
    }

    fn adopt(&mut self, stored: StoredRecord) {
        if self.dirty {
            // This replica acted while the store was down: its machine is newer than the
            // record, which it overwrites at its next write.
            self.version = stored.version;
            return;
        }
        match serde_json::from_str::<Record>(&stored.data) {
            Ok(record) => {
                self.machine = Machine::from_record(self.spec.policy.clone(), &record, now());
                self.saved = Some(record);
            }
            Err(error) => {
                tracing::warn!(target = %self.spec.target, %error, "autopilot: a shared record that is not the autopilot's; overwriting it");
                self.dirty = true;
            }
        }
        self.version = stored.version;
    }

    /// Without the lease: a look at the record, so that what another replica began (and may
    /// die in the middle of) has a timer here too.
    async fn resync(&mut self) {
        if !self.shared.enabled() || self.dirty {
            return;
        }
        if let Answer::Stored(Some(stored)) = self.shared.get(&self.key).await
            && stored.version != self.version
        {
            self.adopt(stored);
        }
    }

    /// Writes the machine's record if it changed; `Err` when another replica wrote first
    /// (then the machine is rebuilt from its record, and this step stops).
    async fn save(&mut self) -> Result<(), Conflict> {
        let record = self.machine.to_record();
        if !self.dirty && self.saved.as_ref() == Some(&record) {
            return Ok(());
        }
        if !self.shared.enabled() {
            self.saved = Some(record);
            return Ok(());
        }
        let Ok(data) = serde_json::to_string(&record) else {
            return Ok(());
        };
        match self
            .shared
            .put(&self.key, self.version, data, self.timing.record_ttl)
            .await
        {
            Answer::Stored(Some(version)) => {
                self.version = version;
                self.saved = Some(record);
                self.dirty = false;
                Ok(())
            }
            Answer::Stored(None) => {
                tracing::info!(target = %self.spec.target, "autopilot: another replica wrote the record first; following it");
                self.dirty = false;
                self.refresh().await;
                Err(Conflict)
            }
            Answer::Local => {
                self.dirty = true;
                Ok(())
            }
        }
    }
}

async fn sleep(wait: Option<Duration>) {
    match wait {
        Some(wait) => tokio::time::sleep(wait).await,
        None => std::future::pending().await,
    }
}

async fn tick(interval: &mut Option<tokio::time::Interval>) {
    match interval {
        Some(interval) => {
            interval.tick().await;
        }
        None => std::future::pending().await,
    }
}
