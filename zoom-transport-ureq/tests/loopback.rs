//! The ureq transport against a scripted loopback server: what goes out, what comes back,
//! and how each failure to talk is reported. Nothing here reaches beyond 127.0.0.1.

mod server;

use std::time::Duration;

use server::{Reply, Server, chunked, head, refused_url, tls_1_0_only_url};
use zoom_core::http::{self, Method, StatusCode};
use zoom_core::{BlockingTransport, HttpResponse, TransportError, TransportErrorKind};
use zoom_transport_ureq::{DEFAULT_MAX_RESPONSE_BODY, UreqTransport};

const OK: &str = "HTTP/1.1 200 OK";
const TOKEN: &str = "Bearer eyJ-very-secret-access-token";
/// Far longer than any timeout a test sets, so a timeout test cannot pass by luck.
const SERVER_STALL: Duration = Duration::from_secs(5);

/// The default transport, but with a whole-call timeout long enough that no test fails on
/// a slow machine (the server answers at once).
fn transport() -> UreqTransport {
    UreqTransport::builder()
        .timeout(Duration::from_secs(20))
        .build()
}

fn capped(bytes: usize) -> UreqTransport {
    UreqTransport::builder()
        .timeout(Duration::from_secs(20))
        .max_response_body(bytes)
        .build()
}

fn send(
    transport: &UreqTransport,
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

fn get(transport: &UreqTransport, url: &str) -> Result<HttpResponse, TransportError> {
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

#[test]
fn the_request_reaches_the_server_unchanged() {
    let server = Server::start([Reply::response(OK, &[], b""), Reply::response(OK, &[], b"")]);
    let transport = transport();
    let body = br#"{"stream_url":"rtmp://a.rtmp.example/live","stream_key":"k\u00e9y"}"#.to_vec();
    let request = http::Request::builder()
        .method(Method::PATCH)
        .uri(server.url("/v2/meetings/85746065432/livestream?occurrence_id=1%2F2&x=a+b"))
        .header("authorization", TOKEN)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .header("user-agent", "zoom-live-stream/0.1.0")
        .header("x-custom", "custom value")
        .header("x-repeat", "one")
        .header("x-repeat", "two")
        .body(body.clone())
        .unwrap();
    transport.send(request).expect("the exchange succeeds");
    get(&transport, &server.url("/v2/users/me")).expect("the exchange succeeds");

    let requests = server.requests();
    let patch = &requests[0];
    assert_eq!(patch.method, "PATCH");
    assert_eq!(
        patch.target,
        "/v2/meetings/85746065432/livestream?occurrence_id=1%2F2&x=a+b"
    );
    assert_eq!(patch.header("authorization"), [TOKEN]);
    assert_eq!(patch.header("content-type"), ["application/json"]);
    assert_eq!(patch.header("accept"), ["application/json"]);
    assert_eq!(patch.header("user-agent"), ["zoom-live-stream/0.1.0"]);
    assert_eq!(patch.header("x-custom"), ["custom value"]);
    assert_eq!(patch.header("x-repeat"), ["one", "two"]);
    assert_eq!(patch.header("content-length"), [body.len().to_string()]);
    assert_eq!(patch.body, body);

    // Nothing of the transport's own: no User-Agent, Accept or empty body on a GET.
    let get = &requests[1];
    assert_eq!(get.method, "GET");
    assert_eq!(get.target, "/v2/users/me");
    let names: Vec<&str> = get.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["host"]);
    assert!(get.body.is_empty());
}

#[test]
fn an_empty_post_still_says_content_length_zero() {
    let server = Server::start([Reply::response(OK, &[], b"")]);
    send(&transport(), Method::POST, &server.url("/oauth/token")).unwrap();
    assert_eq!(server.requests()[0].header("content-length"), ["0"]);
}

/// A scripted answer: status line, headers (repeats allowed) and body.
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [u8],
);

