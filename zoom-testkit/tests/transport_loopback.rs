//! Both shipped transports against a scripted loopback server, for what the conformance
//! suite (`conformance_reqwest.rs`, `conformance_ureq.rs`) cannot provoke through the
//! simulator: what a transport adds to a request, repeated response headers, redirects
//! other than 302, bodies framed by closing the connection, answers broken in odd places,
//! connection reuse, TLS failures and `Debug` output. Nothing here reaches beyond 127.0.0.1.
//!
//! Each shared test is written once, generic over `Backend`, and runs as `<test>::reqwest`
//! and `<test>::ureq`. The async reqwest transport is driven through `BlockingReqwest`,
//! which blocks on a private tokio runtime. The tests of one transport's own constructors
//! (`from_client`, `from_agent`) come last.

mod transport_loopback_server;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Runtime;
use transport_loopback_server::{Reply, Server, chunked, head, tls_1_0_only_url};
use zoom_core::http::{self, Method, StatusCode};
use zoom_core::{
    BlockingTransport, HttpRequest, HttpResponse, Transport, TransportError, TransportErrorKind,
};
use zoom_transport_reqwest::ReqwestTransport;
use zoom_transport_ureq::UreqTransport;

const OK: &str = "HTTP/1.1 200 OK";
const TOKEN: &str = "Bearer eyJ-very-secret-access-token";
/// A whole-call timeout no test runs into on a slow machine (the server answers at once).
const PATIENT: Duration = Duration::from_secs(20);
/// The whole-call timeout of the tests that provoke one.
const IMPATIENT: Duration = Duration::from_millis(300);
/// Far longer than [`IMPATIENT`], so a timeout test cannot pass by luck.
const SERVER_STALL: Duration = Duration::from_secs(5);
/// The body cap of the tests that provoke it.
const CAP: usize = 1024;

/// For each named generic test, one `#[test]` per transport: `<test>::reqwest` and
/// `<test>::ureq`, so a failure names the transport.
macro_rules! on_both_transports {
    ($($test:ident,)*) => {$(
        mod $test {
            #[test]
            fn reqwest() {
                super::$test::<super::BlockingReqwest>();
            }

            #[test]
            fn ureq() {
                super::$test::<zoom_transport_ureq::UreqTransport>();
            }
        }
    )*};
}

on_both_transports!(
    a_get_goes_out_with_nothing_of_the_transports_own,
    an_empty_post_still_says_content_length_zero,
    repeated_headers_and_binary_bodies_come_back_unchanged,
    redirects_come_back_as_responses,
    a_body_that_stalls_is_a_timeout,
    the_time_left_of_the_call_cuts_the_timeout_short,
    a_close_delimited_body_over_the_cap_is_too_large,
    a_length_over_the_cap_is_refused_before_any_body_byte,
    a_body_exactly_at_the_cap_is_fine_however_it_is_framed,
    a_head_answer_announcing_a_big_body_is_fine,
    a_chunked_body_cut_short_is_an_io_error,
    a_connection_closed_mid_head_is_an_io_error,
    garbage_instead_of_http_is_a_protocol_error,
    a_one_megabyte_header_is_a_protocol_error,
    ten_thousand_headers_are_a_protocol_error,
    a_protocol_error_is_not_retried_by_the_client,
    a_bad_chunk_size_is_an_io_error,
    sequential_requests_reuse_one_connection,
    debug_output_shows_no_secrets,
    a_failed_tls_handshake_is_a_connect_error,
    a_tls_server_hanging_up_mid_handshake_is_an_error,
);

/// A shipped transport as the shared tests drive it: blocking, plus where the two differ.
trait Backend: BlockingTransport + Clone + fmt::Debug + 'static {
    /// The type name its `Debug` output starts with.
    const NAME: &'static str;
    /// The headers it adds to a GET without headers, besides `Host` (see its crate docs).
    const ADDED_TO_A_GET: &'static [(&'static str, &'static str)];
    /// What a TLS server hanging up in mid-handshake may be reported as.
    const TLS_HANG_UP: &'static [TransportErrorKind];

    /// A transport with this whole-call timeout and body cap.
    fn build(timeout: Duration, max_response_body: usize) -> Self;

    /// A transport from each public constructor, a user's own client or agent included.
    fn every_constructor() -> Vec<Self>;
}

