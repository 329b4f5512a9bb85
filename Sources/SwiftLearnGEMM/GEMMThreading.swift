import Synchronization

/// When SGEMM uses more than one thread (the thread count itself is `Parallelism.threadCount`).
public enum GEMMThreading {
    private static let thresholdStorage = Atomic<Int>(12 << 20)

    /// Problems with fewer multiply-adds (`m * n * k`) than this run on one thread: below it, waking
    /// Dispatch's worker threads costs more than a second core saves. The default, 12 * 2^20, sits
    /// between the largest shape where two threads lost and the smallest where they won in
    /// `gemm-bench --threshold-sweep` on the 2-core development machine (200^3 = 8.0M: 0.77x;
    /// 256^3 = 16.8M: 1.16x; 256x100x784 = 20.1M: 1.18x; see Benchmarks/README.md).
    public static var minimumParallelMultiplyAdds: Int {
        get { thresholdStorage.load(ordering: .relaxed) }
        set { thresholdStorage.store(Swift.max(0, newValue), ordering: .relaxed) }
    }
}
