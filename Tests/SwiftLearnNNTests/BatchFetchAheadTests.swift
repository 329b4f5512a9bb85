import XCTest
import SwiftLearnBatches
import SwiftLearnSystem
import SwiftLearnTensor
@testable import SwiftLearnNN

/// The training loop gathers an array source's next batch on the worker pool beside the step's serial tail
/// (``forEachBatch(of:epoch:steps:_:)``, ``Sequential/serialTailStart(batchSize:)``): the batches are the
/// source iterator's, and training, validation and the logs give the bits of a loop that pulls each batch
/// only when it is due.
final class BatchFetchAheadTests: XCTestCase {
    private var saved = (threads: 0, multiplyAdds: 0)

    override func setUp() { saved = (Parallelism.threadCount, Dense.parallelMultiplyAdds) }

    override func tearDown() {
        Parallelism.threadCount = saved.threads
        Dense.parallelMultiplyAdds = saved.multiplyAdds
    }

    /// Every batch of a shuffled and an unshuffled source (a partial last batch, sample weights, a row range),
    /// gathered in chunks beside other work on 1, 2 and 3 threads, equals the one the source's iterator serves;
    /// the work runs exactly once.
    func testBatchGatheredAlongsideWorkIsTheIteratorsBatch() throws {
        let x = try Tensor<Float>(shape: [45, 2, 3], scalars: (0..<270).map(Float.init))
        let y = Tensor<Float>((0..<45).map { Float($0 % 7) })
        let weights = Tensor<Float>((0..<45).map { Float($0) / 10 })
        for shuffle in [true, false] {
            let source = try ArrayBatchSource(x, targets: y, sampleWeights: weights, batchSize: 9, shuffle: shuffle, seed: 5,
                                              rows: 3..<43)
            for threads in [1, 2, 3] {
                Parallelism.threadCount = threads
                var iterator = source.makeEpoch(2)
                let order = shuffle ? source.order(epoch: 2) : nil
                for index in 0..<source.batchesPerEpoch {
                    let expected = try XCTUnwrap(try iterator.next())
                    var runs = 0
                    let batch = source.batch(index, order: order) { runs += 1 }
                    XCTAssertEqual(runs, 1)
                    XCTAssertEqual(batch.inputs, expected.inputs, "shuffle \(shuffle), batch \(index), \(threads) threads")
                    XCTAssertEqual(batch.targets, expected.targets)
                    XCTAssertEqual(batch.sampleWeights, expected.sampleWeights)
                }
                XCTAssertNil(try iterator.next())
            }
        }
    }

    /// The serial tail: the last layers whose products stay on one thread at the batch size.
    func testSerialTailIsTheLastSingleThreadedLayers() throws {
        let model = try headAndTailModel()
        Dense.parallelMultiplyAdds = 20_000   // Dense(64) on 40 inputs splits at batch 32, Dense(5) does not
        XCTAssertEqual(model.serialTailStart(batchSize: 32), 2, "Dense(5) only")
        XCTAssertEqual(model.serialTailStart(batchSize: 4), 0, "nothing splits at batch 4: Flatten on")
        Dense.parallelMultiplyAdds = 1
        XCTAssertEqual(model.serialTailStart(batchSize: 32), 3, "Dense(5) splits its 64 input rows")
    }

    /// `fit` on an array source (its next batch fetched beside the serial tail) and on the same source behind a
    /// plain `BatchSource` (each batch pulled when due) end with the same weights and the same logs, validation
    /// included, for 1 and 2 threads, Adam and SGD, with the whole model in the tail and with a split head.
    func testFetchingAheadKeepsTheBits() throws {
        let x = try Tensor<Float>(shape: [100, 5, 8], scalars: uniformValues(4000, seed: 41))
        let y = Tensor<Float>((0..<100).map { Float(($0 * 7) % 5) })
        let training = try ArrayBatchSource(x, targets: y, batchSize: 32, shuffle: true, seed: 42)   // 32, 32, 32, 4
        let validation = try ArrayBatchSource(x, targets: y, batchSize: 32, rows: 40..<100)          // 32, 28
        func train(_ wrap: Bool, threads: Int, multiplyAdds: Int, optimizer: Optimizer) throws -> ([Tensor<Float>], [String: [Double]]) {
            Parallelism.threadCount = threads
            Dense.parallelMultiplyAdds = multiplyAdds
            let model = try headAndTailModel()
            try model.compile(optimizer: optimizer, loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
            let history = try model.fit(wrap ? PassThroughSource(training) : training, epochs: 2,
                                        validationData: wrap ? PassThroughSource(validation) : validation, verbose: 0)
            return (model.getWeights(), history.history)
        }
        let initial = try headAndTailModel().getWeights()
        for multiplyAdds in [1 << 17, 20_000] {
            for makeOptimizer in [{ Optimizer.adam() as Optimizer }, { Optimizer.sgd(learningRate: 0.05, momentum: 0.9) }] {
                let pulled = try train(true, threads: 1, multiplyAdds: multiplyAdds, optimizer: makeOptimizer())
                XCTAssertNotEqual(pulled.0, initial, "training moved the weights")
                for threads in [1, 2] {
                    let fetched = try train(false, threads: threads, multiplyAdds: multiplyAdds, optimizer: makeOptimizer())
                    XCTAssertEqual(fetched.0, pulled.0, "cutoff \(multiplyAdds), \(threads) threads")
                    XCTAssertEqual(fetched.1, pulled.1, "logs, cutoff \(multiplyAdds), \(threads) threads")
                }
            }
        }
    }

    /// A loss that fails inside the overlapped tail stops `fit` with its error.
    func testErrorInTheOverlappedTailIsThrown() throws {
        Parallelism.threadCount = 2
        let model = try headAndTailModel()
        try model.compile(optimizer: .adam(), loss: MisshapenLoss())
        let x = try Tensor<Float>(shape: [70, 5, 8], scalars: uniformValues(2800, seed: 43))
        let y = try Tensor<Float>(shape: [70, 5], scalars: uniformValues(350, seed: 44))
        XCTAssertThrowsError(try model.fit(x, y, epochs: 1, batchSize: 32, verbose: 0)) { error in
            XCTAssertTrue("\(error)".contains("returned values of shape (3,)"), "\(error)")
        }
    }

    /// Flatten -> Dense(64, relu) -> Dense(5, softmax) on `[5, 8]` samples, seeded.
    private func headAndTailModel() throws -> Sequential {
        setRandomSeed(40)
        let model = Sequential {
            Flatten(inputShape: [5, 8])
            Dense(64, activation: .relu)
            Dense(5, activation: .softmax)
        }
        try model.build(inputShape: [5, 8])
        return model
    }
}

/// Serves an array source's batches through the plain `BatchSource` protocol (no fetching ahead).
private final class PassThroughSource: BatchSource, Sendable {
    let source: ArrayBatchSource
    init(_ source: ArrayBatchSource) { self.source = source }
    var batchesPerEpoch: Int { source.batchesPerEpoch }
    func makeEpoch(_ epoch: Int) throws -> any BatchIterator { source.makeEpoch(epoch) }
}

/// A loss whose per-row values have the wrong shape.
private struct MisshapenLoss: Loss {
    var name: String { "misshapen" }
    func rowLosses(predictions: Tensor<Float>, targets: Tensor<Float>) throws -> (values: Tensor<Float>, gradient: Tensor<Float>) {
        (Tensor<Float>.zeros([3]), predictions - targets)
    }
}
