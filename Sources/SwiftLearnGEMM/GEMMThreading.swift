import Synchronization

/// When SGEMM uses more than one thread (the thread count itself is `Parallelism.threadCount`).
public enum GEMMThreading {
    private static let thresholdStorage = Atomic<Int>(1 << 17)

    /// Problems with fewer multiply-adds (`m * n * k`) than this run on one thread. The threads come from
    /// the persistent pool behind `Parallelism.run`, which hands a job to a spinning worker in about a
    /// microsecond, so the cutoff sits where a product is worth splitting at all: 2^17 (131,072). In
    /// `gemm-bench --threshold-sweep` on the 2-core development machine (2026-12-03 11:38 UTC, load 1.4, two
    /// runs), 2 threads against 1: 32x10x100 (32k) 1.0-1.2x, 128x10x100 (128k) 1.0-1.1x, 64x64x32 (131k)
    /// 1.2-1.3x, 64x64x48 1.5-1.6x, 200x10x100 1.2-1.3x, 256x10x100 1.1x, 64x64x64 1.5x; and with the cutoff at
    /// 2^17 instead of 2^18 the batch-256 MLP heads (256,000 multiply-adds) gain on 2 threads, 3 runs each:
    /// 256x10x100 57-58 -> 52-74 GFLOPS, 100x10x256 Aᵀ 87-88 -> 99-104, 256x100x10 Bᵀ 60-61 -> 59-83 (see
    /// Benchmarks/README.md). Splits go over blocks of C, never over k, so the cutoff changes speed, never results.
    public static var minimumParallelMultiplyAdds: Int {
        get { thresholdStorage.load(ordering: .relaxed) }
        set { thresholdStorage.store(Swift.max(0, newValue), ordering: .relaxed) }
    }
}
