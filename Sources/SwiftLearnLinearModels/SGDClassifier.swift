import Glibc
import SwiftLearnData
import SwiftLearnTensor

/// Linear classifiers (SVM, logistic regression, perceptron) trained by stochastic gradient descent, one sample at a
/// time: scikit-learn's `SGDClassifier`, with its defaults, its learning-rate schedules and its random streams, so
/// that the same seed gives the same model.
///
/// The model is a linear decision `p(x) = w·x + b` per class. SGD minimizes the regularized mean loss
///
///     E(w, b) = (1/n) Σᵢ L(yᵢ, w·xᵢ + b) + α R(w),   R(w) = (1 - l1Ratio)/2 ‖w‖² + l1Ratio ‖w‖₁
///
/// visiting the samples in a shuffled order every epoch; see ``Loss`` for `L`, ``Penalty`` for `R` and
/// ``LearningRate`` for the step sizes. With more than two classes it fits one binary classifier per class against
/// all the others (one-vs-rest, in parallel) and predicts the class with the largest decision.
///
/// ```swift
/// let ((trainImages, trainLabels), _) = try FashionMNIST.loadData()
/// let x = (Tensor<Double>(trainImages) / 255).reshaped([60000, 784])
/// let model = SGDClassifier(loss: .logLoss, maxIter: 5, randomState: 42)
/// let scores = try crossValidate(model, x, trainLabels)      // 5 stratified folds
/// print(scores.meanScore)        // 0.8195 (scikit-learn 1.9.1: 0.8194, the book: 0.8196)
/// ```
///
/// Reproducibility with scikit-learn: for `randomState: s` the per-class seeds are
/// `RandomState(s).randint(2³¹ - 1, size: classes)` (a binary problem uses `RandomState(s)` itself); from each,
/// one draw seeds the data set (unused by dense SGD) and the next seeds the epoch shuffle, an xorshift Fisher–Yates
/// replayed with the same seed every epoch on the previous order. Sums are taken in a different order than
/// scikit-learn's C loops, so weights agree to rounding, not bit for bit.
///
/// Early stopping scores the held-out rows with the true weights and the 0/1 (or ±1) targets of each binary
/// problem; scikit-learn 1.9 scores them with the weight vector before its pending scale and, for the log loss,
/// compares ±1 predictions with 0/1 targets, so its early-stopping decisions can differ from these.
public struct SGDClassifier: LinearClassifier {
    /// The regularizer `R(w)`; the intercept is never penalized.
    public enum Penalty: String, Sendable, CaseIterable {
        /// `½‖w‖²`, applied as the shrinkage `w ← (1 - ηα) w` before every update.
        case l2
        /// `‖w‖₁`, applied by truncated gradient (weights stop at zero instead of crossing it).
        case l1
        /// `(1 - l1Ratio)/2 ‖w‖² + l1Ratio ‖w‖₁`.
        case elasticNet = "elasticnet"
        /// No regularization (`penalty=None`).
        case none
    }

    /// The step size `η` of every update; `t` counts updates since `fit` began (it starts at 1).
    public enum LearningRate: String, Sendable, CaseIterable {
        /// `η = 1 / (α (t₀ + t - 1))` with `t₀ = 1 / (α η₀)`, `η₀ = α^(-1/4)` (Bottou's heuristic); the default.
        case optimal
        /// `η = eta0`.
        case constant
        /// `η = eta0 / t^powerT`.
        case invScaling = "invscaling"
        /// `η = eta0`, divided by 5 whenever `nIterNoChange` epochs pass without improvement, down to 1e-6.
        case adaptive
        /// Passive-aggressive I (hinge loss only): the step `min(eta0, L / ‖x‖²)`.
        case passiveAggressive1 = "pa1"
        /// Passive-aggressive II (hinge loss only): the step `L / (‖x‖² + 1 / (2 eta0))`.
        case passiveAggressive2 = "pa2"
    }

