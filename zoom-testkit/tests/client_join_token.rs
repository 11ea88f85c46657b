//! The join-token GETs and the documented 429 on starting a stream, through the async and the
//! blocking client alike: every documented answer as the testkit's fixture (MockTransport),
//! then against the simulator over loopback.

use std::time::Duration;

use zoom_core::{
    ApiErrorKind, Client, Error, JoinToken, LiveStreamStatus, MeetingId, RetryPolicy, WebinarId,
};
use zoom_testkit::fixtures::{self, Fixture, messages};
use zoom_testkit::simulator::{self, BlockingSimulator};
use zoom_testkit::{InstantSleep, MockTransport};
use zoom_transport_reqwest::ReqwestTransport;
use zoom_transport_ureq::UreqTransport;

const MEETING: MeetingId = MeetingId::new(simulator::DEMO_MEETING_ID);
const WEBINAR: WebinarId = WebinarId::new(simulator::DEMO_WEBINAR_ID);

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

fn async_client(mock: &MockTransport) -> Client {
    Client::builder()
        .transport(mock.clone())
        .bearer_token("tok")
        .sleeper(InstantSleep::new())
        .build()
        .unwrap()
}

fn blocking_client(mock: &MockTransport) -> zoom_core::blocking::Client {
    zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .bearer_token("tok")
        .sleeper(InstantSleep::new())
        .build()
        .unwrap()
}

/// The join token of `webinar` or of the meeting, on both clients, each with a mock that has
/// exactly one answer (so a retry would fail loudly); also checks the one request sent.
fn token_both(answer: &Fixture, webinar: bool) -> [Result<JoinToken, Error>; 2] {
    let path = if webinar {
        "/v2/webinars/91234567890/jointoken/live_streaming"
    } else {
        "/v2/meetings/85746065432/jointoken/live_streaming"
    };
    let check = |mock: &MockTransport| {
        mock.assert_all_used();
        let requests = mock.requests();
        assert_eq!(requests.len(), 1, "{}", answer.name);
        assert_eq!(requests[0].method, "GET");
        assert_eq!(requests[0].uri.path(), path);
        assert!(requests[0].body.is_empty());
    };
    let mock = MockTransport::new().push(answer);
    let client = async_client(&mock);
    let async_result = if webinar {
        block_on(client.webinar_live_stream_join_token(WEBINAR))
    } else {
        block_on(client.meeting_live_stream_join_token(MEETING))
    };
    check(&mock);
    let mock = MockTransport::new().push(answer);
    let client = blocking_client(&mock);
    let blocking_result = if webinar {
        client.webinar_live_stream_join_token(WEBINAR)
    } else {
        client.meeting_live_stream_join_token(MEETING)
    };
    check(&mock);
    [async_result, blocking_result]
}

