import SwiftLearnTensor

/// Labels reduced to dense class codes, the way `np.unique(y, return_inverse=True)` does.
struct EncodedLabels: Sendable {
    /// Class code of every sample, `0 ..< classCount`.
    var codes: [Int]
    /// Number of distinct classes.
    var classCount: Int
    /// Printable class names (for error messages), in code order.
    var classNames: [String]
}

extension EncodedLabels {
    /// Codes in sorted-class order (`np.unique`), as `StratifiedShuffleSplit` uses them.
    init<Label: Hashable & Comparable>(sorting labels: [Label]) throws(ModelSelectionError) {
        try rejectNaN(labels)
        let classes = Array(Set(labels)).sorted()
        var codeOf = [Label: Int](minimumCapacity: classes.count)
        for (code, label) in classes.enumerated() { codeOf[label] = code }
        self.codes = labels.map { codeOf[$0]! }
        self.classCount = classes.count
        self.classNames = classes.map { String(describing: $0) }
    }

    /// Codes in order of first appearance, as `StratifiedKFold` encodes them.
    init<Label: Hashable>(firstAppearance labels: [Label]) throws(ModelSelectionError) {
        try rejectNaN(labels)
        var codeOf = [Label: Int]()
        var names = [String]()
        var codes = [Int]()
        codes.reserveCapacity(labels.count)
        for label in labels {
            if let code = codeOf[label] {
                codes.append(code)
            } else {
                codeOf[label] = names.count
                codes.append(names.count)
                names.append(String(describing: label))
            }
        }
        self.codes = codes
        self.classCount = names.count
        self.classNames = names
    }
}

/// Rejects labels that are not equal to themselves (NaN): they belong to no class.
func rejectNaN<Label: Equatable>(_ labels: [Label]) throws(ModelSelectionError) {
    if let index = labels.firstIndex(where: { $0 != $0 }) {
        throw .invalidLabels("label \(labels[index]) at index \(index) is not equal to itself (NaN); every sample needs a class")
    }
}

/// A label of a tensor: one scalar for rank 1 (or `[n, 1]`), or a whole row for multi-label `[n, k]` targets.
///
/// Rows compare like scikit-learn's stratification key `" ".join(row.astype(str))`, so a multi-label target
/// sorts into the same class order as in Python.
enum TensorLabel<Scalar: TensorScalar>: Hashable, Comparable {
    case scalar(Scalar)
    case row(String)

    static func < (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.scalar(let a), .scalar(let b)): return a < b
        case (.row(let a), .row(let b)): return Array(a.unicodeScalars.map(\.value)).lexicographicallyPrecedes(
            b.unicodeScalars.map(\.value))
        case (.scalar, .row): return true
        case (.row, .scalar): return false
        }
    }
}

/// Splits a label tensor into per-sample labels; rejects NaN (it has no class).
func tensorLabels<Scalar: TensorScalar>(
    _ labels: Tensor<Scalar>, name: String
) throws(ModelSelectionError) -> [TensorLabel<Scalar>] {
    guard labels.rank >= 1 else {
        throw .invalidLabels("\(name) must have at least one axis, got a scalar tensor")
    }
    for (index, value) in labels.scalars.enumerated() where value != value {
        throw .invalidLabels("\(name) holds NaN at flat index \(index); every sample needs a class")
    }
    let samples = labels.shape[0]
    let width = samples == 0 ? 0 : labels.count / samples
    if labels.rank == 1 || width == 1 {
        return labels.scalars.map { .scalar($0) }
    }
    return (0..<samples).map { row in
        .row(labels.scalars[(row * width)..<((row + 1) * width)].map { String(describing: $0) }.joined(separator: " "))
    }
}

/// Rejects non-integral floating-point labels, which scikit-learn classifies as a continuous target.
func requireDiscrete<Scalar: TensorScalar>(_ labels: Tensor<Scalar>, name: String) throws(ModelSelectionError) {
    for (index, value) in labels.scalars.enumerated() {
        let double = value.doubleValue
        if double.rounded(.towardZero) != double {
            throw .invalidLabels(
                "\(name) holds the non-integral value \(value) at flat index \(index): a continuous target"
                    + " cannot be stratified (expected binary or multiclass labels)")
        }
    }
}
