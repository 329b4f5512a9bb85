import XCTest
import SwiftLearnNN
import SwiftLearnRandom
import SwiftLearnTensor

/// Divergence detection and the numerically delicate paths (softmax, log-softmax, exp, cross-entropy)
/// on extreme logits. References are numpy float32 values worked out by hand in the comments.
final class NumericalFaultTests: XCTestCase {
    // MARK: - Divergence

    /// Poisons the output layer's kernel with +infinity at a chosen (epoch, batch); the loss of that very
    /// batch is no longer finite and `TerminateOnNaN` must name exactly that epoch and batch and stop training there.
    final class PoisonAt: Callback {
        let epoch: Int, batch: Int
        private var currentEpoch = 0
        init(epoch: Int, batch: Int) { self.epoch = epoch; self.batch = batch }
        func onEpochBegin(_ epoch: Int, model: Sequential, logs: Logs) throws { currentEpoch = epoch }
        func onTrainBatchBegin(_ batch: Int, model: Sequential, logs: Logs) throws {
            guard currentEpoch == epoch, batch == self.batch else { return }
            var weights = model.getWeights()
            let output = weights.count - 2
            var kernel = weights[output].scalars
            kernel[0] = .infinity
            weights[output] = try Tensor<Float>(shape: weights[output].shape, scalars: kernel)
            try model.setWeights(weights)
        }
    }

    /// Builds `model` with weights from a fixed seed (the default initializers draw from the process-wide
    /// session seed, which depends on which tests ran before).
    static func seedWeights(_ model: Sequential, inputShape: [Int], seed: UInt32) throws {
        try model.build(inputShape: inputShape)
        var generator = RandomState(seed: seed)
        try model.setWeights(model.getWeights().map { weight in
            let scale = 1 / Float(weight.shape[0]).squareRoot()
            return try Tensor<Float>(shape: weight.shape, scalars: (0..<weight.count).map { _ in
                Float(generator.standardNormal()) * scale
            })
        })
    }

    static func regressionData(samples: Int) throws -> (Tensor<Float>, Tensor<Float>) {
        let x = try Tensor<Float>(shape: [samples, 2], scalars: (0..<samples * 2).map { Float($0 % 7) / 7 - 0.4 })
        let y = try Tensor<Float>(shape: [samples, 1], scalars: (0..<samples).map { Float($0 % 5) / 5 })
        return (x, y)
    }

    func testDivergenceIsReportedWithEpochAndBatch() throws {
        let (x, y) = try Self.regressionData(samples: 40)
        let model = Sequential { Dense(3, activation: .tanh, inputShape: [2]); Dense(1) }
        try Self.seedWeights(model, inputShape: [2], seed: 3)
        try model.compile(optimizer: SGD(learningRate: 0.01), loss: .mse)
        let detector = TerminateOnNaN()
        let history = try model.fit(x, y, epochs: 10, batchSize: 8, shuffle: false,
                                    callbacks: [PoisonAt(epoch: 2, batch: 3), detector], verbose: 0)
        XCTAssertEqual(detector.terminatedEpoch, 2)
        XCTAssertEqual(detector.terminatedBatch, 3)
        XCTAssertEqual(detector.terminatedLoss.map { !$0.isFinite }, true)
        XCTAssertTrue(model.stopTraining)
        // Epochs 0 and 1 were finite; epoch 2 ended at the poisoned batch; nothing ran after it.
        XCTAssertEqual(history.epochs, [0, 1, 2])
        let losses = try XCTUnwrap(history["loss"])
        XCTAssertTrue(losses[0].isFinite && losses[1].isFinite, "\(losses)")
        XCTAssertFalse(losses[2].isFinite, "\(losses)")
    }

    /// Genuine divergence (a learning rate far too large), not an injected fault: detected at the first
    /// non-finite batch, every earlier epoch finite, no epoch after it.
    func testExplodingLearningRateIsCaught() throws {
        let (x, y) = try Self.regressionData(samples: 32)
        let model = Sequential { Dense(8, inputShape: [2]); Dense(8); Dense(1) }
        try Self.seedWeights(model, inputShape: [2], seed: 4)
        try model.compile(optimizer: SGD(learningRate: 50), loss: .mse)
        let detector = TerminateOnNaN()
        let history = try model.fit(x, y, epochs: 200, batchSize: 4, shuffle: false, callbacks: [detector], verbose: 0)
        let epoch = try XCTUnwrap(detector.terminatedEpoch, "training with learning rate 50 never diverged")
        XCTAssertNotNil(detector.terminatedBatch)
        XCTAssertEqual(history.epochs.last, epoch)
        let losses = try XCTUnwrap(history["loss"])
        XCTAssertTrue(losses.dropLast().allSatisfy(\.isFinite), "\(losses)")
        XCTAssertFalse(losses.last!.isFinite)
    }

    // MARK: - Extreme logits

