import XCTest
import SwiftLearnTensor
import SwiftLearnTestSupport
@testable import SwiftLearnNN

/// y = x ⊙ scale + shift, one learned pair per feature: a layer written in safe Swift on tensors.
final class ScaleShift: Layer {
    var scale: Weight!
    var shift: Weight!
    let initialScale: Float

    init(initialScale: Float = 1, inputShape: [Int]? = nil, name: String? = nil) {
        self.initialScale = initialScale
        super.init(inputShape: inputShape, name: name)
    }

    override func buildWeights(inputShape: [Int]) throws {
        scale = try addWeight(name: "scale", shape: [inputShape.last!], initializer: .constant(initialScale))
        shift = try addWeight(name: "shift", shape: [inputShape.last!], initializer: .zeros)
    }

    override func call(_ inputs: Tensor<Float>, training: Bool) throws -> Tensor<Float> {
        inputs * scale.value + shift.value
    }

    override func backward(inputs: Tensor<Float>, outputs: Tensor<Float>, outputGradient: Tensor<Float>) throws -> Tensor<Float> {
        try scale.assignGradient((outputGradient * inputs).sum(axis: 0))
        try shift.assignGradient(outputGradient.sum(axis: 0))
        return outputGradient * scale.value
    }

    override var config: [String: JSONValue] { ["initial_scale": .number(Double(initialScale))] }
}

/// Mean fourth power of the error, per row.
struct QuarticError: Loss {
    var name: String { "quartic_error" }
    func rowLosses(predictions p: Tensor<Float>, targets y: Tensor<Float>) throws -> (values: Tensor<Float>, gradient: Tensor<Float>) {
        let e = p - y
        let width = Float(p.shape[1])
        return ((e * e * e * e).sum(axis: 1) / width, e * e * e * (4 / width))
    }
}

/// SGD with a velocity, written on tensors: v = mu·v - lr·g; w += v.
final class VelocitySGD: OptimizerBase<Tensor<Float>> {
    let mu: Float
    init(learningRate: Float = 0.01, mu: Float = 0.9) {
        self.mu = mu
        super.init(learningRate: learningRate)
    }
    override var config: [String: Double] { ["learning_rate": Double(learningRate), "mu": Double(mu)] }
    override func makeState(for parameter: Tensor<Float>) -> Tensor<Float> { .zeros(parameter.shape) }
    override func applySingle(parameter: Tensor<Float>, gradient: Tensor<Float>, state: Tensor<Float>,
                              step: Int) throws -> (parameter: Tensor<Float>, state: Tensor<Float>) {
        let velocity = state * mu - gradient * learningRate
        return (parameter + velocity, velocity)
    }
    override func stateArrays(_ state: Tensor<Float>) -> [(name: String, value: Tensor<Float>)] { [("velocity", state)] }
    override func restoreState(from arrays: [String: Tensor<Float>], parameter: Tensor<Float>) throws -> Tensor<Float> {
        arrays["velocity"] ?? .zeros(parameter.shape)
    }
}

