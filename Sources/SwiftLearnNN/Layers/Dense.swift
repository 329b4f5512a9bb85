import SwiftLearnGEMM

/// A fully connected layer: `y = activation(x · kernel + bias)` over the last axis.
///
/// Shapes: input `[batch, ..., inputWidth]`, kernel `[inputWidth, units]`, bias `[units]`,
/// output `[batch, ..., units]`. The kernel starts Glorot-uniform (`U(-l, l)`, `l = sqrt(6 / (in + out))`)
/// and the bias at zero, as in Keras (`kernelInitializer`, `biasInitializer` change that).
///
/// ```swift
/// Dense(100, activation: .relu)
/// Dense(10, activation: .softmax, inputShape: [784])
/// ```
public final class Dense: Layer, KernelLayer {
    /// The output width.
    public let units: Int
    /// The activation applied after the affine map.
    public let activation: ActivationFunction
    /// Whether the layer adds a bias.
    public let useBias: Bool
    public let kernelInitializer: Initializer
    public let biasInitializer: Initializer

    public private(set) var kernel: Weight?
    public private(set) var bias: Weight?
    private var inputWidth = 0

    public init(_ units: Int, activation: ActivationFunction = .linear, useBias: Bool = true,
                kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                inputShape: [Int]? = nil, name: String? = nil) {
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        super.init(inputShape: inputShape, name: name)
    }

    public override var className: String { "Dense" }

    public override var outputActivation: ActivationFunction? { activation }

    public override func validateArguments() throws {
        try super.validateArguments()
        guard units > 0 else {
            throw NNError.invalidArgument("Dense '\(name)': units must be a positive integer, received \(units)")
        }
        try affineArguments.validate(owner: "Dense '\(name)'")
    }

    public override func computeOutputShape(inputShape: [Int]) throws -> [Int] {
        guard let last = inputShape.last, last > 0 else {
            throw NNError.shapeMismatch("Dense '\(name)' needs inputs with a last axis, received input of shape \(kerasShape(inputShape))")
        }
        return inputShape.dropLast() + [units]
    }

    public override func buildWeights(inputShape: [Int]) throws {
        inputWidth = inputShape.last!
        kernel = try addWeight(name: "kernel", shape: [inputWidth, units], initializer: kernelInitializer)
        bias = useBias ? try addWeight(name: "bias", shape: [units], initializer: biasInitializer) : nil
    }

    func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, pass: LayerPass) {
        let rows = input.count / inputWidth
        sgemm(m: rows, n: units, k: inputWidth,
              a: input, lda: inputWidth,
              b: kernel!.values.readOnly, ldb: units,
              beta: 0, c: output, ldc: units)
        biasAndActivation(output, rows: rows, activation: pass.activationLeftToLoss ? .linear : activation)
    }

    /// Adds the bias and applies the activation in one pass over each row (relu and linear fused;
    /// others add the bias and then run their own kernel).
    private func biasAndActivation(_ output: UnsafeMutableBufferPointer<Float>, rows: Int, activation: ActivationFunction) {
        let width = units
        guard let y = output.baseAddress else { return }
        if let bias {
            let b = bias.values.baseAddress!
            if activation == .relu {
                for row in 0..<rows {
                    let yr = y + row * width
                    for j in 0..<width { yr[j] = Swift.max(yr[j] + b[j], 0) }
                }
                return
            }
            for row in 0..<rows {
                let yr = y + row * width
                for j in 0..<width { yr[j] += b[j] }
            }
        }
        activation.apply(output, rows: rows, width: width)
    }

    func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                  outputGradient: UnsafeMutableBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                  pass: LayerPass) {
        let rows = input.count / inputWidth
        if !pass.activationLeftToLoss {
            activation.backward(output: output, gradient: outputGradient, rows: rows, width: units)
        }
        let dz = outputGradient.readOnly
        // dW = xᵀ · dz, through the transpose flag rather than a transposed copy.
        sgemm(transA: true, m: inputWidth, n: units, k: rows,
              a: input, lda: inputWidth, b: dz, ldb: units,
              beta: 0, c: kernel!.gradients, ldc: units)
        if let bias {
            columnSums(dz, rows: rows, width: units, into: bias.gradients)
        }
        if let inputGradient {
            // dx = dz · Wᵀ
            sgemm(transB: true, m: rows, n: inputWidth, k: units,
                  a: dz, lda: units, b: kernel!.values.readOnly, ldb: units,
                  beta: 0, c: inputGradient, ldc: inputWidth)
        }
    }

    private var affineArguments: AffineArguments {
        AffineArguments(activation: activation, useBias: useBias, kernelInitializer: kernelInitializer, biasInitializer: biasInitializer)
    }

    public override var config: [String: JSONValue] {
        affineArguments.config.merging(["units": .number(Double(units))]) { $1 }
    }
}

/// `sums[j] = Σ_i values[i, j]`, accumulated row by row so the inner loop vectorizes.
func columnSums(_ values: UnsafeBufferPointer<Float>, rows: Int, width: Int, into sums: UnsafeMutableBufferPointer<Float>) {
    let s = sums.baseAddress!
    s.update(repeating: 0, count: width)
    guard let v = values.baseAddress else { return }
    for row in 0..<rows {
        let vr = v + row * width
        for j in 0..<width { s[j] += vr[j] }
    }
}
