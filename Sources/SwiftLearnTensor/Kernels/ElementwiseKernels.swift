// The concrete elementwise and reduction kernels behind `TensorScalar`'s hooks.
//
// Floating types run over SIMD chunks (16 lanes for Float, 8 for Double) plus a scalar tail; the
// broadcast cases (`stride == 0`) splat the scalar once, so a row vector over a matrix or a scalar over
// anything never does index arithmetic per element. Integer types use plain loops that LLVM vectorizes.

// MARK: - Generic loop shapes

/// `result[i] = f(lhs[i*sl], rhs[i*sr])` with strides in {0, 1}, SIMD body and scalar tail.
@inline(__always)
func simdBinaryLoop<V: SIMD>(
    _ lhs: UnsafePointer<V.Scalar>, _ lhsStride: Int,
    _ rhs: UnsafePointer<V.Scalar>, _ rhsStride: Int,
    _ result: UnsafeMutablePointer<V.Scalar>, _ count: Int,
    _ vector: (V, V) -> V, _ scalar: (V.Scalar, V.Scalar) -> V.Scalar
) {
    let width = V.scalarCount
    let byteWidth = MemoryLayout<V.Scalar>.stride
    var i = 0
    let vectorEnd = count - count % width
    let out = UnsafeMutableRawPointer(result)
    switch (lhsStride, rhsStride) {
    case (1, 1):
        let a = UnsafeRawPointer(lhs), b = UnsafeRawPointer(rhs)
        while i < vectorEnd {
            let offset = i * byteWidth
            out.storeBytes(of: vector(a.loadUnaligned(fromByteOffset: offset, as: V.self),
                                      b.loadUnaligned(fromByteOffset: offset, as: V.self)),
                           toByteOffset: offset, as: V.self)
            i += width
        }
        while i < count { result[i] = scalar(lhs[i], rhs[i]); i += 1 }
    case (1, _):
        let a = UnsafeRawPointer(lhs)
        let s = rhs.pointee
        let splat = V(repeating: s)
        while i < vectorEnd {
            let offset = i * byteWidth
            out.storeBytes(of: vector(a.loadUnaligned(fromByteOffset: offset, as: V.self), splat),
                           toByteOffset: offset, as: V.self)
            i += width
        }
        while i < count { result[i] = scalar(lhs[i], s); i += 1 }
    case (_, 1):
        let b = UnsafeRawPointer(rhs)
        let s = lhs.pointee
        let splat = V(repeating: s)
        while i < vectorEnd {
            let offset = i * byteWidth
            out.storeBytes(of: vector(splat, b.loadUnaligned(fromByteOffset: offset, as: V.self)),
                           toByteOffset: offset, as: V.self)
            i += width
        }
        while i < count { result[i] = scalar(s, rhs[i]); i += 1 }
    default:
        let value = scalar(lhs.pointee, rhs.pointee)
        result.update(repeating: value, count: count)
    }
}

/// Scalar-only version of ``simdBinaryLoop`` for integer types.
@inline(__always)
func scalarBinaryLoop<T>(
    _ lhs: UnsafePointer<T>, _ lhsStride: Int,
    _ rhs: UnsafePointer<T>, _ rhsStride: Int,
    _ result: UnsafeMutablePointer<T>, _ count: Int,
    _ f: (T, T) -> T
) {
    switch (lhsStride, rhsStride) {
    case (1, 1): for i in 0..<count { result[i] = f(lhs[i], rhs[i]) }
    case (1, _): let s = rhs.pointee; for i in 0..<count { result[i] = f(lhs[i], s) }
    case (_, 1): let s = lhs.pointee; for i in 0..<count { result[i] = f(s, rhs[i]) }
    default: result.update(repeating: f(lhs.pointee, rhs.pointee), count: count)
    }
}

/// Lane operations whose generic `SIMD` implementations are per-lane loops (comparisons, blends): the
/// conformances below are written on the concrete vector types, where the standard library lowers them to
/// single vector instructions (`vcmpps` + `vblendmps`), and generic kernels reach them through this protocol.
protocol FloatingLanes: SIMD where Scalar: BinaryFloatingPoint {
    /// 1 where the comparison holds, 0 elsewhere.
    static func compare(_ operation: ElementwiseOperation, _ a: Self, _ b: Self) -> Self
    /// numpy `minimum`/`maximum`: NaN in either lane wins.
    static func minimumPropagatingNaN(_ a: Self, _ b: Self) -> Self
    static func maximumPropagatingNaN(_ a: Self, _ b: Self) -> Self
    /// `candidate` where it is strictly better than `best` (NaN candidates never are).
    static func keepMaximum(_ best: Self, _ candidate: Self) -> Self
    static func keepMinimum(_ best: Self, _ candidate: Self) -> Self
    /// `b` in the lanes where `x < y` (or `x == y`), `a` elsewhere.
    static func select(_ a: Self, _ b: Self, whereLess x: Self, _ y: Self) -> Self
    static func select(_ a: Self, _ b: Self, whereEqual x: Self, _ y: Self) -> Self
    /// A lane position as an `Int` (concrete: the generic conversion is a library call).
    static func integerPosition(_ position: Scalar) -> Int
    /// `flags` with NaN lanes of `values` copied in (a sticky NaN marker).
    static func markNaN(_ flags: Self, _ values: Self) -> Self
    /// The smallest lane of NaN-free lanes, as a tree of halves (log2(width) steps).
    static func laneMinimum(_ x: Self) -> Scalar
    /// Signed integer lanes of the scalar's width (bit patterns and compare masks).
    associatedtype Bits: SIMD where Bits.Scalar: FixedWidthInteger & SignedInteger
    /// The largest (`maximum`) or smallest of integer lanes, as a tree of halves (integer min/max steps).
    static func extremeLane(_ x: Bits, maximum: Bool) -> Bits.Scalar
    /// Whether some lane of `a` equals the same lane of `b` (one compare and a mask test).
    static func anyEqual(_ a: Self, _ b: Self) -> Bool
    /// Whether some lane of `a` differs from the same lane of `b` (NaN lanes always do).
    static func anyUnequal(_ a: Self, _ b: Self) -> Bool
    /// IEEE square root in one vector instruction (see `VectorSquareRoot.swift`).
    static func correctlyRoundedSquareRoot(_ x: Self) -> Self
    /// The transcendental kernels of `VectorMath+Transcendentals.swift` (Float) and `VectorMath+Double.swift`.
    static func exp<M: PolynomialArithmetic>(_ x: Self, _: M.Type) -> Self
    static func log<M: PolynomialArithmetic>(_ x: Self, _: M.Type) -> Self
    static func tanh<M: PolynomialArithmetic>(_ x: Self, _: M.Type) -> Self
    static func sigmoid<M: PolynomialArithmetic>(_ x: Self, _: M.Type) -> Self
}

extension FloatingLanes {
    /// The largest (`maximum`) or smallest lane of NaN-free lanes, as a tree over the lanes' bit patterns turned into
    /// order-keeping integers (integer min/max steps, where ``laneMinimum(_:)``'s float blends went through 128-bit
    /// pieces; -0 orders below +0, so the zero returned may differ from ``laneMinimum(_:)``'s: only for `==`).
    @inline(__always)
    static func orderedLaneExtremum(_ x: Self, maximum: Bool) -> Scalar {
        let bits = unsafeBitCast(x, to: Bits.self), shift = Bits.Scalar(Bits.Scalar.bitWidth - 1)
        let key = extremeLane(bits ^ ((bits &>> shift) & Bits(repeating: .max)), maximum: maximum)
        return unsafeBitCast(key ^ ((key &>> shift) & .max), to: Scalar.self)
    }

