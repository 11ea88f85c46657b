#!/usr/bin/env bash
# The public API of every published library, as text: api/<crate>.txt, one item per line
# (cargo-public-api on nightly rustdoc JSON, all features, blanket/auto impls omitted).
#   ci/public-api.sh          fail when the API differs from api/*.txt (CI)
#   ci/public-api.sh --bless  rewrite api/*.txt after an API change you mean
# An API change then shows in review as a diff of api/*.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

crates=(zoom-core zoom-autopilot zoom-transport-reqwest zoom-transport-ureq zoom-testkit zoom-store-redis zoom-live-stream)
[ -d zoom-webhook ] && crates+=(zoom-webhook)

version=0.52.0
if ! cargo public-api --version 2>/dev/null | grep -q "$version"; then
  echo "installing cargo-public-api $version (once)"
  cargo install --locked --quiet cargo-public-api --version "$version"
fi
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "ci/public-api.sh needs the nightly toolchain (rustdoc JSON): rustup toolchain install nightly" >&2
  exit 1
fi

mkdir -p api
status=0
for crate in "${crates[@]}"; do
  listing=$(cargo public-api --package "$crate" --all-features -sss --color never 2>/dev/null) || {
    echo "cargo public-api failed for $crate:" >&2
    cargo public-api --package "$crate" --all-features -sss --color never >/dev/null || true
    exit 1
  }
  if [ "${1:-}" = "--bless" ]; then
    printf '%s\n' "$listing" >"api/$crate.txt"
    echo "api/$crate.txt: $(wc -l <"api/$crate.txt") lines"
  elif ! diff -u "api/$crate.txt" <(printf '%s\n' "$listing") >"/tmp/public-api-$crate.diff" 2>&1; then
    echo "the public API of $crate changed without api/$crate.txt (run ci/public-api.sh --bless and review the diff):" >&2
    cat "/tmp/public-api-$crate.diff" >&2
    status=1
  fi
done
exit $status
