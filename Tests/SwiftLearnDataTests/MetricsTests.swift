import Foundation
@testable import SwiftLearnData
import SwiftLearnTensor
import XCTest

final class MetricsTests: XCTestCase {
    private let yTrue = [0, 1, 2, 2, 2, 0, 1, 3, 3, 0, 1, 2, 3, 3, 0, 2, 1, 1]
    /// Class 1 is never predicted.
    private let yZero = [0, 0, 2, 2, 2, 0, 2, 3, 3, 0, 2, 2, 3, 3, 0, 2, 2, 0]

    func testClassificationReportTextPastedFromScikitLearn() throws {
        // sklearn.metrics.classification_report(y_true, y_zero,
        //     target_names=['T-shirt/top', 'Trouser', 'Pullover', 'Dress'])   (scikit-learn 1.9.1)
        let expected = """
                          precision    recall  f1-score   support

             T-shirt/top       0.67      1.00      0.80         4
                 Trouser       0.00      0.00      0.00         5
                Pullover       0.62      1.00      0.77         5
                   Dress       1.00      1.00      1.00         4

                accuracy                           0.72        18
               macro avg       0.57      0.75      0.64        18
            weighted avg       0.54      0.72      0.61        18

            """
        let report = try ClassificationReport(yTrue: yTrue, yPred: yZero,
                                              targetNames: ["T-shirt/top", "Trouser", "Pullover", "Dress"])
        XCTAssertEqual(report.description, expected)
        XCTAssertEqual(try classificationReport(yTrue, yZero, targetNames: ["T-shirt/top", "Trouser", "Pullover", "Dress"]),
                       expected)
        XCTAssertEqual(report.warnings, [
            "Precision is ill-defined and being set to 0.0 in labels with no predicted samples."
                + " Use `zero_division` parameter to control this behavior.",
        ])
        // The same report from label tensors.
        XCTAssertEqual(
            try classificationReport(Tensor<Int32>(yTrue.map(Int32.init)), Tensor<Int32>(yZero.map(Int32.init)),
                                     targetNames: ["T-shirt/top", "Trouser", "Pullover", "Dress"]),
            expected)
    }

    func testClassificationReportVariantsMatchScikitLearn() throws {
        let reference = try SklearnReference.local()
        let reports = try XCTUnwrap(reference["reports"] as? [String: Any])
        let yPred = referenceInts(reference["y_pred"])
        XCTAssertEqual(referenceInts(reference["y_true"]), yTrue)
        XCTAssertEqual(referenceInts(reference["y_zero"]), yZero)
        let cases: [(String, String)] = [
            ("default", try classificationReport(yTrue, yPred)),
            ("zero_pred_names_digits4", try classificationReport(
                yTrue, yZero, targetNames: ["zero", "one", "two", "a long class name"], digits: 4)),
            ("zero_pred_zd1", try classificationReport(yTrue, yZero, zeroDivision: .one)),
            ("zero_pred_zdnan", try classificationReport(yTrue, yZero, zeroDivision: .nan)),
            ("labels_subset", try classificationReport(yTrue, yPred, labels: [1, 2, 3])),
            ("labels_extra", try classificationReport(yTrue, yPred, labels: [0, 1, 2, 3, 4])),
            ("strings_digits0", try classificationReport(["b", "a", "c", "a", "b", "b"], ["b", "a", "a", "a", "c", "b"],
                                                         digits: 0)),
        ]
        XCTAssertEqual(Set(reports.keys), Set(cases.map(\.0)))
        for (name, text) in cases {
            XCTAssertEqual(text, reports[name] as? String, name)
        }
    }

    func testStructuredReportMatchesOutputDict() throws {
        let reference = try SklearnReference.local()
        let dictionary = try XCTUnwrap(reference["report_dict_zero_pred"] as? [String: Any])
        let report = try ClassificationReport(yTrue: yTrue, yPred: yZero)
        func check(_ row: ClassificationReportRow, _ key: String) throws {
            let expected = try XCTUnwrap(dictionary[key] as? [String: Any], key)
            XCTAssertEqual(row.precision, referenceDouble(expected["precision"]), accuracy: 1e-15, key)
            XCTAssertEqual(row.recall, referenceDouble(expected["recall"]), accuracy: 1e-15, key)
            XCTAssertEqual(row.f1Score, referenceDouble(expected["f1-score"]), accuracy: 1e-15, key)
            XCTAssertEqual(Double(row.support), referenceDouble(expected["support"]), key)
        }
        for row in report.classes { try check(row, row.name) }
        try check(report.macroAverage, "macro avg")
        try check(report.weightedAverage, "weighted avg")
        XCTAssertEqual(try XCTUnwrap(report.accuracy), referenceDouble(dictionary["accuracy"]), accuracy: 1e-15)
        XCTAssertNil(report.microAverage)
    }

