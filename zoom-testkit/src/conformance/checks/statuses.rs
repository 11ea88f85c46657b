//! Every HTTP status, 4xx and 5xx included, is `Ok(response)` with what the server sent.

use zoom_core::{HttpRequest, http};

use super::{Check, Env, JSON, demo_url, get};
use crate::conformance::expect;
use crate::simulator::{Fault, RetryAfterForm};

/// These checks, in order.
pub(super) fn all() -> Vec<Check> {
    let mut checks = client_errors();
    checks.extend(server_errors());
    checks.extend(rate_limits());
    checks
}

/// A check that `request` gets `Ok(status)` with Zoom's error body of `code`.
fn client_error(
    name: &'static str,
    proves: &'static str,
    request: fn(&Env) -> HttpRequest,
    status: u16,
    code: i64,
) -> Check {
    Check::new(name, proves)
        .request(request)
        .expect(move |answer| {
            let response = expect::ok_with_status(answer, status)?;
            expect::zoom_error(response, code)?;
            expect::zoom_headers(response)
        })
}

fn client_errors() -> Vec<Check> {
    vec![
        client_error(
            "missing_token_401_passes_through",
            "a request without a token gets Ok(401) with code 124, not an error",
            |env| {
                http::Request::get(demo_url(&env.base_url))
                    .body(Vec::new())
                    .expect("a valid request")
            },
            401,
            124,
        ),
        client_error(
            "invalid_token_401_passes_through",
            "a request with an unknown token gets Ok(401) with code 124, not an error",
            |env| {
                http::Request::get(demo_url(&env.base_url))
                    .header("authorization", "Bearer not-a-token")
                    .body(Vec::new())
                    .expect("a valid request")
            },
            401,
            124,
        ),
        client_error(
            "unknown_meeting_404_passes_through",
            "an unknown meeting gets Ok(404) with code 3001, not an error",
            |env| get(&format!("{}/meetings/1/livestream", env.base_url)),
            404,
            3001,
        ),
        client_error(
            "invalid_id_400_passes_through",
            "an invalid meeting id gets Ok(400) with code 300, not an error",
            |env| get(&format!("{}/meetings/not-an-id/livestream", env.base_url)),
            400,
            300,
        ),
    ]
}

fn server_error(name: &'static str, proves: &'static str, status: u16) -> Check {
    Check::new(name, proves)
        .fault(Fault::Status { status })
        .expect(move |answer| {
            let response = expect::ok_with_status(answer, status)?;
            expect::zoom_error(response, i64::from(status))?;
            expect::zoom_headers(response)?;
            expect::header_is(response, "content-type", JSON)
        })
}

fn server_errors() -> Vec<Check> {
    vec![
        server_error(
            "status_500_passes_through",
            "a 500 is Ok(500) with its body, not an error",
            500,
        ),
        server_error(
            "status_502_passes_through",
            "a 502 is Ok(502) with its body, not an error",
            502,
        ),
        server_error(
            "status_503_passes_through",
            "a 503 is Ok(503) with its body, not an error",
            503,
        ),
        server_error(
            "status_504_passes_through",
            "a 504 is Ok(504) with its body, not an error",
            504,
        ),
        Check::new(
            "html_error_page_502_passes_through",
            "a proxy's HTML 502 page is Ok(502) with the page and its text/html content type",
        )
        .fault(Fault::HtmlErrorPage { status: 502 })
        .expect(|answer| {
            let response = expect::ok_with_status(answer, 502)?;
            expect::header_is(response, "content-type", "text/html")?;
            expect::body_is(
                response,
                b"<html><body><h1>502 Bad Gateway</h1></body></html>",
            )
        }),
    ]
}

/// A 429 check for one `Retry-After` form; `retry_after` judges the header's value.
fn rate_limited(
    name: &'static str,
    proves: &'static str,
    form: RetryAfterForm,
    retry_after: fn(&str) -> Result<(), String>,
) -> Check {
    Check::new(name, proves)
        .fault(Fault::RateLimited { retry_after: form })
        .expect(move |answer| {
            let response = expect::ok_with_status(answer, 429)?;
            expect::zoom_error(response, 429)?;
            expect::zoom_headers(response)?;
            expect::header_is(response, "x-ratelimit-remaining", "0")?;
            retry_after(expect::header(response, "retry-after")?)
        })
}

fn rate_limits() -> Vec<Check> {
    vec![
        rate_limited(
            "rate_limited_429_seconds_passes_through",
            "a 429 with `Retry-After: <seconds>` is Ok(429) with the header unchanged",
            RetryAfterForm::Seconds { seconds: 7 },
            |value| expect::same("header `retry-after`", value, "7"),
        ),
        rate_limited(
            "rate_limited_429_http_date_passes_through",
            "a 429 with `Retry-After: <HTTP-date>` is Ok(429) with the header unchanged",
            RetryAfterForm::HttpDate {
                seconds_from_now: 60,
            },
            |value| {
                httpdate::parse_http_date(value)
                    .map(drop)
                    .map_err(|_| format!("header `retry-after` is not an HTTP date: {value:?}"))
            },
        ),
        rate_limited(
            "rate_limited_429_iso8601_passes_through",
            "a 429 with `Retry-After: <YYYY-MM-DDTHH:MM:SSZ>` is Ok(429) with the header unchanged",
            RetryAfterForm::Iso8601 {
                seconds_from_now: 60,
            },
            |value| {
                let iso = value.len() == 20 && value.as_bytes()[10] == b'T' && value.ends_with('Z');
                iso.then_some(()).ok_or_else(|| {
                    format!("header `retry-after` is not an ISO 8601 time: {value:?}")
                })
            },
        ),
        Check::new(
            "rate_limited_429_no_headers_passes_through",
            "a bare 429 is Ok(429) and the transport invents no Retry-After or rate-limit headers",
        )
        .fault(Fault::RateLimited {
            retry_after: RetryAfterForm::NoHeaders,
        })
        .expect(|answer| {
            let response = expect::ok_with_status(answer, 429)?;
            expect::zoom_error(response, 429)?;
            for name in [
                "retry-after",
                "x-zm-trackingid",
                "x-ratelimit-type",
                "x-ratelimit-remaining",
            ] {
                expect::no_header(response, name)?;
            }
            Ok(())
        }),
    ]
}
