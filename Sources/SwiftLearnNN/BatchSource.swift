import SwiftLearnTensor

/// One batch of training or inference data.
///
/// `inputs` has the batch on axis 0 (`[batch, ...]`); `targets`, when present, too.
/// `paths` names the files the samples came from, for generators that read from disk.
public struct Batch: Sendable {
    public var inputs: Tensor<Float>
    public var targets: Tensor<Float>?
    public var paths: [String]?

    public init(inputs: Tensor<Float>, targets: Tensor<Float>? = nil, paths: [String]? = nil) {
        self.inputs = inputs
        self.targets = targets
        self.paths = paths
    }
}

/// A stream of batches that `fit`, `evaluate` and `predict` can consume instead of in-memory tensors,
/// like a Keras generator or `tf.data.Dataset`.
///
/// `fit` calls ``makeEpoch(_:)`` once per epoch (the source reshuffles there, deterministically
/// from its seed and the epoch number) and pulls batches until the iterator returns `nil` or
/// `stepsPerEpoch` batches have been taken.
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
}
