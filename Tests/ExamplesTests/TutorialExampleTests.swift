import Foundation
import SwiftLearn
import SwiftLearnTestSupport
import XCTest
@testable import BostonHousingExample
@testable import FashionMNISTExample

/// The pure parts of the tutorial examples: their data preparation against the Python cells they mirror, and the
/// shape of their `--json` lines.
final class TutorialExampleTests: XCTestCase {
    /// `load_data(test_split=0.2, seed=777)`, standardization with the training rows' statistics and
    /// `train_test_split(test_size=0.33, random_state=777)`, against numpy and scikit-learn
    /// (Tests/Fixtures/examples/make_boston_tutorial.py).
    func testBostonPreparationMatchesTheTutorial() throws {
        let url = try TestFiles.fixture("examples/boston_tutorial.json")
        let reference = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let data = try BostonTutorial.prepare()
        XCTAssertEqual(data.xTrain.shape, [reference["train_rows"] as! Int, 13])
        XCTAssertEqual(data.xTest.shape, [reference["test_rows"] as! Int, 13])
        XCTAssertEqual(data.xFit.shape, [reference["fit_rows"] as! Int, 13])
        XCTAssertEqual(data.xValidation.shape, [reference["validation_rows"] as! Int, 13])
        func assertHead(_ tensor: Tensor<Float>, _ key: String, accuracy: Float, line: UInt = #line) {
            let expected = (reference[key] as! [Double]).map { Float($0) }
            for (value, target) in zip(tensor.scalars.prefix(expected.count), expected) {
                XCTAssertEqual(value, target, accuracy: accuracy, key, line: line)
            }
        }
        assertHead(data.yTrain, "y_train_head", accuracy: 1e-5)
        assertHead(data.yTest, "y_test_head", accuracy: 1e-5)
        assertHead(data.yFit, "y_fit_head", accuracy: 1e-5)
        assertHead(data.yValidation, "y_validation_head", accuracy: 1e-5)
        assertHead(data.xTrain, "x_train_first", accuracy: 1e-4)
        assertHead(data.xTest, "x_test_first", accuracy: 1e-4)
        assertHead(data.xFit, "x_fit_first", accuracy: 1e-4)
        let folds = try KFold(nSplits: 3).split(count: data.xTrain.shape[0])
        XCTAssertEqual(folds.map { [$0.validation.first!, $0.validation.last! + 1] },
                       reference["kfold_validation_ranges"] as? [[Int]])
    }

    /// The tutorial's model: 13 → 64 → 32 → 1 (3,009 parameters), and the `--json` keys with the split seed.
    func testBostonModelAndJSON() throws {
        let model = try BostonTutorial.makeModel(learningRate: 0.001)
        XCTAssertEqual(model.parameterCount, 13 * 64 + 64 + 64 * 32 + 32 + 32 + 1)
        let json = BostonTutorial.json(holdoutTestMAE: 2.5, foldTestMAE: [2, 3], foldValidationMAE: [2.2, 2.4],
                                       splitSeed: 777, seed: 42, epochs: 300, batchSize: 32)
        XCTAssertTrue(json.serialized.hasPrefix(
            #"{"holdout_test_mae":2.5,"kfold_test_mae":[2.0,3.0],"kfold_mean":2.5,"kfold_validation_mae":[2.2,2.4],"split_seed":777,"#),
            json.serialized)
        XCTAssertEqual(json["tutorial"]?["kfold_test_mae"], .numbers([2.06, 1.94, 2.15]))
    }

    /// `--model logistic`: numpy's `train_input / 255.0` reshaped to 784 columns, and the `--json` line's leading keys.
    func testFashionLogisticScalingAndJSON() throws {
        let images = try Tensor<UInt8>(shape: [2, 28, 28], scalars: (0..<(2 * 784)).map { UInt8($0 % 256) })
        let x = try LogisticTutorial.scaledFeatures(images)
        XCTAssertEqual(x.shape, [2, 784])
        XCTAssertEqual(x[1, 0], Double(784 % 256) / 255)
        XCTAssertEqual(x[0, 255], 1)
        let result = CrossValidationResult(folds: [], scores: [0.75, 0.85], trainScores: nil, fitTimes: [1, 2],
                                           scoreTimes: [0, 0])
        let json = LogisticTutorial.json(result, maxIter: 5, seed: 42, samples: 60000).serialized
        XCTAssertTrue(json.hasPrefix(#"{"model":"logistic","cv_scores":[0.75,0.85],"cv_mean_accuracy":0.8,"#), json)
        XCTAssertTrue(json.contains(#""tutorial_cv_mean_accuracy":0.8196"#), json)
    }
}
