import SwiftLearnRandom
import SwiftLearnSystem
import SwiftLearnTensor

/// In-memory arrays served as batches: what `fit(x, y)` turns its arguments into (Keras's
/// `ArrayDataAdapter`), so arrays and generators reach the model through the same loop.
///
/// Epoch `e` visits the rows of `rows` in a fixed order: with `shuffle`, a permutation drawn from
/// numpy's MT19937 seeded by `seed` and `e` (so an epoch's order does not depend on how many epochs ran
/// before it: resuming at `initialEpoch` sees the same batches); without, in order. The last batch of an
/// epoch may be smaller.
///
/// ```swift
/// let source = try ArrayBatchSource(x, targets: y, batchSize: 32, shuffle: true, seed: 42)
/// source.batchesPerEpoch   // ceil(x.shape[0] / 32)
/// ```
public final class ArrayBatchSource: BatchSource, Sendable {
    /// `[samples, ...]`.
    public let inputs: Tensor<Float>
    /// `[samples, ...]`, or `nil` for inference.
    public let targets: Tensor<Float>?
    /// `[samples]`: each sample's weight in the loss and metrics, or `nil` for equal weights.
    public let sampleWeights: Tensor<Float>?
    public let batchSize: Int
    public let shuffle: Bool
    public let seed: UInt32
    /// The rows of the arrays this source serves (all of them, or one side of a validation split).
    public let rows: Range<Int>

    private let inputStride: Int
    private let targetStride: Int

    /// - Throws: ``BatchSourceError`` when the arrays disagree on the number of samples, `batchSize` is
    ///   not positive or `rows` lies outside the arrays.
    public init(_ inputs: Tensor<Float>, targets: Tensor<Float>? = nil, sampleWeights: Tensor<Float>? = nil,
                batchSize: Int = 32, shuffle: Bool = false, seed: UInt32 = 0, rows: Range<Int>? = nil) throws(BatchSourceError) {
        guard inputs.rank >= 1 else {
            throw BatchSourceError("inputs must have a sample axis, received a tensor of shape \(inputs.shape)")
        }
        let count = inputs.shape[0]
        guard batchSize > 0 else { throw BatchSourceError("batchSize must be a positive integer, received \(batchSize)") }
        if let targets, targets.rank < 1 || targets.shape[0] != count {
            throw BatchSourceError("inputs have \(count) samples (shape \(inputs.shape)) but targets have shape \(targets.shape)")
        }
        if let sampleWeights, sampleWeights.shape != [count] {
            throw BatchSourceError("sample weights must have shape [\(count)] (one per sample), received \(sampleWeights.shape)")
        }
        let rows = rows ?? 0..<count
        guard rows.lowerBound >= 0, rows.upperBound <= count else {
            throw BatchSourceError("rows \(rows) lie outside the \(count) samples")
        }
        self.inputs = inputs
        self.targets = targets
        self.sampleWeights = sampleWeights
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.rows = rows
        inputStride = count == 0 ? 0 : inputs.count / count
        targetStride = count == 0 ? 0 : (targets?.count ?? 0) / count
    }

    /// The same arrays restricted to `rows` (a validation split), unshuffled or not as given.
    public func restricted(to rows: Range<Int>, shuffle: Bool? = nil) throws(BatchSourceError) -> ArrayBatchSource {
        try ArrayBatchSource(inputs, targets: targets, sampleWeights: sampleWeights, batchSize: batchSize,
                             shuffle: shuffle ?? self.shuffle, seed: seed, rows: rows)
    }

    /// Shuffled batches of at least this many values are gathered on `Parallelism.threadCount` threads
    /// (a batch of 32 Fashion-MNIST images has 25,088). A variable so tests can force the threaded path.
    nonisolated(unsafe) static var parallelGatherValues = 1 << 14

    /// The number of samples served per epoch.
    public var sampleCount: Int { rows.count }

    /// `ceil(sampleCount / batchSize)`.
    public var batchesPerEpoch: Int { (rows.count + batchSize - 1) / batchSize }

    /// The array rows epoch `epoch` visits, in order.
    public func order(epoch: Int) -> [Int] {
        guard shuffle else { return Array(rows) }
        var random = RandomState(seed: epochSeed(seed, epoch))
        return random.permutation(rows.count).map { $0 + rows.lowerBound }
    }

    public func makeEpoch(_ epoch: Int) -> any BatchIterator {
        ArrayBatchIterator(source: self, order: shuffle ? order(epoch: epoch) : nil)
    }

