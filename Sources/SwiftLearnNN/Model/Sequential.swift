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
/// try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
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
    /// The optimizer given to `compile`.
    public private(set) var optimizer: Optimizer?
    /// The loss given to `compile`.
    public private(set) var loss: (any Loss)?
    /// The metrics given to `compile`.
    public private(set) var metrics: [Metric] = []

    /// Buffers reused across steps: they grow to the largest batch seen and are never freed early. They
    /// hold values only for the duration of one call; nothing points into a caller's tensors between calls.
    let workspace = Workspace()

    /// Creates a model from layers written one per line.
    public convenience init(name: String? = nil, @LayerBuilder _ content: () -> [Layer]) {
        self.init(content(), name: name)
    }

    /// Creates a model from an array of layers, like `keras.Sequential([...])`.
    public init(_ layers: [Layer] = [], name: String? = nil) {
        self.layers = layers
        self.name = name ?? Session.shared.uniqueName("sequential")
    }

    /// Creates a model of one layer, like `keras.Sequential(dense)`.
    public convenience init(_ layer: Layer, name: String? = nil) {
        self.init([layer], name: name)
    }

    /// Appends a layer, like Keras's `model.add`. Its arguments are checked when the model is built or compiled.
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
    }

    /// Builds from the declared input shape when there is one; validates layer arguments either way.
    func buildIfPossible() throws {
        for layer in layers { try layer.validateArguments() }
        if !isBuilt, let declared = layers.first?.declaredInputShape {
            try build(inputShape: declared)
        }
    }

    // MARK: - Layers and weights

    /// The layer called `name`, like Keras's `model.get_layer(name=...)`.
    /// - Throws: ``NNError/invalidArgument(_:)`` listing the layer names when there is none.
    public func getLayer(name: String) throws -> Layer {
        guard let layer = layers.first(where: { $0.name == name }) else {
            throw NNError.invalidArgument("model '\(self.name)' has no layer named '\(name)'; its layers are: \(layers.map(\.name).joined(separator: ", "))")
        }
        return layer
    }

    /// The layer at `index` (0-based), like Keras's `model.get_layer(index=...)`.
    /// - Throws: ``NNError/invalidArgument(_:)`` when `index` is out of range.
    public func getLayer(index: Int) throws -> Layer {
        guard layers.indices.contains(index) else {
            throw NNError.invalidArgument("model '\(name)' has \(layers.count) layers (indices 0..<\(layers.count)), received index \(index)")
        }
        return layers[index]
    }

    /// Every weight, layer by layer.
    public var weights: [Weight] { layers.flatMap(\.weights) }

    /// The weights optimizers update: those of trainable layers that are themselves trainable.
    public var trainableWeights: [Weight] { layers.flatMap(\.trainableWeights) }

    /// The number of scalars in all weights.
    public var parameterCount: Int { weights.reduce(0) { $0 + $1.count } }

    /// Copies of all weights in order, like Keras's `get_weights()`.
    public func getWeights() -> [Tensor<Float>] { weights.map(\.value) }

    /// Replaces all weights, in the order of ``getWeights()``.
    /// - Throws: ``NNError/shapeMismatch(_:)`` naming the weight and both shapes, or the counts; nothing
    ///   is changed when anything does not fit.
    public func setWeights(_ values: [Tensor<Float>]) throws {
        let weights = self.weights
        guard values.count == weights.count else {
            throw NNError.shapeMismatch("model '\(name)' has \(weights.count) weights, received \(values.count) arrays")
        }
        for (weight, value) in zip(weights, values) where weight.shape != value.shape {
            throw NNError.shapeMismatch("weight '\(weightPath(weight))' has shape \(numpyShape(weight.shape)), received \(numpyShape(value.shape))")
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

    // MARK: - Compile

    /// Configures training, like Keras's `compile`. Without an optimizer, RMSprop with Keras's defaults
    /// (learning rate 0.001), as in Keras.
    ///
    /// ```swift
    /// try model.compile(optimizer: .adam(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
    /// try model.compile(loss: .sparseCategoricalCrossentropy, metrics: ["accuracy"])   // RMSprop
    /// ```
    /// - Throws: ``NNError/invalidArgument(_:)`` quoting a bad optimizer, loss, metric or layer argument.
    public func compile(optimizer: Optimizer = RMSprop(), loss: some Loss, metrics: [Metric] = []) throws {
        try compile(anyOptimizer: optimizer, loss: loss, metrics: metrics)
    }

    /// `compile` with Keras's names: `optimizer: "adam"` (`sgd`, `rmsprop`, `adam`, `adagrad`, with
    /// default hyperparameters), `loss: "sparse_categorical_crossentropy"` (or any built-in or registered
    /// loss name), `metrics: ["accuracy"]`.
    ///
    /// - Throws: ``NNError/invalidArgument(_:)`` listing the valid names when one is unknown.
    public func compile(optimizer: String, loss: String, metrics: [Metric] = []) throws {
        try compile(anyOptimizer: try OptimizerRegistry.named(optimizer), loss: try Sequential.loss(named: loss), metrics: metrics)
    }

    /// `compile` with an optimizer name and a loss value.
    public func compile(optimizer: String, loss: some Loss, metrics: [Metric] = []) throws {
        try compile(anyOptimizer: try OptimizerRegistry.named(optimizer), loss: loss, metrics: metrics)
    }

    /// `compile` with an optimizer value (RMSprop when omitted) and a loss name.
    public func compile(optimizer: Optimizer = RMSprop(), loss: String, metrics: [Metric] = []) throws {
        try compile(anyOptimizer: optimizer, loss: try Sequential.loss(named: loss), metrics: metrics)
    }

    static func loss(named name: String) throws -> any Loss {
        guard let loss = try LossRegistry.make(name, config: [:]) else {
            let names = StandardLoss.knownNames + LossRegistry.registeredNames
            throw NNError.invalidArgument("unknown loss '\(name)'; valid names: \(names.joined(separator: ", "))")
        }
        return loss
    }

    func compile(anyOptimizer optimizer: Optimizer, loss: any Loss, metrics: [Metric]) throws {
        try optimizer.validate()
        try loss.validate()
        for metric in metrics { try metric.validate() }
        try buildIfPossible()
        optimizer.resetState()
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
    }

    func requireCompiled(_ operation: String) throws -> (Optimizer, any Loss) {
        guard let optimizer, let loss else {
            throw NNError.invalidState("model '\(name)' must be compiled before \(operation); call compile(optimizer:loss:metrics:) first")
        }
        return (optimizer, loss)
    }

    // MARK: - Calling the model

    /// Applies the model to a batch (axis 0), building it on first use; Keras's `model(x)`.
    ///
    /// `training: true` turns on dropout.
    public func callAsFunction(_ input: Tensor<Float>, training: Bool = false) throws -> Tensor<Float> {
        try buildIfPossible()
        try checkInput(input.shape, role: "input")
        let batch = input.shape[0]
        return try input.withUnsafeBufferPointer { source in
            try withForwardPass(source, batchSize: batch, training: training, activationLeftToLoss: false) { trace in
                Tensor(shape: [batch] + outputShape!) { _ = $0.initialize(from: UnsafeBufferPointer(trace.output)) }
            }
        }
    }

    /// The output of layer `index` (0-based) for a batch, computed by the layers up to it in inference
    /// mode: what Keras gets from `keras.Model(model.inputs, model.layers[index].output).predict(x)`, e.g.
    /// a convolution's feature maps `[batch, height, width, filters]`.
    ///
    /// ```swift
    /// let maps = try model.intermediateOutput(layer: 0, for: images[0..<1])   // (1, 28, 28, 32)
    /// ```
    /// - Throws: ``NNError/invalidArgument(_:)`` when `index` is out of range, ``NNError/shapeMismatch(_:)``
    ///   when `input` does not fit the model.
    public func intermediateOutput(layer index: Int, for input: Tensor<Float>) throws -> Tensor<Float> {
        _ = try getLayer(index: index)
        try buildIfPossible()
        try checkInput(input.shape, role: "input")
        var values = input
        for layer in layers[...index] { values = try layer(values, training: false) }
        return values
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