    /// The smallest lane of `positions` (non-negative whole numbers) among the lanes where `values == target`.
    /// Non-negative floats order as their bit patterns. The mask as integer lanes (and/or): `replacing(with:where:)`
    /// is a loop over lanes, which LLVM vectorized here in 128-bit pieces.
    @inline(__always)
    static func smallestPosition(_ positions: Self, whereEqual values: Self, _ target: Self) -> Int {
        let equal = unsafeBitCast(values .== target, to: Bits.self)
        let bits = (unsafeBitCast(positions, to: Bits.self) & equal) | (Bits(repeating: .max) & ~equal)
        return integerPosition(unsafeBitCast(extremeLane(bits, maximum: false), to: Scalar.self))
    }

    /// Lanes where `candidate` is strictly larger (`maximum`) or smaller than `best` take it and its position.
    @inline(__always)
    static func keepFirstExtremum(_ best: inout Self, _ position: inout Self, _ candidate: Self, _ candidatePosition: Self,
                                  maximum: Bool) {
        if maximum {
            position = select(position, candidatePosition, whereLess: best, candidate)
            best = keepMaximum(best, candidate)
        } else {
            position = select(position, candidatePosition, whereLess: candidate, best)
            best = keepMinimum(best, candidate)
        }
    }

    /// Merges two (best, position) lane sets: the better value per lane, the smaller position on equal values.
    @inline(__always)
    static func mergeFirstExtremum(_ best: inout Self, _ position: inout Self, _ otherBest: Self, _ otherPosition: Self,
                                   maximum: Bool) {
        let earlier = select(position, otherPosition, whereLess: otherPosition, position)
        position = select(position, earlier, whereEqual: otherBest, best)
        keepFirstExtremum(&best, &position, otherBest, otherPosition, maximum: maximum)
    }
}

extension SIMD16: FloatingLanes where Scalar == Float {
    typealias Bits = SIMD16<Int32>
    @inline(__always) static func extremeLane(_ x: Bits, maximum: Bool) -> Int32 { SwiftLearnTensor.extremeLane(x, maximum: maximum) }
    @inline(__always) static func compare(_ operation: ElementwiseOperation, _ a: Self, _ b: Self) -> Self {
        switch operation {
        case .equal: return Self.zero.replacing(with: 1, where: a .== b)
        case .notEqual: return Self.zero.replacing(with: 1, where: a .!= b)
        case .less: return Self.zero.replacing(with: 1, where: a .< b)
        case .lessOrEqual: return Self.zero.replacing(with: 1, where: a .<= b)
        case .greater: return Self.zero.replacing(with: 1, where: a .> b)
        default: return Self.zero.replacing(with: 1, where: a .>= b)
        }
    }
    @inline(__always) static func minimumPropagatingNaN(_ a: Self, _ b: Self) -> Self {
        b.replacing(with: a, where: a .< b).replacing(with: a, where: a .!= a)
    }
    @inline(__always) static func maximumPropagatingNaN(_ a: Self, _ b: Self) -> Self {
        b.replacing(with: a, where: a .> b).replacing(with: a, where: a .!= a)
    }
    @inline(__always) static func keepMaximum(_ best: Self, _ candidate: Self) -> Self {
        best.replacing(with: candidate, where: candidate .> best)
    }
    @inline(__always) static func keepMinimum(_ best: Self, _ candidate: Self) -> Self {
        best.replacing(with: candidate, where: candidate .< best)
    }
    @inline(__always) static func select(_ a: Self, _ b: Self, whereLess x: Self, _ y: Self) -> Self {
        a.replacing(with: b, where: x .< y)
    }
    @inline(__always) static func select(_ a: Self, _ b: Self, whereEqual x: Self, _ y: Self) -> Self {
        a.replacing(with: b, where: x .== y)
    }
    @inline(__always) static func integerPosition(_ position: Scalar) -> Int { Int(position) }
    @inline(__always) static func laneMinimum(_ x: Self) -> Scalar {
        let h = x.lowHalf.replacing(with: x.highHalf, where: x.highHalf .< x.lowHalf)
        let q = h.lowHalf.replacing(with: h.highHalf, where: h.highHalf .< h.lowHalf)
        let p = q.lowHalf.replacing(with: q.highHalf, where: q.highHalf .< q.lowHalf)
        return Swift.min(p[0], p[1])
    }
    @inline(__always) static func anyEqual(_ a: Self, _ b: Self) -> Bool { anyLane(a .== b) }
    @inline(__always) static func anyUnequal(_ a: Self, _ b: Self) -> Bool { anyLane(a .!= b) }
    @inline(__always) static func markNaN(_ flags: Self, _ values: Self) -> Self {
        flags.replacing(with: values, where: values .!= values)
    }
    @inline(__always) static func exp<M: PolynomialArithmetic>(_ x: Self, _: M.Type) -> Self { VectorMath.expVector(x, M.self) }
    @inline(__always) static func log<M: PolynomialArithmetic>(_ x: Self, _: M.Type) -> Self { VectorMath.logVector(x, M.self) }
    @inline(__always) static func tanh<M: PolynomialArithmetic>(_ x: Self, _: M.Type) -> Self { VectorMath.tanhVector(x, M.self) }
    @inline(__always) static func sigmoid<M: PolynomialArithmetic>(_ x: Self, _: M.Type) -> Self {
        VectorMath.sigmoidVector(x, M.self)
    }
    @inline(__always) static func correctlyRoundedSquareRoot(_ x: Self) -> Self {
        let magnitude = unsafeBitCast(unsafeBitCast(x, to: SIMD16<UInt32>.self) & SIMD16<UInt32>(repeating: 0x7FFF_FFFF), to: Self.self)
        return magnitude.squareRoot().replacing(with: Scalar.nan, where: x .< Self.zero).replacing(with: x, where: x .== Self.zero)
    }
}

/// The largest (`maximum`) or smallest lane of an integer vector, as a tree of halves (integer min/max steps).
@inline(__always)
func extremeLane(_ x: SIMD16<Int32>, maximum: Bool) -> Int32 {
    if maximum {
        let eight = pointwiseMax(x.lowHalf, x.highHalf), four = pointwiseMax(eight.lowHalf, eight.highHalf)
        let two = pointwiseMax(four.lowHalf, four.highHalf)
        return Swift.max(two[0], two[1])
    }
    let eight = pointwiseMin(x.lowHalf, x.highHalf), four = pointwiseMin(eight.lowHalf, eight.highHalf)
    let two = pointwiseMin(four.lowHalf, four.highHalf)
    return Swift.min(two[0], two[1])
}

@inline(__always)
func extremeLane(_ x: SIMD8<Int64>, maximum: Bool) -> Int64 {
    if maximum {
        let four = pointwiseMax(x.lowHalf, x.highHalf), two = pointwiseMax(four.lowHalf, four.highHalf)
        return Swift.max(two[0], two[1])
    }
    let four = pointwiseMin(x.lowHalf, x.highHalf), two = pointwiseMin(four.lowHalf, four.highHalf)
    return Swift.min(two[0], two[1])
}

