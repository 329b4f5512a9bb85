// Range-reduced polynomial cores for exp, log, tanh and sigmoid on 16 Float lanes.
//
// exp, sigmoid and tanh run in Float lanes (one 512-bit vector per 16 elements on AVX-512) with every error
// term budgeted against the 2e-7 relative bound (1 ulp is 1.19e-7 just above a power of two):
//  * exp: exact Cody–Waite reduction, degree-7 Taylor polynomial (truncation 5e-9), `1 + r` split exactly into
//    head + tail so the small terms join the tail and only the final addition rounds at full scale; scaling by
//    2^k in two exact steps so subnormal results round once. Measured 6.1e-8 (≈ correctly rounded + 0.02 ulp).
//  * tanh: u/(u + 2) with u = e^{2|x|} - 1 from a half-width exp reduction (degree-4 minimax expm1), one
//    formula for all lanes, the rounding of u + 2 recovered and folded into the quotient. Measured 1.68e-7 on the
//    test sweeps. With a fused multiply-add the reduction is one exact step (ln2/2 rounded to Float).
//  * sigmoid: e = e^{-|x|}, then 1/(1+e) or e/(1+e): three roundings, bound 1.79e-7, measured 1.73e-7.
//    (Forming the quotient in Double lanes measured 6e-8 but cost 1.6x; the bound holds without it.)
//  * log: x = m·2^e, m in [√½, √2), ln(1 + f) = f - f²/2 + f³·P(f) with Cephes' degree-8 P, all in Float lanes
//    (it used to widen to Double lanes, at 0.35x numpy's speed).
//
// Polynomial steps go through `M.multiplyAdd` (see `PolynomialArithmetic.swift`): a fused multiply-add only
// where it has timed as hardware, since in a baseline x86-64 build `addingProduct` is a per-lane libm call.
// Rounding to integers uses the "magic number" add (1.5·2^23), which needs no SSE4.1 `round`.


/// Clamps into [lower, upper]; NaN passes through (both comparisons are false), so every kernel built on
/// these propagates NaN without a fix-up pass.
@inline(__always)
private func clamp(_ x: SIMD16<Float>, _ lower: Float, _ upper: Float) -> SIMD16<Float> {
    lanewiseMinimum(lanewiseMaximum(x, SIMD16(repeating: lower)), SIMD16(repeating: upper))
}

