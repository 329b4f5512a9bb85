/// Applies an activation function as its own layer, like `keras.layers.Activation("relu")`.
///
/// ```swift
/// Sequential { Dense(10); Activation(.softmax) }
/// ```
public final class Activation: Layer, KernelLayer {
    public let activation: ActivationFunction

    public init(_ activation: ActivationFunction, inputShape: [Int]? = nil, name: String? = nil) {
        self.activation = activation
        super.init(inputShape: inputShape, name: name)
    }

    public override var className: String { "Activation" }
    public override var outputActivation: ActivationFunction? { activation }

    public override func validateArguments() throws {
        try super.validateArguments()
        try activation.validate(owner: "Activation '\(name)'")
    }

    func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, pass: LayerPass) {
        _ = output.initialize(from: input)
        if pass.activationLeftToLoss { return }
        let width = outputShape?.last ?? 1
        activation.apply(output, rows: input.count / width, width: width)
    }

    func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                  outputGradient: UnsafeMutableBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                  pass: LayerPass) {
        guard let inputGradient else { return }
        if !pass.activationLeftToLoss {
            let width = outputShape?.last ?? 1
            activation.backward(output: output, gradient: outputGradient, rows: output.count / width, width: width)
        }
        _ = inputGradient.initialize(from: UnsafeBufferPointer(outputGradient))
    }

    public override var config: [String: JSONValue] {
        var config: [String: JSONValue] = ["activation": .string(activation.name)]
        if let parameter = activation.parameter { config["activation_parameter"] = .number(Double(parameter)) }
        return config
    }
}
