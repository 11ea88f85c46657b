//! The simulator's Video SDK sessions: the three live-stream operations with state per
//! session, the Video SDK JWT (or an OAuth token) and nothing else, Zoom's double-encoding
//! rule for the session id, signed `session.*` webhooks, the admin API, and the SDK's
//! clients against all of it, every request valid by `spec/videosdk-livestream.json`.

mod simulator_common;

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use simulator_common::{BEARER, Resp, fetch_token, request};
use zoom_core::http::HeaderMap;
use zoom_core::{
    ApiErrorKind, Layout, LiveStreamSettings, LiveStreamStatus, SessionId, UpdateLiveStream,
};
use zoom_testkit::simulator::{
    self, BlockingSimulator, DEMO_SESSION_ID, DEMO_STREAM_URL, DEMO_VIDEO_SDK_API_KEY,
    DEMO_VIDEO_SDK_API_SECRET, SESSION_NOT_STARTED, SESSION_SLASHED_ID, SimSession, WebhookConfig,
    spec_violations, video_sdk_jwt,
};
use zoom_testkit::webhooks;
use zoom_webhook::{Event, Target, Verifier};

fn sim() -> BlockingSimulator {
    BlockingSimulator::start().expect("simulator starts")
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A JWT of the demo app valid for an hour.
fn jwt() -> String {
    video_sdk_jwt(
        DEMO_VIDEO_SDK_API_KEY,
        DEMO_VIDEO_SDK_API_SECRET,
        now(),
        now() + 3600,
    )
}

fn path(id: &str, tail: &str) -> String {
    let segment = SessionId::parse(id).unwrap().path_segment();
    format!("/v2/videosdk/sessions/{segment}/{tail}")
}

fn call(
    sim: &BlockingSimulator,
    method: &str,
    target: &str,
    token: &str,
    body: Option<Value>,
) -> Resp {
    let authorization = format!("Bearer {token}");
    let mut headers = vec![("authorization", authorization.as_str())];
    if body.is_some() {
        headers.push(("content-type", "application/json"));
    }
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    request(sim.addr(), method, target, &headers, body.as_bytes())
}

fn get(sim: &BlockingSimulator, id: &str, token: &str) -> Resp {
    call(sim, "GET", &path(id, "livestream"), token, None)
}

fn status(sim: &BlockingSimulator, id: &str, body: Value) -> Resp {
    call(
        sim,
        "PATCH",
        &path(id, "livestream/status"),
        &jwt(),
        Some(body),
    )
}

#[test]
fn the_demo_session_answers_a_jwt_and_an_oauth_token_alike() {
    let sim = sim();
    let oauth = fetch_token(sim.addr());
    let static_token = BEARER.trim_start_matches("Bearer ");
    for token in [jwt(), oauth, static_token.to_owned(), sim.video_sdk_jwt(60)] {
        let resp = get(&sim, DEMO_SESSION_ID, &token);
        assert_eq!(resp.status, 200, "{}", resp.text());
        assert_eq!(resp.json()["stream_url"], DEMO_STREAM_URL);
        assert!(resp.header("x-zm-trackingid").is_some());
        assert_eq!(resp.header("x-ratelimit-category"), Some("Light"));
    }
}

#[test]
fn anything_but_the_apps_unexpired_jwt_or_an_oauth_token_is_401_code_124() {
    let sim = sim();
    let key = DEMO_VIDEO_SDK_API_KEY;
    let secret = DEMO_VIDEO_SDK_API_SECRET;
    let cases = [
        (
            video_sdk_jwt(key, "another secret", now(), now() + 60),
            "Invalid access token.",
        ),
        (
            video_sdk_jwt("another key", secret, now(), now() + 60),
            "Invalid access token.",
        ),
        (
            video_sdk_jwt(key, secret, now() - 120, now() - 60),
            "Access token is expired.",
        ),
        ("a.b.c".to_owned(), "Invalid access token."),
        (
            simulator::DEMO_JWT_TOKEN.to_owned(),
            "Invalid access token.",
        ),
        ("not-a-token".to_owned(), "Invalid access token."),
    ];
    for (token, message) in cases {
        let body = get(&sim, DEMO_SESSION_ID, &token).assert_error(401, 124);
        assert_eq!(body["message"], message, "{token}");
    }
    let bare = request(
        sim.addr(),
        "GET",
        &path(DEMO_SESSION_ID, "livestream"),
        &[],
        b"",
    );
    bare.assert_error(401, 124);
    // The Video SDK JWT is no credential of the meeting API.
    let meeting = format!("/v2/meetings/{}/livestream", simulator::DEMO_MEETING_ID);
    call(&sim, "GET", &meeting, &jwt(), None).assert_error(401, 124);
}

#[test]
fn update_start_and_stop_change_the_sessions_state() {
    let sim = sim();
    let stream = json!({
        "stream_url": "rtmp://live.example.com/app",
        "stream_key": "key-1",
        "page_url": "https://example.com/watch",
        "resolution": "1080p"
    });
    let update = call(
        &sim,
        "PATCH",
        &path(SESSION_NOT_STARTED, "livestream"),
        &jwt(),
        Some(stream.clone()),
    );
    assert_eq!(update.status, 204, "{}", update.text());
    assert_eq!(get(&sim, SESSION_NOT_STARTED, &jwt()).json(), stream);
    let body =
        status(&sim, SESSION_NOT_STARTED, json!({"action": "start"})).assert_error(400, 3000);
    assert_eq!(
        body["message"],
        format!("Session {SESSION_NOT_STARTED} has not started.")
    );

    let settings = json!({"active_speaker_name": true, "display_name": "Demo", "layout": "speaker_view", "close_caption": "embedded"});
    let start = status(
        &sim,
        DEMO_SESSION_ID,
        json!({"action": "start", "settings": settings}),
    );
    assert_eq!(start.status, 204, "{}", start.text());
    let session = sim.session(DEMO_SESSION_ID).unwrap();
    assert!(session.streaming);
    assert_eq!(session.last_status_settings, Some(settings));
    let again = status(&sim, DEMO_SESSION_ID, json!({"action": "start"}));
    let body = again.assert_error(429, 429);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("after 30 seconds")
    );
    assert_eq!(again.header("retry-after"), None);
    assert_eq!(
        status(&sim, DEMO_SESSION_ID, json!({"action": "stop"})).status,
        204
    );
    assert!(!sim.session(DEMO_SESSION_ID).unwrap().streaming);

    let no_stream = "NoStream0000==";
    sim.upsert_session(
        no_stream,
        SimSession {
            started: true,
            ..SimSession::default()
        },
    );
    let body = status(&sim, no_stream, json!({"action": "start"})).assert_error(400, 3000);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("custom streaming service")
    );
    assert_eq!(
        get(&sim, no_stream, &jwt()).json(),
        json!({"stream_url": "", "stream_key": "", "page_url": ""})
    );
}