impl Backend for BlockingReqwest {
    const NAME: &'static str = "ReqwestTransport";
    // A reqwest client cannot be built without its default `Accept: */*`.
    const ADDED_TO_A_GET: &'static [(&'static str, &'static str)] = &[("accept", "*/*")];
    const TLS_HANG_UP: &'static [TransportErrorKind] = &[TransportErrorKind::Connect];

    fn build(timeout: Duration, max_response_body: usize) -> Self {
        let transport = ReqwestTransport::builder()
            .timeout(timeout)
            .max_response_body(max_response_body)
            .build()
            .expect("a reqwest transport");
        BlockingReqwest::new(transport)
    }

    fn every_constructor() -> Vec<Self> {
        let users =
            ReqwestTransport::from_client(users_reqwest_client()).with_max_response_body(10);
        vec![
            patient(),
            BlockingReqwest::new(users),
            BlockingReqwest::new(ReqwestTransport::new().expect("a reqwest transport")),
            BlockingReqwest::new(ReqwestTransport::default()),
        ]
    }
}

impl Backend for UreqTransport {
    const NAME: &'static str = "UreqTransport";
    const ADDED_TO_A_GET: &'static [(&'static str, &'static str)] = &[];
    // ureq reports an end of file in the handshake like one in mid-answer, so the transport
    // cannot prove the request never left and says `Io` (see its crate docs).
    const TLS_HANG_UP: &'static [TransportErrorKind] =
        &[TransportErrorKind::Io, TransportErrorKind::Connect];

    fn build(timeout: Duration, max_response_body: usize) -> Self {
        UreqTransport::builder()
            .timeout(timeout)
            .max_response_body(max_response_body)
            .build()
    }

    fn every_constructor() -> Vec<Self> {
        vec![
            patient(),
            UreqTransport::from_agent(users_ureq_agent()).with_max_response_body(10),
            UreqTransport::new().expect("a ureq transport"),
            UreqTransport::default(),
        ]
    }
}

/// The async reqwest transport behind the blocking trait: each call blocks on a private
/// single-threaded runtime, as `#[tokio::test]` would run it. Clones share both the
/// transport's pool and the runtime.
#[derive(Clone)]
struct BlockingReqwest {
    transport: ReqwestTransport,
    runtime: Arc<Runtime>,
}

impl BlockingReqwest {
    fn new(transport: ReqwestTransport) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        BlockingReqwest {
            transport,
            runtime: Arc::new(runtime),
        }
    }
}

impl BlockingTransport for BlockingReqwest {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.runtime.block_on(self.transport.send(request))
    }
}

impl fmt::Debug for BlockingReqwest {
    // The transport's own, which is what the `Debug` test is about.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.transport, f)
    }
}

/// The default settings, but with a [`PATIENT`] timeout.
fn patient<T: Backend>() -> T {
    T::build(PATIENT, zoom_core::DEFAULT_MAX_RESPONSE_BODY)
}

/// Bodies capped at [`CAP`] bytes.
fn capped<T: Backend>() -> T {
    T::build(PATIENT, CAP)
}

fn send(
    transport: &impl BlockingTransport,
    method: Method,
    url: &str,
) -> Result<HttpResponse, TransportError> {
    let request = http::Request::builder()
        .method(method)
        .uri(url)
        .body(Vec::new())
        .unwrap();
    transport.send(request)
}

fn get(transport: &impl BlockingTransport, url: &str) -> Result<HttpResponse, TransportError> {
    send(transport, Method::GET, url)
}

/// The kind of the error `result` must be, checking the backend error is kept as source.
fn error_kind(result: Result<HttpResponse, TransportError>) -> TransportErrorKind {
    match result {
        Ok(response) => panic!("expected an error, got HTTP {}", response.status()),
        Err(error) => {
            assert!(
                std::error::Error::source(&error).is_some(),
                "the backend error is kept as the source: {error:?}"
            );
            error.kind()
        }
    }
}

// What goes out. That the request's own method, target, headers and body arrive unchanged
// is the conformance suite's (`get_request_arrives_unchanged`,
// `patch_request_arrives_unchanged`).

fn a_get_goes_out_with_nothing_of_the_transports_own<T: Backend>() {
    let server = Server::start([Reply::response(OK, &[], b"")]);
    let target = "/v2/meetings/85746065432/livestream?occurrence_id=1%2F2&x=a+b";
    get(&patient::<T>(), &server.url(target)).expect("the exchange succeeds");

    let request = &server.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, target);
    assert_eq!(request.header("host").len(), 1);
    // No User-Agent, no `Content-Length: 0` on a GET.
    let added: Vec<(&str, &str)> = request
        .headers
        .iter()
        .filter(|(name, _)| name != "host")
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    assert_eq!(added, T::ADDED_TO_A_GET, "headers added besides Host");
    assert!(request.body.is_empty());
}