    /// Per-class weights multiplying the updates of that class's samples (`class_weight`).
    public enum ClassWeight: Sendable, Equatable {
        /// `n / (classes · count(class))`, so every class weighs the same in total (`"balanced"`).
        case balanced
        /// These weights by label; labels not listed weigh 1.
        case weights([Int: Double])
    }

    // MARK: Parameters (scikit-learn's constructor arguments, checked by `fit`)

    /// The loss; ``Loss/hinge`` by default.
    public var loss: Loss
    /// The regularizer; ``Penalty/l2`` by default.
    public var penalty: Penalty
    /// The regularization strength `α` (also the scale of the optimal learning rate); must be > 0 with
    /// ``LearningRate/optimal``.
    public var alpha: Double
    /// The L1 share of ``Penalty/elasticNet``, in `[0, 1]`.
    public var l1Ratio: Double
    /// Whether to fit the intercept `b` (else `b = 0`).
    public var fitIntercept: Bool
    /// The maximum number of epochs (passes over the data) of `fit`.
    public var maxIter: Int
    /// Stop when `nIterNoChange` epochs in a row fail to improve the objective by `tol`; nil never stops early.
    public var tol: Double?
    /// Whether to shuffle the samples every epoch.
    public var shuffle: Bool
    /// The seed of the shuffles and of the early-stopping split; nil draws a fresh one every fit.
    public var randomState: UInt32?
    /// The step-size schedule.
    public var learningRate: LearningRate
    /// `η₀` of the constant, invscaling, adaptive and passive-aggressive schedules; must be > 0.
    public var eta0: Double
    /// The exponent of ``LearningRate/invScaling``.
    public var powerT: Double
    /// Hold out `validationFraction` of the samples (stratified) and stop when their accuracy stops improving.
    public var earlyStopping: Bool
    /// The held-out share for early stopping, in `(0, 1)`.
    public var validationFraction: Double
    /// Epochs without improvement before stopping (or, with the adaptive schedule, before dividing `η` by 5).
    public var nIterNoChange: Int
    /// Class weights; nil weighs every class 1.
    public var classWeight: ClassWeight?
    /// Start `fit` from the previous solution instead of zeros.
    public var warmStart: Bool
    /// Averaged SGD: 0 is off; `n ≥ 1` reports the running average of the weights from the `n`-th update on
    /// (`average=True` is 1).
    public var average: Int

    // MARK: Learned state

    /// One binary problem's weights per decision row.
    var decisionStates: [BinarySGDState] = []
    /// The name in messages (``Perceptron`` wraps an SGDClassifier and names itself).
    var displayName = "SGDClassifier"
    var modelName: String { displayName }
    public internal(set) var classes: [Int] = []
    /// The number of features seen by `fit` (`n_features_in_`); 0 before.
    public internal(set) var featureCount = 0
    /// Epochs run by the last `fit` or `partialFit` (the most over the one-vs-rest problems: `n_iter_`).
    public internal(set) var nIter = 0
    /// Updates made so far plus one (scikit-learn's `t_`), the clock of the learning rate.
    public internal(set) var t = 1.0

    /// Creates an unfitted classifier; the defaults are scikit-learn's.
    ///
    /// ```swift
    /// let svm = SGDClassifier()                                            // hinge loss, L2, optimal rate
    /// let logistic = SGDClassifier(loss: .logLoss, maxIter: 5, randomState: 42)
    /// ```
    public init(
        loss: Loss = .hinge, penalty: Penalty = .l2, alpha: Double = 0.0001, l1Ratio: Double = 0.15,
        fitIntercept: Bool = true, maxIter: Int = 1000, tol: Double? = 1e-3, shuffle: Bool = true,
        randomState: UInt32? = nil, learningRate: LearningRate = .optimal, eta0: Double = 0.01, powerT: Double = 0.5,
        earlyStopping: Bool = false, validationFraction: Double = 0.1, nIterNoChange: Int = 5,
        classWeight: ClassWeight? = nil, warmStart: Bool = false, average: Int = 0
    ) {
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1Ratio = l1Ratio
        self.fitIntercept = fitIntercept
        self.maxIter = maxIter
        self.tol = tol
        self.shuffle = shuffle
        self.randomState = randomState
        self.learningRate = learningRate
        self.eta0 = eta0
        self.powerT = powerT
        self.earlyStopping = earlyStopping
        self.validationFraction = validationFraction
        self.nIterNoChange = nIterNoChange
        self.classWeight = classWeight
        self.warmStart = warmStart
        self.average = average
    }

