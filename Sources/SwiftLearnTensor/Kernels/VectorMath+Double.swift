// exp, log, tanh and sigmoid on 8 Double lanes (one 512-bit vector), for `Tensor<Double>`.
//
// Same structure as the Float kernels, with Double's error budget (targets: within 2 ulp, tested on sweeps
// against Float80 libm in DoubleMathTests):
//  * exp: Cody–Waite reduction with fdlibm's two-part ln 2 (k·ln2High exact for |k| < 2^21, and x - k·ln2High
//    exact by Sterbenz), e^r = 1 + r + r²·P(r) with the Taylor series to r^13 in Estrin's scheme (truncation 4e-18 for
//    |r| <= ln2/2), `1 + r` split exactly into head + tail so the small terms join the tail, and 2^k applied in two
//    normal halves so subnormal results round once.
//  * log: fdlibm's decomposition x = m·2^e, m in [√½, √2), s = f/(2 + f) with its degree-14 minimax R(s²),
//    combined in fdlibm's order (e·ln2High exact, the small terms first).
//  * tanh: u/(u + 2) with u = e^{2|x|} - 1 formed from exp's head and tail, for every lane (no second branch),
//    the rounding of u + 2 recovered by Fast2Sum and folded into the quotient; sign restored last.
//  * sigmoid: e = e^{-|x|} <= 1, then 1/(1 + e) or e/(1 + e), so neither tail loses relative accuracy; the
//    rounding of 1 + e is recovered and folded into the quotient.
// Polynomial steps go through `M.multiplyAdd` (see `PolynomialArithmetic.swift`).

private let magic: Double = 6_755_399_441_055_744.0  // 1.5 · 2^52
private let magicBits: Int64 = 0x4338_0000_0000_0000
private let log2e: Double = 1.4426950408889634
/// fdlibm's ln 2 = ln2High + ln2Low; ln2High has 32 significant bits.
private let ln2High: Double = 6.93147180369123816490e-01
private let ln2Low: Double = 1.90821492927058770002e-10

/// 1/13!, 1/12!, …, 1/2: the coefficients of P in e^r = 1 + r + r²·P(r), highest degree first.
private let expTaylor: (Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double) = (
    1.6059043836821613e-10, 2.08767569878681e-09, 2.505210838544172e-08, 2.755731922398589e-07,
    2.7557319223985893e-06, 2.48015873015873e-05, 0.0001984126984126984, 0.001388888888888889,
    0.008333333333333333, 0.041666666666666664, 0.16666666666666666, 0.5
)

@inline(__always)
private func splat(_ value: Double) -> SIMD8<Double> { SIMD8(repeating: value) }

@inline(__always)
private func integerBits(_ x: SIMD8<Double>) -> SIMD8<Int64> { unsafeBitCast(x, to: SIMD8<Int64>.self) }

@inline(__always)
private func double(_ x: SIMD8<Int64>) -> SIMD8<Double> { unsafeBitCast(x, to: SIMD8<Double>.self) }

@inline(__always)
private func magnitude(_ x: SIMD8<Double>) -> SIMD8<Double> {
    double(integerBits(x) & SIMD8(repeating: Int64.max))
}

/// Clamps into [lower, upper] with compare-and-select; NaN passes through (both comparisons are false).
@inline(__always)
private func clamp(_ x: SIMD8<Double>, _ lower: Double, _ upper: Double) -> SIMD8<Double> {
    let raised = x.replacing(with: splat(lower), where: x .< splat(lower))
    return raised.replacing(with: splat(upper), where: raised .> splat(upper))
}

