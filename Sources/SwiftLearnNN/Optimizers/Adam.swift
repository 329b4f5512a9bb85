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
/// `sqrt` is evaluated to within 2 ulp by a vectorized Newton iteration (see `vectorSquareRoot`).
///
/// Defaults are Keras's: `learningRate 0.001`, `beta1 0.9`, `beta2 0.999`, `epsilon 1e-7`.
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let amsgrad: Bool

    public init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-7, amsgrad: Bool = false) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.amsgrad = amsgrad
    }

    public var name: String { "Adam" }
    public var slotNames: [String] { amsgrad ? ["m", "v", "v_hat"] : ["m", "v"] }

    public func validate() throws(NNError) {
        try requireRange("Adam", "learningRate", learningRate, lower: 0, upper: .greatestFiniteMagnitude)
        try requireRange("Adam", "beta1", beta1, lower: 0, upper: 1, upperInclusive: false)
        try requireRange("Adam", "beta2", beta2, lower: 0, upper: 1, upperInclusive: false)
        try requireRange("Adam", "epsilon", epsilon, lower: 0, upper: .greatestFiniteMagnitude)
    }

    public func update(parameter w: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>,
                       slots: OptimizerSlots, count: Int, step: Int) {
        let t = Float(step)
        let beta1Power = powf(beta1, t), beta2Power = powf(beta2, t)
        let alpha = learningRate * (1 - beta2Power).squareRoot() / (1 - beta1Power)
        let m = slots[0], v = slots[1]
        let oneMinusBeta1 = 1 - beta1, oneMinusBeta2 = 1 - beta2, eps = epsilon
        if amsgrad {
            let vHat = slots[2]
            for i in 0..<count {
                m[i] += (g[i] - m[i]) * oneMinusBeta1
                v[i] += (g[i] * g[i] - v[i]) * oneMinusBeta2
                vHat[i] = Swift.max(vHat[i], v[i])
                w[i] -= (m[i] * alpha) / (vHat[i].squareRoot() + eps)
            }
            return
        }
        adamStep(w: w, g: g, m: m, v: v, count: count, alpha: alpha,
                 oneMinusBeta1: oneMinusBeta1, oneMinusBeta2: oneMinusBeta2, epsilon: eps)
    }

    public var config: [String: Double] {
        ["learning_rate": Double(learningRate), "beta_1": Double(beta1), "beta_2": Double(beta2),
         "epsilon": Double(epsilon), "amsgrad": amsgrad ? 1 : 0]
    }
}

/// The fused Adam update over 16 lanes: one pass reads g, m, v, w and writes m, v, w.
///
/// `sqrt(v)` comes from ``vectorSquareRoot(_:)`` (within 2 ulp), because Swift lowers
/// `Float.squareRoot()` to a guarded `sqrtf` call that LLVM cannot vectorize; this loop is the
/// single largest cost of a training step after the matrix products.
func adamStep(w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
              v: UnsafeMutablePointer<Float>, count: Int, alpha: Float,
              oneMinusBeta1: Float, oneMinusBeta2: Float, epsilon: Float) {
    typealias Lanes = SIMD16<Float>
    let a = Lanes(repeating: alpha), b1 = Lanes(repeating: oneMinusBeta1)
    let b2 = Lanes(repeating: oneMinusBeta2), eps = Lanes(repeating: epsilon)
    var i = 0
    while i + 16 <= count {
        let gi = UnsafeRawPointer(g + i).loadUnaligned(as: Lanes.self)
        var mi = UnsafeRawPointer(m + i).loadUnaligned(as: Lanes.self)
        var vi = UnsafeRawPointer(v + i).loadUnaligned(as: Lanes.self)
        var wi = UnsafeRawPointer(w + i).loadUnaligned(as: Lanes.self)
        mi += (gi - mi) * b1
        vi += (gi * gi - vi) * b2
        wi -= (mi * a) / (vectorSquareRoot(vi) + eps)
        UnsafeMutableRawPointer(m + i).storeBytes(of: mi, as: Lanes.self)
        UnsafeMutableRawPointer(v + i).storeBytes(of: vi, as: Lanes.self)
        UnsafeMutableRawPointer(w + i).storeBytes(of: wi, as: Lanes.self)
        i += 16
    }
    while i < count {
        let gi = g[i]
        m[i] += (gi - m[i]) * oneMinusBeta1
        v[i] += (gi * gi - v[i]) * oneMinusBeta2
        w[i] -= (m[i] * alpha) / (vectorSquareRoot(Lanes(repeating: v[i]))[0] + epsilon)
        i += 1
    }
}

/// `sqrt(x)` for `x >= 0` on 16 lanes as `x · rsqrt(x)`: a bit-level first guess refined by three
/// Newton steps `r ← r(1.5 - x r²/2)`; relative error below 2e-7 (about 1.5 ulp), exact 0 at 0.
@inline(__always)
func vectorSquareRoot(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let bits = unsafeBitCast(x, to: SIMD16<UInt32>.self)
    var r = unsafeBitCast(SIMD16<UInt32>(repeating: 0x5F37_5A86) &- (bits &>> 1), to: SIMD16<Float>.self)
    let half = x * 0.5
    r = r * (1.5 - half * r * r)
    r = r * (1.5 - half * r * r)
    r = r * (1.5 - half * r * r)
    return x * r
}

extension Optimizer where Self == Adam {
    /// `Adam(...)` with Keras's defaults.
    public static func adam(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999,
                            epsilon: Float = 1e-7, amsgrad: Bool = false) -> Adam {
        Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad)
    }
}
