@_exported import SwiftLearnBatches

/// The batches of one epoch of an ``ImageBatchSource``, in order.
public struct ImageBatchIterator: BatchIterator {
    let handle: PipelineHandle
    var nextIndex = 0
    /// Files skipped so far in this epoch (``BadFilePolicy/skip``); complete once `next()` returned `nil`.
    public private(set) var skippedFiles: [SkippedFile] = []
    /// ``skippedFiles`` in the form every batch source reports them: `fit` prints them after each epoch and
    /// keeps them in `History.skippedSamples`.
    public var skippedSamples: [SkippedSample] {
        skippedFiles.map { SkippedSample(path: $0.path, reason: $0.error.description) }
    }

    init(pipeline: EpochPipeline) {
        handle = PipelineHandle(pipeline)
    }

    /// The epoch this iterator walks.
    public var epoch: Int { handle.pipeline.epoch }

    /// The next batch, `nil` after the last. Throws the ``ImageError`` of an unreadable file with ``BadFilePolicy/fail``.
    public mutating func next() throws -> Batch? {
        let pipeline = handle.pipeline
        while nextIndex < pipeline.batchCount {
            let outcome = pipeline.take(nextIndex)
            nextIndex += 1
            if !outcome.skipped.isEmpty {
                skippedFiles.append(contentsOf: outcome.skipped)
                let epoch = pipeline.epoch
                pipeline.source.skipped.withLock { $0[epoch, default: []].append(contentsOf: outcome.skipped) }
            }
            if let error = outcome.error { throw error }
            // A batch whose every file was skipped is dropped rather than returned empty.
            if let batch = outcome.batch, batch.inputs.shape[0] > 0 { return batch }
        }
        return nil
    }
}
