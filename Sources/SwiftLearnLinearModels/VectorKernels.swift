// Double-precision vector loops shared by the linear models.
//
// Reductions keep 16 partial sums, each its own chain, added in a fixed tree at the end: the result does not
// depend on whether the compiler vectorizes, on the build configuration or on the CPU, and 16 independent chains
// hide the add latency. Products are never fused (`a * b + c` stays two roundings), so plain and
// `-target-cpu native` builds give the same bits. Plain scalar code (not SIMD types) keeps debug builds usable:
// generic SIMD operations are 4x slower than scalar loops at -Onone.

/// `Σ a[j] · b[j]` for `j` in `0 ..< count`.
func dotProduct(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
    var s8 = 0.0, s9 = 0.0, s10 = 0.0, s11 = 0.0, s12 = 0.0, s13 = 0.0, s14 = 0.0, s15 = 0.0
    var j = 0
    while j + 16 <= count {
        s0 += a[j] * b[j]; s1 += a[j + 1] * b[j + 1]; s2 += a[j + 2] * b[j + 2]; s3 += a[j + 3] * b[j + 3]
        s4 += a[j + 4] * b[j + 4]; s5 += a[j + 5] * b[j + 5]; s6 += a[j + 6] * b[j + 6]; s7 += a[j + 7] * b[j + 7]
        s8 += a[j + 8] * b[j + 8]; s9 += a[j + 9] * b[j + 9]; s10 += a[j + 10] * b[j + 10]
        s11 += a[j + 11] * b[j + 11]; s12 += a[j + 12] * b[j + 12]; s13 += a[j + 13] * b[j + 13]
        s14 += a[j + 14] * b[j + 14]; s15 += a[j + 15] * b[j + 15]
        j += 16
    }
    while j < count {
        s0 += a[j] * b[j]
        j += 1
    }
    return combine(s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15)
}

/// `Σ a[j]²`.
func sumOfSquares(_ a: UnsafePointer<Double>, count: Int) -> Double { dotProduct(a, a, count: count) }

/// `Σ |a[j]|`.
func absoluteSum(_ a: UnsafePointer<Double>, count: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
    var j = 0
    while j + 8 <= count {
        s0 += abs(a[j]); s1 += abs(a[j + 1]); s2 += abs(a[j + 2]); s3 += abs(a[j + 3])
        s4 += abs(a[j + 4]); s5 += abs(a[j + 5]); s6 += abs(a[j + 6]); s7 += abs(a[j + 7])
        j += 8
    }
    while j < count {
        s0 += abs(a[j])
        j += 1
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

/// `y[j] += x[j] · factor` (BLAS `daxpy` without fusing).
func addScaled(_ x: UnsafePointer<Double>, times factor: Double, to y: UnsafeMutablePointer<Double>, count: Int) {
    for j in 0..<count { y[j] += x[j] * factor }
}

/// `y[j] += x[j] · factor`, returning `Σ y[j]²` of the updated `y` in the same pass.
func addScaledReturningSquaredNorm(
    _ x: UnsafePointer<Double>, times factor: Double, to y: UnsafeMutablePointer<Double>, count: Int
) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
    var s8 = 0.0, s9 = 0.0, s10 = 0.0, s11 = 0.0, s12 = 0.0, s13 = 0.0, s14 = 0.0, s15 = 0.0
    var j = 0
    while j + 16 <= count {
        let v0 = y[j] + x[j] * factor, v1 = y[j + 1] + x[j + 1] * factor
        let v2 = y[j + 2] + x[j + 2] * factor, v3 = y[j + 3] + x[j + 3] * factor
        let v4 = y[j + 4] + x[j + 4] * factor, v5 = y[j + 5] + x[j + 5] * factor
        let v6 = y[j + 6] + x[j + 6] * factor, v7 = y[j + 7] + x[j + 7] * factor
        let v8 = y[j + 8] + x[j + 8] * factor, v9 = y[j + 9] + x[j + 9] * factor
        let v10 = y[j + 10] + x[j + 10] * factor, v11 = y[j + 11] + x[j + 11] * factor
        let v12 = y[j + 12] + x[j + 12] * factor, v13 = y[j + 13] + x[j + 13] * factor
        let v14 = y[j + 14] + x[j + 14] * factor, v15 = y[j + 15] + x[j + 15] * factor
        y[j] = v0; y[j + 1] = v1; y[j + 2] = v2; y[j + 3] = v3; y[j + 4] = v4; y[j + 5] = v5; y[j + 6] = v6
        y[j + 7] = v7; y[j + 8] = v8; y[j + 9] = v9; y[j + 10] = v10; y[j + 11] = v11; y[j + 12] = v12
        y[j + 13] = v13; y[j + 14] = v14; y[j + 15] = v15
        s0 += v0 * v0; s1 += v1 * v1; s2 += v2 * v2; s3 += v3 * v3; s4 += v4 * v4; s5 += v5 * v5
        s6 += v6 * v6; s7 += v7 * v7; s8 += v8 * v8; s9 += v9 * v9; s10 += v10 * v10; s11 += v11 * v11
        s12 += v12 * v12; s13 += v13 * v13; s14 += v14 * v14; s15 += v15 * v15
        j += 16
    }
    while j < count {
        let value = y[j] + x[j] * factor
        y[j] = value
        s0 += value * value
        j += 1
    }
    return combine(s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15)
}

/// `y[j] *= factor` (BLAS `dscal`).
func multiplyInPlace(_ y: UnsafeMutablePointer<Double>, by factor: Double, count: Int) {
    for j in 0..<count { y[j] *= factor }
}

@inline(__always)
private func combine(
    _ s0: Double, _ s1: Double, _ s2: Double, _ s3: Double, _ s4: Double, _ s5: Double, _ s6: Double, _ s7: Double,
    _ s8: Double, _ s9: Double, _ s10: Double, _ s11: Double, _ s12: Double, _ s13: Double, _ s14: Double,
    _ s15: Double
) -> Double {
    (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) + (((s8 + s9) + (s10 + s11)) + ((s12 + s13) + (s14 + s15)))
}
