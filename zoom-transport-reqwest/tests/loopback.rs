//! The reqwest transport against a scripted loopback server: what goes out, what comes back,
//! and how each failure to talk is reported. Nothing here reaches beyond 127.0.0.1.

mod server;

use std::time::Duration;

use server::{Reply, Server, chunked, head, refused_url, tls_1_0_only_url};
use zoom_core::http::{self, Method, StatusCode};
use zoom_core::{HttpResponse, Transport, TransportError, TransportErrorKind};
use zoom_transport_reqwest::{DEFAULT_TIMEOUT, ReqwestTransport};

const OK: &str = "HTTP/1.1 200 OK";
const TOKEN: &str = "Bearer eyJ-very-secret-access-token";
/// Far longer than any timeout a test sets, so a timeout test cannot pass by luck.
const SERVER_STALL: Duration = Duration::from_secs(5);

/// The default transport, but with a whole-call timeout long enough that no test fails on
/// a slow machine (the server answers at once).
fn transport() -> ReqwestTransport {
    ReqwestTransport::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

fn capped(bytes: usize) -> ReqwestTransport {
    ReqwestTransport::builder()
        .timeout(Duration::from_secs(20))
        .max_response_body(bytes)
        .build()
        .unwrap()
}

async fn send(
    transport: &ReqwestTransport,
    method: Method,
    url: &str,
) -> Result<HttpResponse, TransportError> {
    let request = http::Request::builder()
        .method(method)
        .uri(url)
        .body(Vec::new())
        .unwrap();
    transport.send(request).await
}

async fn get(transport: &ReqwestTransport, url: &str) -> Result<HttpResponse, TransportError> {
    send(transport, Method::GET, url).await
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

#[tokio::test]
async fn the_request_reaches_the_server_unchanged() {
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
    transport
        .send(request)
        .await
        .expect("the exchange succeeds");
    get(&transport, &server.url("/v2/users/me"))
        .await
        .expect("the exchange succeeds");

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

    // Nothing of the transport's own but reqwest's unavoidable default `Accept: */*`: no
    // User-Agent, no `Content-Length: 0` on a GET.
    let get = &requests[1];
    assert_eq!(get.method, "GET");
    assert_eq!(get.target, "/v2/users/me");
    let mut names: Vec<&str> = get.headers.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["accept", "host"]);
    assert_eq!(get.header("accept"), ["*/*"]);
    assert!(get.body.is_empty());
}

#[tokio::test]
async fn an_empty_post_still_says_content_length_zero() {
    let server = Server::start([Reply::response(OK, &[], b"")]);
    send(&transport(), Method::POST, &server.url("/oauth/token"))
        .await
        .unwrap();
    assert_eq!(server.requests()[0].header("content-length"), ["0"]);
}

/// A scripted answer: status line, headers (repeats allowed) and body.
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [u8],
);

#[tokio::test]
async fn every_status_comes_back_unchanged() {
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
            .await
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

#[tokio::test]
async fn redirects_come_back_as_responses() {
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
        let response = transport.send(request).await.expect("a response");
        assert_eq!(
            response.status().as_u16(),
            status_line[9..12].parse::<u16>().unwrap()
        );
        assert_eq!(response.headers()["location"], "/elsewhere");
        assert_eq!(response.body(), b"moved");
        assert_eq!(server.requests().len(), 1, "{status_line} was not followed");
    }
}