fn an_empty_post_still_says_content_length_zero<T: Backend>() {
    let server = Server::start([Reply::response(OK, &[], b"")]);
    send(&patient::<T>(), Method::POST, &server.url("/oauth/token")).unwrap();
    assert_eq!(server.requests()[0].header("content-length"), ["0"]);
}

// What comes back. Statuses 4xx and 5xx, Zoom's headers and JSON bodies, and a 302 are the
// conformance suite's (`statuses.rs`, `requests.rs`, `redirect_is_not_followed`).

/// A scripted answer: status line, headers (repeats allowed) and body.
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [u8],
);

fn repeated_headers_and_binary_bodies_come_back_unchanged<T: Backend>() {
    let cases: &[Case] = &[
        (
            "HTTP/1.1 200 OK",
            &[
                ("Content-Type", "application/json"),
                ("Set-Cookie", "a=1; Path=/"),
                ("Set-Cookie", "b=2; Path=/"),
                ("X-Custom", "first"),
                ("X-Custom", "second"),
            ],
            br#"{"stream_url":"rtmp://x","stream_key":"secret","page_url":"https://x"}"#,
        ),
        (
            "HTTP/1.1 201 Created",
            &[("Location", "/v2/things/1")],
            b"\x00\xff binary \xfe",
        ),
        (
            "HTTP/1.1 204 No Content",
            &[("X-Custom", "a"), ("X-Custom", "b")],
            b"",
        ),
    ];
    let transport = patient::<T>();
    for (status_line, headers, body) in cases {
        let server = Server::start([Reply::response(status_line, headers, body)]);
        let response = get(&transport, &server.url("/status"))
            .unwrap_or_else(|e| panic!("{status_line}: expected a response, got {e:?}"));
        let code: u16 = status_line[9..12].parse().unwrap();
        assert_eq!(response.status().as_u16(), code, "{status_line}");
        assert_eq!(response.body().as_slice(), *body, "{status_line}");
        for (name, _) in *headers {
            let sent: Vec<&str> = headers
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| *v)
                .collect();
            let received: Vec<&str> = response
                .headers()
                .get_all(*name)
                .iter()
                .map(|v| v.to_str().unwrap())
                .collect();
            assert_eq!(received, sent, "{status_line}: header {name}");
        }
        assert_eq!(
            response.headers()["content-length"],
            body.len().to_string().as_str(),
            "{status_line}"
        );
    }
}

fn redirects_come_back_as_responses<T: Backend>() {
    let transport = patient::<T>();
    for (status_line, method) in [
        ("HTTP/1.1 301 Moved Permanently", Method::GET),
        ("HTTP/1.1 307 Temporary Redirect", Method::POST),
        ("HTTP/1.1 308 Permanent Redirect", Method::PATCH),
    ] {
        let server = Server::start([
            Reply::response(status_line, &[("Location", "/elsewhere")], b"moved"),
            Reply::response(OK, &[], b"followed"),
        ]);
        let request = http::Request::builder()
            .method(method)
            .uri(server.url("/here"))
            .header("authorization", TOKEN)
            .body(b"{}".to_vec())
            .unwrap();
        let response = transport.send(request).expect("a response");
        assert_eq!(
            response.status().as_u16(),
            status_line[9..12].parse::<u16>().unwrap()
        );
        assert_eq!(response.headers()["location"], "/elsewhere");
        assert_eq!(response.body(), b"moved");
        assert_eq!(server.requests().len(), 1, "{status_line} was not followed");
    }
}

// Limits. An answer that comes too late, and bodies over and at the cap with a
// Content-Length or chunked, are the conformance suite's (`delay_beyond_timeout_is_timeout`,
// `body_over_cap_is_body_too_large`, `chunked_body_over_cap_is_body_too_large`).

fn a_body_that_stalls_is_a_timeout<T: Backend>() {
    let server = Server::start([Reply::new()
        .write(head(OK, &[], Some("Content-Length: 100")))
        .write(vec![b'x'; 10])
        .pause(SERVER_STALL)
        .write(vec![b'x'; 90])]);
    let transport = T::build(IMPATIENT, CAP);
    assert_eq!(
        error_kind(get(&transport, &server.url("/slow"))),
        TransportErrorKind::Timeout
    );
}

