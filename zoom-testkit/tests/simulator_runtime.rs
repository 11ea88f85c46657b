//! Starting and stopping the simulator: async and blocking handles,
//! connections, and the `zoom-simulator` binary.

mod simulator_common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use simulator_common::{BEARER, Conn, get, meeting_path};
use zoom_testkit::simulator::{
    BlockingSimulator, DEMO_MEETING_ID, Simulator, SimulatorConfig, SimulatorControl,
};

/// Waits (bounded) until nothing accepts connections at `addr`.
fn wait_until_closed(addr: std::net::SocketAddr) -> bool {
    for _ in 0..500 {
        match TcpStream::connect(addr) {
            Err(_) => return true,
            Ok(mut stream) => {
                // Accepted by the kernel backlog only: a stopped server never answers.
                stream
                    .set_read_timeout(Some(Duration::from_millis(200)))
                    .unwrap();
                let _ = stream.write_all(b"GET /v2/x HTTP/1.1\r\nhost: x\r\n\r\n");
                let mut buf = [0u8; 1];
                if matches!(stream.read(&mut buf), Ok(0) | Err(_)) {
                    return true;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_simulator_serves_and_stops_on_drop() {
    let sim = Simulator::start().await.unwrap();
    let addr = sim.addr();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    assert_eq!(
        sim.base_url(),
        format!("http://127.0.0.1:{}/v2", addr.port())
    );
    assert_eq!(
        sim.oauth_base(),
        format!("http://127.0.0.1:{}", addr.port())
    );
    assert_eq!(
        sim.token_url(),
        format!("http://127.0.0.1:{}/oauth/token", addr.port())
    );

    let control: SimulatorControl = sim.control().clone();
    let resp = tokio::task::spawn_blocking(move || get(addr, &meeting_path(DEMO_MEETING_ID)))
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
    // The control handle works from another thread, and through Deref.
    let seen = std::thread::spawn(move || control.requests().len())
        .join()
        .unwrap();
    assert_eq!(seen, 1);
    assert_eq!(sim.requests().len(), 1);

    drop(sim);
    let closed = tokio::task::spawn_blocking(move || wait_until_closed(addr))
        .await
        .unwrap();
    assert!(closed, "the server stops when the handle is dropped");
}

#[test]
fn blocking_simulator_from_a_plain_test() {
    let sim = BlockingSimulator::start().unwrap();
    let addr = sim.addr();
    assert_eq!(sim.base_url(), format!("http://{addr}/v2"));
    assert_eq!(sim.control().requests().len(), 0);
    let resp = get(addr, &meeting_path(DEMO_MEETING_ID));
    assert_eq!(resp.status, 200);
    assert_eq!(sim.requests()[0].path, meeting_path(DEMO_MEETING_ID));
    drop(sim);
    assert!(wait_until_closed(addr));
}

#[test]
fn chosen_port_and_busy_port() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    // Busy: the bind fails with an io::Error.
    assert!(BlockingSimulator::start_with(SimulatorConfig::on_port(port)).is_err());
    drop(probe);
    // A freed port may be taken again by other tests' client sockets: try a few.
    let started = (0..20).find_map(|_| {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = probe.local_addr().unwrap().port();
        drop(probe);
        BlockingSimulator::start_with(SimulatorConfig::on_port(port))
            .ok()
            .map(|sim| (sim, port))
    });
    let (sim, port) = started.expect("a chosen free port can be bound");
    assert_eq!(sim.addr().port(), port);
    assert_eq!(get(sim.addr(), &meeting_path(DEMO_MEETING_ID)).status, 200);
}

#[test]
fn keep_alive_connections_are_reused() {
    let sim = BlockingSimulator::start().unwrap();
    let mut conn = Conn::open(sim.addr());
    for _ in 0..5 {
        let resp = conn
            .send(
                "GET",
                &meeting_path(DEMO_MEETING_ID),
                &[("authorization", BEARER)],
                b"",
            )
            .unwrap();
        assert_eq!(resp.status, 200);
        assert_ne!(resp.header("connection"), Some("close"));
    }
    // Error answers keep the connection too.
    let resp = conn
        .send("GET", "/v2/nothing", &[("authorization", BEARER)], b"")
        .unwrap();
    assert_eq!(resp.status, 404);
    let resp = conn
        .send("GET", &meeting_path(DEMO_MEETING_ID), &[], b"")
        .unwrap();
    assert_eq!(resp.status, 401);
    let resp = conn
        .send(
            "GET",
            &meeting_path(DEMO_MEETING_ID),
            &[("authorization", BEARER)],
            b"",
        )
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(sim.requests().len(), 8);
}

#[test]
fn a_stalled_connection_does_not_block_others() {
    let sim = BlockingSimulator::start().unwrap();
    let mut stalled = TcpStream::connect(sim.addr()).unwrap();
    stalled
        .write_all(b"GET /v2/meetings/1/livestream HTTP/1.1\r\nhost: x\r\n")
        .unwrap();
    // The half-sent request above is still pending; another client is served.
    let resp = get(sim.addr(), &meeting_path(DEMO_MEETING_ID));
    assert_eq!(resp.status, 200);
}

#[test]
fn binary_prints_its_address_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zoom-simulator"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let result = std::panic::catch_unwind(|| {
        let rest = line
            .strip_prefix("zoom-simulator listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        let (addr, api) = rest.split_once(' ').unwrap();
        assert_eq!(api.trim(), format!("(API base http://{addr}/v2)"));
        let addr: std::net::SocketAddr = addr.parse().unwrap();
        let resp = get(addr, &meeting_path(DEMO_MEETING_ID));
        assert_eq!(resp.status, 200);
        assert_eq!(resp.json()["stream_key"], "Contact It@somecompany.com");
    });
    let mut rest = String::new();
    child.kill().unwrap();
    child.wait().unwrap();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("client_id: sim-client-id"), "{rest}");
    assert!(rest.contains("meeting 85746065432"), "{rest}");
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn binary_rejects_bad_flags_with_exit_code_2() {
    for args in [
        &["--bogus"][..],
        &["--port"],
        &["--port", "http"],
        &["--port", "70000"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_zoom-simulator"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty());
        assert!(String::from_utf8_lossy(&output.stderr).contains("usage: zoom-simulator"));
    }
}
