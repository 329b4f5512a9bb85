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
    private static let thresholdStorage = Atomic<Int>(1 << 20)

    /// Threads to use; setting a value below 1 sets 1.
    public static var threadCount: Int {
        get { storage.load(ordering: .relaxed) }
        set { storage.store(Swift.max(1, newValue), ordering: .relaxed) }
    }

    /// SGEMM problems with fewer multiply-adds (`m * n * k`) than this run on one thread: below it,
    /// waking a second thread costs more than it saves. The default, 2^20, is where two threads
    /// first won in `gemm-bench --threshold-sweep` on the 2-core development machine.
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

    /// Runs `body(t)` for `t` in `0..<count`, concurrently when `count > 1`.
    static func run(_ count: Int, _ body: (Int) -> Void) {
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
