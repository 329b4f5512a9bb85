import SwiftLearnTensor

/// One trainable (or frozen) array of a layer, like a Keras `Variable`: a `Dense` layer owns
/// `kernel` (shape `[inputWidth, units]`) and `bias` (shape `[units]`).
///
/// Values and gradients live in buffers the training loop updates in place; ``tensor`` copies
/// them out and ``assign(_:)`` copies new values in.
public final class Weight {
    /// The name inside its layer, e.g. `kernel`.
    public let name: String
    /// The shape, e.g. `[784, 100]`.
    public let shape: [Int]
    /// Whether optimizers update it.
    public var trainable: Bool
    /// The number of scalars.
    public let count: Int

    let valueBuffer: FloatBuffer
    let gradientBuffer: FloatBuffer

    init(name: String, shape: [Int], trainable: Bool = true) {
        self.name = name
        self.shape = shape
        self.trainable = trainable
        self.count = shape.reduce(1, *)
        valueBuffer = FloatBuffer(capacity: count)
        gradientBuffer = FloatBuffer(capacity: count)
    }

    var values: UnsafeMutableBufferPointer<Float> { valueBuffer.view(count) }
    var gradients: UnsafeMutableBufferPointer<Float> { gradientBuffer.view(count) }

    /// A copy of the current values.
    public var tensor: Tensor<Float> {
        let source = values
        return Tensor(shape: shape) { destination in
            _ = destination.initialize(from: source)
        }
    }

    /// The current values as a flat array (row-major).
    public var scalars: [Float] { Array(values) }

    /// Replaces the values.
    /// - Throws: ``NNError/shapeMismatch(_:)`` naming both shapes when `newValue.shape != shape`.
    public func assign(_ newValue: Tensor<Float>) throws(NNError) {
        guard newValue.shape == shape else {
            throw .shapeMismatch("weight '\(name)' has shape \(numpyShape(shape)), received a tensor of shape \(numpyShape(newValue.shape))")
        }
        let destination = values
        newValue.withUnsafeBufferPointer { source in
            _ = destination.initialize(from: source)
        }
    }

    func copyValues(from source: UnsafeBufferPointer<Float>) {
        _ = values.initialize(from: source)
    }
}
