//! What the tool's end-to-end tests share: the binary with a clean environment, and its
//! outcome.

use std::process::{Command, Output};

/// The tool with none of the developer's `ZOOM_*` variables (credentials, API base, Redis,
/// webhook secret), no `OTEL_*` variables (no export to a collector of theirs) and no
/// `RUST_LOG`: each test sets what it means to.
pub(crate) fn tool(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_zoom-live-stream"));
    command.args(args).env_remove("RUST_LOG");
    for (name, _) in std::env::vars_os() {
        let name_text = name.to_string_lossy();
        if name_text.starts_with("ZOOM_") || name_text.starts_with("OTEL_") {
            command.env_remove(name);
        }
    }
    command
}

/// Runs `command` to its end: exit code, stdout and stderr. Fails the test if the tool
/// panicked or was killed.
pub(crate) fn run(command: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the tool runs");
    let (stdout, stderr) = (
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
    (status.code().expect("exited normally"), stdout, stderr)
}
