import SwiftLearnTensor

/// Scores of a model evaluated on every fold of a cross-validation (scikit-learn's `cross_validate`).
public struct CrossValidationResult: Sendable {
    /// The folds, in order.
    public var folds: [Fold]
    /// The validation score of each fold (`test_score`).
    public var scores: [Double]
    /// The training score of each fold, when a training scorer was given (`train_score`).
    public var trainScores: [Double]?
    /// Wall-clock seconds spent fitting on each fold (`fit_time`).
    public var fitTimes: [Double]
    /// Wall-clock seconds spent scoring each fold (`score_time`).
    public var scoreTimes: [Double]

    public init(folds: [Fold], scores: [Double], trainScores: [Double]?, fitTimes: [Double], scoreTimes: [Double]) {
        self.folds = folds
        self.scores = scores
        self.trainScores = trainScores
        self.fitTimes = fitTimes
        self.scoreTimes = scoreTimes
    }

    /// The mean validation score.
    public var meanScore: Double { scores.reduce(0, +) / Double(scores.count) }

    /// The population standard deviation of the validation scores (numpy's `std`, `ddof=0`).
    public var scoreStandardDeviation: Double {
        let mean = meanScore
        return (scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(scores.count)).squareRoot()
    }
}

/// Runs a fresh model per fold: `makeModel()`, `fit(&model, fold.train)`, then `score(model, fold.validation)`.
///
/// The closures receive sample indices; select the rows with ``selectSamples(_:at:)``. Nothing here depends on
/// the model type, so any estimator (a network, a closed-form regression) fits in.
///
/// ```swift
/// let folds = try KFold(nSplits: 5, shuffle: true, randomState: 0).split(count: x.shape[0])
/// let result = try crossValidate(
///     folds: folds,
///     makeModel: { LinearModel() },
///     fit: { model, rows in try model.fit(selectSamples(x, at: rows), selectSamples(y, at: rows)) },
///     score: { model, rows in try model.r2(selectSamples(x, at: rows), selectSamples(y, at: rows)) })
/// print(result.meanScore)
/// ```
/// - Parameter trainScore: when `true`, also scores every fitted model on its own training rows.
public func crossValidate<Model>(
    folds: [Fold],
    makeModel: () throws -> Model,
    fit: (inout Model, _ trainIndices: [Int]) throws -> Void,
    score: (Model, _ indices: [Int]) throws -> Double,
    trainScore: Bool = false
) rethrows -> CrossValidationResult {
    let clock = ContinuousClock()
    var scores = [Double](), trainScores = [Double](), fitTimes = [Double](), scoreTimes = [Double]()
    for fold in folds {
        var model = try makeModel()
        let fitStart = clock.now
        try fit(&model, fold.train)
        fitTimes.append(seconds(clock.now - fitStart))
        let scoreStart = clock.now
        scores.append(try score(model, fold.validation))
        scoreTimes.append(seconds(clock.now - scoreStart))
        if trainScore { trainScores.append(try score(model, fold.train)) }
    }
    return CrossValidationResult(folds: folds, scores: scores, trainScores: trainScore ? trainScores : nil,
                                 fitTimes: fitTimes, scoreTimes: scoreTimes)
}

/// Runs `evaluate` once per fold and collects its scores; for models whose fitting and scoring is one step.
public func crossValidate(
    folds: [Fold], _ evaluate: (Fold) throws -> Double
) rethrows -> CrossValidationResult {
    let clock = ContinuousClock()
    var scores = [Double](), times = [Double]()
    for fold in folds {
        let start = clock.now
        scores.append(try evaluate(fold))
        times.append(seconds(clock.now - start))
    }
    return CrossValidationResult(folds: folds, scores: scores, trainScores: nil, fitTimes: times,
                                 scoreTimes: [Double](repeating: 0, count: folds.count))
}

private func seconds(_ duration: Duration) -> Double {
    let (whole, attoseconds) = duration.components
    return Double(whole) + Double(attoseconds) * 1e-18
}

// MARK: - Estimators

/// A model that ``crossValidate(_:_:_:cv:scoring:returnTrainScore:)`` can refit on every fold: scikit-learn's
/// estimator contract (`clone`, `fit`, `score`) in Swift.
///
/// `SGDClassifier`, `Perceptron` and `LogisticRegression` (module `SwiftLearnLinearModels`) conform.
public protocol Estimator {
    /// Whether an integer `cv` stratifies the folds by label (scikit-learn's `is_classifier`): `true` for
    /// classifiers, whose default score is accuracy; `false` for regressors.
    var isClassifier: Bool { get }

    /// A copy with the same parameters and nothing learned (scikit-learn's `clone`), so a fold never starts
    /// from another fold's fit, even with warm starting on.
    func clone() -> Self

    /// Learns from `x` `[samples, features]` and one target per sample, `y` `[samples]`.
    mutating func fit<Scalar: TensorFloatingPoint, Label: TensorScalar>(_ x: Tensor<Scalar>, _ y: Tensor<Label>) throws

