import Foundation
import SwiftLearnData
import SwiftLearnLinearModels
import SwiftLearnSystem
import SwiftLearnTensor
import SwiftLearnTestSupport
import XCTest

/// An SGDClassifier configured from the keyword arguments the reference script passed to scikit-learn.
func makeSGD(_ params: [String: Any], file: StaticString = #filePath, line: UInt = #line) -> SGDClassifier {
    var model = SGDClassifier()
    for (key, value) in params {
        let number = value as? Double
        switch key {
        case "loss": model.loss = SGDClassifier.Loss(rawValue: value as! String)!
        case "penalty": model.penalty = value is NSNull ? .none : SGDClassifier.Penalty(rawValue: value as! String)!
        case "alpha": model.alpha = number!
        case "l1_ratio": model.l1Ratio = number!
        case "max_iter": model.maxIter = value as! Int
        case "tol": model.tol = value is NSNull ? nil : number!
        case "random_state": model.randomState = UInt32(value as! Int)
        case "learning_rate": model.learningRate = SGDClassifier.LearningRate(rawValue: value as! String)!
        case "eta0": model.eta0 = number!
        case "power_t": model.powerT = number!
        case "average": model.average = value as! Int
        case "shuffle": model.shuffle = value as! Bool
        case "fit_intercept": model.fitIntercept = value as! Bool
        case "n_iter_no_change": model.nIterNoChange = value as! Int
        case "early_stopping": model.earlyStopping = value as! Bool
        case "validation_fraction": model.validationFraction = number!
        case "class_weight":
            if let name = value as? String {
                XCTAssertEqual(name, "balanced", file: file, line: line)
                model.classWeight = .balanced
            } else {
                let weights = value as! [String: Double]
                model.classWeight = .weights(Dictionary(uniqueKeysWithValues: weights.map { (Int($0.key)!, $0.value) }))
            }
        default: XCTFail("the test does not know scikit-learn's parameter \(key)", file: file, line: line)
        }
    }
    return model
}

/// Checks a fitted classifier against one reference case: weights and scores to `tolerance` (relative), and the
/// discrete results (iterations, clock, classes, predictions) exactly.
func assertMatches<Model: LinearClassifier>(
    _ model: Model, _ reference: [String: Any], x: Tensor<Double>, y: Tensor<Int32>, tolerance: Double,
    nIter: Int, t: Double?, proba: Tensor<Double>?, file: StaticString = #filePath, line: UInt = #line
) throws {
    let name = reference["name"] as! String
    assertClose(model.coef, reference["coef"], tolerance: tolerance, "\(name) coef", file: file, line: line)
    assertClose(model.intercept, reference["intercept"], tolerance: tolerance, "\(name) intercept", file: file, line: line)
    XCTAssertEqual(model.classes, reference["classes"] as? [Int], "\(name) classes", file: file, line: line)
    XCTAssertEqual(nIter, reference["n_iter"] as? Int, "\(name) n_iter_", file: file, line: line)
    if let t { XCTAssertEqual(t, reference["t"] as? Double, "\(name) t_", file: file, line: line) }
    let head = try selectSamples(x, at: Array(0..<6))
    assertClose(try model.decisionFunction(head), reference["decision"], tolerance: tolerance, "\(name) decision",
                file: file, line: line)
    let predicted: Tensor<Int32> = try model.predict(x)
    XCTAssertEqual(predicted.scalars.map(Int.init), reference["predict"] as? [Int], "\(name) predict", file: file, line: line)
    XCTAssertEqual(try model.score(x, y), reference["score"] as! Double, accuracy: 1e-12, "\(name) score",
                   file: file, line: line)
    if let proba { assertClose(proba, reference["proba"], tolerance: tolerance, "\(name) predict_proba", file: file, line: line) }
}

