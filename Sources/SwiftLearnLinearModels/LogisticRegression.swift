import Glibc
import SwiftLearnData
import SwiftLearnSystem
import SwiftLearnTensor

/// Logistic regression with an L2 penalty, fitted by L-BFGS: scikit-learn's `LogisticRegression()` (solver
/// `"lbfgs"`), binomial for two classes and multinomial (softmax) for more.
///
/// It minimizes the mean log loss plus the penalty, scaled as scikit-learn scales it:
///
///     two classes (y ∈ {0, 1}):   f(w, b) = (1/S) Σᵢ sᵢ [log(1 + e^{pᵢ}) - yᵢ pᵢ] + ‖w‖² / (2 C S),   pᵢ = w·xᵢ + b
///     K classes:                  f(W, b) = (1/S) Σᵢ sᵢ [log Σₖ e^{pᵢₖ} - pᵢ,yᵢ]  + ‖W‖²_F / (2 C S),  pᵢₖ = wₖ·xᵢ + bₖ
///
/// with sample weights `sᵢ` (times class weights) and `S = Σᵢ sᵢ`; the intercepts are not penalized. The solver
/// follows scipy's L-BFGS-B step for step (memory 10, Moré–Thuente line search, at most 50 trials), stopping when
/// every gradient component is at most ``tol`` or after ``maxIter`` iterations, so coefficients agree with
/// scikit-learn's to the solver's tolerance.
///
/// ```swift
/// var model = LogisticRegression(C: 20, maxIter: 1000)
/// try model.fit(xTrain, yTrain)
/// let p = try model.predictProba(xTest)        // [n, classes], rows sum to 1
/// print(try model.score(xTest, yTest))
/// ```
public struct LogisticRegression: LinearClassifier {
    /// The inverse of the regularization strength; smaller is stronger. `.infinity` turns the penalty off.
    public var C: Double
    /// Whether to fit the intercepts.
    public var fitIntercept: Bool
    /// The maximum number of L-BFGS iterations.
    public var maxIter: Int
    /// Stop when every component of the gradient of `f` is at most `tol` in absolute value.
    public var tol: Double
    /// Class weights multiplying the sample weights; nil weighs every class 1.
    public var classWeight: SGDClassifier.ClassWeight?
    /// Start `fit` from the previous solution instead of zeros.
    public var warmStart: Bool

    public private(set) var coef: Tensor<Double>?
    public private(set) var intercept: Tensor<Double>?
    public private(set) var classes: [Int] = []
    /// L-BFGS iterations of the last fit (`n_iter_`).
    public private(set) var nIter = 0
    /// Whether the last fit met the tolerance (scikit-learn warns with a `ConvergenceWarning` otherwise).
    public private(set) var converged = false

    /// Creates an unfitted model; the defaults are scikit-learn's.
    public init(C: Double = 1.0, fitIntercept: Bool = true, maxIter: Int = 100, tol: Double = 1e-4,
                classWeight: SGDClassifier.ClassWeight? = nil, warmStart: Bool = false) {
        self.C = C
        self.fitIntercept = fitIntercept
        self.maxIter = maxIter
        self.tol = tol
        self.classWeight = classWeight
        self.warmStart = warmStart
    }

    public func clone() -> LogisticRegression {
        LogisticRegression(C: C, fitIntercept: fitIntercept, maxIter: maxIter, tol: tol, classWeight: classWeight,
                           warmStart: warmStart)
    }

