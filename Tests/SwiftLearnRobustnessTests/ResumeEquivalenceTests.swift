import XCTest
import SwiftLearnNN
import SwiftLearnRandom
import SwiftLearnTensor

/// A run interrupted after epoch `k` and resumed from its `ModelCheckpoint` file (`loadModel`, then
/// `fit(initialEpoch: k)`) ends with bit-identical weights, the same best checkpoint and the same
/// `EarlyStopping` decision as the run that was never interrupted.
///
/// Conditions, as SwiftLearnNN documents for exact resumption: no dropout, `shuffle: false` (the shuffle
/// generator is seeded per `fit` call), and callbacks whose state a fresh instance reproduces: `k` is an
/// epoch where `val_loss` improved (EarlyStopping's counters restart there identically), and the resumed
/// best-only `ModelCheckpoint` gets the best value so far as `initialValueThreshold`, as in Keras.
final class ResumeEquivalenceTests: XCTestCase {
    /// Few samples and a wide net so the validation loss turns up and early stopping fires.
    static func data(seed: UInt32, samples: Int) throws -> (Tensor<Float>, Tensor<Float>) {
        var random = RandomState(seed: seed)
        let x = (0..<samples * 3).map { _ in Float(random.standardNormal()) }
        let y = (0..<samples).map { i in
            Float(sin(Double(x[3 * i]) * 2) + 0.5 * Double(x[3 * i + 1]) + 0.3 * random.standardNormal())
        }
        return (try Tensor<Float>(shape: [samples, 3], scalars: x), try Tensor<Float>(shape: [samples, 1], scalars: y))
    }

    func testResumedRunMatchesUninterruptedRun() throws {
        let directory = FileManager.default.temporaryDirectory.path + "/robustness-resume-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let (x, y) = try Self.data(seed: 7, samples: 24)
        let (validationX, validationY) = try Self.data(seed: 8, samples: 16)
        let initial = Sequential {
            Dense(32, activation: .tanh, inputShape: [3])
            Dense(32, activation: .tanh)
            Dense(1)
        }
        try initial.build(inputShape: [3])
        // Explicit initial weights: the default initializers draw from the process-wide session seed,
        // which depends on which tests ran before.
        var generator = RandomState(seed: 11)
        try initial.setWeights(initial.getWeights().map { weight in
            let scale = 1 / Float(weight.shape[0]).squareRoot()
            return try Tensor<Float>(shape: weight.shape, scalars: (0..<weight.count).map { _ in
                Float(generator.standardNormal()) * scale
            })
        })
        try initial.compile(optimizer: Adam(learningRate: 0.01), loss: .mse)
        let initialPath = directory + "/initial.safetensors"
        try initial.save(initialPath)
        let epochs = 60

        // The uninterrupted run.
        let full = try loadModel(initialPath)
        let fullBest = ModelCheckpoint(directory + "/full-best.safetensors", monitor: "val_loss", saveBestOnly: true)
        let fullStop = EarlyStopping(monitor: "val_loss", patience: 3, restoreBestWeights: true)
        let fullHistory = try full.fit(x, y, epochs: epochs, batchSize: 8, validationData: (validationX, validationY),
                                       shuffle: false, callbacks: [fullBest, fullStop], verbose: 0)
        let validationLoss = try XCTUnwrap(fullHistory["val_loss"])
        XCTAssertGreaterThan(fullStop.stoppedEpoch, 0, "the scenario must stop early: \(validationLoss)")
        XCTAssertLessThan(fullHistory.epochs.count, epochs)

        // Interrupt after the middle improving epoch (an epoch whose val_loss beats every earlier one).
        let improving = (1..<validationLoss.count).filter { epoch in validationLoss[epoch] < validationLoss[..<epoch].min()! }
        XCTAssertGreaterThanOrEqual(improving.count, 2, "\(validationLoss)")
        let resumeAt = improving[improving.count / 2]

        // Leg 1: epochs 0..<resumeAt, checkpointing every epoch, then the process "dies".
        let first = try loadModel(initialPath)
        let lastPath = directory + "/last.safetensors"
        let firstBest = ModelCheckpoint(directory + "/resumed-best.safetensors", monitor: "val_loss", saveBestOnly: true)
        let firstHistory = try first.fit(x, y, epochs: resumeAt, batchSize: 8, validationData: (validationX, validationY),
                                         shuffle: false,
                                         callbacks: [ModelCheckpoint(lastPath, monitor: "val_loss"), firstBest,
                                                     EarlyStopping(monitor: "val_loss", patience: 3, restoreBestWeights: true)],
                                         verbose: 0)
        XCTAssertEqual(firstHistory["val_loss"]!, Array(validationLoss[..<resumeAt]))

        // Leg 2: a fresh process would only have the files.
        let resumed = try loadModel(lastPath)
        let secondBest = ModelCheckpoint(directory + "/resumed-best.safetensors", monitor: "val_loss", saveBestOnly: true,
                                         initialValueThreshold: firstBest.best)
        let secondStop = EarlyStopping(monitor: "val_loss", patience: 3, restoreBestWeights: true)
        let secondHistory = try resumed.fit(x, y, epochs: epochs, batchSize: 8, validationData: (validationX, validationY),
                                            shuffle: false, callbacks: [secondBest, secondStop], verbose: 0,
                                            initialEpoch: resumeAt)

        print("ResumeEquivalenceTests: resumed at epoch \(resumeAt), stopped at \(fullStop.stoppedEpoch), best epoch \(fullStop.bestEpoch)")
        XCTAssertEqual(secondHistory.epochs, Array(fullHistory.epochs[resumeAt...]))
        XCTAssertEqual(secondHistory["val_loss"]!, Array(validationLoss[resumeAt...]))
        XCTAssertEqual(secondStop.stoppedEpoch, fullStop.stoppedEpoch)
        XCTAssertEqual(secondStop.bestEpoch, fullStop.bestEpoch)
        XCTAssertEqual(resumed.getWeights(), full.getWeights(), "final (restored best) weights differ")
        XCTAssertEqual(try loadModel(directory + "/resumed-best.safetensors").getWeights(),
                       try loadModel(directory + "/full-best.safetensors").getWeights(), "best checkpoints differ")
    }
}
