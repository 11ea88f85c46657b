//! The admin API under `/__admin/`: no auth, JSON, never recorded or faulted.

use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::config::{SimMeeting, WebhookConfig};
use super::faults::{self, FaultRule};
use super::request::ApiRequest;
use super::response::SimResponse;
use super::session_admin;
use super::state::SimulatorControl;

/// Path prefix of the admin API.
pub(crate) const PREFIX: &str = "/__admin/";

fn ok_json(status: StatusCode, value: &Value) -> SimResponse {
    SimResponse::json(status, value).bare()
}

fn bad_request(message: impl Into<String>) -> SimResponse {
    ok_json(StatusCode::BAD_REQUEST, &json!({"error": message.into()}))
}

fn done() -> SimResponse {
    SimResponse::no_content().bare()
}

fn not_found() -> SimResponse {
    ok_json(StatusCode::NOT_FOUND, &json!({"error": "not found"}))
}

/// Answers an admin request (the path starts with [`PREFIX`]).
pub(crate) fn handle(control: &SimulatorControl, request: &ApiRequest) -> SimResponse {
    let rest = request.path.strip_prefix(PREFIX).unwrap_or("");
    let segments: Vec<&str> = rest.split('/').collect();
    let method = &request.method;
    match (method, segments.as_slice()) {
        (&Method::GET, ["requests"]) => {
            let state = control.lock();
            let json = serde_json::to_value(state.requests()).unwrap_or_default();
            ok_json(StatusCode::OK, &json)
        }
        (&Method::DELETE, ["requests"]) => {
            control.clear_requests();
            done()
        }
        (&Method::GET, ["faults"]) => {
            let state = control.lock();
            ok_json(
                StatusCode::OK,
                &serde_json::to_value(state.faults()).unwrap_or_default(),
            )
        }
        (&Method::POST, ["faults"]) => add_fault(control, request),
        (&Method::DELETE, ["faults"]) => {
            control.clear_faults();
            done()
        }
        (&Method::POST, ["reset"]) => {
            control.reset();
            done()
        }
        (&Method::POST, ["tokens", "expire"]) => {
            control.expire_all_tokens();
            done()
        }
        (&Method::GET, ["token-requests"]) => {
            ok_json(StatusCode::OK, &json!({"count": control.token_requests()}))
        }
        (&Method::PUT, ["rate-limit"]) => set_limits(control, request),
        (_, ["webhook", rest @ ..]) => webhook(control, request, rest),
        (_, [kind @ ("meetings" | "webinars"), id]) => item(control, request, kind, id),
        (_, ["sessions", rest @ ..]) => session_admin::handle(control, request, rest),
        _ => not_found(),
    }
}

fn add_fault(control: &SimulatorControl, request: &ApiRequest) -> SimResponse {
    let rule: FaultRule = match serde_json::from_slice(&request.body) {
        Ok(rule) => rule,
        Err(e) => return bad_request(format!("invalid fault rule: {e}")),
    };
    if let Err(e) = faults::validate(&rule) {
        return bad_request(e);
    }
    let echo = serde_json::to_value(&rule).unwrap_or_default();
    control.push_fault(rule);
    ok_json(StatusCode::CREATED, &echo)
}

/// `{"per_second": n|null, "per_day": n|null}`; an absent key keeps its limit.
fn set_limits(control: &SimulatorControl, request: &ApiRequest) -> SimResponse {
    let body: Value = match serde_json::from_slice(&request.body) {
        Ok(Value::Object(map)) => Value::Object(map),
        _ => return bad_request("expected a JSON object"),
    };
    let limit = |key: &str| -> Result<Option<Option<u32>>, SimResponse> {
        match body.get(key) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(|n| Some(Some(n)))
                .ok_or_else(|| bad_request(format!("{key} must be a number or null"))),
        }
    };
    let (per_second, per_day) = match (limit("per_second"), limit("per_day")) {
        (Ok(s), Ok(d)) => (s, d),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    if let Some(per_second) = per_second {
        control.set_rate_limit(per_second);
    }
    if let Some(per_day) = per_day {
        control.set_daily_limit(per_day);
    }
    done()
}

fn item(control: &SimulatorControl, request: &ApiRequest, kind: &str, id: &str) -> SimResponse {
    let Ok(id) = id.parse::<u64>() else {
        return bad_request("the id must be a number");
    };
    let meetings = kind == "meetings";
    match request.method {
        Method::GET => {
            let found = if meetings {
                control.meeting(id)
            } else {
                control.webinar(id)
            };
            match found {
                Some(item) => ok_json(
                    StatusCode::OK,
                    &serde_json::to_value(item).unwrap_or_default(),
                ),
                None => not_found(),
            }
        }
        Method::PUT => {
            let item: SimMeeting = match serde_json::from_slice(&request.body) {
                Ok(item) => item,
                Err(e) => return bad_request(format!("invalid meeting: {e}")),
            };
            if meetings {
                control.upsert_meeting(id, item);
            } else {
                control.upsert_webinar(id, item);
            }
            done()
        }
        _ => SimResponse::method_not_allowed("GET, PUT").bare(),
    }
}

/// `PUT|GET|DELETE webhook`, `GET|DELETE webhook/deliveries`.
fn webhook(control: &SimulatorControl, request: &ApiRequest, rest: &[&str]) -> SimResponse {
    match (&request.method, rest) {
        (&Method::PUT, []) => match webhook_config(&request.body) {
            Ok(config) => {
                control.set_webhook(Some(config));
                done()
            }
            Err(message) => bad_request(message),
        },
        (&Method::GET, []) => {
            let json = match control.webhook() {
                Some(config) => json!({
                    "configured": true,
                    "url": config.url().to_string(),
                    "time_scale": config.scale(),
                    "ack_timeout_ms": millis(config.timeout()),
                    "retry_delays_ms": config.retry_delays().map(millis),
                }),
                None => json!({"configured": false}),
            };
            ok_json(StatusCode::OK, &json)
        }
        (&Method::DELETE, []) => {
            control.set_webhook(None);
            done()
        }
        (&Method::GET, ["deliveries"]) => {
            let json = serde_json::to_value(control.webhook_deliveries()).unwrap_or_default();
            ok_json(StatusCode::OK, &json)
        }
        (&Method::DELETE, ["deliveries"]) => {
            control.clear_webhook_deliveries();
            done()
        }
        (_, []) => SimResponse::method_not_allowed("GET, PUT, DELETE").bare(),
        (_, ["deliveries"]) => SimResponse::method_not_allowed("GET, DELETE").bare(),
        _ => not_found(),
    }
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// `{"url": "http://…", "secret_token": "…", "time_scale": 1000, "ack_timeout_ms": 3000}`;
/// the last two are optional.
fn webhook_config(body: &[u8]) -> Result<WebhookConfig, String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        url: String,
        secret_token: String,
        time_scale: Option<u32>,
        ack_timeout_ms: Option<u64>,
    }
    let body: Body =
        serde_json::from_slice(body).map_err(|e| format!("invalid webhook configuration: {e}"))?;
    let mut config = WebhookConfig::new(&body.url, body.secret_token)?;
    if let Some(scale) = body.time_scale {
        config = config.time_scale(scale);
    }
    if let Some(ms) = body.ack_timeout_ms {
        config = config.ack_timeout(std::time::Duration::from_millis(ms));
    }
    Ok(config)
}
