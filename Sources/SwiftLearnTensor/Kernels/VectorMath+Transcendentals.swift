// Range-reduced polynomial cores for exp, log, tanh and sigmoid on 16 Float lanes.
//
// exp, sigmoid and tanh run in Float lanes (one 512-bit vector per 16 elements on AVX-512) with every error
// term budgeted against the 2e-7 relative bound (1 ulp is 1.19e-7 just above a power of two):
//  * exp: exact Cody–Waite reduction, degree-7 Taylor polynomial (truncation 5e-9), `1 + r` split exactly into
//    head + tail so the small terms join the tail and only the final addition rounds at full scale; scaling by
//    2^k in two exact steps so subnormal results round once. Measured 6.1e-8 (≈ correctly rounded + 0.02 ulp).
//  * tanh: odd minimax polynomial below |x| = 0.75 (1.6e-9), else 1 - 2/(1 + e^{2|x|}) with the rounding of
//    1 + e recovered by Fast2Sum and folded into the quotient. Measured 8.9e-8.
//  * sigmoid: e = e^{-|x|}, then 1/(1+e) or e/(1+e): three roundings, bound 1.79e-7, measured 1.73e-7.
//    (Forming the quotient in Double lanes measured 6e-8 but cost 1.6x; the bound holds without it.)
// log runs in Double lanes: its reduction needs a division and an extra-precise combination that Float
// cannot afford under the bound, and it has no throughput target. Measured 6.0e-8.
//
// No `addingProduct`/`fma` here on purpose: in a baseline x86-64 build those become per-lane libm calls.
// Rounding to integers uses the "magic number" add (1.5·2^23 or 1.5·2^52), which needs no SSE4.1 `round`.

/// 1.5 * 2^52: adding it to |v| < 2^51 rounds v to the nearest integer, which lands in the low mantissa bits.
private let roundingMagic: Double = 6_755_399_441_055_744.0
private let roundingMagicBits: UInt64 = 0x4338_0000_0000_0000
private let ln2: Double = 0.6931471805599453

@inline(__always)
private func bits(_ x: SIMD8<Double>) -> SIMD8<UInt64> { unsafeBitCast(x, to: SIMD8<UInt64>.self) }

@inline(__always)
private func double(_ x: SIMD8<UInt64>) -> SIMD8<Double> { unsafeBitCast(x, to: SIMD8<Double>.self) }

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

@inline(__always)
private func widen(_ x: SIMD16<Float>) -> (SIMD8<Double>, SIMD8<Double>) {
    (SIMD8<Double>(x.lowHalf), SIMD8<Double>(x.highHalf))
}

@inline(__always)
private func narrow(_ low: SIMD8<Double>, _ high: SIMD8<Double>) -> SIMD16<Float> {
    SIMD16<Float>(lowHalf: SIMD8<Float>(low), highHalf: SIMD8<Float>(high))
}

/// Natural log of positive, finite, normal Double lanes (fdlibm's decomposition).
///
/// x = m·2^e with m in [√½, √2); f = m - 1, s = f/(2+f), log(1+f) = f - (f²/2 - s(f²/2 + R(s²)))
/// where R is the atanh series 2/3 z + 2/5 z² + … (z <= 0.0295, 6 terms: truncation < 3e-12).
@inline(__always)
func logCore(_ x: SIMD8<Double>) -> SIMD8<Double> {
    let sqrtHalfBits: UInt64 = 0x3FE6_A09E_667F_3BCD
    let offset = bits(x) &- sqrtHalfBits
    let exponent = unsafeBitCast(offset, to: SIMD8<Int64>.self) &>> 52
    let m = double((offset & 0x000F_FFFF_FFFF_FFFF) &+ sqrtHalfBits)
    // Int64 → Double without a (pre-AVX-512) vector conversion instruction: the magic-number trick again.
    let e = double(unsafeBitCast(exponent, to: SIMD8<UInt64>.self) &+ roundingMagicBits) - roundingMagic
    let f = m - 1
    let s = f / (f + 2)
    let z = s * s
    var r: SIMD8<Double> = z * (2.0 / 13) + (2.0 / 11)
    r = r * z + (2.0 / 9)
    r = r * z + (2.0 / 7)
    r = r * z + (2.0 / 5)
    r = r * z + (2.0 / 3)
    r = r * z
    let halfSquare = 0.5 * f * f
    let log1p = f - (halfSquare - s * (halfSquare + r))
    return e * ln2 + log1p
}

private let floatMagic: Float = 12_582_912  // 1.5 * 2^23
private let floatMagicBits: Int32 = 0x4B40_0000
private let log2eFloat: Float = 1.44269504088896341
/// ln 2 = ln2HighFloat + ln2LowFloat; ln2HighFloat has 9 significant bits so k * ln2HighFloat is exact for |k| < 2^15.
private let ln2HighFloat: Float = 0.693359375
private let ln2LowFloat: Float = -2.12194440e-4

@inline(__always)
private func splat(_ value: Float) -> SIMD16<Float> { SIMD16(repeating: value) }

