import SwiftLearnGEMM
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The unary functions ``TensorFloatingPoint/apply(_:_:into:)`` evaluates.
public enum UnaryFunction: Sendable, Hashable, CaseIterable {
    case exp, log, sqrt, tanh, sigmoid, relu, abs, square
}

/// Floating-point tensor scalars (`Float`, `Double`): the types math, statistics and initializers work on.
///
/// `Float` runs the 16-lane kernels of ``VectorMath``, `Double` their 8-lane counterparts
/// (`VectorMath+Double.swift`); both split large inputs over threads without changing a bit.
public protocol TensorFloatingPoint: TensorScalar, BinaryFloatingPoint {
    /// Kernel hook: `y[i] = f(x[i])`; `y` may be exactly `x`.
    static func apply(_ function: UnaryFunction, _ x: UnsafeBufferPointer<Self>, into y: UnsafeMutableBufferPointer<Self>)
    /// Kernel hook: `y[i] = x[i] ^ exponent` (C `pow` semantics).
    static func power(_ x: UnsafeBufferPointer<Self>, _ exponent: Self, into y: UnsafeMutableBufferPointer<Self>)
    /// Natural log of one scalar (used by reductions such as log-sum-exp).
    static func logarithm(_ x: Self) -> Self
    /// Square root of one scalar.
    static func squareRootOf(_ x: Self) -> Self
    /// Kernel hook: Σ (x[i] - mean)² in a fixed order (no temporary).
    static func sumOfSquaredDeviations(_ x: UnsafeBufferPointer<Self>, from mean: Self) -> Self
    /// Kernel hook: `sums[j] += (x[j] - means[j])²` for `j in 0..<count`.
    static func accumulateSquaredDeviations(_ x: UnsafePointer<Self>, means: UnsafePointer<Self>,
                                            into sums: UnsafeMutablePointer<Self>, count: Int)
    /// Kernel hook: row-major `C = op(A) · op(B)` (`op` transposes when the flag is set), `C` is `m x n`,
    /// leading dimensions are row strides. `Float` runs SwiftLearnGEMM's `sgemm`.
    static func matrixMultiply(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                               a: UnsafeBufferPointer<Self>, lda: Int, b: UnsafeBufferPointer<Self>, ldb: Int,
                               c: UnsafeMutableBufferPointer<Self>, ldc: Int)
}

extension Float: TensorFloatingPoint {
    public static func apply(_ function: UnaryFunction, _ x: UnsafeBufferPointer<Float>,
                             into y: UnsafeMutableBufferPointer<Float>) {
        switch function {
        case .exp: VectorMath.exp(x, into: y)
        case .log: VectorMath.log(x, into: y)
        case .sqrt: VectorMath.sqrt(x, into: y)
        case .tanh: VectorMath.tanh(x, into: y)
        case .sigmoid: VectorMath.sigmoid(x, into: y)
        case .relu: VectorMath.relu(x, into: y)
        case .abs: VectorMath.abs(x, into: y)
        case .square: VectorMath.square(x, into: y)
        }
    }

    public static func power(_ x: UnsafeBufferPointer<Float>, _ exponent: Float,
                             into y: UnsafeMutableBufferPointer<Float>) {
        precondition(x.count == y.count, "pow: input length \(x.count) differs from output length \(y.count)")
        switch exponent {
        case 1: if x.baseAddress != UnsafePointer(y.baseAddress) { _ = y.initialize(from: x) }
        case 2: VectorMath.square(x, into: y)
        case 0.5: VectorMath.sqrt(x, into: y)
        default: for i in 0..<x.count { y[i] = powf(x[i], exponent) }
        }
    }

    public static func logarithm(_ x: Float) -> Float { VectorMath.log(x) }

    public static func matrixMultiply(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                                      a: UnsafeBufferPointer<Float>, lda: Int, b: UnsafeBufferPointer<Float>, ldb: Int,
                                      c: UnsafeMutableBufferPointer<Float>, ldc: Int) {
        sgemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
              b: b, ldb: ldb, beta: 0, c: c, ldc: ldc)
    }
    public static func squareRootOf(_ x: Float) -> Float { correctlyRoundedSquareRoot(SIMD16(repeating: x))[0] }
    public static func sumOfSquaredDeviations(_ x: UnsafeBufferPointer<Float>, from mean: Float) -> Float {
        simdSumOfSquaredDeviations(x, from: mean, as: SIMD16<Float>.self)
    }
    public static func accumulateSquaredDeviations(_ x: UnsafePointer<Float>, means: UnsafePointer<Float>,
                                                   into sums: UnsafeMutablePointer<Float>, count: Int) {
        SwiftLearnTensor.accumulateSquaredDeviations(x, means, into: sums, count: count)
    }
}

