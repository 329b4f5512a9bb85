import XCTest
import SwiftLearnTensor
@testable import SwiftLearnNN

/// Every layer, activation and loss gradient against central finite differences (objective in Double).
final class GradientTests: XCTestCase {
    /// Activations away from their kinks (|x| in [0.2, 1.5]) so central differences are valid for relu too.
    func testActivationLayerGradients() throws {
        let activations: [ActivationFunction] = [.linear, .relu, .sigmoid, .tanh, .softmax,
                                                 .leakyRelu(negativeSlope: 0.2), .elu(alpha: 1), .softplus]
        var values = uniformValues(15, seed: 3, low: 0.2, high: 1.5)
        for i in stride(from: 0, to: values.count, by: 2) { values[i] = -values[i] }
        for activation in activations {
            try checkLayerGradients(Activation(activation), inputShape: [5], batch: 3, input: values, step: 1e-2)
        }
    }

    func testDenseGradientsForSmoothActivations() throws {
        setRandomSeed(16)
        let input = uniformValues(3 * 4, seed: 5)
        for activation: ActivationFunction in [.linear, .sigmoid, .tanh, .softmax, .elu(alpha: 0.7), .softplus] {
            try checkLayerGradients(Dense(3, activation: activation), inputShape: [4], batch: 3, input: input)
        }
    }

    /// relu and leaky relu through Dense: the pre-activations are checked to be away from the kink first,
    /// so the central difference never straddles it.
    func testDenseGradientsForKinkedActivations() throws {
        setRandomSeed(17)
        let input = uniformValues(3 * 4, seed: 8)
        for activation: ActivationFunction in [.relu, .leakyRelu(negativeSlope: 0.3)] {
            let dense = Dense(5, activation: activation)
            try dense.build(inputShape: [4])
            let linear = Dense(5)
            try linear.build(inputShape: [4])
            try linear.kernel!.assign(dense.kernel!.value)
            let pre = try linear(Tensor<Float>(shape: [3, 4], scalars: input))
            // Inputs and kernel entries lie in [-1, 1], so a perturbation of `step` moves a pre-activation
            // by at most `step`: a step under a quarter of the margin never crosses the kink.
            let margin = pre.scalars.map(abs).min()!
            XCTAssertGreaterThan(margin, 1e-3, "pre-activations too close to the kink for this seed")
            try checkLayerGradients(dense, inputShape: [4], batch: 3, input: input, step: min(2e-3, margin / 4), tolerance: 3e-3)
        }
    }

    /// Dense over a rank-3 input acts on the last axis (rows = batch × 2).
    func testDenseOnHigherRankInput() throws {
        setRandomSeed(18)
        try checkLayerGradients(Dense(2, activation: .tanh), inputShape: [2, 3], batch: 2, input: uniformValues(12, seed: 11))
    }

    func testDenseWithoutBias() throws {
        setRandomSeed(18)
        let dense = Dense(3, activation: .sigmoid, useBias: false)
        try checkLayerGradients(dense, inputShape: [4], batch: 2, input: uniformValues(8, seed: 12))
        XCTAssertEqual(dense.weights.count, 1)
    }

    func testFlattenGradientIsIdentity() throws {
        try checkLayerGradients(Flatten(), inputShape: [2, 3], batch: 2, input: uniformValues(12, seed: 13))
    }

    /// Dropout's backward multiplies by the very mask its forward used: y = x ⊙ m, dx = dy ⊙ m.
    func testDropoutGradientUsesTheForwardMask() throws {
        setRandomSeed(18)
        let dropout = Dropout(0.5)
        try dropout.build(inputShape: [50])
        let x = uniformValues(100, seed: 14, low: 0.5, high: 1)
        let input = try Tensor<Float>(shape: [2, 50], scalars: x)
        let output = try dropout.call(input, training: true)
        let y = output.scalars
        let mask = zip(y, x).map { $0 / $1 }
        for value in mask { XCTAssert(value == 0 || abs(value - 2) < 1e-6, "mask value \(value) is neither 0 nor 1/(1-rate)") }
        let dropped = mask.filter { $0 == 0 }.count
        XCTAssert((30...70).contains(dropped), "dropped \(dropped) of 100 at rate 0.5")
        let upstream = uniformValues(100, seed: 15)
        let expected = zip(upstream, mask).map { $0 * $1 }
        let inputGradient = try dropout.backward(inputs: input, outputs: output,
                                                 outputGradient: try Tensor(shape: [2, 50], scalars: upstream)).scalars
        assertClose(inputGradient, expected, tolerance: 1e-6)
        // Outside training: the identity.
        XCTAssertEqual(try dropout(Tensor<Float>(shape: [2, 50], scalars: x)).scalars, x)
    }

    // MARK: Losses

