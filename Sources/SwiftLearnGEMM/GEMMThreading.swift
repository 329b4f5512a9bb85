import Synchronization

/// When SGEMM uses more than one thread (the thread count itself is `Parallelism.threadCount`).
public enum GEMMThreading {
    private static let thresholdStorage = Atomic<Int>(1 << 18)

    /// Problems with fewer multiply-adds (`m * n * k`) than this run on one thread. The threads come from
    /// the persistent pool behind `Parallelism.run`, which hands a job to a spinning worker in about a
    /// microsecond, so the cutoff sits where a product is worth splitting at all: 2^18 (262,144). In
    /// `gemm-bench --threshold-sweep` on the 2-core development machine (2026-12-02, load 2.6), 2 threads
    /// against 1: 32x10x100 (32k) 0.7x, 32x32x32 1.0x, 64x64x64 (262k) 1.5x, 32x100x98 (314k) 1.3x,
    /// 32x100x392 1.5x, 32x100x784 1.2x (see Benchmarks/README.md). Splits go over blocks of C, never over
    /// k, so the cutoff changes speed, never results.
    public static var minimumParallelMultiplyAdds: Int {
        get { thresholdStorage.load(ordering: .relaxed) }
        set { thresholdStorage.store(Swift.max(0, newValue), ordering: .relaxed) }
    }
}
