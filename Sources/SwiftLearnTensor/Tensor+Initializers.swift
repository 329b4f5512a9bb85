#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Filled and evenly spaced tensors.
///
/// ```swift
/// Tensor<Float>.filled(0.5, shape: [2, 2])
/// Tensor<Int32>.arange(5)                       // [0, 1, 2, 3, 4]
/// Tensor<Double>.linspace(0, 1, count: 5)       // [0, 0.25, 0.5, 0.75, 1]
/// ```
extension Tensor {
    /// A tensor of `shape` with every element `value`.
    public static func filled(_ value: Scalar, shape: [Int]) -> Tensor { Tensor(repeating: value, shape: shape) }

    /// `[0, 1, …, stop - 1]` (numpy `arange(stop)`).
    public static func arange(_ stop: Scalar) -> Tensor { arange(0, stop) }

    /// numpy `arange(start, stop, step)`: `ceil((stop - start) / step)` values `start + i * step`,
    /// computed in `Double` then converted. Precondition: `step != 0`.
    public static func arange(_ start: Scalar, _ stop: Scalar, step: Scalar = 1) -> Tensor {
        let first = start.doubleValue, last = stop.doubleValue, delta = step.doubleValue
        precondition(delta != 0 && delta.isFinite, "arange: step \(step) must be finite and non-zero")
        let count = Swift.max(0, Int(((last - first) / delta).rounded(.up)))
        return Tensor(shape: [count]) { output in
            for i in 0..<count { output[i] = Scalar(converting: first + Double(i) * delta) }
        }
    }

    /// numpy `linspace(start, stop, num, endpoint)`: `count` evenly spaced values; with `endpoint` the last is
    /// exactly `stop`. Precondition: `count >= 0`.
    public static func linspace(_ start: Scalar, _ stop: Scalar, count: Int, endpoint: Bool = true) -> Tensor {
        precondition(count >= 0, "linspace: count \(count) must be non-negative")
        let first = start.doubleValue, last = stop.doubleValue
        let divisions = endpoint ? count - 1 : count
        let step = divisions > 0 ? (last - first) / Double(divisions) : 0
        return Tensor(shape: [count]) { output in
            for i in 0..<count { output[i] = Scalar(converting: first + Double(i) * step) }
            if endpoint && count > 1 { output[count - 1] = stop }
        }
    }
}

// MARK: - Random initializers

/// Random tensors from any `RandomNumberGenerator`; a seeded generator (e.g. SwiftLearnRandom's `RandomState`)
/// gives bit-identical tensors on every run.
///
/// Draws are defined here, not by the standard library: a uniform `u` in [0, 1) is `(next() >> 11) · 2^-53`,
/// normals come from Box–Muller pairs (`√(-2 ln(1-u₁))·cos(2πu₂)` then the matching `sin`), in row-major order.
///
/// ```swift
/// var rng = RandomState(seed: 42)
/// let w = Tensor<Float>.glorotUniform([784, 128], using: &rng)
/// ```
extension Tensor where Scalar: TensorFloatingPoint {
    /// Uniform in `[lowerBound, upperBound)`.
    public static func randomUniform(_ shape: [Int], lowerBound: Scalar = 0, upperBound: Scalar = 1,
                                     using generator: inout some RandomNumberGenerator) -> Tensor {
        precondition(lowerBound <= upperBound, "randomUniform: lowerBound \(lowerBound) > upperBound \(upperBound)")
        let low = lowerBound.doubleValue, width = upperBound.doubleValue - lowerBound.doubleValue
        return Tensor(shape: shape) { output in
            for i in 0..<output.count { output[i] = Scalar(converting: low + width * unitUniform(&generator)) }
        }
    }

    /// Normal with the given mean and standard deviation.
    public static func randomNormal(_ shape: [Int], mean: Scalar = 0, standardDeviation: Scalar = 1,
                                    using generator: inout some RandomNumberGenerator) -> Tensor {
        precondition(standardDeviation >= 0, "randomNormal: standardDeviation \(standardDeviation) is negative")
        let mu = mean.doubleValue, sigma = standardDeviation.doubleValue
        var normals = NormalStream()
        return Tensor(shape: shape) { output in
            for i in 0..<output.count { output[i] = Scalar(converting: mu + sigma * normals.next(&generator)) }
        }
    }

