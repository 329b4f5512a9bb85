import XCTest
import SwiftLearnData
import SwiftLearnNN
import SwiftLearnVision
import SwiftLearnRandom
import SwiftLearnTensor

/// The API-misuse table: each row is a mistake a user can make, and the error it must produce.
///
/// Every row must throw (never trap) and its message must contain every listed fragment: what was
/// expected and the value actually received. The table doubles as documentation of those messages.
final class MisuseTests: XCTestCase {
    struct Row {
        let misuse: String
        let fragments: [String]
        let body: () throws -> Void
    }

    /// A 3 → 4 → 2 softmax classifier, built but not compiled.
    static func classifier() throws -> Sequential {
        let model = Sequential {
            Dense(4, activation: .relu, inputShape: [3])
            Dense(2, activation: .softmax)
        }
        try model.build(inputShape: [3])
        return model
    }

    static func compiledClassifier() throws -> Sequential {
        let model = try classifier()
        try model.compile(optimizer: SGD(learningRate: 0.1), loss: .sparseCategoricalCrossentropy)
        return model
    }

    static let x = try! Tensor<Float>(shape: [4, 3], scalars: (0..<12).map { Float($0) / 12 })
    static let labels = Tensor<Int32>([0, 1, 1, 0])

    static var rows: [Row] { [
        Row(misuse: "fit before compile", fragments: ["invalid state", "must be compiled before", "compile(optimizer:loss:metrics:)"]) {
            _ = try classifier().fit(x, labels, epochs: 1, verbose: 0)
        },
        Row(misuse: "batch size 0", fragments: ["batchSize must be a positive integer, received 0"]) {
            _ = try compiledClassifier().fit(x, labels, epochs: 1, batchSize: 0, verbose: 0)
        },
        Row(misuse: "negative batch size in predict", fragments: ["batchSize must be a positive integer, received -3"]) {
            _ = try compiledClassifier().predict(x, batchSize: -3, verbose: 0)
        },
        Row(misuse: "negative epochs", fragments: ["epochs must be >= 0, received -1"]) {
            _ = try compiledClassifier().fit(x, labels, epochs: -1, verbose: 0)
        },
        Row(misuse: "verbose out of range", fragments: ["verbose must be 0, 1 or 2, received 7"]) {
            _ = try compiledClassifier().fit(x, labels, epochs: 1, verbose: 7)
        },
        Row(misuse: "validationSplit of 1", fragments: ["validationSplit must be in [0, 1), received 1.0"]) {
            _ = try compiledClassifier().fit(x, labels, epochs: 1, validationSplit: 1, verbose: 0)
        },
        Row(misuse: "validationSplit leaving nothing to train on", fragments: ["validationSplit 0.9", "4 samples", "empty"]) {
            _ = try compiledClassifier().fit(x, labels, epochs: 1, validationSplit: 0.9, verbose: 0)
        },
        Row(misuse: "negative dropout rate", fragments: ["Dropout", "rate must be in [0, 1), received -0.5"]) {
            let model = Sequential {
                Dense(4, inputShape: [3])
                Dropout(-0.5)
                Dense(2, activation: .softmax)
            }
            try model.compile(optimizer: SGD(), loss: .sparseCategoricalCrossentropy)
            _ = try model.fit(x, labels, epochs: 1, verbose: 0)
        },
        Row(misuse: "dropout rate of 1", fragments: ["rate must be in [0, 1), received 1.0"]) {
            let model = Sequential { Dense(4, inputShape: [3]); Dropout(1) }
            _ = try model.predict(x, verbose: 0)
        },
        Row(misuse: "Dense with 0 units", fragments: ["Dense", "units must be a positive integer, received 0"]) {
            let model = Sequential { Dense(0, inputShape: [3]) }
            try model.build(inputShape: [3])
        },
        Row(misuse: "empty training data", fragments: ["0 training samples", "(0, 3)"]) {
            let empty = try Tensor<Float>(shape: [0, 3], scalars: [])
            _ = try compiledClassifier().fit(empty, Tensor<Int32>(shape: [0], scalars: []), epochs: 1, verbose: 0)
        },
        Row(misuse: "empty evaluation data", fragments: ["evaluate: received 0 samples", "(0, 3)"]) {
            let empty = try Tensor<Float>(shape: [0, 3], scalars: [])
            _ = try compiledClassifier().evaluate(empty, Tensor<Int32>(shape: [0], scalars: []), verbose: 0)
        },
        Row(misuse: "x and y with different sample counts", fragments: ["different sample counts", "(4, 3)", "(3,)"]) {
            _ = try compiledClassifier().fit(x, Tensor<Int32>([0, 1, 1]), epochs: 1, verbose: 0)
        },
        Row(misuse: "input feature count not matching the model", fragments: ["shape mismatch", "(4, 5)", "expected shape (None, 3)", "received (None, 5)"]) {
            let wide = try Tensor<Float>(shape: [4, 5], scalars: [Float](repeating: 0, count: 20))
            _ = try compiledClassifier().predict(wide, verbose: 0)
        },
        Row(misuse: "input without a batch axis", fragments: ["has no batch axis", "(3,)"]) {
            _ = try compiledClassifier().predict(Tensor<Float>([1, 2, 3]), verbose: 0)
        },
        Row(misuse: "one-hot targets for a sparse loss (loss does not fit the output)", fragments: ["sparse_categorical_crossentropy", "(4, 2)", "class indices"]) {
            let oneHot = try Tensor<Float>(shape: [4, 2], scalars: [1, 0, 0, 1, 0, 1, 1, 0])
            _ = try compiledClassifier().fit(x, oneHot, epochs: 1, verbose: 0)
        },
        Row(misuse: "categorical loss with targets of the wrong width", fragments: ["categorical_crossentropy", "(4, 3)", "expected shape (None, 2)"]) {
            let model = try classifier()
            try model.compile(optimizer: SGD(), loss: .categoricalCrossentropy)
            let targets = try Tensor<Float>(shape: [4, 3], scalars: [Float](repeating: 0, count: 12))
            _ = try model.fit(x, targets, epochs: 1, verbose: 0)
        },
        Row(misuse: "class label out of range", fragments: ["invalid labels", "label 5.0 at index 2", "0..<2"]) {
            _ = try compiledClassifier().fit(x, Tensor<Int32>([0, 1, 5, 0]), epochs: 1, verbose: 0)
        },
        Row(misuse: "NaN class label", fragments: ["invalid labels", "label nan at index 1"]) {
            _ = try compiledClassifier().fit(x, Tensor<Float>([0, .nan, 1, 0]), epochs: 1, verbose: 0)
        },
        Row(misuse: "negative learning rate", fragments: ["SGD: learningRate must be in", "received -0.1"]) {
            let model = try classifier()
            try model.compile(optimizer: SGD(learningRate: -0.1), loss: .sparseCategoricalCrossentropy)
        },
        Row(misuse: "huber delta 0", fragments: ["huber: delta must be finite and > 0, received 0.0"]) {
            let model = try classifier()
            try model.compile(optimizer: SGD(), loss: .huber(delta: 0))
        },
        Row(misuse: "setWeights with the wrong number of arrays", fragments: ["has 4 weights, received 1 arrays"]) {
            try classifier().setWeights([Tensor<Float>([1])])
        },
        Row(misuse: "EarlyStopping with negative patience", fragments: ["patience must be >= 0, received -2"]) {
            _ = try compiledClassifier().fit(x, labels, epochs: 1, callbacks: [EarlyStopping(monitor: "loss", patience: -2)], verbose: 0)
        },
        Row(misuse: "EarlyStopping monitoring a missing key", fragments: ["monitored key 'val_loss' is not in the logs", "loss"]) {
            _ = try compiledClassifier().fit(x, labels, epochs: 1, callbacks: [EarlyStopping()], verbose: 0)
        },
        Row(misuse: "ModelCheckpoint with an unclosed brace", fragments: ["unclosed '{'", "weights-{epoch"]) {
            let path = FileManager.default.temporaryDirectory.path + "/weights-{epoch.safetensors"
            _ = try compiledClassifier().fit(x, labels, epochs: 1, callbacks: [ModelCheckpoint(path, monitor: "loss")], verbose: 0)
        },
        Row(misuse: "loading weights into a model of another architecture", fragments: ["-other.safetensors", "holds 2 weights", "has 4", "another architecture"]) {
            let path = FileManager.default.temporaryDirectory.path + "/misuse-\(getpid())-other.safetensors"
            defer { try? FileManager.default.removeItem(atPath: path) }
            let other = Sequential { Dense(5, inputShape: [3]) }
            try other.build(inputShape: [3])
            try other.saveWeights(path)
            try classifier().loadWeights(path)
        },
        Row(misuse: "loading a missing model file", fragments: ["/no/such/dir/model.safetensors", "No such file"]) {
            _ = try loadModel("/no/such/dir/model.safetensors")
        },
        Row(misuse: "tensor with fewer scalars than its shape", fragments: ["needs 6 scalars, received 5"]) {
            _ = try Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5])
        },
        Row(misuse: "checked reshape to a different element count", fragments: ["6 scalars", "[4, 2]"]) {
            _ = try Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]).checkedReshaped([4, 2])
        },
        Row(misuse: "metrics on arrays of different lengths", fragments: ["inconsistent numbers of samples: [3, 2]"]) {
            _ = try meanSquaredError([1, 2, 3], [1, 2])
        },
        Row(misuse: "metrics on empty arrays", fragments: ["empty", "at least one sample"]) {
            _ = try meanAbsoluteError([], [])
        },
        Row(misuse: "scaler fitted on empty data", fragments: ["0 sample(s)", "minimum of 1 is required by StandardScaler"]) {
            var scaler = StandardScaler()
            try scaler.fit(try Tensor<Double>(shape: [0, 2], scalars: []))
        },
        Row(misuse: "CSV with a ragged row", fragments: ["ragged.csv", "line 3", "1 fields, expected 2"]) {
            _ = try CSV.readNumeric(bytes: Array("a,b\n1,2\n3\n".utf8), as: Double.self, fileName: "ragged.csv")
        },
        Row(misuse: "CSV with a non-numeric cell", fragments: ["cells.csv", "line 2, column 2", "invalid number 'x'"]) {
            _ = try CSV.readNumeric(bytes: Array("1,2\n3,x\n".utf8), as: Double.self, fileName: "cells.csv")
        },
        Row(misuse: "IDX bytes with a bad magic number", fragments: ["labels.idx", "byte offset 0", "magic number"]) {
            _ = try IDX.read([1, 2, 3, 4, 5, 6, 7, 8], fileName: "labels.idx")
        },
        Row(misuse: "NPY bytes that are not NPY", fragments: ["x.npy", "byte offset 0", "magic string"]) {
            _ = try NPY.read(Array("not numpy".utf8), fileName: "x.npy")
        },
        Row(misuse: "decoding a text file as an image", fragments: ["notes.txt", "expected a PNG or JPEG signature"]) {
            _ = try decodeImage(Array("hello, world".utf8), file: "notes.txt")
        },
        Row(misuse: "loading a missing image", fragments: ["/no/such/image.png", "No such file"]) {
            _ = try loadImage(path: "/no/such/image.png")
        },
        Row(misuse: "KFold with 1 split", fragments: ["n_splits=2 or more, got n_splits=1"]) {
            _ = try KFold(nSplits: 1)
        },
        Row(misuse: "KFold with more splits than samples", fragments: ["n_splits=5 greater than the number of samples: n_samples=3"]) {
            _ = try KFold(nSplits: 5).split(count: 3)
        },
    ] }

    func testEveryMisuseThrowsADescriptiveError() {
        var report: [String] = []
        for row in Self.rows {
            do {
                try row.body()
                XCTFail("\(row.misuse): did not throw")
            } catch {
                let message = String(describing: error)
                report.append("| \(row.misuse) | \(message) |")
                for fragment in row.fragments where !message.contains(fragment) {
                    XCTFail("\(row.misuse): message does not contain \"\(fragment)\": \(message)")
                }
            }
        }
        if ProcessInfo.processInfo.environment["SWIFTLEARN_PRINT_MISUSE_TABLE"] != nil {
            print(report.joined(separator: "\n"))
        }
    }

    /// NaN in the inputs is not an API error (Keras accepts it too), but it must not crash or pass silently:
    /// the loss is NaN and `TerminateOnNaN` stops at the first batch, naming epoch and batch.
    func testNaNInputsAreReportedNotCrashing() throws {
        let model = try Self.compiledClassifier()
        var scalars = Self.x.scalars
        scalars[4] = .nan
        let poisoned = try Tensor<Float>(shape: [4, 3], scalars: scalars)
        let guardCallback = TerminateOnNaN()
        let history = try model.fit(poisoned, Self.labels, epochs: 3, batchSize: 2, shuffle: false,
                                    callbacks: [guardCallback], verbose: 0)
        XCTAssertEqual(guardCallback.terminatedEpoch, 0)
        XCTAssertEqual(guardCallback.terminatedBatch, 0)
        XCTAssertEqual(history.epochs, [0])
        XCTAssertTrue(history["loss"]?.first?.isNaN ?? false)
    }
}
