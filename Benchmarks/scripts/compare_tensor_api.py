#!/usr/bin/env python3
"""The Tensor API's conversions and copies against numpy, alternating in one run, as a ratio table.

    swift build -c release -Xswiftc -target-cpu -Xswiftc native --product tensor-api-bench
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 Benchmarks/scripts/compare_tensor_api.py \\
        .build/release/tensor-api-bench [--rounds 3] [--only op,op] [--sizes 1e3,1e5,1e7]

Shapes: 1e3 = [10, 100], 1e5 = [100, 1000], 1e7 = [10000, 1000] (float32 unless the op converts). For every
op and size, numpy and tensor-api-bench (a subprocess answering one request per line) take turns
`--rounds` times; each turn is the median of 7 timed samples, and the table keeps each side's median over
the turns. numpy runs these ops on one thread; SwiftLearn runs on 1 thread, and on 2 threads at 1e7.
ratio = numpy seconds / SwiftLearn seconds (above 1: SwiftLearn faster).
"""
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

SIZES = {"1e3": (10, 100), "1e5": (100, 1000), "1e7": (10000, 1000)}


def floats(rows, columns):
    return ((np.arange(rows * columns, dtype=np.int64) * 7919 % 1000).astype(np.float32) / 100 - 5).reshape(rows, columns)


def permutation(count):
    step = 7919 % max(1, count)
    while count > 1 and np.gcd(step, count) != 1:
        step += 1
    return (np.arange(count, dtype=np.int64) * step + 11) % max(1, count)


