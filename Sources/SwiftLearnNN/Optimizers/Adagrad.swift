/// Adagrad, with Keras 3's update:
///
/// ```
/// accumulator += g²
/// w -= lr·g / sqrt(accumulator + epsilon)
/// ```
///
/// Defaults are Keras's: `learningRate 0.001`, `initialAccumulatorValue 0.1`, `epsilon 1e-7`.
public final class Adagrad: Optimizer {
    public var learningRate: Float
    public let initialAccumulatorValue: Float
    public let epsilon: Float

    public init(learningRate: Float = 0.001, initialAccumulatorValue: Float = 0.1, epsilon: Float = 1e-7) {
        self.learningRate = learningRate
        self.initialAccumulatorValue = initialAccumulatorValue
        self.epsilon = epsilon
    }

    public var name: String { "Adagrad" }
    public var slotNames: [String] { ["accumulator"] }
    public func initialSlotValue(_ slot: Int) -> Float { initialAccumulatorValue }

    public func validate() throws(NNError) {
        try requireRange("Adagrad", "learningRate", learningRate, lower: 0, upper: .greatestFiniteMagnitude)
        try requireRange("Adagrad", "initialAccumulatorValue", initialAccumulatorValue, lower: 0, upper: .greatestFiniteMagnitude)
        try requireRange("Adagrad", "epsilon", epsilon, lower: 0, upper: .greatestFiniteMagnitude)
    }

    public func update(parameter w: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>,
                       slots: OptimizerSlots, count: Int, step: Int) {
        let accumulator = slots[0], lr = learningRate, eps = epsilon
        for i in 0..<count {
            accumulator[i] += g[i] * g[i]
            w[i] -= (lr * g[i]) / (accumulator[i] + eps).squareRoot()
        }
    }

    public var config: [String: Double] {
        ["learning_rate": Double(learningRate), "initial_accumulator_value": Double(initialAccumulatorValue),
         "epsilon": Double(epsilon)]
    }
}

extension Optimizer where Self == Adagrad {
    /// `Adagrad(...)` with Keras's defaults.
    public static func adagrad(learningRate: Float = 0.001, initialAccumulatorValue: Float = 0.1,
                               epsilon: Float = 1e-7) -> Adagrad {
        Adagrad(learningRate: learningRate, initialAccumulatorValue: initialAccumulatorValue, epsilon: epsilon)
    }
}
