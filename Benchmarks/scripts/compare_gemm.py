#!/usr/bin/env python3
"""Runs gemm-bench and numpy (OpenBLAS at its best kernel) alternately in one session and prints, per
shape and thread count, the median GFLOPS of each, our percentage of the machine's measured FMA peak,
and the ratio (ours / numpy; above 1 means SwiftLearn is faster).

    swift build -c release -Xswiftc -target-cpu -Xswiftc native --product gemm-bench
    flock -x /tmp/swiftlearn-cpu.lock python3 Benchmarks/scripts/compare_gemm.py .build/release/gemm-bench \\
        [--quick] [--rounds N] [--double] [--only LABEL|MxNxK[,...]] [--threads 1,2] [--baseline OLD_BENCH]

For each thread count it alternates the two programs `--rounds` times (default 2) and keeps, per shape,
the median of each program's medians, so a burst of background load hits both sides alike. The numpy
command alone runs under `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE`: this machine's environment pins
OpenBLAS to its AVX2 (Haswell) kernel, and the honest reference is its best kernel (SkylakeX on AVX-512),
which the script prints as threadpoolctl reports it. `--double` compares DGEMM with numpy's float64.
`--baseline OLD_BENCH` runs a second gemm-bench binary (an earlier build) in the same alternation, for A/B
measurements of a change, and adds its median and its ratio to numpy as two more columns.
"""
import datetime, json, os, statistics, subprocess, sys

def run(cmd, env):
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]

def option(name, default=None):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default

def main():
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        sys.exit(__doc__)
    bench = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    passthrough = [flag for flag in ("--quick", "--double") if flag in sys.argv]
    if option("--only"):
        passthrough += ["--only", option("--only")]
    rounds = int(option("--rounds", "2"))
    baseline = option("--baseline")
    thread_counts = [int(t) for t in option("--threads", f"1,{os.cpu_count()}").split(",")]
    unpinned = ["env", "-u", "OPENBLAS_CORETYPE", "-u", "OPENBLAS_L2_SIZE"]
    results, peaks, kernels = {}, {}, set()
    print(f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.2f} at start")
    for threads in thread_counts:
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), SWIFTLEARN_NUM_THREADS=str(threads))
        for _ in range(rounds):
            programs = [("swiftlearn", [bench, "--json", "--threads", str(threads)] + passthrough),
                        ("numpy", unpinned + [sys.executable, os.path.join(here, "numpy_gemm.py")] + passthrough)]
            if baseline:
                programs.insert(0, ("baseline", [baseline, "--json", "--threads", str(threads)] + passthrough))
            for impl, cmd in programs:
                for row in run(cmd, env):
                    if "peak_gflops" in row:
                        if impl == "baseline":
                            continue
                        peaks.setdefault(row["threads"], []).append(row["peak_gflops"])
                        continue
                    if "blas_kernel" in row:
                        kernels.add(f"{row['blas_kernel']} (numpy {row['numpy']})")
                        continue
                    if row["threads"] != threads:
                        continue
                    key = (row["m"], row["n"], row["k"], row["transA"], row["transB"], threads)
                    results.setdefault(key, {}).setdefault(impl, []).append(row["gflops"])
    print(f"load average {os.getloadavg()[0]:.2f} at end; numpy's BLAS: {'; '.join(sorted(kernels))}")
    scale = 0.5 if "--double" in sys.argv else 1.0
    for threads in thread_counts:
        peak = statistics.median(peaks[threads]) * scale
        print(f"FMA peak ({'FP64' if scale < 1 else 'FP32'}), {threads} thread(s): {peak:.1f} GFLOPS (median of {len(peaks[threads])} runs)")
    print(f"{'m x n x k':>16} {'op':>4} {'thr':>3} {'SwiftLearn':>10} {'% peak':>7} {'numpy':>8} {'% peak':>7} {'ratio':>6}"
          + (f" {'baseline':>8} {'ratio':>6}" if baseline else ""))
    def order(key):
        m, n, k, _, _, threads = key
        return (threads, 0 if m == n == k else 1, m * n * k if m == n == k else (m, n, k))
    for key in sorted(results, key=order):
        m, n, k, ta, tb, threads = key
        if "swiftlearn" not in results[key] or "numpy" not in results[key]:
            continue
        ours = statistics.median(results[key]["swiftlearn"])
        theirs = statistics.median(results[key]["numpy"])
        peak = statistics.median(peaks[threads]) * scale
        op = ("A'" if ta else "A") + ("B'" if tb else "B")
        print(f"{f'{m}x{n}x{k}':>16} {op:>4} {threads:>3} {ours:>10.1f} {100 * ours / peak:>6.1f}% "
              f"{theirs:>8.1f} {100 * theirs / peak:>6.1f}% {ours / theirs:>6.2f}", end="")
        if baseline and "baseline" in results[key]:
            old = statistics.median(results[key]["baseline"])
            print(f" {old:>8.1f} {old / theirs:>6.2f}", end="")
        print()

if __name__ == "__main__":
    main()
