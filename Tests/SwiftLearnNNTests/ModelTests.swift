import XCTest
import SwiftLearnTensor
@testable import SwiftLearnNN

final class ModelTests: XCTestCase {
    /// The tutorial model's summary, character for character as TensorFlow 2.9–2.12 Keras prints it.
    func testSummaryMatchesKeras() throws {
        clearSession()
        let model = Sequential {
            Flatten(inputShape: [28, 28])
            Dense(100, activation: .relu)
            Dropout(0.3)
            Dense(10, activation: .softmax)
        }
        let blank = String(repeating: " ", count: 65)
        let expected = """
        Model: "sequential"
        _________________________________________________________________
         Layer (type)                Output Shape              Param #   
        =================================================================
         flatten (Flatten)           (None, 784)               0         
        \(blank)
         dense (Dense)               (None, 100)               78500     
        \(blank)
         dropout (Dropout)           (None, 100)               0         
        \(blank)
         dense_1 (Dense)             (None, 10)                1010      
        \(blank)
        =================================================================
        Total params: 79,510
        Trainable params: 79,510
        Non-trainable params: 0
        _________________________________________________________________

        """
        XCTAssertEqual(try model.summaryText(), expected)
    }

    /// Long names wrap like Keras's print_row (27 characters in the first column).
    func testSummaryWrapsLongNames() throws {
        let model = Sequential([Dense(3, inputShape: [2], name: "a_rather_long_dense_layer_name")], name: "m")
        let lines = try model.summaryText().split(separator: "\n", omittingEmptySubsequences: false)
        // Keras pads each column to its end position, so the overflowing first column pushes the shape one
        // character right while the parameter count stays at column 55.
        XCTAssertEqual(lines[4], " a_rather_long_dense_layer_n  (None, 3)                9         ")
        XCTAssertEqual(lines[5], " ame (Dense)                                                     ")
    }

    func testSummaryOfUnbuiltModelThrows() {
        let model = Sequential { Dense(3) }
        assertThrowsMessage(["has not yet been built"]) { _ = try model.summaryText() }
    }

    /// Keras-style automatic names: snake case of the class, `_1`, `_2`... across the process.
    func testAutomaticNames() {
        clearSession()
        let first = Sequential { Dense(2); Dense(2); Flatten(); Activation(.relu) }
        XCTAssertEqual(first.layers.map(\.name), ["dense", "dense_1", "flatten", "activation"])
        XCTAssertEqual(first.name, "sequential")
        let second = Sequential([Dense(2), Dropout(0.1)])
        XCTAssertEqual(second.layers.map(\.name), ["dense_2", "dropout"])
        XCTAssertEqual(second.name, "sequential_1")
        XCTAssertEqual(Dense(1, name: "custom").name, "custom")
        XCTAssertEqual(snakeCase("LeakyReLU"), "leaky_re_lu")
        XCTAssertEqual(snakeCase("BatchNormalization"), "batch_normalization")
    }

    func testBuilderAndAddProduceTheSameStack() throws {
        let model = Sequential()
        model.add(Dense(4, activation: .relu, inputShape: [3]))
        model.add(Dense(2))
        let useSecond = true
        let built = Sequential {
            Dense(4, activation: .relu, inputShape: [3])
            if useSecond { Dense(2) }
        }
        try model.build(inputShape: [3])
        try built.build(inputShape: [3])
        XCTAssertEqual(model.layers.map(\.outputShape), built.layers.map(\.outputShape))
        XCTAssertEqual(model.parameterCount, 3 * 4 + 4 + 4 * 2 + 2)
    }

    /// Glorot-uniform kernel within ±sqrt(6 / (in + out)) and zero bias, like Keras.
    func testDenseInitialization() throws {
        let dense = Dense(50)
        try dense.build(inputShape: [30])
        let limit = Float((6.0 / 80).squareRoot())
        let kernel = dense.kernel!.scalars
        XCTAssert(kernel.allSatisfy { abs($0) <= limit })
        XCTAssertGreaterThan(kernel.map(abs).max()!, limit * 0.95)
        let mean = kernel.reduce(0, +) / Float(kernel.count)
        XCTAssertLessThan(abs(mean), 0.02)
        XCTAssertEqual(dense.bias!.scalars, Array(repeating: 0, count: 50))
    }

    func testLayerCallBuildsLazilyAndComputesTheAffineMap() throws {
        let dense = Dense(2, activation: .relu)
        let x = try Tensor<Float>(shape: [1, 3], scalars: [1, 2, 3])
        _ = try dense(x)
        try dense.kernel!.assign(Tensor(shape: [3, 2], scalars: [1, -1, 0, 2, 1, 0]))
        try dense.bias!.assign(Tensor([0.5, -10]))
        // x·W = [1 + 0 + 3, -1 + 4 + 0] = [4, 3]; + b = [4.5, -7]; relu → [4.5, 0]
        XCTAssertEqual(try dense(x).scalars, [4.5, 0])
        assertThrowsMessage(["dense", "(None, 3)", "(None, 4)"]) { _ = try dense(Tensor(shape: [1, 4], scalars: [1, 2, 3, 4])) }
    }

    func testInvalidLayerArgumentsAreQuoted() {
        assertThrowsMessage(["Dense", "units must be a positive integer, received 0"]) {
            try Sequential { Dense(0, inputShape: [3]) }.build(inputShape: [3])
        }
        assertThrowsMessage(["Dropout", "rate must be in [0, 1), received 1.5"]) {
            try Sequential { Dropout(1.5, inputShape: [3]) }.compile(optimizer: .adam(), loss: .mse)
        }
        assertThrowsMessage(["negativeSlope", "received -0.5"]) {
            try Sequential { Dense(2, activation: .leakyRelu(negativeSlope: -0.5), inputShape: [3]) }.compile(optimizer: .adam(), loss: .mse)
        }
        assertThrowsMessage(["inputShape", "received [0, 3]"]) {
            try Sequential { Flatten(inputShape: [0, 3]) }.compile(optimizer: .adam(), loss: .mse)
        }
    }

    func testPredictMatchesCallAndProbabilitiesSumToOne() throws {
        setRandomSeed(3)
        let model = Sequential {
            Dense(6, activation: .relu, inputShape: [4])
            Dropout(0.5)
            Dense(3, activation: .softmax)
        }
        let x = try Tensor<Float>(shape: [70, 4], scalars: uniformValues(280, seed: 4))
        let predicted = try model.predict(x, batchSize: 32, verbose: 0)
        XCTAssertEqual(predicted.shape, [70, 3])
        XCTAssertEqual(predicted, try model(x), "predict (batched, no dropout) equals one call without training")
        for row in 0..<70 {
            XCTAssertEqual(predicted[row, 0] + predicted[row, 1] + predicted[row, 2], 1, accuracy: 1e-5)
        }
        XCTAssertNotEqual(try model(x, training: true), predicted, "dropout is active with training: true")
    }
}