// The standard library's `pointwiseMin/Max` are not inlined into these loops (a call per vector that also
// forces 128-bit pieces) and leave NaN handling unspecified; a compare-and-select is inlined and keeps `a`
// when it is NaN.
@inline(__always)
private func lanewiseMinimum(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> { a.replacing(with: b, where: b .< a) }

@inline(__always)
private func lanewiseMaximum(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> { a.replacing(with: b, where: b .> a) }

private let floatMagic: Float = 12_582_912  // 1.5 * 2^23
private let floatMagicBits: Int32 = 0x4B40_0000
private let log2eFloat: Float = 1.44269504088896341
/// ln 2 = ln2HighFloat + ln2LowFloat; ln2HighFloat has 9 significant bits so k * ln2HighFloat is exact for |k| < 2^15.
private let ln2HighFloat: Float = 0.693359375
private let ln2LowFloat: Float = -2.12194440e-4
/// ln2/2 rounded to Float (0x3EB17218), 9.5e-10 above it: tanh's one-step reduction in the fused family.
private let ln2HalfFloat: Float = 0.346573591

@inline(__always)
private func splat(_ value: Float) -> SIMD16<Float> { SIMD16(repeating: value) }

@inline(__always)
private func magnitude(_ x: SIMD16<Float>) -> SIMD16<Float> {
    unsafeBitCast(unsafeBitCast(x, to: SIMD16<UInt32>.self) & SIMD16(repeating: 0x7FFF_FFFF), to: SIMD16<Float>.self)
}

/// Q(h) with e^(2h) - 1 = 2h + 2h²·Q(h) for |h| <= ln2/4 (tanh's half-width reduction): a degree-4 minimax fit
/// (relative error 1.8e-8 in e^(2h) - 1, the degree-5 Taylor polynomial's 2.0e-8 with one term fewer; fitted in
/// Double by reweighted least squares, coefficients rounded to Float), in Estrin's scheme.
@inline(__always)
func tanhExpm1Series<M: PolynomialArithmetic>(_ h: SIMD16<Float>, _ h2: SIMD16<Float>, _: M.Type) -> SIMD16<Float> {
    let q01 = M.multiplyAdd(h, splat(0.66666132), splat(1))
    let q23 = M.multiplyAdd(h, splat(0.13388686), splat(0.33333001))
    return M.multiplyAdd(h2, M.multiplyAdd(h2, splat(0.044636082), q23), q01)
}

/// e^x for x already clamped to [-104, 89], as `(head + small) · scale1 · scale2` before the final roundings:
/// `head + small` is e^r (|r| <= ln2/2) to ~1e-9 and the scales are the two normal halves of 2^k.
@inline(__always)
func expParts<M: PolynomialArithmetic>(_ x: SIMD16<Float>, _: M.Type) -> (head: SIMD16<Float>, small: SIMD16<Float>, scale1: SIMD16<Float>, scale2: SIMD16<Float>) {
    let shifted = x * splat(log2eFloat) + splat(floatMagic)
    let k = shifted - splat(floatMagic)
    // Exact: k·ln2High is exact and x - k·ln2High cancels without rounding (|result| < 0.35 in x's ulp grid).
    let rHigh = x - k * splat(ln2HighFloat)
    let correction = k * splat(ln2LowFloat)
    let r = rHigh - correction
    var p = M.multiplyAdd(r, splat(1.0 / 5040), splat(1.0 / 720))
    p = M.multiplyAdd(p, r, splat(1.0 / 120))
    p = M.multiplyAdd(p, r, splat(1.0 / 24))
    p = M.multiplyAdd(p, r, splat(1.0 / 6))
    p = M.multiplyAdd(p, r, splat(0.5))
    // e^r = 1 + r + r²·P(r). `1 + rHigh` is split exactly into head + tail (Fast2Sum, |rHigh| < 1), so the
    // small terms join the tail and only the caller's final addition rounds at full scale.
    let head = splat(1) + rHigh
    let tail = rHigh - (head - splat(1))
    let small = (tail - correction) + (r * r) * p
    // 2^k = 2^k1 · 2^k2 with both halves normal for k in [-150, 129].
    let kInt = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- SIMD16(repeating: floatMagicBits)
    let k1 = kInt &>> SIMD16(repeating: 1)
    let k2 = kInt &- k1
    let scale1 = unsafeBitCast((k1 &+ SIMD16(repeating: 127)) &<< SIMD16(repeating: 23), to: SIMD16<Float>.self)
    let scale2 = unsafeBitCast((k2 &+ SIMD16(repeating: 127)) &<< SIMD16(repeating: 23), to: SIMD16<Float>.self)
    return (head, small, scale1, scale2)
}

/// e^x for x already clamped to [-104, 89] (~0.5 ulp). `y·scale1` is exact, the second product rounds once
/// (to a subnormal when needed, or to inf on overflow).
@inline(__always)
func expCore<M: PolynomialArithmetic>(_ x: SIMD16<Float>, _: M.Type) -> SIMD16<Float> {
    let parts = expParts(x, M.self)
    return ((parts.head + parts.small) * parts.scale1) * parts.scale2
}

extension VectorMath {
    /// e^x on 16 lanes: overflow (x > ~88.72) → inf, gradual underflow to subnormals, x < ~-103.97 → 0.
    @inline(__always)
    static func expVector<M: PolynomialArithmetic>(_ x: SIMD16<Float>, _: M.Type) -> SIMD16<Float> {
        expCore(clamp(x, -104, 89), M.self)
    }

    /// ln x on 16 lanes: ln(±0) = -inf, ln(negative) = NaN, ln(inf) = inf, NaN → NaN.
    ///
    /// All in Float lanes (no widening to Double): x = m·2^e with m in [√½, √2) (subnormals scaled by 2^23 first),
    /// f = m - 1 exact, ln(1 + f) = f - f²/2 + f³·P(f) with Cephes' degree-8 P, and e·ln2 added in two parts
    /// (e·ln2High is exact) after the small terms, so the only large rounding is the last addition. P runs in
    /// Estrin's scheme (pairs in f, then f², f⁴): a Horner chain of 16 dependent steps kept the loop waiting on
    /// latency (0.58 against 0.45 ns per element in L1, fused family, measured 2 December).
    ///
    /// A vector whose lanes are all positive, normal and finite goes straight to ``logOfScaled(_:exponentShift:_:)``;
    /// only one holding a zero, subnormal, negative, infinite or NaN lane pays for the subnormal scaling and the
    /// special-value selects (as in the Double kernel). Same bits either way.
    @inline(__always)
    static func logVector<M: PolynomialArithmetic>(_ x: SIMD16<Float>, _: M.Type) -> SIMD16<Float> {
        let subnormal = x .< splat(Float.leastNormalMagnitude)
        guard anyLane(subnormal .| .!(x .< splat(.infinity))) else {
            return logOfScaled(x, exponentShift: .zero, M.self)
        }
        let scaled = x.replacing(with: x * splat(8_388_608), where: subnormal)  // 2^23
        var result = logOfScaled(scaled, exponentShift: SIMD16.zero.replacing(with: 23, where: subnormal), M.self)
        result.replace(with: -.infinity, where: x .== 0)
        result.replace(with: .nan, where: x .< 0)
        result.replace(with: .infinity, where: x .== .infinity)
        result.replace(with: x, where: x .!= x)
        return result
    }

    /// ln(x·2^exponentShift) - exponentShift·ln2 for positive normal finite `x` (the scaled subnormals included).
    @inline(__always)
    static func logOfScaled<M: PolynomialArithmetic>(_ scaled: SIMD16<Float>, exponentShift: SIMD16<Int32>,
                                                     _: M.Type) -> SIMD16<Float> {
        let sqrtHalfBits: Int32 = 0x3F35_04F3
        let offset = unsafeBitCast(scaled, to: SIMD16<Int32>.self) &- SIMD16(repeating: sqrtHalfBits)
        let exponentBits = (offset &>> SIMD16(repeating: 23)) &- exponentShift
        let m = unsafeBitCast((offset & SIMD16(repeating: 0x007F_FFFF)) &+ SIMD16(repeating: sqrtHalfBits), to: SIMD16<Float>.self)
        // Int32 → Float through the magic number (exact for |e| < 2^22), as in `expParts`.
        let e = unsafeBitCast(exponentBits &+ SIMD16(repeating: floatMagicBits), to: SIMD16<Float>.self) - splat(floatMagic)
        let f = m - splat(1)
        let z = f * f, z2 = z * z
        let p01 = M.multiplyAdd(f, splat(-2.4999993993e-1), splat(3.3333331174e-1))
        let p23 = M.multiplyAdd(f, splat(-1.6668057665e-1), splat(2.0000714765e-1))
        let p45 = M.multiplyAdd(f, splat(-1.2420140846e-1), splat(1.4249322787e-1))
        let p67 = M.multiplyAdd(f, splat(-1.1514610310e-1), splat(1.1676998740e-1))
        let p48 = M.multiplyAdd(z2, splat(7.0376836292e-2), M.multiplyAdd(z, p67, p45))
        let p = M.multiplyAdd(z2, p48, M.multiplyAdd(z, p23, p01))
        var y = M.multiplyAdd(p, f * z, e * splat(ln2LowFloat))
        y = M.multiplyAdd(splat(-0.5), z, y)
        return (f + y) + e * splat(ln2HighFloat)
    }

    /// tanh x on 16 lanes as u/(u + 2) with u = e^{2|x|} - 1, one formula for every lane (no second branch
    /// evaluated and discarded); sign restored last (so tanh(-0) = -0 and NaN stays NaN).
    ///
    /// Reduction at half width: |x| = k·ln2/2 + h with |h| <= ln2/4, so e^{2|x|} = 2^k·e^{2h} and
    /// u/2 = 2^k·H + (2^(k-1) - ½) with H = (e^{2h} - 1)/2 = h + h²·Q(h) (for k = 0, h = |x| exactly, so small
    /// arguments keep full relative accuracy). The fused family takes h in one exact multiply-add with ln2/2 rounded
    /// to Float; the separate one (no exact product) splits ln2/2 in two, H = hHigh + (h²·Q(h) + correction).
    /// Everything is formed at half scale, so 2^k and 2^(k-1) come straight from the magic-number sum's bits and no
    /// `2|x|` or `2^k - 1` step is needed; products by 2^k are exact. D/2 = (u + 2)/2 rounds once to d; its
    /// error dLow = 2^k·H + ((2^(k-1) + ½) - d) is exact up to one tiny rounding (the subtraction is exact by
    /// Sterbenz, d within a factor √2 of 2^(k-1) + ½), and folds into the quotient as q - q·dLow·(1 - q) (at half
    /// scale d - u = 1, so 1/d = 1 - q). Measured worst on the test sweeps 1.68e-7 (2e-7 bound), both families:
    /// at |x| ≈ 0.0078 (three roundings just above 2^-7) and at |x| ≈ 8.15, where 2^(k-1) + ½ (k >= 24) is no
    /// longer exact; over every Float in [0, 10] (a standalone check), separate 1.84e-7 at 0.0630, fused 1.82e-7
    /// at 0.0652.
    /// About 25 vector operations and a division per 16 lanes in the fused family (30 in the separate one),
    /// against 35 and a division for the former u/(u + 2) with a full-width reduction, a degree-5 series and an
    /// ordered Fast2Sum of u + 2.
    @inline(__always)
    static func tanhVector<M: PolynomialArithmetic>(_ x: SIMD16<Float>, _: M.Type) -> SIMD16<Float> {
        let a = lanewiseMinimum(magnitude(x), splat(9.5))  // tanh(9.5) rounds to 1; NaN stays NaN
        let shifted = M.multiplyAdd(a, splat(2 * log2eFloat), splat(floatMagic))
        let k = shifted - splat(floatMagic)
        let halfExpm1: SIMD16<Float>
        if M.roundsOnce {
            // h = |x| - k·c in one fused step is exact: k·c (k <= 27, c = ln2/2 rounded to Float) is a multiple of
            // 2^-25 and |x| one of 2^-26 once k >= 1, so the difference (below 0.18) fits 24 bits; for k = 0, h = |x|.
            // c exceeds ln2/2 by 9.5e-10, which moves tanh by at most 2.6e-9 relative (the shift k·9.5e-10 in 2|x|
            // times 2/sinh(2|x|)). Four operations fewer than the two-part split below (no correction term).
            let h = M.multiplyAdd(k, splat(-ln2HalfFloat), a)
            let h2 = h * h
            halfExpm1 = M.multiplyAdd(h2, tanhExpm1Series(h, h2, M.self), h)
        } else {
            // Exact (halves of the ln2 split, as in `expParts`): k·ln2High/2 is exact, so the subtraction is too.
            let hHigh = a - k * splat(ln2HighFloat / 2)
            let correction = k * splat(-ln2LowFloat / 2)
            let h = hHigh + correction
            let h2 = h * h
            halfExpm1 = hHigh + M.multiplyAdd(h2, tanhExpm1Series(h, h2, M.self), correction)
        }
        let exponentBits = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &<< SIMD16(repeating: 23)
        let scale = unsafeBitCast(exponentBits &+ SIMD16(repeating: (127 &- floatMagicBits) &<< 23), to: SIMD16<Float>.self)
        let halfScale = unsafeBitCast(exponentBits &+ SIMD16(repeating: (126 &- floatMagicBits) &<< 23), to: SIMD16<Float>.self)
        let numeratorOffset = halfScale - splat(0.5), denominatorOffset = halfScale + splat(0.5)
        let u = M.multiplyAdd(scale, halfExpm1, numeratorOffset)
        let d = M.multiplyAdd(scale, halfExpm1, denominatorOffset)
        let dLow = M.multiplyAdd(scale, halfExpm1, denominatorOffset - d)
        let q = u / d
        let result = M.multiplyAdd(q * dLow, q - splat(1), q)
        let sign = unsafeBitCast(x, to: SIMD16<UInt32>.self) & SIMD16(repeating: 0x8000_0000)
        return unsafeBitCast(unsafeBitCast(result, to: SIMD16<UInt32>.self) | sign, to: SIMD16<Float>.self)
    }

    /// σ(x) = 1/(1 + e) for x >= 0 and e/(1 + e) for x < 0, with e = e^{-|x|} <= 1 so neither tail loses
    /// relative accuracy. Three roundings remain (e, 1 + e, the quotient), each <= 2^-24 relative:
    /// worst case 1.79e-7 < 2e-7 (measured 1.73e-7). A Double-lane quotient reaches 6e-8 but costs ~1.6x the time.
    @inline(__always)
    static func sigmoidVector<M: PolynomialArithmetic>(_ x: SIMD16<Float>, _: M.Type) -> SIMD16<Float> {
        let e = expCore(-lanewiseMinimum(magnitude(x), splat(104)), M.self)
        let numerator = splat(1).replacing(with: e, where: x .< SIMD16<Float>.zero)
        return numerator / (splat(1) + e)
    }
}
