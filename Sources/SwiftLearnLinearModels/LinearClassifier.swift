import Glibc
import SwiftLearnData
import SwiftLearnSystem
import SwiftLearnTensor

/// A fitted linear classifier: one weight row and intercept per decision, scored as `x · wᵀ + b`.
///
/// Two classes need one decision (positive: `classes[1]`); more classes need one decision per class.
struct LinearDecision: Sendable {
    /// The sorted distinct labels seen in training.
    var classes: [Int]
    /// `decisions × features`, row-major.
    var coefficients: [Double]
    /// One per decision.
    var intercepts: [Double]
    var features: Int

    var decisions: Int { intercepts.count }

    /// `x · wᵀ + b`: `samples × decisions`, row-major. Work is split over samples (outputs), so the result does
    /// not depend on the thread count.
    func scores(_ x: FeatureMatrix) -> [Double] {
        let decisions = self.decisions, features = self.features, rows = x.rows
        var scores = [Double](repeating: 0, count: rows * decisions)
        let parts = min(Parallelism.threadCount, max(1, rows * decisions * features / 2_000_000))
        x.values.withUnsafeBufferPointer { samples in
            coefficients.withUnsafeBufferPointer { weights in
                scores.withUnsafeMutableBufferPointer { output in
                    let samples = UncheckedSendable(samples), weights = UncheckedSendable(weights)
                    let output = UncheckedSendable(output)
                    Parallelism.run(parts) { part in
                        for row in (rows * part / parts)..<(rows * (part + 1) / parts) {
                            let sample = samples.value.baseAddress! + row * features
                            for decision in 0..<decisions {
                                output.value[row * decisions + decision] = dotProduct(
                                    sample, weights.value.baseAddress! + decision * features, count: features)
                                    + intercepts[decision]
                            }
                        }
                    }
                }
            }
        }
        return scores
    }

    /// The index in `classes` of each sample's prediction: `score > 0` for two classes, else the first largest score
    /// (numpy's `argmax`).
    func predictedIndices(_ scores: [Double]) -> [Int] {
        let decisions = self.decisions
        if decisions == 1 { return scores.map { $0 > 0 ? 1 : 0 } }
        return (0..<(scores.count / decisions)).map { row in
            var best = 0
            for decision in 1..<decisions where scores[row * decisions + decision] > scores[row * decisions + best] {
                best = decision
            }
            return best
        }
    }
}

/// A classifier that decides with `x · wᵀ + b`: scikit-learn's `LinearClassifierMixin` (`decision_function`,
/// `predict`, `score`) over ``coef`` and ``intercept``.
///
/// ``SGDClassifier``, ``Perceptron`` and ``LogisticRegression`` conform; everything here is available once `fit`
/// (or `partialFit`) has run.
public protocol LinearClassifier: Estimator, Sendable {
    /// `coef_`: `[1, features]` for two classes (weights of the decision for `classes[1]`), `[classes, features]`
    /// for more; nil before fitting.
    var coef: Tensor<Double>? { get }
    /// `intercept_`: `[1]` or `[classes]`; nil before fitting.
    var intercept: Tensor<Double>? { get }
    /// `classes_`: the distinct labels seen in training, ascending; empty before fitting.
    var classes: [Int] { get }
}

extension LinearClassifier {
    public var isClassifier: Bool { true }

    /// The model's name in messages.
    var modelName: String { String(describing: Self.self) }

    /// The fitted decision, or an error saying `fit` comes first.
    func fittedDecision() throws(LinearModelError) -> LinearDecision {
        guard let coef, let intercept, !classes.isEmpty else {
            throw .notFitted("this \(modelName) instance is not fitted yet; call fit(_:_:) before using it")
        }
        return LinearDecision(classes: classes, coefficients: coef.scalars, intercepts: intercept.scalars,
                              features: coef.shape[1])
    }

