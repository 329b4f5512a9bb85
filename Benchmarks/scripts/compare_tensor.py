#!/usr/bin/env python3
"""Issue 16's table: `tensor-bench --vs-numpy` against numpy, alternating cell by cell, ratio = numpy time / ours.

    swift build -c release -Xswiftc -target-cpu -Xswiftc native --product tensor-bench
    flock -x /tmp/swiftlearn-cpu.lock python3 Benchmarks/scripts/compare_tensor.py .build/release/tensor-bench \\
        [--quick] [--min-seconds 0.1] [--dtype float32|float64] [--sizes 1000,100000,10000000] [--op NAME]...
        [--rounds 2] [--repeat 1] [--all-threads] [--spread] [--baseline OLD_TENSOR_BENCH] [--save FILE]

Both sides run as long-lived `--serve` processes, `--rounds` of each (one pair per round, all started at once),
and every cell (dtype, op, size, our threads) is timed in every pair, ours and numpy's one after the other (the
order flips from pair to pair), before the next cell: a burst of background load or a slow process hits both
sides of a cell alike. Each side times a cell with the same rule (max(1, 2e6 / size) calls per sample, samples
until at least 9 and at least `--min-seconds`, default 0.1 s; median per call). A cell's figure per side is the
median of its rounds' medians. Our 2-thread column is measured at the largest size only (`--all-threads`: every
size). numpy's elementwise ops are single-threaded; it runs with OpenBLAS unpinned (OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE removed from its environment only), and the kernel threadpoolctl reports is printed. Above 1
means we are faster. With `--spread`, each cell also shows the lowest and highest per-round ratio. With
`--baseline`, an older build of tensor-bench joins every pair (the three alternate per cell) and a second table
gives each cell's medians in ms, old / new / numpy: the old-vs-new measurement for a change. `--repeat K` times
every cell K times in each pair before the next cell, the order flipping each time; a cell's figure is then the
median of rounds x K timings per side (with `--spread`, the range over those pairs). A cell at parity flips from
run to run with one timing per pair; ten alternations of the same cell show whether it is behind.
"""
import json, os, platform, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
UNPINNED = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def numpy_env():
    env = {k: v for k, v in os.environ.items() if k not in UNPINNED}
    env["OPENBLAS_NUM_THREADS"] = "1"
    return env