    // MARK: Fitted coefficients

    /// Whether the reported weights are the running averages (averaging on and started).
    private var reportsAverage: Bool { average > 0 && Double(average) <= t - 1 }

    public var coef: Tensor<Double>? {
        guard !decisionStates.isEmpty else { return nil }
        let rows = decisionStates.map { reportsAverage ? $0.averageWeights : $0.weights }
        return try? Tensor(shape: [rows.count, featureCount], scalars: rows.flatMap { $0 })
    }

    public var intercept: Tensor<Double>? {
        guard !decisionStates.isEmpty else { return nil }
        return Tensor(decisionStates.map { reportsAverage ? $0.averageIntercept : $0.intercept })
    }

    public func clone() -> SGDClassifier {
        var copy = self
        copy.decisionStates = []
        copy.classes = []
        copy.featureCount = 0
        copy.nIter = 0
        copy.t = 1
        return copy
    }

    // MARK: Fitting

    /// Fits on `x` `[samples, features]` and class labels `y` `[samples]` from scratch (from the previous solution
    /// with ``warmStart``), running up to ``maxIter`` epochs.
    ///
    /// - Parameters:
    ///   - sampleWeight: a weight per sample multiplying its updates (and its class weight); nil weighs all 1.
    ///   - coefInit: starting weights `[decisions, features]` (`coef_init`).
    ///   - interceptInit: starting intercepts `[decisions]` (`intercept_init`).
    /// - Throws: ``LinearModelError`` for a parameter out of range, bad data (rank, NaN, continuous labels, one
    ///   class) or divergence.
    public mutating func fit<Scalar: TensorFloatingPoint, Label: TensorScalar>(
        _ x: Tensor<Scalar>, _ y: Tensor<Label>, sampleWeight: [Double]? = nil,
        coefInit: Tensor<Double>? = nil, interceptInit: Tensor<Double>? = nil
    ) throws(LinearModelError) {
        try validateParameters(forPartialFit: false)
        let data = try featureMatrix(x, model: modelName)
        let labels = try classLabels(y, samples: data.rows, model: modelName)
        let weights = try sampleWeights(sampleWeight, samples: data.rows)
        let classes = Array(Set(labels)).sorted()
        guard classes.count >= 2 else {
            throw .invalidInput("the number of classes has to be greater than one; got 1 class (\(classes[0]))")
        }
        var initialCoef = coefInit, initialIntercept = interceptInit
        if warmStart, !decisionStates.isEmpty {
            initialCoef = initialCoef ?? coef
            initialIntercept = initialIntercept ?? intercept
        }
        decisionStates = []
        t = 1
        try train(data, labels: labels, classes: classes, weights: weights, epochs: maxIter,
                  coefInit: initialCoef, interceptInit: initialIntercept)
    }

    /// ``fit(_:_:sampleWeight:coefInit:interceptInit:)`` with no weights or starting point.
    public mutating func fit<Scalar: TensorFloatingPoint, Label: TensorScalar>(
        _ x: Tensor<Scalar>, _ y: Tensor<Label>
    ) throws {
        try fit(x, y, sampleWeight: nil, coefInit: nil, interceptInit: nil)
    }

