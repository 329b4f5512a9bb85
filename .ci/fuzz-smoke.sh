#!/usr/bin/env bash
# CI stage: builds every libFuzzer target in Tests/Fuzz (swiftc -sanitize=fuzzer,address) and runs each for a
# few seconds from the seed corpus (test fixtures + Tests/Fuzz/Corpus), so a decoder regression that traps,
# reads out of bounds, hangs or allocates without bound fails CI. Installs nothing.
#
#   .ci/fuzz-smoke.sh            FUZZ_SMOKE_SECONDS (default 4) per target
#
# Exit status: non-zero when a target crashed or failed to build. Crash inputs are printed in base64
# (libFuzzer's "Base64:" line) and kept in the printed folder.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${FUZZ_SMOKE_SECONDS:-4}"

command -v swiftc >/dev/null || { echo "fuzz-smoke: swiftc not found on PATH"; exit 2; }
work="$(mktemp -d "${TMPDIR:-/tmp}/swiftlearn-fuzz-smoke.XXXXXX")"

start=$SECONDS
status=0
FUZZ_BUILD="$work" "$repo/Tests/Fuzz/run.sh" "$seconds" || status=$?
echo "fuzz-smoke: finished in $((SECONDS - start)) s with status $status"
if [ "$status" -ne 0 ]; then
    for log in "$work"/logs/*.replay.log "$work"/logs/*.fuzz.log; do
        grep -q -E 'ERROR: |deadly signal|Fatal error' "$log" 2>/dev/null || continue
        echo "---- $(basename "$log")"
        grep -E 'ERROR: |Fatal error|SUMMARY|Base64:|Test unit written' "$log" | head -20
    done
    echo "fuzz-smoke: build folder with crash inputs kept at $work"
    exit "$status"
fi
rm -rf "$work"