class Server:
    """One `--serve` process: a request line in, a JSON line out."""

    def __init__(self, cmd, env):
        self.process = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def ask(self, request):
        self.process.stdin.write(request + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if isinstance(answer, dict) and "error" in answer:
            raise RuntimeError(f"{request!r}: {answer}")
        return answer

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def describe_numpy():
    script = ("import numpy, threadpoolctl; info = [p for p in threadpoolctl.threadpool_info() if p.get('internal_api') == 'openblas'];"
              "print('numpy', numpy.__version__, '| OpenBLAS', info[0].get('version') if info else '?', 'kernel',"
              " info[0].get('architecture') if info else '?')")
    return subprocess.run([sys.executable, "-c", script], env=numpy_env(), capture_output=True, text=True).stdout.strip()


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    bench = args[0]
    value = lambda flag: args[args.index(flag) + 1] if flag in args else None
    timing = ["--quick"] if "--quick" in args else []
    if value("--min-seconds"):
        timing += ["--min-seconds", value("--min-seconds")]
    rounds = int(value("--rounds") or 2)
    repeats = int(value("--repeat") or 1)
    sizes = [int(s) for s in value("--sizes").split(",")] if value("--sizes") else [1000, 100_000, 10_000_000]
    dtypes = [value("--dtype")] if value("--dtype") else ["float32", "float64"]
    if not set(dtypes) <= {"float32", "float64"}:
        # numpy reads "float" as float64: a loose name would time Double on both sides under another label.
        sys.exit(f"compare_tensor.py: --dtype {dtypes[0]!r}: expected float32 or float64")
    only = [args[i + 1] for i, flag in enumerate(args[:-1]) if flag == "--op"] or None
    print(f"# {time.strftime('%Y-%m-%d %H:%M %Z')} | load average {os.getloadavg()[0]:.2f} at start | "
          f"{platform.processor() or platform.machine()} | {describe_numpy()}")
    ours_env = dict(os.environ, SWIFTLEARN_NUM_THREADS="2")
    baseline = value("--baseline")
    pairs = [(Server([bench, "--vs-numpy", "--serve"] + timing, ours_env),
              Server([sys.executable, os.path.join(HERE, "numpy_tensor.py"), "--serve"] + timing, numpy_env()),
              Server([baseline, "--vs-numpy", "--serve"] + timing, ours_env) if baseline else None)
             for _ in range(rounds)]
    results = {}
    cell = 0
    for dtype in dtypes:
        for size in sizes:
            numpy_names = set(pairs[0][1].ask(f"ops {dtype} {size}"))
            names = [n for n in pairs[0][0].ask(f"ops {dtype} {size}") if n in numpy_names]
            for op in names:
                if only is not None and op not in only:
                    continue
                for threads in (1, 2) if (size == max(sizes) or "--all-threads" in args) else (1,):
                    for repeat in range(repeats):
                        for index, (ours, theirs, old) in enumerate(pairs):
                            sides = [("swiftlearn", ours), ("numpy", theirs)] + ([("baseline", old)] if old else [])
                            for impl, server in sides if (cell + index + repeat) % 2 == 0 else reversed(sides):
                                row = server.ask(f"time {dtype} {size} {threads} {op}")
                                results.setdefault((dtype, op, size, threads), {}).setdefault(impl, []).append(row["seconds"])
                    cell += 1
    for pair in pairs:
        for server in pair:
            if server:
                server.close()
    print(f"# load average {os.getloadavg()[0]:.2f} at end")
    if value("--save"):
        with open(value("--save"), "w") as handle:
            json.dump([{"dtype": k[0], "op": k[1], "size": k[2], "threads": k[3], "swiftlearn": v.get("swiftlearn"),
                        "numpy": v.get("numpy"), "baseline": v.get("baseline")} for k, v in results.items()], handle)
    if baseline:
        print(f"\nmedians in ms over {rounds} rounds x {repeats} repeats: baseline {baseline} / this build {bench} / numpy")
        print("| dtype | op | size | T | baseline | this | numpy | baseline / this |")
        print("|---|---|---|---|---|---|---|---|")
        for (dtype, op, size, threads), entry in results.items():
            old, new, reference = (statistics.median(entry[k]) * 1e3 for k in ("baseline", "swiftlearn", "numpy"))
            print(f"| {dtype} | {op} | {size:.0e} | {threads} | {old:.4g} | {new:.4g} | {reference:.4g} | {old / new:.3f} |")
    measured_sizes = sorted({k[2] for k in results})
    for dtype in sorted({k[0] for k in results}):
        ops = list(dict.fromkeys(k[1] for k in results if k[0] == dtype))
        columns = [(s, 1) for s in measured_sizes] + [(s, 2) for s in measured_sizes if any((dtype, o, s, 2) in results for o in ops)]
        header = " | ".join(f"{s:.0e} {t}T" for s, t in columns)
        timings = f"{rounds} rounds' medians" if repeats == 1 else f"{rounds} rounds x {repeats} repeats"
        print(f"\n{dtype}: ratio = numpy time / SwiftLearn time (median of {timings}; >1 = faster), T = our threads")
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
                text = f"{theirs / ours:.2f}"
                if "--spread" in args:
                    ratios = [t / o for o, t in zip(entry["swiftlearn"], entry["numpy"])]
                    text += f" ({min(ratios):.2f}-{max(ratios):.2f})"
                cells.append(text)
            print(f"| {op} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
