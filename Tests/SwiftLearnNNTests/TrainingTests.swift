import SwiftLearnSystem
import XCTest
import SwiftLearnGEMM
import SwiftLearnRandom
import SwiftLearnTensor
@testable import SwiftLearnNN
@testable import SwiftLearnBatches

/// Three Gaussian blobs in 2-D, classes interleaved so a tail split holds all of them.
func blobs(count: Int, seed: UInt32) -> (Tensor<Float>, Tensor<Int32>) {
    var generator = RandomState(seed: seed)
    let centers: [(Double, Double)] = [(-2, -2), (2, -1), (0, 2.5)]
    var x: [Float] = [], y: [Int32] = []
    for index in 0..<count {
        let label = index % 3
        x.append(Float(centers[label].0 + 0.6 * generator.standardNormal()))
        x.append(Float(centers[label].1 + 0.6 * generator.standardNormal()))
        y.append(Int32(label))
    }
    return (try! Tensor(shape: [count, 2], scalars: x), Tensor(y))
}

final class TrainingTests: XCTestCase {
    func testLearnsXOR() throws {
        setRandomSeed(1)
        let model = Sequential {
            Dense(8, activation: .tanh, inputShape: [2])
            Dense(1, activation: .sigmoid)
        }
        try model.compile(optimizer: .adam(learningRate: 0.05), loss: .binaryCrossentropy, metrics: [.accuracy])
        let x = try Tensor<Float>(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1])
        let y = try Tensor<Float>(shape: [4, 1], scalars: [0, 1, 1, 0])
        let history = try model.fit(x, y, epochs: 300, batchSize: 4, verbose: 0)
        XCTAssertEqual(history["accuracy"]!.last!, 1)
        XCTAssertLessThan(history["loss"]!.last!, 0.05)
        let predictions = try model.predict(x, verbose: 0).scalars
        XCTAssertEqual(predictions.map { $0 > 0.5 }, [false, true, true, false])
    }

    func testLearnsBlobsWithValidationSplit() throws {
        setRandomSeed(2)
        let (x, y) = blobs(count: 300, seed: 5)
        let model = Sequential {
            Dense(16, activation: .relu, inputShape: [2])
            Dropout(0.1)
            Dense(3, activation: .softmax)
        }
        try model.compile(optimizer: .adam(learningRate: 0.02), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        let history = try model.fit(x, y, epochs: 15, batchSize: 16, validationSplit: 0.2, verbose: 0)
        XCTAssertEqual(Set(history.history.keys), ["loss", "accuracy", "val_loss", "val_accuracy"])
        XCTAssertEqual(history["loss"]!.count, 15)
        XCTAssertEqual(history.epochs, Array(0..<15))
        XCTAssertGreaterThan(history["val_accuracy"]!.last!, 0.95)
        XCTAssertLessThan(history["loss"]!.last!, history["loss"]!.first!)
        // Keras's validation split is the tail: evaluating it again gives the last val_ values exactly.
        let tailX = try Tensor<Float>(shape: [60, 2], scalars: Array(x.scalars[480...]))
        let tailY = Tensor<Int32>(Array(y.scalars[240...]))
        let evaluation = try model.evaluate(tailX, tailY, batchSize: 16, verbose: 0)
        XCTAssertEqual(evaluation["loss"], history["val_loss"]!.last!)
        XCTAssertEqual(evaluation["accuracy"], history["val_accuracy"]!.last!)
    }

    func testCategoricalTargetsAndRegression() throws {
        setRandomSeed(3)
        let (x, labels) = blobs(count: 90, seed: 6)
        var oneHot = [Float](repeating: 0, count: 270)
        for (index, label) in labels.scalars.enumerated() { oneHot[index * 3 + Int(label)] = 1 }
        let model = Sequential { Dense(3, activation: .softmax, inputShape: [2]) }
        try model.compile(optimizer: .rmsprop(learningRate: 0.05), loss: .categoricalCrossentropy, metrics: [.accuracy])
        let history = try model.fit(x, try Tensor<Float>(shape: [90, 3], scalars: oneHot), epochs: 20, batchSize: 10, verbose: 0)
        XCTAssertGreaterThan(history["accuracy"]!.last!, 0.9)

        // y = 2x₀ - x₁ + 0.5 with mse and the mae metric.
        let inputs = uniformValues(200, seed: 9)
        var targets: [Float] = []
        for index in 0..<100 {
            let first: Float = inputs[2 * index], second: Float = inputs[2 * index + 1]
            targets.append(2 * first - second + 0.5)
        }
        let regression = Sequential { Dense(1, inputShape: [2]) }
        try regression.compile(optimizer: .sgd(learningRate: 0.1, momentum: 0.9), loss: .mse, metrics: [.mae])
        let fit = try regression.fit(try Tensor<Float>(shape: [100, 2], scalars: inputs), Tensor<Float>(targets), epochs: 30, batchSize: 10, verbose: 0)
        XCTAssertLessThan(fit["mae"]!.last!, 0.01)
        assertClose(regression.getWeights()[0].scalars + regression.getWeights()[1].scalars, [2, -1, 0.5], tolerance: 0.01)
    }

    /// Same seed → bit-identical weights and history (initialization, shuffling and dropout all seeded).
    func testSeededTrainingIsReproducible() throws {
        func run(_ seed: UInt32) throws -> ([Tensor<Float>], [Double]) {
            setRandomSeed(seed)
            let (x, y) = blobs(count: 96, seed: 7)
            let model = Sequential {
                Dense(8, activation: .relu, inputShape: [2])
                Dropout(0.3)
                Dense(3, activation: .softmax)
            }
            try model.compile(optimizer: .adam(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
            let history = try model.fit(x, y, epochs: 3, batchSize: 8, validationSplit: 0.25, verbose: 0)
            return (model.getWeights(), history["loss"]!)
        }
        let (first, firstLoss) = try run(11)
        let (second, secondLoss) = try run(11)
        XCTAssertEqual(first, second)
        XCTAssertEqual(firstLoss, secondLoss)
        let (other, _) = try run(12)
        XCTAssertNotEqual(first, other)
    }

    /// With the size cutoffs lowered so that SGEMM, Dense's column and row shares and the optimizer step
    /// (split by parameter ranges over all weights) run on several threads, the weights after training are bit-identical for 1, 2 and 3
    /// threads, for Adam and SGD with momentum, through one and two hidden layers (input gradients too).
    func testTrainingIsIdenticalAcrossThreadCounts() throws {
        let saved = (Parallelism.threadCount, GEMMThreading.minimumParallelMultiplyAdds, SlotOptimizer.parallelThreshold,
                     Dense.parallelMultiplyAdds)
        defer {
            Parallelism.threadCount = saved.0
            GEMMThreading.minimumParallelMultiplyAdds = saved.1
            SlotOptimizer.parallelThreshold = saved.2
            Dense.parallelMultiplyAdds = saved.3
        }
        GEMMThreading.minimumParallelMultiplyAdds = 0
        SlotOptimizer.parallelThreshold = 1 << 10
        Dense.parallelMultiplyAdds = 1  // 70-unit kernels in 2 column panels, the 40 inputs in one share
        func run(threads: Int, hidden: [Int], optimizer: Optimizer) throws -> (initial: [Tensor<Float>], trained: [Tensor<Float>]) {
            Parallelism.threadCount = threads
            setRandomSeed(13)
            let model = Sequential {
                Dense(hidden[0], activation: .relu, inputShape: [40])
                Dropout(0.2)
                for width in hidden.dropFirst() { Dense(width, activation: .relu) }
                Dense(4, activation: .softmax)
            }
            try model.compile(optimizer: optimizer, loss: .sparseCategoricalCrossentropy)
            let initial = model.getWeights()
            let x = try Tensor<Float>(shape: [70, 40], scalars: uniformValues(70 * 40, seed: 14))
            let y = Tensor<Float>((0..<70).map { Float($0 % 4) })
            try model.fit(x, y, epochs: 1, batchSize: 32, verbose: 0)
            return (initial, model.getWeights())
        }
        for hidden in [[70], [50, 37], [50, 70]] {  // [50, 70]: dx through a panelled kernel
            for makeOptimizer in [{ Optimizer.adam() as Optimizer }, { Optimizer.sgd(learningRate: 0.05, momentum: 0.9) }] {
                let single = try run(threads: 1, hidden: hidden, optimizer: makeOptimizer())
                XCTAssertNotEqual(single.initial, single.trained, "training moved the weights")
                for threads in [2, 3] {
                    XCTAssertEqual(single.trained, try run(threads: threads, hidden: hidden, optimizer: makeOptimizer()).trained,
                                   "hidden \(hidden), \(threads) threads")
                }
            }
        }
        XCTAssertGreaterThanOrEqual(50 * 40, SlotOptimizer.parallelThreshold)
    }

    /// Dense layers that update their weights inside the backward pass (``FusedStep``) give the bits of the
    /// optimizer's separate step after the whole backward pass, for every built-in optimizer, with a frozen
    /// layer (its weights stay put) and the kernel rows in shares on 2 threads.
    func testFusedOptimizerStepMatchesTheSeparateStep() throws {
        let saved = (Parallelism.threadCount, Dense.parallelMultiplyAdds, Sequential.fusesOptimizerSteps)
        defer { (Parallelism.threadCount, Dense.parallelMultiplyAdds, Sequential.fusesOptimizerSteps) = saved }
        Dense.parallelMultiplyAdds = 1
        func train(fused: Bool, threads: Int, optimizer: Optimizer) throws -> (frozen: [Tensor<Float>], all: [Tensor<Float>]) {
            Sequential.fusesOptimizerSteps = fused
            Parallelism.threadCount = threads
            setRandomSeed(21)
            let frozen = Dense(8, activation: .relu)
            let model = Sequential {
                Dense(64, activation: .relu, inputShape: [20])
                Dense(70, activation: .relu)  // 64 inputs: its kernel rows in 2 shares
                frozen
                Dense(5, activation: .softmax)
            }
            try model.compile(optimizer: optimizer, loss: .sparseCategoricalCrossentropy)
            frozen.trainable = false
            let before = frozen.weights.map(\.value)
            let x = try Tensor<Float>(shape: [90, 20], scalars: uniformValues(90 * 20, seed: 22))
            let y = Tensor<Float>((0..<90).map { Float($0 % 5) })
            try model.fit(x, y, epochs: 1, batchSize: 32, verbose: 0)
            XCTAssertEqual(frozen.weights.map(\.value), before, "the frozen layer moved")
            return (before, model.getWeights())
        }
        let optimizers: [() -> Optimizer] = [{ .adam() }, { .adam(amsgrad: true) }, { .sgd(learningRate: 0.05, momentum: 0.9) },
                                             { .sgd() }, { .rmsprop() }, { .adagrad() }]
        let unmoved = try train(fused: true, threads: 2, optimizer: .sgd(learningRate: 0)).all
        for makeOptimizer in optimizers {
            let separate = try train(fused: false, threads: 1, optimizer: makeOptimizer()).all
            XCTAssertNotEqual(separate, unmoved, "training moved the weights")
            XCTAssertEqual(try train(fused: true, threads: 2, optimizer: makeOptimizer()).all, separate, makeOptimizer().className)
        }
    }

    /// Shuffled batches gathered on several threads hold exactly the rows of the epoch's order.
    func testThreadedGatherServesTheShuffledRows() throws {
        let saved = (Parallelism.threadCount, ArrayBatchSource.parallelGatherValues)
        defer { (Parallelism.threadCount, ArrayBatchSource.parallelGatherValues) = saved }
        ArrayBatchSource.parallelGatherValues = 0
        let x = try Tensor<Float>(shape: [23, 3], scalars: (0..<69).map(Float.init))
        let y = Tensor<Float>((0..<23).map { Float($0 * 10) })
        let source = try ArrayBatchSource(x, targets: y, batchSize: 5, shuffle: true, seed: 3)
        let order = source.order(epoch: 1)
        for threads in [1, 2, 3] {
            Parallelism.threadCount = threads
            var iterator = source.makeEpoch(1)
            var served: [Float] = [], targets: [Float] = []
            while let batch = try iterator.next() {
                served += batch.inputs.scalars
                targets += batch.targets!.scalars
            }
            XCTAssertEqual(served, order.flatMap { row in (0..<3).map { Float(row * 3 + $0) } }, "\(threads) threads")
            XCTAssertEqual(targets, order.map { Float($0 * 10) })
        }
    }

    // MARK: Input errors

    func testInputErrorsNameExpectedAndReceivedShapes() throws {
        let model = Sequential {
            Dense(4, activation: .relu, inputShape: [3])
            Dense(3, activation: .softmax)
        }
        let x = try Tensor<Float>(shape: [10, 3], scalars: uniformValues(30, seed: 1))
        let labels = Tensor<Float>([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
        assertThrowsMessage(["must be compiled"]) { try model.fit(x, labels, verbose: 0) }
        try model.compile(optimizer: .adam(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        assertThrowsMessage(["different sample counts", "(10, 3)", "(9,)"]) {
            try model.fit(x, Tensor<Float>(Array(labels.scalars[0..<9])), verbose: 0)
        }
        assertThrowsMessage(["expected shape (None, 3)", "received (None, 5)"]) {
            try model.fit(Tensor<Float>(shape: [10, 5], scalars: uniformValues(50, seed: 2)), labels, verbose: 0)
        }
        var bad = labels.scalars
        bad[7] = 3
        assertThrowsMessage(["label 3.0", "index 7", "0..<3"]) { try model.fit(x, Tensor(bad), verbose: 0) }
        bad[7] = 1.5
        assertThrowsMessage(["label 1.5", "index 7"]) { try model.fit(x, Tensor(bad), verbose: 0) }
        assertThrowsMessage(["validation", "label -1.0", "index 2"]) {
            try model.fit(x, labels, validationData: (x, Tensor<Float>([0, 1, -1, 0, 1, 2, 0, 1, 2, 0])), verbose: 0)
        }
        assertThrowsMessage(["batchSize", "received 0"]) { try model.fit(x, labels, batchSize: 0, verbose: 0) }
        assertThrowsMessage(["validationSplit", "received 1.0"]) { try model.fit(x, labels, validationSplit: 1, verbose: 0) }
        assertThrowsMessage(["expected shape (None, 3)", "(None, 2)"]) { _ = try model.predict(Tensor(shape: [1, 2], scalars: [1, 2]), verbose: 0) }
        assertThrowsMessage(["evaluate", "0 samples"]) {
            _ = try model.evaluate(Tensor<Float>(shape: [0, 3], scalars: []), Tensor<Float>([]), verbose: 0)
        }
        // Categorical targets must match the output shape.
        try model.compile(optimizer: .adam(), loss: .categoricalCrossentropy)
        assertThrowsMessage(["targets of shape (10,)", "categorical_crossentropy", "(None, 3)"]) { try model.fit(x, labels, verbose: 0) }
    }

    // MARK: Batch sources

    final class ArraySource: BatchSource, @unchecked Sendable {
        let x: [Float], y: [Float], batch: Int, count: Int
        var epochsStarted: [Int] = []
        init(x: Tensor<Float>, y: Tensor<Int32>, batch: Int) {
            self.x = x.scalars; self.y = y.scalars.map(Float.init); self.batch = batch; self.count = y.count
        }
        var batchesPerEpoch: Int { (count + batch - 1) / batch }
        func makeEpoch(_ epoch: Int) throws -> any BatchIterator {
            epochsStarted.append(epoch)
            return Iterator(source: self)
        }
        struct Iterator: BatchIterator {
            let source: ArraySource
            var start = 0
            mutating func next() throws -> Batch? {
                guard start < source.count else { return nil }
                let end = min(start + source.batch, source.count)
                defer { start = end }
                return Batch(inputs: try Tensor(shape: [end - start, 2], scalars: Array(source.x[start * 2..<end * 2])),
                             targets: Tensor(Array(source.y[start..<end])))
            }
        }
    }

    func testFitEvaluatePredictFromBatchSource() throws {
        setRandomSeed(4)
        let (x, y) = blobs(count: 120, seed: 8)
        let train = ArraySource(x: x, y: y, batch: 10)
        let validation = ArraySource(x: x, y: y, batch: 40)
        let model = Sequential {
            Dense(8, activation: .relu, inputShape: [2])
            Dense(3, activation: .softmax)
        }
        try model.compile(optimizer: .adam(learningRate: 0.03), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        let history = try model.fit(train, epochs: 8, stepsPerEpoch: 6, validationData: validation, verbose: 0)
        XCTAssertEqual(model.optimizer?.iterations, 48, "stepsPerEpoch limits the batches per epoch")
        XCTAssertEqual(train.epochsStarted.suffix(8), Array(0..<8))
        XCTAssertGreaterThan(history["val_accuracy"]!.last!, 0.9)
        let evaluation = try model.evaluate(validation, verbose: 0)
        XCTAssertEqual(evaluation["loss"], history["val_loss"]!.last!)
        let predicted = try model.predict(validation, verbose: 0)
        XCTAssertEqual(predicted, try model.predict(x, verbose: 0))
    }
}