/// A user's custom layer, loss and optimizer: trained, saved and loaded back through the registries.
final class ExtensibilityTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        LayerRegistry.register(ScaleShift.self, package: "Tests") { config in
            ScaleShift(initialScale: try config.float("initial_scale"), inputShape: config.inputShape, name: config.name)
        }
        LossRegistry.register("quartic_error") { _ in QuarticError() }
        OptimizerRegistry.register(VelocitySGD.self) { config in
            VelocitySGD(learningRate: Float(config["learning_rate"] ?? 0.01), mu: Float(config["mu"] ?? 0.9))
        }
    }

    private func data() -> (Tensor<Float>, Tensor<Float>) {
        var random = SplitMix64(seed: 3)
        let x = random.floats(64 * 4)
        // y = 2·x0 - x1 + 0.5·x2 + 0.1
        let y = (0..<64).map { (row: Int) -> Float in
            let first: Float = 2 * x[row * 4] - x[row * 4 + 1]
            return first + 0.5 * x[row * 4 + 2] + 0.1
        }
        return (try! Tensor(shape: [64, 4], scalars: x), try! Tensor(shape: [64, 1], scalars: y))
    }

    func testCustomLayerGradientsMatchFiniteDifferences() throws {
        try checkLayerGradients(ScaleShift(initialScale: 0.7), inputShape: [3], batch: 4, input: uniformValues(12, seed: 21))
    }

    /// The custom loss's gradient, as the training loop applies it, against finite differences of its value.
    func testCustomLossDrivesTheSameGradientAsItsValue() throws {
        let p = try Tensor<Float>(shape: [2, 3], scalars: [0.5, -1, 2, 0.3, 0.1, -0.4])
        let y = try Tensor<Float>(shape: [2, 3], scalars: [0, 1, 1.5, -0.2, 0.1, 0])
        let (values, gradient) = try QuarticError().rowLosses(predictions: p, targets: y)
        for row in 0..<2 {
            var expected: Float = 0
            for j in 0..<3 { expected += pow(p[row, j] - y[row, j], 4) / 3 }
            XCTAssertEqual(values[row], expected, accuracy: 1e-5)
            for j in 0..<3 {
                XCTAssertEqual(gradient[row, j], 4 * pow(p[row, j] - y[row, j], 3) / 3, accuracy: 1e-5)
            }
        }
    }

    /// Trains a model with all three custom parts, saves it, loads it back through the registries and
    /// checks that predictions, optimizer state and continued training match the original exactly.
    func testCustomLayerLossAndOptimizerTrainSaveAndLoad() throws {
        setRandomSeed(5)
        let (x, y) = data()
        let model = Sequential {
            ScaleShift(initialScale: 0.5, inputShape: [4])
            Dense(1)
        }
        try model.compile(optimizer: VelocitySGD(learningRate: 0.02), loss: QuarticError())
        let history = try model.fit(x, y, epochs: 6, batchSize: 16, shuffle: false, verbose: 0)
        let losses = history["loss"]!
        XCTAssertLessThan(losses.last!, losses.first! * 0.8, "training with the custom parts lowers the loss: \(losses)")
        let scale = try model.getLayer(index: 0).weights[0].scalars
        XCTAssertNotEqual(scale, [0.5, 0.5, 0.5, 0.5], "the custom layer's weights were updated")

        let path = try TestFiles.temporaryDirectory().appendingPathComponent("custom.safetensors").path
        try model.save(path)
        let restored = try loadModel(path)
        XCTAssertTrue(restored.layers[0] is ScaleShift)
        XCTAssertEqual((restored.layers[0] as! ScaleShift).initialScale, 0.5)
        XCTAssertTrue(restored.optimizer is VelocitySGD)
        XCTAssertEqual(restored.loss?.name, "quartic_error")
        XCTAssertEqual(restored.optimizer?.iterations, model.optimizer?.iterations)
        XCTAssertEqual(try restored.predict(x, verbose: 0).scalars, try model.predict(x, verbose: 0).scalars)
        // The velocity came back too: one more epoch on both gives the same bits.
        try model.fit(x, y, epochs: 1, batchSize: 16, shuffle: false, verbose: 0)
        try restored.fit(x, y, epochs: 1, batchSize: 16, shuffle: false, verbose: 0)
        XCTAssertEqual(restored.getWeights().map(\.scalars), model.getWeights().map(\.scalars))
    }

    func testUnregisteredCustomLayerFailsToLoadWithAHint() throws {
        final class Unregistered: Layer {}
        let model = Sequential { Unregistered(inputShape: [2]); Dense(1) }
        try model.compile(optimizer: .sgd(), loss: .mse)
        let path = try TestFiles.temporaryDirectory().appendingPathComponent("unregistered.safetensors").path
        try model.save(path)
        assertThrowsMessage(["unknown class 'Unregistered'", "LayerRegistry.register"]) { _ = try loadModel(path) }
    }

    /// A custom layer's `call` that returns the wrong shape is an error naming the layer, not a crash.
    func testCustomLayerWithAWrongOutputShapeThrows() throws {
        final class Broken: Layer {
            override func call(_ inputs: Tensor<Float>, training: Bool) throws -> Tensor<Float> { inputs.sum(axis: 1) }
        }
        let model = Sequential { Broken(inputShape: [3], name: "broken"); Dense(1) }
        try model.compile(optimizer: .sgd(), loss: .mse)
        assertThrowsMessage(["layer 'broken'", "returned an output of shape (2,)", "(2, 3)"]) {
            _ = try model.predict(Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), verbose: 0)
        }
    }
}