/// A request carrying less time than the transport's own timeout (what is left of its
/// call's budget) ends when that time is up: the server stalls for less than the patient
/// timeout, so without the bound the exchange would succeed.
fn the_time_left_of_the_call_cuts_the_timeout_short<T: Backend>() {
    let server = Server::start([Reply::new().pause(SERVER_STALL).write(head(
        OK,
        &[],
        Some("Content-Length: 0"),
    ))]);
    let mut request = http::Request::get(server.url("/slow"))
        .body(Vec::new())
        .unwrap();
    request
        .extensions_mut()
        .insert(zoom_core::TimeLeft(IMPATIENT));
    assert_eq!(
        error_kind(patient::<T>().send(request)),
        TransportErrorKind::Timeout
    );
    // A bound further away than the transport's own timeout changes nothing.
    let server = Server::start([Reply::response(OK, &[], b"")]);
    let mut request = http::Request::get(server.url("/"))
        .body(Vec::new())
        .unwrap();
    request
        .extensions_mut()
        .insert(zoom_core::TimeLeft(Duration::from_secs(3600)));
    patient::<T>().send(request).expect("the exchange succeeds");
}

fn a_close_delimited_body_over_the_cap_is_too_large<T: Backend>() {
    // No length at all: the body ends when the server hangs up.
    let server = Server::start([Reply::new()
        .write(head(OK, &[("Connection", "close")], None))
        .write(vec![b'b'; 4 * CAP])
        .close()]);
    assert_eq!(
        error_kind(get(&capped::<T>(), &server.url("/"))),
        TransportErrorKind::BodyTooLarge
    );
}

fn a_length_over_the_cap_is_refused_before_any_body_byte<T: Backend>() {
    // No body follows: a transport that read before checking would see an `Io` error.
    let server = Server::start([Reply::new()
        .write(head(OK, &[], Some("Content-Length: 1000000000")))
        .close()]);
    assert_eq!(
        error_kind(get(&capped::<T>(), &server.url("/"))),
        TransportErrorKind::BodyTooLarge
    );
}

fn a_body_exactly_at_the_cap_is_fine_however_it_is_framed<T: Backend>() {
    // All three over one connection, which each body read to the end leaves usable.
    let exact = vec![b'e'; CAP];
    let server = Server::start([
        Reply::response(OK, &[], &exact),
        Reply::new()
            .write(head(OK, &[], Some("Transfer-Encoding: chunked")))
            .write(chunked(&exact)),
        Reply::new()
            .write(head(OK, &[("Connection", "close")], None))
            .write(exact.clone())
            .close(),
    ]);
    let transport = capped::<T>();
    for framing in ["content-length", "chunked", "close-delimited"] {
        let response =
            get(&transport, &server.url("/")).unwrap_or_else(|e| panic!("{framing}: {e:?}"));
        assert_eq!(response.body(), &exact, "{framing}");
    }
}

fn a_head_answer_announcing_a_big_body_is_fine<T: Backend>() {
    let server =
        Server::start([Reply::new().write(head(OK, &[], Some("Content-Length: 1000000000")))]);
    let response = send(&capped::<T>(), Method::HEAD, &server.url("/")).expect("no body to cap");
    assert_eq!(response.headers()["content-length"], "1000000000");
    assert!(response.body().is_empty());
}

// Broken answers. A connection closed before the answer or in the middle of a body with a
// Content-Length, and a refused connection, are the conformance suite's
// (`drop_before_response_is_io`, `drop_during_response_is_io`,
// `connection_refused_is_connect`).

fn a_chunked_body_cut_short_is_an_io_error<T: Backend>() {
    let mut cut = chunked(&[b'c'; 3000]);
    cut.truncate(1500);
    let server = Server::start([Reply::new()
        .write(head(OK, &[], Some("Transfer-Encoding: chunked")))
        .write(cut)
        .close()]);
    assert_eq!(
        error_kind(get(&patient::<T>(), &server.url("/"))),
        TransportErrorKind::Io
    );
}

fn a_connection_closed_mid_head_is_an_io_error<T: Backend>() {
    let server = Server::start([Reply::new().write("HTTP/1.1 200 OK\r\nContent-Ty").close()]);
    assert_eq!(
        error_kind(get(&patient::<T>(), &server.url("/"))),
        TransportErrorKind::Io
    );
}

