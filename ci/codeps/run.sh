#!/usr/bin/env bash
# Co-dependency check (issue 18): a program's own reqwest client must work exactly as it
# does without the SDK, whatever reqwest features the program picked, and the SDK's client
# must work next to it. Each program under ci/codeps/ is a workspace of its own, so that
# cargo unifies its features as in a user's build, not with the SDK's workspace.
#
# Also checks that zoom-live-stream's default dependency tree has exactly one rustls crypto
# provider. Prints one line per check; exits non-zero if any failed.
#
# The programs' Cargo.lock files are committed and used with --locked. After a change to the
# SDK's dependencies, `cargo build --manifest-path ci/codeps/<program>/Cargo.toml` (without
# --locked) updates one, changing only what it must.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

export CARGO_TERM_COLOR=never
# One target dir for the three programs (they share most of their dependencies), apart
# from the workspace's: different features would otherwise rebuild each other's crates.
target=${CARGO_TARGET_DIR:-target}
case $target in /*) ;; *) target=$root/$target ;; esac
export CARGO_TARGET_DIR=$target/codeps

failed=0

# native-tls needs OpenSSL's headers and pkg-config.
if ! pkg-config --exists openssl 2>/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get install -y libssl-dev pkg-config >/dev/null 2>&1 \
      || { apt-get update >/dev/null && apt-get install -y libssl-dev pkg-config >/dev/null; }
  else
    echo "note: OpenSSL headers or pkg-config missing (apt-get install libssl-dev pkg-config)" >&2
  fi
fi

# One crypto provider in the default build: reqwest's `rustls` brings aws-lc-rs; ring would
# be a second one (ureq and the Redis store bring it, behind `blocking` and `redis`).
if providers=$(cargo tree -p zoom-live-stream -e normal --locked --prefix none 2>&1); then
  providers=$(grep -oE '^(ring|aws-lc-rs) v' <<<"$providers" | sed 's/ v$//' | sort -u | paste -sd' ' -)
  if [ "$(wc -w <<<"$providers")" -eq 1 ]; then
    echo "ok   providers: zoom-live-stream's default tree has one crypto provider ($providers)"
  else
    echo "FAIL providers: zoom-live-stream's default tree has ${providers:-no provider}, not exactly one of ring and aws-lc-rs"
    failed=1
  fi
else
  echo "FAIL providers: cargo tree failed: $(grep -m1 '^error' <<<"$providers" || tail -n 1 <<<"$providers")"
  failed=1
fi

for program in reqwest-default reqwest-no-default reqwest-native-tls; do
  manifest=ci/codeps/$program/Cargo.toml
  log=$CARGO_TARGET_DIR/$program.log
  mkdir -p "$CARGO_TARGET_DIR"
  if ! cargo build --quiet --locked --manifest-path "$manifest" >"$log" 2>&1; then
    echo "FAIL $program: does not build: $(grep -m1 -E '^error' "$log" || tail -n 1 "$log")"
    failed=1
    continue
  fi
  binary=$CARGO_TARGET_DIR/debug/codeps-$program
  # Loopback only; no proxy may stand in between.
  if env -u HTTP_PROXY -u http_proxy -u HTTPS_PROXY -u https_proxy -u ALL_PROXY -u all_proxy \
      timeout 120 "$binary" >"$log" 2>&1; then
    echo "ok   $program: $(tr '\n' ';' <"$log" | sed "s/$program: //g; s/;$//; s/;/; /g")"
  else
    status=$?
    why=$(grep -m1 -A1 'panicked' "$log" | tr '\n' ' ')
    echo "FAIL $program (exit $status): ${why:-$(tail -n 1 "$log")}"
    failed=1
  fi
done

exit $failed
