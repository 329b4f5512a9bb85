import SwiftLearnSystem
import SwiftLearnGEMM

/// Splits large elementwise work over threads.
///
/// Chunk boundaries depend only on the element count (fixed `chunkSize`, a multiple of every SIMD width),
/// never on the number of threads, and the work split this way is purely elementwise, so results are
/// bit-identical whether one thread or many run it. Below `minimumCount` the work runs inline: on the
/// 2-core reference machine, fanning out a memory-bound loop under ~1M elements costs more than it saves
/// (see `tensor-bench`, "parallel threshold" section).
enum ParallelChunks {
    /// Elements per chunk (256 KiB of Float).
    static let chunkSize = 1 << 16
    /// Smallest element count worth dispatching to several threads.
    static let minimumCount = 1 << 24

    /// Calls `body` with consecutive subranges covering `0..<count`, concurrently when `count` is large
    /// and `Parallelism.threadCount` allows more than one thread.
    @inline(__always)
    static func run(count: Int, minimumCount: Int = ParallelChunks.minimumCount, _ body: (Range<Int>) -> Void) {
        if count < minimumCount || Parallelism.threadCount <= 1 {
            body(0..<count)
            return
        }
        Parallelism.run((count + chunkSize - 1) / chunkSize) { chunk in
            let start = chunk * chunkSize
            body(start..<Swift.min(count, start + chunkSize))
        }
    }
}
