/// Stochastic gradient descent with optional (Nesterov) momentum, as Keras 3 computes it:
///
/// - no momentum: `w -= lr·g`
/// - momentum: `m = momentum·m - lr·g`, then `w += m`, or with Nesterov `w += momentum·m - lr·g`
///
/// Defaults are Keras's: `learningRate 0.01`, `momentum 0`, `nesterov false`.
///
/// ```swift
/// try model.compile(optimizer: .sgd(learningRate: 0.1, momentum: 0.9), loss: .mse)
/// ```
public final class SGD: SlotOptimizer {
    public let momentum: Float
    public let nesterov: Bool

    public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false) {
        self.momentum = momentum
        self.nesterov = nesterov
        super.init(learningRate: learningRate)
    }

    override var slotNames: [String] { momentum != 0 ? ["momentum"] : [] }

    public override func validate() throws(NNError) {
        try super.validate()
        try requireRange("SGD", "momentum", momentum, lower: 0, upper: 1)
    }

    override func update(values w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, slots: SlotPointers,
                         count: Int, step: Int) {
        let lr = learningRate
        guard momentum != 0 else {
            for i in 0..<count { w[i] -= g[i] * lr }
            return
        }
        let m = slots[0], mu = momentum
        if nesterov {
            for i in 0..<count {
                m[i] = m[i] * mu - g[i] * lr
                w[i] += m[i] * mu - g[i] * lr
            }
        } else {
            for i in 0..<count {
                m[i] = m[i] * mu - g[i] * lr
                w[i] += m[i]
            }
        }
    }

    public override var config: [String: Double] {
        ["learning_rate": Double(learningRate), "momentum": Double(momentum), "nesterov": nesterov ? 1 : 0]
    }
}
