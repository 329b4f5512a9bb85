#!/usr/bin/env python3
"""Runs linear-bench and scikit-learn's SGDClassifier side by side, alternating, and prints medians and ratios.

    swift build -c release -Xswiftc -target-cpu -Xswiftc native --product linear-bench
    python3 Benchmarks/scripts/compare_linear.py .build/release/linear-bench [--repeats N] [--threads T]

For 1 thread and then all cores (or only T threads) it runs the two programs twice each, alternating, and keeps the
median of each side's medians. The reference runs without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE so OpenBLAS picks its own kernel
(SGD's loops do not use BLAS; the kernel is printed for completeness).
"""
import json
import os
import statistics
import subprocess
import sys


def run(command, environment):
    output = subprocess.run(command, env=environment, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")][-1]


def main():
    bench = sys.argv[1]
    repeats = sys.argv[sys.argv.index("--repeats") + 1] if "--repeats" in sys.argv else "3"
    settings = [int(sys.argv[sys.argv.index("--threads") + 1])] if "--threads" in sys.argv else [1, os.cpu_count()]
    here = os.path.dirname(os.path.abspath(__file__))
    reference = os.path.join(here, "..", "LinearBench", "sklearn_reference.py")
    print(f"{'threads':>7} {'what':>22} {'SwiftLearn s':>13} {'scikit-learn s':>15} {'speed-up':>9}")
    for threads in settings:
        ours = {"epoch_seconds": [], "fit_max_iter_5_seconds": []}
        theirs = {"epoch_seconds": [], "fit_max_iter_5_seconds": []}
        swift_environment = dict(os.environ, SWIFTLEARN_NUM_THREADS=str(threads))
        python_environment = {key: value for key, value in os.environ.items()
                              if key not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
        python_environment["OPENBLAS_NUM_THREADS"] = str(threads)
        blas = ""
        for _ in range(2):
            row = run([bench, "--json", "--threads", str(threads), "--repeats", repeats], swift_environment)
            for key in ours:
                ours[key].append(row[key])
            row = run([sys.executable, reference, "--threads", str(threads), "--repeats", repeats], python_environment)
            blas = row["blas"]
            for key in theirs:
                theirs[key].append(row[key])
        for key, label in (("epoch_seconds", "one epoch (10 OvR)"), ("fit_max_iter_5_seconds", "fit, max_iter=5")):
            a, b = statistics.median(ours[key]), statistics.median(theirs[key])
            print(f"{threads:>7} {label:>22} {a:>13.3f} {b:>15.3f} {b / a:>8.1f}x")
        print(f"        (scikit-learn's BLAS: {blas})")


if __name__ == "__main__":
    main()
