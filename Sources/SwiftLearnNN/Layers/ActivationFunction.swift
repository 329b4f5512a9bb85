import SwiftLearnTensor

/// The elementwise (and row-wise, for softmax) nonlinearities of Keras's `keras.activations`.
///
/// | case | formula |
/// |---|---|
/// | `linear` | `x` |
/// | `relu` | `max(x, 0)` |
/// | `sigmoid` | `1 / (1 + exp(-x))` |
/// | `tanh` | `tanh(x)` |
/// | `softmax` | `exp(x_j) / sum_k exp(x_k)` over the last axis |
/// | `leakyRelu(negativeSlope:)` | `x` for `x > 0`, else `negativeSlope * x` (Keras default slope 0.2) |
/// | `elu(alpha:)` | `x` for `x > 0`, else `alpha * (exp(x) - 1)` |
/// | `softplus` | `log(1 + exp(x))` |
///
/// ```swift
/// Dense(100, activation: .relu)
/// Dense(1, activation: .leakyRelu(negativeSlope: 0.1))
/// ```
public enum ActivationFunction: Sendable, Equatable, CustomStringConvertible {
    case linear
    case relu
    case sigmoid
    case tanh
    case softmax
    case leakyRelu(negativeSlope: Float = 0.2)
    case elu(alpha: Float = 1)
    case softplus

    /// The Keras name (`"relu"`, `"leaky_relu"`, ...), used in saved architectures.
    public var name: String {
        switch self {
        case .linear: return "linear"
        case .relu: return "relu"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .softmax: return "softmax"
        case .leakyRelu: return "leaky_relu"
        case .elu: return "elu"
        case .softplus: return "softplus"
        }
    }

    public var description: String {
        switch self {
        case .leakyRelu(let slope): return "leaky_relu(negative_slope: \(slope))"
        case .elu(let alpha): return "elu(alpha: \(alpha))"
        default: return name
        }
    }

    /// The names ``init(name:)`` accepts.
    public static let knownNames = ["linear", "relu", "sigmoid", "tanh", "softmax", "leaky_relu", "elu", "softplus"]

    /// The activation for a Keras name, with default parameters; `nil` for an unknown name.
    public init?(name: String) {
        switch name {
        case "linear", "None": self = .linear
        case "relu": self = .relu
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        case "softmax": self = .softmax
        case "leaky_relu": self = .leakyRelu()
        case "elu": self = .elu()
        case "softplus": self = .softplus
        default: return nil
        }
    }

    /// The scalar parameter of parameterized activations (slope or alpha), for saving.
    var parameter: Float? {
        switch self {
        case .leakyRelu(let slope): return slope
        case .elu(let alpha): return alpha
        default: return nil
        }
    }

    /// Throws when a parameter is outside the range where the derivative can be recovered from the output.
    func validate(owner: String) throws(NNError) {
        switch self {
        case .leakyRelu(let slope) where !(slope >= 0 && slope.isFinite):
            throw .invalidArgument("\(owner): leakyRelu negativeSlope must be finite and >= 0, received \(slope)")
        case .elu(let alpha) where !(alpha > 0 && alpha.isFinite):
            throw .invalidArgument("\(owner): elu alpha must be finite and > 0, received \(alpha)")
        default:
            return
        }
    }

    /// Applies the activation in place to `rows` rows of `width` values.
    func apply(_ values: UnsafeMutableBufferPointer<Float>, rows: Int, width: Int) {
        guard let p = values.baseAddress else { return }
        let count = rows * width
        switch self {
        case .linear:
            return
        case .relu:
            for i in 0..<count { p[i] = Swift.max(p[i], 0) }
        case .sigmoid:
            VectorMath.sigmoid(UnsafeBufferPointer(start: p, count: count), into: UnsafeMutableBufferPointer(start: p, count: count))
        case .tanh:
            VectorMath.tanh(UnsafeBufferPointer(start: p, count: count), into: UnsafeMutableBufferPointer(start: p, count: count))
        case .softmax:
            VectorMath.softmax(UnsafeBufferPointer(start: p, count: count), rows: rows, columns: width,
                               into: UnsafeMutableBufferPointer(start: p, count: count))
        case .leakyRelu(let slope):
            for i in 0..<count { let x = p[i]; p[i] = x > 0 ? x : slope * x }
        case .elu(let alpha):
            for i in 0..<count { let x = p[i]; p[i] = x > 0 ? x : alpha * expm1Float(x) }
        case .softplus:
            for i in 0..<count { p[i] = softplusFloat(p[i]) }
        }
    }

    /// Turns `gradient` (dL/dy) into dL/dx in place, using only the activation's output `y`.
    ///
    /// Every activation here has a derivative expressible through its output, so layers keep no
    /// pre-activation copy: relu `y > 0`, sigmoid `y(1 - y)`, tanh `1 - y²`, softmax
    /// `y ⊙ (g - Σ g⊙y)`, leaky relu `y > 0 ? 1 : slope`, elu `y > 0 ? 1 : y + alpha`, softplus `1 - exp(-y)`.
    func backward(output: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>, rows: Int, width: Int) {
        guard let y = output.baseAddress, let g = gradient.baseAddress else { return }
        let count = rows * width
        switch self {
        case .linear:
            return
        case .relu:
            for i in 0..<count { g[i] = y[i] > 0 ? g[i] : 0 }
        case .sigmoid:
            for i in 0..<count { g[i] *= y[i] * (1 - y[i]) }
        case .tanh:
            for i in 0..<count { g[i] *= 1 - y[i] * y[i] }
        case .softmax:
            for row in 0..<rows {
                let yr = y + row * width, gr = g + row * width
                var dot: Float = 0
                for j in 0..<width { dot += gr[j] * yr[j] }
                for j in 0..<width { gr[j] = yr[j] * (gr[j] - dot) }
            }
        case .leakyRelu(let slope):
            for i in 0..<count { g[i] *= y[i] > 0 ? 1 : slope }
        case .elu(let alpha):
            for i in 0..<count { g[i] *= y[i] > 0 ? 1 : y[i] + alpha }
        case .softplus:
            for i in 0..<count { g[i] *= -expm1Float(-y[i]) }
        }
    }
}
