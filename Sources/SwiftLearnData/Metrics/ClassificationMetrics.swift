import SwiftLearnTensor

/// How per-class scores are combined into one number.
public enum ClassAverage: Sendable, Equatable {
    /// From the total true positives, predictions and supports over the labels (equals accuracy for
    /// single-label multiclass data when all labels are included).
    case micro
    /// The unweighted mean of the per-class scores.
    case macro
    /// The mean of the per-class scores weighted by support.
    case weighted
}

/// Per-class precision, recall, F-beta and support (scikit-learn's `precision_recall_fscore_support` with
/// `average=None`).
///
/// `precision = tp / (tp + fp)`, `recall = tp / (tp + fn)`,
/// `F_β = (1 + β²) tp / ((1 + β²) tp + β² fn + fp)`; an empty denominator gives the ``ZeroDivision`` value.
public struct PrecisionRecallFScore<Label: Hashable & Comparable> {
    /// The labels, in the order of every array below.
    public var labels: [Label]
    public var precision: [Double]
    public var recall: [Double]
    public var fScore: [Double]
    /// Number of true samples of each label.
    public var support: [Int]
    /// The β of `fScore`.
    public var beta: Double
    /// scikit-learn's `UndefinedMetricWarning` texts for ill-defined scores when `zeroDivision` is `.warn`.
    public var warnings: [String]

    // The raw counts, kept so the averages can be computed afterwards.
    var tallies: LabelTallies
    var zeroDivision: ZeroDivision

    /// Computes the scores; `labels` defaults to the sorted union of both arrays.
    /// - Throws: for different lengths, empty input or a negative `beta`.
    public init(yTrue: [Label], yPred: [Label], labels: [Label]? = nil, beta: Double = 1,
                zeroDivision: ZeroDivision = .warn) throws(MetricsError) {
        try checkTargets(yTrue, yPred)
        guard beta >= 0 else { throw .invalidParameter("beta should be >= 0 in the F-beta score, got \(beta)") }
        let labels = labels ?? uniqueLabels(yTrue, yPred)
        let counts = countLabels(yTrue, yPred, labels: labels)
        self.labels = labels
        self.beta = beta
        self.tallies = counts
        self.zeroDivision = zeroDivision
        self.support = counts.actual
        var warnings = [String]()
        (precision, recall, fScore) = scores(counts, beta: beta, zeroDivision: zeroDivision,
                                             warnings: &warnings)
        self.warnings = warnings
    }

    /// The averaged `(precision, recall, fScore)`, as scikit-learn's `average="micro" | "macro" | "weighted"`.
    public func average(_ kind: ClassAverage) -> (precision: Double, recall: Double, fScore: Double) {
        var ignored = [String]()
        switch kind {
        case .micro:
            let total = LabelTallies(truePositives: [tallies.truePositives.reduce(0, +)],
                                     predicted: [tallies.predicted.reduce(0, +)],
                                     actual: [tallies.actual.reduce(0, +)])
            let (p, r, f) = scores(total, beta: beta, zeroDivision: zeroDivision, warnings: &ignored)
            return (p[0], r[0], f[0])
        case .macro:
            return (nanAverage(precision, weights: nil), nanAverage(recall, weights: nil),
                    nanAverage(fScore, weights: nil))
        case .weighted:
            let weights = support.map(Double.init)
            return (nanAverage(precision, weights: weights), nanAverage(recall, weights: weights),
                    nanAverage(fScore, weights: weights))
        }
    }
}

extension PrecisionRecallFScore: Sendable where Label: Sendable {}

private func scores(
    _ counts: LabelTallies, beta: Double, zeroDivision: ZeroDivision, warnings: inout [String]
) -> (precision: [Double], recall: [Double], fScore: [Double]) {
    let precision = divide(counts.truePositives.map(Double.init), counts.predicted.map(Double.init),
                           zeroDivision: zeroDivision, metric: "Precision", modifier: "predicted",
                           warnings: &warnings)
    let recall = divide(counts.truePositives.map(Double.init), counts.actual.map(Double.init),
                        zeroDivision: zeroDivision, metric: "Recall", modifier: "true",
                        warnings: &warnings)
    let fScore: [Double]
    if beta.isInfinite {
        fScore = recall
    } else if beta == 0 {
        fScore = precision
    } else {
        let beta2 = beta * beta
        fScore = divide(counts.truePositives.map { (1 + beta2) * Double($0) },
                        zip(counts.actual, counts.predicted).map { beta2 * Double($0) + Double($1) },
                        zeroDivision: zeroDivision, metric: "F-score", modifier: "true nor predicted",
                        warnings: &warnings)
    }
    return (precision, recall, fScore)
}

