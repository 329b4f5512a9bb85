import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The number of threads SGEMM (and the rest of SwiftLearn's parallel kernels) may use.
///
/// Default: the number of active processors, or `SWIFTLEARN_NUM_THREADS` when that environment
/// variable holds a positive integer. Results never depend on this value: work is split over
/// output blocks only, never over the k (reduction) dimension.
public enum ParallelSettings {
    private static let storage = Atomic<Int>(defaultThreadCount())
    private static let thresholdStorage = Atomic<Int>(12 << 20)

    /// Threads to use; setting a value below 1 sets 1.
    public static var threadCount: Int {
        get { storage.load(ordering: .relaxed) }
        set { storage.store(Swift.max(1, newValue), ordering: .relaxed) }
    }

    /// SGEMM problems with fewer multiply-adds (`m * n * k`) than this run on one thread: below it,
    /// waking Dispatch's worker threads costs more than a second core saves. The default, 12 * 2^20,
    /// sits between the largest shape where two threads lost and the smallest where they won in
    /// `gemm-bench --threshold-sweep` on the 2-core development machine (200^3 = 8.0M: 0.77x;
    /// 256^3 = 16.8M: 1.16x; 256x100x784 = 20.1M: 1.18x; see Benchmarks/README.md).
    public static var minimumParallelMultiplyAdds: Int {
        get { thresholdStorage.load(ordering: .relaxed) }
        set { thresholdStorage.store(Swift.max(0, newValue), ordering: .relaxed) }
    }

    static func defaultThreadCount() -> Int {
        if let text = getenv("SWIFTLEARN_NUM_THREADS").map({ String(cString: $0) }),
           let value = Int(text), value > 0 {
            return value
        }
        return Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Runs `body(t)` for `t` in `0..<count`, concurrently when `count > 1`, and returns when all are done.
    ///
    /// The one place SwiftLearn fans work out to threads (SGEMM, chunked tensor kernels, optimizer
    /// updates). `body` may capture non-Sendable state such as pointers: each iteration must write only
    /// its own part of the output, which is what every caller's split guarantees.
    public static func run(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 {
            body(0)
        } else {
            withoutActuallyEscaping(body) { body in
                // concurrentPerform returns only after every iteration has run, so `body` does not escape;
                // callers hand each iteration disjoint output, which is what makes this sharing sound.
                let shared = UncheckedSendable(body)
                DispatchQueue.concurrentPerform(iterations: count) { shared.value($0) }
            }
        }
    }
}

struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