    /// Rows per chunk when a batch is gathered beside other work (25k values for 784-value Fashion-MNIST rows).
    static let alongsideChunkRows = 8

    /// Batch `index` of an epoch that visits `order` (`nil`: the rows in order, as ``order(epoch:)`` gives them
    /// when `shuffle` is off): rows `index · batchSize ..< +batchSize` of the order, the last batch partial. This
    /// is the batch ``makeEpoch(_:)``'s iterator returns at position `index`.
    ///
    /// `alongside` runs exactly once on the worker pool as one more share of the copy: the input rows
    /// go in chunks of 8 that whichever thread is free claims. The training loop hands it the step's serial tail,
    /// so the next batch's scattered rows (a copy bound by memory, not arithmetic) are fetched while the pool's
    /// helper would otherwise idle. Each row is copied whole by one thread: the batch is the same for any thread
    /// count and either way of calling.
    ///
    /// ```swift
    /// let order = source.order(epoch: 0)
    /// let next = source.batch(1, order: order) { runTail() }   // batch 1, gathered while runTail() runs
    /// ```
    public func batch(_ index: Int, order: [Int]?, alongside work: () -> Void) -> Batch {
        withoutActuallyEscaping(work) { gathered(index, order: order, alongside: $0) }
    }

    /// Batch `index` of an epoch that visits `order`, gathered on its own (see ``batch(_:order:alongside:)``).
    public func batch(_ index: Int, order: [Int]?) -> Batch {
        gathered(index, order: order, alongside: nil)
    }

    private func gathered(_ index: Int, order: [Int]?, alongside work: (() -> Void)?) -> Batch {
        let start = index * batchSize
        let count = Swift.min(start + batchSize, rows.count) - start
        func gather(_ tensor: Tensor<Float>, stride: Int, alongside work: (() -> Void)?) -> Tensor<Float> {
            let shape = [count] + Array(tensor.shape.dropFirst())
            return tensor.withUnsafeBufferPointer { source in
                Tensor(shape: shape) { destination in
                    let from = source.baseAddress, to = destination.baseAddress
                    func copy(_ batchRows: Range<Int>) {
                        guard stride > 0, let from, let to, !batchRows.isEmpty else { return }
                        if let order {
                            for b in batchRows {
                                (to + b * stride).initialize(from: from + order[start + b] * stride, count: stride)
                            }
                        } else {
                            (to + batchRows.lowerBound * stride).initialize(
                                from: from + (rows.lowerBound + start + batchRows.lowerBound) * stride,
                                count: batchRows.count * stride)
                        }
                    }
                    if let work {
                        let chunkRows = ArrayBatchSource.alongsideChunkRows
                        Parallelism.run(1 + (count + chunkRows - 1) / chunkRows) { part in
                            if part == 0 { return work() }
                            let lower = (part - 1) * chunkRows
                            copy(lower..<Swift.min(lower + chunkRows, count))
                        }
                    } else if order != nil {
                        // Shuffled rows are scattered over the whole array, so each copy waits on memory:
                        // large batches take every thread (copies: the bits do not depend on the split).
                        let parts = count * stride >= ArrayBatchSource.parallelGatherValues ? Swift.min(Parallelism.threadCount, count) : 1
                        Parallelism.run(parts) { part in copy((count * part / parts)..<(count * (part + 1) / parts)) }
                    } else {
                        copy(0..<count)
                    }
                }
            }
        }
        return Batch(inputs: gather(inputs, stride: inputStride, alongside: work),
                     targets: targets.map { gather($0, stride: targetStride, alongside: nil) },
                     sampleWeights: sampleWeights.map { gather($0, stride: 1, alongside: nil) })
    }
}

/// The batches of one epoch of an ``ArrayBatchSource``.
struct ArrayBatchIterator: BatchIterator {
    let source: ArrayBatchSource
    let order: [Int]?
    var position = 0

    init(source: ArrayBatchSource, order: [Int]?) {
        self.source = source
        self.order = order
    }

    mutating func next() -> Batch? {
        guard position < source.batchesPerEpoch else { return nil }
        defer { position += 1 }
        return source.batch(position, order: order)
    }
}

/// Mixes a base seed and an epoch number into one 32-bit seed (SplitMix64's finalizer), so every
/// epoch's shuffle is a pure function of both.
func epochSeed(_ seed: UInt32, _ epoch: Int) -> UInt32 {
    var z = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(truncatingIfNeeded: epoch)
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return UInt32(truncatingIfNeeded: z ^ (z >> 31))
}

/// A batch source that cannot be built from its arguments.
public struct BatchSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