#[test]
fn settings_and_actions_outside_a_sessions_rules_are_400_code_300() {
    let sim = sim();
    for (body, field) in [
        (
            json!({"action": "start", "settings": {"layout": "follow_host"}}),
            "settings.layout",
        ),
        (
            json!({"action": "start", "settings": {"close_caption": "on"}}),
            "settings.close_caption",
        ),
        (
            json!({"action": "mode", "settings": {"layout": "gallery_view"}}),
            "action",
        ),
        (json!({"action": "go"}), "action"),
    ] {
        let answer = status(&sim, DEMO_SESSION_ID, body.clone()).assert_error(400, 300);
        assert_eq!(answer["errors"][0]["field"], field, "{body}");
    }
    assert!(!sim.session(DEMO_SESSION_ID).unwrap().streaming);
}

#[test]
fn the_id_is_one_segment_encoded_twice_exactly_by_zooms_rule() {
    let sim = sim();
    // `/Ab//Cd+Ef==`, encoded twice as the SDK does: found.
    let twice = path(SESSION_SLASHED_ID, "livestream");
    assert!(
        twice.contains("%252FAb%252F%252FCd%252BEf%253D%253D"),
        "{twice}"
    );
    assert_eq!(call(&sim, "GET", &twice, &jwt(), None).status, 200);
    // Encoded once, its `/` would split Zoom's path: not recognized.
    let once = "/v2/videosdk/sessions/%2FAb%2F%2FCd%2BEf%3D%3D/livestream";
    call(&sim, "GET", once, &jwt(), None).assert_error(404, 2300);
    // The whole path encoded twice (rivet-javascript issue 12) is no route (Zoom: 404, code
    // 2300); the simulator checks credentials first, and takes the JWT only on /videosdk/.
    let whole =
        "/v2/%252Fvideosdk%252Fsessions%252FSx8PZbQyTtaUc9kFb4sOwg%253D%253D%252Flivestream";
    let static_token = BEARER.trim_start_matches("Bearer ");
    assert_eq!(call(&sim, "GET", whole, static_token, None).status, 404);
    call(&sim, "GET", whole, &jwt(), None).assert_error(401, 124);
    call(&sim, "GET", "/v2/videosdk/sessions", &jwt(), None).assert_error(404, 2300);
    let body = get(&sim, "Unknown0000==", &jwt()).assert_error(404, 3001);
    assert_eq!(body["message"], "Session does not exist: Unknown0000==.");
    call(
        &sim,
        "GET",
        "/v2/videosdk/sessions/a.b/livestream",
        &jwt(),
        None,
    )
    .assert_error(400, 300);
    let delete = call(
        &sim,
        "DELETE",
        &path(DEMO_SESSION_ID, "livestream"),
        &jwt(),
        None,
    );
    delete.assert_error(405, 405);
    assert_eq!(delete.header("allow"), Some("GET, PATCH"));
}