final class SGDClassifierTests: XCTestCase {
    /// Every SGDClassifier configuration the reference script fitted with scikit-learn 1.9.1: losses, penalties,
    /// schedules, averaging, class and sample weights, early stopping. Same seeds, same shuffles, same clock, so the
    /// weights agree to rounding (sums run in another order) and everything discrete agrees exactly.
    func testMatchesScikitLearn() throws {
        for reference in try Reference.cases("sgd") {
            let name = reference["name"] as! String
            let (x, y) = try Reference.dataset(reference["dataset"] as! String)
            var model = makeSGD(reference["params"] as! [String: Any])
            let weights = (reference["sample_weight"] as? Bool ?? false) ? Reference.sampleWeights(count: x.shape[0]) : nil
            try model.fit(x, y, sampleWeight: weights)
            let proba = model.loss == .logLoss || model.loss == .modifiedHuber ? try model.predictProba(try selectSamples(x, at: Array(0..<6))) : nil
            try assertMatches(model, reference, x: x, y: y, tolerance: 1e-7, nIter: model.nIter, t: model.t, proba: proba)
            XCTAssertEqual(model.featureCount, x.shape[1], name)
        }
    }

    /// Three `partial_fit` calls on 30-row chunks: weights, clock and epochs after each, as scikit-learn.
    func testPartialFitMatchesScikitLearn() throws {
        let (x, y) = try Reference.dataset("three")
        let steps = try XCTUnwrap(try Reference.json()["partial_fit"] as? [[String: Any]])
        var model = SGDClassifier(loss: .logLoss, randomState: 23)
        for (index, step) in steps.enumerated() {
            let rows = Array((index * 30)..<(index * 30 + 30))
            try model.partialFit(try selectSamples(x, at: rows), try selectSamples(y, at: rows),
                                 classes: index == 0 ? [0, 1, 2] : nil)
            assertClose(model.coef, step["coef"], tolerance: 1e-7, "partial fit \(index) coef")
            assertClose(model.intercept, step["intercept"], tolerance: 1e-7, "partial fit \(index) intercept")
            XCTAssertEqual(model.t, step["t"] as? Double)
            XCTAssertEqual(model.nIter, step["n_iter"] as? Int)
        }
    }

    /// `warmStart`: the second fit starts from the first solution (and resets the clock), as scikit-learn.
    func testWarmStartMatchesScikitLearn() throws {
        let (x, y) = try Reference.dataset("three")
        let reference = try XCTUnwrap(try Reference.json()["warm_start"] as? [String: [String: Any]])
        var model = SGDClassifier(maxIter: 3, tol: nil, randomState: 24, warmStart: true)
        try model.fit(x, y)
        assertClose(model.coef, reference["first"]!["coef"], tolerance: 1e-7, "first fit coef")
        let reversed = Array((0..<x.shape[0]).reversed())
        try model.fit(try selectSamples(x, at: reversed), try selectSamples(y, at: reversed))
        assertClose(model.coef, reference["second"]!["coef"], tolerance: 1e-7, "warm fit coef")
        assertClose(model.intercept, reference["second"]!["intercept"], tolerance: 1e-7, "warm fit intercept")
        XCTAssertEqual(model.t, reference["second"]!["t"] as? Double)

        // Without warm starting the second fit starts from zeros again and differs.
        var cold = SGDClassifier(maxIter: 3, tol: nil, randomState: 24)
        try cold.fit(x, y)
        try cold.fit(try selectSamples(x, at: reversed), try selectSamples(y, at: reversed))
        XCTAssertNotEqual(cold.coef?.scalars, model.coef?.scalars)
    }

