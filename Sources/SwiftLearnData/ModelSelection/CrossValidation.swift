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