/// Each documented error: its kind, status, code and Zoom's message, verbatim.
fn documented_errors(webinar: bool) -> Vec<(Fixture, ApiErrorKind, u16, i64, String)> {
    use ApiErrorKind as K;
    let common = [(
        fixtures::join_token_oauth_only(),
        K::OAuthRequired,
        400,
        124,
        messages::JOIN_TOKEN_OAUTH_ONLY.to_owned(),
    )];
    let specific = if webinar {
        vec![
            (
                fixtures::webinar_join_token_invalid_id(),
                K::ValidationFailed,
                400,
                300,
                "Invalid webinar ID.".to_owned(),
            ),
            (
                fixtures::webinar_join_token_not_allowed(),
                K::LiveStreamNotAvailable,
                400,
                3000,
                messages::JOIN_TOKEN_WEBINAR_NOT_ALLOWED.to_owned(),
            ),
            (
                fixtures::webinar_join_token_id_not_found(),
                K::MeetingNotFound,
                404,
                300,
                "Webinar ID does not exist.".to_owned(),
            ),
            (
                fixtures::webinar_join_token_not_found(),
                K::MeetingNotFound,
                404,
                3001,
                "Webinar does not exist: 91234567890".to_owned(),
            ),
        ]
    } else {
        vec![
            (
                fixtures::meeting_join_token_invalid_id(),
                K::ValidationFailed,
                400,
                300,
                "Invalid meeting ID.".to_owned(),
            ),
            (
                fixtures::meeting_join_token_cannot_access_webinar(),
                K::LiveStreamNotAvailable,
                400,
                3000,
                "Cannot access Webinar information.".to_owned(),
            ),
            (
                fixtures::meeting_join_token_not_allowed(),
                K::LiveStreamNotAvailable,
                400,
                3000,
                messages::JOIN_TOKEN_MEETING_NOT_ALLOWED.to_owned(),
            ),
            (
                fixtures::hosting_not_allowed(),
                K::HostingNotAllowed,
                400,
                3161,
                messages::HOSTING_NOT_ALLOWED.to_owned(),
            ),
            (
                fixtures::meeting_join_token_id_not_found(),
                K::MeetingNotFound,
                404,
                300,
                "Meeting ID does not exist.".to_owned(),
            ),
            (
                fixtures::meeting_join_token_not_found(),
                K::MeetingNotFound,
                404,
                3001,
                "Meeting does not exist: 85746065432".to_owned(),
            ),
        ]
    };
    common.into_iter().chain(specific).collect()
}

#[test]
fn the_documented_200_is_a_redacted_token_of_120_seconds() {
    assert_eq!(
        fixtures::join_token().body,
        br#"{"token":"2njt50mj","expire_in":120}"#
    );
    for webinar in [false, true] {
        for result in token_both(&fixtures::join_token(), webinar) {
            let token = result.unwrap();
            assert_eq!(token.token.expose_secret(), fixtures::DOCUMENTED_JOIN_TOKEN);
            assert_eq!(token.expire_in, Duration::from_secs(120));
            let shown = format!("{token:?} {}", serde_json::to_string(&token).unwrap());
            assert!(!shown.contains("2njt50mj"), "{shown}");
        }
    }
}

#[test]
fn every_documented_error_has_its_kind_code_and_message() {
    for webinar in [false, true] {
        let expected = documented_errors(webinar);
        let lists = if webinar {
            fixtures::documented_webinar_join_token()
        } else {
            fixtures::documented_meeting_join_token()
        };
        // The table covers the testkit's list, every entry but the 200.
        assert_eq!(expected.len() + 1, lists.len());
        for fixture in &lists[1..] {
            assert!(
                expected.iter().any(|(f, ..)| f == fixture),
                "{}",
                fixture.name
            );
        }
        for (fixture, kind, status, code, message) in expected {
            for result in token_both(&fixture, webinar) {
                let error = result.unwrap_err();
                let api = error.api().unwrap();
                assert_eq!(
                    (api.kind(), api.status().as_u16(), api.code()),
                    (kind, status, Some(code)),
                    "{}",
                    fixture.name
                );
                assert_eq!(api.message(), Some(message.as_str()), "{}", fixture.name);
                assert_eq!(status == 404, error.api().unwrap().is_not_found());
                assert!(!error.is_retryable(), "{}", fixture.name);
                assert!(error.to_string().contains(&message), "{error}");
            }
        }
    }
}

#[test]
fn an_oauth_only_answer_is_not_a_token_to_refresh() {
    // With OAuth, a 401/124 is refreshed once; a 400/124 says "OAuth only": no refresh.
    let token = fixtures::oauth_token("a1", 3599);
    let answer = fixtures::join_token_oauth_only();
    let mock = MockTransport::new().push(&token).push(&answer);
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .server_to_server_oauth("account", "client", "secret")
        .sleeper(InstantSleep::new())
        .build()
        .unwrap();
    let error = client.meeting_live_stream_join_token(MEETING).unwrap_err();
    assert_eq!(error.api().unwrap().kind(), ApiErrorKind::OAuthRequired);
    assert_eq!(mock.requests().len(), 2);
}

