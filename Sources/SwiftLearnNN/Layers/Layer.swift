import SwiftLearnRandom
import SwiftLearnTensor

/// The base class of every layer: a function from a batch `[batch, inputShape...]` to a batch
/// `[batch, outputShape...]`, with its weights and its exact gradient.
///
/// Layers build lazily: the first input shape they see (or the `inputShape` given to the first layer of
/// a model) fixes their weights' shapes. Constructor arguments are checked by ``validateArguments()``,
/// which runs when the layer is built, added to a model or compiled, and a bad value throws
/// ``NNError/invalidArgument(_:)`` quoting it. Names follow Keras: a layer created without a name gets
/// its class name in snake case, made unique in the process (`dense`, `dense_1`, ...).
///
/// ## Writing a layer
/// Subclass `Layer` in safe Swift: create weights in ``buildWeights(inputShape:)`` with
/// ``addWeight(name:shape:initializer:trainable:)``, compute the output in ``call(_:training:)``, and the
/// gradient in ``backward(inputs:outputs:outputGradient:)``: store each weight's gradient with
/// ``Weight/assignGradient(_:)`` and return the gradient with respect to the inputs. Override
/// ``computeOutputShape(inputShape:)`` when the shape changes and ``config`` (plus a registration with
/// ``LayerRegistry``) so a saved model with the layer loads back.
///
/// ```swift
/// /// y = x ⊙ scale, one learned factor per feature.
/// final class Scale: Layer {
///     var scale: Weight!
///     override func buildWeights(inputShape: [Int]) throws {
///         scale = addWeight(name: "scale", shape: [inputShape.last!], initializer: .ones)
///     }
///     override func call(_ inputs: Tensor<Float>, training: Bool) throws -> Tensor<Float> {
///         inputs * scale.value
///     }
///     override func backward(inputs: Tensor<Float>, outputs: Tensor<Float>,
///                            outputGradient: Tensor<Float>) throws -> Tensor<Float> {
///         try scale.assignGradient((outputGradient * inputs).sum(axis: 0))
///         return outputGradient * scale.value
///     }
/// }
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
    /// The weights in creation order (`kernel`, then `bias` for `Dense`).
    public private(set) var weights: [Weight] = []
    /// This layer's random stream (weight initialization, dropout masks), seeded from ``setRandomSeed(_:)``'s
    /// stream when the layer is built.
    public internal(set) var random = RandomState(seed: 0)

    /// - Parameters:
    ///   - inputShape: the per-sample input shape, without the batch axis (Keras's `input_shape`).
    ///   - name: the layer name; `nil` takes the next automatic name for the class.
    public init(inputShape: [Int]? = nil, name: String? = nil) {
        self.name = ""
        self.declaredInputShape = inputShape
        self.name = name ?? Session.shared.uniqueName(snakeCase(className))
    }

    /// The class name shown by `summary()` and stored in saved architectures (`Dense`).
    open var className: String { String(describing: type(of: self)) }

    /// Whether the layer has weights and shapes.
    public var isBuilt: Bool { outputShape != nil }

    /// The activation at the very end of the layer, which a cross-entropy loss may fuse with itself.
    open var outputActivation: ActivationFunction? { nil }

    /// Checks constructor arguments; throws ``NNError/invalidArgument(_:)`` quoting a bad value.
    open func validateArguments() throws {
        if let shape = declaredInputShape, shape.isEmpty || shape.contains(where: { $0 <= 0 }) {
            throw NNError.invalidArgument("\(className) '\(name)': inputShape must be non-empty with positive extents, received \(shape)")
        }
    }

    /// The per-sample output shape for a per-sample input shape; throws when the input cannot be handled.
    open func computeOutputShape(inputShape: [Int]) throws -> [Int] { inputShape }

    /// Creates the layer's weights for `inputShape` with ``addWeight(name:shape:initializer:trainable:)``.
    /// Runs once, when the layer is first built.
    open func buildWeights(inputShape: [Int]) throws {}

    /// Creates a weight, filled by `initializer` from this layer's random stream, and registers it in
    /// ``weights``. Call it from ``buildWeights(inputShape:)``.
    ///
    /// - Throws: ``NNError/invalidArgument(_:)`` for a shape with a non-positive extent or too many values
    ///   (and, while a model file loads, more values than the file holds).
    @discardableResult
    public func addWeight(name: String, shape: [Int], initializer: Initializer = .glorotUniform,
                          trainable: Bool = true) throws -> Weight {
        var count = 1
        for extent in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard extent > 0, !overflow, product <= Int(Int32.max) else {
                throw NNError.invalidArgument("\(className) '\(self.name)': weight '\(name)' of shape \(numpyShape(shape)) needs positive extents and at most \(Int32.max) values")
            }
            count = product
        }
        try WeightBudget.current?.spend(count, on: "\(self.name)/\(name)")
        let weight = Weight(name: name, shape: shape, trainable: trainable)
        initializer.fill(weight.values, shape: shape, random: &random)
        weights.append(weight)
        return weight
    }

    /// The layer's output for a batch `inputs` (`[batch, inputShape...]`), Keras's `call`.
    ///
    /// Override it to write a layer on tensors; the built-in layers compute on the model's buffers
    /// instead and need not.
    open func call(_ inputs: Tensor<Float>, training: Bool) throws -> Tensor<Float> {
        guard let kernels = self as? KernelLayer else {
            return sharesInputStorage ? try inputs.checkedReshaped([inputs.shape[0]] + outputShape!) : inputs
        }
        let batch = inputs.shape[0]
        let pass = LayerPass(batchSize: batch, training: training, activationLeftToLoss: false)
        return inputs.withUnsafeBufferPointer { source in
            Tensor(shape: [batch] + outputShape!) { destination in
                kernels.forward(source, into: destination, pass: pass)
            }
        }
    }

    /// The gradient of the loss with respect to `inputs`, given its gradient with respect to `outputs`
    /// (the values ``call(_:training:)`` returned for `inputs` in the same step). Stores every weight's
    /// gradient with ``Weight/assignGradient(_:)``; a trainable weight left unassigned gets a zero gradient.
    ///
    /// The default passes `outputGradient` through unchanged (reshaped to the input's shape for a layer
    /// that ``sharesInputStorage``).
    open func backward(inputs: Tensor<Float>, outputs: Tensor<Float>, outputGradient: Tensor<Float>) throws -> Tensor<Float> {
        guard let kernels = self as? KernelLayer else {
            return sharesInputStorage ? try outputGradient.checkedReshaped(inputs.shape) : outputGradient
        }
        let batch = inputs.shape[0]
        let pass = LayerPass(batchSize: batch, training: true, activationLeftToLoss: false)
        var upstream = outputGradient
        return inputs.withUnsafeBufferPointer { x in
            outputs.withUnsafeBufferPointer { y in
                upstream.withUnsafeMutableBufferPointer { g in
                    Tensor(shape: inputs.shape) { dx in
                        kernels.backward(input: x, output: y, outputGradient: g, inputGradient: dx, pass: pass)
                    }
                }
            }
        }
    }

    /// The constructor arguments, for saved architectures (Keras's `get_config`).
    open var config: [String: JSONValue] { [:] }

    /// `true` when the output is the input under another shape (`Flatten`, `Reshape`): the model then
    /// shares the buffers instead of copying.
    var sharesInputStorage: Bool { false }

    /// The number of scalars in the weights.
    public var parameterCount: Int { weights.reduce(0) { $0 + $1.count } }

    /// The weights optimizers update (Keras's `trainable_weights`): none when the layer is frozen.
    public var trainableWeights: [Weight] { trainable ? weights.filter(\.trainable) : [] }

    /// Builds for `inputShape` if needed: validates the arguments, computes the output shape, seeds the
    /// layer's random stream and creates its weights. Throws when already built for a different shape.
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
        random = RandomState(seed: Session.shared.nextSeed())
        weights = []
        try buildWeights(inputShape: inputShape)
        self.inputShape = inputShape
        self.outputShape = output
    }

    /// Applies the layer to a batch (axis 0 is the batch), building it on first use; Keras's `layer(x)`.
    ///
    /// `training: true` turns on training-only behaviour such as dropout.
    public func callAsFunction(_ input: Tensor<Float>, training: Bool = false) throws -> Tensor<Float> {
        guard input.rank >= 2 else {
            throw NNError.shapeMismatch("layer '\(name)' expects a batch of shape (batch, ...), received a tensor of shape \(numpyShape(input.shape))")
        }
        try build(inputShape: Array(input.shape.dropFirst()))
        let output = try call(input, training: training)
        try checkOutput(output.shape, batch: input.shape[0])
        return output
    }

    /// Throws unless `shape` is `[batch] + outputShape` (a custom `call` returning something else).
    func checkOutput(_ shape: [Int], batch: Int) throws {
        let expected = [batch] + outputShape!
        guard shape == expected else {
            throw NNError.shapeMismatch("layer '\(name)' (\(className)) returned an output of shape \(numpyShape(shape)); computeOutputShape promised \(numpyShape(expected))")
        }
    }

    /// Copies of the weights in order, like Keras's `layer.get_weights()`.
    public func getWeights() -> [Tensor<Float>] { weights.map(\.value) }

    /// Replaces the weights, in the order of ``getWeights()``, like Keras's `layer.set_weights`.
    /// - Throws: ``NNError/shapeMismatch(_:)`` naming the layer, the weight and both shapes, or the counts;
    ///   nothing is changed when anything does not fit.
    public func setWeights(_ values: [Tensor<Float>]) throws {
        guard values.count == weights.count else {
            throw NNError.shapeMismatch("layer '\(name)' has \(weights.count) weights (\(weights.map { "\($0.name) \(numpyShape($0.shape))" }.joined(separator: ", "))), received \(values.count) arrays")
        }
        for (weight, value) in zip(weights, values) where weight.shape != value.shape {
            throw NNError.shapeMismatch("layer '\(name)': weight '\(weight.name)' has shape \(numpyShape(weight.shape)), received an array of shape \(numpyShape(value.shape))")
        }
        for (weight, value) in zip(weights, values) { try weight.assign(value) }
    }
}

