import XCTest
@testable import SwiftLearnNN

/// Loss values against Keras 3.15's numpy-backend formulas evaluated by numpy in float32
/// (Fixtures/make_references.py), including the 1e-7 clipping of probabilities.
final class LossTests: XCTestCase {
    private let probabilities: [Float] = [0.2, 0.7, 0.1, 0.5, 0.25, 0.25, 1e-9, 0.9999999, 1e-9, 0.3, 0.3, 0.6]

    func testCategoricalCrossEntropyWithClipping() {
        let oneHot: [Float] = [0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1]
        XCTAssertEqual(evaluateLoss(.categoricalCrossentropy, probabilities, oneHot, rows: 4, width: 3).0, 4.465266227722168, accuracy: 2e-6)
        XCTAssertEqual(evaluateLoss(.sparseCategoricalCrossentropy, probabilities, [1, 0, 0, 2], rows: 4, width: 3).0, 4.465266227722168, accuracy: 2e-6)
    }

    func testBinaryCrossEntropyWithClipping() {
        let targets: [Float] = [0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1]
        XCTAssertEqual(evaluateLoss(.binaryCrossentropy, probabilities, targets, rows: 4, width: 3).0, 0.4269813895225525, accuracy: 2e-6)
    }

    func testRegressionLosses() {
        let p: [Float] = [1.5, -0.5, 0.2, 3.0, -2.0, 0.1]
        let y: [Float] = [1.0, 0.0, 0.0, 0.5, 0.5, 0.1]
        XCTAssertEqual(evaluateLoss(.mse, p, y, rows: 3, width: 2).0, 2.1733334064483643, accuracy: 1e-6)
        XCTAssertEqual(evaluateLoss(.mae, p, y, rows: 3, width: 2).0, 1.0333333015441895, accuracy: 1e-6)
        XCTAssertEqual(evaluateLoss(.huber, p, y, rows: 3, width: 2).0, 0.7116666436195374, accuracy: 1e-6)
    }

    /// Stable from logits even where softmax underflows (row 3: logits 100, -50, 3).
    func testSparseCrossEntropyFromLogits() {
        let logits: [Float] = [2, -1, 0.5, 0, 0, 0, 100, -50, 3, -3, 1, 4]
        let (value, unchanged, _) = evaluateLoss(.sparseCategoricalCrossentropy(fromLogits: true), logits, [0, 2, 1, 2], rows: 4, width: 3, fusion: .logits)
        XCTAssertEqual(value, 37.84734344482422, accuracy: 1e-4)
        XCTAssertEqual(unchanged, logits, "fromLogits keeps the predictions as given")
        // Fused with a softmax layer: same value, and the predictions become probabilities.
        let (fused, probabilities, _) = evaluateLoss(.sparseCategoricalCrossentropy, logits, [0, 2, 1, 2], rows: 4, width: 3, fusion: .activation)
        XCTAssertEqual(fused, 37.84734344482422, accuracy: 1e-4)
        XCTAssertEqual(probabilities[3], 1 / 3, accuracy: 1e-6)
        XCTAssertEqual(probabilities[0] + probabilities[1] + probabilities[2], 1, accuracy: 1e-6)
    }

    func testAccuracyResolvesFromTheLossLikeKeras() {
        XCTAssertEqual(Metric.accuracy.resolved(loss: .sparseCategoricalCrossentropy, width: 10, sparseTargets: true), .sparseCategoricalAccuracy)
        XCTAssertEqual(Metric.accuracy.resolved(loss: .categoricalCrossentropy, width: 10, sparseTargets: false), .categoricalAccuracy)
        XCTAssertEqual(Metric.accuracy.resolved(loss: .binaryCrossentropy, width: 1, sparseTargets: false), .binaryAccuracy)
        XCTAssertEqual(Metric.accuracy.resolved(loss: .mse, width: 1, sparseTargets: false), .binaryAccuracy)
        XCTAssertEqual(Metric.mae.resolved(loss: .mse, width: 3, sparseTargets: false), .meanAbsoluteError)
    }

    func testMetricValues() {
        let p: [Float] = [0.1, 0.7, 0.2, 0.5, 0.3, 0.2, 0.2, 0.2, 0.6]
        p.withUnsafeBufferPointer { pb in
            [Float]([1, 1, 2]).withUnsafeBufferPointer { labels in
                XCTAssertEqual(Metric.sum(.sparseCategoricalAccuracy, predictions: pb, targets: labels, rows: 3, width: 3), 2)
            }
            [Float]([0, 1, 0, 0, 0, 1, 0, 0, 1]).withUnsafeBufferPointer { oneHot in
                XCTAssertEqual(Metric.sum(.categoricalAccuracy, predictions: pb, targets: oneHot, rows: 3, width: 3), 2)
                XCTAssertEqual(Metric.sum(.binaryAccuracy, predictions: pb, targets: oneHot, rows: 3, width: 3), 1 + 2.0 / 3 + 1, accuracy: 1e-12)
                XCTAssertEqual(Metric.sum(.meanAbsoluteError, predictions: pb, targets: oneHot, rows: 3, width: 3),
                               Double((0.1 + 0.3 + 0.2) / 3 + (0.5 + 0.3 + 0.8) / 3 + (0.2 + 0.2 + 0.4) / 3 as Float), accuracy: 1e-6)
            }
        }
    }
}