// Answers that break HTTP: both transports say `Protocol` (issue 8 §6), which the retry
// policy never repeats.

fn garbage_instead_of_http_is_a_protocol_error<T: Backend>() {
    let server = Server::start([Reply::new().write("SSH-2.0-OpenSSH_9.6\r\n\r\n").close()]);
    assert_eq!(
        error_kind(get(&patient::<T>(), &server.url("/"))),
        TransportErrorKind::Protocol
    );
}

/// An answer whose head holds a 1 MB header.
fn one_megabyte_header() -> Reply {
    let huge = "a".repeat(1024 * 1024);
    Reply::new()
        .write(head(OK, &[("X-Huge", &huge)], Some("Content-Length: 0")))
        .close()
}

/// An answer with 10,000 headers.
fn ten_thousand_headers() -> Reply {
    let names: Vec<String> = (0..10_000).map(|i| format!("X-Header-{i}")).collect();
    let headers: Vec<(&str, &str)> = names.iter().map(|name| (name.as_str(), "1")).collect();
    Reply::new()
        .write(head(OK, &headers, Some("Content-Length: 0")))
        .close()
}

fn a_one_megabyte_header_is_a_protocol_error<T: Backend>() {
    let server = Server::start([one_megabyte_header()]);
    assert_eq!(
        error_kind(get(&patient::<T>(), &server.url("/"))),
        TransportErrorKind::Protocol
    );
}

fn ten_thousand_headers_are_a_protocol_error<T: Backend>() {
    let server = Server::start([ten_thousand_headers()]);
    assert_eq!(
        error_kind(get(&patient::<T>(), &server.url("/"))),
        TransportErrorKind::Protocol
    );
}

