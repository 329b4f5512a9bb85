import XCTest
import SwiftLearnTensor
import SwiftLearnTestSupport
@testable import SwiftLearnNN

/// Issue 12's Keras spellings, defaults and helpers, each checked against what Keras does.
final class KerasSpellingTests: XCTestCase {
    private func smallClassifier() -> Sequential {
        Sequential {
            Dense(4, activation: .relu, inputShape: [3])
            Dense(3, activation: .softmax)
        }
    }

    private let x = try! Tensor<Float>(shape: [6, 3], scalars: [0.1, 0.5, -0.3, 1, -1, 0.2, 0.3, 0.3, 0.3, -0.5, 0.9, 0.1, 0.2, -0.2, 0.7, 0.8, 0.1, -0.6])
    private let labels = Tensor<Float>([0, 2, 1, 1, 0, 2])

    func testCompileWithoutAnOptimizerUsesKerasRMSprop() throws {
        let model = smallClassifier()
        try model.compile(loss: .sparseCategoricalCrossentropy, metrics: ["accuracy"])
        let optimizer = try XCTUnwrap(model.optimizer as? RMSprop)
        XCTAssertEqual(optimizer.learningRate, 0.001)
        XCTAssertEqual(optimizer.rho, 0.9)
        XCTAssertEqual(optimizer.epsilon, 1e-7)
        try model.compile(loss: "mse")
        XCTAssertTrue(model.optimizer is RMSprop)
    }

    func testSequentialOfOneLayer() throws {
        let dense = Dense(2, inputShape: [3])
        let model = Sequential(dense)
        XCTAssertEqual(model.layers.count, 1)
        XCTAssertTrue(model.layers[0] === dense)
    }

    func testStringNamesForOptimizerLossAndMetrics() throws {
        let model = smallClassifier()
        try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        XCTAssertTrue(model.optimizer is Adam)
        XCTAssertEqual(model.loss?.name, "sparse_categorical_crossentropy")
        try model.compile(optimizer: "RMSprop", loss: .mse)
        XCTAssertTrue(model.optimizer is RMSprop)
        try model.compile(optimizer: .sgd(), loss: "mae")
        XCTAssertEqual(model.loss?.name, "mean_absolute_error")
        assertThrowsMessage(["unknown optimizer 'adamw'", "valid names:", "adam", "rmsprop", "sgd", "adagrad"]) {
            try model.compile(optimizer: "adamw", loss: "mse")
        }
        assertThrowsMessage(["unknown loss 'cross_entropy'", "valid names:", "sparse_categorical_crossentropy"]) {
            try model.compile(optimizer: "adam", loss: "cross_entropy")
        }
        assertThrowsMessage(["unknown metric 'acuracy'", "valid names:", "accuracy", "acc", "mae"]) {
            try model.compile(optimizer: "adam", loss: "mse", metrics: ["acuracy"])
        }
    }

    /// Keras logs a metric under the name it was given: `metrics=['acc']` gives `acc` and `val_acc`.
    func testMetricKeysFollowTheGivenName() throws {
        setRandomSeed(1)
        let model = smallClassifier()
        try model.compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy", metrics: ["acc"])
        let history = try model.fit(x, labels, epochs: 2, batchSize: 3, validationData: (x, labels), verbose: 0)
        XCTAssertEqual(Set(history.history.keys), ["loss", "acc", "val_loss", "val_acc"])
    }

    /// Keras's `sample_weight`: loss `Σ w·l / N`, metrics `Σ w·m / Σ w`, computed here by hand from the
    /// model's own predictions.
    func testSampleWeightsWeightTheLossAndTheMetrics() throws {
        setRandomSeed(2)
        let model = smallClassifier()
        try model.compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        let weights: [Float] = [1, 0, 2, 0.5, 3, 1]
        let probabilities = try model.predict(x, verbose: 0)
        var loss = 0.0, hits = 0.0
        for row in 0..<6 {
            let label = Int(labels[row])
            loss += Double(weights[row]) * -log(Double(probabilities[row, label]))
            let predicted = (0..<3).max { probabilities[row, $0] < probabilities[row, $1] }!
            if predicted == label { hits += Double(weights[row]) }
        }
        let result = try model.evaluate(x, labels, batchSize: 4, sampleWeight: Tensor(weights), verbose: 0)
        XCTAssertEqual(result["loss"]!, loss / 6, accuracy: 1e-5)
        XCTAssertEqual(result["accuracy"]!, hits / Double(weights.reduce(0, +)), accuracy: 1e-9)
    }