    func testPrecisionRecallFScoreSupportAndAverages() throws {
        let reference = try SklearnReference.local()
        let yPred = referenceInts(reference["y_pred"])
        let scores = try PrecisionRecallFScore(yTrue: yTrue, yPred: yPred)
        let expected = try XCTUnwrap(reference["prfs"] as? [String: Any])
        XCTAssertEqual(scores.labels, [0, 1, 2, 3])
        assertCloseToReference(scores.precision, referenceDoubles(expected["precision"]), tolerance: 1e-15, "precision")
        assertCloseToReference(scores.recall, referenceDoubles(expected["recall"]), tolerance: 1e-15, "recall")
        assertCloseToReference(scores.fScore, referenceDoubles(expected["f1"]), tolerance: 1e-15, "f1")
        XCTAssertEqual(scores.support, referenceInts(expected["support"]))
        let averages = try XCTUnwrap(reference["prfs_avg"] as? [String: Any])
        for (name, kind) in [("micro", ClassAverage.micro), ("macro", .macro), ("weighted", .weighted)] {
            let values = referenceDoubles(averages[name])
            let average = scores.average(kind)
            assertCloseToReference([average.precision, average.recall, average.fScore], values, tolerance: 1e-15, name)
            XCTAssertEqual(try precisionScore(yTrue, yPred, average: kind), values[0], accuracy: 1e-15)
            XCTAssertEqual(try recallScore(yTrue, yPred, average: kind), values[1], accuracy: 1e-15)
            XCTAssertEqual(try f1Score(yTrue, yPred, average: kind), values[2], accuracy: 1e-15)
        }
        assertCloseToReference(try PrecisionRecallFScore(yTrue: yTrue, yPred: yPred, beta: 2).fScore,
                    referenceDoubles(reference["prfs_beta2"]), tolerance: 1e-15, "beta 2")
        assertCloseToReference(try precisionScores(yTrue, yPred), referenceDoubles(expected["precision"]), tolerance: 1e-15, "p")
        assertCloseToReference(try recallScores(yTrue, yPred), referenceDoubles(expected["recall"]), tolerance: 1e-15, "r")
        assertCloseToReference(try f1Scores(yTrue, yPred), referenceDoubles(expected["f1"]), tolerance: 1e-15, "f")
        XCTAssertEqual(try accuracyScore(yTrue, yPred), referenceDouble(reference["accuracy"]), accuracy: 1e-15)
    }