/// Whether any lane of a comparison holds, as an OR over lane halves of the mask's integer lanes. The standard
/// library's `any(_:)` calls an out-of-line `min()` of the mask storage: in argmax's search loop that was a call
/// per vector with the mask spilled to four 128-bit registers and a `vzeroupper`; this tree compiles to one
/// `kortest` after the compare.
@inline(__always)
func anyLane(_ mask: SIMDMask<SIMD16<Int32>>) -> Bool {
    let lanes = unsafeBitCast(mask, to: SIMD16<Int32>.self)
    let eight = lanes.lowHalf | lanes.highHalf, four = eight.lowHalf | eight.highHalf, two = four.lowHalf | four.highHalf
    return two[0] | two[1] != 0
}

@inline(__always)
func anyLane(_ mask: SIMDMask<SIMD8<Int64>>) -> Bool {
    let lanes = unsafeBitCast(mask, to: SIMD8<Int64>.self)
    let four = lanes.lowHalf | lanes.highHalf, two = four.lowHalf | four.highHalf
    return two[0] | two[1] != 0
}

extension SIMD8: FloatingLanes where Scalar == Double {
    typealias Bits = SIMD8<Int64>
    @inline(__always) static func extremeLane(_ x: Bits, maximum: Bool) -> Int64 { SwiftLearnTensor.extremeLane(x, maximum: maximum) }
    @inline(__always) static func compare(_ operation: ElementwiseOperation, _ a: Self, _ b: Self) -> Self {
        switch operation {
        case .equal: return Self.zero.replacing(with: 1, where: a .== b)
        case .notEqual: return Self.zero.replacing(with: 1, where: a .!= b)
        case .less: return Self.zero.replacing(with: 1, where: a .< b)
        case .lessOrEqual: return Self.zero.replacing(with: 1, where: a .<= b)
        case .greater: return Self.zero.replacing(with: 1, where: a .> b)
        default: return Self.zero.replacing(with: 1, where: a .>= b)
        }
    }
    @inline(__always) static func minimumPropagatingNaN(_ a: Self, _ b: Self) -> Self {
        b.replacing(with: a, where: a .< b).replacing(with: a, where: a .!= a)
    }
    @inline(__always) static func maximumPropagatingNaN(_ a: Self, _ b: Self) -> Self {
        b.replacing(with: a, where: a .> b).replacing(with: a, where: a .!= a)
    }
    @inline(__always) static func keepMaximum(_ best: Self, _ candidate: Self) -> Self {
        best.replacing(with: candidate, where: candidate .> best)
    }
    @inline(__always) static func keepMinimum(_ best: Self, _ candidate: Self) -> Self {
        best.replacing(with: candidate, where: candidate .< best)
    }
    @inline(__always) static func select(_ a: Self, _ b: Self, whereLess x: Self, _ y: Self) -> Self {
        a.replacing(with: b, where: x .< y)
    }
    @inline(__always) static func select(_ a: Self, _ b: Self, whereEqual x: Self, _ y: Self) -> Self {
        a.replacing(with: b, where: x .== y)
    }
    @inline(__always) static func integerPosition(_ position: Scalar) -> Int { Int(position) }
    @inline(__always) static func anyEqual(_ a: Self, _ b: Self) -> Bool { anyLane(a .== b) }
    @inline(__always) static func laneMinimum(_ x: Self) -> Scalar {
        let q = x.lowHalf.replacing(with: x.highHalf, where: x.highHalf .< x.lowHalf)
        let p = q.lowHalf.replacing(with: q.highHalf, where: q.highHalf .< q.lowHalf)
        return Swift.min(p[0], p[1])
    }
    @inline(__always) static func anyUnequal(_ a: Self, _ b: Self) -> Bool { anyLane(a .!= b) }
    @inline(__always) static func markNaN(_ flags: Self, _ values: Self) -> Self {
        flags.replacing(with: values, where: values .!= values)
    }
    @inline(__always) static func exp<M: PolynomialArithmetic>(_ x: Self, _: M.Type) -> Self { VectorMath.expVector(x, M.self) }
    @inline(__always) static func log<M: PolynomialArithmetic>(_ x: Self, _: M.Type) -> Self { VectorMath.logVector(x, M.self) }
    @inline(__always) static func tanh<M: PolynomialArithmetic>(_ x: Self, _: M.Type) -> Self { VectorMath.tanhVector(x, M.self) }
    @inline(__always) static func sigmoid<M: PolynomialArithmetic>(_ x: Self, _: M.Type) -> Self { VectorMath.sigmoidVector(x) }
    @inline(__always) static func correctlyRoundedSquareRoot(_ x: Self) -> Self {
        let magnitude = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt64>.self) & SIMD8<UInt64>(repeating: 0x7FFF_FFFF_FFFF_FFFF), to: Self.self)
        return magnitude.squareRoot().replacing(with: Scalar.nan, where: x .< Self.zero).replacing(with: x, where: x .== Self.zero)
    }
}

/// Dispatches an operation over floating SIMD vectors, NaN-propagating for min/max like numpy.
@inline(__always)
func floatingElementwise<V: FloatingLanes>(
    _ operation: ElementwiseOperation, as _: V.Type,
    _ lhs: UnsafePointer<V.Scalar>, _ lhsStride: Int,
    _ rhs: UnsafePointer<V.Scalar>, _ rhsStride: Int,
    _ result: UnsafeMutablePointer<V.Scalar>, _ count: Int
) {
    switch operation {
    case .add: simdBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count, { (a: V, b: V) in a + b }, { $0 + $1 })
    case .subtract: simdBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count, { (a: V, b: V) in a - b }, { $0 - $1 })
    case .multiply: simdBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count, { (a: V, b: V) in a * b }, { $0 * $1 })
    case .divide: simdBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count, { (a: V, b: V) in a / b }, { $0 / $1 })
    case .minimum:
        simdBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count, V.minimumPropagatingNaN,
                       { a, b in (a < b || a.isNaN) ? a : b })
    case .maximum:
        simdBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count, V.maximumPropagatingNaN,
                       { a, b in (a > b || a.isNaN) ? a : b })
    case .equal:
        simdBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count, { V.compare(.equal, $0, $1) }, { $0 == $1 ? 1 : 0 })
    case .notEqual:
        simdBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count, { V.compare(.notEqual, $0, $1) }, { $0 != $1 ? 1 : 0 })
    case .less:
        simdBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count, { V.compare(.less, $0, $1) }, { $0 < $1 ? 1 : 0 })
    case .lessOrEqual:
        simdBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count, { V.compare(.lessOrEqual, $0, $1) }, { $0 <= $1 ? 1 : 0 })
    case .greater:
        simdBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count, { V.compare(.greater, $0, $1) }, { $0 > $1 ? 1 : 0 })
    case .greaterOrEqual:
        simdBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count, { V.compare(.greaterOrEqual, $0, $1) }, { $0 >= $1 ? 1 : 0 })
    }
}

