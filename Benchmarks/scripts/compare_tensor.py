#!/usr/bin/env python3
"""Issue 16's table: `tensor-bench --vs-numpy` against numpy, alternating in one run, ratio = numpy time / ours.

    swift build -c release -Xswiftc -target-cpu -Xswiftc native --product tensor-bench
    flock -x /tmp/swiftlearn-cpu.lock python3 Benchmarks/scripts/compare_tensor.py .build/release/tensor-bench \\
        [--quick] [--dtype float32|float64] [--sizes 1000,100000,10000000] [--op NAME] [--rounds 2] [--save FILE]

For each of our thread settings (1, then 2) it runs the two programs `--rounds` times in alternation and keeps,
per (dtype, op, size), the median of each side's medians, so a burst of background load hits both alike. numpy's
elementwise ops are single-threaded; it runs with OpenBLAS unpinned (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
removed from its environment only), and the kernel threadpoolctl reports is printed. Above 1 means we are faster.
"""
import json, os, platform, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
UNPINNED = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def numpy_env():
    env = {k: v for k, v in os.environ.items() if k not in UNPINNED}
    env["OPENBLAS_NUM_THREADS"] = "1"
    return env


def run(cmd, env):
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def describe_numpy():
    script = ("import numpy, threadpoolctl; info = [p for p in threadpoolctl.threadpool_info() if p.get('internal_api') == 'openblas'];"
              "print('numpy', numpy.__version__, '| OpenBLAS', info[0].get('version') if info else '?', 'kernel',"
              " info[0].get('architecture') if info else '?')")
    return subprocess.run([sys.executable, "-c", script], env=numpy_env(), capture_output=True, text=True).stdout.strip()


def main():
    args = sys.argv[1:]
    bench = args[0]
    value = lambda flag: args[args.index(flag) + 1] if flag in args else None
    passthrough = []
    for flag in ("--dtype", "--sizes", "--op"):
        if value(flag):
            passthrough += [flag, value(flag)]
    if "--quick" in args:
        passthrough.append("--quick")
    rounds = int(value("--rounds") or 2)
    print(f"# {time.strftime('%Y-%m-%d %H:%M %Z')} | load average {os.getloadavg()[0]:.2f} at start | "
          f"{platform.processor() or platform.machine()} | {describe_numpy()}")
    results = {}
    for threads in (1, 2):
        env = dict(os.environ, SWIFTLEARN_NUM_THREADS=str(threads))
        for _ in range(rounds):
            for impl, cmd, environment in (
                    ("swiftlearn", [bench, "--vs-numpy", "--threads", str(threads)] + passthrough, env),
                    ("numpy", [sys.executable, os.path.join(HERE, "numpy_tensor.py")] + passthrough, numpy_env())):
                for row in run(cmd, environment):
                    key = (row["dtype"], row["op"], row["size"], threads)
                    results.setdefault(key, {}).setdefault(impl, []).append(row["seconds"])
    print(f"# load average {os.getloadavg()[0]:.2f} at end")
    if value("--save"):
        with open(value("--save"), "w") as handle:
            json.dump([{"dtype": k[0], "op": k[1], "size": k[2], "threads": k[3],
                        "swiftlearn": v.get("swiftlearn"), "numpy": v.get("numpy")} for k, v in results.items()], handle)
    sizes = sorted({k[2] for k in results})
    for dtype in sorted({k[0] for k in results}):
        ops = list(dict.fromkeys(k[1] for k in results if k[0] == dtype))
        columns = [(s, 1) for s in sizes] + [(s, 2) for s in sizes if s == max(sizes)]
        header = " | ".join(f"{s:.0e} {t}T" for s, t in columns)
        print(f"\n{dtype}: ratio = numpy time / SwiftLearn time (median of medians; >1 = faster), T = our threads")
        print(f"| op | {header} |")
        print("|---|" + "---|" * len(columns))
        for op in ops:
            cells = []
            for size, threads in columns:
                entry = results.get((dtype, op, size, threads))
                if not entry or "swiftlearn" not in entry or "numpy" not in entry:
                    cells.append("-")
                    continue
                ours, theirs = statistics.median(entry["swiftlearn"]), statistics.median(entry["numpy"])
                cells.append(f"{theirs / ours:.2f}")
            print(f"| {op} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
