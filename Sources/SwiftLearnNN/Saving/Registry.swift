import SwiftLearnSystem

/// Factories for the layer classes a saved model may name, like Keras's
/// `keras.saving.register_keras_serializable`. The built-in layers are registered already; register a
/// custom layer once (before loading) so ``loadModel(_:)`` can rebuild it from its ``Layer/config``.
///
/// ```swift
/// LayerRegistry.register(Scale.self) { config in Scale(name: config.name) }
/// let model = try loadModel("scaled.safetensors")   // finds "Scale"
/// ```
public enum LayerRegistry {
    /// Registers `type` under `package>ClassName` (or `ClassName` without a package); a later registration
    /// of the same name replaces the earlier one.
    public static func register(_ type: Layer.Type, package: String? = nil,
                                _ make: @escaping @Sendable (LayerConfig) throws -> Layer) {
        let className = String(describing: type)
        let key = package.map { "\($0)>\(className)" } ?? className
        layers.register(key, type: ObjectIdentifier(type), make)
    }

    /// The names that load, sorted.
    public static var registeredNames: [String] { layers.names }

    /// The name a layer is saved under: its registration, or its class name.
    static func registeredName(of layer: Layer) -> String {
        layers.key(for: ObjectIdentifier(type(of: layer))) ?? layer.className
    }

    static func make(_ name: String) -> ((LayerConfig) throws -> Layer)? { layers.factory(name) }

    private static let layers: Registry<(LayerConfig) throws -> Layer> = {
        let registry = Registry<(LayerConfig) throws -> Layer>()
        for (type, make) in builtInLayerFactories() { registry.register(String(describing: type), type: ObjectIdentifier(type), make) }
        return registry
    }()
}

/// Factories for losses a saved model may name (its ``Loss/name``). Built-in losses need no registration.
///
/// ```swift
/// LossRegistry.register("quartic_error") { _ in QuarticError() }
/// ```
public enum LossRegistry {
    public static func register(_ name: String, _ make: @escaping @Sendable ([String: JSONValue]) throws -> any Loss) {
        losses.register(name, type: nil, make)
    }

    public static var registeredNames: [String] { losses.names }

    /// The loss for a saved or given name: a registered custom loss first, then the built-ins.
    static func make(_ name: String, config: [String: JSONValue]) throws -> (any Loss)? {
        if let make = losses.factory(name) { return try make(config) }
        return StandardLoss(name: name, config: config)
    }

    private static let losses = Registry<([String: JSONValue]) throws -> any Loss>()
}

/// Factories for optimizer classes a saved model may name (``Optimizer/className``), from their
/// ``Optimizer/config``. The built-in optimizers are registered already.
///
/// ```swift
/// OptimizerRegistry.register(Momentum.self) { config in Momentum(learningRate: Float(config["learning_rate"] ?? 0.01)) }
/// ```
public enum OptimizerRegistry {
    public static func register(_ type: Optimizer.Type, _ make: @escaping @Sendable ([String: Double]) throws -> Optimizer) {
        optimizers.register(String(describing: type), type: ObjectIdentifier(type), make)
    }

    public static var registeredNames: [String] { optimizers.names }

    static func make(_ className: String) -> (([String: Double]) throws -> Optimizer)? { optimizers.factory(className) }

    /// The optimizer for a Keras string (`"adam"`, `"rmsprop"`, `"sgd"`, `"adagrad"`, any case) with
    /// default hyperparameters.
    static func named(_ text: String) throws -> Optimizer {
        let lowered = text.lowercased()
        for name in optimizers.names where name.lowercased() == lowered {
            if let make = optimizers.factory(name) { return try make([:]) }
        }
        throw NNError.invalidArgument("unknown optimizer '\(text)'; valid names: \(optimizers.names.map { $0.lowercased() }.joined(separator: ", "))")
    }

