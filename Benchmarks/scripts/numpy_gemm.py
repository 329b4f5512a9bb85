#!/usr/bin/env python3
"""numpy (OpenBLAS) SGEMM throughput on gemm-bench's shapes, same methodology: median GFLOPS of
timed batches of calls (about 0.2 GFLOP per batch) after a warm-up. Prints the same JSON lines as
`gemm-bench --json`. Thread count: run under OPENBLAS_NUM_THREADS=1 and unset, as Benchmarks/run-gemm-comparison.sh does.

    OPENBLAS_NUM_THREADS=1 python3 Benchmarks/scripts/numpy_gemm.py [--quick]
"""
import json, os, sys, time
import numpy as np

def shapes():
    for s in (64, 128, 256, 512, 1024, 2048):
        yield s, s, s, False, False
    for batch in (32, 256):
        yield batch, 100, 784, False, False   # forward:      X (B x 784) @ W (784 x 100)
        yield 784, 100, batch, True, False    # weight grad:  X^T (784 x B) @ dY (B x 100)
        yield batch, 784, 100, False, True    # input grad:   dY (B x 100) @ W^T (100 x 784)
        yield batch, 10, 100, False, False    # head:         H (B x 100) @ W2 (100 x 10)

def main():
    samples = 5 if "--quick" in sys.argv else 11
    threads = int(os.environ.get("OPENBLAS_NUM_THREADS", os.cpu_count()))
    rng = np.random.default_rng(0)
    for m, n, k, ta, tb in shapes():
        a = rng.random((k, m) if ta else (m, k), dtype=np.float32) - 0.5
        b = rng.random((n, k) if tb else (k, n), dtype=np.float32) - 0.5
        opa = a.T if ta else a
        opb = b.T if tb else b
        c = np.empty((m, n), dtype=np.float32)
        flops = 2.0 * m * n * k
        calls = max(1, int(2e8 / flops))
        for _ in range(max(2, calls // 4)):
            np.matmul(opa, opb, out=c)
        rates = []
        for _ in range(samples):
            start = time.perf_counter()
            for _ in range(calls):
                np.matmul(opa, opb, out=c)
            rates.append(flops * calls / (time.perf_counter() - start) / 1e9)
        rates.sort()
        print(json.dumps({"m": m, "n": n, "k": k, "transA": ta, "transB": tb, "threads": threads,
                          "gflops": round(rates[len(rates) // 2], 1), "impl": "numpy"}), flush=True)

if __name__ == "__main__":
    main()
