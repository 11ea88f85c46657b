//! A tiny raw HTTP/1.1 client over `std::net::TcpStream` for the simulator tests.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use base64::Engine;
use serde_json::Value;
use zoom_testkit::simulator::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};

/// An answer as read off the wire.
#[derive(Debug, Clone)]
pub(crate) struct Resp {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Resp {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts a Zoom error answer and returns its body.
    #[track_caller]
    pub(crate) fn assert_error(&self, status: u16, code: i64) -> Value {
        let body = self.json();
        assert_eq!(
            (self.status, body["code"].as_i64()),
            (status, Some(code)),
            "body: {body}"
        );
        body
    }
}

/// One keep-alive connection.
pub(crate) struct Conn {
    reader: BufReader<TcpStream>,
}

impl Conn {
    pub(crate) fn open(addr: SocketAddr) -> Conn {
        let stream = TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        Conn {
            reader: BufReader::new(stream),
        }
    }

    pub(crate) fn send(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Resp> {
        let mut head = format!("{method} {target} HTTP/1.1\r\nhost: 127.0.0.1\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if !body.is_empty() || method == "POST" || method == "PATCH" || method == "PUT" {
            head.push_str(&format!("content-length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        let stream = self.reader.get_mut();
        stream.write_all(head.as_bytes())?;
        stream.write_all(body)?;
        stream.flush()?;
        read_response(&mut self.reader, method == "HEAD")
    }
}

fn read_response(reader: &mut BufReader<TcpStream>, head_only: bool) -> std::io::Result<Resp> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "connection closed before a response",
        ));
    }
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        let (name, value) = trimmed.split_once(':').expect("header line");
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map(|(_, v)| v.parse::<usize>().expect("content-length"));
    assert!(
        !headers.iter().any(|(n, _)| n == "transfer-encoding"),
        "chunked answers are not expected"
    );
    let mut body = Vec::new();
    match length {
        _ if head_only || status == 204 || status == 304 => {}
        Some(length) => {
            body.resize(length, 0);
            reader.read_exact(&mut body)?;
        }
        None => {
            reader.read_to_end(&mut body)?;
        }
    }
    Ok(Resp {
        status,
        headers,
        body,
    })
}

/// One request on a fresh connection.
pub(crate) fn request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Resp {
    Conn::open(addr)
        .send(method, target, headers, body)
        .expect("request")
}

pub(crate) const BEARER: &str = "Bearer sim-static-token";

/// An authorized GET.
pub(crate) fn get(addr: SocketAddr, target: &str) -> Resp {
    request(addr, "GET", target, &[("authorization", BEARER)], b"")
}

/// An authorized PATCH with a JSON body.
pub(crate) fn patch(addr: SocketAddr, target: &str, body: &Value) -> Resp {
    request(
        addr,
        "PATCH",
        target,
        &[
            ("authorization", BEARER),
            ("content-type", "application/json"),
        ],
        body.to_string().as_bytes(),
    )
}

/// `Basic base64(id:secret)`.
pub(crate) fn basic(id: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    )
}

/// A token request with the demo credentials and `form` as the body.
pub(crate) fn token_request(addr: SocketAddr, authorization: &str, form: &str) -> Resp {
    request(
        addr,
        "POST",
        "/oauth/token",
        &[
            ("authorization", authorization),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        form.as_bytes(),
    )
}

/// A fresh access token for the demo account.
pub(crate) fn fetch_token(addr: SocketAddr) -> String {
    let resp = token_request(
        addr,
        &basic(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
        "grant_type=account_credentials&account_id=sim-account",
    );
    assert_eq!(resp.status, 200, "{}", resp.text());
    resp.json()["access_token"].as_str().unwrap().to_owned()
}

/// Sends raw bytes and reads everything until the server closes the connection.
pub(crate) fn raw_until_eof(addr: SocketAddr, raw: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut received = Vec::new();
    // A reset instead of a clean close is fine too: keep what arrived.
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                panic!(
                    "the server kept the connection open: got {:?}",
                    String::from_utf8_lossy(&received)
                )
            }
            Err(_) => break,
        }
    }
    received
}

pub(crate) fn meeting_path(id: u64) -> String {
    format!("/v2/meetings/{id}/livestream")
}

pub(crate) fn webinar_path(id: u64) -> String {
    format!("/v2/webinars/{id}/livestream")
}