    /// Fits on `x` `[samples, features]` and class labels `y` `[samples]`.
    /// - Parameter sampleWeight: a weight per sample; nil weighs all 1.
    /// - Throws: ``LinearModelError`` for a parameter out of range or bad data.
    public mutating func fit<Scalar: TensorFloatingPoint, Label: TensorScalar>(
        _ x: Tensor<Scalar>, _ y: Tensor<Label>, sampleWeight: [Double]?
    ) throws(LinearModelError) {
        guard C > 0, !C.isNaN else { throw .invalidParameter("C must be > 0, got \(C)") }
        guard maxIter >= 0 else { throw .invalidParameter("maxIter must be >= 0, got \(maxIter)") }
        guard tol >= 0, tol.isFinite else { throw .invalidParameter("tol must be >= 0, got \(tol)") }
        let data = try featureMatrix(x, model: modelName)
        let labels = try classLabels(y, samples: data.rows, model: modelName)
        var weights = try sampleWeights(sampleWeight, samples: data.rows)
        let classes = Array(Set(labels)).sorted()
        guard classes.count >= 2 else {
            throw .invalidInput(
                "this solver needs samples of at least 2 classes in the data, but the data contains only one class:"
                    + " \(classes[0])")
        }
        let index = classIndices(labels, classes: classes)
        let perClass = try classWeights(classes: classes, index: index, sampleWeights: weights)
        for row in 0..<data.rows { weights[row] *= perClass[index[row]] }

        let decisions = classes.count == 2 ? 1 : classes.count
        let width = data.columns + (fitIntercept ? 1 : 0)
        var start = [Double](repeating: 0, count: decisions * width)
        if warmStart, let coef, let intercept, coef.shape == [decisions, data.columns] {
            for k in 0..<decisions {
                for j in 0..<data.columns { start[k * width + j] = coef[k, j] }
                if fitIntercept { start[k * width + data.columns] = intercept.scalars[k] }
            }
        }
        let objective = LogisticObjective(
            data: data, classIndex: index, sampleWeights: weights, decisions: decisions, fitIntercept: fitIntercept,
            l2Strength: C.isInfinite ? 0 : 1 / (C * weights.reduce(0, +)))
        let result = minimizeLBFGS(from: start, maxIterations: maxIter, gradientTolerance: tol) { point, gradient in
            objective.valueAndGradient(point, gradient)
        }
        var coefficients = [Double](), intercepts = [Double]()
        for k in 0..<decisions {
            coefficients += result.x[(k * width)..<(k * width + data.columns)]
            intercepts.append(fitIntercept ? result.x[k * width + data.columns] : 0)
        }
        coef = try? Tensor(shape: [decisions, data.columns], scalars: coefficients)
        intercept = Tensor(intercepts)
        self.classes = classes
        nIter = result.iterations
        converged = result.stop.converged
    }

    /// ``fit(_:_:sampleWeight:)`` with every sample weighing 1.
    public mutating func fit<Scalar: TensorFloatingPoint, Label: TensorScalar>(
        _ x: Tensor<Scalar>, _ y: Tensor<Label>
    ) throws {
        try fit(x, y, sampleWeight: nil)
    }

    /// Class probabilities `[n, classes]`: `[1 - σ(p), σ(p)]` for two classes, the softmax `e^{pₖ} / Σⱼ e^{pⱼ}` of
    /// the decisions for more.
    public func predictProba<Scalar: TensorFloatingPoint>(_ x: Tensor<Scalar>) throws(LinearModelError) -> Tensor<Scalar> {
        let decision = try fittedDecision()
        let samples = try featureMatrix(x, expectedColumns: decision.features, model: modelName)
        let scores = decision.scores(samples)
        let classCount = decision.classes.count
        var probabilities = [Double](repeating: 0, count: samples.rows * classCount)
        for row in 0..<samples.rows {
            if decision.decisions == 1 {
                let positive = logistic(scores[row])
                probabilities[row * 2] = 1 - positive
                probabilities[row * 2 + 1] = positive
            } else {
                let base = row * classCount
                let largest = (0..<classCount).reduce(-Double.infinity) { max($0, scores[base + $1]) }
                var sum = 0.0
                for k in 0..<classCount {
                    probabilities[base + k] = exp(scores[base + k] - largest)
                    sum += probabilities[base + k]
                }
                for k in 0..<classCount { probabilities[base + k] /= sum }
            }
        }
        return Tensor(shape: [samples.rows, classCount]) { buffer in
            for index in 0..<probabilities.count { buffer[index] = Scalar(probabilities[index]) }
        }
    }

    /// The natural logarithm of ``predictProba(_:)``.
    public func predictLogProba<Scalar: TensorFloatingPoint>(_ x: Tensor<Scalar>) throws(LinearModelError)
        -> Tensor<Scalar> {
        logarithms(of: try predictProba(x))
    }

    /// scikit-learn's `compute_class_weight` with sample weights: `.balanced` is `S / (K · Sₖ)`, `Sₖ` the weight
    /// of class `k`.
    private func classWeights(classes: [Int], index: [Int], sampleWeights: [Double]) throws(LinearModelError)
        -> [Double] {
        switch classWeight {
        case nil:
            return [Double](repeating: 1, count: classes.count)
        case .balanced?:
            var perClass = [Double](repeating: 0, count: classes.count)
            for (row, k) in index.enumerated() { perClass[k] += sampleWeights[row] }
            let total = perClass.reduce(0, +)
            return perClass.map { total / (Double(classes.count) * $0) }
        case .weights(let weights)?:
            let unknown = weights.keys.filter { !classes.contains($0) }.sorted()
            if !unknown.isEmpty {
                throw .invalidParameter("classWeight names the classes \(unknown), which are not in the data (\(classes))")
            }
            return classes.map { weights[$0] ?? 1 }
        }
    }
}