    /// The estimator's own score on `x`, `y`: mean accuracy for a classifier, R² for a regressor.
    func score<Scalar: TensorFloatingPoint, Label: TensorScalar>(_ x: Tensor<Scalar>, _ y: Tensor<Label>) throws -> Double
}

/// How ``crossValidate(_:_:_:cv:scoring:returnTrainScore:)`` cuts the samples into folds (scikit-learn's `cv`).
///
/// An integer literal is ``folds(_:)``: `cv: 5` means what `cv=5` means in scikit-learn.
public enum CrossValidationSplitter: Sendable, ExpressibleByIntegerLiteral {
    /// `n` folds without shuffling: ``StratifiedKFold`` for a classifier with class labels, ``KFold`` otherwise
    /// (scikit-learn's `check_cv`).
    case folds(Int)
    /// These K-fold settings, whatever the estimator.
    case kFold(KFold)
    /// These stratified K-fold settings, whatever the estimator.
    case stratifiedKFold(StratifiedKFold)
    /// Folds made elsewhere, used as they are.
    case indices([Fold])

    public init(integerLiteral value: Int) { self = .folds(value) }

    /// The folds for `labels` when the estimator is (or is not) a classifier.
    public func folds<Label: TensorScalar>(
        labels: Tensor<Label>, isClassifier: Bool
    ) throws(ModelSelectionError) -> [Fold] {
        let count = labels.shape.first ?? 0
        switch self {
        case .folds(let splits):
            let discrete = labels.scalars.allSatisfy { $0.doubleValue.rounded(.towardZero) == $0.doubleValue }
            let oneColumn = labels.rank == 1 || (labels.rank == 2 && labels.shape[1] == 1)
            if isClassifier && discrete && oneColumn {
                return try StratifiedKFold(nSplits: splits).split(labels: labels)
            }
            return try KFold(nSplits: splits).split(count: count)
        case .kFold(let splitter):
            return try splitter.split(count: count)
        case .stratifiedKFold(let splitter):
            return try splitter.split(labels: labels)
        case .indices(let folds):
            for (number, fold) in folds.enumerated() {
                if let bad = (fold.train + fold.validation).first(where: { $0 < 0 || $0 >= count }) {
                    throw .invalidParameter(
                        "fold \(number) holds sample index \(bad), outside 0 ..< \(count) (the number of samples)")
                }
            }
            return folds
        }
    }
}

/// Fits a fresh copy of `model` on every fold's training rows and scores it on the fold's held-out rows:
/// scikit-learn's `cross_validate(estimator, X, y, cv=5)`.
///
/// With `cv: 5` (the default, as in scikit-learn) a classifier gets `StratifiedKFold(nSplits: 5)` without
/// shuffling and any other estimator `KFold(nSplits: 5)`; the score is the model's ``Estimator/score(_:_:)``
/// (accuracy for classifiers) unless `scoring` is given. Folds run one after another; the mean over folds is
/// ``CrossValidationResult/meanScore``.
///
/// ```swift
/// let model = SGDClassifier(loss: .logLoss, maxIter: 5, randomState: 42)
/// let result = try crossValidate(model, xScaled, yTrain)      // 5 stratified folds
/// print(result.scores, result.meanScore)                      // test_score, np.mean(test_score)
/// ```
/// - Parameters:
///   - model: the estimator to copy (``Estimator/clone()``) for every fold; it is not fitted itself.
///   - x: samples `[n, features]`.
///   - y: one target per sample, `[n]`.
///   - cv: how to cut the folds.
///   - scoring: `score(model, xHeldOut, yHeldOut)`, replacing the model's own score.
///   - returnTrainScore: also score every fitted model on its own training rows (`train_score`).
/// - Throws: ``ModelSelectionError`` when `x` and `y` disagree on the sample count or the folds cannot be made;
///   the first error a fit or a score throws.
public func crossValidate<Model: Estimator, Scalar: TensorFloatingPoint, Label: TensorScalar>(
    _ model: Model, _ x: Tensor<Scalar>, _ y: Tensor<Label>,
    cv: CrossValidationSplitter = 5,
    scoring: ((Model, Tensor<Scalar>, Tensor<Label>) throws -> Double)? = nil,
    returnTrainScore: Bool = false
) throws -> CrossValidationResult {
    _ = try consistentSampleCount([x.shape.first, y.shape.first])
    let folds = try cv.folds(labels: y, isClassifier: model.isClassifier)
    func evaluate(_ fitted: Model, _ rows: [Int]) throws -> Double {
        let xPart = gatherSamples(x, rows), yPart = gatherSamples(y, rows)
        return try scoring?(fitted, xPart, yPart) ?? fitted.score(xPart, yPart)
    }
    return try crossValidate(
        folds: folds, makeModel: { model.clone() },
        fit: { fitted, rows in try fitted.fit(gatherSamples(x, rows), gatherSamples(y, rows)) },
        score: evaluate, trainScore: returnTrainScore)
}
