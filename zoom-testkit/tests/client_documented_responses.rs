//! Every documented answer of `GET /meetings/{meetingId}/livestream`, and the other answers
//! an SDK must survive, through the async and the blocking client alike.

use zoom_core::{
    ApiErrorKind, Client, Error, ErrorKind, HttpResponse, LiveStream, MeetingId, Resolution,
    RetryPolicy,
};
use zoom_testkit::{MockTransport, fixtures};

/// Runs one GET through both clients, each with its own mock answering `answer`.
fn get_both(answer: impl Into<HttpResponse> + Clone) -> [Result<LiveStream, Error>; 2] {
    let id = MeetingId::new(85746065432);
    let mock = MockTransport::new().push(answer.clone());
    let client = Client::builder()
        .transport(mock.clone())
        .bearer_token("tok")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let async_result = block_on(client.meeting_live_stream(&id));
    mock.assert_all_used();

    let mock = MockTransport::new().push(answer);
    let blocking = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .bearer_token("tok")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let blocking_result = blocking.meeting_live_stream(id);
    mock.assert_all_used();
    [async_result, blocking_result]
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

fn api_kind(result: &Result<LiveStream, Error>) -> Option<ApiErrorKind> {
    result.as_ref().err().and_then(Error::api).map(|e| e.kind())
}

#[test]
fn documented_200_gives_the_documented_live_stream() {
    for result in get_both(fixtures::documented_live_stream()) {
        let stream = result.unwrap();
        assert_eq!(
            stream.stream_url.as_deref(),
            Some("https://somecompany.com/livestream")
        );
        assert_eq!(
            stream.stream_key.as_ref().map(|k| k.expose_secret()),
            Some("Contact It@somecompany.com")
        );
        assert_eq!(
            stream.page_url.as_deref(),
            Some("https://somecompany.com/livestream/123")
        );
        assert_eq!(stream.resolution, None);
        assert!(!format!("{stream:?}").contains("Contact It"));
    }
}

#[test]
fn a_full_200_with_unknown_fields_decodes() {
    for result in get_both(fixtures::live_stream_full()) {
        assert_eq!(result.unwrap().resolution, Some(Resolution::P1080));
    }
}

#[test]
fn documented_400_with_empty_plain_body_is_a_bad_request() {
    for result in get_both(fixtures::documented_bad_request()) {
        let error = result.unwrap_err();
        let api = error.api().unwrap();
        assert_eq!(api.kind(), ApiErrorKind::BadRequest);
        assert_eq!(
            (api.status().as_u16(), api.code(), api.message()),
            (400, None, None)
        );
        assert!(error.to_string().contains("400"), "{error}");
    }
}

#[test]
fn documented_404_with_empty_plain_body_is_not_found() {
    for result in get_both(fixtures::documented_not_found()) {
        let error = result.unwrap_err();
        assert_eq!(error.api().unwrap().kind(), ApiErrorKind::NotFound);
        assert!(error.api().unwrap().is_not_found());
    }
}

#[test]
fn documented_errors_with_zooms_json_body_have_specific_kinds() {
    let cases = [
        (
            fixtures::missing_meeting_id(),
            ApiErrorKind::ValidationFailed,
            300,
            "Missing meetingId",
        ),
        (
            fixtures::invalid_meeting_id(),
            ApiErrorKind::ValidationFailed,
            300,
            "Invalid meetingId",
        ),
        (
            fixtures::user_not_in_account(),
            ApiErrorKind::UserNotInAccount,
            1010,
            "User does not belong",
        ),
        (
            fixtures::hosting_not_allowed(),
            ApiErrorKind::HostingNotAllowed,
            3161,
            "hosting and scheduling",
        ),
        (
            fixtures::user_not_found(),
            ApiErrorKind::UserNotFound,
            1001,
            "does not exist",
        ),
    ];
    for (fixture, kind, code, message) in cases {
        let status = fixture.status;
        for result in get_both(fixture.clone()) {
            let error = result.unwrap_err();
            let api = error.api().unwrap();
            assert_eq!(
                (api.kind(), api.code(), api.status()),
                (kind, Some(code), status),
                "{}",
                fixture.name
            );
            assert!(api.message().unwrap().contains(message));
            assert_eq!(
                api.tracking_id(),
                Some(format!("v=2.0;clid=us05;rid=fixture-{}", fixture.name).as_str())
            );
            let shown = error.to_string();
            for part in [status.as_str(), &code.to_string(), message] {
                assert!(shown.contains(part), "{shown} lacks {part}");
            }
        }
    }
}

#[test]
fn field_errors_are_kept() {
    for result in get_both(fixtures::validation_failed()) {
        let error = result.unwrap_err();
        let fields = error.api().unwrap().field_errors();
        assert_eq!(
            (fields[0].field.as_str(), fields[0].message.as_str()),
            ("stream_url", "Invalid field.")
        );
    }
}

#[test]
fn other_failures_are_typed_and_never_panic() {
    let cases: Vec<(fixtures::Fixture, ErrorKind, Option<ApiErrorKind>)> = vec![
        (
            fixtures::invalid_access_token(),
            ErrorKind::Api,
            Some(ApiErrorKind::InvalidAccessToken),
        ),
        (
            fixtures::forbidden(),
            ErrorKind::Api,
            Some(ApiErrorKind::MissingScopes),
        ),
        (
            fixtures::rate_limited(1),
            ErrorKind::Api,
            Some(ApiErrorKind::RateLimited),
        ),
        (
            fixtures::rate_limited_without_headers(),
            ErrorKind::Api,
            Some(ApiErrorKind::RateLimited),
        ),
        (
            fixtures::daily_limit("2099-01-01T00:00:00Z"),
            ErrorKind::Api,
            Some(ApiErrorKind::DailyLimitExceeded),
        ),
        (
            fixtures::server_error(500),
            ErrorKind::Api,
            Some(ApiErrorKind::ServerError),
        ),
        (
            fixtures::server_error(503),
            ErrorKind::Api,
            Some(ApiErrorKind::ServerError),
        ),
        (
            fixtures::html_error_page(),
            ErrorKind::Api,
            Some(ApiErrorKind::ServerError),
        ),
        (fixtures::invalid_json(), ErrorKind::Decode, None),
    ];
    for (fixture, kind, api) in cases {
        for result in get_both(fixture.clone()) {
            let error = result.as_ref().unwrap_err();
            assert_eq!(error.kind(), kind, "{}", fixture.name);
            assert_eq!(api_kind(&result), api, "{}", fixture.name);
        }
    }
}

#[test]
fn rate_limit_state_is_available_on_errors() {
    for result in get_both(fixtures::rate_limited(2)) {
        let error = result.unwrap_err();
        let limit = error.api().unwrap().rate_limit().clone();
        assert_eq!(
            (limit.category.as_deref(), limit.limit, limit.remaining),
            (Some("Light"), Some(30), Some(0))
        );
        assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(2)));
        assert!(error.is_retryable());
    }
}