    func testSoftmaxFamilyOnExtremeLogits() throws {
        let logits = try Tensor<Float>(shape: [4, 3], scalars: [
            1e30, -1e30, 0,
            -1e30, -1e30, -1e30,
            1e30, 1e30, -1e30,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0,
        ])
        // numpy: scipy.special.softmax(x, axis=1) in float32
        let expectedSoftmax: [Float] = [1, 0, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0.5, 0.5, 0, 1, 0, 0]
        let softmax = logits.softmax(axis: 1).scalars
        for (index, (value, expected)) in zip(softmax, expectedSoftmax).enumerated() {
            XCTAssertEqual(value, expected, accuracy: 1e-6, "softmax[\(index)]")
        }
        // numpy: x - max - log(sum(exp(x - max))): row 0 = [0, -2e30, -1e30]; row 1 = -log 3; row 2 = [-log 2, -log 2, -2e30 - log 2]
        let logSoftmax = logits.logSoftmax(axis: 1).scalars
        XCTAssertTrue(logSoftmax.allSatisfy { $0.isFinite || $0 == -.infinity }, "\(logSoftmax)")
        XCTAssertEqual(logSoftmax[0], 0)
        XCTAssertEqual(logSoftmax[1], -2e30, accuracy: 1e24)
        XCTAssertEqual(logSoftmax[2], -1e30, accuracy: 1e24)
        for index in 3..<6 { XCTAssertEqual(logSoftmax[index], -Float(log(3.0)), accuracy: 1e-6) }
        XCTAssertEqual(logSoftmax[6], -Float(log(2.0)), accuracy: 1e-6)
        XCTAssertEqual(logSoftmax[7], -Float(log(2.0)), accuracy: 1e-6)
        XCTAssertEqual(logSoftmax[8], -2e30, accuracy: 1e24)
        XCTAssertEqual(logSoftmax[9], 0)
        // -max - max overflows float32 to -inf, as numpy's float32 log_softmax does; never NaN.
        XCTAssertEqual(logSoftmax[10], -.infinity)
        XCTAssertFalse(logSoftmax.contains { $0.isNaN })
    }

    func testElementwiseFunctionsOnExtremeValues() throws {
        let x = Tensor<Float>([1e30, -1e30, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 88.8, -104, 0])
        // numpy float32: exp = [inf, 0, inf, 0, inf (overflow past 88.72), 0 (underflow), 1]
        let exp = x.exp().scalars
        XCTAssertEqual(Array(exp[1...1]) + [exp[3], exp[5]], [0, 0, 0])
        XCTAssertEqual(exp[0], .infinity)
        XCTAssertEqual(exp[4], .infinity)
        XCTAssertEqual(exp[6], 1)
        // sigmoid saturates to exactly 1 and 0, tanh to ±1: never NaN.
        XCTAssertEqual(x.sigmoid().scalars, [1, 0, 1, 0, 1, 0, 0.5])
        XCTAssertEqual(x.tanh().scalars, [1, -1, 1, -1, 1, -1, 0])
        let log = Tensor<Float>([1e30, .greatestFiniteMagnitude, .leastNonzeroMagnitude]).log().scalars
        // numpy float32: log(1e30) = 69.07755, log(max) = 88.72284, log(min subnormal) = -103.27893
        XCTAssertEqual(log[0], 69.07755, accuracy: 1e-4)
        XCTAssertEqual(log[1], 88.72284, accuracy: 1e-4)
        XCTAssertEqual(log[2], -103.27893, accuracy: 1e-3)
    }

    /// A softmax classifier whose logits are ±1e30: the fused sparse cross-entropy is -log_softmax[label],
    /// 0 for the right class and 2e30 for the wrong one (finite in float32), and one training step keeps
    /// every weight finite because the fused gradient is `p - y` ∈ [-1, 1].
    func testCrossEntropyStaysFiniteOnExtremeLogits() throws {
        let model = Sequential { Dense(2, activation: .softmax, useBias: false, inputShape: [1]) }
        try model.build(inputShape: [1])
        try model.setWeights([Tensor<Float>(shape: [1, 2], scalars: [1e30, -1e30])])
        try model.compile(optimizer: SGD(learningRate: 1e-3), loss: .sparseCategoricalCrossentropy)
        let x = try Tensor<Float>(shape: [2, 1], scalars: [1, 1])
        let right = try model.evaluate(x, Tensor<Int32>([0, 0]), verbose: 0)
        XCTAssertEqual(right["loss"], 0)
        let wrong = try model.evaluate(x, Tensor<Int32>([1, 1]), verbose: 0)
        XCTAssertEqual(try XCTUnwrap(wrong["loss"]), 2e30, accuracy: 1e25)
        _ = try model.fit(x, Tensor<Int32>([1, 0]), epochs: 1, batchSize: 2, verbose: 0)
        XCTAssertTrue(model.getWeights().allSatisfy { $0.scalars.allSatisfy(\.isFinite) })

        // Same with from-logits binary cross-entropy on a linear output: max(z, 0) - z*y + log1p(exp(-|z|)).
        let binary = Sequential { Dense(1, useBias: false, inputShape: [1]) }
        try binary.build(inputShape: [1])
        try binary.setWeights([Tensor<Float>(shape: [1, 1], scalars: [1e30])])
        try binary.compile(optimizer: SGD(learningRate: 1e-3), loss: .binaryCrossentropy(fromLogits: true))
        let logs = try binary.evaluate(try Tensor<Float>(shape: [2, 1], scalars: [1, -1]), Tensor<Float>([1, 1]), verbose: 0)
        // z = [1e30, -1e30], y = 1: losses [0, 1e30], mean 5e29.
        XCTAssertEqual(try XCTUnwrap(logs["loss"]), 5e29, accuracy: 1e24)
    }
}
