//! The Video SDK session paths: a JWT bearer and a session id encoded twice (Zoom's rule
//! for an id that begins with `/` or contains `//`) reach the server exactly as sent.
//! A transport that decodes or normalises the path (`%252F` → `%2F`, `//` → `/`) would send
//! another session's request, or one Zoom does not route.

use std::time::{SystemTime, UNIX_EPOCH};

use zoom_core::http;

use super::{Check, JSON, arrived, demo_body, first};
use crate::conformance::expect;
use crate::simulator::{DEMO_VIDEO_SDK_API_KEY, DEMO_VIDEO_SDK_API_SECRET, video_sdk_jwt};

/// The path of the simulator's session `/Ab//Cd+Ef==`, its id encoded twice.
const SLASHED: &str = "/v2/videosdk/sessions/%252FAb%252F%252FCd%252BEf%253D%253D/livestream";

/// These checks, in order.
pub(super) fn all() -> Vec<Check> {
    vec![
        session_get_arrives_encoded_as_sent(),
        session_status_patch_arrives_unchanged(),
        expired_jwt_401_passes_through(),
    ]
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `Bearer` and a JWT of the simulator's Video SDK app, issued `from` seconds from now and
/// valid for `seconds` more (negative: in the past).
fn jwt(from: i64, seconds: u64) -> String {
    let iat = unix_now().saturating_add_signed(from);
    let token = video_sdk_jwt(
        DEMO_VIDEO_SDK_API_KEY,
        DEMO_VIDEO_SDK_API_SECRET,
        iat,
        iat.saturating_add(seconds),
    );
    format!("Bearer {token}")
}

/// The origin of the simulator (`base_url` without `/v2`).
fn origin(base_url: &str) -> &str {
    base_url.strip_suffix("/v2").unwrap_or(base_url)
}

fn session_get_arrives_encoded_as_sent() -> Check {
    Check::new(
        "session_get_arrives_encoded_as_sent",
        "a Video SDK GET with a JWT bearer reaches the server with its path byte for byte \
         (a session id encoded twice is neither decoded nor normalised) and its answer comes \
         back unchanged",
    )
    .request(|env| {
        http::Request::get(format!("{}{SLASHED}", origin(&env.base_url)))
            .header("authorization", jwt(0, 3600))
            .header("accept", "application/json")
            .body(Vec::new())
            .expect("a valid request")
    })
    .expect_with(|answer, received, _| {
        let request = first(received)?;
        expect::same("method", &request.method, "GET")?;
        expect::same("path", &request.path, SLASHED)?;
        let bearer = request.header("authorization").unwrap_or_default();
        if !bearer.starts_with("Bearer eyJ") || bearer.split('.').count() != 3 {
            return Err(format!(
                "the JWT bearer did not arrive whole: {}",
                bearer.len()
            ));
        }
        let response = expect::ok_with_status(answer, 200)?;
        expect::body_is(response, &demo_body())?;
        expect::zoom_headers(response)?;
        expect::header_is(response, "content-type", JSON)
    })
}

fn session_status_patch_arrives_unchanged() -> Check {
    const BODY: &str = r#"{"action":"start","settings":{"active_speaker_name":true,"display_name":"Démo ✓","layout":"speaker_view","close_caption":"embedded"}}"#;
    Check::new(
        "session_status_patch_arrives_unchanged",
        "a Video SDK status PATCH reaches the server with its path, JWT and JSON body byte \
         for byte, and its 204 comes back with an empty body",
    )
    .request(|env| {
        http::Request::patch(format!("{}{SLASHED}/status", origin(&env.base_url)))
            .header("authorization", jwt(0, 3600))
            .header("content-type", "application/json")
            .body(BODY.as_bytes().to_vec())
            .expect("a valid request")
    })
    .expect_with(|answer, received, _| {
        let request = first(received)?;
        expect::same("path", &request.path, &format!("{SLASHED}/status"))?;
        arrived(request, "content-type", "application/json")?;
        if request.body != BODY.as_bytes() {
            return Err(format!(
                "the request body did not arrive byte for byte: received {}",
                expect::preview(&request.body)
            ));
        }
        let response = expect::ok_with_status(answer, 204)?;
        expect::body_is(response, b"")
    })
}

fn expired_jwt_401_passes_through() -> Check {
    Check::new(
        "expired_jwt_401_passes_through",
        "a Video SDK request with an expired JWT gets Ok(401) with code 124, not an error",
    )
    .request(|env| {
        http::Request::get(format!("{}{SLASHED}", origin(&env.base_url)))
            .header("authorization", jwt(-7200, 3600))
            .body(Vec::new())
            .expect("a valid request")
    })
    .expect(|answer| {
        let response = expect::ok_with_status(answer, 401)?;
        let body = expect::zoom_error(response, 124)?;
        expect::same(
            "message",
            body["message"].as_str().unwrap_or_default(),
            "Access token is expired.",
        )?;
        expect::zoom_headers(response)
    })
}