extension Double: TensorFloatingPoint {
    public static func apply(_ function: UnaryFunction, _ x: UnsafeBufferPointer<Double>,
                             into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == y.count, "\(function): input length \(x.count) differs from output length \(y.count)")
        switch function {
        case .exp: mapTranscendental(.exp, x, into: y, as: SIMD8<Double>.self)
        case .log: mapTranscendental(.log, x, into: y, as: SIMD8<Double>.self)
        case .sqrt: mapLanes(x, into: y, DoubleLanes.SquareRoot(), cost: .memoryBound)
        case .tanh: mapTranscendental(.tanh, x, into: y, as: SIMD8<Double>.self)
        // Direct, as Float log: through `mapTranscendental` this map ran 2-3x slower.
        case .sigmoid: mapLanes(x, into: y, TranscendentalMaps.Sigmoid<SIMD8<Double>, SeparatePolynomial>(), cost: .computeBound)
        case .relu: mapLanes(x, into: y, DoubleLanes.Relu(), cost: .memoryBound)
        case .abs: mapLanes(x, into: y, DoubleLanes.Magnitude(), cost: .memoryBound)
        case .square: mapLanes(x, into: y, DoubleLanes.Square(), cost: .memoryBound)
        }
    }

    public static func power(_ x: UnsafeBufferPointer<Double>, _ exponent: Double,
                             into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == y.count, "pow: input length \(x.count) differs from output length \(y.count)")
        switch exponent {
        case 2: mapLanes(x, into: y, DoubleLanes.Square(), cost: .memoryBound)
        case 0.5: mapLanes(x, into: y, DoubleLanes.SquareRoot(), cost: .memoryBound)
        default: for i in 0..<x.count { y[i] = Glibc.pow(x[i], exponent) }
        }
    }

    public static func logarithm(_ x: Double) -> Double { VectorMath.transcendental(.log, x, as: SIMD8<Double>.self) }

    /// DGEMM: the same blocked, threaded driver as Float with `SIMD8<Double>` tiles.
    public static func matrixMultiply(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                                      a: UnsafeBufferPointer<Double>, lda: Int, b: UnsafeBufferPointer<Double>, ldb: Int,
                                      c: UnsafeMutableBufferPointer<Double>, ldc: Int) {
        dgemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
              b: b, ldb: ldb, beta: 0, c: c, ldc: ldc)
    }
    public static func squareRootOf(_ x: Double) -> Double { correctlyRoundedSquareRoot(SIMD8(repeating: x))[0] }
    public static func sumOfSquaredDeviations(_ x: UnsafeBufferPointer<Double>, from mean: Double) -> Double {
        simdSumOfSquaredDeviations(x, from: mean, as: SIMD8<Double>.self)
    }
    public static func accumulateSquaredDeviations(_ x: UnsafePointer<Double>, means: UnsafePointer<Double>,
                                                   into sums: UnsafeMutablePointer<Double>, count: Int) {
        SwiftLearnTensor.accumulateSquaredDeviations(x, means, into: sums, count: count)
    }
}

/// The 8-lane Double functions behind `Double.apply`.
enum DoubleLanes {
    struct SquareRoot: VectorFunction {
        @inline(__always) func callAsFunction(_ x: SIMD8<Double>) -> SIMD8<Double> { correctlyRoundedSquareRoot(x) }
    }
    struct Relu: VectorFunction {
        // `x < 0` is false for NaN, so NaN passes through like numpy's maximum(x, 0).
        @inline(__always) func callAsFunction(_ x: SIMD8<Double>) -> SIMD8<Double> {
            x.replacing(with: SIMD8<Double>.zero, where: x .< SIMD8<Double>.zero)
        }
    }
    struct Magnitude: VectorFunction {
        @inline(__always) func callAsFunction(_ x: SIMD8<Double>) -> SIMD8<Double> {
            unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt64>.self) & SIMD8(repeating: 0x7FFF_FFFF_FFFF_FFFF), to: SIMD8<Double>.self)
        }
    }
    struct Square: VectorFunction {
        @inline(__always) func callAsFunction(_ x: SIMD8<Double>) -> SIMD8<Double> { x * x }
    }
    struct Clip: VectorFunction {
        var lower: Double, upper: Double
        @inline(__always) func callAsFunction(_ x: SIMD8<Double>) -> SIMD8<Double> {
            let low = SIMD8(repeating: lower), high = SIMD8(repeating: upper)
            return x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
        }
    }
}
