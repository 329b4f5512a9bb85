import SwiftLearnTensor

/// A training objective, averaged over the batch like Keras's `sum_over_batch_size` reduction.
///
/// Per sample (one row of the last axis, width `n`), with `p` the prediction and `y` the target:
///
/// | loss | per-sample value |
/// |---|---|
/// | `mse` | `Σ (p - y)² / n` |
/// | `mae` | `Σ |p - y| / n` |
/// | `huber(delta:)` | `Σ h(p - y) / n`, `h(e) = e²/2` if `|e| <= delta`, else `delta·|e| - delta²/2` |
/// | `binaryCrossentropy` | `-Σ [y log p + (1 - y) log(1 - p)] / n`, `p` clipped to `[1e-7, 1 - 1e-7]` |
/// | `categoricalCrossentropy` | `-Σ y log(p / Σp)`, the normalized `p` clipped to `[1e-7, 1 - 1e-7]` |
/// | `sparseCategoricalCrossentropy` | `-log(p_label / Σp)`, clipped the same way; targets are class indices |
///
/// When the model's last layer ends in softmax (or sigmoid, for binary cross-entropy) the loss is fused
/// with it: it is computed from the logits with a stable log-softmax and its gradient is `p - y`,
/// which is what Keras's TensorFlow backend does through `_keras_logits`. `fromLogits: true` treats the
/// predictions as logits outright.
///
/// ```swift
/// try model.compile(optimizer: .adam(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
/// ```
public struct Loss: Sendable, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        case meanSquaredError
        case meanAbsoluteError
        case huber(delta: Float)
        case binaryCrossentropy(fromLogits: Bool)
        case categoricalCrossentropy(fromLogits: Bool)
        case sparseCategoricalCrossentropy(fromLogits: Bool)
    }
    let kind: Kind

    /// Keras's fuzz factor for clipping probabilities.
    static let epsilon: Float = 1e-7

    public static let meanSquaredError = Loss(kind: .meanSquaredError)
    public static let mse = meanSquaredError
    public static let meanAbsoluteError = Loss(kind: .meanAbsoluteError)
    public static let mae = meanAbsoluteError
    public static let huber = Loss(kind: .huber(delta: 1))
    public static func huber(delta: Float) -> Loss { Loss(kind: .huber(delta: delta)) }
    public static let binaryCrossentropy = Loss(kind: .binaryCrossentropy(fromLogits: false))
    public static func binaryCrossentropy(fromLogits: Bool) -> Loss { Loss(kind: .binaryCrossentropy(fromLogits: fromLogits)) }
    public static let categoricalCrossentropy = Loss(kind: .categoricalCrossentropy(fromLogits: false))
    public static func categoricalCrossentropy(fromLogits: Bool) -> Loss { Loss(kind: .categoricalCrossentropy(fromLogits: fromLogits)) }
    public static let sparseCategoricalCrossentropy = Loss(kind: .sparseCategoricalCrossentropy(fromLogits: false))
    public static func sparseCategoricalCrossentropy(fromLogits: Bool) -> Loss { Loss(kind: .sparseCategoricalCrossentropy(fromLogits: fromLogits)) }

    /// The Keras name (`sparse_categorical_crossentropy`), used in saved models.
    public var name: String {
        switch kind {
        case .meanSquaredError: return "mean_squared_error"
        case .meanAbsoluteError: return "mean_absolute_error"
        case .huber: return "huber"
        case .binaryCrossentropy: return "binary_crossentropy"
        case .categoricalCrossentropy: return "categorical_crossentropy"
        case .sparseCategoricalCrossentropy: return "sparse_categorical_crossentropy"
        }
    }

    public var description: String { name }

    var fromLogits: Bool {
        switch kind {
        case .binaryCrossentropy(let value), .categoricalCrossentropy(let value), .sparseCategoricalCrossentropy(let value): return value
        default: return false
        }
    }

    var parameter: Double? {
        if case .huber(let delta) = kind { return Double(delta) }
        return nil
    }

    init(kind: Kind) { self.kind = kind }

    /// The loss for a saved name and parameters; `nil` when unknown.
    init?(name: String, fromLogits: Bool, parameter: Double?) {
        switch name {
        case "mean_squared_error", "mse": kind = .meanSquaredError
        case "mean_absolute_error", "mae": kind = .meanAbsoluteError
        case "huber": kind = .huber(delta: Float(parameter ?? 1))
        case "binary_crossentropy": kind = .binaryCrossentropy(fromLogits: fromLogits)
        case "categorical_crossentropy": kind = .categoricalCrossentropy(fromLogits: fromLogits)
        case "sparse_categorical_crossentropy": kind = .sparseCategoricalCrossentropy(fromLogits: fromLogits)
        default: return nil
        }
    }

    var isSparse: Bool {
        if case .sparseCategoricalCrossentropy = kind { return true }
        return false
    }

    func validate() throws(NNError) {
        if case .huber(let delta) = kind, !(delta > 0 && delta.isFinite) {
            throw .invalidArgument("huber: delta must be finite and > 0, received \(delta)")
        }
    }

    /// How the loss treats the last layer's activation.
    enum Fusion: Equatable {
        /// Predictions are final outputs.
        case none
        /// Predictions are pre-softmax (or pre-sigmoid) values from a layer whose activation the loss applies;
        /// on return they hold the activated outputs.
        case activation
        /// Predictions are logits the user asked for (`fromLogits`); they are left unchanged.
        case logits
    }

    /// Whether the loss can take over `activation` at the end of the network.
    func canFuse(_ activation: ActivationFunction?) -> Bool {
        switch (kind, activation) {
        case (.binaryCrossentropy(false), .sigmoid?): return true
        case (.categoricalCrossentropy(false), .softmax?), (.sparseCategoricalCrossentropy(false), .softmax?): return true
        default: return false
        }
    }

    /// Sums the per-row losses of `rows` rows of width `width` and writes the gradient of their MEAN
    /// with respect to `predictions` into `gradient` (same layout). For sparse losses `targets` holds
    /// one class index per row, already validated to lie in `0..<width`.
    func sumAndGradient(predictions: UnsafeMutableBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
                        rows: Int, width: Int, fusion: Fusion,
                        gradient: UnsafeMutableBufferPointer<Float>) -> Double {
        guard rows > 0 else { return 0 }
        let p = predictions.baseAddress!, y = targets.baseAddress!, g = gradient.baseAddress!
        let count = rows * width
        var total: Double = 0
        switch kind {
        case .meanSquaredError:
            let scale = 2 / Float(count)
            for row in 0..<rows {
                var sum: Float = 0
                for j in row * width..<(row + 1) * width {
                    let e = p[j] - y[j]
                    sum += e * e
                    g[j] = scale * e
                }
                total += Double(sum / Float(width))
            }
        case .meanAbsoluteError:
            let scale = 1 / Float(count)
            for row in 0..<rows {
                var sum: Float = 0
                for j in row * width..<(row + 1) * width {
                    let e = p[j] - y[j]
                    sum += Swift.abs(e)
                    g[j] = e > 0 ? scale : (e < 0 ? -scale : 0)
                }
                total += Double(sum / Float(width))
            }
        case .huber(let delta):
            let scale = 1 / Float(count)
            for row in 0..<rows {
                var sum: Float = 0
                for j in row * width..<(row + 1) * width {
                    let e = p[j] - y[j]
                    let a = Swift.abs(e)
                    if a <= delta {
                        sum += 0.5 * e * e
                        g[j] = scale * e
                    } else {
                        sum += delta * a - 0.5 * delta * delta
                        g[j] = scale * (e > 0 ? delta : -delta)
                    }
                }
                total += Double(sum / Float(width))
            }
        case .binaryCrossentropy:
            let scale = 1 / Float(count)
            let eps = Loss.epsilon
            for row in 0..<rows {
                var sum: Float = 0
                for j in row * width..<(row + 1) * width {
                    let target = y[j]
                    if fusion == .none {
                        let q = Swift.min(Swift.max(p[j], eps), 1 - eps)
                        sum -= target * logFloat(q) + (1 - target) * logFloat(1 - q)
                        let inside = p[j] >= eps && p[j] <= 1 - eps
                        g[j] = inside ? scale * (-target / q + (1 - target) / (1 - q)) : 0
                    } else {
                        let z = p[j]
                        sum += Swift.max(z, 0) - z * target + log1pFloat(expFloat(-Swift.abs(z)))
                        let s = sigmoidFloat(z)
                        g[j] = scale * (s - target)
                        if fusion == .activation { p[j] = s }
                    }
                }
                total += Double(sum / Float(width))
            }
        case .categoricalCrossentropy, .sparseCategoricalCrossentropy:
            let sparse = isSparse
            let scale = 1 / Float(rows)
            for row in 0..<rows {
                let pr = p + row * width, gr = g + row * width
                let label = sparse ? Int(y[row]) : -1
                let yr = sparse ? y : y + row * width
                @inline(__always) func target(_ j: Int) -> Float { sparse ? (j == label ? 1 : 0) : yr[j] }
                if fusion == .none {
                    total += Double(Loss.clippedCrossEntropyRow(pr, gradient: gr, width: width, scale: scale, target: target))
                } else {
                    var maximum = -Float.infinity
                    for j in 0..<width { maximum = Swift.max(maximum, pr[j]) }
                    for j in 0..<width { gr[j] = pr[j] - maximum }
                    // Same exponential as the softmax layers (VectorMath), so fused and unfused
                    // probabilities agree bit for bit.
                    VectorMath.exp(UnsafeBufferPointer(start: gr, count: width), into: UnsafeMutableBufferPointer(start: gr, count: width))
                    var sumExp: Float = 0
                    for j in 0..<width { sumExp += gr[j] }
                    let logSumExp = maximum + VectorMath.log(sumExp)
                    let inverse = 1 / sumExp
                    var rowLoss: Float = 0, targetSum: Float = 0
                    for j in 0..<width {
                        let t = target(j)
                        rowLoss += t * (logSumExp - pr[j])
                        targetSum += t
                    }
                    for j in 0..<width {
                        let probability = gr[j] * inverse
                        if fusion == .activation { pr[j] = probability }
                        gr[j] = scale * (probability * targetSum - target(j))
                    }
                    total += Double(rowLoss)
                }
            }
        }
        return total
    }

    /// Keras's cross-entropy from probabilities for one row: normalize by the row sum, clip to
    /// `[eps, 1 - eps]`, `-Σ t log q`; the gradient goes through both the normalization and the clip.
    @inline(__always)
    static func clippedCrossEntropyRow(_ p: UnsafeMutablePointer<Float>, gradient g: UnsafeMutablePointer<Float>,
                                       width: Int, scale: Float, target: (Int) -> Float) -> Float {
        let eps = Loss.epsilon
        var sum: Float = 0
        for j in 0..<width { sum += p[j] }
        var loss: Float = 0
        var weighted: Float = 0
        for j in 0..<width {
            let q = p[j] / sum
            let clipped = Swift.min(Swift.max(q, eps), 1 - eps)
            let t = target(j)
            loss -= t * logFloat(clipped)
            // dL/dq, zero where the clip is active.
            let dq: Float = (q >= eps && q <= 1 - eps) ? -t / clipped : 0
            g[j] = dq
            weighted += dq * q
        }
        for j in 0..<width { g[j] = scale * (g[j] - weighted) / sum }
        return loss
    }
}
