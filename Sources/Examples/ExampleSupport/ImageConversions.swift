import SwiftLearnTensor

/// The bytes of sample `index` (axis 0) of an image tensor `[n, ...]`.
public func sampleBytes(_ images: Tensor<UInt8>, at index: Int) -> [UInt8] {
    let size = images.shape.dropFirst().reduce(1, *)
    return images.withUnsafeBufferPointer { Array($0[(index * size)..<((index + 1) * size)]) }
}

/// Integer class labels from a label tensor of any scalar type (`[n]` or `[n, 1]`).
public func classList<Scalar: TensorScalar>(_ labels: Tensor<Scalar>) -> [Int] {
    labels.scalars.map { Int($0.doubleValue) }
}

/// The index of the largest value of each row of `[n, k]` scores (`np.argmax(p, axis=1)`); ties go to the
/// first, as in numpy.
public func rowArgmax(_ scores: Tensor<Float>) -> [Int] {
    classList(scores.argmax(axis: scores.rank - 1))
}
