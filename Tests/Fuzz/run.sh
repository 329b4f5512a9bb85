#!/usr/bin/env bash
# Builds the libFuzzer targets in Tests/Fuzz/Targets with `swiftc -sanitize=fuzzer,address`
# (compiling the library modules' sources directly, no SwiftPM), seeds each corpus from the
# test fixtures and Tests/Fuzz/Corpus, runs every target for SECONDS with its dictionary
# (Tests/Fuzz/Dictionaries) and reports executions and crashes.
#
#   Tests/Fuzz/run.sh [SECONDS] [TARGET...]        default: 60 seconds, every target
#
# Environment: FUZZ_BUILD (build/work folder, default $TMPDIR/swiftlearn-fuzz), FUZZ_OPT (-O or -Onone,
# default -O), FUZZ_DETECT_LEAKS (1 to fail on LeakSanitizer reports), SWIFTC (compiler).
# Exit status: 0 when no target crashed, 1 when one did (crash inputs are kept in $FUZZ_BUILD/crashes/<target>/),
# 2 when a build failed.
set -u -o pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
seconds="${1:-60}"
shift || true
build="${FUZZ_BUILD:-${TMPDIR:-/tmp}/swiftlearn-fuzz}"
opt="${FUZZ_OPT:--O}"
swiftc="${SWIFTC:-swiftc}"
mkdir -p "$build/modules" "$build/bin" "$build/logs"

