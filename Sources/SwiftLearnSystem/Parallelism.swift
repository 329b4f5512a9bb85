import Synchronization
import Glibc

/// How many threads SwiftLearn's parallel kernels may use, and the one place they fan work out.
///
/// Default thread count: the number of active processors, or `SWIFTLEARN_NUM_THREADS` when that
/// environment variable holds a positive integer. Results never depend on this value: every caller
/// splits work over disjoint parts of its output, never over a summed dimension.
///
/// ```swift
/// Parallelism.threadCount = 1                    // everything on the calling thread
/// Parallelism.run(4) { part in work(on: part) }  // returns when all four parts are done
/// ```
public enum Parallelism {
    private static let storage = Atomic<Int>(defaultThreadCount())

    /// Threads to use; setting a value below 1 sets 1.
    public static var threadCount: Int {
        get { storage.load(ordering: .relaxed) }
        set { storage.store(Swift.max(1, newValue), ordering: .relaxed) }
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
    /// At most `threadCount` threads run the iterations: the calling thread and the persistent workers
    /// of a pool (`WorkerPool`), which hand a job off in about a microsecond, so even work of tens of
    /// microseconds can be split. A call made from inside another `run` (or while another thread's
    /// `run` holds the pool) runs its iterations on the calling thread, in order.
    ///
    /// `body` may capture non-Sendable state such as pointers: each iteration must write only its own
    /// part of the output, which is what every caller's split guarantees.
    public static func run(_ count: Int, _ body: (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        let threads = Swift.min(count, threadCount)
        if threads > 1 && WorkerPool.shared.run(count, helpers: threads - 1, body) { return }
        for index in 0..<count { body(index) }
    }
}

/// Wraps a value that is shared across threads under a discipline the compiler cannot check
/// (each thread touches a disjoint part).
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