#[test]
fn the_admin_api_reads_writes_starts_and_ends_sessions() {
    let sim = sim();
    let admin = |method: &str, tail: &str, body: &str| {
        request(
            sim.addr(),
            method,
            &format!("/__admin/sessions/{tail}"),
            &[],
            body.as_bytes(),
        )
    };
    let demo = "Sx8PZbQyTtaUc9kFb4sOwg%3D%3D";
    let read = admin("GET", demo, "");
    assert_eq!(read.status, 200);
    assert_eq!(read.json()["started"], true);
    assert_eq!(read.json()["name"], simulator::DEMO_SESSION_NAME);
    assert_eq!(
        admin("PUT", "New0000%2F%2Fx", r#"{"stream":null}"#).status,
        204
    );
    assert_eq!(sim.session("New0000//x"), Some(SimSession::default()));
    assert_eq!(admin("POST", "New0000%2F%2Fx/start", "").status, 204);
    assert!(sim.session("New0000//x").unwrap().started);
    assert_eq!(admin("POST", "New0000%2F%2Fx/end", "").status, 204);
    assert!(!sim.session("New0000//x").unwrap().started);
    assert_eq!(admin("POST", "Nope/start", "").status, 404);
    assert_eq!(admin("GET", "Nope", "").status, 404);
    assert_eq!(admin("GET", "New/start", "").status, 405);
    assert_eq!(admin("PUT", "New", r#"{"started":"yes"}"#).status, 400);
    assert!(!sim.start_session("Nope") && !sim.end_session("Nope"));
}

/// A loopback receiver answering 200 to every delivery.
fn receiver() -> (SocketAddr, mpsc::Receiver<(HeaderMap, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (sender, received) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Some(got) = webhooks::read_request(&stream) else {
                continue;
            };
            let (head, body) = got.into_parts();
            let headers = head.headers;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
            if sender.send((headers, body)).is_err() {
                return;
            }
        }
    });
    (addr, received)
}

#[test]
fn signed_session_events_follow_the_stream_and_the_admin_api() {
    const SECRET: &str = "session-webhook-secret";
    let sim = sim();
    let (addr, received) = receiver();
    sim.set_webhook(Some(
        WebhookConfig::new(&format!("http://{addr}/hook"), SECRET).unwrap(),
    ));
    let next = || {
        let (headers, body) = received
            .recv_timeout(Duration::from_secs(5))
            .unwrap_or_else(|_| panic!("no delivery: {:?}", sim.webhook_deliveries()));
        Verifier::new(SECRET)
            .verify_event_now(&headers, &body)
            .expect("signed with the secret")
    };
    let session = Some(Target::Session(DEMO_SESSION_ID.to_owned()));

    assert_eq!(
        status(&sim, DEMO_SESSION_ID, json!({"action": "start"})).status,
        204
    );
    let Event::SessionLiveStreamingStarted(started) = next() else {
        panic!("not a start")
    };
    assert_eq!(started.target(), session);
    let live = started.session.live_streaming.clone().unwrap();
    let settings = live.custom_live_streaming_settings.unwrap();
    assert_eq!(settings.stream_url.as_deref(), Some(DEMO_STREAM_URL));
    assert_eq!(
        started.session.session_name.as_deref(),
        Some(simulator::DEMO_SESSION_NAME)
    );
    assert_eq!(
        status(&sim, DEMO_SESSION_ID, json!({"action": "stop"})).status,
        204
    );
    assert!(matches!(next(), Event::SessionLiveStreamingStopped(s) if s.target() == session));
    // A stop of a stopped stream announces nothing.
    assert_eq!(
        status(&sim, DEMO_SESSION_ID, json!({"action": "stop"})).status,
        204
    );

    // Ending a streaming session stops its stream first.
    assert_eq!(
        status(&sim, DEMO_SESSION_ID, json!({"action": "start"})).status,
        204
    );
    assert!(matches!(next(), Event::SessionLiveStreamingStarted(_)));
    assert!(sim.end_session(DEMO_SESSION_ID));
    assert!(matches!(next(), Event::SessionLiveStreamingStopped(_)));
    let ended = next();
    assert!(matches!(&ended, Event::SessionEnded(_)), "{ended:?}");
    assert_eq!(ended.target(), session);
    assert!(sim.start_session(DEMO_SESSION_ID));
    let started = next();
    assert!(matches!(&started, Event::SessionStarted(_)), "{started:?}");
    // Starting a session in progress announces nothing more.
    assert!(sim.start_session(DEMO_SESSION_ID));
    assert!(received.recv_timeout(Duration::from_millis(300)).is_err());

    let deliveries = sim.webhook_deliveries();
    let events: Vec<&str> = deliveries.iter().map(|d| d.event.as_str()).collect();
    assert_eq!(
        events,
        [
            "session.live_streaming_started",
            "session.live_streaming_stopped",
            "session.live_streaming_started",
            "session.live_streaming_stopped",
            "session.ended",
            "session.started"
        ]
    );
    for delivery in &deliveries {
        assert_eq!(delivery.session_id.as_deref(), Some(DEMO_SESSION_ID));
        assert_eq!(delivery.meeting_id, 0);
    }
}

fn stream_update() -> UpdateLiveStream {
    UpdateLiveStream::new(
        "rtmp://live.example.com/app",
        "s3cret",
        "https://example.com/watch",
    )
}

fn speaker_start() -> LiveStreamStatus {
    LiveStreamStatus::start().settings(
        LiveStreamSettings::new()
            .layout(Layout::SpeakerView)
            .display_name("Demo")
            .active_speaker_name(true)
            .close_caption(zoom_core::CloseCaption::Off),
    )
}

#[test]
fn both_clients_call_the_three_operations_with_a_jwt_and_every_request_is_valid_by_the_spec() {
    let sim = sim();
    let session = SessionId::parse(SESSION_SLASHED_ID).unwrap();
    let blocking = zoom_core::blocking::Client::builder()
        .transport(zoom_transport_ureq::UreqTransport::default())
        .video_sdk_jwt(DEMO_VIDEO_SDK_API_KEY, DEMO_VIDEO_SDK_API_SECRET)
        .api_base(sim.base_url())
        .build()
        .unwrap();
    let stream = blocking.session_live_stream(&session).unwrap();
    assert_eq!(stream.stream_url.as_deref(), Some(DEMO_STREAM_URL));
    blocking
        .update_session_live_stream(&session, &stream_update())
        .unwrap();
    blocking
        .update_session_live_stream_status(&session, &speaker_start())
        .unwrap();
    let again = blocking
        .update_session_live_stream_status(&session, &LiveStreamStatus::start())
        .unwrap_err();
    assert_eq!(again.api().unwrap().kind(), ApiErrorKind::RateLimited);
    assert_eq!(again.retry_after(), Some(Duration::from_secs(30)));
    blocking
        .update_session_live_stream_status(&session, &LiveStreamStatus::stop())
        .unwrap();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = zoom_core::Client::builder()
            .transport(zoom_transport_reqwest::ReqwestTransport::default())
            .video_sdk_jwt(DEMO_VIDEO_SDK_API_KEY, DEMO_VIDEO_SDK_API_SECRET)
            .api_base(sim.base_url())
            .build()
            .unwrap();
        let stream = client.session_live_stream(&session).await.unwrap();
        assert_eq!(
            stream.stream_url.as_deref(),
            Some("rtmp://live.example.com/app")
        );
        client
            .update_session_live_stream(&session, &stream_update())
            .await
            .unwrap();
        client
            .update_session_live_stream_status(&session, &speaker_start())
            .await
            .unwrap();
        client
            .update_session_live_stream_status(&session, &LiveStreamStatus::stop())
            .await
            .unwrap();
    });
    let requests = sim.requests();
    assert_eq!(
        requests.len(),
        9,
        "one request per call, the second start not repeated"
    );
    for recorded in &requests {
        assert_eq!(
            spec_violations(recorded),
            Vec::<String>::new(),
            "{} {}",
            recorded.method,
            recorded.path
        );
        assert!(
            recorded
                .path
                .starts_with("/v2/videosdk/sessions/%252FAb%252F%252FCd%252BEf%253D%253D/")
        );
    }
    let session = sim.session(SESSION_SLASHED_ID).unwrap();
    assert!(!session.streaming);
    assert_eq!(
        session.last_status_settings.unwrap()["layout"],
        "speaker_view"
    );
}

