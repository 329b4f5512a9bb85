import Glibc

/// Adam, with Keras 3's update (bias correction folded into the step size):
///
/// ```
/// t = iterations + 1
/// alpha = lr · sqrt(1 - beta2^t) / (1 - beta1^t)
/// m += (g - m)·(1 - beta1)
/// v += (g² - v)·(1 - beta2)
/// w -= (m · alpha) / (sqrt(v) + epsilon)        // sqrt(max(v̂, v)) with amsgrad
/// ```
///
/// `sqrt` is the hardware's, correctly rounded (see `magnitudeSquareRoot`).
/// Defaults are Keras's: `learningRate 0.001`, `beta1 0.9`, `beta2 0.999`, `epsilon 1e-7`.
public final class Adam: SlotOptimizer {
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let amsgrad: Bool

    public init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-7, amsgrad: Bool = false) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.amsgrad = amsgrad
        super.init(learningRate: learningRate)
    }

    override var slotNames: [String] { amsgrad ? ["m", "v", "v_hat"] : ["m", "v"] }

    public override func validate() throws(NNError) {
        try super.validate()
        try requireRange("Adam", "beta1", beta1, lower: 0, upper: 1, upperInclusive: false)
        try requireRange("Adam", "beta2", beta2, lower: 0, upper: 1, upperInclusive: false)
        try requireRange("Adam", "epsilon", epsilon, lower: 0, upper: .greatestFiniteMagnitude)
    }

    override func update(values w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, slots: SlotPointers,
                         count: Int, step: Int) {
        let t = Float(step)
        let alpha = learningRate * (1 - powf(beta2, t)).squareRoot() / (1 - powf(beta1, t))
        let a = Lanes(repeating: alpha), b1 = Lanes(repeating: 1 - beta1)
        let b2 = Lanes(repeating: 1 - beta2), eps = Lanes(repeating: epsilon)
        let amsgrad = self.amsgrad
        // Arrays: w, g, m, v (and v̂). One pass reads g, m, v, w and writes m, v, w: after the matrix
        // products this loop is the largest cost of a training step.
        var arrays = [w, UnsafeMutablePointer(mutating: g), slots[0], slots[1]]
        if amsgrad { arrays.append(slots[2]) }
        runLaneKernel(count, arrays) { t, blocks in
            let w = t[0], g = t[1], mSlot = t[2], vSlot = t[3], vHat = amsgrad ? t[4] : t[3]
            for block in 0..<blocks {
                let i = block * 16
                let gi = load(g + i)
                var m = load(mSlot + i), v = load(vSlot + i)
                m += (gi - m) * b1
                v += (gi * gi - v) * b2
                store(m, mSlot + i)
                store(v, vSlot + i)
                var second = v
                if amsgrad {
                    second = pointwiseMax(load(vHat + i), v)
                    store(second, vHat + i)
                }
                store(load(w + i) - (m * a) / (magnitudeSquareRoot(second) + eps), w + i)
            }
        }
    }

    public override var config: [String: Double] {
        ["learning_rate": Double(learningRate), "beta_1": Double(beta1), "beta_2": Double(beta2),
         "epsilon": Double(epsilon), "amsgrad": amsgrad ? 1 : 0]
    }
}
