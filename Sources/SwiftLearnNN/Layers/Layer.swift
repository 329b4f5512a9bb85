import SwiftLearnTensor

/// The base class of every layer: a function from a batch `[batch, inputShape...]` to a batch
/// `[batch, outputShape...]`, with its weights and its exact gradient.
///
/// Layers build lazily: the first input shape they see (or the `inputShape` given to the first
/// layer of a model) fixes their weights' shapes. Constructor arguments are checked when the layer is
/// built or its model compiled, and a bad value throws ``NNError/invalidArgument(_:)`` quoting it.
///
/// Names follow Keras: a layer created without a name gets its class name in snake case, made unique
/// in the process (`dense`, `dense_1`, ...); ``clearSession()`` starts the count again.
///
/// Subclasses override ``computeOutputShape(inputShape:)``, ``build(inputShape:seed:)``,
/// ``forward(input:output:batchSize:training:)`` and ``backward(input:output:outputGradient:inputGradient:batchSize:)``.
/// The kernel methods work on raw row-major buffers so the training loop allocates nothing.
///
/// ```swift
/// let dense = Dense(3, activation: .relu)
/// let y = try dense(Tensor<Float>(shape: [2, 4], scalars: Array(repeating: 1, count: 8)))   // shape [2, 3]
/// ```
open class Layer {
    /// The layer's name, unique within the process unless given explicitly.
    public var name: String
    /// The per-sample input shape given at construction (Keras's `input_shape`), if any.
    public let declaredInputShape: [Int]?
    /// When `false`, optimizers leave this layer's weights alone.
    public var trainable: Bool = true
    /// The per-sample input shape, once built.
    public internal(set) var inputShape: [Int]?
    /// The per-sample output shape, once built.
    public internal(set) var outputShape: [Int]?

    /// Set by a model while it trains or evaluates when the loss applies this layer's output activation
    /// itself (fused softmax or sigmoid with cross-entropy): forward then leaves the pre-activation
    /// values and backward receives the gradient with respect to them.
    var lossAppliesActivation = false

    /// - Parameters:
    ///   - name: the layer name; `nil` takes the next automatic name for the class.
    ///   - inputShape: the per-sample input shape, without the batch axis (Keras's `input_shape`).
    public init(name: String? = nil, inputShape: [Int]? = nil) {
        self.name = ""
        self.declaredInputShape = inputShape
        self.name = name ?? Session.shared.uniqueName(snakeCase(className))
    }

    /// The class name shown by `summary()` and stored in saved architectures (`Dense`).
    open var className: String { String(describing: type(of: self)) }

    /// Whether the layer has weights and shapes.
    public var isBuilt: Bool { outputShape != nil }

    /// The layer's weights in a fixed order (`kernel`, then `bias` for `Dense`).
    open var weights: [Weight] { [] }

    /// The activation at the very end of the layer, which a cross-entropy loss may fuse with itself.
    open var outputActivation: ActivationFunction? { nil }

    /// `true` when the output is the input under another shape (`Flatten`): the model then shares
    /// the buffers instead of copying.
    open var isReshapeOnly: Bool { false }

    /// Checks constructor arguments; throws ``NNError/invalidArgument(_:)`` quoting a bad value.
    open func validateArguments() throws {
        if let shape = declaredInputShape, shape.isEmpty || shape.contains(where: { $0 <= 0 }) {
            throw NNError.invalidArgument("\(className) '\(name)': inputShape must be non-empty with positive extents, received \(shape)")
        }
    }

    /// The per-sample output shape for a per-sample input shape; throws when the input cannot be handled.
    open func computeOutputShape(inputShape: [Int]) throws -> [Int] { inputShape }

    /// Creates the weights for `inputShape`, drawing any randomness from `seed`.
    open func build(inputShape: [Int], seed: UInt32) throws {}

    /// Computes `output` (`batchSize` samples of `outputShape`) from `input` (`batchSize` samples of `inputShape`).
    open func forward(input: UnsafeBufferPointer<Float>, output: UnsafeMutableBufferPointer<Float>,
                      batchSize: Int, training: Bool) {
        _ = output.initialize(from: input)
    }

    /// Writes the weights' gradients (overwriting, not accumulating) and, when `inputGradient` is not
    /// `nil`, dL/d(input). `outputGradient` holds dL/d(output) and may be overwritten.
    open func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                       outputGradient: UnsafeMutableBufferPointer<Float>,
                       inputGradient: UnsafeMutableBufferPointer<Float>?, batchSize: Int) {
        if let inputGradient { _ = inputGradient.initialize(from: UnsafeBufferPointer(outputGradient)) }
    }

    /// The constructor arguments, for saved architectures (Keras's `get_config`).
    open var config: [String: JSONValue] { [:] }

    /// The number of scalars in the weights.
    public var parameterCount: Int { weights.reduce(0) { $0 + $1.count } }

    /// Builds for `inputShape` if needed; throws when already built for a different shape.
    public func build(inputShape: [Int]) throws {
        try validateArguments()
        if let built = self.inputShape {
            guard built == inputShape else {
                throw NNError.shapeMismatch("layer '\(name)' was built for input shape \(kerasShape(built)), received input of shape \(kerasShape(inputShape))")
            }
            return
        }
        if let declared = declaredInputShape, declared != inputShape {
            throw NNError.shapeMismatch("layer '\(name)' expects input shape \(kerasShape(declared)), received input of shape \(kerasShape(inputShape))")
        }
        let output = try computeOutputShape(inputShape: inputShape)
        try build(inputShape: inputShape, seed: Session.shared.nextSeed())
        self.inputShape = inputShape
        self.outputShape = output
    }

    /// Applies the layer to a batch (axis 0 is the batch), building it on first use.
    ///
    /// `training: true` turns on training-only behaviour such as dropout.
    public func callAsFunction(_ input: Tensor<Float>, training: Bool = false) throws -> Tensor<Float> {
        guard input.rank >= 2 else {
            throw NNError.shapeMismatch("layer '\(name)' expects a batch of shape (batch, ...), received a tensor of shape \(numpyShape(input.shape))")
        }
        try build(inputShape: Array(input.shape.dropFirst()))
        let batch = input.shape[0]
        let outputShape = [batch] + self.outputShape!
        let saved = lossAppliesActivation
        lossAppliesActivation = false
        defer { lossAppliesActivation = saved }
        return input.withUnsafeBufferPointer { source in
            Tensor(shape: outputShape) { destination in
                forward(input: source, output: destination, batchSize: batch, training: training)
            }
        }
    }
}
