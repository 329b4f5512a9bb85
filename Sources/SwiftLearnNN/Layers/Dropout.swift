/// Zeroes a random fraction `rate` of the inputs during training and scales the rest by
/// `1 / (1 - rate)`, so the expected activation is unchanged; the identity outside training.
///
/// Works on inputs of any rank (`[batch, features]`, `[batch, height, width, channels]`). The masks come
/// from the layer's random stream, seeded when it is built, so after ``setRandomSeed(_:)`` they repeat
/// bit for bit.
///
/// ```swift
/// Dropout(0.3)
/// ```
public final class Dropout: Layer, KernelLayer {
    /// The fraction of inputs dropped, in `[0, 1)`.
    public let rate: Double
    private let mask = FloatBuffer()
    private var maskIsActive = false

    public init(_ rate: Double, inputShape: [Int]? = nil, name: String? = nil) {
        self.rate = rate
        super.init(inputShape: inputShape, name: name)
    }

    public override var className: String { "Dropout" }

    public override func validateArguments() throws {
        try super.validateArguments()
        guard rate >= 0, rate < 1 else {
            throw NNError.invalidArgument("Dropout '\(name)': rate must be in [0, 1), received \(rate)")
        }
    }

    func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, pass: LayerPass) {
        guard pass.training, rate > 0 else {
            maskIsActive = false
            _ = output.initialize(from: input)
            return
        }
        maskIsActive = true
        let count = input.count
        let m = mask.view(count)
        let scale = Float(1 / (1 - rate))
        // Keep an element when a uniform 32-bit draw is at or above rate * 2^32.
        let threshold = UInt64((rate * 4294967296.0).rounded(.down))
        for i in 0..<count {
            let keep = UInt64(random.nextUInt32()) >= threshold
            m[i] = keep ? scale : 0
            output[i] = input[i] * m[i]
        }
    }

    func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                  outputGradient: UnsafeMutableBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                  pass: LayerPass) {
        guard let inputGradient else { return }
        if maskIsActive {
            let m = mask.view(outputGradient.count)
            for i in 0..<outputGradient.count { inputGradient[i] = outputGradient[i] * m[i] }
        } else {
            _ = inputGradient.initialize(from: UnsafeBufferPointer(outputGradient))
        }
    }

    public override var config: [String: JSONValue] { ["rate": .number(rate)] }
}