all_targets=()
for file in "$here"/Targets/*.swift; do all_targets+=("$(basename "$file" .swift)"); done
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

# MARK: - Modules (dependency order); rebuilt only when a source is newer than the object.
# Every library module under Sources/ except the umbrella, dependencies first, read from Package.swift.
modules=()
while IFS= read -r module; do modules+=("$module"); done < <(cd "$repo" && swift package describe --type json 2>/dev/null | python3 -c '
import json, sys
targets = {t["name"]: t for t in json.load(sys.stdin)["targets"]
           if t.get("type") == "library" and t["path"].startswith("Sources/SwiftLearn") and t["name"] != "SwiftLearn"}
done = []
def visit(name):
    if name in done or name not in targets: return
    for dependency in targets[name].get("target_dependencies") or []: visit(dependency)
    done.append(name)
for name in sorted(targets): visit(name)
print("\n".join(done))')
[ ${#modules[@]} -gt 0 ] || { echo "could not read the module list from Package.swift (swift package describe)"; exit 2; }

build_module() {
    local name="$1" object="$build/modules/$1.o"
    local sources=()
    while IFS= read -r -d '' file; do sources+=("$file"); done < <(find "$repo/Sources/$name" -name '*.swift' -print0 | sort -z)
    if [ -f "$object" ] && [ -z "$(find "$repo/Sources/$name" -name '*.swift' -newer "$object" | head -1)" ] \
        && [ -z "${rebuilt_dependency:-}" ]; then
        return 0
    fi
    echo "build  $name (${#sources[@]} files)"
    "$swiftc" -parse-as-library -swift-version 6 -module-name "$name" -package-name swiftlearn -wmo "$opt" -g \
        -sanitize=fuzzer,address -I "$build/modules" \
        -emit-module -emit-module-path "$build/modules/$name.swiftmodule" \
        -c "${sources[@]}" -o "$object" > "$build/logs/$name.build.log" 2>&1 || {
            cat "$build/logs/$name.build.log"; echo "FAILED to build $name"; exit 2; }
    rebuilt_dependency=1
}
for module in "${modules[@]}"; do build_module "$module"; done

objects=()
for module in "${modules[@]}"; do objects+=("$build/modules/$module.o"); done

# MARK: - Seeds: fixtures whose extension fits the target, plus the hand-made seeds in Corpus/<target>.
seed_patterns() {
    case "$1" in
        inflate)     echo '*.deflate *.zlib *.gz *.bin' ;;
        zip_npz)     echo '*.zip *.npz' ;;
        png)         echo '*.png' ;;
        jpeg)        echo '*.jpg *.jpeg' ;;
        idx)         echo '*-ubyte *.idx* *ubyte*' ;;
        npy)         echo '*.npy' ;;
        csv)         echo '*.csv *.tsv *.txt' ;;
        safetensors|model) echo '*.safetensors' ;;
        json)        echo '*.json' ;;
        *)           echo '' ;;
    esac
}

# MARK: - Dictionaries: the tokens of each input format (Dictionaries/<name>.dict), so mutations build
# structure (nesting, keys, magic numbers) instead of waiting for it byte by byte.
dictionary_for() {
    case "$1" in
        safetensors|model|json) echo "$here/Dictionaries/json.dict" ;;
        *) echo "$here/Dictionaries/$1.dict" ;;
    esac
}

status=0
summary=()
for target in "${targets[@]}"; do
    source_file="$here/Targets/$target.swift"
    [ -f "$source_file" ] || { echo "no such target: $target (have: ${all_targets[*]})"; exit 2; }
    binary="$build/bin/$target"
    if [ ! -x "$binary" ] || [ "$source_file" -nt "$binary" ] || [ -n "${rebuilt_dependency:-}" ] \
        || [ -n "$(find "$here/Support" -name '*.swift' -newer "$binary" | head -1)" ]; then
        echo "build  fuzz target $target"
        "$swiftc" -parse-as-library -swift-version 6 -package-name swiftlearn "$opt" -g -sanitize=fuzzer,address -I "$build/modules" \
            "$source_file" "$here"/Support/*.swift "${objects[@]}" -o "$binary" > "$build/logs/$target.build.log" 2>&1 || {
                grep -v 'Cannot export local symbol' "$build/logs/$target.build.log"; echo "FAILED to build $target"; exit 2; }
    fi

    corpus="$build/corpus/$target"
    crashes="$build/crashes/$target"
    mkdir -p "$corpus" "$crashes"
    [ -d "$here/Corpus/$target" ] && cp -n "$here/Corpus/$target"/* "$corpus"/ 2>/dev/null
    for pattern in $(seed_patterns "$target"); do
        find "$repo/Tests" -path '*/Fuzz/*' -prune -o -type f -name "$pattern" -size -2M -print 2>/dev/null |
            while IFS= read -r seed; do cp -n "$seed" "$corpus/$(basename "$(dirname "$seed")")_$(basename "$seed")"; done
    done

    # Replay the inputs earlier campaigns found (kept as regression tests) with leak detection on.
    regressions="$repo/Tests/SwiftLearnRobustnessTests/Fixtures/fuzz/$target"
    if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
        if ! "$binary" -detect_leaks=1 -timeout="${FUZZ_TIMEOUT:-25}" -rss_limit_mb=1536 -malloc_limit_mb=256 \
            "$regressions"/* > "$build/logs/$target.replay.log" 2>&1; then
            status=1
            echo "CRASH  $target: a regression input fails again — see $build/logs/$target.replay.log"
            grep -m5 -E 'ERROR: |Fatal error|SUMMARY|Running: ' "$build/logs/$target.replay.log"
        fi
    fi

    dictionary="$(dictionary_for "$target")"
    dictionary_option=()
    [ -f "$dictionary" ] && dictionary_option=(-dict="$dictionary")

    log="$build/logs/$target.fuzz.log"
    # -malloc_limit_mb: a single allocation beyond 256 MB on a small input is an unbounded allocation from a header.
    # -timeout: an input that takes longer than FUZZ_TIMEOUT (25) s is a hang (ASan and coverage slow decoding ~5x).
    # Leak checking is off by default (FUZZ_DETECT_LEAKS=1 turns it on): it stops the campaign at the first leak.
    ASAN_OPTIONS="detect_leaks=${FUZZ_DETECT_LEAKS:-0}${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
    "$binary" "$corpus" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-25}" -rss_limit_mb=1536 -malloc_limit_mb=256 \
        -detect_leaks="${FUZZ_DETECT_LEAKS:-0}" \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$crashes/" "${dictionary_option[@]}" > "$log" 2>&1
    code=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    artifacts=$(find "$crashes" -type f | wc -l)
    if [ "$code" -ne 0 ]; then
        status=1
        echo "CRASH  $target: exit $code after ${runs:-?} executions — see $log; inputs in $crashes"
        grep -m5 -E 'ERROR: |Fatal error|SUMMARY|deadly signal|Test unit written' "$log"
    fi
    summary+=("$(printf '%-12s %6ss  %10s executions  %s crash input(s) kept' "$target" "$seconds" "${runs:-?}" "$artifacts")")
done

echo "---- fuzz summary"
printf '%s\n' "${summary[@]}"
exit $status