/// Through the client at its default retry policy, a read meeting a broken answer is sent
/// once: asking a server that breaks HTTP again is not expected to help.
fn a_protocol_error_is_not_retried_by_the_client<T: Backend>() {
    let server = Server::start([
        one_megabyte_header(),
        one_megabyte_header(),
        one_megabyte_header(),
        one_megabyte_header(),
    ]);
    let client = zoom_core::blocking::Client::builder()
        .transport(patient::<T>())
        .bearer_token("token")
        .api_base(server.url("/v2"))
        .build()
        .unwrap();
    let error = client
        .meeting_live_stream(zoom_core::MeetingId::new(1))
        .unwrap_err();
    match &error {
        zoom_core::Error::Transport { error, .. } => {
            assert_eq!(error.kind(), TransportErrorKind::Protocol);
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(!error.is_retryable());
    assert_eq!(server.requests().len(), 1, "sent once, never repeated");
}

/// A chunk size that is not a number breaks the body, not the head: like a connection cut
/// in mid-body, both say `Io`.
fn a_bad_chunk_size_is_an_io_error<T: Backend>() {
    let server = Server::start([Reply::new()
        .write(head(OK, &[], Some("Transfer-Encoding: chunked")))
        .write("zz\r\nhello\r\n0\r\n\r\n")
        .close()]);
    assert_eq!(
        error_kind(get(&patient::<T>(), &server.url("/"))),
        TransportErrorKind::Io
    );
}

// The connection pool and secrets.

fn sequential_requests_reuse_one_connection<T: Backend>() {
    let server = Server::start([
        Reply::response(OK, &[], b"first"),
        Reply::response("HTTP/1.1 404 Not Found", &[], b"second"),
        Reply::response(OK, &[], b"third"),
    ]);
    let transport = patient::<T>();
    let clone = transport.clone();
    assert_eq!(get(&transport, &server.url("/1")).unwrap().body(), b"first");
    assert_eq!(
        get(&transport, &server.url("/2")).unwrap().body(),
        b"second"
    );
    assert_eq!(get(&clone, &server.url("/3")).unwrap().body(), b"third");
    assert_eq!(server.connections(), 1);
    assert!(server.requests().iter().all(|r| r.connection == 0));
}

fn debug_output_shows_no_secrets<T: Backend>() {
    let transports = T::every_constructor();
    let server = Server::start(
        transports
            .iter()
            .map(|_| Reply::response(OK, &[("Set-Cookie", "session=s3cr3t")], b"")),
    );
    for transport in &transports {
        let request = http::Request::get(server.url("/"))
            .header("authorization", TOKEN)
            .body(Vec::new())
            .unwrap();
        let _ = transport.send(request);
        let debug = format!("{transport:?} {transport:#?}");
        assert!(debug.starts_with(T::NAME), "{debug}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(
            !debug.to_ascii_lowercase().contains("authorization"),
            "{debug}"
        );
        assert!(!debug.contains("s3cr3t"), "{debug}");
    }
}

// TLS.

fn a_failed_tls_handshake_is_a_connect_error<T: Backend>() {
    let error = get(&patient::<T>(), &tls_1_0_only_url()).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Connect, "{error:?}");
    assert!(error.never_sent());
}

fn a_tls_server_hanging_up_mid_handshake_is_an_error<T: Backend>() {
    // The server reads the ClientHello as a (binary, unparsable) request and hangs up.
    let server = Server::start([]);
    let url = server.url("/").replace("http://", "https://");
    let kind = error_kind(get(&patient::<T>(), &url));
    assert!(
        T::TLS_HANG_UP.contains(&kind),
        "{kind:?}, expected one of {:?}",
        T::TLS_HANG_UP
    );
}

// A client or agent of the user's own (`ReqwestTransport::from_client`,
// `UreqTransport::from_agent`): each transport's own constructor, so tested once each.

/// Gets `/a` and `/b` from a server answering 500 and then 302 (to `/next`, answered by
/// `third`), checks both come back as responses, and hands the server back.
fn a_500_and_a_302_come_back_as_responses(
    transport: &impl BlockingTransport,
    third: Reply,
) -> Server {
    let server = Server::start([
        Reply::response("HTTP/1.1 500 Internal Server Error", &[], b"boom"),
        Reply::response("HTTP/1.1 302 Found", &[("Location", "/next")], b""),
        third,
    ]);
    let response = get(transport, &server.url("/a")).expect("a 500 is a response");
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(response.body(), b"boom");
    let response = get(transport, &server.url("/b")).expect("a 302 is a response");
    assert_eq!(response.status(), StatusCode::FOUND);
    server
}

/// An agent of the user's own with ureq's defaults, but no proxy from the environment (this
/// test talks to loopback).
fn users_ureq_agent() -> ureq::Agent {
    ureq::Agent::new_with_config(ureq::Agent::config_builder().proxy(None).build())
}

/// A client of the user's own, built as `from_client` asks (no redirects), carrying a
/// default header with a secret.
fn users_reqwest_client() -> reqwest::Client {
    let mut headers = http::HeaderMap::new();
    headers.insert("authorization", http::HeaderValue::from_static(TOKEN));
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // A user's own client follows the proxy variables; this test talks to loopback.
        .no_proxy()
        .default_headers(headers)
        .build()
        .unwrap()
}

#[test]
fn a_users_reqwest_client_gets_the_same_contract() {
    let transport = ReqwestTransport::from_client(users_reqwest_client()).with_max_response_body(8);
    assert_eq!(transport.timeout(), zoom_core::DEFAULT_TIMEOUT);
    assert_eq!(transport.max_response_body(), 8);
    let transport = BlockingReqwest::new(transport);
    let third = Reply::response(OK, &[], b"more than eight bytes");
    let server = a_500_and_a_302_come_back_as_responses(&transport, third);
    assert_eq!(
        error_kind(get(&transport, &server.url("/c"))),
        TransportErrorKind::BodyTooLarge
    );
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn a_users_reqwest_client_gets_the_whole_call_timeout() {
    let server = Server::start([Reply::new().pause(SERVER_STALL).write(head(
        OK,
        &[],
        Some("Content-Length: 0"),
    ))]);
    let transport = BlockingReqwest::new(
        ReqwestTransport::from_client(users_reqwest_client()).with_timeout(IMPATIENT),
    );
    assert_eq!(
        error_kind(get(&transport, &server.url("/slow"))),
        TransportErrorKind::Timeout
    );
}

#[test]
fn a_users_ureq_agent_cannot_turn_statuses_into_errors_or_follow_redirects() {
    // ureq's own defaults: 4xx/5xx are errors and up to 10 redirects are followed.
    let transport = UreqTransport::from_agent(users_ureq_agent());
    let followed = Reply::response(OK, &[], b"followed");
    let server = a_500_and_a_302_come_back_as_responses(&transport, followed);
    assert_eq!(server.requests().len(), 2, "the 302 was not followed");
    // Settings forced per request still share the agent's pool.
    assert_eq!(server.connections(), 1);
    assert_eq!(
        transport.max_response_body(),
        zoom_core::DEFAULT_MAX_RESPONSE_BODY
    );
}
