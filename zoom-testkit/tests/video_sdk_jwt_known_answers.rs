//! Known answers for the Video SDK API's JWT: every vector of
//! `fixtures/video-sdk-jwt/vectors.json` was minted and verified **outside Rust**, by
//! `mint.py` beside it (Python's `hmac`, `hashlib`, `base64`, `json` only). The SDK must mint
//! the same JWT byte for byte, send it as its bearer token, carry exactly the three claims,
//! renew it ahead of expiry and once after a 401, and never show it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use zoom_core::http::Method;
use zoom_core::{ApiErrorKind, LiveStreamStatus, SessionId, VideoSdkJwt, blocking};
use zoom_core::{TimeSource, Timestamp};
use zoom_testkit::{ManualClock, MockTransport, fixtures};

const VECTORS: &str = include_str!("../fixtures/video-sdk-jwt/vectors.json");

/// One vector as Python wrote it.
struct Vector {
    name: String,
    api_key: String,
    api_secret: String,
    iat: u64,
    lifetime: u64,
    jwt: String,
    header: String,
    claims: String,
}

fn vectors() -> Vec<Vector> {
    let json: Value = serde_json::from_str(VECTORS).expect("vectors.json is JSON");
    let text = |v: &Value, key: &str| v[key].as_str().expect(key).to_owned();
    let vectors: Vec<Vector> = json["vectors"]
        .as_array()
        .expect("a list of vectors")
        .iter()
        .map(|v| Vector {
            name: text(v, "name"),
            api_key: text(v, "api_key"),
            api_secret: text(v, "api_secret"),
            iat: v["iat"].as_u64().expect("iat"),
            lifetime: v["lifetime"].as_u64().expect("lifetime"),
            jwt: text(v, "jwt"),
            header: text(v, "header"),
            claims: text(v, "claims"),
        })
        .collect();
    assert!(vectors.len() >= 7, "{} vectors", vectors.len());
    vectors
}

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

fn credentials(vector: &Vector) -> VideoSdkJwt {
    VideoSdkJwt::new(&vector.api_key, vector.api_secret.as_str())
        .lifetime(Duration::from_secs(vector.lifetime))
}

fn session() -> SessionId {
    SessionId::parse("Sx8PZbQyTtaUc9kFb4sOwg==").unwrap()
}

/// A blocking client on `mock` with the vector's credentials and `clock`.
fn client(
    vector: &Vector,
    mock: &MockTransport,
    clock: impl TimeSource + 'static,
) -> blocking::Client {
    blocking::Client::builder()
        .transport(mock.clone())
        .video_sdk_jwt(&vector.api_key, vector.api_secret.as_str())
        .video_sdk_jwt_lifetime(Duration::from_secs(vector.lifetime))
        .time_source(clock)
        .build()
        .unwrap()
}

fn bearer(request: &zoom_testkit::SentRequest) -> String {
    let value = request
        .header("authorization")
        .expect("an Authorization header");
    value
        .strip_prefix("Bearer ")
        .unwrap_or_else(|| panic!("not a bearer token: {value}"))
        .to_owned()
}

fn decoded(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
}

#[test]
fn every_vector_is_minted_byte_for_byte() {
    for vector in vectors() {
        let jwt = credentials(&vector).mint(at(vector.iat)).unwrap();
        assert_eq!(jwt.expose_secret(), vector.jwt, "{}", vector.name);
        // Any instant within the same second mints the same JWT: `iat` counts whole seconds.
        let later = at(vector.iat) + Duration::from_millis(999);
        assert_eq!(
            credentials(&vector).mint(later).unwrap().expose_secret(),
            vector.jwt
        );
    }
}

#[test]
fn the_claims_are_exactly_iss_iat_and_exp_and_the_header_is_zooms() {
    for vector in vectors() {
        let jwt = credentials(&vector).mint(at(vector.iat)).unwrap();
        let parts: Vec<&str> = jwt.expose_secret().split('.').collect();
        assert_eq!(parts.len(), 3, "{}", vector.name);
        let header = URL_SAFE_NO_PAD.decode(parts[0]).unwrap();
        assert_eq!(String::from_utf8(header).unwrap(), vector.header);
        assert_eq!(
            decoded(parts[0]),
            serde_json::json!({"alg": "HS256", "typ": "JWT"})
        );
        let claims = URL_SAFE_NO_PAD.decode(parts[1]).unwrap();
        assert_eq!(
            String::from_utf8(claims).unwrap(),
            vector.claims,
            "{}",
            vector.name
        );
        let claims = decoded(parts[1]);
        let keys: Vec<&String> = claims.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 3, "{}: {claims}", vector.name);
        assert_eq!(claims["iss"], vector.api_key.as_str());
        assert_eq!(claims["iat"], vector.iat);
        assert_eq!(claims["exp"], vector.iat + vector.lifetime);
    }
}