    /// The one-vs-rest problems run in parallel; the weights must not depend on the thread count, and Float input
    /// gives the weights of its Double conversion.
    func testDeterministicAcrossThreadCountsAndScalarTypes() throws {
        let (x, y) = try Reference.dataset("three")
        let saved = Parallelism.threadCount
        defer { Parallelism.threadCount = saved }
        var weights: [[Double]] = []
        for threads in [1, 2, 3] {
            Parallelism.threadCount = threads
            var model = SGDClassifier(loss: .logLoss, randomState: 5)
            try model.fit(x, y)
            weights.append(try XCTUnwrap(model.coef).scalars)
        }
        XCTAssertEqual(weights[0], weights[1])
        XCTAssertEqual(weights[0], weights[2])

        let single = Tensor<Float>(x)
        var fromFloat = SGDClassifier(loss: .logLoss, randomState: 5)
        try fromFloat.fit(single, y)
        var fromRounded = SGDClassifier(loss: .logLoss, randomState: 5)
        try fromRounded.fit(Tensor<Double>(single), y)
        XCTAssertEqual(fromFloat.coef?.scalars, fromRounded.coef?.scalars)
        let probabilities = try fromFloat.predictProba(single)
        XCTAssertEqual(probabilities.shape, [90, 3])
        for row in 0..<90 {
            XCTAssertEqual((0..<3).reduce(Float(0)) { $0 + probabilities[row, $1] }, 1, accuracy: 1e-6)
        }
    }

    /// Labels keep their values (not their positions): predictions come back as the labels that were fitted, in any
    /// label type, and a class that does not fit the requested type is an error.
    func testLabelsOfAnyTypeAndTheirRange() throws {
        let (x, y) = try Reference.dataset("binary")   // labels 3 and 7
        var model = SGDClassifier(loss: .hinge, randomState: 0)
        try model.fit(x, Tensor<Float>(y))
        XCTAssertEqual(model.classes, [3, 7])
        XCTAssertEqual(model.coef?.shape, [1, 5])
        XCTAssertEqual(model.intercept?.shape, [1])
        XCTAssertEqual(try model.predict(x).scalars, try model.predict(x, as: UInt8.self).scalars.map(Int32.init))
        XCTAssertEqual(Set(try model.predict(x, as: Double.self).scalars), [3, 7])
        XCTAssertEqual(try model.decisionFunction(x).shape, [80])

        var wide = SGDClassifier(randomState: 0)
        try wide.fit(x, Tensor(y.scalars.map { $0 == 3 ? Int32(-1) : Int32(300) }))
        XCTAssertThrowsError(try wide.predict(x, as: UInt8.self)) { error in
            XCTAssertEqual(error as? LinearModelError,
                           .invalidInput("class -1 cannot be represented as uint8; predict as a wider type"))
        }
    }

