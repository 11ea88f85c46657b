//! The hyper server: accept loop, one task per connection, the per-request
//! pipeline (record → fault → auth/limits/state), and [`Simulator`].

use std::fmt;
use std::io;
use std::net::Ipv4Addr;
use std::ops::Deref;
use std::time::Duration;

use http::{Request, Response};
use http_body_util::{BodyExt, Limited};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use super::admin;
use super::config::SimulatorConfig;
use super::faults::Fault;
use super::request::ApiRequest;
use super::response::SimBody;
use super::state::SimulatorControl;

/// Largest request body read (bigger ones get the connection closed).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Returned to hyper to close the connection without an answer.
#[derive(Debug)]
struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by the simulator")
    }
}

impl std::error::Error for Dropped {}

async fn serve_request(
    control: SimulatorControl,
    request: Request<hyper::body::Incoming>,
) -> Result<Response<SimBody>, Dropped> {
    let (parts, body) = request.into_parts();
    let body = Limited::new(body, MAX_BODY)
        .collect()
        .await
        .map_err(|_| Dropped)?
        .to_bytes();
    let request = ApiRequest {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
    };
    if request.path.starts_with(admin::PREFIX) {
        return Ok(admin::handle(&control, &request).into_hyper());
    }
    let fault = control.lock().intake(&request);
    match fault {
        None => {}
        Some(Fault::DropBeforeResponse) => return Err(Dropped),
        Some(Fault::Delay { millis }) => tokio::time::sleep(Duration::from_millis(millis)).await,
        Some(fault) => {
            let response = control.lock().respond_with_fault(&fault, &request);
            return Ok(response.into_hyper());
        }
    }
    let response = control.lock().respond(&request);
    Ok(response.into_hyper())
}

async fn serve_connection(stream: TcpStream, control: SimulatorControl) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| serve_request(control.clone(), request));
    // Errors here are the client going away or a scripted drop.
    let _ = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

async fn accept_loop(listener: TcpListener, control: SimulatorControl) {
    // Dropping this future (abort) drops the set, which aborts every connection.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, control.clone()));
                }
                // Out of file descriptors and the like: back off briefly.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// A running simulator on 127.0.0.1, served by tasks of the current tokio
/// runtime. Dropping it stops the server and closes its connections.
///
/// It dereferences to its [`SimulatorControl`], so `sim.requests()` works.
#[derive(Debug)]
pub struct Simulator {
    control: SimulatorControl,
    task: JoinHandle<()>,
}

impl Simulator {
    /// Starts the demo state on a free port. Must run inside a tokio runtime.
    pub async fn start() -> io::Result<Simulator> {
        Self::start_with(SimulatorConfig::default()).await
    }

    /// Starts with `config`. Must run inside a tokio runtime.
    pub async fn start_with(config: SimulatorConfig) -> io::Result<Simulator> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let control = SimulatorControl::new(config, addr);
        let task = tokio::spawn(accept_loop(listener, control.clone()));
        Ok(Simulator { control, task })
    }

    /// The handle on the simulator's state (also reached through `Deref`).
    pub fn control(&self) -> &SimulatorControl {
        &self.control
    }
}

impl Deref for Simulator {
    type Target = SimulatorControl;

    fn deref(&self) -> &SimulatorControl {
        &self.control
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.task.abort();
        self.control.stop_webhooks();
    }
}
