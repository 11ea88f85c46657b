//! [`Redelivery`]: how the simulator delivers each event more than once, as Zoom may — to
//! other receivers (the replicas of an endpoint behind a load balancer), several times to
//! each, and late. Below the deliveries, which apply it to every event they send.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How every webhook event is delivered beyond its one delivery to the configured URL.
/// The default is Zoom's usual case: once, to the configured URL only.
///
/// Zoom delivers at least once: behind a load balancer, two replicas of a receiver may each
/// get the same event, and a retry may come late. With `also_to`, each event also goes to
/// those URLs; with `copies` above 1, each URL gets it that many times, the extra copies
/// `delay` after the first. Every copy has the same body (same `event_ts`), signed anew.
///
/// As JSON (`PUT /__admin/webhook/redelivery`): `{"also_to": ["http://127.0.0.1:9001/zoom/events"],
/// "copies": 2, "delay_ms": 0}`, every field optional.
///
/// ```
/// use std::time::Duration;
/// use zoom_testkit::simulator::Redelivery;
///
/// let plan = Redelivery::default()
///     .also_to("http://127.0.0.1:9001/zoom/events")?
///     .copies(2)
///     .delay(Duration::from_millis(50));
/// assert_eq!(plan.deliveries_per_event(), 4);
/// assert!(Redelivery::default().also_to("https://replica.example/").is_err());
/// # Ok::<(), String>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redelivery {
    also_to: Vec<http::Uri>,
    copies: u32,
    delay: Duration,
}

impl Default for Redelivery {
    fn default() -> Self {
        Self {
            also_to: Vec::new(),
            copies: 1,
            delay: Duration::ZERO,
        }
    }
}

impl Redelivery {
    /// Each event also goes to `url` (plain `http://`, like the configured URL).
    pub fn also_to(mut self, url: &str) -> Result<Self, String> {
        self.also_to.push(http_url(url)?);
        Ok(self)
    }

    /// Each receiver gets each event `copies` times (at least 1).
    pub fn copies(mut self, copies: u32) -> Self {
        self.copies = copies.max(1);
        self
    }

    /// The copies after the first come this much later (late redeliveries).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// The other receivers.
    pub fn other_urls(&self) -> &[http::Uri] {
        &self.also_to
    }

    /// How many times each receiver gets each event.
    pub fn copies_per_receiver(&self) -> u32 {
        self.copies
    }

    /// The wait before each copy after the first.
    pub fn copy_delay(&self) -> Duration {
        self.delay
    }

    /// How many deliveries one event makes: every receiver (the configured URL and the
    /// others) times the copies.
    pub fn deliveries_per_event(&self) -> usize {
        (self.also_to.len() + 1) * self.copies as usize
    }

    /// Each delivery of one event, after the one to `url`: (where, after how long). The
    /// first copy to every receiver goes at once.
    pub(crate) fn plan(&self, url: &http::Uri) -> Vec<(http::Uri, Duration)> {
        let receivers = std::iter::once(url).chain(&self.also_to);
        let mut plan = Vec::new();
        for copy in 0..self.copies {
            let after = if copy == 0 {
                Duration::ZERO
            } else {
                self.delay
            };
            plan.extend(receivers.clone().map(|u| (u.clone(), after)));
        }
        plan
    }

    /// Reads the admin API's JSON.
    pub(crate) fn from_json(body: &[u8]) -> Result<Self, String> {
        let body: RedeliveryJson =
            serde_json::from_slice(body).map_err(|e| format!("invalid redelivery plan: {e}"))?;
        let mut plan = Redelivery::default()
            .copies(body.copies.unwrap_or(1))
            .delay(Duration::from_millis(body.delay_ms.unwrap_or(0)));
        for url in &body.also_to {
            plan = plan.also_to(url)?;
        }
        Ok(plan)
    }

    /// The admin API's JSON.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(RedeliveryJson {
            also_to: self.also_to.iter().map(ToString::to_string).collect(),
            copies: Some(self.copies),
            delay_ms: Some(u64::try_from(self.delay.as_millis()).unwrap_or(u64::MAX)),
        })
        .unwrap_or_default()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RedeliveryJson {
    #[serde(default)]
    also_to: Vec<String>,
    copies: Option<u32>,
    delay_ms: Option<u64>,
}

/// A plain `http://` URL with a host, as the simulator can deliver to.
pub(crate) fn http_url(url: &str) -> Result<http::Uri, String> {
    let parsed: http::Uri = url
        .parse()
        .map_err(|_| format!("the webhook URL '{url}' is not a URL"))?;
    if parsed.scheme_str() != Some("http") {
        return Err(format!(
            "the webhook URL '{url}' must start with http:// (the simulator has no TLS client)"
        ));
    }
    if parsed.host().is_none_or(str::is_empty) {
        return Err(format!("the webhook URL '{url}' has no host"));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_sends_each_copy_to_each_receiver_the_extra_ones_late() {
        let main: http::Uri = "http://127.0.0.1:1/a".parse().unwrap();
        let plan = Redelivery::default()
            .also_to("http://127.0.0.1:2/b")
            .unwrap()
            .copies(2)
            .delay(Duration::from_millis(7));
        let sent: Vec<(String, u128)> = plan
            .plan(&main)
            .into_iter()
            .map(|(u, d)| (u.to_string(), d.as_millis()))
            .collect();
        assert_eq!(
            sent,
            [
                ("http://127.0.0.1:1/a".to_owned(), 0),
                ("http://127.0.0.1:2/b".to_owned(), 0),
                ("http://127.0.0.1:1/a".to_owned(), 7),
                ("http://127.0.0.1:2/b".to_owned(), 7),
            ]
        );
        assert_eq!(Redelivery::default().plan(&main).len(), 1);
        let json = plan.to_json();
        assert_eq!(
            Redelivery::from_json(json.to_string().as_bytes()).unwrap(),
            plan
        );
        assert!(Redelivery::from_json(br#"{"copies": 2, "extra": 1}"#).is_err());
    }
}
