import Foundation
import SwiftLearnData
import SwiftLearnLinearModels
import SwiftLearnTensor
import SwiftLearnTestSupport
import XCTest

/// The tutorial's first cell on the first 2,000 Fashion-MNIST training images (the full 60,000 run is the
/// `fashion-mnist --model logistic` example): `cross_validate(SGDClassifier(loss='log_loss', max_iter=5,
/// random_state=42), x / 255, y)` against scikit-learn 1.9.1 on the same folds.
final class CrossValidationTests: XCTestCase {
    private func fashion() throws -> [String: Any] {
        try XCTUnwrap(try Reference.json()["fashion_mnist"] as? [String: Any])
    }

    /// `cv: 5` on a classifier is scikit-learn's `StratifiedKFold(5)` without shuffling.
    func testIntegerCVStratifiesForClassifiers() throws {
        let (_, y) = try Reference.fashionSubset()
        let reference = try fashion()
        let folds = try CrossValidationSplitter.folds(5).folds(labels: y, isClassifier: true)
        XCTAssertEqual(folds.map { $0.validation.count }, reference["fold_validation_sizes"] as? [Int])
        XCTAssertEqual(folds.map { Array($0.validation.prefix(10)) }, reference["fold_validation_heads"] as? [[Int]])
        // A regressor (or continuous targets) gets plain KFold: consecutive blocks.
        let plain = try CrossValidationSplitter.folds(5).folds(labels: y, isClassifier: false)
        XCTAssertEqual(plain[1].validation, Array(400..<800))
    }

    /// Hinge, perceptron and a well-regularized log loss are insensitive to rounding on these images (scikit-learn's
    /// weights move by ~1e-13 under 1e-15 input noise), so every fold's accuracy must be scikit-learn's, give or take
    /// one image of 400. The tutorial's own log-loss setting is not: scikit-learn's mean alone moves between 0.729
    /// and 0.765 under 1e-15 relative input noise (recorded by the fixture script), so the mean must lie within 0.01
    /// of that band.
    func testSGDClassifierMatchesScikitLearnOnTheSameFolds() throws {
        let (x, y) = try Reference.fashionSubset()
        let cases = try XCTUnwrap(try fashion()["cross_validate"] as? [[String: Any]])
        for reference in cases {
            let name = reference["name"] as! String
            let expected = reference["test_score"] as! [Double]
            let result: CrossValidationResult
            switch name {
            case "log_loss": result = try crossValidate(SGDClassifier(loss: .logLoss, maxIter: 5, randomState: 42), x, y)
            case "log_loss_alpha_0.01":
                result = try crossValidate(SGDClassifier(loss: .logLoss, alpha: 0.01, maxIter: 5, randomState: 42), x, y)
            case "hinge": result = try crossValidate(SGDClassifier(loss: .hinge, maxIter: 5, randomState: 42), x, y, cv: 5)
            case "perceptron": result = try crossValidate(Perceptron(maxIter: 5, randomState: 42), x, y, cv: 5)
            default: return XCTFail("unknown reference case \(name)")
            }
            XCTAssertEqual(result.folds.count, 5)
            if let band = reference["perturbed_means"] as? [Double] {
                XCTAssertGreaterThanOrEqual(result.meanScore, band.min()! - 0.01, "\(name): mean below scikit-learn's band \(band)")
                XCTAssertLessThanOrEqual(result.meanScore, band.max()! + 0.01, "\(name): mean above scikit-learn's band \(band)")
                continue
            }
            XCTAssertEqual(result.meanScore, reference["mean"] as! Double, accuracy: 0.0025, "\(name): mean over folds")
            for (fold, (score, target)) in zip(result.scores, expected).enumerated() {
                XCTAssertEqual(score, target, accuracy: 0.0025 + 1e-12, "\(name): fold \(fold)")
            }
        }
    }

    /// LogisticRegression(C: 0.01) on 300 images (784 features, 10 classes) converges after scikit-learn's number of
    /// iterations to the same coefficients.
    func testLogisticRegressionOnFashionMNIST() throws {
        let (x, y) = try Reference.fashionSubset()
        let reference = try XCTUnwrap(try fashion()["logistic"] as? [String: Any])
        let count = try XCTUnwrap(reference["samples"] as? Int)
        var model = LogisticRegression(C: try XCTUnwrap(reference["C"] as? Double))
        let first = Array(0..<count), next = Array(count..<(2 * count))
        try model.fit(try selectSamples(x, at: first), try selectSamples(y, at: first))
        XCTAssertEqual(model.nIter, reference["n_iter"] as? Int)
        XCTAssertTrue(model.converged)
        assertClose(model.coef, reference["coef"], tolerance: 1e-6, "coef")
        assertClose(model.intercept, reference["intercept"], tolerance: 1e-6, "intercept")
        XCTAssertEqual(try model.score(try selectSamples(x, at: first), try selectSamples(y, at: first)),
                       reference["score"] as! Double, accuracy: 1e-12)
        XCTAssertEqual(try model.score(try selectSamples(x, at: next), try selectSamples(y, at: next)),
                       reference["score_next"] as! Double, accuracy: 1e-12)
    }

    /// The estimator protocol: every fold gets a fresh clone (a warm-started model does not leak its weights), the
    /// training scores come on request, and a custom scorer replaces the model's score.
    func testCrossValidateContract() throws {
        let (x, y) = try Reference.dataset("three")
        var fitted = SGDClassifier(loss: .logLoss, randomState: 3, warmStart: true)
        try fitted.fit(x, y)
        let fresh = SGDClassifier(loss: .logLoss, randomState: 3, warmStart: true)
        let fromFitted = try crossValidate(fitted, x, y, cv: 3, returnTrainScore: true)
        let fromFresh = try crossValidate(fresh, x, y, cv: 3, returnTrainScore: true)
        XCTAssertEqual(fromFitted.scores, fromFresh.scores)
        XCTAssertEqual(fromFitted.trainScores?.count, 3)
        XCTAssertEqual(fromFitted.fitTimes.count, 3)

        // Fold by fold by hand: the same folds, models and scores.
        let folds = try StratifiedKFold(nSplits: 3).split(labels: y)
        for (fold, score) in zip(folds, fromFresh.scores) {
            var model = fresh.clone()
            try model.fit(try selectSamples(x, at: fold.train), try selectSamples(y, at: fold.train))
            XCTAssertEqual(try model.score(try selectSamples(x, at: fold.validation), try selectSamples(y, at: fold.validation)),
                           score)
        }

        let errors = try crossValidate(fresh, x, y, cv: .kFold(try KFold(nSplits: 3, shuffle: true, randomState: 1)),
                                       scoring: { model, xPart, yPart in
                                           1 - (try model.score(xPart, yPart))
                                       })
        XCTAssertEqual(errors.scores.count, 3)
        XCTAssertTrue(errors.scores.allSatisfy { $0 >= 0 && $0 < 0.2 })

        XCTAssertThrowsError(try crossValidate(fresh, x, try selectSamples(y, at: Array(0..<50)))) { error in
            XCTAssertEqual(error as? ModelSelectionError,
                           .inconsistentSampleCounts("found input variables with inconsistent numbers of samples: [90, 50]"))
        }
        XCTAssertThrowsError(try crossValidate(fresh, x, y, cv: .indices([Fold(train: [0, 1], validation: [95])]))) { error in
            XCTAssertEqual(error as? ModelSelectionError, .invalidParameter(
                "fold 0 holds sample index 95, outside 0 ..< 90 (the number of samples)"))
        }
    }
}
