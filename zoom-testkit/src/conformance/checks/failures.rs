//! Failures to talk are errors of the truthful kind.

use std::time::Duration;

use zoom_core::TransportErrorKind;

use super::{Check, demo_url, get};
use crate::conformance::expect;
use crate::simulator::{Fault, FaultRule};

/// How much longer than the transport's timeout a delayed answer waits.
const DELAY_BEYOND_TIMEOUT: Duration = Duration::from_secs(2);

/// These checks, in order.
pub(super) fn all() -> Vec<Check> {
    let delay = Check::new(
        "delay_beyond_timeout_is_timeout",
        "an answer that comes `timeout` + 2 s late is Err(Timeout)",
    )
    .setup(|sim, expectations| {
        let late = expectations.timeout + DELAY_BEYOND_TIMEOUT;
        let millis = u64::try_from(late.as_millis()).unwrap_or(u64::MAX);
        sim.push_fault(FaultRule::new(Fault::Delay { millis }).once());
    })
    .expect(|answer| expect::err_kind(answer, TransportErrorKind::Timeout));

    vec![
        Check::new(
            "drop_before_response_is_io",
            "a connection closed before any answer is Err(Io): not Ok, and not Connect \
             since the request left",
        )
        .fault(Fault::DropBeforeResponse)
        .expect(|answer| expect::err_kind(answer, TransportErrorKind::Io)),
        Check::new(
            "drop_during_response_is_io",
            "a connection closed in mid-body is Err(Io), never Ok with a short body",
        )
        .fault(Fault::DropDuringResponse)
        .expect(|answer| expect::err_kind(answer, TransportErrorKind::Io)),
        delay,
        Check::new(
            "connection_refused_is_connect",
            "a port where nothing listens is Err(Connect): the request never left",
        )
        .request(|env| get(&env.refused_url))
        .arrivals(0)
        .expect(|answer| expect::err_kind(answer, TransportErrorKind::Connect)),
        Check::new(
            "one_megabyte_header_is_protocol",
            "an answer with a 1 MB header is Err(Protocol): the server broke HTTP, and the \
             retry policy never repeats that",
        )
        .request(|env| get(&format!("{}/huge-header", env.loopback)))
        .arrivals(0)
        .expect(|answer| expect::err_kind(answer, TransportErrorKind::Protocol)),
        Check::new(
            "ten_thousand_headers_is_protocol",
            "an answer with 10,000 headers is Err(Protocol), like any other broken head",
        )
        .request(|env| get(&format!("{}/many-headers", env.loopback)))
        .arrivals(0)
        .expect(|answer| expect::err_kind(answer, TransportErrorKind::Protocol)),
        Check::new(
            "redirect_is_not_followed",
            "a 302 is Ok(302) with its Location, and the redirect is not followed",
        )
        .request(|env| get(&format!("{}/redirect", env.loopback)))
        .arrivals(0)
        .expect_with(|answer, _, env| {
            let response = expect::ok_with_status(answer, 302)?;
            expect::header_is(response, "location", &demo_url(&env.base_url))
        }),
    ]
}