#[test]
fn every_status_comes_back_unchanged() {
    let cases: &[Case] = &[
        (
            "HTTP/1.1 200 OK",
            &[
                ("Content-Type", "application/json"),
                ("Set-Cookie", "a=1; Path=/"),
                ("Set-Cookie", "b=2; Path=/"),
                ("X-Custom", "first"),
                ("X-Custom", "second"),
                ("x-zm-trackingid", "v=2.0;clid=us06;rid=WEB_1"),
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
        (
            "HTTP/1.1 400 Bad Request",
            &[("Content-Type", "text/plain")],
            b"",
        ),
        (
            "HTTP/1.1 404 Not Found",
            &[("Content-Type", "application/json")],
            br#"{"code":3001,"message":"Meeting does not exist: 1."}"#,
        ),
        (
            "HTTP/1.1 429 Too Many Requests",
            &[
                ("Retry-After", "Tue, 02 Jan 2024 00:00:00 GMT"),
                ("X-RateLimit-Type", "Daily-limit"),
                ("X-RateLimit-Remaining", "0"),
            ],
            br#"{"code":429,"message":"You have reached the maximum daily rate limit"}"#,
        ),
        (
            "HTTP/1.1 500 Internal Server Error",
            &[("Content-Type", "text/html")],
            b"<h1>oops</h1>",
        ),
        (
            "HTTP/1.1 503 Service Unavailable",
            &[("Retry-After", "120")],
            b"down for maintenance",
        ),
    ];
    let transport = transport();
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

#[test]
fn redirects_come_back_as_responses() {
    let transport = transport();
    for (status_line, method) in [
        ("HTTP/1.1 301 Moved Permanently", Method::GET),
        ("HTTP/1.1 302 Found", Method::GET),
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

#[test]
fn a_users_agent_cannot_turn_statuses_into_errors_or_follow_redirects() {
    // ureq's own defaults: 4xx/5xx are errors and up to 10 redirects are followed.
    let agent = ureq::Agent::new_with_defaults();
    let transport = UreqTransport::from_agent(agent);
    let server = Server::start([
        Reply::response("HTTP/1.1 500 Internal Server Error", &[], b"boom"),
        Reply::response("HTTP/1.1 302 Found", &[("Location", "/next")], b""),
        Reply::response(OK, &[], b"followed"),
    ]);
    let response = get(&transport, &server.url("/a")).expect("a 500 is a response");
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(response.body(), b"boom");
    let response = get(&transport, &server.url("/b")).expect("a 302 is a response");
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(server.requests().len(), 2);
    // Settings forced per request still share the agent's pool.
    assert_eq!(server.connections(), 1);
    assert_eq!(transport.max_response_body(), DEFAULT_MAX_RESPONSE_BODY);
}

#[test]
fn a_slow_answer_is_a_timeout() {
    let server = Server::start([Reply::new().pause(SERVER_STALL).write(head(
        OK,
        &[],
        Some("Content-Length: 0"),
    ))]);
    let transport = UreqTransport::builder()
        .timeout(Duration::from_millis(300))
        .build();
    assert_eq!(
        error_kind(get(&transport, &server.url("/slow"))),
        TransportErrorKind::Timeout
    );
}

#[test]
fn a_body_that_stalls_is_a_timeout() {
    let server = Server::start([Reply::new()
        .write(head(OK, &[], Some("Content-Length: 100")))
        .write(vec![b'x'; 10])
        .pause(SERVER_STALL)
        .write(vec![b'x'; 90])]);
    let transport = UreqTransport::builder()
        .timeout(Duration::from_millis(300))
        .build();
    assert_eq!(
        error_kind(get(&transport, &server.url("/slow"))),
        TransportErrorKind::Timeout
    );
}

#[test]
fn a_body_over_the_cap_is_too_large_however_it_is_framed() {
    let big = vec![b'b'; 4096];
    let transport = capped(1024);

    // With a truthful Content-Length.
    let server = Server::start([Reply::response(OK, &[], &big)]);
    assert_eq!(
        error_kind(get(&transport, &server.url("/"))),
        TransportErrorKind::BodyTooLarge
    );

    // Chunked: no length up front, so the cap is enforced while reading.
    let server = Server::start([Reply::new()
        .write(head(OK, &[], Some("Transfer-Encoding: chunked")))
        .write(chunked(&big))]);
    assert_eq!(
        error_kind(get(&transport, &server.url("/"))),
        TransportErrorKind::BodyTooLarge
    );

    // Close-delimited: no length at all, the body ends when the server hangs up.
    let server = Server::start([Reply::new()
        .write(head(OK, &[("Connection", "close")], None))
        .write(big.clone())
        .close()]);
    assert_eq!(
        error_kind(get(&transport, &server.url("/"))),
        TransportErrorKind::BodyTooLarge
    );

    // A Content-Length over the cap is refused before any body byte arrives.
    let server = Server::start([Reply::new()
        .write(head(OK, &[], Some("Content-Length: 1000000000")))
        .close()]);
    assert_eq!(
        error_kind(get(&transport, &server.url("/"))),
        TransportErrorKind::BodyTooLarge
    );
}

#[test]
fn a_body_exactly_at_the_cap_is_fine() {
    let exact = vec![b'e'; 1024];
    let transport = capped(1024);
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
    for framing in ["content-length", "chunked", "close-delimited"] {
        let response =
            get(&transport, &server.url("/")).unwrap_or_else(|e| panic!("{framing}: {e:?}"));
        assert_eq!(response.body(), &exact, "{framing}");
    }
}

#[test]
fn a_head_answer_announcing_a_big_body_is_fine() {
    let server =
        Server::start([Reply::new().write(head(OK, &[], Some("Content-Length: 1000000000")))]);
    let response = send(&capped(1024), Method::HEAD, &server.url("/")).expect("no body to cap");
    assert_eq!(response.headers()["content-length"], "1000000000");
    assert!(response.body().is_empty());
}

#[test]
fn a_refused_connection_is_a_connect_error() {
    let error = get(&transport(), &refused_url()).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Connect);
    assert!(error.never_sent());
}

#[test]
fn a_connection_closed_mid_body_is_an_io_error() {
    let server = Server::start([Reply::new()
        .write(head(OK, &[], Some("Content-Length: 100")))
        .write(vec![b'x'; 10])
        .close()]);
    assert_eq!(
        error_kind(get(&transport(), &server.url("/"))),
        TransportErrorKind::Io
    );
}

#[test]
fn a_chunked_body_cut_short_is_an_io_error() {
    let mut cut = chunked(&[b'c'; 3000]);
    cut.truncate(1500);
    let server = Server::start([Reply::new()
        .write(head(OK, &[], Some("Transfer-Encoding: chunked")))
        .write(cut)
        .close()]);
    assert_eq!(
        error_kind(get(&transport(), &server.url("/"))),
        TransportErrorKind::Io
    );
}

#[test]
fn a_connection_closed_before_the_answer_is_an_io_error() {
    let server = Server::start([Reply::hang_up()]);
    let result = send(&transport(), Method::POST, &server.url("/"));
    assert_eq!(error_kind(result), TransportErrorKind::Io);
    assert_eq!(
        server.requests().len(),
        1,
        "the request did reach the server"
    );
}

#[test]
fn a_connection_closed_mid_head_is_an_io_error() {
    let server = Server::start([Reply::new().write("HTTP/1.1 200 OK\r\nContent-Ty").close()]);
    assert_eq!(
        error_kind(get(&transport(), &server.url("/"))),
        TransportErrorKind::Io
    );
}

#[test]
fn garbage_instead_of_http_is_an_error() {
    let server = Server::start([Reply::new().write("SSH-2.0-OpenSSH_9.6\r\n\r\n").close()]);
    let kind = error_kind(get(&transport(), &server.url("/")));
    assert_ne!(kind, TransportErrorKind::Connect, "the request did leave");
}

#[test]
fn sequential_requests_reuse_one_connection() {
    let server = Server::start([
        Reply::response(OK, &[], b"first"),
        Reply::response("HTTP/1.1 404 Not Found", &[], b"second"),
        Reply::response(OK, &[], b"third"),
    ]);
    let transport = transport();
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

#[test]
fn debug_output_shows_no_secrets() {
    let server = Server::start([Reply::response(
        OK,
        &[("Set-Cookie", "session=s3cr3t")],
        b"",
    )]);
    let transports = [
        transport(),
        UreqTransport::from_agent(ureq::Agent::new_with_defaults()).with_max_response_body(10),
        UreqTransport::new().unwrap(),
        UreqTransport::default(),
    ];
    for transport in &transports {
        let request = http::Request::get(server.url("/"))
            .header("authorization", TOKEN)
            .body(Vec::new())
            .unwrap();
        let _ = transport.send(request);
        let debug = format!("{transport:?} {transport:#?}");
        assert!(debug.starts_with("UreqTransport"), "{debug}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(
            !debug.to_ascii_lowercase().contains("authorization"),
            "{debug}"
        );
        assert!(!debug.contains("s3cr3t"), "{debug}");
    }
}

#[test]
fn a_failed_tls_handshake_is_a_connect_error() {
    let error = get(&transport(), &tls_1_0_only_url()).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Connect, "{error:?}");
    assert!(error.never_sent());
}

#[test]
fn a_tls_server_hanging_up_mid_handshake_is_an_error() {
    // The server reads the ClientHello as a (binary, unparsable) request and hangs up.
    // ureq reports that end of file as a plain I/O error, the same as one in mid-answer,
    // so the transport cannot prove the request never left and says `Io`.
    let server = Server::start([]);
    let url = server.url("/").replace("http://", "https://");
    let kind = error_kind(get(&transport(), &url));
    assert!(
        matches!(kind, TransportErrorKind::Io | TransportErrorKind::Connect),
        "{kind:?}"
    );
}