/// What a layer's buffer kernels need to know about one pass. Passed explicitly on every call: a layer
/// keeps no setting between calls that changes what it computes.
struct LayerPass {
    /// Samples in the batch.
    let batchSize: Int
    /// Training-only behaviour (dropout masks, batch statistics) is on.
    let training: Bool
    /// The loss applies this layer's output activation itself (fused softmax or sigmoid with
    /// cross-entropy): forward leaves the pre-activation values, and backward receives the gradient with
    /// respect to them.
    let activationLeftToLoss: Bool
}

/// The built-in layers' fast path: forward and backward on the model's reusable row-major buffers, so a
/// training step allocates nothing. (A custom layer implements ``Layer/call(_:training:)`` and
/// ``Layer/backward(inputs:outputs:outputGradient:)`` on tensors instead.)
protocol KernelLayer: Layer {
    /// Writes `output` (`pass.batchSize` samples of `outputShape`) from `input`.
    func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, pass: LayerPass)
    /// Writes the weights' gradients (overwriting) and, when `inputGradient` is not `nil`, dL/d(input).
    /// `outputGradient` holds dL/d(output) and may be overwritten.
    func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                  outputGradient: UnsafeMutableBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                  pass: LayerPass)
}

/// An upper bound on the weight values layers may create while a model file loads: the file's tensor
/// data, so a tiny crafted architecture cannot make the loader allocate gigabytes.
final class WeightBudget: @unchecked Sendable {
    @TaskLocal static var current: WeightBudget?
    private var remaining: Int
    let path: String

    init(remaining: Int, path: String) {
        self.remaining = remaining
        self.path = path
    }

    func spend(_ count: Int, on weight: String) throws {
        guard count <= remaining else {
            throw NNError.file(path: path, message: "the saved architecture needs more weight values than the file holds (weight '\(weight)' alone needs \(count), \(remaining) float32 values remain in the tensor data)")
        }
        remaining -= count
    }
}
