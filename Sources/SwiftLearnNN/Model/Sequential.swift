import SwiftLearnTensor

/// A linear stack of layers with Keras's training API: `compile`, `fit`, `evaluate`, `predict`,
/// `summary`, `saveWeights`/`loadWeights`, `save` and ``loadModel(_:)``.
///
/// ```swift
/// let model = Sequential {
///     Flatten(inputShape: [28, 28])
///     Dense(100, activation: .relu)
///     Dropout(0.3)
///     Dense(10, activation: .softmax)
/// }
/// try model.compile(optimizer: .adam(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
/// let history = try model.fit(trainX, trainY, epochs: 5, validationData: (valX, valY))
/// print(history["val_accuracy"]!)
/// ```
///
/// The model builds when the input shape is known: from the first layer's `inputShape`, from
/// ``build(inputShape:)``, or from the first data it sees.
public final class Sequential {
    /// The model name (`sequential`, `sequential_1`, ...).
    public var name: String
    /// The layers in order.
    public private(set) var layers: [Layer]
    /// Set by callbacks (``EarlyStopping``, ``TerminateOnNaN``) to end `fit` after the current batch or epoch.
    public var stopTraining = false
    /// The optimizer given to ``compile(optimizer:loss:metrics:)``.
    public private(set) var optimizer: (any Optimizer)?
    /// The loss given to ``compile(optimizer:loss:metrics:)``.
    public private(set) var loss: Loss?
    /// The metrics given to ``compile(optimizer:loss:metrics:)``.
    public private(set) var metrics: [Metric] = []

    let optimizerState = OptimizerState()

    // Workspace reused across steps; grows to the largest batch seen and is never freed early.
    let inputBuffer = FloatBuffer()
    let targetBuffer = FloatBuffer()
    let lossGradientBuffer = FloatBuffer()
    private var activationBuffers: [FloatBuffer] = []
    private var gradientBuffers: [FloatBuffer] = []
    /// Per-layer outputs of the last forward pass (read-only views into the buffers above or the input).
    private var outputs: [UnsafeBufferPointer<Float>] = []
    private var lastInput = UnsafeBufferPointer<Float>(start: nil, count: 0)

    /// Creates a model from layers written one per line.
    public convenience init(name: String? = nil, @LayerBuilder _ content: () -> [Layer]) {
        self.init(content(), name: name)
    }

    /// Creates a model from an array of layers, like `keras.Sequential([...])`.
    public init(_ layers: [Layer] = [], name: String? = nil) {
        self.layers = layers
        self.name = name ?? Session.shared.uniqueName("sequential")
    }

    /// Appends a layer. Its arguments are checked when the model is built or compiled.
    public func add(_ layer: Layer) {
        layers.append(layer)
    }

    /// The per-sample input shape: declared on the first layer, or fixed by building.
    public var inputShape: [Int]? { layers.first?.inputShape ?? layers.first?.declaredInputShape }

    /// The per-sample output shape, once built.
    public var outputShape: [Int]? { layers.last?.outputShape }

    /// Whether every layer has its weights.
    public var isBuilt: Bool { !layers.isEmpty && layers.allSatisfy(\.isBuilt) }

    /// Builds every layer for a per-sample input shape (without the batch axis).
    ///
    /// - Throws: ``NNError/invalidArgument(_:)`` for a bad layer argument, ``NNError/shapeMismatch(_:)``
    ///   when the shape differs from the declared or already built one.
    public func build(inputShape: [Int]) throws {
        guard !layers.isEmpty else {
            throw NNError.invalidState("model '\(name)' has no layers; add layers before building it")
        }
        var shape = inputShape
        for layer in layers {
            try layer.build(inputShape: shape)
            shape = layer.outputShape!
        }
        prepareWorkspace()
    }

    /// Builds from the declared input shape when there is one; validates layer arguments either way.
    func buildIfPossible() throws {
        for layer in layers { try layer.validateArguments() }
        if !isBuilt, let declared = layers.first?.declaredInputShape {
            try build(inputShape: declared)
        }
    }

    private func prepareWorkspace() {
        if activationBuffers.count != layers.count {
            activationBuffers = layers.map { _ in FloatBuffer() }
            gradientBuffers = layers.map { _ in FloatBuffer() }
            outputs = Array(repeating: UnsafeBufferPointer(start: nil, count: 0), count: layers.count)
        }
    }

    /// Every weight, layer by layer.
    public var weights: [Weight] { layers.flatMap(\.weights) }

    /// The weights optimizers update: those of trainable layers that are themselves trainable.
    public var trainableWeights: [Weight] { layers.filter(\.trainable).flatMap(\.weights).filter(\.trainable) }

    /// The number of scalars in all weights.
    public var parameterCount: Int { weights.reduce(0) { $0 + $1.count } }

    /// Copies of all weights in order, like Keras's `get_weights()`.
    public func getWeights() -> [Tensor<Float>] { weights.map(\.tensor) }