@inline(__always)
func integerElementwise<T: FixedWidthInteger>(
    _ operation: ElementwiseOperation,
    _ lhs: UnsafePointer<T>, _ lhsStride: Int,
    _ rhs: UnsafePointer<T>, _ rhsStride: Int,
    _ result: UnsafeMutablePointer<T>, _ count: Int
) {
    switch operation {
    case .add: scalarBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count) { $0 &+ $1 }
    case .subtract: scalarBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count) { $0 &- $1 }
    case .multiply: scalarBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count) { $0 &* $1 }
    case .divide:
        // numpy gives 0 for integer division by zero; Int32.min / -1 wraps to Int32.min as in numpy.
        scalarBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count) { a, b in
            b == 0 ? 0 : a.dividedReportingOverflow(by: b).partialValue
        }
    case .minimum: scalarBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count) { Swift.min($0, $1) }
    case .maximum: scalarBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count) { Swift.max($0, $1) }
    case .equal: scalarBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count) { $0 == $1 ? 1 : 0 }
    case .notEqual: scalarBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count) { $0 != $1 ? 1 : 0 }
    case .less: scalarBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count) { $0 < $1 ? 1 : 0 }
    case .lessOrEqual: scalarBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count) { $0 <= $1 ? 1 : 0 }
    case .greater: scalarBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count) { $0 > $1 ? 1 : 0 }
    case .greaterOrEqual: scalarBinaryLoop(lhs, lhsStride, rhs, rhsStride, result, count) { $0 >= $1 ? 1 : 0 }
    }
}

// MARK: - Reductions

/// Sums with four SIMD accumulators over 4-vector blocks, then one vector, then the scalar tail,
/// always in that order: the result depends only on the values, never on threading.
@inline(__always)
func simdSum<V: SIMD>(_ values: UnsafeBufferPointer<V.Scalar>, as _: V.Type) -> V.Scalar
where V.Scalar: BinaryFloatingPoint {
    simdFoldSum(values, as: V.self, { $0 }, { $0 })
}

/// `Double.reduce(.sum, _:)`: ``simdSum`` over `SIMD8<Double>`, the same additions in the same order (so the
/// same bits), with each of its four 8-lane accumulators held as two 4-lane halves and loaded 32 bytes at a time.
///
/// Why halves: a sum streaming from memory ran faster with 32-byte loads than with 64-byte ones on this project's
/// Zen 4 machine. `[10000, 1000]` Double `sum()`, one thread, `tensor-bench --vs-numpy --serve` timed 12 times
/// per side alternating with the previous build and numpy (4 Dec 2026 13:33-13:36 UTC, numpy 2.4.6): 2.73 ->
/// 2.09-2.21 ms (numpy 2.38-2.40), `mean()` 2.72-2.80 -> 2.17-2.19 (numpy 2.50-2.56); standalone loops over 80
/// MB showed the same with 16-byte loads and either alignment. In cache (1e3, 1e5 elements) both took the same time.
func doubleHalvesSum(_ values: UnsafeBufferPointer<Double>) -> Double {
    guard let base = values.baseAddress else { return 0 }
    let raw = UnsafeRawPointer(base)
    let count = values.count
    typealias H = SIMD4<Double>
    var l0 = H.zero, h0 = H.zero, l1 = H.zero, h1 = H.zero, l2 = H.zero, h2 = H.zero, l3 = H.zero, h3 = H.zero
    var i = 0
    while i + 32 <= count {
        let o = i * 8
        l0 += raw.loadUnaligned(fromByteOffset: o, as: H.self)
        h0 += raw.loadUnaligned(fromByteOffset: o + 32, as: H.self)
        l1 += raw.loadUnaligned(fromByteOffset: o + 64, as: H.self)
        h1 += raw.loadUnaligned(fromByteOffset: o + 96, as: H.self)
        l2 += raw.loadUnaligned(fromByteOffset: o + 128, as: H.self)
        h2 += raw.loadUnaligned(fromByteOffset: o + 160, as: H.self)
        l3 += raw.loadUnaligned(fromByteOffset: o + 192, as: H.self)
        h3 += raw.loadUnaligned(fromByteOffset: o + 224, as: H.self)
        i += 32
    }
    while i + 8 <= count {
        l0 += raw.loadUnaligned(fromByteOffset: i * 8, as: H.self)
        h0 += raw.loadUnaligned(fromByteOffset: i * 8 + 32, as: H.self)
        i += 8
    }
    let low = (l0 + l1) + (l2 + l3), high = (h0 + h1) + (h2 + h3)
    var total = 0.0
    total += low[0]; total += low[1]; total += low[2]; total += low[3]
    total += high[0]; total += high[1]; total += high[2]; total += high[3]
    while i < count { total += base[i]; i += 1 }
    return total
}

/// Σ (x[i] - mean)², in ``simdSum``'s fixed order and without a temporary (the second pass of numpy's `var`).
@inline(__always)
func simdSumOfSquaredDeviations<V: SIMD>(_ values: UnsafeBufferPointer<V.Scalar>, from mean: V.Scalar, as _: V.Type) -> V.Scalar
where V.Scalar: BinaryFloatingPoint {
    let center = V(repeating: mean)
    return simdFoldSum(values, as: V.self, { let d = $0 - center; return d * d }, { let d = $0 - mean; return d * d })
}

/// Σ f(x[i]) with four SIMD accumulators over 4-vector blocks, then one vector, then the scalar tail.
@inline(__always)
func simdFoldSum<V: SIMD>(_ values: UnsafeBufferPointer<V.Scalar>, as _: V.Type,
                          _ vector: (V) -> V, _ scalar: (V.Scalar) -> V.Scalar) -> V.Scalar
where V.Scalar: BinaryFloatingPoint {
    guard let base = values.baseAddress else { return 0 }
    let raw = UnsafeRawPointer(base)
    let width = V.scalarCount, stride = MemoryLayout<V.Scalar>.stride
    let count = values.count
    var a0 = V.zero, a1 = V.zero, a2 = V.zero, a3 = V.zero
    var i = 0
    while i + 4 * width <= count {
        let o = i * stride
        a0 += vector(raw.loadUnaligned(fromByteOffset: o, as: V.self))
        a1 += vector(raw.loadUnaligned(fromByteOffset: o + width * stride, as: V.self))
        a2 += vector(raw.loadUnaligned(fromByteOffset: o + 2 * width * stride, as: V.self))
        a3 += vector(raw.loadUnaligned(fromByteOffset: o + 3 * width * stride, as: V.self))
        i += 4 * width
    }
    while i + width <= count {
        a0 += vector(raw.loadUnaligned(fromByteOffset: i * stride, as: V.self))
        i += width
    }
    let lanes = (a0 + a1) + (a2 + a3)
    var total: V.Scalar = 0
    for lane in 0..<width { total += lanes[lane] }
    while i < count { total += scalar(base[i]); i += 1 }
    return total
}

