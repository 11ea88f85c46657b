#!/usr/bin/env bash
# Instructions per call, SDK against the raw clients, with callgrind:
#
#     bench/callgrind.sh [N]          (default N = 500)
#
# Rows: the SDK's async client against raw reqwest with a status check (`reqwest`) and
# against the bare reqwest call issue 23's independent harness measured (`reqwest-bare`);
# the facade's async client (`sdk-facade`) against the bare one; the blocking client
# against raw ureq.
#
# For each client, runs the `versus_raw` bench binary under callgrind for N and for 2N
# sequential calls (server included, in the same process) and reports
# (Ir(2N) - Ir(N)) / N: the setup (runtime, server, client, first connection) cancels
# out. Needs valgrind. The numbers are instructions, not time: stable from run to run.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-500}
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }

bin=$(cargo bench -p zoom-testkit --bench versus_raw --no-run 2>&1 |
    sed -n 's/.*Executable .*(\(.*versus_raw-[0-9a-f]*\)).*/\1/p' | tail -n 1)
[ -x "$bin" ] || { echo "could not find the versus_raw bench binary" >&2; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Total instructions of one run of `$bin calls <client> <n>`.
ir() {
    valgrind --tool=callgrind --callgrind-out-file="$out/$1-$2.out" "$bin" calls "$1" "$2" \
        >/dev/null 2>"$out/$1-$2.log"
    sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out/$1-$2.out"
}

per_call() {
    local small big
    small=$(ir "$1" "$N")
    big=$(ir "$1" $((2 * N)))
    echo $(((big - small) / N))
}

sdk_async=$(per_call sdk-async)
sdk_facade=$(per_call sdk-facade)
raw_reqwest=$(per_call reqwest)
bare_reqwest=$(per_call reqwest-bare)
sdk_blocking=$(per_call sdk-blocking)
raw_ureq=$(per_call ureq)

printf '%-28s %10s %10s %10s %8s\n' "instructions per call" SDK raw extra extra%
row() {
    printf '%-28s %10d %10d %+10d %+7.1f%%\n' "$1" "$2" "$3" $(($2 - $3)) \
        "$(echo "100 * ($2 - $3) / $3" | bc -l)"
}
row "async (reqwest)" "$sdk_async" "$raw_reqwest"
row "async, bare reqwest" "$sdk_async" "$bare_reqwest"
row "facade, bare reqwest" "$sdk_facade" "$bare_reqwest"
row "blocking (ureq)" "$sdk_blocking" "$raw_ureq"
