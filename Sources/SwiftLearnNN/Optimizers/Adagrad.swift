/// Adagrad, with Keras 3's update:
///
/// ```
/// accumulator += g²
/// w -= lr·g / sqrt(accumulator + epsilon)
/// ```
///
/// Defaults are Keras's: `learningRate 0.001`, `initialAccumulatorValue 0.1`, `epsilon 1e-7`.
public final class Adagrad: SlotOptimizer {
    public let initialAccumulatorValue: Float
    public let epsilon: Float

    public init(learningRate: Float = 0.001, initialAccumulatorValue: Float = 0.1, epsilon: Float = 1e-7) {
        self.initialAccumulatorValue = initialAccumulatorValue
        self.epsilon = epsilon
        super.init(learningRate: learningRate)
    }

    override var slotNames: [String] { ["accumulator"] }
    override func initialSlotValue() -> Float { initialAccumulatorValue }

    public override func validate() throws(NNError) {
        try super.validate()
        try requireRange("Adagrad", "initialAccumulatorValue", initialAccumulatorValue, lower: 0, upper: .greatestFiniteMagnitude)
        try requireRange("Adagrad", "epsilon", epsilon, lower: 0, upper: .greatestFiniteMagnitude)
    }

    override func update(values w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, slots: SlotPointers,
                         count: Int, step: Int) {
        let lr = Lanes(repeating: learningRate), eps = Lanes(repeating: epsilon)
        runLaneKernel(count, [w, UnsafeMutablePointer(mutating: g), slots[0]]) { t, blocks in
            let w = t[0], g = t[1], accumulatorSlot = t[2]
            for block in 0..<blocks {
                let i = block * 16
                let gi = load(g + i)
                let accumulator = load(accumulatorSlot + i) + gi * gi
                store(accumulator, accumulatorSlot + i)
                store(load(w + i) - (lr * gi) / magnitudeSquareRoot(accumulator + eps), w + i)
            }
        }
    }

    public override var config: [String: Double] {
        ["learning_rate": Double(learningRate), "initial_accumulator_value": Double(initialAccumulatorValue),
         "epsilon": Double(epsilon)]
    }
}
