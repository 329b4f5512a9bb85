import XCTest
import SwiftLearnTensor
@testable import SwiftLearnNN
import SwiftLearnSystem

/// Replaces `monitor` in the epoch logs with scripted values and records the weights at each epoch end.
final class ScriptedLogs: Callback {
    let key: String
    let values: [Double]
    var weights: [[Tensor<Float>]] = []
    var failAtEpoch: Int?
    init(_ key: String, _ values: [Double], failAtEpoch: Int? = nil) {
        self.key = key
        self.values = values
        self.failAtEpoch = failAtEpoch
    }
    func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout Logs) throws {
        if epoch == failAtEpoch { throw NNError.callback("scripted failure at epoch \(epoch)") }
        logs[key] = values[epoch]
        weights.append(model.getWeights())
    }
}

final class CallbackTests: XCTestCase {
    private func makeModel() throws -> (Sequential, Tensor<Float>, Tensor<Int32>) {
        setRandomSeed(21)
        let (x, y) = blobs(count: 30, seed: 22)
        let model = Sequential {
            Dense(4, activation: .relu, inputShape: [2])
            Dense(3, activation: .softmax)
        }
        try model.compile(optimizer: .adam(learningRate: 0.01), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        return (model, x, y)
    }

    /// Keras 3 semantics: improvement resets `wait`; stop once `wait >= patience`; best weights restored.
    func testEarlyStoppingStopsAndRestoresBestWeights() throws {
        let (model, x, y) = try makeModel()
        let script = ScriptedLogs("val_loss", [1.0, 0.8, 0.9, 0.85, 0.7, 0.6])
        let early = EarlyStopping(patience: 2, restoreBestWeights: true)
        let history = try model.fit(x, y, epochs: 6, batchSize: 10, callbacks: [script, early], verbose: 0)
        XCTAssertEqual(history["val_loss"], [1.0, 0.8, 0.9, 0.85])
        XCTAssertEqual(early.stoppedEpoch, 3)
        XCTAssertEqual(early.bestEpoch, 1)
        XCTAssertEqual(early.best, 0.8)
        XCTAssertEqual(model.getWeights(), script.weights[1])
        XCTAssertNotEqual(script.weights[3], script.weights[1])

        // Reused: state resets at train begin; minDelta makes 0.8 → 0.79 no improvement.
        let second = ScriptedLogs("val_loss", [0.5, 0.49, 0.495, 0.3])
        let strict = EarlyStopping(minDelta: 0.05, patience: 1, restoreBestWeights: true)
        try model.fit(x, y, epochs: 4, batchSize: 10, callbacks: [second, strict], verbose: 0)
        XCTAssertEqual(strict.stoppedEpoch, 1)
        XCTAssertEqual(model.getWeights(), second.weights[0])
        try model.fit(x, y, epochs: 4, batchSize: 10, callbacks: [ScriptedLogs("val_loss", [3, 2, 1, 0.5]), strict], verbose: 0)
        XCTAssertEqual(strict.stoppedEpoch, 0, "ran to the end after the reset")
        XCTAssertEqual(strict.best, 0.5)
    }

    func testEarlyStoppingMaxModeAndRestoreWhenTrainingFails() throws {
        let (model, x, y) = try makeModel()
        let script = ScriptedLogs("val_accuracy", [0.5, 0.9, 0.6, 0.7], failAtEpoch: 3)
        let early = EarlyStopping(monitor: "val_accuracy", patience: 5, restoreBestWeights: true)
        XCTAssertEqual(early.mode, .max)
        assertThrowsMessage(["scripted failure at epoch 3"]) {
            try model.fit(x, y, epochs: 6, batchSize: 10, callbacks: [script, early], verbose: 0)
        }
        XCTAssertEqual(model.getWeights(), script.weights[1], "best weights restored although fit threw")
    }

    func testMonitoredKeyMissingFailsNamingAvailableKeys() throws {
        let (model, x, y) = try makeModel()
        assertThrowsMessage(["ModelCheckpoint", "'val_loss'", "available keys: accuracy, loss"]) {
            try model.fit(x, y, epochs: 1, callbacks: [ModelCheckpoint(temporaryDirectory() + "/m", saveBestOnly: true)], verbose: 0)
        }
        assertThrowsMessage(["EarlyStopping", "'val_los'", "accuracy, loss, val_accuracy, val_loss"]) {
            try model.fit(x, y, epochs: 1, validationData: (x, y), callbacks: [EarlyStopping(monitor: "val_los")], verbose: 0)
        }
    }

    func testModelCheckpointSavesOnlyImprovements() throws {
        let directory = temporaryDirectory()
        let (model, x, y) = try makeModel()
        let script = ScriptedLogs("val_loss", [1.0, 0.8, 0.9, 0.7])
        let best = ModelCheckpoint(directory + "/best.safetensors", saveBestOnly: true)
        let every = ModelCheckpoint(directory + "/w-{epoch:02d}-{val_loss:.2f}.safetensors", saveWeightsOnly: true)
        try model.fit(x, y, epochs: 4, batchSize: 10, callbacks: [script, best, every], verbose: 0)
        XCTAssertEqual(best.savedPaths.count, 3)
        XCTAssertEqual(best.best, 0.7)
        XCTAssertEqual(every.savedPaths.map { String($0.split(separator: "/").last!) },
                       ["w-01-1.00.safetensors", "w-02-0.80.safetensors", "w-03-0.90.safetensors", "w-04-0.70.safetensors"])
        let restored = try loadModel(directory + "/best.safetensors")
        XCTAssertEqual(restored.getWeights(), script.weights[3])
        let weightsOnly = try makeModel()
        try weightsOnly.0.loadWeights(directory + "/w-02-0.80.safetensors")
        XCTAssertEqual(weightsOnly.0.getWeights(), script.weights[1])
    }

    func testTerminateOnNaN() throws {
        let model = Sequential { Dense(1, inputShape: [2]) }
        try model.compile(optimizer: .sgd(), loss: .mse)
        let x = try Tensor<Float>(shape: [20, 2], scalars: uniformValues(40, seed: 1))
        var targets = [Float](repeating: 1, count: 20)
        targets[12] = .nan
        let terminate = TerminateOnNaN()
        let history = try model.fit(x, Tensor(targets), epochs: 5, batchSize: 5, shuffle: false, callbacks: [terminate], verbose: 0)
        XCTAssertEqual(terminate.terminatedBatch, 2)
        XCTAssertEqual(history["loss"]!.count, 1)
        XCTAssertEqual(model.optimizer?.iterations, 3)
    }

    func testLearningRateSchedulerAndCSVLogger() throws {
        let directory = temporaryDirectory()
        let (model, x, y) = try makeModel()
        let scheduler = LearningRateScheduler { epoch, rate in epoch == 0 ? 0.04 : rate / 2 }
        let logger = CSVLogger(directory + "/log.csv")
        let history = try model.fit(x, y, epochs: 3, batchSize: 10, callbacks: [scheduler, logger], verbose: 0)
        XCTAssertEqual(history["learning_rate"], [0.04, 0.02, 0.01].map { Double(Float($0)) })
        XCTAssertEqual(model.optimizer?.learningRate, 0.01)
        let text = String(decoding: try FileIO.readAll(path: directory + "/log.csv"), as: UTF8.self)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.first, "epoch,accuracy,learning_rate,loss")
        XCTAssertEqual(lines.count, 4)
        let lastRow = lines[3].split(separator: ",")
        XCTAssertEqual(lastRow[0], "2")
        XCTAssertEqual(Double(lastRow[3]), history["loss"]![2])
        // Appending continues the same file under the same header.
        let appending = CSVLogger(directory + "/log.csv", append: true)
        try model.fit(x, y, epochs: 1, batchSize: 10, callbacks: [scheduler, appending], verbose: 0)
        let appended = String(decoding: try FileIO.readAll(path: directory + "/log.csv"), as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(appended.count, 5)
        XCTAssertEqual(appended[0], "epoch,accuracy,learning_rate,loss")
    }

    func testProgressFormatting() {
        XCTAssertEqual(formatLogValue(0.43), "0.4300")
        XCTAssertEqual(formatLogValue(0.000123), "1.2300e-04")
        XCTAssertEqual(formatTimePerUnit(150e-6, unit: "step"), "150us/step")
        XCTAssertEqual(formatTimePerUnit(0.0123, unit: "step"), "12ms/step")
        XCTAssertEqual(formatTimePerUnit(2.4, unit: "step"), "2s/step")
        XCTAssertEqual(DecimalText.grouped(1234567), "1,234,567")
        XCTAssertEqual(formatFixed(-0.00004, digits: 4), "0.0000")
        XCTAssertEqual(formatFixed(2.5, digits: 0), "3")
    }
}
