#!/usr/bin/env bash
# CI stage: the test suite under ThreadSanitizer, which must report nothing.
#
#   .ci/tsan.sh                   every test (about 2 minutes of tests after a 2-4 minute build on 2 cores)
#   TSAN_FILTER='Generator|Locked|Determinism' .ci/tsan.sh      a subset (swift test --filter syntax)
#
# First it checks that the sanitizer can see what the suite relies on: a small program racing on a counter
# must get a report, and the same program taking SwiftLearnSystem.Locked around the counter must get none.
# (Synchronization.Mutex fails the second half on Linux: it is built on raw futex calls TSan cannot see, so
# every value it guards is reported as a race. That is why every module locks with Locked, a pthread mutex.)
# Then it builds and runs the tests with `swift test --sanitize=thread` in its own scratch folder
# (TSAN_BUILD, default $TMPDIR/swiftlearn-tsan), and fails on a test failure or on any TSan report.
#
# Exit status: 0 clean, 1 a report or a failing test, 2 the sanitizer itself does not work here.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
scratch="${TSAN_BUILD:-${TMPDIR:-/tmp}/swiftlearn-tsan}"
filter="${TSAN_FILTER:-}"
mkdir -p "$scratch"
start=$SECONDS

# MARK: - Self-check: TSan sees a race, and sees Locked as synchronization.
canary="$scratch/canary"
mkdir -p "$canary"
cat > "$canary/main.swift" <<'EOF'
import Dispatch
final class Counter: @unchecked Sendable { var value = 0 }
let counter = Counter()
let lock = Locked(())
let guarded = CommandLine.arguments.dropFirst().first == "locked"
DispatchQueue.concurrentPerform(iterations: 8) { _ in
    for _ in 0..<20_000 {
        if guarded { lock.withLock { _ in counter.value += 1 } } else { counter.value += 1 }
    }
}
print(counter.value)
EOF
if ! swiftc -sanitize=thread -g -module-name Canary "$repo/Sources/SwiftLearnSystem/Locked.swift" "$canary/main.swift" \
        -o "$canary/canary" > "$canary/build.log" 2>&1; then
    cat "$canary/build.log"
    echo "tsan: cannot build the canary with -sanitize=thread"
    exit 2
fi
reports() { grep -c 'WARNING: ThreadSanitizer' "$1" || true; }
"$canary/canary" racy > "$canary/racy.log" 2>&1 || true
"$canary/canary" locked > "$canary/locked.log" 2>&1 || true
if [ "$(reports "$canary/racy.log")" -eq 0 ]; then
    echo "tsan: the sanitizer did not report an unsynchronized counter; its reports cannot be trusted here"
    exit 2
fi
if [ "$(reports "$canary/locked.log")" -ne 0 ]; then
    grep -A20 -m1 'WARNING: ThreadSanitizer' "$canary/locked.log"
    echo "tsan: the sanitizer reports a counter guarded by Locked; it does not see the lock"
    exit 2
fi
echo "tsan: self-check passed (a race is reported: $(reports "$canary/racy.log") reports; Locked is seen: 0 reports)"

# MARK: - The suite.
cd "$repo"
swift build --build-tests --sanitize=thread --scratch-path "$scratch/build" > "$scratch/build.log" 2>&1 || {
    tail -50 "$scratch/build.log"
    echo "tsan: build failed"
    exit 1
}
echo "tsan: built in $((SECONDS - start)) s"
test_arguments=(--skip-build --sanitize=thread --scratch-path "$scratch/build")
[ -n "$filter" ] && test_arguments+=(--filter "$filter")
status=0
# halt_on_error=0: collect every report of the run rather than stopping at the first.
TSAN_OPTIONS="halt_on_error=0${TSAN_OPTIONS:+:$TSAN_OPTIONS}" swift test "${test_arguments[@]}" > "$scratch/test.log" 2>&1 || status=$?
count=$(reports "$scratch/test.log")
grep -E 'Executed [0-9]+ tests' "$scratch/test.log" | tail -1
if [ "$count" -ne 0 ]; then
    grep -E 'WARNING: ThreadSanitizer|SUMMARY: ThreadSanitizer' "$scratch/test.log" | sort | uniq -c | head -20
    echo "tsan: $count report(s); the full log is $scratch/test.log"
    exit 1
fi
if [ "$status" -ne 0 ]; then
    grep -E 'error: |failed' "$scratch/test.log" | head -20
    echo "tsan: tests failed under the sanitizer (exit $status); the full log is $scratch/test.log"
    exit 1
fi
echo "tsan: no reports, tests passed, $((SECONDS - start)) s in all"
