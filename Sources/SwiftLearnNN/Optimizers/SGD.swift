/// Stochastic gradient descent with optional (Nesterov) momentum, as Keras 3 computes it:
///
/// - no momentum: `w -= lr·g`
/// - momentum: `m = momentum·m - lr·g`, then `w += m`, or with Nesterov `w += momentum·m - lr·g`
///
/// Defaults are Keras's: `learningRate 0.01`, `momentum 0`, `nesterov false`.
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool

    public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
    }

    public var name: String { "SGD" }
    public var slotNames: [String] { momentum != 0 ? ["momentum"] : [] }

    public func validate() throws(NNError) {
        try requireRange("SGD", "learningRate", learningRate, lower: 0, upper: .greatestFiniteMagnitude)
        try requireRange("SGD", "momentum", momentum, lower: 0, upper: 1)
    }

    public func update(parameter w: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>,
                       slots: OptimizerSlots, count: Int, step: Int) {
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

    public var config: [String: Double] {
        ["learning_rate": Double(learningRate), "momentum": Double(momentum), "nesterov": nesterov ? 1 : 0]
    }
}

extension Optimizer where Self == SGD {
    /// `SGD(learningRate:momentum:nesterov:)` with Keras's defaults.
    public static func sgd(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false) -> SGD {
        SGD(learningRate: learningRate, momentum: momentum, nesterov: nesterov)
    }
}