#[test]
fn the_client_sends_the_vectors_jwt_as_its_bearer_token() {
    for vector in vectors() {
        let mock = MockTransport::new().push(fixtures::live_stream_full());
        let clock = ManualClock::starting_at(at(vector.iat));
        client(&vector, &mock, clock)
            .session_live_stream(session())
            .unwrap();
        let requests = mock.requests();
        assert_eq!(
            requests.len(),
            1,
            "no token request: the JWT is minted, not fetched"
        );
        assert_eq!(bearer(&requests[0]), vector.jwt, "{}", vector.name);
        assert!(requests[0].headers["authorization"].is_sensitive());
        assert_eq!(
            requests[0].uri,
            "https://api.zoom.us/v2/videosdk/sessions/Sx8PZbQyTtaUc9kFb4sOwg%3D%3D/livestream"
        );
    }
}

/// A clock whose wall reading moves a second each time it is read (the monotonic one
/// stands still): every JWT minted from it is a new one.
#[derive(Debug, Default)]
struct Ticking(AtomicU64);

impl TimeSource for Ticking {
    fn now(&self) -> Timestamp {
        Timestamp::ORIGIN
    }
    fn system_time(&self) -> SystemTime {
        at(1_795_687_200 + self.0.fetch_add(1, Ordering::SeqCst))
    }
}

#[test]
fn a_401_mints_a_new_jwt_and_repeats_the_call_once_even_a_start() {
    let vector = &vectors()[0];
    let mock = MockTransport::new()
        .push(fixtures::invalid_access_token())
        .push(fixtures::no_content());
    let client = client(vector, &mock, Ticking::default());
    client
        .update_session_live_stream_status(session(), &LiveStreamStatus::start())
        .unwrap();
    let requests = mock.requests();
    assert_eq!(requests.len(), 2);
    let (first, second) = (bearer(&requests[0]), bearer(&requests[1]));
    assert_ne!(first, second, "the rejected JWT was minted anew");
    let iat = |jwt: &str| {
        decoded(jwt.split('.').nth(1).unwrap())["iat"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(iat(&second), iat(&first) + 1);

    // Rejected twice: the 401 is the caller's, after one repeat.
    let mock = MockTransport::new()
        .push(fixtures::invalid_access_token())
        .push(fixtures::invalid_access_token());
    let error = self::client(vector, &mock, Ticking::default())
        .session_live_stream(session())
        .unwrap_err();
    assert_eq!(
        error.api().unwrap().kind(),
        ApiErrorKind::InvalidAccessToken
    );
    assert_eq!(mock.requests().len(), 2);
}

#[test]
fn the_jwt_is_kept_and_renewed_a_minute_before_it_expires() {
    let vector = &vectors()[0];
    let clock = ManualClock::starting_at(at(vector.iat));
    let mock = MockTransport::new();
    for _ in 0..4 {
        mock.clone()
            .on(Method::GET, "/livestream", fixtures::live_stream_full());
    }
    let client = client(vector, &mock, clock.clone());
    let shared = client.clone();
    client.session_live_stream(session()).unwrap();
    clock.advance(Duration::from_secs(3539));
    shared.session_live_stream(session()).unwrap();
    clock.advance(Duration::from_secs(1));
    client.session_live_stream(session()).unwrap();
    client.session_live_stream(session()).unwrap();
    let tokens: Vec<String> = mock.requests().iter().map(bearer).collect();
    assert_eq!(tokens[0], vector.jwt);
    assert_eq!(tokens[1], vector.jwt, "kept, and shared by clones");
    assert_ne!(tokens[2], vector.jwt, "renewed 60 s before expiry");
    assert_eq!(tokens[3], tokens[2]);
    let claims = decoded(tokens[2].split('.').nth(1).unwrap());
    assert_eq!(claims["iat"], vector.iat + 3540);
    assert_eq!(claims["exp"], vector.iat + 3540 + 3600);
}

#[test]
fn neither_the_secret_nor_the_jwt_is_ever_shown() {
    let vector = &vectors()[0];
    let mock = MockTransport::new()
        .push(fixtures::invalid_access_token())
        .push(fixtures::invalid_access_token());
    let clock = ManualClock::starting_at(at(vector.iat));
    let client = client(vector, &mock, clock);
    let error = client.session_live_stream(session()).unwrap_err();
    let requests = mock.requests();
    let shown = format!(
        "{client:?} {error} {error:?} {:?} {:?} {:?}",
        credentials(vector),
        credentials(vector).mint(at(vector.iat)).unwrap(),
        requests[0]
    );
    let signature = vector.jwt.rsplit('.').next().unwrap();
    for secret in [vector.api_secret.as_str(), vector.jwt.as_str(), signature] {
        assert!(!shown.contains(secret), "{secret} shown in {shown}");
    }
    assert!(
        shown.contains(&vector.api_key),
        "the key is an identifier: {shown}"
    );
}
