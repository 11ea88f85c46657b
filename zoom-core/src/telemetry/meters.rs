//! The measurements, through the `metrics` facade: `http.client.request.duration` and the
//! SDK's counters (feature `metrics`).

use std::time::Duration;

use metrics::Label;

use super::attributes::{server_address, server_port};
use crate::error::{Error, TransportError};
use crate::time::Timestamp;
use crate::transport::{HttpRequest, HttpResponse};

/// An attempt in flight: its conventional attributes and when it was sent.
#[derive(Debug)]
pub(super) struct Attempt {
    labels: Vec<Label>,
    sent: Timestamp,
}

impl Attempt {
    pub(super) fn new(request: &HttpRequest, template: &str, sent: Timestamp) -> Self {
        let uri = request.uri();
        let labels = vec![
            Label::new("http.request.method", request.method().as_str().to_owned()),
            Label::new("server.address", server_address(uri).to_owned()),
            Label::new("server.port", server_port(uri).to_string()),
            Label::new("url.scheme", uri.scheme_str().unwrap_or("https").to_owned()),
            Label::new("url.template", template.to_owned()),
        ];
        Self { labels, sent }
    }

    pub(super) fn end(
        &self,
        outcome: &Result<HttpResponse, TransportError>,
        error_type: Option<&str>,
        now: Timestamp,
    ) {
        let mut labels = self.labels.clone();
        if let Ok(response) = outcome {
            labels.push(Label::new(
                "http.response.status_code",
                response.status().as_str().to_owned(),
            ));
        }
        if let Some(error_type) = error_type {
            labels.push(Label::new("error.type", error_type.to_owned()));
        }
        let seconds = now.saturating_duration_since(self.sent).as_secs_f64();
        metrics::histogram!("http.client.request.duration", labels).record(seconds);
    }
}

pub(super) fn token_fetch(grant_type: &'static str, outcome: &'static str) {
    metrics::counter!(
        "zoom.client.token.fetches",
        "zoom.grant_type" => grant_type,
        "zoom.outcome" => outcome
    )
    .increment(1);
}

pub(super) fn rate_limit_wait(reason: &'static str, wait: Duration) {
    metrics::counter!("zoom.client.rate_limit.waits", "zoom.wait.reason" => reason).increment(1);
    metrics::histogram!("zoom.client.rate_limit.wait.duration", "zoom.wait.reason" => reason)
        .record(wait.as_secs_f64());
}

pub(super) fn retry(operation: &str, error: &Error) {
    metrics::counter!(
        "zoom.client.retries",
        "zoom.operation" => operation.to_owned(),
        "error.type" => super::attributes::error_type(error).into_owned()
    )
    .increment(1);
}