#[test]
fn server_to_server_oauth_serves_the_session_operations_too() {
    let sim = sim();
    let client = zoom_core::blocking::Client::builder()
        .transport(zoom_transport_ureq::UreqTransport::default())
        .server_to_server_oauth(
            simulator::DEMO_ACCOUNT_ID,
            simulator::DEMO_CLIENT_ID,
            simulator::DEMO_CLIENT_SECRET,
        )
        .api_base(sim.base_url())
        .oauth_base(sim.oauth_base())
        .build()
        .unwrap();
    let stream = client
        .session_live_stream(SessionId::parse(DEMO_SESSION_ID).unwrap())
        .unwrap();
    assert_eq!(stream.stream_url.as_deref(), Some(DEMO_STREAM_URL));
    assert_eq!(sim.token_requests(), 1);
}

#[test]
fn an_expired_jwt_is_minted_anew_after_the_401_and_the_call_repeated_once() {
    /// A clock whose wall time is two hours behind: its first JWT has expired already.
    #[derive(Debug)]
    struct Behind(std::sync::atomic::AtomicBool);
    impl zoom_core::TimeSource for Behind {
        fn now(&self) -> zoom_core::Timestamp {
            zoom_core::SystemTimeSource.now()
        }
        fn system_time(&self) -> SystemTime {
            // The first reading is two hours late, the next ones right.
            let late = !self.0.swap(true, std::sync::atomic::Ordering::SeqCst);
            SystemTime::now() - Duration::from_secs(if late { 7200 } else { 0 })
        }
    }
    let sim = sim();
    let client = zoom_core::blocking::Client::builder()
        .transport(zoom_transport_ureq::UreqTransport::default())
        .video_sdk_jwt(DEMO_VIDEO_SDK_API_KEY, DEMO_VIDEO_SDK_API_SECRET)
        .time_source(Behind(Default::default()))
        .api_base(sim.base_url())
        .build()
        .unwrap();
    client
        .session_live_stream(SessionId::parse(DEMO_SESSION_ID).unwrap())
        .unwrap();
    let requests = sim.requests();
    assert_eq!(requests.len(), 2);
    assert_ne!(
        requests[0].header("authorization"),
        requests[1].header("authorization")
    );
}