    /// Gradient of the mean loss with respect to the predictions, for every loss and fusion mode.
    private func checkLoss(_ loss: StandardLoss, predictions: [Float], targets: [Float], rows: Int, width: Int,
                           fusion: StandardLoss.Fusion, step: Float = 1e-3, tolerance: Double = 2e-3,
                           file: StaticString = #filePath, line: UInt = #line) {
        let gradient = evaluateLoss(loss, predictions, targets, rows: rows, width: width, fusion: fusion).gradient
        var values = predictions
        for index in 0..<values.count {
            let numeric = values.withUnsafeMutableBufferPointer { buffer in
                centralDifference(buffer.baseAddress!, index, step: step) {
                    evaluateLoss(loss, Array(buffer), targets, rows: rows, width: width, fusion: fusion).mean
                }
            }
            if abs(Double(gradient[index]) - numeric) > tolerance * max(1, abs(numeric)) {
                XCTFail("\(loss.name) fusion \(fusion) d/dp[\(index)]: analytic \(gradient[index]), numeric \(numeric)", file: file, line: line)
            }
        }
    }

    func testRegressionLossGradients() {
        let p = uniformValues(12, seed: 21, low: -2, high: 2)
        let y = uniformValues(12, seed: 22, low: -2, high: 2)
        checkLoss(.mse, predictions: p, targets: y, rows: 4, width: 3, fusion: .none)
        checkLoss(.mae, predictions: p, targets: y, rows: 4, width: 3, fusion: .none)
        checkLoss(.huber(delta: 0.8), predictions: p, targets: y, rows: 4, width: 3, fusion: .none)
    }

    func testCrossEntropyGradientsFromProbabilities() {
        // Probabilities inside (eps, 1 - eps) so the clip is inactive; rows need not sum to 1.
        let p = uniformValues(12, seed: 23, low: 0.05, high: 0.9)
        let binaryTargets: [Float] = [0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1]
        checkLoss(.binaryCrossentropy, predictions: p, targets: binaryTargets, rows: 4, width: 3, fusion: .none, step: 1e-3)
        let oneHot: [Float] = [0, 0, 1, 1, 0, 0, 0, 1, 0, 0.2, 0.3, 0.5]
        checkLoss(.categoricalCrossentropy, predictions: p, targets: oneHot, rows: 4, width: 3, fusion: .none, step: 1e-3)
        checkLoss(.sparseCategoricalCrossentropy, predictions: p, targets: [2, 0, 1, 1], rows: 4, width: 3, fusion: .none, step: 1e-3)
    }

    func testCrossEntropyGradientsFromLogits() {
        let z = uniformValues(12, seed: 24, low: -3, high: 3)
        checkLoss(.binaryCrossentropy(fromLogits: true), predictions: z, targets: [0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1],
                  rows: 4, width: 3, fusion: .logits)
        checkLoss(.categoricalCrossentropy(fromLogits: true), predictions: z, targets: [0, 0, 1, 1, 0, 0, 0, 1, 0, 0.2, 0.3, 0.5],
                  rows: 4, width: 3, fusion: .logits)
        checkLoss(.sparseCategoricalCrossentropy(fromLogits: true), predictions: z, targets: [2, 0, 1, 1],
                  rows: 4, width: 3, fusion: .logits)
        // Fused with the layer's activation: same gradient with respect to the logits.
        checkLoss(.sparseCategoricalCrossentropy, predictions: z, targets: [2, 0, 1, 1], rows: 4, width: 3, fusion: .activation)
        checkLoss(.binaryCrossentropy, predictions: z, targets: [0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1], rows: 4, width: 3, fusion: .activation)
    }

    /// The whole model's weight gradients (Flatten → Dense(tanh) → Dense(softmax) with fused loss)
    /// against finite differences of the mean training loss.
    func testSequentialBackpropagationMatchesFiniteDifferences() throws {
        setRandomSeed(4)
        let model = Sequential {
            Flatten(inputShape: [2, 2])
            Dense(5, activation: .tanh)
            Dense(3, activation: .softmax)
        }
        try model.compile(optimizer: .sgd(), loss: .sparseCategoricalCrossentropy)
        let x = uniformValues(6 * 4, seed: 31)
        let labels: [Float] = [0, 2, 1, 1, 0, 2]
        let plan = try model.makePlan(targetShape: [6], role: "targets")
        XCTAssertEqual(plan.fusion, .activation, "the softmax is fused with the loss")
        func meanLoss(train: Bool) -> Double {
            var accumulator = MetricAccumulator(metricCount: 0)
            let batch = Batch(inputs: try! Tensor(shape: [6, 2, 2], scalars: x), targets: Tensor(labels))
            try! model.runBatch(batch, step: 0, plan: plan, train: train, checkLabels: true, classWeights: nil,
                                accumulator: &accumulator)
            return accumulator.lossSum / Double(accumulator.rows)
        }
        // A training step with learning rate 0 writes the gradients and leaves the weights alone.
        (model.optimizer as! SGD).learningRate = 0
        _ = meanLoss(train: true)
        for weight in model.weights {
            let analytic = Array(weight.gradients)
            for index in 0..<weight.count {
                let numeric = centralDifference(weight.values.baseAddress!, index, step: 1e-2) { meanLoss(train: false) }
                XCTAssertEqual(Double(analytic[index]), numeric, accuracy: 2e-3 * max(1, abs(numeric)), "\(weight.name)[\(index)]")
            }
        }
    }
}
