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

/// The one loop every entry point runs (`fit`, `evaluate`, `predict`, validation), like Keras's
/// `for step, data in epoch_iterator`: pulls up to `steps` batches of epoch `epoch` from `source` and
/// hands each non-empty one to `body`, which returns `false` to stop early.
func forEachBatch(of source: any BatchSource, epoch: Int, steps: Int?,
                  _ body: (_ step: Int, _ batch: Batch) throws -> Bool) throws -> EpochOutcome {
    var iterator = try source.makeEpoch(epoch)
    var outcome = EpochOutcome()
    while steps.map({ outcome.steps < $0 }) ?? true {
        guard let batch = try iterator.next() else {
            outcome.ranOutOfData = steps != nil
            break
        }
        // An empty batch carries no gradient; an optimizer step on it would still move the weights.
        if batch.count == 0 { continue }
        let keepGoing = try body(outcome.steps, batch)
        outcome.steps += 1
        if !keepGoing { break }
    }
    outcome.skipped = iterator.skippedSamples
    return outcome
}