    private static let optimizers: Registry<([String: Double]) throws -> Optimizer> = {
        let registry = Registry<([String: Double]) throws -> Optimizer>()
        func value(_ config: [String: Double], _ key: String, _ fallback: Float) -> Float { config[key].map { Float($0) } ?? fallback }
        func flag(_ config: [String: Double], _ key: String) -> Bool { (config[key] ?? 0) != 0 }
        registry.register("SGD", type: ObjectIdentifier(SGD.self)) { c in
            SGD(learningRate: value(c, "learning_rate", 0.01), momentum: value(c, "momentum", 0), nesterov: flag(c, "nesterov"))
        }
        registry.register("Adam", type: ObjectIdentifier(Adam.self)) { c in
            Adam(learningRate: value(c, "learning_rate", 0.001), beta1: value(c, "beta_1", 0.9), beta2: value(c, "beta_2", 0.999),
                 epsilon: value(c, "epsilon", 1e-7), amsgrad: flag(c, "amsgrad"))
        }
        registry.register("RMSprop", type: ObjectIdentifier(RMSprop.self)) { c in
            RMSprop(learningRate: value(c, "learning_rate", 0.001), rho: value(c, "rho", 0.9), momentum: value(c, "momentum", 0),
                    epsilon: value(c, "epsilon", 1e-7), centered: flag(c, "centered"))
        }
        registry.register("Adagrad", type: ObjectIdentifier(Adagrad.self)) { c in
            Adagrad(learningRate: value(c, "learning_rate", 0.001),
                    initialAccumulatorValue: value(c, "initial_accumulator_value", 0.1), epsilon: value(c, "epsilon", 1e-7))
        }
        return registry
    }()
}

/// A thread-safe name → factory table, with the reverse map from a registered type to its name.
final class Registry<Factory>: Sendable {
    private struct Entries: @unchecked Sendable {
        var factories: [String: Factory] = [:]
        var keys: [ObjectIdentifier: String] = [:]
    }
    private let entries = Locked(Entries())

    func register(_ name: String, type: ObjectIdentifier?, _ factory: Factory) {
        entries.withLock { entries in
            entries.factories[name] = factory
            if let type { entries.keys[type] = name }
        }
    }

    func factory(_ name: String) -> Factory? { entries.withLock { $0.factories[name] } }
    func key(for type: ObjectIdentifier) -> String? { entries.withLock { $0.keys[type] } }
    var names: [String] { entries.withLock { $0.factories.keys.sorted() } }
}

/// A saved layer's constructor arguments (its ``Layer/config``), with typed accessors whose errors name
/// the layer and the key.
public struct LayerConfig: Sendable {
    /// The saved layer name.
    public let name: String
    /// The per-sample input shape declared on the layer, if any.
    public let inputShape: [Int]?
    /// The raw values.
    public let values: [String: JSONValue]

    public init(name: String, inputShape: [Int]?, values: [String: JSONValue]) {
        self.name = name
        self.inputShape = inputShape
        self.values = values
    }

    public subscript(key: String) -> JSONValue? { values[key] }

    private func failure(_ key: String, _ expected: String) -> NNError {
        .invalidArgument("layer '\(name)': config '\(key)' must be \(expected), received \(values[key].map { "\($0)" } ?? "nothing")")
    }

    /// A number; `fallback` when absent (throws when absent without a fallback, or not a number).
    public func double(_ key: String, default fallback: Double? = nil) throws -> Double {
        if let value = values[key]?.doubleValue, value.isFinite { return value }
        if values[key] == nil || values[key] == .null, let fallback { return fallback }
        throw failure(key, "a finite number")
    }

    public func float(_ key: String, default fallback: Float? = nil) throws -> Float {
        Float(try double(key, default: fallback.map(Double.init)))
    }

    /// An integer within `range`.
    public func int(_ key: String, default fallback: Int? = nil, in range: ClosedRange<Int> = Int(Int32.min)...Int(Int32.max)) throws -> Int {
        let value = try double(key, default: fallback.map(Double.init))
        guard value == value.rounded(), value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
            throw failure(key, "an integer in \(range)")
        }
        return Int(value)
    }

    public func bool(_ key: String, default fallback: Bool? = nil) throws -> Bool {
        if let value = values[key]?.boolValue { return value }
        if values[key] == nil || values[key] == .null, let fallback { return fallback }
        throw failure(key, "true or false")
    }

    public func string(_ key: String, default fallback: String? = nil) throws -> String {
        if let value = values[key]?.stringValue { return value }
        if values[key] == nil || values[key] == .null, let fallback { return fallback }
        throw failure(key, "a string")
    }

    /// A list of integers (a shape, a kernel size), each within `range`.
    public func ints(_ key: String, default fallback: [Int]? = nil, in range: ClosedRange<Int> = 1...Int(Int32.max)) throws -> [Int] {
        if let value = values[key]?.intArray, value.allSatisfy(range.contains) { return value }
        if values[key] == nil || values[key] == .null, let fallback { return fallback }
        throw failure(key, "a list of integers in \(range)")
    }

    /// An activation saved by a layer's config (`activation`, with `activation_parameter` for leaky relu / elu).
    public func activation(_ key: String = "activation") throws -> ActivationFunction {
        guard let text = values[key]?.stringValue, var function = ActivationFunction(name: text) else {
            throw failure(key, "an activation name (\(ActivationFunction.knownNames.joined(separator: ", ")))")
        }
        if let parameter = values["\(key)_parameter"]?.doubleValue {
            if case .leakyRelu = function { function = .leakyRelu(negativeSlope: Float(parameter)) }
            if case .elu = function { function = .elu(alpha: Float(parameter)) }
        }
        return function
    }

    /// An initializer saved as ``Initializer``'s JSON; `fallback` when absent.
    public func initializer(_ key: String, default fallback: Initializer) throws -> Initializer {
        guard let value = values[key], value != .null else { return fallback }
        guard let initializer = Initializer(json: value) else { throw failure(key, "a Keras initializer") }
        return initializer
    }
}

