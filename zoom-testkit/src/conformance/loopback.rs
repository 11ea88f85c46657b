//! A tiny HTTP/1.1 server on 127.0.0.1 for the answers the simulator cannot give: a
//! redirect (`/redirect`: 302 to a fixed location), a chunked body with no
//! `Content-Length` (`/chunked/{bytes}`), and answers that break HTTP: a 1 MB header
//! (`/huge-header`) and 10,000 headers (`/many-headers`). Every answer closes the
//! connection.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// The largest request head read before answering anyway.
const MAX_HEAD: usize = 64 * 1024;
/// How long a client may stall reading or writing before the server gives up on it.
const STALL: Duration = Duration::from_secs(5);
/// The size of each chunk of a chunked body.
const CHUNK: usize = 4096;
/// The length of `/huge-header`'s header value: 1 MB.
const HUGE_HEADER: usize = 1024 * 1024;
/// How many headers `/many-headers` sends.
const MANY_HEADERS: usize = 10_000;

/// Runs on its own thread until dropped.
pub(super) struct LoopbackServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl LoopbackServer {
    /// Starts a server whose `/redirect` points at `location` and whose `/chunked/{n}`
    /// sends `body(n)` chunked.
    pub(super) fn start(location: String, body: fn(usize) -> Vec<u8>) -> io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("conformance-loopback".to_owned())
            .spawn(move || {
                for stream in listener.incoming() {
                    if stopping.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        let _ = answer(stream, &location, body);
                    }
                }
            })?;
        Ok(Self {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub(super) fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Reads the request head, answers, and closes the connection.
fn answer(mut stream: TcpStream, location: &str, body: fn(usize) -> Vec<u8>) -> io::Result<()> {
    stream.set_read_timeout(Some(STALL))?;
    stream.set_write_timeout(Some(STALL))?;
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
        match stream.read(&mut buffer)? {
            0 => return Ok(()),
            n => head.extend_from_slice(&buffer[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split(' ').nth(1).unwrap_or("");
    match path {
        "/huge-header" => {
            let huge = "a".repeat(HUGE_HEADER);
            // The client may hang up as soon as it has seen enough: not an error here.
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nx-huge: {huge}\r\ncontent-length: 0\r\n\r\n"
            );
            return Ok(());
        }
        "/many-headers" => {
            let mut head = String::from("HTTP/1.1 200 OK\r\n");
            for i in 0..MANY_HEADERS {
                head.push_str(&format!("x-header-{i}: 1\r\n"));
            }
            head.push_str("content-length: 0\r\n\r\n");
            let _ = stream.write_all(head.as_bytes());
            return Ok(());
        }
        _ => {}
    }
    let size = path.strip_prefix("/chunked/").and_then(|n| n.parse().ok());
    match size {
        Some(size) => {
            stream.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                  transfer-encoding: chunked\r\nconnection: close\r\n\r\n",
            )?;
            for chunk in body(size).chunks(CHUNK) {
                write!(stream, "{:x}\r\n", chunk.len())?;
                stream.write_all(chunk)?;
                stream.write_all(b"\r\n")?;
            }
            stream.write_all(b"0\r\n\r\n")?;
        }
        None => write!(
            stream,
            "HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\n\
             connection: close\r\n\r\n"
        )?,
    }
    stream.flush()
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