/// `row[j] = block[j] + block[inner + j] + … + block[(extent - 1)·inner + j]` for `j < count`, added in row order
/// (the bits of adding one row at a time). A block of up to 8 MB (in cache) goes four rows per sweep over the
/// output row: one load and store of the running sums per four rows instead of per row (sum(axis: 0) of
/// [100, 1000] 1.27 -> 1.56-2.40x numpy). A larger block of whole rows streams from memory, and there one row
/// per sweep, reading memory in order, is faster: [10000, 1000] Float took 2.8-3.2 ms in four-row sweeps (four
/// pages read at once) against 1.6-1.8 ms row by row on one thread (numpy 2.1-2.3; Double 5.4 against 3.7, numpy
/// 4.4). A thread's part of the columns (two threads: half rows, not contiguous either way) keeps four-row
/// sweeps, which measured 1.9 ms against 2.8 row by row. `fromMemory`: whole rows of a block that is itself small
/// but part of a tensor streaming from memory (a blocked sum's block) also go one row per sweep.
@inline(__always)
func simdAddRows<V: FloatingLanes>(_ block: UnsafePointer<V.Scalar>, extent: Int, inner: Int, count: Int,
                                   into row: UnsafeMutablePointer<V.Scalar>, as _: V.Type, fromMemory: Bool = false) {
    row.initialize(from: block, count: count)
    let width = V.scalarCount, stride = MemoryLayout<V.Scalar>.stride
    let output = UnsafeMutableRawPointer(row)
    var a = 1
    let perSweep = count == inner && (fromMemory || extent * inner * stride > (8 << 20)) ? 1 : 4
    while a < extent {
        let rows = Swift.min(perSweep, extent - a)
        let r0 = block + a * inner
        let r1 = block + (a + Swift.min(1, rows - 1)) * inner
        let r2 = block + (a + Swift.min(2, rows - 1)) * inner
        let r3 = block + (a + Swift.min(3, rows - 1)) * inner
        let (p0, p1, p2, p3) = (UnsafeRawPointer(r0), UnsafeRawPointer(r1), UnsafeRawPointer(r2), UnsafeRawPointer(r3))
        var j = 0
        if rows == 4 {
            while j + width <= count {
                let o = j * stride
                var sum = output.loadUnaligned(fromByteOffset: o, as: V.self)
                sum = sum + p0.loadUnaligned(fromByteOffset: o, as: V.self)
                sum = sum + p1.loadUnaligned(fromByteOffset: o, as: V.self)
                sum = sum + p2.loadUnaligned(fromByteOffset: o, as: V.self)
                sum = sum + p3.loadUnaligned(fromByteOffset: o, as: V.self)
                output.storeBytes(of: sum, toByteOffset: o, as: V.self)
                j += width
            }
            while j < count { row[j] = (((row[j] + r0[j]) + r1[j]) + r2[j]) + r3[j]; j += 1 }
        } else {
            for k in 0..<rows {
                let r = UnsafeRawPointer(block + (a + k) * inner)
                j = 0
                while j + width <= count {
                    let o = j * stride
                    output.storeBytes(of: output.loadUnaligned(fromByteOffset: o, as: V.self) + r.loadUnaligned(fromByteOffset: o, as: V.self),
                                      toByteOffset: o, as: V.self)
                    j += width
                }
                let scalars = block + (a + k) * inner
                while j < count { row[j] = row[j] + scalars[j]; j += 1 }
            }
        }
        a += rows
    }
}

/// `sums[j] += (x[j] - means[j])²` for `j in 0..<count`: the column-wise second pass of `var(axis:)`.
@inline(__always)
func accumulateSquaredDeviations<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ means: UnsafePointer<T>,
                                                         into sums: UnsafeMutablePointer<T>, count: Int) {
    for j in 0..<count {
        let d = x[j] - means[j]
        sums[j] += d * d
    }
}

/// NaN-propagating SIMD minimum or maximum of a non-empty run.
///
/// The loop is compare-and-blend only (NaN lanes are collected into a sticky marker vector instead of
/// branching); the horizontal step runs once per call.
@inline(__always)
func simdExtremum<V: FloatingLanes>(_ values: UnsafeBufferPointer<V.Scalar>, maximum: Bool, as _: V.Type) -> V.Scalar {
    guard let base = values.baseAddress, values.count > 0 else { return .nan }
    let raw = UnsafeRawPointer(base)
    let width = V.scalarCount, stride = MemoryLayout<V.Scalar>.stride
    let count = values.count
    // Runs without NaN or infinity (nearly all) take four independent chains and a tree across lanes; one chain
    // of compare-and-blend is bound by its latency (Float max(axis 1) over 1000-wide rows: 0.76x numpy).
    if count >= 2 * width {
        let extremum = finiteExtremum(base, count: count, maximum: maximum, as: V.self)
        if let extremum { return extremum }
    }
    var best = V(repeating: base[0])
    var nanMarker = V.zero
    var i = 0
    if maximum {
        while i + width <= count {
            let v = raw.loadUnaligned(fromByteOffset: i * stride, as: V.self)
            best = V.keepMaximum(best, v)
            nanMarker = V.markNaN(nanMarker, v)
            i += width
        }
    } else {
        while i + width <= count {
            let v = raw.loadUnaligned(fromByteOffset: i * stride, as: V.self)
            best = V.keepMinimum(best, v)
            nanMarker = V.markNaN(nanMarker, v)
            i += width
        }
    }
    var sawNaN = false
    var result = base[0]
    for lane in 0..<width {
        let marker = nanMarker[lane], candidate = best[lane]
        if marker != marker { sawNaN = true }
        if maximum ? candidate > result : candidate < result { result = candidate }
    }
    while i < count {
        let v = base[i]
        if v != v { sawNaN = true }
        if maximum ? v > result : v < result { result = v }
        i += 1
    }
    return sawNaN ? .nan : result
}

/// The index of the first largest (`maximum`) or smallest element of a non-empty run, or of its first NaN if it
/// has one (numpy's `argmax`/`argmin`), in one pass.
///
/// Each lane keeps its best value and that value's position, replacing them only on a strictly better value,
/// so a lane holds its first occurrence; the lanes are then merged by value, ties going to the smaller
/// position. Positions are held in the vector's own floating type (no mask conversions in the loop), exact
/// below 2^24 for Float: longer runs go in blocks of `block` (2^24; tests pass smaller ones), merged the same
/// way. NaN lanes are only marked in the loop; the rare run holding one is searched again for its first NaN.
@inline(__always)
func simdFirstExtremumIndex<V: FloatingLanes>(_ base: UnsafePointer<V.Scalar>, count: Int, maximum: Bool, as _: V.Type,
                                              block: Int = 1 << 24) -> Int {
    if count >= 2 * V.scalarCount, count <= block,
       let index = finiteFirstExtremumIndex(base, count: count, maximum: maximum, as: V.self) {
        return index
    }
    return onePassFirstExtremumIndex(base, count: count, maximum: maximum, as: V.self, block: block)
}

/// ``simdFirstExtremumIndex(_:count:maximum:as:block:)``'s one-pass loop, which tracks positions and NaNs per
/// lane: the answer for runs that hold a NaN or an infinity (`count >= 1`).
@inline(__always)
func onePassFirstExtremumIndex<V: FloatingLanes>(_ base: UnsafePointer<V.Scalar>, count: Int, maximum: Bool, as _: V.Type,
                                                 block: Int = 1 << 24) -> Int {
    let width = V.scalarCount
    var bestIndex = 0, bestValue = base[0], sawNaN = false
    func consider(_ value: V.Scalar, at index: Int) {
        if value != value { sawNaN = true }
        if maximum ? value > bestValue : value < bestValue { bestValue = value; bestIndex = index }
    }
    var start = 0
    while start < count {
        let length = Swift.min(block, count - start)
        let run = base + start
        var i = 0
        if length >= 2 * width {
            let (best, position, nanMarker) = firstExtremumLanes(run, count: length, maximum: maximum, as: V.self)
            i = length  // the lanes cover the partial last vector too
            // The best lane value and its smallest position, merged as a tree over lane halves: log2(width)
            // dependent steps instead of a chain through every lane (that chain cost as much as the vector loop on
            // 100-element rows). A NaN lane kept from the first vector may come out on top; the marker has seen
            // it, and the NaN search below answers.
            var values = best, positions = position
            var half = width / 2
            while half > 0 {
                for lane in 0..<half {
                    let value = values[lane + half], other = values[lane]
                    let better = maximum ? value > other : value < other
                    if better || (value == other && positions[lane + half] < positions[lane]) {
                        values[lane] = value
                        positions[lane] = positions[lane + half]
                    }
                }
                half /= 2
            }
            let laneValue = values[0]
            for lane in 0..<width where nanMarker[lane] != nanMarker[lane] { sawNaN = true }
            let index = start + V.integerPosition(positions[0])
            if maximum ? laneValue > bestValue : laneValue < bestValue {
                bestValue = laneValue; bestIndex = index
            } else if laneValue == bestValue && index < bestIndex {
                bestIndex = index
            }
        }
        while i < length { consider(run[i], at: start + i); i += 1 }
        start += length
    }
    // The marker also fires on inf + -inf (the loop marks sums of two vectors), so a search may find no NaN.
    if sawNaN, let first = (0..<count).first(where: { base[$0] != base[$0] }) { return first }
    return bestIndex
}

