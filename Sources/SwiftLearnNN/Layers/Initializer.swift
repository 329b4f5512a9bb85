import SwiftLearnRandom
import SwiftLearnTensor

/// How a weight's values start, with Keras's formulas (`keras.initializers`).
///
/// Fans follow Keras: a `[in, out]` matrix has `fanIn = in`, `fanOut = out`; a convolution kernel
/// `[kh, kw, in, out]` has `fanIn = kh·kw·in`, `fanOut = kh·kw·out`; a vector `[n]` has both `n`.
///
/// | case | values |
/// |---|---|
/// | `zeros`, `ones`, `constant(c)` | `0`, `1`, `c` |
/// | `glorotUniform` | `U(-l, l)`, `l = sqrt(6 / (fanIn + fanOut))` (Keras's default kernel initializer) |
/// | `glorotNormal` | normal truncated at 2σ, `σ = sqrt(2 / (fanIn + fanOut)) / 0.8796` |
/// | `heUniform`, `heNormal` | as Glorot with `6 / fanIn`, `2 / fanIn` |
/// | `lecunUniform`, `lecunNormal` | as Glorot with `3 / fanIn`, `1 / fanIn` |
/// | `randomUniform(min:max:)` | `U(min, max)` (Keras default `-0.05, 0.05`) |
/// | `randomNormal(mean:stddev:)` | `N(mean, stddev²)` (Keras default `0, 0.05`) |
///
/// Random draws come from numpy's MT19937 (`RandomState`), so a seed gives the same weights on every run.
///
/// ```swift
/// let scale = addWeight(name: "scale", shape: [units], initializer: .ones)
/// ```
public enum Initializer: Sendable, Equatable {
    case zeros
    case ones
    case constant(Float)
    case glorotUniform
    case glorotNormal
    case heUniform
    case heNormal
    case lecunUniform
    case lecunNormal
    case randomUniform(min: Float = -0.05, max: Float = 0.05)
    case randomNormal(mean: Float = 0, stddev: Float = 0.05)

    /// Writes the initial values of a weight of `shape` into `values`.
    func fill(_ values: UnsafeMutableBufferPointer<Float>, shape: [Int], random: inout RandomState) {
        let (fanIn, fanOut) = Tensor<Float>.fans(shape)
        func uniform(_ limit: Double) {
            for i in values.indices { values[i] = Float(random.uniform(-limit, limit)) }
        }
        /// Keras's truncated normal: redraw values beyond two standard deviations; the stddev is corrected
        /// by 0.87962566103423978 (the stddev of a unit normal truncated at ±2) so the result has `variance`.
        func truncatedNormal(_ variance: Double) {
            let stddev = variance.squareRoot() / 0.87962566103423978
            for i in values.indices {
                var draw = random.standardNormal()
                while Swift.abs(draw) > 2 { draw = random.standardNormal() }
                values[i] = Float(draw * stddev)
            }
        }
        switch self {
        case .zeros: values.initialize(repeating: 0)
        case .ones: values.initialize(repeating: 1)
        case .constant(let value): values.initialize(repeating: value)
        case .glorotUniform: uniform((6 / Double(fanIn + fanOut)).squareRoot())
        case .glorotNormal: truncatedNormal(2 / Double(fanIn + fanOut))
        case .heUniform: uniform((6 / Double(fanIn)).squareRoot())
        case .heNormal: truncatedNormal(2 / Double(fanIn))
        case .lecunUniform: uniform((3 / Double(fanIn)).squareRoot())
        case .lecunNormal: truncatedNormal(1 / Double(fanIn))
        case .randomUniform(let low, let high):
            for i in values.indices { values[i] = Float(random.uniform(Double(low), Double(high))) }
        case .randomNormal(let mean, let stddev):
            for i in values.indices { values[i] = Float(random.normal(Double(mean), Double(stddev))) }
        }
    }

    /// Throws unless the parameters are usable (finite, ordered bounds, non-negative spread).
    func validate(owner: String) throws(NNError) {
        switch self {
        case .constant(let value) where !value.isFinite:
            throw .invalidArgument("\(owner): constant initializer value must be finite, received \(value)")
        case .randomUniform(let low, let high) where !(low.isFinite && high.isFinite && low <= high):
            throw .invalidArgument("\(owner): randomUniform needs finite min <= max, received min \(low), max \(high)")
        case .randomNormal(let mean, let stddev) where !(mean.isFinite && stddev.isFinite && stddev >= 0):
            throw .invalidArgument("\(owner): randomNormal needs a finite mean and stddev >= 0, received mean \(mean), stddev \(stddev)")
        default:
            return
        }
    }

    /// Keras's name (`glorot_uniform`), for saved architectures.
    public var name: String {
        switch self {
        case .zeros: return "zeros"
        case .ones: return "ones"
        case .constant: return "constant"
        case .glorotUniform: return "glorot_uniform"
        case .glorotNormal: return "glorot_normal"
        case .heUniform: return "he_uniform"
        case .heNormal: return "he_normal"
        case .lecunUniform: return "lecun_uniform"
        case .lecunNormal: return "lecun_normal"
        case .randomUniform: return "random_uniform"
        case .randomNormal: return "random_normal"
        }
    }

    /// The initializer as saved-architecture JSON: `{"class_name": ..., "config": {...}}`.
    var json: JSONValue {
        var config: [String: JSONValue] = [:]
        switch self {
        case .constant(let value): config["value"] = .number(Double(value))
        case .randomUniform(let low, let high): config = ["minval": .number(Double(low)), "maxval": .number(Double(high))]
        case .randomNormal(let mean, let stddev): config = ["mean": .number(Double(mean)), "stddev": .number(Double(stddev))]
        default: break
        }
        return .object(["class_name": .string(name), "config": .object(config)])
    }

    /// The initializer saved as ``json``, or a bare name; `nil` when unknown.
    init?(json: JSONValue) {
        let name: String
        var config: [String: JSONValue] = [:]
        switch json {
        case .string(let text): name = text
        case .object(let object):
            guard let text = object["class_name"]?.stringValue else { return nil }
            name = text
            if case .object(let values)? = object["config"] { config = values }
        default: return nil
        }
        func number(_ key: String, _ fallback: Float) -> Float { config[key]?.doubleValue.map { Float($0) } ?? fallback }
        switch name {
        case "zeros": self = .zeros
        case "ones": self = .ones
        case "constant": self = .constant(number("value", 0))
        case "glorot_uniform": self = .glorotUniform
        case "glorot_normal": self = .glorotNormal
        case "he_uniform": self = .heUniform
        case "he_normal": self = .heNormal
        case "lecun_uniform": self = .lecunUniform
        case "lecun_normal": self = .lecunNormal
        case "random_uniform": self = .randomUniform(min: number("minval", -0.05), max: number("maxval", 0.05))
        case "random_normal": self = .randomNormal(mean: number("mean", 0), stddev: number("stddev", 0.05))
        default: return nil
        }
    }
}
