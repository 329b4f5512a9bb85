import XCTest
import SwiftLearnTestSupport
import SwiftLearnTensor
@testable import SwiftLearnNN
import SwiftLearnSystem

/// What `fit` prints, captured from file descriptor 1 (a file here, so not a terminal: one line per epoch).
final class ProgressOutputTests: XCTestCase {
    private func model() throws -> (Sequential, Tensor<Float>, Tensor<Int32>) {
        setRandomSeed(31)
        let (x, y) = blobs(count: 40, seed: 32)
        let model = Sequential { Dense(3, activation: .softmax, inputShape: [2]) }
        try model.compile(optimizer: .adam(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        return (model, x, y)
    }

    func testOneLinePerEpochWhenNotATerminal() throws {
        let (model, x, y) = try model()
        var history: History!
        let output = try captureStandardOutput {
            history = try model.fit(x, y, epochs: 2, batchSize: 4, validationData: (x, y), verbose: 1)
        }
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.count, 5, output)
        XCTAssertEqual(lines[0], "Epoch 1/2")
        XCTAssertEqual(lines[2], "Epoch 2/2")
        XCTAssertEqual(lines[4], "")
        for (index, line) in [lines[1], lines[3]].enumerated() {
            XCTAssert(line.hasPrefix("10/10 [==============================] - "), line)
            XCTAssertFalse(line.contains("\r"))
            let suffix = " - loss: \(formatFixed(history["loss"]![index], digits: 4))"
                + " - accuracy: \(formatFixed(history["accuracy"]![index], digits: 4))"
                + " - val_loss: \(formatFixed(history["val_loss"]![index], digits: 4))"
                + " - val_accuracy: \(formatFixed(history["val_accuracy"]![index], digits: 4))"
            XCTAssert(line.hasSuffix(suffix), "\(line) should end with \(suffix)")
            XCTAssert(line.contains("s/step - loss:"), line)
        }
    }

    func testVerboseZeroPrintsNothingAndVerboseTwoHasNoBar() throws {
        let (model, x, y) = try model()
        XCTAssertEqual(try captureStandardOutput { try model.fit(x, y, epochs: 2, verbose: 0) }, "")
        let two = try captureStandardOutput { try model.fit(x, y, epochs: 1, batchSize: 8, verbose: 2) }
        let lines = two.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        XCTAssert(lines[1].hasPrefix("5/5 - "), lines[1])
        XCTAssertFalse(lines[1].contains("["))
        let evaluation = try captureStandardOutput { _ = try model.evaluate(x, y, batchSize: 40, verbose: 1) }
        XCTAssert(evaluation.hasPrefix("1/1 [==============================] - "), evaluation)
        XCTAssertEqual(try captureStandardOutput { _ = try model.predict(x, verbose: 0) }, "")
    }

    func testSummaryPrints() throws {
        clearSession()
        let (model, _, _) = try model()
        let printed = try captureStandardOutput { try model.summary() }
        XCTAssertEqual(printed, try model.summaryText())
    }
}
