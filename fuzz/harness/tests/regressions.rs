//! Replays the fuzz corpus kept in the repository through the same harnesses the cargo-fuzz
//! targets run (this package's library), on stable and in every `cargo test`:
//!
//! - `fuzz/seeds/<target>/`: hand-written starting inputs, which must pass today;
//! - `fuzz/regressions/<target>/`: inputs a fuzzer found crashing; each must pass from the
//!   fix on, so that the bug cannot come back.
//!
//! A harness panics when an invariant breaks; each file runs under `catch_unwind` so that
//! one failure names every failing file, not only the first.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use zoom_fuzz_harness as harness;

/// A fuzz harness: panics when an invariant breaks.
type Harness = fn(&[u8]);

const TARGETS: [(&str, Harness); 6] = [
    ("response_mapper", harness::response_mapper),
    ("id_path", harness::id_path),
    ("retry_after", harness::retry_after),
    ("token_answer", harness::token_answer),
    ("webhook", harness::webhook),
    ("video_sdk_jwt", harness::video_sdk_jwt),
];

fn fuzz_dir() -> PathBuf {
    // This package lives in fuzz/harness.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs every file under `fuzz/<kind>/<target>/` through the target's harness; returns how
/// many ran and the failures.
fn replay(kind: &str, target: &str) -> (usize, Vec<String>) {
    let (_, harness) = TARGETS
        .into_iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("no fuzz target {target}"));
    let dir = fuzz_dir().join(kind).join(target);
    let mut ran = 0;
    let mut failures = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (ran, failures);
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    files.sort();
    for file in files.into_iter().filter(|f| f.is_file()) {
        let data = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        ran += 1;
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| harness(&data))) {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("a panic without a message");
            failures.push(format!(
                "{target}: {} ({:?}): {message}",
                file.display(),
                String::from_utf8_lossy(&data)
            ));
        }
    }
    (ran, failures)
}

#[test]
fn the_seed_inputs_pass_every_harness() {
    for (target, _) in TARGETS {
        let (ran, failures) = replay("seeds", target);
        assert!(ran > 0, "no seed files for {target} under {:?}", fuzz_dir());
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

/// Every kept input of `target` passes its harness now.
fn no_regression(target: &str) {
    let (ran, failures) = replay("regressions", target);
    assert!(
        ran > 0,
        "no regression files for {target} under {:?}",
        fuzz_dir()
    );
    assert!(
        failures.is_empty(),
        "{} of {ran} regression inputs still fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn what_the_response_mapper_fuzzer_found_is_fixed() {
    no_regression("response_mapper");
}

#[test]
fn what_the_id_path_fuzzer_found_is_fixed() {
    no_regression("id_path");
}

#[test]
fn what_the_retry_after_fuzzer_found_is_fixed() {
    no_regression("retry_after");
}

#[test]
fn what_the_token_answer_fuzzer_found_is_fixed() {
    no_regression("token_answer");
}

#[test]
fn what_the_webhook_fuzzer_found_is_fixed() {
    no_regression("webhook");
}
