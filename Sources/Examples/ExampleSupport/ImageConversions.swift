import SwiftLearnTensor

/// `UInt8` pixels as `Float` divided by `divisor` (the tutorials' `x / 255.0`), same shape.
///
/// Division (not multiplication by `1/255`) gives the same float32 values as numpy's `(x / 255.0).astype("float32")`.
/// ```swift
/// let x = scaledPixels(xTrain)   // [60000, 28, 28], values in 0...1
/// ```
public func scaledPixels(_ images: Tensor<UInt8>, dividedBy divisor: Float = 255) -> Tensor<Float> {
    images.withUnsafeBufferPointer { source in
        Tensor<Float>(shape: images.shape) { destination in
            for index in source.indices { destination.initializeElement(at: index, to: Float(source[index]) / divisor) }
        }
    }
}

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