/// The first extremum's index of a run of `count >= 2·width` finite values, in two passes: the extremum value
/// (running maxima or minima, one compare-free instruction per vector, in four chains), then a search for its
/// first occurrence that stops at the first vector holding it (the run is in L1 by then). `nil` when the run
/// holds a NaN or an infinity (a running sum of the values, taken alongside, is then not finite; it may also
/// overflow on huge finite values): the caller's one-pass loop, which tracks positions and NaNs per lane,
/// answers those runs. Half the vector work of that loop and no per-lane merge at the end (measured in
/// `compare_tensor.py --op "argmax(axis 1)"`).
@inline(__always)
func finiteFirstExtremumIndex<V: FloatingLanes>(_ base: UnsafePointer<V.Scalar>, count: Int, maximum: Bool,
                                                as _: V.Type) -> Int? {
    let extremum = finiteExtremum(base, count: count, maximum: maximum, as: V.self)
    guard let extremum else { return nil }
    return firstOccurrence(of: extremum, in: base, count: count, as: V.self)
}

/// The index of the first element equal to `extremum` in a run of `count >= width` elements that holds it.
@inline(__always)
func firstOccurrence<V: FloatingLanes>(of extremum: V.Scalar, in base: UnsafePointer<V.Scalar>, count: Int,
                                       as _: V.Type) -> Int {
    let width = V.scalarCount, stride = MemoryLayout<V.Scalar>.stride
    let raw = UnsafeRawPointer(base), target = V(repeating: extremum)
    var i = 0
    // The last vector overlaps the one before it; its lanes already searched hold no match, so the first match
    // in it is still the first of the run.
    while true {
        let start = Swift.min(i, count - width)
        if V.anyEqual(raw.loadUnaligned(fromByteOffset: start * stride, as: V.self), target) {
            var index = start
            while base[index] != extremum { index += 1 }
            return index
        }
        i += width
    }
}

/// ``simdFirstExtremumIndex(_:count:maximum:as:block:)`` of each of the contiguous rows `rows` of `extent`
/// elements (`base` is row 0), into `indices[row]`. Rows of `4·width` to `rowSearchLimit·width` elements take the
/// group-tracking pass (``groupTrackedFirstExtremumIndex(_:count:maximum:keep:)``). Against the routes before it,
/// `compare_tensor.py --op "argmax(axis 1)" --baseline`, numpy 2.4.6 OpenBLAS SkylakeX, medians:
/// - Float, against the extremum pass storing each group's extrema, then a search of the groups and into the first
///   holding the row's extremum (a mispredicted exit per row in each; 3 Dec 22:44 UTC, 7 rounds): 1e7 2.04 -> 1.56
///   ms (numpy 1.59), 2 threads 1.21 -> 1.07, 3e6 0.31 -> 0.22 ms, 1e5 9.3 -> 6.5 us, 1e3 0.51 -> 0.51 us. (Sixteen
///   lanes had made the one pass below slower: 1e7 2.15 -> 2.45 ms, 1e5 6.8 -> 13.4 us.)
/// - Double, against the one pass with values and positions per lane from 64 vectors (3 Dec 22:47, 23:03 and 23:05
///   UTC, 7, 5 and 7 rounds): 1e5 20.1 -> 13.6, 19.2 -> 11.8, 15.5 -> 12.5 us (numpy 17.2 / 19.9 / 15.3), 1e7 3.29
///   -> 3.94, 3.26 -> 2.82, 3.22 -> 3.26 ms (numpy 3.35 / 2.91 / 3.53), 2 threads 2.44 -> 2.32, 2.11 -> 2.21, 2.53
///   -> 2.51 ms, 1e6 0.186 -> 0.124 ms, 3e6 0.78 -> 0.63 ms; against the extremum pass and a search from the row's
///   start on 100-element rows, 1e3 0.43 -> 0.48 and 0.47 -> 0.47 us.
/// Rows of `2·width` to `4·width` elements go in blocks of about 4 KB: first the extremum pass over every row of the
/// block, back to back, then each row's search from its start while the block is still in L1 (row by row, each
/// search ended on a mispredicted branch at a random place in the row, which halted the stream of loads from memory
/// once per row).
@inline(__always)
func firstExtremumIndicesOfRows<V: FloatingLanes>(_ base: UnsafePointer<V.Scalar>, rows: Range<Int>, extent: Int,
                                                  maximum: Bool, into indices: UnsafeMutablePointer<Int32>,
                                                  as _: V.Type) {
    let width = V.scalarCount
    guard extent >= 2 * width, extent <= rowSearchLimit * width else {
        for row in rows {
            indices[row] = Int32(truncatingIfNeeded: simdFirstExtremumIndex(base + row * extent, count: extent,
                                                                           maximum: maximum, as: V.self))
        }
        return
    }
    if extent >= 4 * width {
        for row in rows {
            let run = base + row * extent
            let index = maximum
                ? groupTrackedFirstExtremumIndex(run, count: extent, maximum: true, keep: { V.keepMaximum($0, $1) })
                : groupTrackedFirstExtremumIndex(run, count: extent, maximum: false, keep: { V.keepMinimum($0, $1) })
            indices[row] = Int32(truncatingIfNeeded: index ?? onePassFirstExtremumIndex(run, count: extent, maximum: maximum, as: V.self))
        }
        return
    }
    // Blocks of about 4 KB: against 16 KB, 1e7 Float argmax(axis 1) along 1000 columns went 2.15 -> 1.94 and 2.32
    // -> 2.05 ms (3 Dec 20:06 and 20:08 UTC, 9 and 13 rounds alternating, numpy 1.52 / 1.70), when those rows took
    // this route.
    let blockRows = Swift.min(16, Swift.max(1, (4 << 10) / (extent * MemoryLayout<V.Scalar>.stride)))
    withUnsafeTemporaryAllocation(of: V.Scalar.self, capacity: 16) { extrema in
        var start = rows.lowerBound
        while start < rows.upperBound {
            let end = Swift.min(start + blockRows, rows.upperBound)
            for row in start..<end {
                extrema[row - start] = finiteExtremum(base + row * extent, count: extent, maximum: maximum, as: V.self) ?? .nan
            }
            for row in start..<end {
                let run = base + row * extent, extremum = extrema[row - start]
                let index = extremum != extremum ? onePassFirstExtremumIndex(run, count: extent, maximum: maximum, as: V.self)
                    : firstOccurrence(of: extremum, in: run, count: extent, as: V.self)
                indices[row] = Int32(truncatingIfNeeded: index)
            }
            start = end
        }
    }
}

