//! A real Redis for the tests: the one `.ci/run` started (`ZOOM_TEST_REDIS_URL`), or else a
//! private `redis-server` on a free loopback port, stopped when the test ends. With neither,
//! the test fails and says how to fix it: tests that need Redis never skip.
#![allow(dead_code)] // Each test binary uses its own part of this module.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A Redis to test against, and a key prefix no other test uses.
pub(crate) struct TestRedis {
    pub(crate) url: String,
    pub(crate) prefix: String,
    server: Option<Child>,
    pub(crate) port: u16,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

fn unique_prefix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "test-{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestRedis {
    /// The shared test Redis when `ZOOM_TEST_REDIS_URL` is set, else a private one.
    pub(crate) fn shared() -> Self {
        match std::env::var("ZOOM_TEST_REDIS_URL") {
            Ok(url) if !url.trim().is_empty() => {
                let port = url::Url::parse(&url)
                    .ok()
                    .and_then(|u| u.port())
                    .unwrap_or(6379);
                Self {
                    url,
                    prefix: unique_prefix(),
                    server: None,
                    port,
                }
            }
            _ => Self::private(&[]),
        }
    }

    /// A private `redis-server` (with extra arguments, e.g. `--requirepass`), for tests that
    /// kill or reconfigure it.
    pub(crate) fn private(extra: &[&str]) -> Self {
        let port = free_port();
        let server = start_server(&port.to_string(), extra);
        let this = Self {
            url: format!("redis://127.0.0.1:{port}"),
            prefix: unique_prefix(),
            server: Some(server),
            port,
        };
        wait_until_listening(port);
        this
    }

    /// A private `redis-server` speaking only TLS (`rediss://`), with the test certificate
    /// in `tests/tls/` (signed by the test CA `tests/tls/ca.pem`, for 127.0.0.1).
    pub(crate) fn private_tls() -> Self {
        let port = free_port();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tls");
        let (cert, key, ca) = (
            format!("{dir}/server.pem"),
            format!("{dir}/server.key"),
            format!("{dir}/ca.pem"),
        );
        let port_text = port.to_string();
        let server = start_server(
            "0",
            &[
                "--tls-port",
                &port_text,
                "--tls-cert-file",
                &cert,
                "--tls-key-file",
                &key,
                "--tls-ca-cert-file",
                &ca,
                "--tls-auth-clients",
                "no",
            ],
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server (TLS) did not listen within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Self {
            url: format!("rediss://127.0.0.1:{port}"),
            prefix: unique_prefix(),
            server: Some(server),
            port,
        }
    }

    /// Starts the private server again on the same port (after [`TestRedis::kill`]).
    pub(crate) fn restart(&mut self, extra: &[&str]) {
        assert!(self.server.is_none(), "kill it first");
        self.server = Some(start_server(&self.port.to_string(), extra));
        wait_until_listening(self.port);
    }

    /// Kills the private server at once (SIGKILL), as a crash would.
    pub(crate) fn kill(&mut self) {
        let mut server = self
            .server
            .take()
            .expect("only a private server can be killed");
        server.kill().expect("kill redis-server");
        server.wait().expect("reap redis-server");
    }

    /// A plain blocking connection for looking at keys directly.
    pub(crate) fn raw(&self) -> redis::Connection {
        redis::Client::open(self.url.as_str())
            .and_then(|c| c.get_connection_with_timeout(Duration::from_secs(5)))
            .expect("raw connection to the test Redis")
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        if let Some(mut server) = self.server.take() {
            let _ = server.kill();
            let _ = server.wait();
        }
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free loopback port");
    listener.local_addr().expect("local address").port()
}

/// `port` "0" means no plain port (a TLS-only server).
fn start_server(port: &str, extra: &[&str]) -> Child {
    let mut args = vec![
        "--port",
        port,
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--loglevel",
        "warning",
    ];
    args.extend_from_slice(extra);
    Command::new("redis-server")
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "these tests need Redis: set ZOOM_TEST_REDIS_URL=redis://127.0.0.1:PORT, or put \
                 redis-server on PATH (Debian: apt-get install -y redis-server) so that the \
                 tests start their own; starting redis-server failed: {e}"
            )
        })
}

fn wait_until_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let url = format!("redis://127.0.0.1:{port}");
    loop {
        let ping = redis::Client::open(url.as_str())
            .and_then(|c| c.get_connection_with_timeout(Duration::from_millis(200)))
            .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c));
        match ping {
            Ok(_) => return,
            // It answered (e.g. NOAUTH when it wants a password): it is up.
            Err(e) if !e.is_io_error() && !e.is_connection_refusal() => return,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("redis-server on port {port} did not answer within 10 s: {e}"),
        }
    }
}
