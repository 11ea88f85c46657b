//! What every co-dependency program checks, shared by `#[path]`: a program with its own
//! reqwest configuration and the SDK in one build, each client working as it would alone.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread;

/// The body every request gets: a live stream as Zoom would answer it.
const BODY: &str = r#"{"stream_url":"https://example.com/live","stream_key":"k","page_url":"https://example.com/p"}"#;

/// A plain-HTTP server on 127.0.0.1 answering every request with [`BODY`], on a thread that
/// lives as long as the process.
fn serve() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let address = listener.local_addr().expect("the server's address");
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0; 1];
            while !head.ends_with(b"\r\n\r\n") {
                match stream.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{BODY}",
                BODY.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    address
}

/// The program's own plain client, then the SDK's client, against the loopback server.
/// Panics (exit code 101) on any failure.
pub fn run(name: &str) {
    let address = serve();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");

    // The program's own client, built exactly as it would be without the SDK.
    let own = reqwest::Client::builder()
        .build()
        .expect("the program's own reqwest client builds");
    let text = runtime.block_on(async {
        let response = own
            .get(format!("http://{address}/own"))
            .send()
            .await
            .expect("the program's own client reaches the loopback server");
        assert_eq!(response.status(), 200);
        response.text().await.expect("the answer's body")
    });
    assert_eq!(text, BODY, "the program's own client read the answer");

    // The SDK's async client on its default transport.
    let sdk = zoom_live_stream::Client::builder()
        .bearer_token("t")
        .api_base(format!("http://{address}/v2"))
        .build()
        .expect("the SDK's client builds");
    let stream = runtime
        .block_on(sdk.meeting_live_stream(zoom_live_stream::MeetingId::new(85746065432)))
        .expect("the SDK's client reads the live stream");
    assert_eq!(
        stream.stream_url.as_deref(),
        Some("https://example.com/live")
    );
    assert_eq!(
        stream.stream_key.as_ref().map(|key| key.expose_secret()),
        Some("k")
    );
    assert_eq!(stream.page_url.as_deref(), Some("https://example.com/p"));
    println!("{name}: own reqwest client and SDK client both work");
}