/// Starts the meeting's stream on both clients with the default retry policy, each against a
/// mock holding exactly one answer: a second request would fail loudly.
fn start_both(answer: &Fixture, status: &LiveStreamStatus) -> [Error; 2] {
    let mock = MockTransport::new().push(answer);
    let client = async_client(&mock).with_retry_policy(RetryPolicy::default());
    let async_error = block_on(client.update_meeting_live_stream_status(MEETING, status));
    assert_eq!(mock.requests().len(), 1);
    let mock = MockTransport::new().push(answer);
    let client = blocking_client(&mock).with_retry_policy(RetryPolicy::default());
    let blocking_error = client.update_meeting_live_stream_status(MEETING, status);
    assert_eq!(mock.requests().len(), 1);
    [async_error.unwrap_err(), blocking_error.unwrap_err()]
}

#[test]
fn a_429_on_start_advises_30_seconds_and_is_never_repeated() {
    let start = LiveStreamStatus::start();
    for error in start_both(&fixtures::start_rate_limited(), &start) {
        let api = error.api().unwrap();
        assert_eq!(api.kind(), ApiErrorKind::RateLimited);
        assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
        assert!(api.message().unwrap().contains("after 30 seconds"));
        assert!(error.to_string().contains("retry after"), "{error}");
    }
    // Zoom's own Retry-After wins; a stop carries no advice.
    let with_header = fixtures::start_rate_limited().header("retry-after", "5");
    for error in start_both(&with_header, &start) {
        assert_eq!(error.retry_after(), Some(Duration::from_secs(5)));
    }
    for error in start_both(&fixtures::start_rate_limited(), &LiveStreamStatus::stop()) {
        assert_eq!(error.retry_after(), None);
    }
}

#[test]
fn against_the_simulator_both_clients_get_a_token_and_the_start_advice() {
    let sim = BlockingSimulator::start().unwrap();
    let blocking = zoom_core::blocking::Client::builder()
        .transport(UreqTransport::default())
        .bearer_token(simulator::DEMO_STATIC_TOKEN)
        .api_base(sim.base_url())
        .build()
        .unwrap();
    let token = blocking.webinar_live_stream_join_token(WEBINAR).unwrap();
    assert_eq!(token.expire_in, Duration::from_secs(120));
    blocking
        .update_meeting_live_stream_status(MEETING, &LiveStreamStatus::start())
        .unwrap();
    let again = blocking
        .update_meeting_live_stream_status(MEETING, &LiveStreamStatus::start())
        .unwrap_err();
    assert_eq!(again.retry_after(), Some(Duration::from_secs(30)));

    block_on(async {
        let client = Client::builder()
            .transport(ReqwestTransport::default())
            .bearer_token(simulator::DEMO_STATIC_TOKEN)
            .api_base(sim.base_url())
            .build()
            .unwrap();
        let token = client
            .meeting_live_stream_join_token(MEETING)
            .await
            .unwrap();
        assert!(token.token.expose_secret().starts_with("sim_jt_"));
        let again = client
            .update_meeting_live_stream_status(MEETING, &LiveStreamStatus::start())
            .await
            .unwrap_err();
        assert_eq!(again.retry_after(), Some(Duration::from_secs(30)));
        let jwt = Client::builder()
            .transport(ReqwestTransport::default())
            .bearer_token(simulator::DEMO_JWT_TOKEN)
            .api_base(sim.base_url())
            .build()
            .unwrap();
        let refused = jwt
            .meeting_live_stream_join_token(MEETING)
            .await
            .unwrap_err();
        assert_eq!(refused.api().unwrap().kind(), ApiErrorKind::OAuthRequired);
    });
    // One request per call: the second start was not repeated.
    let statuses = sim
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/livestream/status"))
        .count();
    assert_eq!(statuses, 3);
    assert_eq!(
        sim.meeting(simulator::DEMO_MEETING_ID)
            .unwrap()
            .join_tokens_issued,
        1
    );
    for recorded in sim.requests() {
        assert!(simulator::spec_violations(&recorded).is_empty());
    }
}
