#!/usr/bin/env python3
"""numpy side of compare_tensor.py: the ops of issue 16's table, one JSON line per (dtype, op, size).

    python3 Benchmarks/scripts/numpy_tensor.py [--quick] [--min-seconds S] [--dtype float32|float64] [--sizes 1000,100000] [--op NAME]
    python3 Benchmarks/scripts/numpy_tensor.py --serve [--quick] [--min-seconds S]   (requests on stdin, as tensor-bench)

Same shapes, value ranges and timing rule as `tensor-bench --vs-numpy`: max(1, 2e6 / size) calls per sample (~2 ms
at 1e3 and 1e5, one call at 1e7) after a warm-up sample, samples until at least 9 (5 with --quick) and at least
0.1 s (0.03 s with --quick, or --min-seconds) of timed calls, median seconds per call, every call allocating its
result. `--serve` answers `ops DTYPE SIZE` (the op names, a JSON array) and `time DTYPE SIZE THREADS OP` (one
JSON line) per stdin line, keeping the last (dtype, size)'s inputs, so compare_tensor.py can alternate per cell.
"""
import json, sys, time
import numpy as np


def shape_of(size):
    return (size // 1000, 1000) if size >= 100_000 else (size // 100, 100)


def ops(dtype, size):
    rows, columns = shape_of(size)
    rng = np.random.default_rng(1)
    a = rng.uniform(-3, 3, (rows, columns)).astype(dtype)
    b = rng.uniform(0.5, 3, (rows, columns)).astype(dtype)
    row = rng.uniform(-3, 3, columns).astype(dtype)
    column = rng.uniform(-3, 3, (rows, 1)).astype(dtype)
    data = (np.arange(size, dtype=np.int64) * 37 % 256).astype(np.uint8).reshape(rows, columns)
    order = (np.arange(rows) * 7919) % rows
    scale = dtype(255)

    def softmax(x):
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    table = [
        ("a + b", lambda: a + b),
        ("a * 2.5", lambda: a * dtype(2.5)),
        ("a / b", lambda: a / b),
        ("pow 2", lambda: a ** 2),
        ("clip", lambda: np.clip(a, -1, 1)),
        ("relu", lambda: np.maximum(a, 0)),
        ("maximum(a, 0)", lambda: np.maximum(a, 0)),
        ("exp", lambda: np.exp(a)),
        ("log", lambda: np.log(b)),
        ("tanh", lambda: np.tanh(a)),
        ("sqrt", lambda: np.sqrt(b)),
        ("sigmoid", lambda: 1 / (1 + np.exp(-a))),
        ("softmax(axis 1)", lambda: softmax(a)),
        ("[N,M] + [M]", lambda: a + row),
        ("[N,M] * [N,1]", lambda: a * column),
        ("sum", lambda: a.sum()),
        ("mean", lambda: a.mean()),
        ("sum(axis 1)", lambda: a.sum(axis=1)),
        ("max(axis 1)", lambda: a.max(axis=1)),
        ("sum(axis 0)", lambda: a.sum(axis=0)),
        ("mean(axis 0)", lambda: a.mean(axis=0)),
        ("argmax(axis 1)", lambda: a.argmax(axis=1)),
        ("std()", lambda: a.std()),
        ("var(axis 0)", lambda: a.var(axis=0)),
        ("transpose copy", lambda: a.T.copy()),
        ("concat", lambda: np.concatenate([a, b], axis=0)),
        ("gathering rows", lambda: a[order]),
        (f"uint8 -> {np.dtype(dtype).name} / 255", lambda: data.astype(dtype) / scale),
    ]
    if dtype is np.float32:
        table.append(("float32 -> float64", lambda: a.astype(np.float64)))
    return table


def seconds_per_call(rule, size, body):
    minimum_samples, minimum_seconds = rule
    calls = max(1, 2_000_000 // size)
    for _ in range(calls):
        body()
    results = []
    begin = time.perf_counter()
    while len(results) < minimum_samples or time.perf_counter() - begin < minimum_seconds:
        start = time.perf_counter()
        for _ in range(calls):
            body()
        results.append((time.perf_counter() - start) / calls)
        if len(results) >= 100_000:
            break
    results.sort()
    return results[len(results) // 2], len(results)


def line(dtype, op, size, timing):
    seconds, samples = timing
    return json.dumps({"impl": "numpy", "dtype": dtype, "op": op, "size": size, "threads": 1,
                       "seconds": seconds, "samples": samples})


def serve(rule):
    cached_key, cached = None, None
    for request in sys.stdin:
        words = request.rstrip("\n").split(" ", 4)
        try:
            if words[0] in ("ops", "time") and (words[1], int(words[2])) != cached_key:
                cached_key, cached = None, None
                cached_key = (words[1], int(words[2]))
                cached = dict(ops(np.float32 if words[1] == "float32" else np.float64, int(words[2])))
            if words[0] == "ops" and len(words) == 3:
                print(json.dumps(list(cached)), flush=True)
            elif words[0] == "time" and len(words) == 5:
                print(line(words[1], words[4], int(words[2]), seconds_per_call(rule, int(words[2]), cached[words[4]])),
                      flush=True)
            else:
                raise ValueError(request)
        except (ValueError, KeyError, IndexError):
            print(json.dumps({"error": "bad request"}), flush=True)


def main():
    args = sys.argv[1:]
    value = lambda flag: args[args.index(flag) + 1] if flag in args and args.index(flag) + 1 < len(args) else None
    rule = (5, 0.03) if "--quick" in args else (9, 0.1)
    if value("--min-seconds"):
        rule = (rule[0], float(value("--min-seconds")))
    if "--serve" in args:
        serve(rule)
        return
    sizes = [int(s) for s in value("--sizes").split(",")] if value("--sizes") else [1000, 100_000, 10_000_000]
    dtypes = [value("--dtype")] if value("--dtype") else ["float32", "float64"]
    only = value("--op")
    for name in dtypes:
        dtype = np.float32 if name == "float32" else np.float64
        for size in sizes:
            for op, body in ops(dtype, size):
                if only is not None and op != only:
                    continue
                print(line(name, op, size, seconds_per_call(rule, size, body)), flush=True)


if __name__ == "__main__":
    main()
