//! The facade as a user meets it: default transports against the simulator, a custom
//! transport, and retry waits on tokio's timer.

use std::time::Duration;

use zoom_live_stream::{Client, LiveStreamStatus, MeetingId};
use zoom_testkit::simulator::{self, BlockingSimulator};
use zoom_testkit::{MockTransport, fixtures};

#[tokio::test]
async fn the_default_async_client_talks_to_zoom_with_server_to_server_oauth() {
    let sim = BlockingSimulator::start().unwrap();
    let client = Client::builder()
        .server_to_server_oauth(
            simulator::DEMO_ACCOUNT_ID,
            simulator::DEMO_CLIENT_ID,
            simulator::DEMO_CLIENT_SECRET,
        )
        .api_base(sim.base_url())
        .oauth_base(sim.oauth_base())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let stream = client
        .meeting_live_stream(MeetingId::new(simulator::DEMO_MEETING_ID))
        .await
        .unwrap();
    assert_eq!(
        stream.stream_url.as_deref(),
        Some(simulator::DEMO_STREAM_URL)
    );
    client
        .update_meeting_live_stream_status(
            MeetingId::new(simulator::DEMO_MEETING_ID),
            &LiveStreamStatus::stop(),
        )
        .await
        .unwrap();
    assert_eq!(sim.token_requests(), 1);
}

// The blocking client's tests need the `blocking` feature, which `cargo test -p
// zoom-live-stream` alone leaves off (the workspace's other packages turn it on).
#[test]
#[cfg(feature = "blocking")]
fn the_default_blocking_client_talks_to_zoom() {
    let sim = BlockingSimulator::start().unwrap();
    let client = zoom_live_stream::blocking::Client::builder()
        .bearer_token(simulator::DEMO_STATIC_TOKEN)
        .api_base(sim.base_url())
        .connect_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let error = client
        .meeting_live_stream(MeetingId::new(12345678901))
        .unwrap_err();
    assert!(error.is_not_found(), "{error}");
    let stream = client
        .meeting_live_stream(MeetingId::new(simulator::DEMO_MEETING_ID))
        .unwrap();
    assert_eq!(stream.page_url.as_deref(), Some(simulator::DEMO_PAGE_URL));
}

#[test]
fn a_missing_credential_or_a_bad_base_is_an_input_error_from_build() {
    let error = Client::builder().build().unwrap_err();
    assert_eq!(error.kind(), zoom_live_stream::ErrorKind::InvalidInput);
    #[cfg(feature = "blocking")]
    {
        let error = zoom_live_stream::blocking::Client::builder()
            .bearer_token("t")
            .api_base("http://127.0.0.1:99999/v2")
            .build()
            .unwrap_err();
        assert_eq!(error.kind(), zoom_live_stream::ErrorKind::InvalidInput);
    }
}

/// Retry waits run on tokio's timer: with tokio's clock paused, a 20 s `Retry-After` passes
/// at once. The default thread-based sleeper would not see the paused clock, and the 25 s
/// timeout (on the paused clock) would fire first.
#[tokio::test(start_paused = true)]
async fn retry_waits_are_on_tokios_timer() {
    let mock = MockTransport::new()
        .push(fixtures::rate_limited(20))
        .push(fixtures::documented_live_stream());
    let client = Client::builder()
        .transport(mock.clone())
        .bearer_token("token")
        .build()
        .unwrap();
    let call = client.meeting_live_stream(MeetingId::new(1));
    let stream = tokio::time::timeout(Duration::from_secs(25), call)
        .await
        .expect("the wait ran on tokio's (paused) clock")
        .unwrap();
    assert!(stream.stream_url.is_some());
    mock.assert_all_used();
}

/// Another Zoom endpoint through the same client: auth, retries and error mapping apply.
#[test]
#[cfg(feature = "blocking")]
fn a_custom_endpoint_goes_through_the_same_auth_retries_and_errors() {
    use zoom_live_stream::endpoint::{Endpoint, Json};
    use zoom_live_stream::http::Method;

    #[derive(Debug, serde::Deserialize)]
    struct User {
        id: String,
    }

    let mock = MockTransport::new()
        .push(fixtures::server_error(503))
        .push(
            zoom_live_stream::http::Response::builder()
                .status(200)
                .body(br#"{"id":"KDcuGIm1QgePTO8WbOqwIQ","extra":true}"#.to_vec())
                .unwrap(),
        )
        .push(fixtures::user_not_found());
    let client = zoom_live_stream::blocking::Client::builder()
        .transport(mock.clone())
        .bearer_token("token")
        .sleeper(zoom_testkit::InstantSleep::default())
        .build()
        .unwrap();
    let endpoint = Endpoint::<Json<User>>::builder(Method::GET)
        .segment("users")
        .segment("me")
        .build()
        .unwrap();
    let Json(user) = client.send(&endpoint).unwrap().into_inner();
    assert_eq!(user.id, "KDcuGIm1QgePTO8WbOqwIQ");
    let error = client.send(&endpoint).unwrap_err();
    assert!(error.is_not_found(), "{error}");
    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|r| r.header("authorization") == Some("Bearer token"))
    );
    mock.assert_all_used();
}