    func testConfusionMatrixMatchesScikitLearn() throws {
        let reference = try SklearnReference.local()
        let yPred = referenceInts(reference["y_pred"])
        let expected = try XCTUnwrap(reference["confusion"] as? [Any]).map { referenceInts($0) }
        XCTAssertEqual(try confusionMatrix(yTrue, yPred), expected)
        let subset = try XCTUnwrap(reference["confusion_labels"] as? [Any]).map { referenceInts($0) }
        XCTAssertEqual(try confusionMatrix(yTrue, yPred, labels: [3, 1, 5]), subset)
        let tensor = try confusionMatrix(Tensor<UInt8>(yTrue.map(UInt8.init)), Tensor<UInt8>(yPred.map(UInt8.init)))
        XCTAssertEqual(tensor.shape, [4, 4])
        XCTAssertEqual(tensor.scalars.map(Int.init), expected.flatMap { $0 })
        // scikit-learn's own docstring example.
        XCTAssertEqual(try confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]), [[2, 0, 0], [0, 0, 1], [1, 0, 2]])
    }

    func testMetricErrors() {
        XCTAssertThrowsError(try confusionMatrix([0, 1, 2], [0, 1])) { error in
            XCTAssertTrue("\(error)".contains("[3, 2]"), "\(error)")
        }
        XCTAssertThrowsError(try confusionMatrix([0, 1], [0, 1], labels: [7]))
        XCTAssertThrowsError(try classificationReport([0, 1, 1], [0, 1, 0], targetNames: ["only one"])) { error in
            XCTAssertTrue("\(error)".contains("2") && "\(error)".contains("1"), "\(error)")
        }
        XCTAssertThrowsError(try accuracyScore([Int](), []))
        XCTAssertThrowsError(try classificationReport([0, 1, Double.nan], [0, 1, 1])) { error in
            XCTAssertTrue("\(error)".contains("yTrue contains NaN at index 2"), "\(error)")
        }
        XCTAssertThrowsError(try accuracyScore(Tensor<Float>([0.5, 1]), Tensor<Float>([0, 1]))) { error in
            XCTAssertTrue("\(error)".contains("0.5") && "\(error)".contains("index 0"), "\(error)")
        }
        XCTAssertThrowsError(try accuracyScore(Tensor<Float>.zeros([3, 2]), Tensor<Float>.zeros([3, 2])))
    }

    // MARK: - toCategorical

    func testToCategoricalAgainstNaiveOneHot() throws {
        let labels: [Int32] = [0, 2, 1, 2, 4, 0]
        let encoded = try toCategorical(Tensor(labels))
        XCTAssertEqual(encoded.shape, [6, 5])
        for (row, label) in labels.enumerated() {
            for column in 0..<5 { XCTAssertEqual(encoded[row, column], column == Int(label) ? 1 : 0) }
        }
        let wider = try toCategorical(Tensor(labels), numClasses: 7)
        XCTAssertEqual(wider.shape, [6, 7])
        XCTAssertEqual(wider.scalars.reduce(0, +), 6)
        // [n, 1] drops the trailing axis like Keras; other shapes keep theirs.
        XCTAssertEqual(try toCategorical(Tensor<UInt8>(shape: [3, 1], scalars: [1, 0, 1])).shape, [3, 2])
        XCTAssertEqual(try toCategorical(Tensor<Float>(shape: [2, 2], scalars: [1, 0, 1, 2])).shape, [2, 2, 3])
        XCTAssertEqual(try toCategorical([1, 0], numClasses: 2).scalars, [0, 1, 1, 0])
        XCTAssertThrowsError(try toCategorical(Tensor<Int32>([0, 3]), numClasses: 3)) { error in
            XCTAssertTrue("\(error)".contains("index 1"), "\(error)")
        }
        XCTAssertThrowsError(try toCategorical([-1, 0])) { XCTAssertTrue("\($0)".contains("-1"), "\($0)") }
        XCTAssertThrowsError(try toCategorical(Tensor<Float>([0.5])))
    }

    // MARK: - regression

    func testRegressionMetricsMatchScikitLearn() throws {
        let reference = try XCTUnwrap(try SklearnReference.local()["regression"] as? [String: Any])
        let yt = referenceDoubles(reference["y_true"]), yp = referenceDoubles(reference["y_pred"])
        XCTAssertEqual(try meanAbsoluteError(yt, yp), referenceDouble(reference["mae"]), accuracy: 1e-15)
        XCTAssertEqual(try meanSquaredError(yt, yp), referenceDouble(reference["mse"]), accuracy: 1e-15)
        XCTAssertEqual(try r2Score(yt, yp), referenceDouble(reference["r2"]), accuracy: 1e-14)
        XCTAssertEqual(try r2Score(Tensor(yt), Tensor(yp)), referenceDouble(reference["r2"]), accuracy: 1e-14)

        let rowsTrue = referenceMatrix(reference["Y_true"]), rowsPred = referenceMatrix(reference["Y_pred"])
        let matrixTrue = try Tensor<Double>(shape: [12, 3], scalars: rowsTrue.flatMap { $0 })
        let matrixPred = try Tensor<Double>(shape: [12, 3], scalars: rowsPred.flatMap { $0 })
        XCTAssertEqual(try meanAbsoluteError(matrixTrue, matrixPred), referenceDouble(reference["mae2"]), accuracy: 1e-15)
        XCTAssertEqual(try meanSquaredError(matrixTrue, matrixPred), referenceDouble(reference["mse2"]), accuracy: 1e-15)
        XCTAssertEqual(try r2Score(matrixTrue, matrixPred), referenceDouble(reference["r2_2"]), accuracy: 1e-14)

        XCTAssertEqual(try r2Score([2, 2, 2], [2, 2, 2]), referenceDouble(reference["r2_constant_perfect"]))
        XCTAssertEqual(try r2Score([2, 2, 2], [2, 2.5, 2]), referenceDouble(reference["r2_constant_wrong"]))
        XCTAssertThrowsError(try meanSquaredError([1, 2], [1]))
        XCTAssertThrowsError(try r2Score(Tensor<Double>.zeros([3]), Tensor<Double>.zeros([4])))
    }

    // MARK: - helpers

    func testNumpyPairwiseSumAndFixedFormatting() {
        // Values whose sum depends on the order: numpy's pairwise blocks give exactly these results
        // (np.sum(np.array(v)) printed with repr).
        let values = (0..<300).map { index -> Double in index % 3 == 0 ? 1e16 : (index % 3 == 1 ? 1.0 : -1e16) }
        XCTAssertEqual(numpySum(values), 9.0)   // np.sum gives 9.0; a running sum gives 0.0
        // Python: format(0.125, '.2f') == '0.12', format(0.375, '.2f') == '0.38', format(2.5, '.0f') == '2'
        XCTAssertEqual(formatFixed(0.125, 2), "0.12")
        XCTAssertEqual(formatFixed(0.375, 2), "0.38")
        XCTAssertEqual(formatFixed(2.5, 0), "2")
        XCTAssertEqual(formatFixed(-.nan, 2), "nan")
    }
}