/// A client of the user's own, built as `from_client` asks (no redirects), carrying a
/// default header with a secret.
fn users_client() -> reqwest::Client {
    let mut headers = http::HeaderMap::new();
    headers.insert("authorization", http::HeaderValue::from_static(TOKEN));
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_users_client_gets_the_same_contract() {
    let transport = ReqwestTransport::from_client(users_client()).with_max_response_body(8);
    assert_eq!(transport.timeout(), DEFAULT_TIMEOUT);
    assert_eq!(transport.max_response_body(), 8);
    let server = Server::start([
        Reply::response("HTTP/1.1 500 Internal Server Error", &[], b"boom"),
        Reply::response("HTTP/1.1 302 Found", &[("Location", "/next")], b""),
        Reply::response(OK, &[], b"more than eight bytes"),
    ]);
    let response = get(&transport, &server.url("/a"))
        .await
        .expect("a 500 is a response");
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(response.body(), b"boom");
    let response = get(&transport, &server.url("/b"))
        .await
        .expect("a 302 is a response");
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        error_kind(get(&transport, &server.url("/c")).await),
        TransportErrorKind::BodyTooLarge
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_users_client_gets_the_whole_call_timeout() {
    let server = Server::start([Reply::new().pause(SERVER_STALL).write(head(
        OK,
        &[],
        Some("Content-Length: 0"),
    ))]);
    let transport =
        ReqwestTransport::from_client(users_client()).with_timeout(Duration::from_millis(300));
    assert_eq!(
        error_kind(get(&transport, &server.url("/slow")).await),
        TransportErrorKind::Timeout
    );
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() {
    let server = Server::start([Reply::new().pause(SERVER_STALL).write(head(
        OK,
        &[],
        Some("Content-Length: 0"),
    ))]);
    let transport = ReqwestTransport::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    assert_eq!(
        error_kind(get(&transport, &server.url("/slow")).await),
        TransportErrorKind::Timeout
    );
}

#[tokio::test]
async fn a_body_that_stalls_is_a_timeout() {
    let server = Server::start([Reply::new()
        .write(head(OK, &[], Some("Content-Length: 100")))
        .write(vec![b'x'; 10])
        .pause(SERVER_STALL)
        .write(vec![b'x'; 90])]);
    let transport = ReqwestTransport::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    assert_eq!(
        error_kind(get(&transport, &server.url("/slow")).await),
        TransportErrorKind::Timeout
    );
}

#[tokio::test]
async fn a_body_over_the_cap_is_too_large_however_it_is_framed() {
    let big = vec![b'b'; 4096];
    let transport = capped(1024);

    // With a truthful Content-Length.
    let server = Server::start([Reply::response(OK, &[], &big)]);
    assert_eq!(
        error_kind(get(&transport, &server.url("/")).await),
        TransportErrorKind::BodyTooLarge
    );

    // Chunked: no length up front, so the cap is enforced while reading.
    let server = Server::start([Reply::new()
        .write(head(OK, &[], Some("Transfer-Encoding: chunked")))
        .write(chunked(&big))]);
    assert_eq!(
        error_kind(get(&transport, &server.url("/")).await),
        TransportErrorKind::BodyTooLarge
    );

    // Close-delimited: no length at all, the body ends when the server hangs up.
    let server = Server::start([Reply::new()
        .write(head(OK, &[("Connection", "close")], None))
        .write(big.clone())
        .close()]);
    assert_eq!(
        error_kind(get(&transport, &server.url("/")).await),
        TransportErrorKind::BodyTooLarge
    );

    // A Content-Length over the cap is refused before any body byte arrives.
    let server = Server::start([Reply::new()
        .write(head(OK, &[], Some("Content-Length: 1000000000")))
        .close()]);
    assert_eq!(
        error_kind(get(&transport, &server.url("/")).await),
        TransportErrorKind::BodyTooLarge
    );
}

#[tokio::test]
async fn a_body_exactly_at_the_cap_is_fine() {
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
        let response = get(&transport, &server.url("/"))
            .await
            .unwrap_or_else(|e| panic!("{framing}: {e:?}"));
        assert_eq!(response.body(), &exact, "{framing}");
    }
}

#[tokio::test]
async fn a_head_answer_announcing_a_big_body_is_fine() {
    let server =
        Server::start([Reply::new().write(head(OK, &[], Some("Content-Length: 1000000000")))]);
    let response = send(&capped(1024), Method::HEAD, &server.url("/"))
        .await
        .expect("no body to cap");
    assert_eq!(response.headers()["content-length"], "1000000000");
    assert!(response.body().is_empty());
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let error = get(&transport(), &refused_url()).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Connect);
    assert!(error.never_sent());
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_an_io_error() {
    let server = Server::start([Reply::new()
        .write(head(OK, &[], Some("Content-Length: 100")))
        .write(vec![b'x'; 10])
        .close()]);
    assert_eq!(
        error_kind(get(&transport(), &server.url("/")).await),
        TransportErrorKind::Io
    );
}

#[tokio::test]
async fn a_chunked_body_cut_short_is_an_io_error() {
    let mut cut = chunked(&[b'c'; 3000]);
    cut.truncate(1500);
    let server = Server::start([Reply::new()
        .write(head(OK, &[], Some("Transfer-Encoding: chunked")))
        .write(cut)
        .close()]);
    assert_eq!(
        error_kind(get(&transport(), &server.url("/")).await),
        TransportErrorKind::Io
    );
}

#[tokio::test]
async fn a_connection_closed_before_the_answer_is_an_io_error() {
    let server = Server::start([Reply::hang_up()]);
    let result = send(&transport(), Method::POST, &server.url("/")).await;
    assert_eq!(error_kind(result), TransportErrorKind::Io);
    assert_eq!(
        server.requests().len(),
        1,
        "the request did reach the server"
    );
}

#[tokio::test]
async fn a_connection_closed_mid_head_is_an_io_error() {
    let server = Server::start([Reply::new().write("HTTP/1.1 200 OK\r\nContent-Ty").close()]);
    assert_eq!(
        error_kind(get(&transport(), &server.url("/")).await),
        TransportErrorKind::Io
    );
}

#[tokio::test]
async fn garbage_instead_of_http_is_an_error() {
    let server = Server::start([Reply::new().write("SSH-2.0-OpenSSH_9.6\r\n\r\n").close()]);
    let kind = error_kind(get(&transport(), &server.url("/")).await);
    assert_ne!(kind, TransportErrorKind::Connect, "the request did leave");
}

#[tokio::test]
async fn sequential_requests_reuse_one_connection() {
    let server = Server::start([
        Reply::response(OK, &[], b"first"),
        Reply::response("HTTP/1.1 404 Not Found", &[], b"second"),
        Reply::response(OK, &[], b"third"),
    ]);
    let transport = transport();
    let clone = transport.clone();
    assert_eq!(
        get(&transport, &server.url("/1")).await.unwrap().body(),
        b"first"
    );
    assert_eq!(
        get(&transport, &server.url("/2")).await.unwrap().body(),
        b"second"
    );
    assert_eq!(
        get(&clone, &server.url("/3")).await.unwrap().body(),
        b"third"
    );
    assert_eq!(server.connections(), 1);
    assert!(server.requests().iter().all(|r| r.connection == 0));
}

#[tokio::test]
async fn debug_output_shows_no_secrets() {
    let server = Server::start([Reply::response(
        OK,
        &[("Set-Cookie", "session=s3cr3t")],
        b"",
    )]);
    let transports = [
        transport(),
        ReqwestTransport::from_client(users_client()).with_max_response_body(10),
        ReqwestTransport::new().unwrap(),
        ReqwestTransport::default(),
    ];
    for transport in &transports {
        let request = http::Request::get(server.url("/"))
            .header("authorization", TOKEN)
            .body(Vec::new())
            .unwrap();
        let _ = transport.send(request).await;
        let debug = format!("{transport:?} {transport:#?}");
        assert!(debug.starts_with("ReqwestTransport"), "{debug}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(
            !debug.to_ascii_lowercase().contains("authorization"),
            "{debug}"
        );
        assert!(!debug.contains("s3cr3t"), "{debug}");
    }
}

#[tokio::test]
async fn a_failed_tls_handshake_is_a_connect_error() {
    let error = get(&transport(), &tls_1_0_only_url()).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Connect, "{error:?}");
    assert!(error.never_sent());
}

#[tokio::test]
async fn a_tls_server_hanging_up_mid_handshake_is_a_connect_error() {
    // The server reads the ClientHello as a (binary, unparsable) request and hangs up.
    let server = Server::start([]);
    let url = server.url("/").replace("http://", "https://");
    assert_eq!(
        error_kind(get(&transport(), &url).await),
        TransportErrorKind::Connect
    );
}
