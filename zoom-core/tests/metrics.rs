//! With the `metrics` feature, a call measures itself through the `metrics` facade:
//! `http.client.request.duration` per attempt with OpenTelemetry's attributes, and the SDK's
//! counters. Run with `cargo test -p zoom-core --features metrics --test metrics`.

use std::sync::{Arc, Mutex};

use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};
use zoom_core::{FnTransport, HttpRequest, Jitter};

/// Records what was measured: each metric's name and labels, as `name{k=v,...}`.
#[derive(Default)]
struct Registrations(Mutex<Vec<String>>);

impl Registrations {
    fn note(&self, key: &Key) {
        let mut labels: Vec<String> = key
            .labels()
            .map(|l| format!("{}={}", l.key(), l.value()))
            .collect();
        labels.sort();
        self.0
            .lock()
            .unwrap()
            .push(format!("{}{{{}}}", key.name(), labels.join(",")));
    }
}

impl Recorder for Registrations {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        self.note(key);
        Counter::noop()
    }
    fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
        self.note(key);
        Gauge::noop()
    }
    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        self.note(key);
        Histogram::noop()
    }
}

/// Waits are measured, not slept.
struct NoSleep;

impl zoom_core::BlockingSleep for NoSleep {
    fn sleep(&self, _: std::time::Duration) {}
}

#[test]
fn a_retried_call_measures_each_attempt_its_token_fetch_and_its_wait() {
    let answers = Arc::new(Mutex::new(vec![
        (200, r#"{"stream_url":"rtmp://a"}"#, None),
        (
            429,
            r#"{"code":429,"message":"Too many requests"}"#,
            Some("1"),
        ),
        (200, r#"{"access_token":"t","expires_in":3599}"#, None),
    ]));
    let transport = FnTransport(move |_: HttpRequest| {
        let (status, body, retry_after) = answers.lock().unwrap().pop().unwrap();
        let mut answer = http::Response::builder().status(status);
        if let Some(seconds) = retry_after {
            answer = answer.header("retry-after", seconds);
        }
        Ok(answer.body(body.as_bytes().to_vec()).unwrap())
    });
    let client = zoom_core::blocking::Client::builder()
        .transport(transport)
        .server_to_server_oauth("acct", "cid", "secret")
        .jitter(Jitter::fixed(0.0))
        .sleeper(NoSleep)
        .build()
        .unwrap();
    let recorder = Registrations::default();
    metrics::with_local_recorder(&recorder, || {
        client.meeting_live_stream(85746065432).unwrap();
    });
    let measured = recorder.0.lock().unwrap().clone();
    let common = "http.request.method=GET,server.address=api.zoom.us,server.port=443,url.scheme=https,url.template=/meetings/{meetingId}/livestream";
    assert_eq!(
        measured,
        [
            "http.client.request.duration{http.request.method=POST,http.response.status_code=200,server.address=zoom.us,server.port=443,url.scheme=https,url.template=/oauth/token}".to_owned(),
            "zoom.client.token.fetches{zoom.grant_type=account_credentials,zoom.outcome=ok}".to_owned(),
            format!("http.client.request.duration{{error.type=429,{}}}", common.replace("server.address", "http.response.status_code=429,server.address")),
            "zoom.client.rate_limit.waits{zoom.wait.reason=retry_after}".to_owned(),
            "zoom.client.rate_limit.wait.duration{zoom.wait.reason=retry_after}".to_owned(),
            "zoom.client.retries{error.type=429,zoom.operation=zoom.meeting_live_stream}".to_owned(),
            format!("http.client.request.duration{{{}}}", common.replace("server.address", "http.response.status_code=200,server.address")),
        ]
    );
}
