#!/usr/bin/env bash
# Runs every fuzz target for the given time each (default 600 s), one after the other.
#
#   fuzz/run.sh [seconds-per-target] [target…]
#
# Needs a nightly toolchain (`rustup toolchain install nightly`); installs cargo-fuzz from
# crates.io if it is missing. Extra libFuzzer flags go in FUZZ_FLAGS, for example
# FUZZ_FLAGS="-fork=1 -ignore_crashes=1" to keep going past a crash. Crashing inputs land in
# fuzz/artifacts/<target>/; copy the ones worth keeping to fuzz/regressions/<target>/ (the
# test fuzz/harness/tests/regressions.rs replays them on stable in every `cargo test`).
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(response_mapper id_path retry_after token_answer webhook video_sdk_jwt)
fi

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz/run.sh needs a nightly toolchain: rustup toolchain install nightly" >&2
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

status=0
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "seeds/$target" "regressions/$target"
  echo "--- $target for ${seconds}s"
  # Seeds and earlier findings are read as extra corpus directories (never written to).
  # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
  if ! cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" \
      "regressions/$target" -- -max_total_time="$seconds" \
      -dict="dict/$target.dict" ${FUZZ_FLAGS:-}; then
    echo "--- $target found a crash: see fuzz/artifacts/$target/" >&2
    status=1
  fi
done
exit "$status"
