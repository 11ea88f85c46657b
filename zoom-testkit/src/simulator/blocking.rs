//! [`BlockingSimulator`]: the simulator on its own thread and runtime, for
//! synchronous tests.

use std::io;
use std::ops::Deref;
use std::sync::mpsc;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use super::config::SimulatorConfig;
use super::server::Simulator;
use super::state::SimulatorControl;

/// The simulator running on a dedicated thread with its own tokio runtime:
/// usable from plain `#[test]`s and blocking clients. Dropping it stops the
/// server and joins the thread.
///
/// It dereferences to its [`SimulatorControl`].
#[derive(Debug)]
pub struct BlockingSimulator {
    control: SimulatorControl,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl BlockingSimulator {
    /// Starts the demo state on a free port.
    pub fn start() -> io::Result<Self> {
        Self::start_with(SimulatorConfig::default())
    }

    /// Starts with `config`.
    pub fn start_with(config: SimulatorConfig) -> io::Result<Self> {
        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("zoom-simulator".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match Simulator::start_with(config).await {
                        Ok(simulator) => {
                            let _ = ready_tx.send(Ok(simulator.control().clone()));
                            // Sender dropped or signalled: stop either way.
                            let _ = stopped.await;
                            drop(simulator);
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })?;
        let control = ready_rx
            .recv()
            .map_err(|_| io::Error::other("the simulator thread exited early"))??;
        Ok(Self {
            control,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The handle on the simulator's state (also reached through `Deref`).
    pub fn control(&self) -> &SimulatorControl {
        &self.control
    }
}

impl Deref for BlockingSimulator {
    type Target = SimulatorControl;

    fn deref(&self) -> &SimulatorControl {
        &self.control
    }
}

impl Drop for BlockingSimulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
