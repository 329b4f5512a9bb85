import SwiftLearnTensor

/// A training objective: a value per sample, reduced Keras's way (`sum_over_batch_size`: the weighted
/// sum over the batch divided by the batch size), and its gradient.
///
/// Built-in losses come as ``StandardLoss`` values (`.mse`, `.sparseCategoricalCrossentropy`, ...) or by
/// Keras's names (`"mse"`, `"sparse_categorical_crossentropy"`). A custom loss implements
/// ``rowLosses(predictions:targets:)`` on tensors; register it with ``LossRegistry`` so a saved model
/// that uses it loads back.
///
/// Rows: the loss is computed per row of the last axis. For outputs `[batch, width]` a row is a sample;
/// for outputs `[batch, t, width]` (a `Dense` over a sequence) each sample has `t` rows, every one weighted
/// by its sample's weight, and the sum is divided by the number of rows.
///
/// ```swift
/// /// Mean fourth power of the error.
/// struct QuarticError: Loss {
///     var name: String { "quartic_error" }
///     func rowLosses(predictions p: Tensor<Float>, targets y: Tensor<Float>) throws -> (values: Tensor<Float>, gradient: Tensor<Float>) {
///         let e = p - y, width = Float(p.shape[1])
///         return ((e * e * e * e).sum(axis: 1) / width, e * e * e * (4 / width))
///     }
/// }
/// try model.compile(optimizer: .adam(), loss: QuarticError())
/// ```
public protocol Loss: Sendable {
    /// The name saved with the model (Keras's `name`), e.g. `mean_squared_error`.
    var name: String { get }
    /// Parameters saved with the model, passed back to the registered factory on loading.
    var config: [String: JSONValue] { get }
    /// What the targets hold: values shaped like the outputs, or one class index per row.
    var targetLayout: LossTargetLayout { get }
    /// Whether the loss is a classification loss: class weights are accepted and `accuracy` resolves
    /// to a classification accuracy.
    var isClassification: Bool { get }
    /// Throws ``NNError/invalidArgument(_:)`` quoting a parameter outside its domain.
    func validate() throws
    /// Per-row losses and their gradients.
    ///
    /// - Parameters:
    ///   - predictions: `[rows, width]`, the model's outputs.
    ///   - targets: `[rows, width]`, or `[rows]` class indices when ``targetLayout`` is `.classIndices`.
    /// - Returns: `values` `[rows]`, each row's loss; `gradient` `[rows, width]`, the derivative of each
    ///   row's loss with respect to that row's predictions (weighting and averaging are applied by the caller).
    func rowLosses(predictions: Tensor<Float>, targets: Tensor<Float>) throws -> (values: Tensor<Float>, gradient: Tensor<Float>)
}

extension Loss {
    public var config: [String: JSONValue] { [:] }
    public var targetLayout: LossTargetLayout { .likeOutput }
    public var isClassification: Bool { false }
    public func validate() throws {}
}

/// How a loss's targets relate to the model's outputs.
public enum LossTargetLayout: Sendable, Equatable {
    /// Targets have the outputs' shape (regression, one-hot or multi-label classification).
    case likeOutput
    /// Targets hold one class index per row (sparse categorical cross-entropy).
    case classIndices
}

/// Keras's built-in losses.
///
/// Per row (the last axis, width `n`), with `p` the prediction and `y` the target:
///
/// | loss | per-row value |
/// |---|---|
/// | `mse` | `Σ (p - y)² / n` |
/// | `mae` | `Σ |p - y| / n` |
/// | `huber(delta:)` | `Σ h(p - y) / n`, `h(e) = e²/2` if `|e| <= delta`, else `delta·|e| - delta²/2` |
/// | `binaryCrossentropy` | `-Σ [y log p + (1 - y) log(1 - p)] / n`, `p` clipped to `[1e-7, 1 - 1e-7]` |
/// | `categoricalCrossentropy` | `-Σ y log(p / Σp)`, the normalized `p` clipped to `[1e-7, 1 - 1e-7]` |
/// | `sparseCategoricalCrossentropy` | `-log(p_label / Σp)`, clipped the same way; targets are class indices |
///
/// When the model's last layer ends in softmax (or sigmoid, for binary cross-entropy) the loss is fused
/// with it: computed from the logits with a stable log-softmax, with gradient `p - y`, which is what
/// Keras's TensorFlow backend does through `_keras_logits`. `fromLogits: true` treats the predictions as
/// logits outright.
///
/// ```swift
/// try model.compile(optimizer: .adam(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
/// ```
public struct StandardLoss: Loss, Equatable, CustomStringConvertible {
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

    init(kind: Kind) { self.kind = kind }

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

    public var config: [String: JSONValue] {
        switch kind {
        case .huber(let delta): return ["delta": .number(Double(delta))]
        case .binaryCrossentropy(let logits), .categoricalCrossentropy(let logits), .sparseCategoricalCrossentropy(let logits):
            return ["from_logits": .bool(logits)]
        default: return [:]
        }
    }

    public var targetLayout: LossTargetLayout { isSparse ? .classIndices : .likeOutput }

