#!/usr/bin/env python3
"""numpy (OpenBLAS) GEMM throughput on gemm-bench's shapes, same methodology: median GFLOPS of
timed batches of calls (about 0.2 GFLOP per batch) after a warm-up. Prints the same JSON lines as
`gemm-bench --json`, after one line naming the BLAS kernel threadpoolctl reports.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 python3 Benchmarks/scripts/numpy_gemm.py [--quick] [--double] [--only LABEL|MxNxK[,...]]

Unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE in this command only (compare_gemm.py does): this machine's
environment pins OpenBLAS to its Haswell kernel, and the comparison is against its best one (SkylakeX here).
"""
import json, os, sys, time
import numpy as np

def shapes():
    for s in (64, 128, 256, 512, 1024, 2048):
        yield "square", s, s, s, False, False
    for batch in (32, 256):
        yield "mlp forward", batch, 100, 784, False, False       # X (B x 784) @ W (784 x 100)
        yield "mlp weight grad", 784, 100, batch, True, False    # X^T (784 x B) @ dY (B x 100)
        yield "mlp input grad", batch, 784, 100, False, True     # dY (B x 100) @ W^T (100 x 784)
        yield "mlp head", batch, 10, 100, False, False           # H (B x 100) @ W2 (100 x 10)
        yield "mlp head weight grad", 100, 10, batch, True, False  # H^T (100 x B) @ dZ (B x 10)
        yield "mlp head input grad", batch, 100, 10, False, True   # dZ (B x 10) @ W2^T (10 x 100)
    # The training step's per-core products for a 784-100 layer in two 50-column panels, batch 32.
    yield "panel forward", 50, 32, 784, False, True          # W_p^T (50 x 784) @ x^T (784 x 32)
    yield "panel weight grad", 50, 784, 32, True, False      # dz_p^T (50 x 32) @ x (32 x 784)
    # Both panels: gemm-bench runs them as two calls on the pool; numpy as one product.
    yield "panel pair forward", 100, 32, 784, False, True
    yield "panel pair weight grad", 100, 784, 32, True, False
    # The same at batch 256 (gemm-bench's "b256 panel" rows).
    yield "b256 panel forward", 50, 256, 784, False, True
    yield "b256 panel weight grad", 50, 784, 256, True, False
    yield "b256 panel pair forward", 100, 256, 784, False, True
    yield "b256 panel pair weight grad", 100, 784, 256, True, False
    # A 784-1000 layer's forward at batch 256, one of four column shares: B is 256 columns of a 784 x 1000
    # matrix (a strided view, rows 1000 apart, which numpy hands to BLAS with ldb = 1000).
    yield "b256 share forward", 256, 256, 784, False, False, 1000

def blas_kernel():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl missing)"
    infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return ", ".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')}" for i in infos) or "none"

def main():
    samples = 5 if "--quick" in sys.argv else 11
    dtype = np.float64 if "--double" in sys.argv else np.float32
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else None
    threads = int(os.environ.get("OPENBLAS_NUM_THREADS", os.cpu_count()))
    print(json.dumps({"blas_kernel": blas_kernel(), "numpy": np.__version__}), flush=True)
    rng = np.random.default_rng(0)
    for label, m, n, k, ta, tb, *ldb in shapes():
        if only and not any(f == f"{m}x{n}x{k}" or f in label for f in only):
            continue
        a = (rng.random((k, m) if ta else (m, k)) - 0.5).astype(dtype)
        b = (rng.random((n, k) if tb else (k, ldb[0] if ldb else n)) - 0.5).astype(dtype)[..., :k if tb else n]
        opa = a.T if ta else a
        opb = b.T if tb else b
        c = np.empty((m, n), dtype=dtype)
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
                          "dtype": np.dtype(dtype).name, "gflops": round(rates[len(rates) // 2], 1),
                          "impl": "numpy"}), flush=True)

if __name__ == "__main__":
    main()