/// The built-in layers and how to rebuild them from a saved config.
func builtInLayerFactories() -> [(Layer.Type, (LayerConfig) throws -> Layer)] { [
    (Dense.self, { c in
        Dense(try c.int("units", in: 1...Int(Int32.max)), activation: try c.activation(), useBias: try c.bool("use_bias", default: true),
              kernelInitializer: try c.initializer("kernel_initializer", default: .glorotUniform),
              biasInitializer: try c.initializer("bias_initializer", default: .zeros),
              inputShape: c.inputShape, name: c.name)
    }),
    (Flatten.self, { c in Flatten(inputShape: c.inputShape, name: c.name) }),
    (Dropout.self, { c in Dropout(try c.double("rate"), inputShape: c.inputShape, name: c.name) }),
    (Activation.self, { c in Activation(try c.activation(), inputShape: c.inputShape, name: c.name) }),
    (Conv2D.self, { c in
        Conv2D(try c.int("filters", in: 1...Int(Int32.max)), kernelSize: try c.size2D("kernel_size"),
               strides: try c.size2D("strides", default: 1), activation: try c.activation(), padding: try c.padding(),
               dilationRate: try c.size2D("dilation_rate", default: 1),
               useBias: try c.bool("use_bias", default: true),
               kernelInitializer: try c.initializer("kernel_initializer", default: .glorotUniform),
               biasInitializer: try c.initializer("bias_initializer", default: .zeros),
               inputShape: c.inputShape, name: c.name)
    }),
    (MaxPooling2D.self, { c in
        MaxPooling2D(try c.size2D("pool_size", default: 2), strides: try c.optionalSize2D("strides"), padding: try c.padding(),
                     inputShape: c.inputShape, name: c.name)
    }),
    (AveragePooling2D.self, { c in
        AveragePooling2D(try c.size2D("pool_size", default: 2), strides: try c.optionalSize2D("strides"), padding: try c.padding(),
                         inputShape: c.inputShape, name: c.name)
    }),
    (GlobalAveragePooling2D.self, { c in
        GlobalAveragePooling2D(keepDims: try c.bool("keepdims", default: false), inputShape: c.inputShape, name: c.name)
    }),
    (GlobalMaxPooling2D.self, { c in
        GlobalMaxPooling2D(keepDims: try c.bool("keepdims", default: false), inputShape: c.inputShape, name: c.name)
    }),
    (BatchNormalization.self, { c in
        BatchNormalization(momentum: try c.double("momentum", default: 0.99), epsilon: try c.double("epsilon", default: 1e-3),
                           inputShape: c.inputShape, name: c.name)
    }),
    (Reshape.self, { c in Reshape(try c.ints("target_shape", in: -1...Int(Int32.max)), inputShape: c.inputShape, name: c.name) }),
] }

extension LayerConfig {
    /// A window argument saved as a list of two integers (or one integer).
    func size2D(_ key: String, default fallback: Size2D? = nil) throws -> Size2D {
        if let number = values[key]?.doubleValue, number == number.rounded(), number >= 1, number <= Double(Int32.max) {
            return Size2D(Int(number))
        }
        return Size2D(try ints(key, default: fallback?.values))
    }

    /// A window argument that may be absent or null (pooling strides default to the pool size).
    func optionalSize2D(_ key: String) throws -> Size2D? {
        guard let value = values[key], value != .null else { return nil }
        return try size2D(key)
    }

    /// Keras's `padding` string, `valid` when absent.
    func padding(_ key: String = "padding") throws -> Padding {
        let text = try string(key, default: "valid")
        guard let padding = Padding(rawValue: text.lowercased()) else {
            throw NNError.invalidArgument("layer '\(name)': config '\(key)' must be 'valid' or 'same', received '\(text)'")
        }
        return padding
    }
}