/// e^x for x in [-746, 710] as `(head + small) · 2^k`: `head + small` is e^r (|r| <= ln2/2) to ~1e-17.
@inline(__always)
func expDoubleParts<M: PolynomialArithmetic>(_ x: SIMD8<Double>, _: M.Type)
    -> (head: SIMD8<Double>, small: SIMD8<Double>, k: SIMD8<Int64>) {
    // The first two steps as multiply-adds of the family (fused: k may differ at a rounding tie, |r| stays within
    // ln2/2 by a hair; rHigh is the same either way, k·ln2High being exact); three operations fewer with `small`.
    let shifted = M.multiplyAdd(x, splat(log2e), splat(magic))
    let k = shifted - splat(magic)
    let rHigh = M.multiplyAdd(k, splat(-ln2High), x)
    let correction = k * splat(ln2Low)
    let r = rHigh - correction
    let kInt = integerBits(shifted) &- SIMD8(repeating: magicBits)
    // e^r = 1 + r + r²·P(r), P the Taylor series 1/2 + r/6 + … + r^11/13!, in Estrin's scheme: coefficient pairs
    // in r, then r², r⁴, r⁸, four dependent steps where Horner's rule chained eleven (the chain's latency, not
    // the arithmetic, bounded exp, tanh and sigmoid at 1e5 elements).
    let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
    let c01 = M.multiplyAdd(r, splat(expTaylor.10), splat(expTaylor.11))
    let c23 = M.multiplyAdd(r, splat(expTaylor.8), splat(expTaylor.9))
    let c45 = M.multiplyAdd(r, splat(expTaylor.6), splat(expTaylor.7))
    let c67 = M.multiplyAdd(r, splat(expTaylor.4), splat(expTaylor.5))
    let c89 = M.multiplyAdd(r, splat(expTaylor.2), splat(expTaylor.3))
    let c1011 = M.multiplyAdd(r, splat(expTaylor.0), splat(expTaylor.1))
    let c03 = M.multiplyAdd(r2, c23, c01), c47 = M.multiplyAdd(r2, c67, c45), c811 = M.multiplyAdd(r2, c1011, c89)
    let p = M.multiplyAdd(r8, c811, M.multiplyAdd(r4, c47, c03))
    // `1 + rHigh` split exactly into head + tail (Fast2Sum, |rHigh| < 1): the small terms join the tail.
    let head = splat(1) + rHigh
    let small = M.multiplyAdd(r2, p, rHigh - (head - splat(1)) - correction)
    return (head, small, kInt)
}

/// 2^k for k in [-1022, 1023] (a normal power of two).
@inline(__always)
private func powerOfTwo(_ k: SIMD8<Int64>) -> SIMD8<Double> {
    double((k &+ SIMD8(repeating: 1023)) &<< SIMD8(repeating: 52))
}

extension VectorMath {
    /// e^x on 8 Double lanes: overflow → inf, gradual underflow, NaN → NaN.
    ///
    /// A vector whose lanes all lie in [-708, 709] (normal results) skips the clamp and applies 2^k as one
    /// factor; any other vector clamps and applies 2^k in two normal halves, so subnormal results round once.
    /// Same bits for the lanes both handle (e^r·2^k is exact either way when normal). 8 of ~41 vector
    /// operations fewer on ordinary data.
    @inline(__always)
    static func expVector<M: PolynomialArithmetic>(_ x: SIMD8<Double>, _: M.Type) -> SIMD8<Double> {
        guard anyLane(.!((x .>= splat(-708)) .& (x .<= splat(709)))) else {  // NaN fails both tests
            let parts = expDoubleParts(x, M.self)
            return (parts.head + parts.small) * powerOfTwo(parts.k)
        }
        let parts = expDoubleParts(clamp(x, -746, 710), M.self)
        // 2^k = 2^k1 · 2^k2 with both halves normal for k in [-1077, 1025].
        let k1 = parts.k &>> SIMD8(repeating: 1)
        return ((parts.head + parts.small) * powerOfTwo(k1)) * powerOfTwo(parts.k &- k1)
    }

    /// ln x on 8 Double lanes: ln(±0) = -inf, ln(negative) = NaN, ln(inf) = inf, NaN → NaN.
    ///
    /// A vector whose lanes are all positive, normal and finite (nearly every vector of real data) goes straight
    /// to ``logOfScaled(_:exponentShift:_:)``; only a vector holding a zero, a subnormal, a negative value, an
    /// infinity or a NaN pays for the subnormal scaling and the four special-value selects (11 of ~38 vector
    /// operations; a standalone loop over 1e5 values in L2 took 120 us with them on every vector, 88 us without).
    /// Same bits either way.
    @inline(__always)
    static func logVector<M: PolynomialArithmetic>(_ x: SIMD8<Double>, _: M.Type) -> SIMD8<Double> {
        let subnormal = x .< splat(Double.leastNormalMagnitude)
        guard anyLane(subnormal .| .!(x .< splat(.infinity))) else {
            return logOfScaled(x, exponentShift: .zero, M.self)
        }
        let scaled = x.replacing(with: x * splat(18_014_398_509_481_984), where: subnormal)  // 2^54
        var result = logOfScaled(scaled, exponentShift: SIMD8.zero.replacing(with: 54, where: subnormal), M.self)
        result.replace(with: -.infinity, where: x .== SIMD8<Double>.zero)
        result.replace(with: .nan, where: x .< SIMD8<Double>.zero)
        result.replace(with: .infinity, where: x .== splat(.infinity))
        result.replace(with: x, where: x .!= x)
        return result
    }

