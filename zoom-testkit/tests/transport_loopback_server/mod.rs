//! A scripted HTTP/1.1 server on 127.0.0.1, std only, for `transport_loopback.rs`.
//!
//! Every connection gets its own thread. It reads a request (head and `Content-Length`
//! body), records it, takes the next [`Reply`] from the script and plays it: write bytes,
//! pause, close. A connection stays open for the next request until a reply closes it, so
//! keep-alive works. With the script empty, the server hangs up after reading a request.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// A request as the server received it.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub(crate) method: String,
    /// Path and query, as written on the request line.
    pub(crate) target: String,
    /// Header names (lower-cased) and values, in the order received, repeats included.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    /// Which accepted connection it came over (0, 1, …).
    pub(crate) connection: usize,
}

impl Recorded {
    /// All values of header `name`, in the order received.
    pub(crate) fn header(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

enum Step {
    Write(Vec<u8>),
    Pause(Duration),
    Close,
}

/// What the server does with one request.
pub(crate) struct Reply(Vec<Step>);

impl Reply {
    /// Nothing yet; add steps with [`Reply::write`], [`Reply::pause`], [`Reply::close`].
    pub(crate) fn new() -> Self {
        Reply(Vec::new())
    }

    /// A whole response with a correct `Content-Length`; the connection stays open.
    pub(crate) fn response(status_line: &str, headers: &[(&str, &str)], body: &[u8]) -> Self {
        let length = format!("Content-Length: {}", body.len());
        Reply::new()
            .write(head(status_line, headers, Some(&length)))
            .write(body)
    }

    /// Write these bytes.
    pub(crate) fn write(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.0.push(Step::Write(bytes.into()));
        self
    }

    /// Wait before the next step.
    pub(crate) fn pause(mut self, duration: Duration) -> Self {
        self.0.push(Step::Pause(duration));
        self
    }

    /// Close the connection.
    pub(crate) fn close(mut self) -> Self {
        self.0.push(Step::Close);
        self
    }
}

/// A response head: the status line, the headers and one optional extra header line.
pub(crate) fn head(status_line: &str, headers: &[(&str, &str)], extra: Option<&str>) -> Vec<u8> {
    let mut text = format!("{status_line}\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(line) = extra {
        text.push_str(&format!("{line}\r\n"));
    }
    text.push_str("\r\n");
    text.into_bytes()
}

/// A chunked body of `body` in chunks of at most 1000 bytes, with the final empty chunk.
pub(crate) fn chunked(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for chunk in body.chunks(1000) {
        out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

#[derive(Default)]
struct Shared {
    script: Mutex<VecDeque<Reply>>,
    requests: Mutex<Vec<Recorded>>,
    connections: AtomicUsize,
}

/// A running server; its threads end with the test process.
pub(crate) struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Server {
    /// Starts a server on a free loopback port that plays `replies` in order.
    pub(crate) fn start(replies: impl IntoIterator<Item = Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared::default());
        shared.script.lock().unwrap().extend(replies);
        let accepting = Arc::clone(&shared);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let id = accepting.connections.fetch_add(1, Ordering::SeqCst);
                let shared = Arc::clone(&accepting);
                thread::spawn(move || serve(stream, id, &shared));
            }
        });
        Server { addr, shared }
    }

    /// `http://127.0.0.1:<port><path_and_query>`.
    pub(crate) fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{}", self.addr, path_and_query)
    }

    /// The requests received so far.
    pub(crate) fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// How many connections were accepted so far.
    pub(crate) fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }
}

/// An `https://` URL on a loopback port whose server answers the TLS ClientHello with a
/// TLS 1.0 ServerHello, which a modern TLS client refuses: a handshake failure.
pub(crate) fn tls_1_0_only_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let mut client_hello = [0; 4096];
        if stream.read(&mut client_hello).is_err() {
            return;
        }
        // Record (handshake, TLS 1.0, 42 bytes) holding a ServerHello (38 bytes): version
        // 3.1, a fixed random, no session id, TLS_RSA_WITH_AES_128_CBC_SHA, no compression.
        let mut server_hello = vec![
            0x16, 0x03, 0x01, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26, 0x03, 0x01,
        ];
        server_hello.extend_from_slice(&[0x11; 32]);
        server_hello.extend_from_slice(&[0x00, 0x00, 0x2f, 0x00]);
        if stream.write_all(&server_hello).is_err() {
            return;
        }
        // Keep the connection open until the client gives up on it.
        let _ = stream.read_to_end(&mut Vec::new());
    });
    format!("https://{addr}/")
}

fn serve(stream: TcpStream, connection: usize, shared: &Shared) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
    let mut writer = stream;
    while let Some(request) = read_request(&mut reader, connection) {
        shared.requests.lock().unwrap().push(request);
        let Some(Reply(steps)) = shared.script.lock().unwrap().pop_front() else {
            return;
        };
        for step in steps {
            match step {
                Step::Write(bytes) => {
                    if writer
                        .write_all(&bytes)
                        .and_then(|()| writer.flush())
                        .is_err()
                    {
                        return;
                    }
                }
                Step::Pause(duration) => thread::sleep(duration),
                Step::Close => {
                    let _ = writer.shutdown(Shutdown::Both);
                    return;
                }
            }
        }
    }
}

/// The next request on the connection, or `None` once it ends or sends no HTTP.
fn read_request(reader: &mut impl BufRead, connection: usize) -> Option<Recorded> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .map_or(0, |(_, value)| {
            value.parse::<usize>().expect("a numeric Content-Length")
        });
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Recorded {
        method,
        target,
        headers,
        body,
        connection,
    })
}