    /// Replaces all weights, in the order of ``getWeights()``.
    /// - Throws: ``NNError/shapeMismatch(_:)`` naming the weight and both shapes, or the counts.
    public func setWeights(_ values: [Tensor<Float>]) throws {
        let weights = self.weights
        guard values.count == weights.count else {
            throw NNError.shapeMismatch("model '\(name)' has \(weights.count) weights, received \(values.count) arrays")
        }
        for (weight, value) in zip(weights, values) {
            guard weight.shape == value.shape else {
                throw NNError.shapeMismatch("weight '\(weightPath(weight))' has shape \(numpyShape(weight.shape)), received \(numpyShape(value.shape))")
            }
        }
        for (weight, value) in zip(weights, values) { try weight.assign(value) }
    }

    /// `layer/weight`, e.g. `dense/kernel`, for messages and file keys.
    func weightPath(_ weight: Weight) -> String {
        for layer in layers where layer.weights.contains(where: { $0 === weight }) {
            return "\(layer.name)/\(weight.name)"
        }
        return weight.name
    }

    /// Configures training. Keras's `compile`.
    ///
    /// ```swift
    /// try model.compile(optimizer: .adam(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
    /// ```
    /// - Throws: ``NNError/invalidArgument(_:)`` quoting a bad optimizer, loss or layer argument.
    public func compile<O: Optimizer>(optimizer: O, loss: Loss, metrics: [Metric] = []) throws {
        try compile(anyOptimizer: optimizer, loss: loss, metrics: metrics)
    }

    func compile(anyOptimizer optimizer: any Optimizer, loss: Loss, metrics: [Metric]) throws {
        try optimizer.validate()
        try loss.validate()
        try buildIfPossible()
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
        optimizerState.iterations = 0
        optimizerState.slots = []
        optimizerState.slotCounts = []
    }

    // MARK: - Forward and backward passes on raw buffers

    /// The elements per sample of the input and of each layer's output.
    var inputSampleCount: Int { (inputShape ?? []).reduce(1, *) }

    /// Runs every layer on `batchSize` samples stored at `input`; returns the last layer's output.
    @discardableResult
    func forwardPass(_ input: UnsafeBufferPointer<Float>, batchSize: Int, training: Bool) -> UnsafeMutableBufferPointer<Float> {
        prepareWorkspace()
        lastInput = input
        var current = input
        for index in layers.indices {
            let layer = layers[index]
            if layer.isReshapeOnly {
                outputs[index] = current
                continue
            }
            let count = batchSize * layer.outputShape!.reduce(1, *)
            let output = activationBuffers[index].view(count)
            layer.forward(input: current, output: output, batchSize: batchSize, training: training)
            outputs[index] = UnsafeBufferPointer(output)
            current = UnsafeBufferPointer(output)
        }
        return UnsafeMutableBufferPointer(mutating: current)
    }

    /// Back-propagates `outputGradient` (dL/d(final output)) through the last forward pass, writing
    /// every weight's gradient. Input gradients are computed only where an earlier layer needs them.
    func backwardPass(outputGradient: UnsafeMutableBufferPointer<Float>, batchSize: Int, firstLayerWithWeights firstWithWeights: Int) {
        var gradient = outputGradient
        for index in layers.indices.reversed() {
            let layer = layers[index]
            if layer.isReshapeOnly { continue }
            if index < firstWithWeights { break }
            let input = index == 0 ? lastInput : outputs[index - 1]
            var inputGradient: UnsafeMutableBufferPointer<Float>? = nil
            if index > firstWithWeights {
                inputGradient = gradientBuffers[index].view(input.count)
            }
            layer.backward(input: input, output: outputs[index], outputGradient: gradient,
                           inputGradient: inputGradient, batchSize: batchSize)
            if let inputGradient { gradient = inputGradient }
        }
    }

    /// Applies the model to a batch (axis 0), building it on first use; Keras's `model(x)`.
    ///
    /// `training: true` turns on dropout.
    public func callAsFunction(_ input: Tensor<Float>, training: Bool = false) throws -> Tensor<Float> {
        try buildIfPossible()
        try checkInput(input.shape, role: "input")
        let batch = input.shape[0]
        let output = input.withUnsafeBufferPointer { forwardPass($0, batchSize: batch, training: training) }
        return Tensor(shape: [batch] + outputShape!) { _ = $0.initialize(from: UnsafeBufferPointer(output)) }
    }

    /// Checks that `shape` is a batch of the model's input shape, building the model from it if needed.
    func checkInput(_ shape: [Int], role: String) throws {
        guard shape.count >= 2 || (shape.count == 1 && inputShape == []) else {
            throw NNError.shapeMismatch("\(role) of shape \(numpyShape(shape)) has no batch axis; expected shape \(inputShape.map(kerasShape) ?? "(None, ...)")")
        }
        let sample = Array(shape.dropFirst())
        if !isBuilt {
            try build(inputShape: sample)
        }
        guard sample == inputShape! else {
            throw NNError.shapeMismatch("\(role) of shape \(numpyShape(shape)) does not fit model '\(name)': expected shape \(kerasShape(inputShape!)), received \(kerasShape(sample))")
        }
    }
}
