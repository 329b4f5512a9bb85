// SwiftLearnBatches: the one shape in which data reaches a model.
//
// Like Keras 3's data adapters, every kind of input (in-memory arrays, image generators streaming from
// disk, a user's own source) becomes a `BatchSource`, and `fit`, `evaluate` and `predict` run one loop
// over it. The module sits below the model (SwiftLearnNN) and the image pipeline (SwiftLearnVision) so
// that neither has to import the other.
import SwiftLearnTensor

/// One batch of training or inference data.
///
/// `inputs` has the batch on axis 0 (`[batch, ...]`); `targets` and `sampleWeights`, when present, too
/// (`sampleWeights` is `[batch]`: each sample's weight in the loss and the metrics, Keras's `sample_weight`).
/// `paths` names the files the samples came from, for sources that read from disk.
public struct Batch: Sendable {
    public var inputs: Tensor<Float>
    public var targets: Tensor<Float>?
    public var sampleWeights: Tensor<Float>?
    public var paths: [String]?

    public init(inputs: Tensor<Float>, targets: Tensor<Float>? = nil, sampleWeights: Tensor<Float>? = nil,
                paths: [String]? = nil) {
        self.inputs = inputs
        self.targets = targets
        self.sampleWeights = sampleWeights
        self.paths = paths
    }

    /// The number of samples (axis 0 of `inputs`).
    public var count: Int { inputs.shape.first ?? 0 }
}

/// A stream of batches that `fit`, `evaluate` and `predict` consume, like a Keras generator or a
/// `tf.data.Dataset`.
///
/// `fit` calls ``makeEpoch(_:)`` once per epoch (a shuffling source reshuffles there, deterministically
/// from its seed and the epoch number) and pulls batches until the iterator returns `nil` or
/// `stepsPerEpoch` batches have been taken.
///
/// ```swift
/// final class Squares: BatchSource {
///     var batchesPerEpoch: Int { 10 }
///     func makeEpoch(_ epoch: Int) throws -> any BatchIterator { SquaresIterator() }
/// }
/// ```
public protocol BatchSource: AnyObject, Sendable {
    /// The number of batches in one full pass over the data.
    var batchesPerEpoch: Int { get }
    /// Starts a pass over the data.
    func makeEpoch(_ epoch: Int) throws -> any BatchIterator
}

/// Yields the batches of one epoch in order.
public protocol BatchIterator {
    /// The next batch, or `nil` at the end of the epoch. Throws when a sample cannot be read.
    mutating func next() throws -> Batch?
    /// Samples left out of the batches returned so far because they could not be read (an image
    /// generator's `BadFilePolicy.skip`). `fit` reports them at the end of every epoch.
    var skippedSamples: [SkippedSample] { get }
}

extension BatchIterator {
    public var skippedSamples: [SkippedSample] { [] }
}

/// A sample a source left out, with the reason: `cats/07.jpg at byte 4120: premature end of data`.
public struct SkippedSample: Sendable, Equatable, CustomStringConvertible {
    /// The file (or other name) of the sample.
    public let path: String
    /// Why it was left out.
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { reason.hasPrefix(path) ? reason : "\(path): \(reason)" }
}
