//! The request goes out unchanged and its answer comes back unchanged.

use zoom_core::http;

use super::{Check, JSON, arrived, bearer, demo_body, demo_url, first};
use crate::conformance::expect;
use crate::simulator::{DEMO_MEETING_ID, SimStream};

/// These checks, in order.
pub(super) fn all() -> Vec<Check> {
    vec![
        get_passes_the_answer_through(),
        get_request_arrives_unchanged(),
        patch_request_arrives_unchanged(),
        patch_validation_error_passes_through(),
    ]
}

fn get_passes_the_answer_through() -> Check {
    Check::new(
        "get_passes_the_answer_through",
        "a 200 comes back with its body byte for byte and Zoom's headers \
         (tracking id, rate limits, content type)",
    )
    .expect(|answer| {
        let response = expect::ok_with_status(answer, 200)?;
        expect::body_is(response, &demo_body())?;
        let stream: SimStream = serde_json::from_value(expect::json(response)?)
            .map_err(|e| format!("the body is not the demo stream: {e}"))?;
        if stream != SimStream::demo() {
            return Err(format!("expected the demo stream, got {stream:?}"));
        }
        expect::zoom_headers(response)?;
        expect::header_is(response, "content-type", JSON)
    })
}

fn get_request_arrives_unchanged() -> Check {
    const QUERY: &str = "conformance=1&note=a%20b&slash=%2F";
    Check::new(
        "get_request_arrives_unchanged",
        "a GET reaches the server with its method, path, query string and headers \
         (repeats included) unchanged",
    )
    .request(|env| {
        http::Request::get(format!("{}?{QUERY}", demo_url(&env.base_url)))
            .header("authorization", bearer())
            .header("user-agent", "zoom-conformance/1.0 (+suite)")
            .header("accept", "application/json")
            .header("x-conformance-check", "Kept As Sent; 1")
            .header("x-conformance-repeat", "one")
            .header("x-conformance-repeat", "two")
            .body(Vec::new())
            .expect("a valid request")
    })
    .expect_with(|answer, received, _| {
        let request = first(received)?;
        expect::same("method", &request.method, "GET")?;
        expect::same(
            "path",
            &request.path,
            &format!("/v2/meetings/{DEMO_MEETING_ID}/livestream"),
        )?;
        expect::same(
            "query string",
            request.query.as_deref().unwrap_or(""),
            QUERY,
        )?;
        arrived(request, "authorization", &bearer())?;
        arrived(request, "user-agent", "zoom-conformance/1.0 (+suite)")?;
        arrived(request, "accept", "application/json")?;
        arrived(request, "x-conformance-check", "Kept As Sent; 1")?;
        let repeats: Vec<&str> = request
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("x-conformance-repeat"))
            .map(|(_, value)| value.as_str())
            .collect();
        let repeats = repeats.join(", ");
        expect::same(
            "repeated header `x-conformance-repeat`",
            &repeats,
            "one, two",
        )?;
        if !request.body.is_empty() {
            let body = expect::preview(&request.body);
            return Err(format!("a GET without a body arrived with {body}"));
        }
        expect::ok_with_status(answer, 200).map(drop)
    })
}

fn patch_request_arrives_unchanged() -> Check {
    const BODY: &str = concat!(
        r#"{"stream_url":"rtmp://a.rtmp.example/live","stream_key":"kéy-✓ conformance","#,
        r#""page_url":"https://example.com/watch?a=1&b=2","resolution":"1080p"}"#,
    );
    Check::new(
        "patch_request_arrives_unchanged",
        "a PATCH reaches the server with its JSON body byte for byte and its Content-Type, \
         and its 204 comes back with an empty body",
    )
    .request(|env| {
        http::Request::patch(demo_url(&env.base_url))
            .header("authorization", bearer())
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(BODY.as_bytes().to_vec())
            .expect("a valid request")
    })
    .expect_with(|answer, received, _| {
        let request = first(received)?;
        expect::same("method", &request.method, "PATCH")?;
        expect::same(
            "path",
            &request.path,
            &format!("/v2/meetings/{DEMO_MEETING_ID}/livestream"),
        )?;
        arrived(request, "authorization", &bearer())?;
        arrived(request, "content-type", "application/json")?;
        if request.body != BODY.as_bytes() {
            return Err(format!(
                "the request body did not arrive byte for byte: sent {}, received {}",
                expect::preview(BODY.as_bytes()),
                expect::preview(&request.body)
            ));
        }
        let response = expect::ok_with_status(answer, 204)?;
        expect::body_is(response, b"")
    })
}

fn patch_validation_error_passes_through() -> Check {
    Check::new(
        "patch_validation_error_passes_through",
        "a PATCH with an invalid body gets Ok(400) with Zoom's {\"code\":300,…} body unchanged",
    )
    .request(|env| {
        http::Request::patch(demo_url(&env.base_url))
            .header("authorization", bearer())
            .header("content-type", "application/json")
            .body(br#"{"stream_url":"rtmp://x","stream_key":"k","page_url":"not a url"}"#.to_vec())
            .expect("a valid request")
    })
    .expect(|answer| {
        let response = expect::ok_with_status(answer, 400)?;
        let body = expect::zoom_error(response, 300)?;
        if body["errors"][0]["field"] != "page_url" {
            return Err(format!(
                "expected the field error of `page_url`, got {}",
                expect::preview(response.body())
            ));
        }
        expect::zoom_headers(response)?;
        expect::header_is(response, "content-type", JSON)
    })
}