    public var isClassification: Bool {
        switch kind {
        case .binaryCrossentropy, .categoricalCrossentropy, .sparseCategoricalCrossentropy: return true
        default: return false
        }
    }

    /// Whether predictions are logits by the user's choice.
    public var fromLogits: Bool {
        switch kind {
        case .binaryCrossentropy(let value), .categoricalCrossentropy(let value), .sparseCategoricalCrossentropy(let value): return value
        default: return false
        }
    }

    var isSparse: Bool {
        if case .sparseCategoricalCrossentropy = kind { return true }
        return false
    }

    public func validate() throws {
        if case .huber(let delta) = kind, !(delta > 0 && delta.isFinite) {
            throw NNError.invalidArgument("huber: delta must be finite and > 0, received \(delta)")
        }
    }

    /// The built-in loss for a Keras name or alias (`mse`, `mean_squared_error`, ...), with `config`'s
    /// parameters; `nil` when the name is not a built-in.
    init?(name: String, config: [String: JSONValue] = [:]) {
        let logits = config["from_logits"]?.boolValue ?? false
        switch name {
        case "mean_squared_error", "mse", "MeanSquaredError": kind = .meanSquaredError
        case "mean_absolute_error", "mae", "MeanAbsoluteError": kind = .meanAbsoluteError
        case "huber", "huber_loss", "Huber": kind = .huber(delta: Float(config["delta"]?.doubleValue ?? 1))
        case "binary_crossentropy", "BinaryCrossentropy": kind = .binaryCrossentropy(fromLogits: logits)
        case "categorical_crossentropy", "CategoricalCrossentropy": kind = .categoricalCrossentropy(fromLogits: logits)
        case "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy":
            kind = .sparseCategoricalCrossentropy(fromLogits: logits)
        default: return nil
        }
    }

    /// The names ``init(name:config:)`` accepts, for error messages.
    static let knownNames = ["mse", "mean_squared_error", "mae", "mean_absolute_error", "huber", "binary_crossentropy",
                             "categorical_crossentropy", "sparse_categorical_crossentropy"]

    public func rowLosses(predictions: Tensor<Float>, targets: Tensor<Float>) throws -> (values: Tensor<Float>, gradient: Tensor<Float>) {
        let rows = predictions.shape[0], width = predictions.count / Swift.max(rows, 1)
        var p = predictions
        var values = Tensor<Float>.zeros([rows])
        var gradient = Tensor<Float>.zeros(predictions.shape)
        let fusion: Fusion = fromLogits ? .logits : .none
        p.withUnsafeMutableBufferPointer { p in
            targets.withUnsafeBufferPointer { y in
                gradient.withUnsafeMutableBufferPointer { g in
                    values.withUnsafeMutableBufferPointer { v in
                        for row in 0..<rows {
                            let target = isSparse ? y.baseAddress! + row : y.baseAddress! + row * width
                            v[row] = rowLoss(p.baseAddress! + row * width, target: target, gradient: g.baseAddress! + row * width,
                                             width: width, gradientScale: 1, fusion: fusion)
                        }
                    }
                }
            }
        }
        return (values, gradient)
    }

    // MARK: - The fused kernel the training loop runs

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

    /// Sums the (weighted) per-row losses of `rows` rows of width `width` and writes the gradient of the
    /// batch loss `Σ w_r·loss_r / rows` with respect to `predictions` into `gradient` (same layout).
    ///
    /// `weights`, when given, holds one weight per sample; row `r` belongs to sample `r / rowsPerSample`.
    /// For sparse losses `targets` holds one class index per row, already validated to lie in `0..<width`.
    func sumAndGradient(predictions: UnsafeMutableBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
                        weights: UnsafeBufferPointer<Float>? = nil, rowsPerSample: Int = 1,
                        rows: Int, width: Int, fusion: Fusion, gradient: UnsafeMutableBufferPointer<Float>) -> Double {
        guard rows > 0 else { return 0 }
        let p = predictions.baseAddress!, y = targets.baseAddress!, g = gradient.baseAddress!
        let scale = 1 / Float(rows)
        var total: Double = 0
        for row in 0..<rows {
            let weight = weights.map { $0[row / rowsPerSample] } ?? 1
            let target = isSparse ? y + row : y + row * width
            let value = rowLoss(p + row * width, target: target, gradient: g + row * width, width: width,
                                gradientScale: scale * weight, fusion: fusion)
            total += Double(value) * Double(weight)
        }
        return total
    }

