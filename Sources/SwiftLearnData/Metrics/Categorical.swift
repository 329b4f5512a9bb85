import SwiftLearnTensor

/// One-hot encodes integer class labels (Keras's `to_categorical`).
///
/// Labels of shape `[n]` (or `[n, 1]`, whose last axis is dropped, or any shape `s`) become a `Float` tensor of
/// shape `s + [numClasses]` with a single 1 per label. `numClasses` defaults to `max(label) + 1`.
///
/// ```swift
/// try toCategorical(Tensor<Int32>([0, 2, 1]), numClasses: 3)   // [[1,0,0], [0,0,1], [0,1,0]]
/// ```
/// - Throws: ``MetricsError/invalidLabels(_:)`` for a negative, non-integral or `>= numClasses` label,
///   naming its flat index.
public func toCategorical<Label: TensorScalar>(
    _ labels: Tensor<Label>, numClasses: Int? = nil
) throws(MetricsError) -> Tensor<Float> {
    var shape = labels.shape
    if shape.count > 1 && shape.last == 1 { shape.removeLast() }
    let classes = try classIndices(labels.scalars.map(\.doubleValue), numClasses: numClasses)
    return oneHot(classes.indices, classCount: classes.count, shape: shape)
}

/// One-hot encodes an array of class indices into a `[labels.count, numClasses]` `Float` tensor.
public func toCategorical(_ labels: [Int], numClasses: Int? = nil) throws(MetricsError) -> Tensor<Float> {
    let classes = try classIndices(labels.map(Double.init), numClasses: numClasses)
    return oneHot(classes.indices, classCount: classes.count, shape: [labels.count])
}

private func classIndices(
    _ values: [Double], numClasses: Int?
) throws(MetricsError) -> (indices: [Int], count: Int) {
    if let numClasses, numClasses < 1 {
        throw .invalidParameter("numClasses must be at least 1, got \(numClasses)")
    }
    var indices = [Int]()
    indices.reserveCapacity(values.count)
    for (position, value) in values.enumerated() {
        guard value.rounded(.towardZero) == value, value >= 0, value < Double(Int32.max) else {
            throw .invalidLabels("label \(value) at index \(position) is not a non-negative integer class index")
        }
        let index = Int(value)
        if let numClasses, index >= numClasses {
            throw .invalidLabels("label \(index) at index \(position) is out of range for numClasses=\(numClasses)")
        }
        indices.append(index)
    }
    let count = numClasses ?? ((indices.max() ?? -1) + 1)
    guard count >= 1 else {
        throw .invalidParameter("cannot infer numClasses from an empty label list; pass numClasses")
    }
    return (indices, count)
}

private func oneHot(_ indices: [Int], classCount: Int, shape: [Int]) -> Tensor<Float> {
    var result = Tensor<Float>.zeros(shape + [classCount])
    result.withUnsafeMutableBufferPointer { buffer in
        for (row, index) in indices.enumerated() { buffer[row * classCount + index] = 1 }
    }
    return result
}
