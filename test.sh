#!/usr/bin/env bash
# Every test of the workspace, on a fresh machine: `./test.sh` (extra arguments go to
# `cargo test`, e.g. `./test.sh -p zoom-store-redis`).
#
# The store tests need a real Redis. With ZOOM_TEST_REDIS_URL set, that one is used and
# nothing is started. Otherwise this script starts its own `redis-server` on a free loopback
# port, without persistence, and stops it on every exit (success, failure, Ctrl-C, kill);
# it never touches a Redis it did not start. When `redis-server` is missing it installs it
# from Debian's packages (as root, or with password-less sudo); where it cannot, it stops at
# once, before compiling anything, saying what to install.
#
# A script rather than `cargo xtask test`: Redis is a system package, and this must stop
# before anything compiles when it cannot be had, which an xtask (itself compiled first)
# cannot do.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf 'test.sh: %s\n' "$*" >&2; }

need_redis() {
  [ -z "${ZOOM_TEST_REDIS_URL:-}" ] || return 0
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo="none"; fi
  fi
  if [ "$sudo" = none ] || ! command -v apt-get >/dev/null 2>&1; then
    say "the tests need Redis: install redis-server (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis), or set ZOOM_TEST_REDIS_URL=redis://127.0.0.1:PORT"
    exit 1
  fi
  say "installing redis-server from Debian's packages"
  # shellcheck disable=SC2086 # $sudo is empty or one word.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q redis-server >/dev/null 2>&1 \
    || { DEBIAN_FRONTEND=noninteractive $sudo apt-get update -q >/dev/null \
      && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q redis-server >/dev/null; } \
    || { say "could not install redis-server with apt-get: install it by hand, or set ZOOM_TEST_REDIS_URL"; exit 1; }
  # Debian starts the packaged service on 6379; it is not ours and the tests never use it.
}

REDIS_PID=""
REDIS_DIR=""
stop_redis() {
  if [ -n "$REDIS_PID" ]; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=""
  fi
  if [ -n "$REDIS_DIR" ]; then rm -rf "$REDIS_DIR"; REDIS_DIR=""; fi
}

start_redis() {
  REDIS_DIR="$(mktemp -d)"
  local port _attempt
  for _attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$(( 20000 + RANDOM % 40000 ))
    # A background job of a script ignores SIGINT: the EXIT trap stops it.
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$REDIS_DIR" \
      --daemonize no --loglevel warning >"$REDIS_DIR/log" 2>&1 &
    REDIS_PID=$!
    for _ in $(seq 50); do
      # Ours, not another server that happened to hold the port.
      if redis-cli -p "$port" info server 2>/dev/null | tr -d '\r' | grep -qx "process_id:$REDIS_PID"; then
        export ZOOM_TEST_REDIS_URL="redis://127.0.0.1:$port"
        say "Redis for the tests: $ZOOM_TEST_REDIS_URL (pid $REDIS_PID, stopped on exit)"
        return 0
      fi
      kill -0 "$REDIS_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=""
  done
  say "Redis could not start:"; cat "$REDIS_DIR/log" >&2
  exit 1
}

need_redis
trap stop_redis EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if [ -z "${ZOOM_TEST_REDIS_URL:-}" ]; then
  start_redis
else
  say "Redis for the tests: ZOOM_TEST_REDIS_URL=$ZOOM_TEST_REDIS_URL (yours; not started or stopped here)"
fi

# --no-fail-fast: a failing test binary does not hide the ones after it.
cargo test --workspace --locked --no-fail-fast "$@"