    /// scikit-learn's argument checks, each message quoting the value received.
    func testInvalidParametersAndInputs() throws {
        let (x, y) = try Reference.dataset("three")
        func expect(_ model: SGDClassifier, _ message: String, line: UInt = #line) {
            var model = model
            XCTAssertThrowsError(try model.fit(x, y), line: line) { error in
                XCTAssertEqual(error as? LinearModelError, .invalidParameter(message), line: line)
            }
        }
        expect(SGDClassifier(alpha: 0), "alpha must be > 0 since learningRate is .optimal (alpha is used to compute"
                + " the optimal learning rate), got alpha=0")
        expect(SGDClassifier(alpha: -1), "alpha must be >= 0, got -1.0")
        expect(SGDClassifier(l1Ratio: 1.5), "l1Ratio must be in [0, 1], got 1.5")
        expect(SGDClassifier(maxIter: 0), "maxIter must be >= 1, got 0")
        expect(SGDClassifier(tol: -1), "tol must be >= 0 (or nil to never stop early), got -1.0")
        expect(SGDClassifier(eta0: 0), "eta0 must be > 0, got 0.0")
        expect(SGDClassifier(validationFraction: 1), "validationFraction must be in (0, 1), got 1.0")
        expect(SGDClassifier(nIterNoChange: 0), "nIterNoChange must be >= 1, got 0")
        expect(SGDClassifier(average: -2), "average must be >= 0 (0 is off), got -2")
        expect(SGDClassifier(loss: .logLoss, learningRate: .passiveAggressive1),
               "learning rate 'pa1' only works with loss .hinge, got loss 'log_loss'")
        expect(SGDClassifier(classWeight: .weights([9: 2])), "classWeight names the classes [9], which are not in the data ([0, 1, 2])")

        var model = SGDClassifier()
        func expectInput(_ body: () throws -> Void, _ message: String, line: UInt = #line) {
            XCTAssertThrowsError(try body(), line: line) { error in
                XCTAssertEqual(error as? LinearModelError, .invalidInput(message), line: line)
            }
        }
        expectInput({ try model.fit(Tensor<Double>(repeating: 0, shape: [90, 2, 2]), y) },
                    "SGDClassifier expects x of shape [samples, features], got shape [90, 2, 2]; flatten every sample"
                        + " first: x.reshaped([90, -1])")
        expectInput({ try model.fit(try selectSamples(x, at: Array(0..<10)), y) },
                    "found input variables with inconsistent numbers of samples: [10, 90] (x has 10 rows, y has 90 labels)")
        var withNaN = x
        withNaN[4, 2] = .nan
        expectInput({ try model.fit(withNaN, y) }, "x contains NaN at row 4, column 2 (SGDClassifier needs finite values)")
        expectInput({ try model.fit(x, Tensor<Double>(repeating: 0.5, shape: [90])) },
                    "unknown label type: continuous (y[0] = 0.5); SGDClassifier is a classifier and needs discrete class"
                        + " labels, not a regression target")
        expectInput({ try model.fit(x, Tensor<Int32>(repeating: 4, shape: [90])) },
                    "the number of classes has to be greater than one; got 1 class (4)")

        XCTAssertThrowsError(try SGDClassifier().predict(x)) { error in
            XCTAssertEqual(error as? LinearModelError,
                           .notFitted("this SGDClassifier instance is not fitted yet; call fit(_:_:) before using it"))
        }
        try model.fit(x, y)
        XCTAssertThrowsError(try model.predictProba(x)) { error in
            XCTAssertEqual(error as? LinearModelError, .unsupported(
                "probability estimates are not available for loss='hinge'; use .logLoss or .modifiedHuber"))
        }
        expectInput({ _ = try model.predict(try selectSamples(Tensor<Double>(repeating: 1, shape: [90, 3]), at: [0])) },
                    "x has 3 features, but SGDClassifier was fitted with 4 features (shape [1, 3])")

        var partial = SGDClassifier()
        XCTAssertThrowsError(try partial.partialFit(x, y)) { error in
            XCTAssertEqual(error as? LinearModelError, .notFitted("classes must be passed on the first call to partialFit"))
        }
        XCTAssertThrowsError(try partial.partialFit(x, y, classes: [0, 1])) { error in
            XCTAssertEqual(error as? LinearModelError, .invalidInput("y holds the label 2, which is not among classes [0, 1]"))
        }
        partial.earlyStopping = true
        XCTAssertThrowsError(try partial.partialFit(x, y, classes: [0, 1, 2])) { error in
            XCTAssertEqual(error as? LinearModelError, .invalidParameter("earlyStopping must be false with partialFit"))
        }
    }

    /// Divergence is reported with the epoch, like scikit-learn's ValueError.
    func testDivergenceIsAnError() throws {
        let x = try Tensor<Double>(shape: [4, 1], scalars: [1e300, -1e300, 1e300, -1e300])
        let y = Tensor<Int32>([0, 1, 0, 1])
        var model = SGDClassifier(loss: .squaredHinge, randomState: 0, learningRate: .constant, eta0: 1e10)
        XCTAssertThrowsError(try model.fit(x, y)) { error in
            XCTAssertEqual(error as? LinearModelError, .diverged(
                "floating-point under-/overflow occurred at epoch #1; scaling the input data with StandardScaler or"
                    + " MinMaxScaler might help"))
        }
    }
}
