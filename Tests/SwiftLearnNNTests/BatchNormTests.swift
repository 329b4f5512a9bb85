import XCTest
import SwiftLearnTensor
@testable import SwiftLearnNN

final class BatchNormTests: XCTestCase {
    /// Training mode against the formula in Double: per-channel batch mean and biased variance over
    /// batch, height and width; the moving statistics move by (1 - momentum) toward them.
    func testTrainingForwardAndMovingStatistics() throws {
        let bn = BatchNormalization(momentum: 0.9, epsilon: 1e-3)
        try bn.build(inputShape: [3, 2, 4])
        let gamma: [Float] = [1.5, -0.5, 2, 0.25], beta: [Float] = [0.1, 0.2, -0.3, 0]
        try bn.gamma!.assign(Tensor(gamma))
        try bn.beta!.assign(Tensor(beta))
        let x = uniformValues(2 * 24, seed: 4, low: -2, high: 3)
        let y = try bn.call(try Tensor(shape: [2, 3, 2, 4], scalars: x), training: true).scalars
        var expected = [Float](repeating: 0, count: x.count)
        for c in 0..<4 {
            let values = stride(from: c, to: x.count, by: 4).map { Double(x[$0]) }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            for i in stride(from: c, to: x.count, by: 4) {
                expected[i] = Float(Double(gamma[c]) * (Double(x[i]) - mean) / (variance + 1e-3).squareRoot() + Double(beta[c]))
            }
            XCTAssertEqual(bn.movingMean!.scalars[c], Float(0.1 * mean), accuracy: 1e-5)
            XCTAssertEqual(bn.movingVariance!.scalars[c], Float(0.9 + 0.1 * variance), accuracy: 1e-5)
        }
        assertClose(y, expected, tolerance: 1e-5)
    }

    /// Outside training the moving statistics normalize, and nothing moves.
    func testInferenceUsesMovingStatistics() throws {
        let bn = BatchNormalization()
        try bn.build(inputShape: [2])
        try bn.movingMean!.assign(Tensor([1, -2]))
        try bn.movingVariance!.assign(Tensor([4, 0.25]))
        let y = try bn(try Tensor(shape: [2, 2], scalars: [3, -2, 1, 0])).scalars
        assertClose(y, [2 / Float(4.001).squareRoot(), 0, 0, 2 / Float(0.251).squareRoot()], tolerance: 1e-6)
        XCTAssertEqual(bn.movingMean!.scalars, [1, -2])
    }

    /// Finite differences of the training-mode objective (batch statistics depend on every input).
    func testTrainingGradientsAgainstFiniteDifferences() throws {
        for (shape, batch) in [([3, 2, 3], 2), ([4], 5)] {
            let bn = BatchNormalization()
            try bn.build(inputShape: shape)
            try bn.gamma!.assign(Tensor(uniformValues(shape.last!, seed: 2, low: 0.5, high: 2)))
            try bn.beta!.assign(Tensor(uniformValues(shape.last!, seed: 3)))
            let count = batch * shape.reduce(1, *)
            let x = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            defer { x.deallocate() }
            _ = x.initialize(from: uniformValues(count, seed: 5, low: -2, high: 2))
            let upstream = uniformValues(count, seed: 6)
            func inputs() -> Tensor<Float> { Tensor(shape: [batch] + shape) { _ = $0.initialize(from: UnsafeBufferPointer(x)) } }
            func objective() -> Double {
                let y = try! bn.call(inputs(), training: true).scalars
                return zip(y, upstream).reduce(0) { $0 + Double($1.0) * Double($1.1) }
            }
            let outputs = try bn.call(inputs(), training: true)
            let dx = try bn.backward(inputs: inputs(), outputs: outputs, outputGradient: try Tensor(shape: [batch] + shape, scalars: upstream)).scalars
            for index in 0..<count {
                let numeric = centralDifference(x.baseAddress!, index, step: 1e-2, objective)
                XCTAssertEqual(Double(dx[index]), numeric, accuracy: 2e-3 * max(1, abs(numeric)), "dx[\(index)] shape \(shape)")
            }
            for weight in [bn.gamma!, bn.beta!] {
                let analytic = weight.gradient.scalars
                for index in 0..<weight.count {
                    let numeric = centralDifference(weight.values.baseAddress!, index, step: 1e-2, objective)
                    XCTAssertEqual(Double(analytic[index]), numeric, accuracy: 2e-3 * max(1, abs(numeric)), "\(weight.name)[\(index)]")
                }
            }
        }
    }

    /// A frozen layer normalizes with its moving statistics even in training (nothing moves), and its
    /// input gradient is gamma·dy/sqrt(moving variance + epsilon).
    func testFrozenLayerUsesMovingStatisticsInTraining() throws {
        let bn = BatchNormalization()
        bn.trainable = false
        try bn.build(inputShape: [3])
        try bn.gamma!.assign(Tensor([2, 1, -1]))
        try bn.movingMean!.assign(Tensor([0.5, 0, 1]))
        try bn.movingVariance!.assign(Tensor([4, 1, 0.25]))
        let x = try Tensor<Float>(shape: [2, 3], scalars: uniformValues(6, seed: 1))
        let y = try bn.call(x, training: true)
        XCTAssertEqual(bn.movingMean!.scalars, [0.5, 0, 1])
        let variance: [Float] = [4, 1, 0.25], gamma: [Float] = [2, 1, -1], mean: [Float] = [0.5, 0, 1]
        assertClose(y.scalars, x.scalars.enumerated().map { gamma[$0 % 3] * ($1 - mean[$0 % 3]) / (variance[$0 % 3] + 1e-3).squareRoot() },
                    tolerance: 1e-6)
        let upstream = uniformValues(6, seed: 2)
        let dx = try bn.backward(inputs: x, outputs: y, outputGradient: try Tensor(shape: [2, 3], scalars: upstream))
        assertClose(dx.scalars, upstream.enumerated().map { gamma[$0 % 3] * $1 / (variance[$0 % 3] + 1e-3).squareRoot() }, tolerance: 1e-6)
    }

    /// Keras's counting: 4 parameters per channel, 2 trainable.
    func testParameterCounts() throws {
        clearSession()
        let model = Sequential {
            Conv2D(8, kernelSize: 3, useBias: false, inputShape: [6, 6, 1])
            BatchNormalization()
        }
        let text = try model.summaryText()
        XCTAssert(text.contains(" batch_normalization (BatchN  (None, 4, 4, 8)          32        "), text)
        XCTAssert(text.contains("Total params: 104"), text)
        XCTAssert(text.contains("Trainable params: 88"), text)
        XCTAssert(text.contains("Non-trainable params: 16"), text)
        assertThrowsMessage(["momentum", "1.5"]) { try BatchNormalization(momentum: 1.5).build(inputShape: [2]) }
        assertThrowsMessage(["epsilon", "0.0"]) { try BatchNormalization(epsilon: 0).build(inputShape: [2]) }
    }
}