/// The first extremum's index of a run of `count >= 4·width` elements in one pass whose loads never wait on a
/// branch (`nil` when the run holds a NaN or an infinity or its sum overflows, as ``finiteExtremum(_:count:maximum:as:)``):
/// each group of four vectors (the last group: the four vectors ending at `count`) is reduced lane-wise, and each
/// lane keeps its best group extremum and the first group where it improved. The first group holding the run's
/// extremum is then the smallest group number among the lanes holding it (integer lane steps), and the search for
/// the element goes through those four vectors only, in L1. Lanes of the last group that overlap the group before
/// hold values already seen there, which the strict comparisons leave in the earlier group. No branch of a row's
/// search sits between its loads and the next row's (the Float route before it, a search of stored group extrema,
/// ended each row on a mispredicted branch).
@inline(__always)
func groupTrackedFirstExtremumIndex<V: FloatingLanes>(_ base: UnsafePointer<V.Scalar>, count: Int, maximum: Bool,
                                                      keep: (V, V) -> V) -> Int? {
    let width = V.scalarCount, stride = MemoryLayout<V.Scalar>.stride, groupLength = 4 * width
    let raw = UnsafeRawPointer(base)
    func load(_ i: Int) -> V { raw.loadUnaligned(fromByteOffset: i &* stride, as: V.self) }
    var best = keep(keep(load(0), load(width)), keep(load(2 * width), load(3 * width)))
    var position = V.zero, group = V.zero
    let one = V(repeating: 1)
    var sum = (load(0), load(width), load(2 * width), load(3 * width))
    var i = groupLength
    while i < count {
        let start = Swift.min(i, count - groupLength)
        let c0 = load(start), c1 = load(start &+ width), c2 = load(start &+ 2 &* width), c3 = load(start &+ 3 &* width)
        group += one
        V.keepFirstExtremum(&best, &position, keep(keep(c0, c1), keep(c2, c3)), group, maximum: maximum)
        sum = (sum.0 + c0, sum.1 + c1, sum.2 + c2, sum.3 + c3)
        i &+= groupLength
    }
    let total = (sum.0 + sum.1) + (sum.2 + sum.3), difference = total - total  // NaN where total is not finite
    guard !V.anyUnequal(difference, difference) else { return nil }
    let target = V(repeating: V.orderedLaneExtremum(best, maximum: maximum))
    let start = Swift.min(V.smallestPosition(position, whereEqual: best, target) * groupLength, count - groupLength)
    return start + firstOccurrence(of: target[0], in: base + start, count: groupLength, as: V.self)
}

/// Rows up to this many vectors take the row searches of ``firstExtremumIndicesOfRows(_:rows:extent:maximum:into:as:)``;
/// longer rows go through ``simdFirstExtremumIndex(_:count:maximum:as:block:)`` one by one.
let rowSearchLimit = 1024

/// The largest (`maximum`) or smallest value of a run of `count >= 2·width` elements, or `nil` when the run holds
/// a NaN or an infinity (or its sum overflows).
@inline(__always)
func finiteExtremum<V: FloatingLanes>(_ base: UnsafePointer<V.Scalar>, count: Int, maximum: Bool, as _: V.Type) -> V.Scalar? {
    maximum ? finiteExtremum(base, count: count, maximum: true, keep: { V.keepMaximum($0, $1) })
            : finiteExtremum(base, count: count, maximum: false, keep: { V.keepMinimum($0, $1) })
}

/// ``finiteExtremum(_:count:maximum:as:)`` with `keep` the running update that matches `maximum`.
@inline(__always)
func finiteExtremum<V: FloatingLanes>(_ base: UnsafePointer<V.Scalar>, count: Int, maximum: Bool,
                                      keep: (V, V) -> V) -> V.Scalar? {
    let width = V.scalarCount, stride = MemoryLayout<V.Scalar>.stride
    let raw = UnsafeRawPointer(base)
    func load(_ i: Int) -> V { raw.loadUnaligned(fromByteOffset: i * stride, as: V.self) }
    // Four chains each (an add's latency is three of its issue slots).
    var best = (load(0), load(width), load(0), load(width)), sum = (load(0), load(width), V.zero, V.zero)
    var i = 2 * width
    while i + 4 * width <= count {
        let c0 = load(i), c1 = load(i + width), c2 = load(i + 2 * width), c3 = load(i + 3 * width)
        best = (keep(best.0, c0), keep(best.1, c1), keep(best.2, c2), keep(best.3, c3))
        sum = (sum.0 + c0, sum.1 + c1, sum.2 + c2, sum.3 + c3)
        i += 4 * width
    }
    guard keepRemainingVectors(raw, from: i, count: count, keep: keep, best: &best.0, sums: sum) else { return nil }
    return laneExtremum(keep(keep(best.0, best.1), keep(best.2, best.3)), maximum: maximum)
}

/// The rest of a run from `i` as whole vectors, the last one ending at `count` (lanes seen twice change no
/// extremum), kept into `best` and added to `sums.0`; then whether the run's total (all four sums) is finite,
/// false for a NaN, an infinity or an overflowing sum.
@inline(__always)
func keepRemainingVectors<V: FloatingLanes>(_ raw: UnsafeRawPointer, from start: Int, count: Int, keep: (V, V) -> V,
                                           best: inout V, sums: (V, V, V, V)) -> Bool {
    let width = V.scalarCount, stride = MemoryLayout<V.Scalar>.stride
    var i = start, first = sums.0
    while i < count {
        let c = raw.loadUnaligned(fromByteOffset: Swift.min(i, count - width) * stride, as: V.self)
        best = keep(best, c)
        first += c
        i += width
    }
    let total = (first + sums.1) + (sums.2 + sums.3), difference = total - total  // NaN where total is not finite
    return !V.anyUnequal(difference, difference)
}

/// The largest (`maximum`) or smallest lane, the largest as minus the smallest negated lane. Negation by
/// multiplying with -1 is exact and flips zeros too (0 - x would turn -0 into +0 and make the maximum of
/// all-(+0) lanes -0).
@inline(__always)
func laneExtremum<V: FloatingLanes>(_ lanes: V, maximum: Bool) -> V.Scalar {
    maximum ? -V.laneMinimum(lanes * V(repeating: -1)) : V.laneMinimum(lanes)
}

