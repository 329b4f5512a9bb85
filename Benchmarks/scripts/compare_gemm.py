#!/usr/bin/env python3
"""Runs gemm-bench and numpy (OpenBLAS) side by side, in the same session, and prints a ratio table.

    swift build -c release -Xswiftc -target-cpu -Xswiftc native --product gemm-bench
    python3 Benchmarks/scripts/compare_gemm.py .build/release/gemm-bench [--quick]

For each thread setting (1, then all cores) it alternates the two programs twice and keeps, per shape,
the median of each program's medians, so a burst of background load hits both sides alike.
"""
import json, os, subprocess, sys, statistics

def run(cmd, env):
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]

def main():
    bench = sys.argv[1]
    quick = ["--quick"] if "--quick" in sys.argv else []
    here = os.path.dirname(os.path.abspath(__file__))
    results = {}
    for threads in (1, os.cpu_count()):
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), SWIFTLEARN_NUM_THREADS=str(threads))
        for _ in range(2):
            for impl, cmd in (("swiftlearn", [bench, "--json", "--threads", str(threads)] + quick),
                              ("numpy", [sys.executable, os.path.join(here, "numpy_gemm.py")] + quick)):
                for row in run(cmd, env):
                    if row["threads"] != threads:
                        continue
                    key = (row["m"], row["n"], row["k"], row["transA"], row["transB"], threads)
                    results.setdefault(key, {}).setdefault(impl, []).append(row["gflops"])
    print(f"{'m x n x k':>18} {'op':>6} {'thr':>3} {'SwiftLearn':>11} {'numpy':>8} {'ratio':>6}")
    for key in sorted(results, key=lambda k: (k[5], k[0] * k[1] * k[2] if k[0] == k[1] == k[2] else 1e12 + k[0] * 1e6 + k[1] * 1e3 + k[2])):
        m, n, k, ta, tb, threads = key
        ours = statistics.median(results[key]["swiftlearn"])
        theirs = statistics.median(results[key]["numpy"])
        op = ("A'" if ta else "A") + ("B'" if tb else "B")
        print(f"{f'{m}x{n}x{k}':>18} {op:>6} {threads:>3} {ours:>11.1f} {theirs:>8.1f} {ours / theirs:>6.2f}")

if __name__ == "__main__":
    main()