@inline(__always)
private func magnitude(_ x: SIMD16<Float>) -> SIMD16<Float> {
    unsafeBitCast(unsafeBitCast(x, to: SIMD16<UInt32>.self) & SIMD16(repeating: 0x7FFF_FFFF), to: SIMD16<Float>.self)
}

/// e^x for x already clamped to [-104, 89], as `(head + small) · scale1 · scale2` before the final roundings:
/// `head + small` is e^r (|r| <= ln2/2) to ~1e-9 and the scales are the two normal halves of 2^k.
@inline(__always)
func expParts(_ x: SIMD16<Float>) -> (head: SIMD16<Float>, small: SIMD16<Float>, scale1: SIMD16<Float>, scale2: SIMD16<Float>) {
    let shifted = x * splat(log2eFloat) + splat(floatMagic)
    let k = shifted - splat(floatMagic)
    // Exact: k·ln2High is exact and x - k·ln2High cancels without rounding (|result| < 0.35 in x's ulp grid).
    let rHigh = x - k * splat(ln2HighFloat)
    let correction = k * splat(ln2LowFloat)
    let r = rHigh - correction
    var p = r * splat(1.0 / 5040) + splat(1.0 / 720)
    p = p * r + splat(1.0 / 120)
    p = p * r + splat(1.0 / 24)
    p = p * r + splat(1.0 / 6)
    p = p * r + splat(0.5)
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
func expCore(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let parts = expParts(x)
    return ((parts.head + parts.small) * parts.scale1) * parts.scale2
}

extension VectorMath {
    /// e^x on 16 lanes: overflow (x > ~88.72) → inf, gradual underflow to subnormals, x < ~-103.97 → 0.
    @inline(__always)
    static func expVector(_ x: SIMD16<Float>) -> SIMD16<Float> {
        expCore(clamp(x, -104, 89))
    }

    /// ln x on 16 lanes: ln(±0) = -inf, ln(negative) = NaN, ln(inf) = inf, NaN → NaN.
    @inline(__always)
    static func logVector(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let (low, high) = widen(x)  // every Float, subnormals included, is a normal Double
        var y = narrow(logCore(low), logCore(high))
        y.replace(with: -.infinity, where: x .== 0)
        y.replace(with: .nan, where: x .< 0)
        y.replace(with: .infinity, where: x .== .infinity)
        y.replace(with: x, where: x .!= x)
        return y
    }

    /// tanh x on 16 lanes: odd minimax polynomial for |x| < 0.75, else 1 - 2/(1 + e^{2|x|}); sign restored last
    /// (so tanh(-0) = -0 and NaN stays NaN).
    @inline(__always)
    static func tanhVector(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let a = lanewiseMinimum(magnitude(x), splat(10))  // tanh(10) rounds to 1; NaN stays NaN
        // |x| < 0.75: x + x³·P(x²), relative error 1.6e-9 (fitted on Chebyshev nodes, relative weight).
        let u = a * a
        var p = u * splat(0.0017369490969582364) + splat(-0.007657279192752407)
        p = p * u + splat(0.021452050448191304)
        p = p * u + splat(-0.053892729351882405)
        p = p * u + splat(0.13332694151862115)
        p = p * u + splat(-0.3333331512698858)
        let series = a + a * (u * p)
        // 2/(1 + e) with the rounding error of 1 + e recovered exactly (Fast2Sum, e >= 1 here) and folded
        // back into the quotient, so only e's own error and one division rounding remain. e = e^{2a} <= e^20
        // never leaves the normal range, so one scale factor suffices.
        let parts = expParts(a + a)
        let e = (parts.head + parts.small) * (parts.scale1 * parts.scale2)
        let one = splat(1)
        let d = one + e
        let low = one - (d - e)
        let q = splat(2) / d
        // q·low/d with 1/d ≈ q/2: the correction is tiny, so its own error does not matter (one division only).
        let viaExp = one - (q - (q * low) * (q * splat(0.5)))
        let result = viaExp.replacing(with: series, where: a .< splat(0.75))
        let sign = unsafeBitCast(x, to: SIMD16<UInt32>.self) & SIMD16(repeating: 0x8000_0000)
        return unsafeBitCast(unsafeBitCast(result, to: SIMD16<UInt32>.self) | sign, to: SIMD16<Float>.self)
    }

    /// σ(x) = 1/(1 + e) for x >= 0 and e/(1 + e) for x < 0, with e = e^{-|x|} <= 1 so neither tail loses
    /// relative accuracy. Three roundings remain (e, 1 + e, the quotient), each <= 2^-24 relative:
    /// worst case 1.79e-7 < 2e-7 (measured 1.73e-7). A Double-lane quotient reaches 6e-8 but costs ~1.6x the time.
    @inline(__always)
    static func sigmoidVector(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let e = expCore(-lanewiseMinimum(magnitude(x), splat(104)))
        let numerator = splat(1).replacing(with: e, where: x .< SIMD16<Float>.zero)
        return numerator / (splat(1) + e)
    }
}