/// The vector loop of ``simdFirstExtremumIndex(_:count:maximum:as:)`` over all `count >= 2·width` elements (the
/// partial last vector as the overlapping vector ending at `count`): per lane, the best value, its position and a
/// sticky NaN marker.
///
/// Four lane sets take turns, so four compare-and-blend chains run in parallel (one chain waits on its compare
/// every vector), and are merged at the end. Kept out of line: inlined next to the lane merge of the caller,
/// LLVM moved lane extractions into the loop (Double ran 6x slower).
@inline(never)
func firstExtremumLanes<V: FloatingLanes>(_ run: UnsafePointer<V.Scalar>, count: Int, maximum: Bool,
                                          as _: V.Type) -> (best: V, position: V, nanMarker: V) {
    let width = V.scalarCount, stride = MemoryLayout<V.Scalar>.stride
    let raw = UnsafeRawPointer(run)
    var lanes = V.zero
    for lane in 0..<width { lanes[lane] = V.Scalar(lane) }
    var best = (raw.loadUnaligned(as: V.self), raw.loadUnaligned(as: V.self), raw.loadUnaligned(as: V.self),
                raw.loadUnaligned(as: V.self))
    var position = (lanes, lanes, lanes, lanes)
    var nanMarker = V.markNaN(.zero, best.0)
    let step = V(repeating: V.Scalar(width))
    var candidatePosition = lanes + step
    var i = width
    while i + 4 * width <= count {
        let o = i * stride
        let c0 = raw.loadUnaligned(fromByteOffset: o, as: V.self)
        let c1 = raw.loadUnaligned(fromByteOffset: o + width * stride, as: V.self)
        let c2 = raw.loadUnaligned(fromByteOffset: o + 2 * width * stride, as: V.self)
        let c3 = raw.loadUnaligned(fromByteOffset: o + 3 * width * stride, as: V.self)
        V.keepFirstExtremum(&best.0, &position.0, c0, candidatePosition, maximum: maximum)
        V.keepFirstExtremum(&best.1, &position.1, c1, candidatePosition + step, maximum: maximum)
        V.keepFirstExtremum(&best.2, &position.2, c2, candidatePosition + 2 * step, maximum: maximum)
        V.keepFirstExtremum(&best.3, &position.3, c3, candidatePosition + 3 * step, maximum: maximum)
        nanMarker = V.markNaN(V.markNaN(nanMarker, c0 + c1), c2 + c3)
        candidatePosition += 4 * step
        i += 4 * width
    }
    while i + width <= count {
        let candidate = raw.loadUnaligned(fromByteOffset: i * stride, as: V.self)
        V.keepFirstExtremum(&best.0, &position.0, candidate, candidatePosition, maximum: maximum)
        nanMarker = V.markNaN(nanMarker, candidate)
        candidatePosition += step
        i += width
    }
    if i < count {
        // The last `count % width` elements as the whole vector ending at `count`, at their own positions: the
        // lanes it shares with earlier vectors hold the same values at the same positions, which the strict
        // comparisons and the smaller-position tie rule leave unchanged. (A scalar tail here was a dependent
        // compare-and-move chain costing as much as the whole vector loop on 1000-element rows.)
        let start = count - width
        let candidate = raw.loadUnaligned(fromByteOffset: start * stride, as: V.self)
        V.keepFirstExtremum(&best.1, &position.1, candidate, lanes + V(repeating: V.Scalar(start)), maximum: maximum)
        nanMarker = V.markNaN(nanMarker, candidate)
    }
    V.mergeFirstExtremum(&best.0, &position.0, best.1, position.1, maximum: maximum)
    V.mergeFirstExtremum(&best.2, &position.2, best.3, position.3, maximum: maximum)
    V.mergeFirstExtremum(&best.0, &position.0, best.2, position.2, maximum: maximum)
    return (best.0, position.0, nanMarker)
}

@inline(__always)
func integerReduce<T: FixedWidthInteger>(_ operation: ReductionOperation, _ values: UnsafeBufferPointer<T>) -> T {
    switch operation {
    case .sum: return values.reduce(0, &+)
    case .minimum: return values.min() ?? 0
    case .maximum: return values.max() ?? 0
    }
}

// MARK: - Conformances' kernel witnesses

extension Float {
    // Never inlined: the specialized broadcasting and reduction drivers share one copy per scalar type.
    @inline(never)
    public static func elementwise(
        _ operation: ElementwiseOperation,
        lhs: UnsafePointer<Float>, lhsStride: Int,
        rhs: UnsafePointer<Float>, rhsStride: Int,
        result: UnsafeMutablePointer<Float>, count: Int
    ) {
        floatingElementwise(operation, as: SIMD16<Float>.self, lhs, lhsStride, rhs, rhsStride, result, count)
    }

    public static func reduce(_ operation: ReductionOperation, _ values: UnsafeBufferPointer<Float>) -> Float {
        switch operation {
        case .sum: return simdSum(values, as: SIMD16<Float>.self)
        case .minimum: return simdExtremum(values, maximum: false, as: SIMD16<Float>.self)
        case .maximum: return simdExtremum(values, maximum: true, as: SIMD16<Float>.self)
        }
    }
}

extension Double {
    // Never inlined: the specialized broadcasting and reduction drivers share one copy per scalar type.
    @inline(never)
    public static func elementwise(
        _ operation: ElementwiseOperation,
        lhs: UnsafePointer<Double>, lhsStride: Int,
        rhs: UnsafePointer<Double>, rhsStride: Int,
        result: UnsafeMutablePointer<Double>, count: Int
    ) {
        // Two contiguous operands: 32-byte vectors, which streamed past L2 faster than 64-byte ones here (as for
        // the Double sums). Multi-process runs alternating with numpy, 4 Dec 16:40-16:46 UTC, [100, 1000] a + b:
        // 26.5 -> 25.5 us (numpy 25.9), [N,M] + [M] 21.6 -> 19.1; 1e3 and 1e7 unchanged. Division kept 64-byte
        // vectors (31.5 -> 32.5 us with 32-byte ones), and so did one-operand forms (a * 2.5 gained nothing).
        if lhsStride == 1 && rhsStride == 1 {
            switch operation {
            case .add: return simdBinaryLoop(lhs, 1, rhs, 1, result, count, { (a: SIMD4<Double>, b: SIMD4<Double>) in a + b }, { $0 + $1 })
            case .subtract: return simdBinaryLoop(lhs, 1, rhs, 1, result, count, { (a: SIMD4<Double>, b: SIMD4<Double>) in a - b }, { $0 - $1 })
            case .multiply: return simdBinaryLoop(lhs, 1, rhs, 1, result, count, { (a: SIMD4<Double>, b: SIMD4<Double>) in a * b }, { $0 * $1 })
            default: break
            }
        }
        floatingElementwise(operation, as: SIMD8<Double>.self, lhs, lhsStride, rhs, rhsStride, result, count)
    }

    public static func reduce(_ operation: ReductionOperation, _ values: UnsafeBufferPointer<Double>) -> Double {
        switch operation {
        case .sum: return doubleHalvesSum(values)
        case .minimum: return simdExtremum(values, maximum: false, as: SIMD8<Double>.self)
        case .maximum: return simdExtremum(values, maximum: true, as: SIMD8<Double>.self)
        }
    }
}

extension Int32 {
    // Never inlined: the specialized broadcasting and reduction drivers share one copy per scalar type.
    @inline(never)
    public static func elementwise(
        _ operation: ElementwiseOperation,
        lhs: UnsafePointer<Int32>, lhsStride: Int,
        rhs: UnsafePointer<Int32>, rhsStride: Int,
        result: UnsafeMutablePointer<Int32>, count: Int
    ) {
        integerElementwise(operation, lhs, lhsStride, rhs, rhsStride, result, count)
    }

    public static func reduce(_ operation: ReductionOperation, _ values: UnsafeBufferPointer<Int32>) -> Int32 {
        integerReduce(operation, values)
    }
}

extension UInt8 {
    // Never inlined: the specialized broadcasting and reduction drivers share one copy per scalar type.
    @inline(never)
    public static func elementwise(
        _ operation: ElementwiseOperation,
        lhs: UnsafePointer<UInt8>, lhsStride: Int,
        rhs: UnsafePointer<UInt8>, rhsStride: Int,
        result: UnsafeMutablePointer<UInt8>, count: Int
    ) {
        integerElementwise(operation, lhs, lhsStride, rhs, rhsStride, result, count)
    }

    public static func reduce(_ operation: ReductionOperation, _ values: UnsafeBufferPointer<UInt8>) -> UInt8 {
        integerReduce(operation, values)
    }
}
