import SwiftLearnTensor

/// One trainable (or frozen) array of a layer, like a Keras `Variable`: a `Dense` layer owns
/// `kernel` (shape `[inputWidth, units]`) and `bias` (shape `[units]`).
///
/// Layers create weights with ``Layer/addWeight(name:shape:initializer:trainable:)`` while building.
/// Values and gradients live in buffers the training loop updates in place; ``value`` copies the values
/// out and ``assign(_:)`` copies new ones in. A custom layer's `backward` stores its gradient with
/// ``assignGradient(_:)``.
///
/// ```swift
/// let kernel = dense.weights[0]          // "kernel", shape [784, 100]
/// let copy = kernel.value                // Tensor<Float>
/// try kernel.assign(copy * 0.5)
/// ```
public final class Weight {
    /// The name inside its layer, e.g. `kernel`.
    public let name: String
    /// The shape, e.g. `[784, 100]`.
    public let shape: [Int]
    /// Whether optimizers update it (Keras's `trainable`). BatchNormalization's moving statistics are not.
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
    public var value: Tensor<Float> { copy(values) }

    /// A copy of the gradient the last backward pass wrote.
    public var gradient: Tensor<Float> { copy(gradients) }

    /// The current values as a flat array (row-major).
    public var scalars: [Float] { Array(values) }

    /// Replaces the values.
    /// - Throws: ``NNError/shapeMismatch(_:)`` naming the weight and both shapes when `newValue.shape != shape`.
    public func assign(_ newValue: Tensor<Float>) throws(NNError) {
        try checkShape(newValue, role: "value")
        let destination = values
        newValue.withUnsafeBufferPointer { _ = destination.initialize(from: $0) }
    }

    /// Stores the gradient of the loss with respect to this weight (a custom layer's `backward` calls it).
    /// - Throws: ``NNError/shapeMismatch(_:)`` naming the weight and both shapes.
    public func assignGradient(_ gradient: Tensor<Float>) throws(NNError) {
        try checkShape(gradient, role: "gradient")
        let destination = gradients
        gradient.withUnsafeBufferPointer { _ = destination.initialize(from: $0) }
    }

    private func checkShape(_ tensor: Tensor<Float>, role: String) throws(NNError) {
        guard tensor.shape == shape else {
            throw .shapeMismatch("weight '\(name)' has shape \(numpyShape(shape)), received a \(role) of shape \(numpyShape(tensor.shape))")
        }
    }

    private func copy(_ source: UnsafeMutableBufferPointer<Float>) -> Tensor<Float> {
        Tensor(shape: shape) { destination in _ = destination.initialize(from: UnsafeBufferPointer(source)) }
    }

    func copyValues(from source: UnsafeBufferPointer<Float>) {
        _ = values.initialize(from: source)
    }
}
