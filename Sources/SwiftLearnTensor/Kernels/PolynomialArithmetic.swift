import Dispatch
import SwiftLearnSystem

/// How the transcendental kernels evaluate their polynomials' `a·b + c` steps.
///
/// `FusedPolynomial` rounds once (`addingProduct`: one packed FMA instruction when the build targets a CPU with
/// FMA, e.g. `-Xswiftc -target-cpu -Xswiftc native`); `SeparatePolynomial` rounds twice (a multiply and an add,
/// never a library call). In a baseline x86-64 build `addingProduct` is a libm `fmaf`/`fma` call per lane, so
/// the fused family runs only after it has timed as hardware-fast (``PolynomialFamily``). Only polynomial steps
/// are fused: the exact argument reductions and error-free sums stay two-rounding by construction.
///
/// The requirements are on the concrete vector types: through a generic `V: SIMD` the per-lane `addingProduct`
/// calls came out as 4-lane FMAs (xmm) in the kernels' loops, and the fused log ran slower than the separate one.
protocol PolynomialArithmetic {
    /// `a·b + c`.
    static func multiplyAdd(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ c: SIMD16<Float>) -> SIMD16<Float>
    static func multiplyAdd(_ a: SIMD8<Double>, _ b: SIMD8<Double>, _ c: SIMD8<Double>) -> SIMD8<Double>
    /// Whether `multiplyAdd` rounds once. A kernel may then take an exact step that needs the unrounded product
    /// (a Cody–Waite reduction with a full-width constant); the separate family keeps the two-part reduction.
    static var roundsOnce: Bool { get }
}

enum FusedPolynomial: PolynomialArithmetic {
    @inline(__always)
    static func multiplyAdd(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ c: SIMD16<Float>) -> SIMD16<Float> { c.addingProduct(a, b) }
    @inline(__always)
    static func multiplyAdd(_ a: SIMD8<Double>, _ b: SIMD8<Double>, _ c: SIMD8<Double>) -> SIMD8<Double> { c.addingProduct(a, b) }
    static var roundsOnce: Bool { true }
}

enum SeparatePolynomial: PolynomialArithmetic {
    @inline(__always)
    static func multiplyAdd(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ c: SIMD16<Float>) -> SIMD16<Float> { a * b + c }
    @inline(__always)
    static func multiplyAdd(_ a: SIMD8<Double>, _ b: SIMD8<Double>, _ c: SIMD8<Double>) -> SIMD8<Double> { a * b + c }
    static var roundsOnce: Bool { false }
}

/// The polynomial family of this process, chosen once at first use by timing (Swift has no compile-time test
/// for CPU features; SwiftLearnGEMM chooses its microkernel family the same way).
///
/// The fused exp kernel is used when it is no more than 2x slower than the separate one: with hardware FMA it
/// is faster, without it 10-50x slower, so the choice is stable run to run, which matters because the two
/// families round differently (both stay within the documented error bounds, tested on sweeps). Results are the
/// same for any thread count. Debug builds (`-DDEBUG`) skip the timing and use the separate family; tests run
/// both families explicitly.
enum PolynomialFamily {
    static let fused: Bool = {
        #if DEBUG
        return false
        #else
        let separate = secondsPerCall(SeparatePolynomial.self)
        return secondsPerCall(FusedPolynomial.self, cutoff: separate) <= 2 * separate
        #endif
    }()

    /// Best of five runs of the Float exp kernel over 2,048 values in L1; a family still 8x slower than `cutoff`
    /// after three runs is not timed further (see `CandidateTiming`).
    static func secondsPerCall<M: PolynomialArithmetic>(_: M.Type, cutoff: Double = .infinity) -> Double {
        let input = (0..<2048).map { Float($0 % 97) * 0.37 - 18 }
        var output = [Float](repeating: 0, count: input.count)
        return input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                CandidateTiming.bestSeconds(givingUpAbove: 8 * cutoff) {
                    mapLanesSerial(x, into: y, TranscendentalMaps.Exp<SIMD16<Float>, M>())
                }
            }
        }
    }
}

/// `y[i] = f(x[i])` for the transcendental `function` (exp, log, tanh, sigmoid) in this process's polynomial
/// family, split over threads like every elementwise map.
@inline(__always)
func mapTranscendental<V: FloatingLanes>(_ function: UnaryFunction, _ x: UnsafeBufferPointer<V.Scalar>,
                                         into y: UnsafeMutableBufferPointer<V.Scalar>, as _: V.Type) {
    if PolynomialFamily.fused {
        mapTranscendental(function, x, into: y, as: V.self, FusedPolynomial.self)
    } else {
        mapTranscendental(function, x, into: y, as: V.self, SeparatePolynomial.self)
    }
}

/// ``mapTranscendental(_:_:into:as:)`` in the family `M` (tests call both).
@inline(__always)
func mapTranscendental<V: FloatingLanes, M: PolynomialArithmetic>(
    _ function: UnaryFunction, _ x: UnsafeBufferPointer<V.Scalar>, into y: UnsafeMutableBufferPointer<V.Scalar>,
    as _: V.Type, _: M.Type
) {
    switch function {
    case .exp: mapLanes(x, into: y, TranscendentalMaps.Exp<V, M>(), cost: .computeBound)
    case .log: mapLanes(x, into: y, TranscendentalMaps.Log<V, M>(), cost: .computeBound)
    case .tanh: mapLanes(x, into: y, TranscendentalMaps.Tanh<V, M>(), cost: .computeBound)
    case .sigmoid: mapLanes(x, into: y, TranscendentalMaps.Sigmoid<V, M>(), cost: .computeBound)
    default: preconditionFailure("\(function) is not a transcendental kernel")
    }
}