/// An OAuth token is refreshed ahead of its expiry by a task on the caller's tokio runtime:
/// the calls from its prefetch point go out with the current token, none sends a token
/// request or waits for one, and the calls after the task ran carry the new token. On a
/// current-thread runtime the task runs only when the test yields, so the order is certain.
#[tokio::test]
async fn the_async_client_refreshes_the_token_ahead_in_a_task_of_its_own() {
    use zoom_live_stream::http::Method;

    const PATH: &str = "/meetings/1/livestream";
    let mut mock = MockTransport::new()
        .on(
            Method::POST,
            "/oauth/token",
            fixtures::oauth_token("first", 3599),
        )
        .on(
            Method::POST,
            "/oauth/token",
            fixtures::oauth_token("second", 3599),
        );
    for _ in 0..4 {
        mock = mock.on(Method::GET, PATH, fixtures::documented_live_stream());
    }
    let clock = zoom_testkit::ManualClock::new();
    let time = clock.clone();
    let client = Client::builder()
        .transport(mock.clone())
        .server_to_server_oauth("acct", "cid", "secret")
        .time_source(time)
        .build()
        .unwrap();
    client.meeting_live_stream(MeetingId::new(1)).await.unwrap();
    // The prefetch point of an hour's token: 3479 s of its 3599.
    clock.advance(Duration::from_secs(3479));
    for _ in 0..2 {
        client.meeting_live_stream(MeetingId::new(1)).await.unwrap();
    }
    let seen = |mock: &MockTransport| -> Vec<String> {
        mock.requests()
            .iter()
            .map(|r| match r.header("authorization") {
                Some(bearer) if r.uri.path().ends_with(PATH) => bearer.replace("Bearer ", "api "),
                _ => "token".to_owned(),
            })
            .collect()
    };
    assert_eq!(
        seen(&mock),
        ["token", "api first", "api first", "api first"]
    );
    for _ in 0..100 {
        if mock.requests().len() == 5 {
            break;
        }
        tokio::task::yield_now().await;
    }
    client.meeting_live_stream(MeetingId::new(1)).await.unwrap();
    assert_eq!(
        seen(&mock),
        [
            "token",
            "api first",
            "api first",
            "api first",
            "token",
            "api second"
        ]
    );
    mock.assert_all_used();
}

// The Video SDK JWT needs the `video-sdk` feature (the tool turns it on in the workspace).
#[tokio::test]
#[cfg(all(feature = "video-sdk", feature = "blocking"))]
async fn both_facade_clients_call_a_session_with_the_video_sdk_jwt() {
    let sim = BlockingSimulator::start().unwrap();
    let session = zoom_live_stream::SessionId::parse(simulator::DEMO_SESSION_ID).unwrap();
    let client = Client::builder()
        .video_sdk_jwt(
            simulator::DEMO_VIDEO_SDK_API_KEY,
            simulator::DEMO_VIDEO_SDK_API_SECRET,
        )
        .video_sdk_jwt_lifetime(Duration::from_secs(600))
        .api_base(sim.base_url())
        .build()
        .unwrap();
    let stream = client.session_live_stream(&session).await.unwrap();
    assert_eq!(
        stream.stream_url.as_deref(),
        Some(simulator::DEMO_STREAM_URL)
    );
    let blocking_session = session.clone();
    let base = sim.base_url();
    tokio::task::spawn_blocking(move || {
        let client = zoom_live_stream::blocking::Client::builder()
            .video_sdk_jwt(
                simulator::DEMO_VIDEO_SDK_API_KEY,
                simulator::DEMO_VIDEO_SDK_API_SECRET,
            )
            .api_base(base)
            .build()
            .unwrap();
        client
            .update_session_live_stream_status(&blocking_session, &LiveStreamStatus::stop())
            .unwrap();
    })
    .await
    .unwrap();
    assert_eq!(sim.requests().len(), 2);
    assert_eq!(sim.token_requests(), 0, "minted, not fetched");
}
