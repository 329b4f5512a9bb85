import SwiftLearnTensor

/// What a metric reports when its denominator is zero (scikit-learn's `zero_division`).
public enum ZeroDivision: Sendable, Equatable {
    /// 0, and the report lists a warning (scikit-learn's default `"warn"`).
    case warn
    /// 0, silently.
    case zero
    /// 1.
    case one
    /// NaN; averages then skip the undefined values.
    case nan

    var value: Double {
        switch self {
        case .warn, .zero: return 0
        case .one: return 1
        case .nan: return .nan
        }
    }
}

/// Checks that both label arrays are non-empty, of the same length and free of NaN.
func checkTargets<Label: Equatable>(_ yTrue: [Label], _ yPred: [Label]) throws(MetricsError) {
    guard yTrue.count == yPred.count else {
        throw .inconsistentLengths(
            "found input variables with inconsistent numbers of samples: [\(yTrue.count), \(yPred.count)]")
    }
    guard !yTrue.isEmpty else {
        throw .invalidParameter("yTrue and yPred are empty; at least one sample is required")
    }
    for (name, labels) in [("yTrue", yTrue), ("yPred", yPred)] {
        if let index = labels.firstIndex(where: { $0 != $0 }) {
            throw .invalidLabels("\(name) contains NaN at index \(index)")
        }
    }
}

/// The sorted union of the labels present in both arrays (`unique_labels`).
func uniqueLabels<Label: Hashable & Comparable>(_ yTrue: [Label], _ yPred: [Label]) -> [Label] {
    Array(Set(yTrue).union(yPred)).sorted()
}

/// Class labels from a tensor of shape `[n]` or `[n, 1]`; floating-point labels must be integral.
func classLabels<Scalar: TensorScalar>(_ tensor: Tensor<Scalar>, name: String) throws(MetricsError) -> [Scalar] {
    guard tensor.rank == 1 || (tensor.rank == 2 && tensor.shape[1] == 1) else {
        throw .invalidLabels(
            "\(name) must hold one class label per sample, shape [n] or [n, 1], got shape \(tensor.shape);"
                + " for one-hot or probability rows take the argmax first")
    }
    for (index, value) in tensor.scalars.enumerated() {
        let double = value.doubleValue
        guard double.rounded(.towardZero) == double else {
            throw .invalidLabels(
                "\(name) holds the non-integral value \(value) at index \(index); classification metrics"
                    + " cannot handle continuous targets")
        }
    }
    return tensor.scalars
}

/// Per-label true positives, predicted counts and true counts (the diagonal and margins of
/// `multilabel_confusion_matrix`), counting every sample.
struct LabelTallies {
    var truePositives: [Int]
    var predicted: [Int]
    var actual: [Int]
}

func countLabels<Label: Hashable>(_ yTrue: [Label], _ yPred: [Label], labels: [Label]) -> LabelTallies {
    var position = [Label: Int](minimumCapacity: labels.count)
    for (index, label) in labels.enumerated() where position[label] == nil { position[label] = index }
    var result = LabelTallies(
        truePositives: [Int](repeating: 0, count: labels.count),
        predicted: [Int](repeating: 0, count: labels.count),
        actual: [Int](repeating: 0, count: labels.count))
    for (truth, prediction) in zip(yTrue, yPred) {
        let t = position[truth], p = position[prediction]
        if let t { result.actual[t] += 1 }
        if let p { result.predicted[p] += 1 }
        if let t, truth == prediction { result.truePositives[t] += 1 }
    }
    // A label listed twice gets the same counts in both places, as numpy's indexing gives.
    for (index, label) in labels.enumerated() {
        if let first = position[label], first != index {
            result.truePositives[index] = result.truePositives[first]
            result.predicted[index] = result.predicted[first]
            result.actual[index] = result.actual[first]
        }
    }
    return result
}