# op -> (description of ours, description of numpy's, builder returning numpy's call)
OPS = {
    "u8_to_f32": ("x.astype(Float.self)", "x.astype(np.float32)",
                  lambda r, c: (lambda x: lambda: x.astype(np.float32))((np.arange(r * c) * 7 + 3).astype(np.uint8).reshape(r, c))),
    "u8_to_f32_div255": ("x.astype(Float.self) / 255", "x.astype(np.float32) / 255",
                         lambda r, c: (lambda x: lambda: x.astype(np.float32) / 255)((np.arange(r * c) * 7 + 3).astype(np.uint8).reshape(r, c))),
    "u8_div_f32_255": ("x.astype(Float.self) / 255", "x / np.float32(255) (one pass)",
                       lambda r, c: (lambda x: lambda: x / np.float32(255))((np.arange(r * c) * 7 + 3).astype(np.uint8).reshape(r, c))),
    "f32_to_f64": ("x.astype(Double.self)", "x.astype(np.float64)", lambda r, c: (lambda x: lambda: x.astype(np.float64))(floats(r, c))),
    "f64_to_f32": ("x.astype(Float.self)", "x.astype(np.float32)",
                   lambda r, c: (lambda x: lambda: x.astype(np.float32))(floats(r, c).astype(np.float64))),
    "transpose": ("x.transposed()", "np.ascontiguousarray(x.T)", lambda r, c: (lambda x: lambda: np.ascontiguousarray(x.T))(floats(r, c))),
    "transpose_f64": ("x.transposed() (Double)", "np.ascontiguousarray(x.T) (float64)",
                      lambda r, c: (lambda x: lambda: np.ascontiguousarray(x.T))(floats(r, c).astype(np.float64))),
    "permute_021": ("x.permuted([0, 2, 1])", "np.ascontiguousarray(x.transpose(0, 2, 1))",
                    lambda r, c: (lambda x: lambda: np.ascontiguousarray(x.transpose(0, 2, 1)))(floats(r, c).reshape(r, c // 10, 10))),
    "concat_axis0": ("Tensor.concatenate([h, h], axis: 0)", "np.concatenate([h, h], 0)",
                     lambda r, c: (lambda h: lambda: np.concatenate([h, h], 0))(floats(r // 2, c))),
    "concat_axis1": ("Tensor.concatenate([h, h], axis: 1)", "np.concatenate([h, h], 1)",
                     lambda r, c: (lambda h: lambda: np.concatenate([h, h], 1))(floats(r, c // 2))),
    "gather_rows": ("x.gatheringRows(order)", "x[order]",
                    lambda r, c: (lambda x, o: lambda: x[o])(floats(r, c), permutation(r))),
    "rows_copy": ("x.rows(1..<n-1)", "x[1:-1].copy()", lambda r, c: (lambda x: lambda: x[1:-1].copy())(floats(r, c))),
    "rows_view": ("x.rowsView(1..<n-1)", "x[1:-1] (a view)", lambda r, c: (lambda x: lambda: x[1:-1])(floats(r, c))),
    "column_slice": ("x[.all, c/10..<c/2]", "x[:, c//10:c//2].copy()",
                     lambda r, c: (lambda x: lambda: x[:, c // 10:c // 2].copy())(floats(r, c))),
    "step_slice": ("x[.stride(by: 2), .stride(by: -1)]", "x[::2, ::-1].copy()",
                   lambda r, c: (lambda x: lambda: x[::2, ::-1].copy())(floats(r, c))),
    "where": ("Tensor.where(x .> 0, x, y)", "np.where(x > 0, x, y)",
              lambda r, c: (lambda x, y: lambda: np.where(x > 0, x, y))(floats(r, c), floats(r, c) * np.float32(0.5))),
    "mask_select": ("x[mask: x .> 0]", "x[x > 0]", lambda r, c: (lambda x: lambda: x[x > 0])(floats(r, c))),
}
# Rows that time the same Swift op against a different numpy spelling.
SWIFT_OP = {"u8_div_f32_255": "u8_to_f32_div255"}


def measure(call):
    call()
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            call()
        if time.perf_counter() - start >= 0.002 or calls >= 1 << 20:
            break
        calls *= 2
    samples = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def main():
    args = sys.argv[1:]
    bench = args[0]
    rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 3
    only = args[args.index("--only") + 1].split(",") if "--only" in args else list(OPS)
    sizes = args[args.index("--sizes") + 1].split(",") if "--sizes" in args else list(SIZES)
    try:
        from threadpoolctl import threadpool_info
        kernels = ", ".join(f"{i.get('internal_api')} {i.get('architecture')}" for i in threadpool_info())
    except ImportError:
        kernels = "threadpoolctl not installed"
    print(f"numpy {np.__version__} ({kernels}); {time.strftime('%Y-%m-%d %H:%M:%S %Z')}; load {os.getloadavg()[0]:.2f}")
    swift = subprocess.Popen([bench], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def ours(op, rows, columns, threads):
        swift.stdin.write(f"{SWIFT_OP.get(op, op)} {rows} {columns} {threads}\n")
        swift.stdin.flush()
        answer = json.loads(swift.stdout.readline())
        if "error" in answer:
            raise SystemExit(answer["error"])
        return answer["seconds"]

    print(f"{'op':<18} {'size':>4} {'thr':>3} {'SwiftLearn us':>14} {'numpy us':>11} {'ratio':>6}   spellings")
    for op in only:
        mine, theirs, build = OPS[op]
        for size in sizes:
            rows, columns = SIZES[size]
            call = build(rows, columns)
            for threads in ([1, 2] if size == "1e7" else [1]):
                numpy_times, swift_times = [], []
                for _ in range(rounds):
                    numpy_times.append(measure(call))
                    swift_times.append(ours(op, rows, columns, threads))
                n, s = statistics.median(numpy_times), statistics.median(swift_times)
                print(f"{op:<18} {size:>4} {threads:>3} {s * 1e6:>14.2f} {n * 1e6:>11.2f} {n / s:>6.2f}   {mine} vs {theirs}",
                      flush=True)
    swift.stdin.close()
    swift.wait()
    print(f"end {time.strftime('%H:%M:%S')}; load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