    /// One epoch over `x`, `y`, continuing from the current weights and learning-rate clock (`partial_fit`): for
    /// data that arrives in chunks or does not fit in memory.
    ///
    /// ```swift
    /// var model = SGDClassifier(loss: .logLoss, randomState: 0)
    /// for (xChunk, yChunk) in chunks { try model.partialFit(xChunk, yChunk, classes: Array(0...9)) }
    /// ```
    /// - Parameter classes: every label the model will ever see; required on the first call (a chunk need not
    ///   hold every class), and if given later, it must be the same.
    public mutating func partialFit<Scalar: TensorFloatingPoint, Label: TensorScalar>(
        _ x: Tensor<Scalar>, _ y: Tensor<Label>, classes: [Int]? = nil, sampleWeight: [Double]? = nil
    ) throws(LinearModelError) {
        let firstCall = decisionStates.isEmpty
        if firstCall { try validateParameters(forPartialFit: true) }
        let data = try featureMatrix(x, expectedColumns: firstCall ? nil : featureCount, model: modelName)
        let labels = try classLabels(y, samples: data.rows, model: modelName)
        let weights = try sampleWeights(sampleWeight, samples: data.rows)
        let known: [Int]
        if let classes {
            known = Array(Set(classes)).sorted()
            if !firstCall && known != self.classes {
                throw .invalidInput("classes=\(classes) is not the same as on the first call to partialFit (\(self.classes))")
            }
        } else if firstCall {
            throw .notFitted("classes must be passed on the first call to partialFit")
        } else {
            known = self.classes
        }
        guard known.count >= 2 else {
            throw .invalidInput("the number of classes has to be greater than one; got \(known.count) class")
        }
        if let unknown = labels.first(where: { !known.contains($0) }) {
            throw .invalidInput("y holds the label \(unknown), which is not among classes \(known)")
        }
        try train(data, labels: labels, classes: known, weights: weights, epochs: 1, coefInit: nil, interceptInit: nil)
    }

    // MARK: Probabilities

    /// Class probabilities `[n, classes]` (columns in ``classes`` order), for the log loss and the modified Huber
    /// loss.
    ///
    /// Log loss: `σ(p) = 1 / (1 + e^-p)` of each decision; two classes give `[1 - σ, σ]`, more are normalized
    /// one-vs-rest, `σₖ / Σⱼ σⱼ` (not a softmax). Modified Huber: `(clip(p, -1, 1) + 1) / 2`, normalized the same
    /// way (all-zero rows become uniform).
    /// - Throws: ``LinearModelError/unsupported(_:)`` for the other losses.
    public func predictProba<Scalar: TensorFloatingPoint>(_ x: Tensor<Scalar>) throws(LinearModelError) -> Tensor<Scalar> {
        guard loss == .logLoss || loss == .modifiedHuber else {
            throw .unsupported(
                "probability estimates are not available for loss='\(loss.rawValue)'; use .logLoss or .modifiedHuber")
        }
        let decision = try fittedDecision()
        let samples = try featureMatrix(x, expectedColumns: decision.features, model: modelName)
        let scores = decision.scores(samples)
        let classCount = decision.classes.count
        var probabilities = [Double](repeating: 0, count: samples.rows * classCount)
        let isLogLoss = loss == .logLoss
        func squash(_ score: Double) -> Double { isLogLoss ? logistic(score) : (min(max(score, -1), 1) + 1) / 2 }
        for row in 0..<samples.rows {
            if decision.decisions == 1 {
                let positive = squash(scores[row])
                probabilities[row * 2] = 1 - positive
                probabilities[row * 2 + 1] = positive
                continue
            }
            var sum = 0.0
            for k in 0..<classCount {
                let value = squash(scores[row * classCount + k])
                probabilities[row * classCount + k] = value
                sum += value
            }
            if sum == 0 {
                for k in 0..<classCount { probabilities[row * classCount + k] = 1 / Double(classCount) }
            } else {
                for k in 0..<classCount { probabilities[row * classCount + k] /= sum }
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
}