#[test]
fn requests_carry_bearer_accept_and_user_agent() {
    let mock = MockTransport::new().push(fixtures::documented_live_stream());
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .bearer_token("tok-123")
        .api_base("http://127.0.0.1:9/v2/")
        .build()
        .unwrap();
    client.meeting_live_stream(85746065432).unwrap();
    let request = &mock.requests()[0];
    assert_eq!(
        request.uri,
        "http://127.0.0.1:9/v2/meetings/85746065432/livestream"
    );
    assert_eq!(request.header("authorization"), Some("Bearer tok-123"));
    assert!(request.headers["authorization"].is_sensitive());
    assert_eq!(request.header("accept"), Some("application/json"));
    let agent = request.header("user-agent").unwrap();
    assert_eq!(
        agent,
        format!("zoom-live-stream-rs/{}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn bad_input_is_rejected_before_anything_is_sent() {
    let mock = MockTransport::new();
    let client = zoom_core::blocking::Client::builder()
        .transport(mock.clone())
        .bearer_token("t")
        .build()
        .unwrap();
    let bad_update = zoom_core::UpdateLiveStream::new("rtmp://a/b", "k", "not a url");
    let error = client
        .update_meeting_live_stream(1, &bad_update)
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(error.to_string().contains("page_url"), "{error}");
    assert!(mock.requests().is_empty());

    let no_credentials = zoom_core::blocking::Client::builder()
        .transport(MockTransport::new())
        .build()
        .unwrap_err();
    assert!(no_credentials.to_string().contains("credentials"));
    let bad_base = zoom_core::blocking::Client::builder()
        .transport(MockTransport::new())
        .bearer_token("t")
        .api_base("api.zoom.us")
        .build()
        .unwrap_err();
    assert!(bad_base.to_string().contains("api_base"));
}

#[tokio::test]
async fn the_async_client_works_behind_an_arc_dyn_transport() {
    let mock = MockTransport::new().push(fixtures::documented_live_stream());
    let shared: std::sync::Arc<dyn zoom_core::Transport> = std::sync::Arc::new(mock.clone());
    let client = Client::builder()
        .transport(shared)
        .bearer_token("t")
        .build()
        .unwrap();
    let answer = client
        .send(&zoom_core::endpoint::get_meeting_live_stream(
            MeetingId::new(1),
        ))
        .await
        .unwrap();
    assert_eq!(answer.meta.status, 200);
    assert!(answer.value.stream_url.is_some());
}
