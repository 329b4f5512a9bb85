import SwiftLearnTensor

/// The samples (axis-0 slices) of `tensor` at `indices`, in that order: `tensor[indices]` in numpy.
///
/// ```swift
/// let x = try Tensor<Float>(shape: [4, 2], scalars: [0, 1, 2, 3, 4, 5, 6, 7])
/// try selectSamples(x, at: [3, 0])   // [[6, 7], [0, 1]]
/// ```
/// - Throws: ``ModelSelectionError/invalidParameter(_:)`` for a rank-0 tensor or an index outside
///   `0 ..< shape[0]`, naming the position in `indices`.
public func selectSamples<Scalar: TensorScalar>(
    _ tensor: Tensor<Scalar>, at indices: [Int]
) throws(ModelSelectionError) -> Tensor<Scalar> {
    guard tensor.rank >= 1 else {
        throw .invalidParameter("cannot select samples of a scalar tensor (shape [])")
    }
    let samples = tensor.shape[0]
    for (position, index) in indices.enumerated() where index < 0 || index >= samples {
        throw .invalidParameter(
            "index \(index) at position \(position) is out of range for \(samples) samples (shape \(tensor.shape))")
    }
    return gatherSamples(tensor, indices)
}

/// Gathers axis-0 slices; `indices` are already known to be in range.
func gatherSamples<Scalar: TensorScalar>(_ tensor: Tensor<Scalar>, _ indices: [Int]) -> Tensor<Scalar> {
    let samples = tensor.shape[0]
    var shape = tensor.shape
    shape[0] = indices.count
    let width = samples == 0 ? 0 : tensor.count / samples
    return tensor.withUnsafeBufferPointer { source in
        Tensor(shape: shape) { destination in
            guard width > 0, let target = destination.baseAddress, let origin = source.baseAddress else { return }
            for (row, index) in indices.enumerated() {
                (target + row * width).initialize(from: origin + index * width, count: width)
            }
        }
    }
}

/// The common axis-0 length of `counts`, or an error listing all of them (scikit-learn's `check_consistent_length`).
func consistentSampleCount(_ counts: [Int?]) throws(ModelSelectionError) -> Int {
    if let position = counts.firstIndex(where: { $0 == nil }) {
        throw .invalidParameter("array at position \(position) is a scalar tensor; every array needs a sample axis")
    }
    let values = counts.compactMap { $0 }
    guard let first = values.first else {
        throw .invalidParameter("at least one array is required as input")
    }
    if values.contains(where: { $0 != first }) {
        throw .inconsistentSampleCounts("found input variables with inconsistent numbers of samples: \(values)")
    }
    return first
}
