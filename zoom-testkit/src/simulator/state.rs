//! The simulator's bookkeeping around the [`World`] (recorded requests, fault rules, the
//! token-request count) and [`SimulatorControl`], its handle.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use super::config::{SimMeeting, SimulatorConfig, WebhookConfig};
use super::deliveries::{WebhookDelivery, Webhooks};
use super::faults::{self, Fault, FaultRule};
use super::request::{ApiRequest, ReceivedRequest};
use super::response::SimResponse;
use super::routes;
use super::session_events;
use super::world::World;

/// World plus the simulator's own bookkeeping.
#[derive(Debug)]
pub(crate) struct State {
    config: SimulatorConfig,
    pub(crate) world: World,
    requests: Vec<ReceivedRequest>,
    faults: Vec<FaultRule>,
    token_requests: usize,
    webhooks: Webhooks,
}

impl State {
    /// Records `request`, counts token requests and takes the fault that
    /// applies to it, if any.
    pub(crate) fn intake(&mut self, request: &ApiRequest) -> Option<Fault> {
        self.requests.push(request.record());
        if request.path == "/oauth/token" && request.method == http::Method::POST {
            self.token_requests += 1;
        }
        faults::take_matching(&mut self.faults, request)
    }

    /// The normal answer to `request` (changes state, starts webhook deliveries).
    pub(crate) fn respond(&mut self, request: &ApiRequest) -> SimResponse {
        let response = routes::respond(&mut self.world, request);
        self.webhooks.dispatch(&mut self.world);
        self.deliver_session_events();
        response
    }

    /// Starts delivering the session events noted in the world since the last time.
    pub(crate) fn deliver_session_events(&mut self) {
        session_events::dispatch(&self.webhooks, &mut self.world);
    }

    /// The answer `fault` gives to `request` (changes no state).
    pub(crate) fn respond_with_fault(&self, fault: &Fault, request: &ApiRequest) -> SimResponse {
        faults::respond(fault, request, self.world.limits.peek(), || {
            routes::respond(&mut self.world.clone(), request)
        })
    }

    /// Adds an admin-submitted rule.
    pub(crate) fn push_fault(&mut self, rule: FaultRule) {
        self.faults.push(rule);
    }

    /// The recorded requests.
    pub(crate) fn requests(&self) -> &[ReceivedRequest] {
        &self.requests
    }

    /// Back to the start-up state. Issued tokens stay valid.
    pub(crate) fn reset(&mut self) {
        let issued = std::mem::take(&mut self.world.issued);
        self.world = World::new(&self.config, self.world.origin.clone());
        self.world.issued = issued;
        self.requests.clear();
        self.faults.clear();
        self.token_requests = 0;
        self.webhooks.reset(self.config.webhook.clone());
    }

    pub(crate) fn clear_requests(&mut self) {
        self.requests.clear();
    }

    pub(crate) fn clear_faults(&mut self) {
        self.faults.clear();
    }

    /// The fault rules still armed, in order.
    pub(crate) fn faults(&self) -> &[FaultRule] {
        &self.faults
    }

    pub(crate) fn expire_all_tokens(&mut self) {
        let now = Instant::now();
        for expiry in self.world.issued.values_mut() {
            *expiry = now;
        }
    }
}

/// A handle on a running simulator's state: inspect what it received, script
/// faults, change meetings and limits. Cheap to clone; usable from any thread.
#[derive(Debug, Clone)]
pub struct SimulatorControl {
    addr: SocketAddr,
    shared: Arc<Mutex<State>>,
}

impl SimulatorControl {
    /// A fresh state for a simulator listening on `addr`.
    pub(crate) fn new(config: SimulatorConfig, addr: SocketAddr) -> Self {
        let world = World::new(&config, format!("http://{addr}"));
        let webhooks = Webhooks::new(config.webhook.clone());
        Self {
            addr,
            shared: Arc::new(Mutex::new(State {
                config,
                world,
                requests: Vec::new(),
                faults: Vec::new(),
                token_requests: 0,
                webhooks,
            })),
        }
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API base, like `https://api.zoom.us/v2`: `http://127.0.0.1:PORT/v2`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v2", self.addr)
    }

