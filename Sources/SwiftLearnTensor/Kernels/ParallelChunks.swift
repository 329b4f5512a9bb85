import SwiftLearnSystem

/// Splits elementwise work over `Parallelism.threadCount` threads.
///
/// Every caller's work is purely elementwise (each output element depends only on inputs at its own index, and
/// every element sees the same arithmetic wherever a part boundary falls), so results are bit-identical for any
/// thread count. Parts are contiguous, multiples of `alignment` elements (whole cache lines, whole vectors).
/// Below a cost-dependent element count the work runs inline: handing a part to another core costs a few
/// microseconds, which a memory-bound add over 1e5 elements does not earn back (measured in `tensor-bench
/// --vs-numpy`, "threads" rows).
enum ParallelChunks {
    /// Part boundaries fall on multiples of this many elements.
    static let alignment = 1024
    /// Element counts from which a second thread pays off, by the work per element.
    enum Cost {
        /// A load, one or two arithmetic instructions and a store (add, multiply, relu, clip, broadcasts).
        case memoryBound
        /// A polynomial per element (exp, log, tanh, sigmoid, pow) or a division-heavy map.
        case computeBound

        var minimumCount: Int {
            switch self {
            case .memoryBound: return (1 << 18) / ParallelChunks.thresholdDivisor
            case .computeBound: return (1 << 14) / ParallelChunks.thresholdDivisor
            }
        }
    }

    /// Tests raise this to split small inputs (a debug build is too slow for 2^18-element checks); never
    /// changed in production.
    nonisolated(unsafe) static var thresholdDivisor = 1

    /// Calls `body` with contiguous subranges covering `0..<count`, one per thread when `count` reaches
    /// `cost.minimumCount` and `Parallelism.threadCount` allows more than one thread.
    @inline(__always)
    static func run(count: Int, cost: Cost = .memoryBound, _ body: (Range<Int>) -> Void) {
        run(count: count, minimumCount: cost.minimumCount, body)
    }

    /// `alignment` sets the granularity of part boundaries (elements, or blocks for callers that split rows).
    @inline(__always)
    static func run(count: Int, minimumCount: Int, alignment: Int = ParallelChunks.alignment,
                    _ body: (Range<Int>) -> Void) {
        let threads = Parallelism.threadCount
        if count < minimumCount || threads <= 1 {
            body(0..<count)
            return
        }
        let units = (count + alignment - 1) / alignment
        let parts = Swift.min(threads, Swift.max(1, count / Swift.max(1, minimumCount / 2)), units)
        if parts <= 1 { body(0..<count); return }
        Parallelism.run(parts) { part in
            let start = units * part / parts * alignment
            let end = Swift.min(count, units * (part + 1) / parts * alignment)
            if start < end { body(start..<end) }
        }
    }
}
