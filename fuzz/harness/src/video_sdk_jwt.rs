//! The Video SDK API's JWT: any credentials, lifetime and clock either make an input error
//! or a JWT that an independent check (this file's own base64url, JSON and HMAC-SHA256)
//! reads as exactly `{"alg":"HS256","typ":"JWT"}` and `{"iss","iat","exp"}`, signed with the
//! secret; a client with those credentials sends exactly that JWT, and mints it once more
//! after a 401; nothing shows the secret.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zoom_core::{
    FnTransport, HttpRequest, SessionId, TimeSource, Timestamp, VideoSdkJwt, blocking,
};

/// A clock standing still at one wall-clock instant.
#[derive(Debug)]
struct At(SystemTime);

impl TimeSource for At {
    fn now(&self) -> Timestamp {
        Timestamp::ORIGIN
    }
    fn system_time(&self) -> SystemTime {
        self.0
    }
}

/// Input: lines `API key`, `API secret`, `lifetime in seconds`, `clock in Unix seconds`
/// (missing or unreadable numbers: an hour, and 2026-11-26T10:00:00Z).
pub fn video_sdk_jwt(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let key = lines.next().unwrap_or_default().to_owned();
    let secret = lines.next().unwrap_or_default().to_owned();
    let lifetime = lines
        .next()
        .and_then(|l| l.trim().parse::<u64>().ok())
        .unwrap_or(3600);
    let clock = lines
        .next()
        .and_then(|l| l.trim().parse::<u64>().ok())
        .unwrap_or(1_795_687_200);
    let Some(now) = UNIX_EPOCH.checked_add(Duration::from_secs(clock)) else {
        return;
    };
    let credentials =
        VideoSdkJwt::new(key.as_str(), secret.as_str()).lifetime(Duration::from_secs(lifetime));
    let valid =
        !key.trim().is_empty() && !secret.trim().is_empty() && (1..=48 * 3600).contains(&lifetime);
    let minted = credentials.mint(now);
    assert_eq!(
        minted.is_ok(),
        valid,
        "{key:?} {lifetime} {clock}: {minted:?}"
    );
    // `Debug` does not depend on the secret at all.
    let other = VideoSdkJwt::new(key.as_str(), "another").lifetime(Duration::from_secs(lifetime));
    assert_eq!(
        format!("{credentials:?}"),
        format!("{other:?}"),
        "Debug shows the secret"
    );
    let Ok(jwt) = minted else { return };
    let jwt = jwt.expose_secret().to_owned();
    check(&jwt, &key, &secret, clock, lifetime);
    client_sends(&jwt, &key, &secret, lifetime, now);
}

/// The JWT, read without the SDK.
fn check(jwt: &str, key: &str, secret: &str, clock: u64, lifetime: u64) {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "{jwt}");
    let decode = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .expect("base64url without padding")
    };
    assert_eq!(decode(parts[0]), br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims: serde_json::Value = serde_json::from_slice(&decode(parts[1])).expect("JSON");
    let expected = serde_json::json!({
        "iss": key,
        "iat": clock,
        "exp": clock.saturating_add(lifetime),
    });
    assert_eq!(claims, expected, "exactly these three claims");
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("any key");
    mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
    assert!(
        mac.verify_slice(&decode(parts[2])).is_ok(),
        "the signature verifies"
    );
}

/// A client with the credentials, its clock at `now`, sends `jwt` as its bearer token; a
/// 401 makes it mint once more (the same JWT, the clock standing still) and repeat once.
fn client_sends(jwt: &str, key: &str, secret: &str, lifetime: u64, now: SystemTime) {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let transport = {
        let (calls, seen) = (Arc::clone(&calls), Arc::clone(&seen));
        FnTransport(move |request: HttpRequest| {
            let bearer = request
                .headers()
                .get("authorization")
                .map(|v| (v.is_sensitive(), v.to_str().unwrap_or_default().to_owned()));
            seen.lock().unwrap().push(bearer);
            let status = if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                401
            } else {
                200
            };
            let body = if status == 401 {
                br#"{"code":124,"message":"Invalid access token."}"#.to_vec()
            } else {
                br#"{"stream_url":"rtmp://x/y"}"#.to_vec()
            };
            let mut answer = http::Response::new(body);
            *answer.status_mut() = http::StatusCode::from_u16(status).expect("a status");
            Ok(answer)
        })
    };
    let client = blocking::Client::builder()
        .transport(transport)
        .video_sdk_jwt(key, secret)
        .video_sdk_jwt_lifetime(Duration::from_secs(lifetime))
        .time_source(At(now))
        .build()
        .expect("valid credentials build a client");
    let session = SessionId::parse("Sx8PZbQyTtaUc9kFb4sOwg==").expect("a session id");
    let stream = client
        .session_live_stream(&session)
        .expect("200 after one 401");
    assert!(!format!("{client:?} {stream:?}").contains(jwt));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "one repeat after the 401");
    for bearer in seen.iter() {
        assert_eq!(
            bearer.as_ref(),
            Some(&(true, format!("Bearer {jwt}"))),
            "the minted JWT, marked sensitive"
        );
    }
}
