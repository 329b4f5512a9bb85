import Dispatch
import SwiftLearnSystem

/// The producer side of one epoch: workers claim batch numbers in increasing order, decode them, and park the
/// results until the consumer takes them in order. `slots` bounds decoded-or-decoding batches.
final class EpochPipeline: Sendable {
    struct State {
        var nextToClaim = 0
        var results: [Int: BatchOutcome] = [:]
        var cancelled = false
    }

    let source: ImageBatchSource
    let epoch: Int
    let order: [Int]
    let batchCount: Int
    let slots: DispatchSemaphore
    let completed = DispatchSemaphore(value: 0)
    let state = Locked(State())

    init(source: ImageBatchSource, epoch: Int) {
        self.source = source
        self.epoch = epoch
        self.order = source.order(epoch: epoch)
        self.batchCount = source.batchesPerEpoch
        self.slots = DispatchSemaphore(value: source.prefetchBatches)
        for _ in 0..<min(source.workers, max(1, batchCount)) {
            DispatchQueue.global(qos: .userInitiated).async { [self] in work() }
        }
    }

    func work() {
        while true {
            slots.wait()
            let claimed: Int? = state.withLock { s in
                guard !s.cancelled, s.nextToClaim < batchCount else { return nil }
                defer { s.nextToClaim += 1 }
                return s.nextToClaim
            }
            guard let index = claimed else {
                slots.signal()
                return
            }
            let outcome = source.makeBatch(index, order: order, epoch: epoch)
            state.withLock { $0.results[index] = outcome }
            completed.signal()
        }
    }

    /// Blocks until batch `index` is decoded and takes it, freeing its slot.
    func take(_ index: Int) -> BatchOutcome {
        while true {
            if let outcome = state.withLock({ $0.results.removeValue(forKey: index) }) {
                slots.signal()
                return outcome
            }
            completed.wait()
        }
    }

    func cancel() {
        state.withLock { $0.cancelled = true; $0.results = [:] }
        for _ in 0..<(source.workers + source.prefetchBatches) { slots.signal() }
    }
}

/// Owns an epoch's pipeline; dropping it early (e.g. after `stepsPerEpoch` batches) stops the workers.
final class PipelineHandle: Sendable {
    let pipeline: EpochPipeline
    init(_ pipeline: EpochPipeline) { self.pipeline = pipeline }
    deinit { pipeline.cancel() }
}