/// The penalized mean log loss of ``LogisticRegression`` and its gradient, for parameters laid out per decision as
/// `[w₀ … w_{d-1}, b]` (no `b` without an intercept).
struct LogisticObjective {
    let data: FeatureMatrix
    let classIndex: [Int]
    let sampleWeights: [Double]
    let decisions: Int
    let fitIntercept: Bool
    /// `1 / (C S)`.
    let l2Strength: Double

    /// Writes `∇f` into `gradient` and returns `f`. Rows are split between threads for the predictions and the
    /// per-row losses, features for the gradient sums, so no sum depends on the thread count.
    func valueAndGradient(_ parameters: UnsafeBufferPointer<Double>, _ gradient: UnsafeMutableBufferPointer<Double>)
        -> Double {
        let rows = data.rows, features = data.columns, decisions = self.decisions
        let width = features + (fitIntercept ? 1 : 0)
        let totalWeight = sampleWeights.reduce(0, +)
        // residual[i, k] = sᵢ (∂ℓᵢ/∂pᵢₖ) / S and the per-row losses.
        var residuals = [Double](repeating: 0, count: rows * decisions)
        var losses = [Double](repeating: 0, count: rows)
        let threads = min(Parallelism.threadCount, max(1, rows * features * decisions / 1_000_000))
        data.values.withUnsafeBufferPointer { samples in
            residuals.withUnsafeMutableBufferPointer { residualBuffer in
                losses.withUnsafeMutableBufferPointer { lossBuffer in
                    let samples = UncheckedSendable(samples), parameters = UncheckedSendable(parameters)
                    let residualBuffer = UncheckedSendable(residualBuffer), lossBuffer = UncheckedSendable(lossBuffer)
                    Parallelism.run(threads) { part in
                        var raw = [Double](repeating: 0, count: decisions)
                        for row in (rows * part / threads)..<(rows * (part + 1) / threads) {
                            let sample = samples.value.baseAddress! + row * features
                            for k in 0..<decisions {
                                let w = parameters.value.baseAddress! + k * width
                                raw[k] = dotProduct(sample, w, count: features) + (fitIntercept ? w[features] : 0)
                            }
                            let weight = sampleWeights[row] / totalWeight
                            if decisions == 1 {
                                let y = classIndex[row] == 1 ? 1.0 : 0.0
                                lossBuffer.value[row] = sampleWeights[row] * (logOnePlusExp(raw[0]) - y * raw[0])
                                residualBuffer.value[row] = weight * SGDClassifier.Loss.logLoss.derivative(y, raw[0])
                            } else {
                                let largest = raw.reduce(-Double.infinity, max)
                                var sum = 0.0
                                for k in 0..<decisions { sum += exp(raw[k] - largest) }
                                let logSum = largest + log(sum)
                                lossBuffer.value[row] = sampleWeights[row] * (logSum - raw[classIndex[row]])
                                for k in 0..<decisions {
                                    let probability = exp(raw[k] - logSum)
                                    residualBuffer.value[row * decisions + k] =
                                        weight * (probability - (k == classIndex[row] ? 1 : 0))
                                }
                            }
                        }
                    }
                }
            }
        }
        var value = losses.reduce(0, +) / totalWeight
        // ∇_w = Σᵢ residualᵢ xᵢ + w / (C S), ∇_b = Σᵢ residualᵢ; threads own disjoint feature ranges.
        let blocks = min(Parallelism.threadCount, max(1, rows * features * decisions / 1_000_000))
        data.values.withUnsafeBufferPointer { samples in
            residuals.withUnsafeBufferPointer { residualBuffer in
                let samples = UncheckedSendable(samples), residualBuffer = UncheckedSendable(residualBuffer)
                let gradientBuffer = UncheckedSendable(gradient), parameters = UncheckedSendable(parameters)
                Parallelism.run(blocks) { block in
                    let first = features * block / blocks, last = features * (block + 1) / blocks
                    let g = gradientBuffer.value.baseAddress!, w = parameters.value.baseAddress!
                    for k in 0..<decisions {
                        for j in first..<last { g[k * width + j] = 0 }
                    }
                    for row in 0..<rows {
                        let sample = samples.value.baseAddress! + row * features + first
                        for k in 0..<decisions {
                            let r = residualBuffer.value[row * decisions + k]
                            if r != 0 { addScaled(sample, times: r, to: g + k * width + first, count: last - first) }
                        }
                    }
                    for k in 0..<decisions {
                        for j in first..<last { g[k * width + j] += l2Strength * w[k * width + j] }
                    }
                }
            }
        }
        for k in 0..<decisions {
            if fitIntercept {
                var sum = 0.0
                for row in 0..<rows { sum += residuals[row * decisions + k] }
                gradient[k * width + features] = sum
            }
            let w = parameters.baseAddress! + k * width
            value += 0.5 * l2Strength * sumOfSquares(w, count: features)
        }
        return value
    }
}