    /// ln(x·2^exponentShift) - exponentShift·ln2 for positive normal finite `x` (the scaled subnormals included).
    @inline(__always)
    static func logOfScaled<M: PolynomialArithmetic>(_ scaled: SIMD8<Double>, exponentShift: SIMD8<Int64>,
                                                     _: M.Type) -> SIMD8<Double> {
        let sqrtHalfBits: Int64 = 0x3FE6_A09E_667F_3BCD
        let offset = integerBits(scaled) &- SIMD8(repeating: sqrtHalfBits)
        let exponent = (offset &>> SIMD8(repeating: 52)) &- exponentShift
        let m = double((offset & SIMD8(repeating: 0x000F_FFFF_FFFF_FFFF)) &+ SIMD8(repeating: sqrtHalfBits))
        // Int64 → Double through the magic number (exact for |e| < 2^51).
        let e = double(exponent &+ SIMD8(repeating: magicBits)) - splat(magic)
        let f = m - splat(1)
        let s = f / (f + splat(2))
        let z = s * s, w = z * z
        let t1 = w * M.multiplyAdd(w, M.multiplyAdd(w, splat(1.531383769920937332e-01), splat(2.222219843214978396e-01)),
                                   splat(3.999999999940941908e-01))
        let p2 = M.multiplyAdd(w, M.multiplyAdd(w, M.multiplyAdd(w, splat(1.479819860511658591e-01), splat(1.818357216161805012e-01)),
                                                splat(2.857142874366239149e-01)), splat(6.666666666666735130e-01))
        // fdlibm's r = z·p2 + t1, s·(halfSquare + r) + e·ln2Low and e·ln2High - (...) as multiply-adds: in the
        // separate family the same operations in the same order (same bits); fused, three operations fewer per 8
        // lanes (the last one also gives the same bits, e·ln2High being exact).
        let r = M.multiplyAdd(z, p2, t1)
        let halfSquare = splat(0.5) * f * f
        return M.multiplyAdd(e, splat(ln2High), f - (halfSquare - M.multiplyAdd(s, halfSquare + r, e * splat(ln2Low))))
    }

    /// tanh x on 8 Double lanes as u/(u + 2), u = e^{2|x|} - 1, one formula for every lane; tanh(-0) = -0,
    /// ±inf → ±1, NaN → NaN.
    @inline(__always)
    static func tanhVector<M: PolynomialArithmetic>(_ x: SIMD8<Double>, _: M.Type) -> SIMD8<Double> {
        let a = magnitude(x).replacing(with: splat(20), where: magnitude(x) .> splat(20))  // tanh(20) rounds to 1
        let parts = expDoubleParts(a + a, M.self)
        let scale = powerOfTwo(parts.k)  // k <= 58: one normal factor
        // u from exp's head and tail: scale·head - 1 is exact for k <= 2 (small |x|, where u's relative accuracy
        // matters); for larger k its rounding is damped by 2/(u + 2) in the quotient.
        let u = (scale * parts.head - splat(1)) + scale * parts.small
        // u + 2 = d + low exactly (Fast2Sum on the larger and smaller), folded in with 1/d = (1 - q)/2.
        let two = splat(2)
        let d = u + two
        let larger = u.replacing(with: two, where: u .< two), smaller = u.replacing(with: two, where: u .> two)
        let low = (larger - d) + smaller
        let q = u / d
        let result = q - (q * low) * ((splat(1) - q) * splat(0.5))
        return double(integerBits(result) | (integerBits(x) & SIMD8(repeating: Int64.min)))
    }

    /// σ(x) = 1/(1 + e) for x >= 0 and e/(1 + e) for x < 0 with e = e^{-|x|} <= 1.
    @inline(__always)
    static func sigmoidVector(_ x: SIMD8<Double>) -> SIMD8<Double> {
        // Separate steps in either family: the fused Double sigmoid measured 2x slower.
        let e = expVector(-magnitude(x), SeparatePolynomial.self)
        let negative = x .< SIMD8<Double>.zero
        let numerator = splat(1).replacing(with: e, where: negative)
        // 1 + e = d + low exactly (Fast2Sum, 1 >= e), and n/(d + low) ≈ q - q·low/d with 1/d = q (x >= 0) or
        // 1 - q (x < 0): the rounding of 1 + e drops out (2.06 ulp without this step, measured).
        let d = splat(1) + e
        let low = (splat(1) - d) + e
        let q = numerator / d
        let reciprocal = q.replacing(with: splat(1) - q, where: negative)
        return q - (q * low) * reciprocal
    }
}