    /// Keras's `class_weight` is a per-sample weight looked up by class; with a learning rate of 0 the
    /// epoch's logged loss is exactly the weighted loss of the fixed model.
    func testClassWeightsMatchTheEquivalentSampleWeights() throws {
        setRandomSeed(3)
        let model = smallClassifier()
        try model.compile(optimizer: .sgd(learningRate: 0), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        let table: [Int: Float] = [0: 1, 1: 4, 2: 0.5]
        let perSample = Tensor<Float>(labels.scalars.map { table[Int($0)]! })
        let expected = try model.evaluate(x, labels, batchSize: 6, sampleWeight: perSample, verbose: 0)
        let history = try model.fit(x, labels, epochs: 1, batchSize: 6, classWeight: table, verbose: 0)
        XCTAssertEqual(history["loss"]![0], expected["loss"]!, accuracy: 1e-6)
        XCTAssertEqual(history["accuracy"]![0], expected["accuracy"]!, accuracy: 1e-9)
        // Keras: class_weight is for classification only, and not together with sample_weight.
        let regression = Sequential { Dense(1, inputShape: [3]) }
        try regression.compile(optimizer: "sgd", loss: "mse")
        assertThrowsMessage(["classWeight applies to classification losses only", "mean_squared_error"]) {
            try regression.fit(x, labels, classWeight: [0: 1], verbose: 0)
        }
        assertThrowsMessage(["classWeight or sampleWeight, not both"]) {
            try model.fit(x, labels, classWeight: table, sampleWeight: perSample, verbose: 0)
        }
        assertThrowsMessage(["classWeight has no entry for class 2"]) {
            try model.fit(x, labels, classWeight: [0: 1, 1: 1], verbose: 0)
        }
    }

    func testGetLayerAndWeights() throws {
        let model = Sequential {
            Dense(4, inputShape: [3], name: "hidden")
            Dense(2, name: "out")
        }
        try model.build(inputShape: [3])
        XCTAssertTrue(try model.getLayer(name: "out") === model.layers[1])
        XCTAssertTrue(try model.getLayer(index: 0) === model.layers[0])
        assertThrowsMessage(["no layer named 'outt'", "hidden, out"]) { _ = try model.getLayer(name: "outt") }
        assertThrowsMessage(["has 2 layers", "received index 2"]) { _ = try model.getLayer(index: 2) }

        let hidden = try model.getLayer(name: "hidden")
        let weights = hidden.getWeights()
        XCTAssertEqual(weights.map(\.shape), [[3, 4], [4]])
        let doubled = weights.map { $0 * 2 }
        try hidden.setWeights(doubled)
        XCTAssertEqual(hidden.getWeights().map(\.scalars), doubled.map(\.scalars))
        assertThrowsMessage(["layer 'hidden'", "weight 'kernel' has shape (3, 4)", "(4, 3)"]) {
            try hidden.setWeights([Tensor<Float>.zeros([4, 3]), Tensor<Float>.zeros([4])])
        }
        assertThrowsMessage(["layer 'hidden' has 2 weights", "received 1 arrays"]) {
            try hidden.setWeights([Tensor<Float>.zeros([3, 4])])
        }
        let all = model.getWeights()
        XCTAssertEqual(all.count, 4)
        try model.setWeights(all.map { $0 * 0 })
        XCTAssertTrue(model.weights.allSatisfy { $0.scalars.allSatisfy { $0 == 0 } })
    }

    /// A name that promises another format is refused instead of silently holding safetensors.
    func testSavingUnderAnotherFormatsExtensionIsRefused() throws {
        let model = smallClassifier()
        try model.compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy")
        let directory = try TestFiles.temporaryDirectory()
        for name in ["model.h5", "model.keras", "weights.pt"] {
            let path = directory.appendingPathComponent(name).path
            assertThrowsMessage([path, "safetensors", "not '.\(name.split(separator: ".").last!)'"]) { try model.save(path) }
            assertThrowsMessage([path, "safetensors"]) { try model.saveWeights(path) }
            XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        }
        try model.save(directory.appendingPathComponent("model.safetensors").path)
        try model.save(directory.appendingPathComponent("best-model").path)
        assertThrowsMessage(["not '.h5'"]) {
            try model.fit(x, labels, epochs: 1, callbacks: [ModelCheckpoint(directory.appendingPathComponent("ckpt-{epoch:02d}.h5").path)], verbose: 0)
        }
    }

    /// Library output and the program's own `print` reach a pipe or file in the order they were made.
    func testLibraryOutputStaysInOrderWithPrint() throws {
        let model = smallClassifier()
        let text = try captureStandardOutput {
            print("before summary")
            try model.summary()
            print("after summary")
        }
        let before = try XCTUnwrap(text.range(of: "before summary"))
        let summary = try XCTUnwrap(text.range(of: "Model: \"\(model.name)\""))
        let after = try XCTUnwrap(text.range(of: "after summary"))
        XCTAssertLessThan(before.lowerBound, summary.lowerBound, text)
        XCTAssertLessThan(summary.lowerBound, after.lowerBound, text)
    }

    func testVerboseZeroPrintsNothing() throws {
        setRandomSeed(4)
        let model = smallClassifier()
        try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        let text = try captureStandardOutput {
            try model.fit(x, labels, epochs: 2, validationSplit: 0.5, verbose: 0)
            _ = try model.evaluate(x, labels, verbose: 0)
            _ = try model.predict(x, verbose: 0)
        }
        XCTAssertEqual(text, "")
    }

    /// Keras warns when `steps_per_epoch` asks for more batches than the input has; once per fit.
    func testStepsPerEpochBeyondTheDataWarnsOnce() throws {
        setRandomSeed(5)
        let model = smallClassifier()
        try model.compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy")
        let source = try ArrayBatchSource(x, targets: labels, batchSize: 2)
        var history: History!
        let text = try captureStandardOutput {
            history = try model.fit(source, epochs: 3, stepsPerEpoch: 5, verbose: 0)
        }
        XCTAssertEqual(text.components(separatedBy: "Your input ran out of data").count - 1, 1, text)
        XCTAssertTrue(text.contains("got 3 batches of the 5 asked for"), text)
        XCTAssertEqual(history.epochs, [0, 1, 2])
        XCTAssertEqual(model.optimizer?.iterations, 9)
    }

    /// Samples a source skips are reported at the end of every epoch, in the logs and the history, even
    /// when `fit` stops pulling batches before the source says it is done.
    func testSkippedSamplesAreReportedEveryEpoch() throws {
        final class SkippingSource: BatchSource, @unchecked Sendable {
            let x: Tensor<Float>, y: Tensor<Float>
            init(x: Tensor<Float>, y: Tensor<Float>) { self.x = x; self.y = y }
            var batchesPerEpoch: Int { 2 }
            func makeEpoch(_ epoch: Int) throws -> any BatchIterator { Iterator(x: x, y: y, epoch: epoch) }
            struct Iterator: BatchIterator {
                let x: Tensor<Float>, y: Tensor<Float>, epoch: Int
                var position = 0
                var skippedSamples: [SkippedSample] = []
                mutating func next() throws -> Batch? {
                    guard position < 2 else { return nil }
                    position += 1
                    if position == 1 { skippedSamples.append(SkippedSample(path: "images/bad-\(epoch).png", reason: "truncated")) }
                    return Batch(inputs: x, targets: y)
                }
            }
        }
        setRandomSeed(6)
        let model = smallClassifier()
        try model.compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy")
        var history: History!
        let text = try captureStandardOutput {
            history = try model.fit(SkippingSource(x: x, y: labels), epochs: 2, stepsPerEpoch: 2, verbose: 2)
        }
        XCTAssertTrue(text.contains("Epoch 1: skipped 1 unreadable training sample:\n  images/bad-0.png: truncated"), text)
        XCTAssertTrue(text.contains("Epoch 2: skipped 1 unreadable training sample:\n  images/bad-1.png: truncated"), text)
        XCTAssertEqual(history["skipped_samples"], [1, 1])
        XCTAssertEqual(history.skippedSamples[1], [SkippedSample(path: "images/bad-1.png", reason: "truncated")])
    }
}
