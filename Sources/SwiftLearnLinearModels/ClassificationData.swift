import SwiftLearnTensor

/// Samples as one contiguous row-major `Double` buffer, `values[row * columns + column]`: what every fit and
/// prediction works on, whatever the caller's scalar type.
struct FeatureMatrix: Sendable {
    let rows: Int
    let columns: Int
    let values: [Double]
}

/// Checks `x` (`[samples, features]`, finite) and converts it to ``FeatureMatrix``.
/// - Parameter expectedColumns: the feature count of the fitted model, when there is one.
func featureMatrix<Scalar: TensorFloatingPoint>(
    _ x: Tensor<Scalar>, expectedColumns: Int? = nil, model: String
) throws(LinearModelError) -> FeatureMatrix {
    switch x.rank {
    case 2:
        break
    case 0:
        throw .invalidInput("\(model) expects x of shape [samples, features], got a scalar tensor")
    case 1:
        throw .invalidInput(
            "\(model) expects x of shape [samples, features], got shape \(x.shape); reshape it with"
                + " x.reshaped([-1, 1]) if it holds one feature, or x.reshaped([1, -1]) if it holds one sample")
    default:
        throw .invalidInput(
            "\(model) expects x of shape [samples, features], got shape \(x.shape); flatten every sample first:"
                + " x.reshaped([\(x.shape[0]), -1])")
    }
    let rows = x.shape[0], columns = x.shape[1]
    guard rows >= 1 else {
        throw .invalidInput("x of shape \(x.shape) has 0 samples, while a minimum of 1 is required by \(model)")
    }
    guard columns >= 1 else {
        throw .invalidInput("x of shape \(x.shape) has 0 features, while a minimum of 1 is required by \(model)")
    }
    if let expectedColumns, expectedColumns != columns {
        throw .invalidInput(
            "x has \(columns) features, but \(model) was fitted with \(expectedColumns) features (shape \(x.shape))")
    }
    // Double input is used as it is (no copy); Float widens exactly. Both concrete paths avoid a generic
    // conversion per element, which costs more than an SGD epoch's arithmetic on large inputs.
    let values: [Double]
    // (`as? [Double]` would cast element by element; the type test plus a bit cast of the array is free.)
    if Scalar.self == Double.self {
        values = unsafeBitCast(x.scalars, to: [Double].self)
    } else if Scalar.self == Float.self {
        values = unsafeBitCast(x.scalars, to: [Float].self).map { Double($0) }
    } else {
        values = x.scalars.map { $0.doubleValue }
    }
    // A finite sum of squares proves every value finite in one vectorized pass; only an infinite one (a NaN or an
    // infinity, or merely huge values) pays for the element-by-element search.
    let squares = values.withUnsafeBufferPointer { sumOfSquares($0.baseAddress!, count: $0.count) }
    if !squares.isFinite, let bad = values.firstIndex(where: { !$0.isFinite }) {
        let value = values[bad]
        throw .invalidInput(
            "x contains \(value.isNaN ? "NaN" : "infinity") at row \(bad / columns), column \(bad % columns)"
                + " (\(model) needs finite values)")
    }
    return FeatureMatrix(rows: rows, columns: columns, values: values)
}

/// One class label per sample from `y` (`[n]` or `[n, 1]`), as integers, checked against `samples`.
///
/// Like scikit-learn's `check_classification_targets`, a non-integral value is a continuous target and refused.
func classLabels<Label: TensorScalar>(
    _ y: Tensor<Label>, samples: Int, model: String
) throws(LinearModelError) -> [Int] {
    guard y.rank == 1 || (y.rank == 2 && y.shape[1] == 1) else {
        throw .invalidInput(
            "y must hold one class label per sample, shape [n] or [n, 1], got shape \(y.shape);"
                + " for one-hot rows take the argmax first")
    }
    guard y.shape[0] == samples else {
        throw .invalidInput(
            "found input variables with inconsistent numbers of samples: [\(samples), \(y.shape[0])] (x has"
                + " \(samples) rows, y has \(y.shape[0]) labels)")
    }
    var labels = [Int]()
    labels.reserveCapacity(samples)
    for (index, label) in y.scalars.enumerated() {
        let value = label.doubleValue
        guard value.isFinite, value.rounded(.towardZero) == value else {
            throw .invalidInput(
                "unknown label type: continuous (y[\(index)] = \(label)); \(model) is a classifier and needs"
                    + " discrete class labels, not a regression target")
        }
        guard abs(value) < 9.007_199_254_740_992e15 else {
            throw .invalidInput("label \(label) at index \(index) is too large to be a class label")
        }
        labels.append(Int(value))
    }
    return labels
}

/// Sample weights: all ones when `weights` is nil, else checked (one per sample, finite, non-negative).
func sampleWeights(_ weights: [Double]?, samples: Int) throws(LinearModelError) -> [Double] {
    guard let weights else { return [Double](repeating: 1, count: samples) }
    guard weights.count == samples else {
        throw .invalidInput("sampleWeight has \(weights.count) values, expected one per sample (\(samples))")
    }
    if let index = weights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
        throw .invalidInput("sampleWeight[\(index)] = \(weights[index]); weights must be finite and non-negative")
    }
    return weights
}

/// The position of every label in `classes` (sorted, distinct).
func classIndices(_ labels: [Int], classes: [Int]) -> [Int] {
    var position = [Int: Int](minimumCapacity: classes.count)
    for (index, label) in classes.enumerated() { position[label] = index }
    return labels.map { position[$0] ?? -1 }
}