    /// The OAuth base, like `https://zoom.us`: `http://127.0.0.1:PORT`
    /// (the token endpoint is `/oauth/token` under it).
    pub fn oauth_base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The token endpoint: `http://127.0.0.1:PORT/oauth/token`.
    pub fn token_url(&self) -> String {
        format!("http://{}/oauth/token", self.addr)
    }

    /// Locks the state (a panic elsewhere does not poison it for good).
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every request received (admin requests excluded), in arrival order,
    /// with headers and body exactly as sent.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.lock().requests.clone()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.lock().clear_requests();
    }

    /// Appends a fault rule (rules are checked in order).
    pub fn push_fault(&self, rule: FaultRule) {
        self.lock().push_fault(rule);
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.lock().clear_faults();
    }

    /// Back to the start-up configuration's meetings, webinars, limits,
    /// static tokens and webhook configuration; faults, webhook deliveries, recorded requests and the token-request count
    /// are cleared. Tokens issued so far stay valid.
    pub fn reset(&self) {
        self.lock().reset();
    }

    /// Adds or replaces a meeting.
    pub fn upsert_meeting(&self, id: u64, meeting: SimMeeting) {
        self.lock().world.meetings.insert(id, meeting);
    }

    /// A meeting's current state.
    pub fn meeting(&self, id: u64) -> Option<SimMeeting> {
        self.lock().world.meetings.get(&id).cloned()
    }

    /// Adds or replaces a webinar.
    pub fn upsert_webinar(&self, id: u64, webinar: SimMeeting) {
        self.lock().world.webinars.insert(id, webinar);
    }

    /// A webinar's current state.
    pub fn webinar(&self, id: u64) -> Option<SimMeeting> {
        self.lock().world.webinars.get(&id).cloned()
    }

    /// Sets the per-second limit (`None` = unlimited); the bucket starts full.
    pub fn set_rate_limit(&self, per_second: Option<u32>) {
        self.lock().world.limits.set_per_second(per_second);
    }

    /// Sets the daily limit (`None` = unlimited); the count starts at zero.
    pub fn set_daily_limit(&self, per_day: Option<u32>) {
        self.lock().world.limits.set_per_day(per_day);
    }

    /// Accepts `token` as a bearer token forever.
    pub fn add_static_token(&self, token: &str) {
        self.lock().world.static_tokens.insert(token.to_owned());
    }

    /// Makes every token issued so far expired (answers become 401, code 124).
    /// Static tokens are not affected.
    pub fn expire_all_tokens(&self) {
        self.lock().expire_all_tokens();
    }

    /// The demo user's live refresh token: the one the next refresh must send.
    pub fn refresh_token(&self) -> String {
        self.lock().world.refresh_token.clone()
    }

    /// How many `POST /oauth/token` requests were received (faulted ones included).
    pub fn token_requests(&self) -> usize {
        self.lock().token_requests
    }

    /// Delivers live-stream webhooks as `config` says from now on (`None`: stops
    /// delivering). Deliveries still pending are cancelled.
    pub fn set_webhook(&self, config: Option<WebhookConfig>) {
        self.webhooks().configure(config);
    }

    /// The webhook configuration in force, if any.
    pub fn webhook(&self) -> Option<WebhookConfig> {
        self.webhooks().config()
    }

    /// Every webhook delivery so far (since the last reset or clear), oldest first, with
    /// its tries.
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.webhooks().deliveries()
    }

    /// Forgets the webhook deliveries on record.
    pub fn clear_webhook_deliveries(&self) {
        self.webhooks().clear_deliveries();
    }

    /// Cancels pending webhook deliveries: the simulator is stopping.
    pub(crate) fn stop_webhooks(&self) {
        self.webhooks().shutdown();
    }

    fn webhooks(&self) -> Webhooks {
        self.lock().webhooks.clone()
    }
}