    /// Confidence scores `x · coefᵀ + intercept` (scikit-learn's `decision_function`): shape `[n]` for two classes
    /// (positive means `classes[1]`), `[n, classes]` otherwise.
    ///
    /// ```swift
    /// let scores = try model.decisionFunction(xTest)   // [10000, 10] for Fashion-MNIST
    /// ```
    public func decisionFunction<Scalar: TensorFloatingPoint>(_ x: Tensor<Scalar>) throws(LinearModelError)
        -> Tensor<Scalar> {
        let decision = try fittedDecision()
        let samples = try featureMatrix(x, expectedColumns: decision.features, model: modelName)
        let scores = decision.scores(samples)
        let shape = decision.decisions == 1 ? [samples.rows] : [samples.rows, decision.decisions]
        return Tensor(shape: shape) { buffer in
            for index in 0..<scores.count { buffer[index] = Scalar(scores[index]) }
        }
    }

    /// The predicted class of every sample, `[n]`: `classes[1]` where the decision is positive for two classes,
    /// the class with the largest decision otherwise (the first on ties), as `Int32`.
    ///
    /// ```swift
    /// let predicted = try model.predict(xTest)                   // Tensor<Int32>
    /// let sameType = try model.predict(xTest, as: UInt8.self)    // to compare with Tensor<UInt8> labels
    /// ```
    public func predict<Scalar: TensorFloatingPoint>(_ x: Tensor<Scalar>) throws(LinearModelError) -> Tensor<Int32> {
        try predictLabels(x, as: Int32.self)
    }

    /// ``predict(_:)`` with labels of type `Label`.
    /// - Throws: when a class does not fit in `Label` (class 300 as `UInt8`).
    public func predict<Scalar: TensorFloatingPoint, Label: TensorScalar>(
        _ x: Tensor<Scalar>, as type: Label.Type
    ) throws(LinearModelError) -> Tensor<Label> {
        try predictLabels(x, as: type)
    }

    private func predictLabels<Scalar: TensorFloatingPoint, Label: TensorScalar>(
        _ x: Tensor<Scalar>, as type: Label.Type
    ) throws(LinearModelError) -> Tensor<Label> {
        let decision = try fittedDecision()
        for label in decision.classes where Label(converting: Double(label)).doubleValue != Double(label) {
            throw .invalidInput("class \(label) cannot be represented as \(Label.dtypeName); predict as a wider type")
        }
        let samples = try featureMatrix(x, expectedColumns: decision.features, model: modelName)
        let indices = decision.predictedIndices(decision.scores(samples))
        return Tensor(indices.map { Label(converting: Double(decision.classes[$0])) })
    }

    /// Mean accuracy of ``predict(_:)`` on `x` against `y` (scikit-learn's `score`), each sample counted with its
    /// weight when `sampleWeight` is given: `Σ wᵢ [ŷᵢ = yᵢ] / Σ wᵢ`.
    public func score<Scalar: TensorFloatingPoint, Label: TensorScalar>(
        _ x: Tensor<Scalar>, _ y: Tensor<Label>, sampleWeight: [Double]?
    ) throws(LinearModelError) -> Double {
        let decision = try fittedDecision()
        let samples = try featureMatrix(x, expectedColumns: decision.features, model: modelName)
        let truth = try classLabels(y, samples: samples.rows, model: modelName)
        let weights = try sampleWeights(sampleWeight, samples: samples.rows)
        let predicted = decision.predictedIndices(decision.scores(samples))
        var correct = 0.0, total = 0.0
        for row in 0..<samples.rows {
            if decision.classes[predicted[row]] == truth[row] { correct += weights[row] }
            total += weights[row]
        }
        guard total > 0 else { throw .invalidInput("sampleWeight sums to zero; the accuracy is undefined") }
        return correct / total
    }

    /// Mean accuracy of ``predict(_:)`` on `x` against `y`.
    public func score<Scalar: TensorFloatingPoint, Label: TensorScalar>(
        _ x: Tensor<Scalar>, _ y: Tensor<Label>
    ) throws -> Double {
        try score(x, y, sampleWeight: nil)
    }
}

/// The natural logarithm of every probability (`predict_log_proba`).
func logarithms<Scalar: TensorFloatingPoint>(of probabilities: Tensor<Scalar>) -> Tensor<Scalar> {
    Tensor(shape: probabilities.shape) { buffer in
        for index in 0..<probabilities.count { buffer[index] = Scalar(log(probabilities.scalars[index].doubleValue)) }
    }
}

/// `1 / (1 + e^(-z))`, scipy's `expit`.
func logistic(_ z: Double) -> Double { 1 / (1 + exp(-z)) }