/// scikit-learn's `_prf_divide`: elementwise division with `zeroDivision` where the denominator is 0.
private func divide(
    _ numerator: [Double], _ denominator: [Double], zeroDivision: ZeroDivision, metric: String,
    modifier: String, warnings: inout [String]
) -> [Double] {
    var undefined = false
    let result = zip(numerator, denominator).map { numerator, denominator -> Double in
        if denominator == 0 {
            undefined = true
            return zeroDivision.value
        }
        return numerator / denominator
    }
    if undefined && zeroDivision == .warn {
        // scikit-learn's `_warn_prf` text.
        let place = result.count == 1 ? "due to" : "in labels with"
        warnings.append(
            "\(metric) is ill-defined and being set to 0.0 \(place) no \(modifier) samples."
                + " Use `zero_division` parameter to control this behavior.")
    }
    return result
}

/// scikit-learn's `_nanaverage`: the (weighted) mean ignoring NaN entries; all-zero weights fall back to the
/// plain mean, and an all-NaN input gives NaN.
func nanAverage(_ values: [Double], weights: [Double]?) -> Double {
    if values.isEmpty || values.allSatisfy(\.isNaN) { return .nan }
    guard let weights else {
        // np.nanmean: NaN replaced by 0 in the sum, divided by the non-NaN count.
        let count = values.filter { !$0.isNaN }.count
        return numpySum(values.map { $0.isNaN ? 0 : $0 }) / Double(count)
    }
    let kept = values.indices.filter { !values[$0].isNaN }
    let keptValues = kept.map { values[$0] }, keptWeights = kept.map { weights[$0] }
    let totalWeight = numpySum(keptWeights)
    if totalWeight == 0 { return numpyMean(keptValues) }
    return numpySum(zip(keptValues, keptWeights).map { $0 * $1 }) / totalWeight
}

/// The fraction of samples whose prediction equals the truth (`accuracy_score`).
public func accuracyScore<Label: Equatable>(_ yTrue: [Label], _ yPred: [Label]) throws(MetricsError) -> Double {
    try checkTargets(yTrue, yPred)
    let correct = zip(yTrue, yPred).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
    return Double(correct) / Double(yTrue.count)
}

/// ``accuracyScore(_:_:)`` for label tensors of shape `[n]` or `[n, 1]`.
public func accuracyScore<Label: TensorScalar>(
    _ yTrue: Tensor<Label>, _ yPred: Tensor<Label>
) throws(MetricsError) -> Double {
    try accuracyScore(classLabels(yTrue, name: "yTrue"), classLabels(yPred, name: "yPred"))
}

/// Per-class precision `tp / (tp + fp)` for `labels` (default: sorted union of both arrays).
public func precisionScores<Label: Hashable & Comparable>(
    _ yTrue: [Label], _ yPred: [Label], labels: [Label]? = nil, zeroDivision: ZeroDivision = .warn
) throws(MetricsError) -> [Double] {
    try PrecisionRecallFScore(yTrue: yTrue, yPred: yPred, labels: labels, zeroDivision: zeroDivision).precision
}

/// Per-class recall `tp / (tp + fn)`.
public func recallScores<Label: Hashable & Comparable>(
    _ yTrue: [Label], _ yPred: [Label], labels: [Label]? = nil, zeroDivision: ZeroDivision = .warn
) throws(MetricsError) -> [Double] {
    try PrecisionRecallFScore(yTrue: yTrue, yPred: yPred, labels: labels, zeroDivision: zeroDivision).recall
}

/// Per-class F1 `2 tp / (2 tp + fp + fn)`.
public func f1Scores<Label: Hashable & Comparable>(
    _ yTrue: [Label], _ yPred: [Label], labels: [Label]? = nil, zeroDivision: ZeroDivision = .warn
) throws(MetricsError) -> [Double] {
    try PrecisionRecallFScore(yTrue: yTrue, yPred: yPred, labels: labels, zeroDivision: zeroDivision).fScore
}

/// Averaged precision (`precision_score(..., average=)`).
public func precisionScore<Label: Hashable & Comparable>(
    _ yTrue: [Label], _ yPred: [Label], labels: [Label]? = nil, average: ClassAverage = .macro,
    zeroDivision: ZeroDivision = .warn
) throws(MetricsError) -> Double {
    try PrecisionRecallFScore(yTrue: yTrue, yPred: yPred, labels: labels, zeroDivision: zeroDivision)
        .average(average).precision
}

/// Averaged recall (`recall_score(..., average=)`).
public func recallScore<Label: Hashable & Comparable>(
    _ yTrue: [Label], _ yPred: [Label], labels: [Label]? = nil, average: ClassAverage = .macro,
    zeroDivision: ZeroDivision = .warn
) throws(MetricsError) -> Double {
    try PrecisionRecallFScore(yTrue: yTrue, yPred: yPred, labels: labels, zeroDivision: zeroDivision)
        .average(average).recall
}

/// Averaged F1 (`f1_score(..., average=)`).
public func f1Score<Label: Hashable & Comparable>(
    _ yTrue: [Label], _ yPred: [Label], labels: [Label]? = nil, average: ClassAverage = .macro,
    zeroDivision: ZeroDivision = .warn
) throws(MetricsError) -> Double {
    try PrecisionRecallFScore(yTrue: yTrue, yPred: yPred, labels: labels, zeroDivision: zeroDivision)
        .average(average).fScore
}
