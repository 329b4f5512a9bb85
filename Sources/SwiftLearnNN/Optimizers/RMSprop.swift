/// RMSprop, with Keras 3's update:
///
/// ```
/// velocity = rho·velocity + (1 - rho)·g²
/// denominator = velocity + epsilon        // centered: velocity - avg² + epsilon, avg = rho·avg + (1 - rho)·g
/// increment = lr·g / sqrt(denominator)
/// w -= increment                          // with momentum: mom = momentum·mom + increment; w -= mom
/// ```
///
/// Defaults are Keras's: `learningRate 0.001`, `rho 0.9`, `momentum 0`, `epsilon 1e-7`, `centered false`.
public final class RMSprop: Optimizer {
    public var learningRate: Float
    public let rho: Float
    public let momentum: Float
    public let epsilon: Float
    public let centered: Bool

    public init(learningRate: Float = 0.001, rho: Float = 0.9, momentum: Float = 0,
                epsilon: Float = 1e-7, centered: Bool = false) {
        self.learningRate = learningRate
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered
    }

    public var name: String { "RMSprop" }
    public var slotNames: [String] {
        ["velocity"] + (momentum > 0 ? ["momentum"] : []) + (centered ? ["average_gradient"] : [])
    }

    public func validate() throws(NNError) {
        try requireRange("RMSprop", "learningRate", learningRate, lower: 0, upper: .greatestFiniteMagnitude)
        try requireRange("RMSprop", "rho", rho, lower: 0, upper: 1)
        try requireRange("RMSprop", "momentum", momentum, lower: 0, upper: 1)
        try requireRange("RMSprop", "epsilon", epsilon, lower: 0, upper: .greatestFiniteMagnitude)
    }

    public func update(parameter w: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>,
                       slots: OptimizerSlots, count: Int, step: Int) {
        let velocity = slots[0]
        let momentumSlot: UnsafeMutablePointer<Float>? = momentum > 0 ? slots[1] : nil
        let average: UnsafeMutablePointer<Float>? = centered ? slots[momentum > 0 ? 2 : 1] : nil
        let lr = learningRate, r = rho, eps = epsilon, mu = momentum
        for i in 0..<count {
            velocity[i] = r * velocity[i] + (1 - r) * (g[i] * g[i])
            var denominator = velocity[i] + eps
            if let average {
                average[i] = r * average[i] + (1 - r) * g[i]
                denominator = velocity[i] - average[i] * average[i] + eps
            }
            let increment = (lr * g[i]) / denominator.squareRoot()
            if let momentumSlot {
                momentumSlot[i] = mu * momentumSlot[i] + increment
                w[i] -= momentumSlot[i]
            } else {
                w[i] -= increment
            }
        }
    }

    public var config: [String: Double] {
        ["learning_rate": Double(learningRate), "rho": Double(rho), "momentum": Double(momentum),
         "epsilon": Double(epsilon), "centered": centered ? 1 : 0]
    }
}

extension Optimizer where Self == RMSprop {
    /// `RMSprop(...)` with Keras's defaults.
    public static func rmsprop(learningRate: Float = 0.001, rho: Float = 0.9, momentum: Float = 0,
                               epsilon: Float = 1e-7, centered: Bool = false) -> RMSprop {
        RMSprop(learningRate: learningRate, rho: rho, momentum: momentum, epsilon: epsilon, centered: centered)
    }
}
