import SwiftLearnBatches

/// What one pass over a batch source did.
struct EpochOutcome {
    /// Batches handed to the body.
    var steps = 0
    /// The source ended before the requested number of steps.
    var ranOutOfData = false
    /// Samples the source left out (unreadable files), in order.
    var skipped: [SkippedSample] = []
}

/// Gathers the next batch of the loop while `alongside` runs, on the worker pool; returns when both are done.
typealias FetchNext = (_ alongside: () -> Void) -> Void

/// The one loop every entry point runs (`fit`, `evaluate`, `predict`, validation), like Keras's
/// `for step, data in epoch_iterator`: pulls up to `steps` batches of epoch `epoch` from `source` and
/// hands each non-empty one to `body`, which returns `false` to stop early.
///
/// For in-memory arrays (``ArrayBatchSource``) `body` also receives a ``FetchNext`` when another step
/// follows: the training step hands it its serial part (the last small layers and the loss), so the copy of
/// the next batch's scattered rows, which is limited by memory rather than arithmetic, runs beside work that
/// would otherwise leave the pool's helper idle. An array source's batches are a pure function of the epoch
/// and the index with no side effects, so fetching one ahead changes nothing; other sources (generators
/// reading files, a user's iterator) are pulled only when their batch is due.
func forEachBatch(of source: any BatchSource, epoch: Int, steps: Int?,
                  _ body: (_ step: Int, _ batch: Batch, _ fetchNext: FetchNext?) throws -> Bool) throws -> EpochOutcome {
    if let arrays = source as? ArrayBatchSource {
        return try forEachBatch(of: arrays, epoch: epoch, steps: steps, body)
    }
    var iterator = try source.makeEpoch(epoch)
    var outcome = try forEachBatch(steps: steps, next: { try iterator.next() }) { step, batch, _ in try body(step, batch, nil) }
    outcome.skipped = iterator.skippedSamples
    return outcome
}

/// An array source's epoch, each batch gathered by ``ArrayBatchSource/batch(_:order:alongside:)``:
/// the batches its own iterator returns, in the same order.
private func forEachBatch(of arrays: ArrayBatchSource, epoch: Int, steps: Int?,
                          _ body: (_ step: Int, _ batch: Batch, _ fetchNext: FetchNext?) throws -> Bool) throws -> EpochOutcome {
    let order = arrays.shuffle ? arrays.order(epoch: epoch) : nil
    var position = 0
    var fetched: Batch? = nil
    let next = { () -> Batch? in
        guard position < arrays.batchesPerEpoch else { return nil }
        defer { position += 1 }
        if let batch = fetched {
            fetched = nil
            return batch
        }
        return arrays.batch(position, order: order)
    }
    return try forEachBatch(steps: steps, next: next) { step, batch, anotherStep in
        guard anotherStep, position < arrays.batchesPerEpoch else { return try body(step, batch, nil) }
        return try body(step, batch) { work in
            guard fetched == nil else { return work() }
            fetched = arrays.batch(position, order: order, alongside: work)
        }
    }
}

/// The loop itself: `body` also learns whether `steps` allows another step after this one.
private func forEachBatch(steps: Int?, next: () throws -> Batch?,
                          _ body: (_ step: Int, _ batch: Batch, _ anotherStep: Bool) throws -> Bool) throws -> EpochOutcome {
    var outcome = EpochOutcome()
    while steps.map({ outcome.steps < $0 }) ?? true {
        guard let batch = try next() else {
            outcome.ranOutOfData = steps != nil
            break
        }
        // An empty batch carries no gradient; an optimizer step on it would still move the weights.
        if batch.count == 0 { continue }
        let keepGoing = try body(outcome.steps, batch, steps.map { outcome.steps + 1 < $0 } ?? true)
        outcome.steps += 1
        if !keepGoing { break }
    }
    return outcome
}
