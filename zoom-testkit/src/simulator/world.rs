//! The state a Zoom request can read or change: the bottom of the simulator, imported by the
//! routes and the handlers (axum's shape), importing none of them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use super::config::{DemoAccount, SimMeeting, SimulatorConfig};
use super::limits::Limits;

/// Everything a Zoom request can read or change (cloned for dry runs).
#[derive(Debug, Clone)]
pub(crate) struct World {
    /// `http://127.0.0.1:PORT`.
    pub(crate) origin: String,
    pub(crate) account: DemoAccount,
    pub(crate) token_ttl: Duration,
    pub(crate) meetings: BTreeMap<u64, SimMeeting>,
    pub(crate) webinars: BTreeMap<u64, SimMeeting>,
    pub(crate) static_tokens: HashSet<String>,
    /// Static tokens of a JWT app: refused by the join-token GETs.
    pub(crate) jwt_tokens: HashSet<String>,
    /// Issued token → expiry.
    pub(crate) issued: HashMap<String, Instant>,
    pub(crate) limits: Limits,
}

impl World {
    pub(crate) fn new(config: &SimulatorConfig, origin: String) -> Self {
        Self {
            origin,
            account: config.account.clone(),
            token_ttl: config.token_ttl,
            meetings: config.meetings.iter().cloned().collect(),
            webinars: config.webinars.iter().cloned().collect(),
            static_tokens: config.static_tokens.iter().cloned().collect(),
            jwt_tokens: config.jwt_tokens.iter().cloned().collect(),
            issued: HashMap::new(),
            limits: Limits::new(config.rate_limit_per_second, config.daily_limit),
        }
    }
}
