//! Small judgements the checks are written with; each says what it expected and what came
//! back.

use serde_json::Value;
use zoom_core::{HttpResponse, TransportError, TransportErrorKind};

/// What a transport answered.
pub(super) type Answer = Result<HttpResponse, TransportError>;

/// The response, if it has `status`.
pub(super) fn ok_with_status(answer: &Answer, status: u16) -> Result<&HttpResponse, String> {
    match answer {
        Ok(response) if response.status().as_u16() == status => Ok(response),
        Ok(response) => Err(format!(
            "expected Ok(HTTP {status}), got Ok(HTTP {}) with {}",
            response.status().as_u16(),
            preview(response.body())
        )),
        Err(error) => Err(format!(
            "expected Ok(HTTP {status}), got Err({:?}): {error}",
            error.kind()
        )),
    }
}

/// An error of `kind`.
pub(super) fn err_kind(answer: &Answer, kind: TransportErrorKind) -> Result<(), String> {
    match answer {
        Ok(response) => Err(format!(
            "expected Err({kind:?}), got Ok(HTTP {}) with {}",
            response.status().as_u16(),
            preview(response.body())
        )),
        Err(error) if error.kind() == kind => Ok(()),
        Err(error) => Err(format!(
            "expected Err({kind:?}), got Err({:?}): {error}",
            error.kind()
        )),
    }
}

/// The first value of header `name`.
pub(super) fn header<'a>(response: &'a HttpResponse, name: &str) -> Result<&'a str, String> {
    let value = response
        .headers()
        .get(name)
        .ok_or_else(|| format!("header `{name}` is missing from the response"))?;
    value
        .to_str()
        .map_err(|_| format!("header `{name}` is not visible ASCII: {value:?}"))
}

/// Header `name` has exactly `expected`.
pub(super) fn header_is(response: &HttpResponse, name: &str, expected: &str) -> Result<(), String> {
    let value = header(response, name)?;
    same(&format!("header `{name}`"), value, expected)
}

/// Header `name` is absent.
pub(super) fn no_header(response: &HttpResponse, name: &str) -> Result<(), String> {
    match response.headers().get(name) {
        None => Ok(()),
        Some(value) => Err(format!(
            "header `{name}` should be absent, got {value:?} \
             (a transport adds no headers to answers)"
        )),
    }
}

/// Zoom's headers: the tracking id and the four rate-limit headers.
pub(super) fn zoom_headers(response: &HttpResponse) -> Result<(), String> {
    for name in [
        "x-zm-trackingid",
        "x-ratelimit-category",
        "x-ratelimit-type",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
    ] {
        header(response, name)?;
    }
    Ok(())
}

/// The body is exactly `expected`.
pub(super) fn body_is(response: &HttpResponse, expected: &[u8]) -> Result<(), String> {
    let body = response.body();
    if body == expected {
        return Ok(());
    }
    let first_difference = body
        .iter()
        .zip(expected)
        .position(|(a, b)| a != b)
        .unwrap_or(body.len().min(expected.len()));
    Err(format!(
        "the body is not passed through unchanged: expected {}, got {} \
         (first difference at byte {first_difference})",
        preview(expected),
        preview(body)
    ))
}

/// The body parsed as JSON.
pub(super) fn json(response: &HttpResponse) -> Result<Value, String> {
    serde_json::from_slice(response.body())
        .map_err(|e| format!("the body is not JSON ({e}): {}", preview(response.body())))
}

/// A Zoom error body `{"code": code, "message": "…"}` with a non-empty message.
pub(super) fn zoom_error(response: &HttpResponse, code: i64) -> Result<Value, String> {
    let body = json(response)?;
    if body["code"].as_i64() != Some(code) {
        return Err(format!(
            "expected a body with \"code\":{code}, got {}",
            preview(response.body())
        ));
    }
    if body["message"].as_str().is_none_or(str::is_empty) {
        return Err(format!(
            "expected a body with a message, got {}",
            preview(response.body())
        ));
    }
    Ok(body)
}

/// `actual` equals `expected`, or a message naming `what`.
pub(super) fn same(what: &str, actual: &str, expected: &str) -> Result<(), String> {
    if actual == expected {
        Ok(())
    } else {
        Err(format!("{what}: expected {expected:?}, got {actual:?}"))
    }
}

/// A short, printable description of a body.
pub(super) fn preview(body: &[u8]) -> String {
    const SHOWN: usize = 120;
    if body.is_empty() {
        return "an empty body".to_owned();
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(SHOWN)]);
    let more = if body.len() > SHOWN { "…" } else { "" };
    format!("{} bytes {text:?}{more}", body.len())
}
