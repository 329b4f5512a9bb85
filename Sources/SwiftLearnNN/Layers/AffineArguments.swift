/// The arguments `Dense` and `Conv2D` share after their product `x · kernel`: the bias, the activation
/// and the two initializers, with their checks and their saved form (Keras's config keys).
struct AffineArguments: Equatable {
    let activation: ActivationFunction
    let useBias: Bool
    let kernelInitializer: Initializer
    let biasInitializer: Initializer

    /// Throws ``NNError/invalidArgument(_:)`` quoting a bad activation or initializer parameter.
    func validate(owner: String) throws {
        try activation.validate(owner: owner)
        try kernelInitializer.validate(owner: "\(owner) kernelInitializer")
        try biasInitializer.validate(owner: "\(owner) biasInitializer")
    }

    /// `activation` (with `activation_parameter` for leaky relu / elu), `use_bias` and the initializers.
    var config: [String: JSONValue] {
        var config: [String: JSONValue] = [
            "activation": .string(activation.name),
            "use_bias": .bool(useBias),
            "kernel_initializer": kernelInitializer.json,
            "bias_initializer": biasInitializer.json,
        ]
        if let parameter = activation.parameter { config["activation_parameter"] = .number(Double(parameter)) }
        return config
    }
}