    /// One row: returns its loss and writes `gradientScale · d(loss)/d(prediction)` into `g`. With
    /// `.activation` fusion the row of `p` is replaced by the activated outputs.
    @inline(__always)
    private func rowLoss(_ p: UnsafeMutablePointer<Float>, target y: UnsafePointer<Float>, gradient g: UnsafeMutablePointer<Float>,
                         width: Int, gradientScale scale: Float, fusion: Fusion) -> Float {
        let perElement = scale / Float(width)
        switch kind {
        case .meanSquaredError:
            var sum: Float = 0
            for j in 0..<width {
                let e = p[j] - y[j]
                sum += e * e
                g[j] = 2 * perElement * e
            }
            return sum / Float(width)
        case .meanAbsoluteError:
            var sum: Float = 0
            for j in 0..<width {
                let e = p[j] - y[j]
                sum += Swift.abs(e)
                g[j] = e > 0 ? perElement : (e < 0 ? -perElement : 0)
            }
            return sum / Float(width)
        case .huber(let delta):
            var sum: Float = 0
            for j in 0..<width {
                let e = p[j] - y[j]
                let a = Swift.abs(e)
                if a <= delta {
                    sum += 0.5 * e * e
                    g[j] = perElement * e
                } else {
                    sum += delta * a - 0.5 * delta * delta
                    g[j] = perElement * (e > 0 ? delta : -delta)
                }
            }
            return sum / Float(width)
        case .binaryCrossentropy:
            let eps = StandardLoss.epsilon
            var sum: Float = 0
            for j in 0..<width {
                let target = y[j]
                if fusion == .none {
                    let q = Swift.min(Swift.max(p[j], eps), 1 - eps)
                    sum -= target * logFloat(q) + (1 - target) * logFloat(1 - q)
                    let inside = p[j] >= eps && p[j] <= 1 - eps
                    g[j] = inside ? perElement * (-target / q + (1 - target) / (1 - q)) : 0
                } else {
                    let z = p[j]
                    sum += Swift.max(z, 0) - z * target + log1pFloat(expFloat(-Swift.abs(z)))
                    let s = sigmoidFloat(z)
                    g[j] = perElement * (s - target)
                    if fusion == .activation { p[j] = s }
                }
            }
            return sum / Float(width)
        case .categoricalCrossentropy, .sparseCategoricalCrossentropy:
            let label = isSparse ? Int(y[0]) : -1
            let sparse = isSparse
            @inline(__always) func target(_ j: Int) -> Float { sparse ? (j == label ? 1 : 0) : y[j] }
            if fusion == .none {
                return StandardLoss.clippedCrossEntropyRow(p, gradient: g, width: width, scale: scale, target: target)
            }
            var maximum = -Float.infinity
            for j in 0..<width { maximum = Swift.max(maximum, p[j]) }
            for j in 0..<width { g[j] = p[j] - maximum }
            // Same exponential as the softmax layers (VectorMath), so fused and unfused probabilities agree bit for bit.
            VectorMath.exp(UnsafeBufferPointer(start: g, count: width), into: UnsafeMutableBufferPointer(start: g, count: width))
            var sumExp: Float = 0
            for j in 0..<width { sumExp += g[j] }
            let logSumExp = maximum + VectorMath.log(sumExp)
            let inverse = 1 / sumExp
            var rowLoss: Float = 0, targetSum: Float = 0
            for j in 0..<width {
                let t = target(j)
                rowLoss += t * (logSumExp - p[j])
                targetSum += t
            }
            for j in 0..<width {
                let probability = g[j] * inverse
                if fusion == .activation { p[j] = probability }
                g[j] = scale * (probability * targetSum - target(j))
            }
            return rowLoss
        }
    }

    /// Keras's cross-entropy from probabilities for one row: normalize by the row sum, clip to
    /// `[eps, 1 - eps]`, `-Σ t log q`; the gradient goes through both the normalization and the clip.
    @inline(__always)
    static func clippedCrossEntropyRow(_ p: UnsafeMutablePointer<Float>, gradient g: UnsafeMutablePointer<Float>,
                                       width: Int, scale: Float, target: (Int) -> Float) -> Float {
        let eps = StandardLoss.epsilon
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

extension Loss where Self == StandardLoss {
    public static var meanSquaredError: StandardLoss { StandardLoss(kind: .meanSquaredError) }
    public static var mse: StandardLoss { meanSquaredError }
    public static var meanAbsoluteError: StandardLoss { StandardLoss(kind: .meanAbsoluteError) }
    public static var mae: StandardLoss { meanAbsoluteError }
    public static var huber: StandardLoss { StandardLoss(kind: .huber(delta: 1)) }
    public static func huber(delta: Float) -> StandardLoss { StandardLoss(kind: .huber(delta: delta)) }
    public static var binaryCrossentropy: StandardLoss { StandardLoss(kind: .binaryCrossentropy(fromLogits: false)) }
    public static func binaryCrossentropy(fromLogits: Bool) -> StandardLoss { StandardLoss(kind: .binaryCrossentropy(fromLogits: fromLogits)) }
    public static var categoricalCrossentropy: StandardLoss { StandardLoss(kind: .categoricalCrossentropy(fromLogits: false)) }
    public static func categoricalCrossentropy(fromLogits: Bool) -> StandardLoss {
        StandardLoss(kind: .categoricalCrossentropy(fromLogits: fromLogits))
    }
    public static var sparseCategoricalCrossentropy: StandardLoss { StandardLoss(kind: .sparseCategoricalCrossentropy(fromLogits: false)) }
    public static func sparseCategoricalCrossentropy(fromLogits: Bool) -> StandardLoss {
        StandardLoss(kind: .sparseCategoricalCrossentropy(fromLogits: fromLogits))
    }
}
