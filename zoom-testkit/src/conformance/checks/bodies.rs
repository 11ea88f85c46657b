//! Bodies pass through byte for byte, whatever they hold, up to the cap and not beyond.

use zoom_core::TransportErrorKind;

use super::{Check, Env, JSON, demo_body, get, padded_json};
use crate::conformance::{Expectations, expect};
use crate::simulator::{Fault, FaultRule};

/// The largest body the cap checks provoke; a bigger cap skips them.
const CHEAP_BODY: usize = 64 * 1024 * 1024;

/// These checks, in order.
pub(super) fn all() -> Vec<Check> {
    vec![
        Check::new(
            "truncated_body_passes_through",
            "a complete 200 whose JSON is cut in half is Ok(200) with the cut body: \
             transports do not judge JSON",
        )
        .fault(Fault::TruncatedBody)
        .expect(|answer| {
            let response = expect::ok_with_status(answer, 200)?;
            let whole = demo_body();
            expect::body_is(response, &whole[..whole.len() / 2])
        }),
        Check::new(
            "invalid_json_passes_through",
            "a 200 with invalid JSON is Ok(200) with the body unchanged",
        )
        .fault(Fault::InvalidJson)
        .expect(|answer| {
            let response = expect::ok_with_status(answer, 200)?;
            expect::header_is(response, "content-type", JSON)?;
            expect::body_is(response, br#"{"stream_url": "https://x", "#)
        }),
        Check::new(
            "body_at_cap_is_accepted",
            "a body of exactly max_response_body bytes is Ok(200) with every byte",
        )
        .skip(too_big_to_provoke)
        .setup(|sim, expectations| {
            let bytes = expectations.max_response_body;
            sim.push_fault(FaultRule::new(Fault::OversizedBody { bytes }).once());
        })
        .expect_with(at_cap),
        Check::new(
            "body_over_cap_is_body_too_large",
            "a body of max_response_body + 1 bytes (with its Content-Length) is Err(BodyTooLarge)",
        )
        .skip(too_big_to_provoke)
        .setup(|sim, expectations| {
            let bytes = expectations.max_response_body + 1;
            sim.push_fault(FaultRule::new(Fault::OversizedBody { bytes }).once());
        })
        .expect(over_cap),
        Check::new(
            "chunked_body_at_cap_is_accepted",
            "a chunked body (no Content-Length) of exactly max_response_body bytes is Ok(200) \
             with every byte",
        )
        .skip(too_big_to_provoke)
        .request(|env| get(&chunked_url(env, 0)))
        .arrivals(0)
        .expect_with(at_cap),
        Check::new(
            "chunked_body_over_cap_is_body_too_large",
            "a chunked body (no Content-Length) of max_response_body + 1 bytes is \
             Err(BodyTooLarge): the cap counts bytes, not only the header",
        )
        .skip(too_big_to_provoke)
        .request(|env| get(&chunked_url(env, 1)))
        .arrivals(0)
        .expect(over_cap),
    ]
}

fn too_big_to_provoke(expectations: &Expectations) -> Option<String> {
    (expectations.max_response_body >= CHEAP_BODY).then(|| {
        format!(
            "max_response_body {} is too large to provoke cheaply \
             (the limit is {CHEAP_BODY} bytes)",
            expectations.max_response_body
        )
    })
}

/// The loopback server's chunked body of the cap plus `extra` bytes.
fn chunked_url(env: &Env, extra: usize) -> String {
    let bytes = env.expectations.max_response_body + extra;
    format!("{}/chunked/{bytes}", env.loopback)
}

fn at_cap(
    answer: &expect::Answer,
    _: &[crate::simulator::ReceivedRequest],
    env: &Env,
) -> Result<(), String> {
    let response = expect::ok_with_status(answer, 200)?;
    expect::body_is(response, &padded_json(env.expectations.max_response_body))
}

fn over_cap(answer: &expect::Answer) -> Result<(), String> {
    expect::err_kind(answer, TransportErrorKind::BodyTooLarge)
}