    /// Normal truncated at two standard deviations (values beyond are redrawn), like Keras/TensorFlow
    /// `truncated_normal`. Note the resulting spread is ≈ 0.88 · `standardDeviation`.
    public static func truncatedNormal(_ shape: [Int], mean: Scalar = 0, standardDeviation: Scalar = 1,
                                       using generator: inout some RandomNumberGenerator) -> Tensor {
        precondition(standardDeviation >= 0, "truncatedNormal: standardDeviation \(standardDeviation) is negative")
        let mu = mean.doubleValue, sigma = standardDeviation.doubleValue
        var normals = NormalStream()
        return Tensor(shape: shape) { output in
            for i in 0..<output.count {
                var z = normals.next(&generator)
                while Swift.abs(z) > 2 { z = normals.next(&generator) }
                output[i] = Scalar(converting: mu + sigma * z)
            }
        }
    }

    /// Keras `fan_in`/`fan_out` of a kernel shape: `[in, out]` for dense kernels; for convolution kernels
    /// `[…spatial, in, out]` both are multiplied by the receptive field size; rank 1 uses its extent for both.
    public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        case 2: return (shape[0], shape[1])
        default:
            let receptiveField = shape.dropLast(2).reduce(1, *)
            return (shape[shape.count - 2] * receptiveField, shape[shape.count - 1] * receptiveField)
        }
    }

    /// Keras `glorot_uniform`: U(-limit, limit), `limit = √(6 / (fan_in + fan_out))`.
    public static func glorotUniform(_ shape: [Int], using generator: inout some RandomNumberGenerator) -> Tensor {
        let (fanIn, fanOut) = fans(shape)
        let limit = Scalar(converting: (6 / Double(Swift.max(1, fanIn + fanOut))).squareRoot())
        return randomUniform(shape, lowerBound: -limit, upperBound: limit, using: &generator)
    }

    /// Keras `glorot_normal`: truncated normal, `stddev = √(2 / (fan_in + fan_out)) / 0.87962566103423978`.
    public static func glorotNormal(_ shape: [Int], using generator: inout some RandomNumberGenerator) -> Tensor {
        let (fanIn, fanOut) = fans(shape)
        let deviation = (2 / Double(Swift.max(1, fanIn + fanOut))).squareRoot() / truncationCorrection
        return truncatedNormal(shape, standardDeviation: Scalar(converting: deviation), using: &generator)
    }

    /// Keras `he_normal`: truncated normal, `stddev = √(2 / fan_in) / 0.87962566103423978`
    /// (the divisor restores unit variance after truncation at 2σ).
    public static func heNormal(_ shape: [Int], using generator: inout some RandomNumberGenerator) -> Tensor {
        let deviation = (2 / Double(Swift.max(1, fans(shape).fanIn))).squareRoot() / truncationCorrection
        return truncatedNormal(shape, standardDeviation: Scalar(converting: deviation), using: &generator)
    }

    /// Keras `he_uniform`: U(-limit, limit), `limit = √(6 / fan_in)`.
    public static func heUniform(_ shape: [Int], using generator: inout some RandomNumberGenerator) -> Tensor {
        let limit = Scalar(converting: (6 / Double(Swift.max(1, fans(shape).fanIn))).squareRoot())
        return randomUniform(shape, lowerBound: -limit, upperBound: limit, using: &generator)
    }

    /// Standard deviation of a unit normal truncated to [-2, 2] (Keras's constant).
    static var truncationCorrection: Double { 0.87962566103423978 }
}

/// A uniform Double in [0, 1) from the top 53 bits of one 64-bit draw.
@inline(__always)
func unitUniform(_ generator: inout some RandomNumberGenerator) -> Double {
    Double(generator.next() >> 11) * 0x1p-53
}

/// Box–Muller standard normals, consumed in pairs (cos, then sin) so every two values cost two draws.
struct NormalStream {
    private var spare: Double?

    mutating func next(_ generator: inout some RandomNumberGenerator) -> Double {
        if let value = spare { spare = nil; return value }
        let u1 = 1 - unitUniform(&generator)  // (0, 1]: log is finite
        let u2 = unitUniform(&generator)
        let radius = (-2 * Glibc.log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spare = radius * Glibc.sin(angle)
        return radius * Glibc.cos(angle)
    }
}
