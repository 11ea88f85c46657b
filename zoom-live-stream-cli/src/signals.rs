//! `listen` and `autopilot` run until stdout goes or a signal comes. On SIGINT (Ctrl-C) or
//! SIGTERM they stop serving and return, so that `main` still flushes the spans not yet
//! exported, and exit with the code a shell reports for a process ended by that signal.

/// The exit code after SIGINT: 128 + 2, as a shell reports Ctrl-C.
pub(crate) const INTERRUPTED: u8 = 130;
/// The exit code after SIGTERM: 128 + 15.
pub(crate) const TERMINATED: u8 = 143;

/// SIGINT and SIGTERM, caught from the moment this is made (before the tool says where it
/// listens, so that a signal sent right after that line is not the default, abrupt one).
pub(crate) struct Signals {
    #[cfg(unix)]
    streams: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    /// Catches both signals; if the runtime cannot (no signal driver), they stay fatal.
    pub(crate) fn catch() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let streams = signal(SignalKind::interrupt())
                .and_then(|interrupt| Ok((interrupt, signal(SignalKind::terminate())?)))
                .ok();
            Self { streams }
        }
        #[cfg(not(unix))]
        Self {}
    }

    /// Waits for the first of them; its exit code.
    pub(crate) async fn first(&mut self) -> u8 {
        #[cfg(unix)]
        {
            let Some((interrupt, terminate)) = &mut self.streams else {
                return std::future::pending().await;
            };
            tokio::select! {
                _ = interrupt.recv() => INTERRUPTED,
                _ = terminate.recv() => TERMINATED,
            }
        }
        #[cfg(not(unix))]
        {
            match tokio::signal::ctrl_c().await {
                Ok(()) => INTERRUPTED,
                Err(_) => std::future::pending().await,
            }
        }
    }
}
