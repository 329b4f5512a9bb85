/// RMSprop, with Keras 3's update (the optimizer `compile` uses when none is given, as in Keras):
///
/// ```
/// velocity = rho·velocity + (1 - rho)·g²
/// denominator = velocity + epsilon        // centered: velocity - avg² + epsilon, avg = rho·avg + (1 - rho)·g
/// increment = lr·g / sqrt(denominator)
/// w -= increment                          // with momentum: mom = momentum·mom + increment; w -= mom
/// ```
///
/// `sqrt` is the hardware's, correctly rounded (see `magnitudeSquareRoot`).
/// Defaults are Keras's: `learningRate 0.001`, `rho 0.9`, `momentum 0`, `epsilon 1e-7`, `centered false`.
public final class RMSprop: SlotOptimizer {
    public let rho: Float
    public let momentum: Float
    public let epsilon: Float
    public let centered: Bool

    public init(learningRate: Float = 0.001, rho: Float = 0.9, momentum: Float = 0,
                epsilon: Float = 1e-7, centered: Bool = false) {
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered
        super.init(learningRate: learningRate)
    }

    override var slotNames: [String] {
        ["velocity"] + (momentum > 0 ? ["momentum"] : []) + (centered ? ["average_gradient"] : [])
    }

    public override func validate() throws(NNError) {
        try super.validate()
        try requireRange("RMSprop", "rho", rho, lower: 0, upper: 1)
        try requireRange("RMSprop", "momentum", momentum, lower: 0, upper: 1)
        try requireRange("RMSprop", "epsilon", epsilon, lower: 0, upper: .greatestFiniteMagnitude)
    }

    override func update(values w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, slots: SlotPointers,
                         count: Int, step: Int) {
        let hasMomentum = momentum > 0
        // Arrays: w, g, velocity, then momentum and the average gradient when used.
        var arrays = [w, UnsafeMutablePointer(mutating: g), slots[0]]
        if hasMomentum { arrays.append(slots[1]) }
        if centered { arrays.append(slots[hasMomentum ? 2 : 1]) }
        let averageIndex = hasMomentum ? 4 : 3
        let lr = Lanes(repeating: learningRate), r = Lanes(repeating: rho), oneMinusRho = Lanes(repeating: 1 - rho)
        let eps = Lanes(repeating: epsilon), mu = Lanes(repeating: momentum), centered = self.centered
        runLaneKernel(count, arrays) { t, blocks in
            let w = t[0], g = t[1], velocitySlot = t[2]
            let momentumSlot = hasMomentum ? t[3] : t[2], averageSlot = centered ? t[averageIndex] : t[2]
            for block in 0..<blocks {
                let i = block * 16
                let gi = load(g + i)
                let velocity = r * load(velocitySlot + i) + oneMinusRho * (gi * gi)
                store(velocity, velocitySlot + i)
                var denominator = velocity + eps
                if centered {
                    let average = r * load(averageSlot + i) + oneMinusRho * gi
                    store(average, averageSlot + i)
                    denominator = velocity - average * average + eps
                }
                let increment = (lr * gi) / magnitudeSquareRoot(denominator)
                if hasMomentum {
                    let accumulated = mu * load(momentumSlot + i) + increment
                    store(accumulated, momentumSlot + i)
                    store(load(w + i) - accumulated, w + i)
                } else {
                    store(load(w + i) - increment, w + i)
                }
            }
        }
    }

    public override var config: [String: Double] {
        ["learning_rate": Double(learningRate), "rho": Double(rho), "momentum": Double(momentum),
         "epsilon": Double(epsilon), "centered": centered ? 1 : 0]
    }
}
