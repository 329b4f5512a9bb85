/// Vectorized `Float` kernels on raw buffers, for callers (layers, losses, optimizers) that manage their own storage.
///
/// Every function reads `count` elements and writes the same number to `into`; the output may be exactly the
/// input buffer (in-place) but must not partially overlap it. Lengths must match (checked by `precondition`,
/// these are programmer errors, not data errors). Large inputs are split over threads in fixed chunks, which
/// never changes a result bit (see ``ParallelChunks``).
///
/// `exp`, `log`, `tanh` and `sigmoid` reduce the argument and evaluate polynomials over 16 lanes (see
/// `VectorMath+Transcendentals.swift`). Relative error against `Double` libm, measured over 2.1M bit patterns
/// spanning all Floats plus a dense grid: exp 6.1e-8 (8.9e-8 counting subnormal results in units of 2^-126),
/// log 6.0e-8, tanh 1.68e-7, sigmoid 1.73e-7 (bound by analysis 1.79e-7); all below 2e-7. IEEE behaviour at the
/// edges: overflow to `inf`, gradual underflow to subnormals and `0`, NaN in → NaN out, tanh(-0) = -0.
///
/// ```swift
/// logits.withUnsafeBufferPointer { x in
///     probabilities.withUnsafeMutableBufferPointer { y in VectorMath.sigmoid(x, into: y) }
/// }
/// ```
public enum VectorMath {
    // MARK: Transcendentals

    /// `y[i] = e^x[i]`.
    public static func exp(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        mapTranscendental(.exp, x, into: y, as: SIMD16<Float>.self)
    }

    /// `y[i] = ln x[i]`; `ln 0 = -inf`, negative → NaN.
    public static func log(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        // The direct map, not `mapTranscendental`: reached through that generic dispatch LLVM split this loop's
        // masks and polynomial into 4-lane pieces (3x slower, with either polynomial family).
        if PolynomialFamily.fused {
            map(x, into: y, Lanes.Log<FusedPolynomial>())
        } else {
            map(x, into: y, Lanes.Log<SeparatePolynomial>())
        }
    }

    /// `y[i] = tanh x[i]`.
    public static func tanh(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        mapTranscendental(.tanh, x, into: y, as: SIMD16<Float>.self)
    }

    /// `y[i] = 1 / (1 + e^-x[i])`.
    public static func sigmoid(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        mapTranscendental(.sigmoid, x, into: y, as: SIMD16<Float>.self)
    }

    // MARK: Cheap elementwise

    /// `y[i] = max(x[i], 0)`; NaN stays NaN.
    public static func relu(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        map(x, into: y, Lanes.Relu(), cost: .memoryBound)
    }

    /// `y[i] = sqrt(x[i])` (correctly rounded, hardware square root).
    public static func sqrt(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        map(x, into: y, Lanes.SquareRoot(), cost: .memoryBound)
    }

    /// `y[i] = |x[i]|`.
    public static func abs(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        map(x, into: y, Lanes.Magnitude(), cost: .memoryBound)
    }

    /// `y[i] = x[i] * x[i]`.
    public static func square(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        map(x, into: y, Lanes.Square(), cost: .memoryBound)
    }

    /// `y[i] = min(max(x[i], lower), upper)`; NaN stays NaN.
    public static func clip(_ x: UnsafeBufferPointer<Float>, lower: Float, upper: Float,
                            into y: UnsafeMutableBufferPointer<Float>) {
        precondition(!(lower > upper), "clip bounds lower \(lower) > upper \(upper)")
        map(x, into: y, Lanes.Clip(lower: lower, upper: upper), cost: .memoryBound)
    }

    /// `y[i] = a * x[i] + b`, the affine map behind scaling and normalization.
    public static func affine(_ x: UnsafeBufferPointer<Float>, scale a: Float, shift b: Float,
                              into y: UnsafeMutableBufferPointer<Float>) {
        map(x, into: y, Lanes.Affine(scale: a, shift: b), cost: .memoryBound)
    }

    // MARK: Binary

    /// `z[i] = x[i] + y[i]`.
    public static func add(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                           into z: UnsafeMutableBufferPointer<Float>) { binary(.add, x, y, into: z) }
    /// `z[i] = x[i] - y[i]`.
    public static func subtract(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                                into z: UnsafeMutableBufferPointer<Float>) { binary(.subtract, x, y, into: z) }
    /// `z[i] = x[i] * y[i]`.
    public static func multiply(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                                into z: UnsafeMutableBufferPointer<Float>) { binary(.multiply, x, y, into: z) }
    /// `z[i] = x[i] / y[i]`.
    public static func divide(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                              into z: UnsafeMutableBufferPointer<Float>) { binary(.divide, x, y, into: z) }

    /// `z[i] = x[i] ⊙ y[i]` for any ``ElementwiseOperation``; `z` may be exactly `x` or `y`.
    public static func binary(_ operation: ElementwiseOperation,
                              _ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                              into z: UnsafeMutableBufferPointer<Float>) {
        precondition(x.count == y.count && x.count == z.count,
                     "VectorMath.\(operation): lengths \(x.count), \(y.count) and output \(z.count) differ")
        guard let xs = x.baseAddress, let ys = y.baseAddress, let zs = z.baseAddress else { return }
        nonisolated(unsafe) let (a, b, c) = (xs, ys, zs)
        ParallelChunks.run(count: x.count) { range in
            Float.elementwise(operation, lhs: a + range.lowerBound, lhsStride: 1, rhs: b + range.lowerBound,
                              rhsStride: 1, result: c + range.lowerBound, count: range.count)
        }
    }

    /// `z[i] = x[i] ⊙ s` (a scalar broadcast over a buffer).
    public static func binary(_ operation: ElementwiseOperation,
                              _ x: UnsafeBufferPointer<Float>, scalar s: Float,
                              into z: UnsafeMutableBufferPointer<Float>) {
        precondition(x.count == z.count, "VectorMath.\(operation): lengths \(x.count) and output \(z.count) differ")
        guard let xs = x.baseAddress, let zs = z.baseAddress else { return }
        nonisolated(unsafe) let (a, c) = (xs, zs)
        ParallelChunks.run(count: x.count) { range in
            withUnsafePointer(to: s) { sp in
                Float.elementwise(operation, lhs: a + range.lowerBound, lhsStride: 1, rhs: sp, rhsStride: 0,
                                  result: c + range.lowerBound, count: range.count)
            }
        }
    }

    // MARK: Reductions (fixed order)

    /// Sum in a fixed SIMD order (bit-identical on every run and thread count).
    public static func sum(_ x: UnsafeBufferPointer<Float>) -> Float { Float.reduce(.sum, x) }
    /// Largest element (NaN if any is NaN); precondition: non-empty.
    public static func max(_ x: UnsafeBufferPointer<Float>) -> Float {
        precondition(!x.isEmpty, "VectorMath.max of an empty buffer")
        return Float.reduce(.maximum, x)
    }
    /// Smallest element (NaN if any is NaN); precondition: non-empty.
    public static func min(_ x: UnsafeBufferPointer<Float>) -> Float {
        precondition(!x.isEmpty, "VectorMath.min of an empty buffer")
        return Float.reduce(.minimum, x)
    }

    /// `Σ x[i] * y[i]` in a fixed order.
    public static func dot(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>) -> Float {
        precondition(x.count == y.count, "VectorMath.dot: lengths \(x.count) and \(y.count) differ")
        guard let xs = x.baseAddress, let ys = y.baseAddress else { return 0 }
        let a = UnsafeRawPointer(xs), b = UnsafeRawPointer(ys)
        var acc0 = SIMD16<Float>.zero, acc1 = SIMD16<Float>.zero
        var i = 0
        let n = x.count
        while i + 32 <= n {
            acc0 += a.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                * b.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            acc1 += a.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self)
                * b.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self)
            i += 32
        }
        let lanes = acc0 + acc1
        var total: Float = 0
        for lane in 0..<16 { total += lanes[lane] }
        while i < n { total += xs[i] * ys[i]; i += 1 }
        return total
    }

    // MARK: Softmax over rows

    /// Row-wise softmax of a `rows x columns` row-major matrix: `y = exp(x - max) / Σ exp(x - max)`.
    ///
    /// Works in `y` only (which may be `x`): no allocation. A row containing NaN gives a NaN row; a row of
    /// `-inf` gives NaN like numpy (0/0).
    public static func softmax(_ x: UnsafeBufferPointer<Float>, rows: Int, columns: Int,
                               into y: UnsafeMutableBufferPointer<Float>) {
        precondition(rows >= 0 && columns >= 0 && x.count == rows * columns && y.count == x.count,
                     "VectorMath.softmax: \(rows) x \(columns) needs \(rows * columns) elements, got \(x.count) in, \(y.count) out")
        guard columns > 0, let xs = x.baseAddress, let ys = y.baseAddress else { return }
        for row in 0..<rows {
            let input = UnsafeBufferPointer(start: xs + row * columns, count: columns)
            let output = UnsafeMutableBufferPointer(start: ys + row * columns, count: columns)
            let maximum = Float.reduce(.maximum, input)
            shiftedExp(input, into: output, shift: maximum)
            let total = Float.reduce(.sum, UnsafeBufferPointer(output))
            let inverse = 1 / total
            mapSerial(UnsafeBufferPointer(output), into: output, Lanes.Affine(scale: inverse, shift: 0))
        }
    }

    /// Row-wise log-softmax: `y = x - max - log Σ exp(x - max)`, computed without forming `log(softmax)`.
    ///
    /// Uses `y` as scratch (no allocation) and reads `x` again afterwards, so `y` must not be `x`.
    public static func logSoftmax(_ x: UnsafeBufferPointer<Float>, rows: Int, columns: Int,
                                  into y: UnsafeMutableBufferPointer<Float>) {
        precondition(rows >= 0 && columns >= 0 && x.count == rows * columns && y.count == x.count,
                     "VectorMath.logSoftmax: \(rows) x \(columns) needs \(rows * columns) elements, got \(x.count) in, \(y.count) out")
        guard columns > 0, let xs = x.baseAddress, let ys = y.baseAddress else { return }
        precondition(UnsafeRawPointer(xs) != UnsafeRawPointer(ys), "VectorMath.logSoftmax cannot run in place")
        for row in 0..<rows {
            let input = UnsafeBufferPointer(start: xs + row * columns, count: columns)
            let output = UnsafeMutableBufferPointer(start: ys + row * columns, count: columns)
            let maximum = Float.reduce(.maximum, input)
            shiftedExp(input, into: output, shift: maximum)
            let total = Float.reduce(.sum, UnsafeBufferPointer(output))
            // (x - max) first: exact for nearby values, where `x - (max + log Σ)` would round the shift at max's scale.
            mapSerial(input, into: output, Lanes.TwoShifts(first: maximum, second: logScalar(total)))
        }
    }

    /// `y = e^(x - shift)` on one thread, in this process's polynomial family.
    static func shiftedExp(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>, shift: Float) {
        if PolynomialFamily.fused {
            mapSerial(x, into: y, Lanes.ShiftedExp<FusedPolynomial>(shift: shift))
        } else {
            mapSerial(x, into: y, Lanes.ShiftedExp<SeparatePolynomial>(shift: shift))
        }
    }

    // MARK: Scalar entry points (same algorithms, one lane)

    /// `e^x` with the vector kernel's algorithm (identical results to ``exp(_:into:)``).
    public static func exp(_ x: Float) -> Float { transcendental(.exp, x, as: SIMD16<Float>.self) }
    /// `ln x` with the vector kernel's algorithm.
    public static func log(_ x: Float) -> Float { logScalar(x) }
    /// `tanh x` with the vector kernel's algorithm.
    public static func tanh(_ x: Float) -> Float { transcendental(.tanh, x, as: SIMD16<Float>.self) }
    /// `1 / (1 + e^-x)` with the vector kernel's algorithm.
    public static func sigmoid(_ x: Float) -> Float { transcendental(.sigmoid, x, as: SIMD16<Float>.self) }

    static func logScalar(_ x: Float) -> Float {
        PolynomialFamily.fused ? logVector(SIMD16(repeating: x), FusedPolynomial.self)[0]
            : logVector(SIMD16(repeating: x), SeparatePolynomial.self)[0]
    }

    /// One value through the vector kernel of `function` in this process's family: lane 0 of one vector, so the
    /// same bits as the maps (lanes are independent), without the map driver's per-call work (losses call
    /// this once per element).
    static func transcendental<V: FloatingLanes>(_ function: UnaryFunction, _ x: V.Scalar, as _: V.Type) -> V.Scalar {
        PolynomialFamily.fused ? transcendental(function, V(repeating: x), FusedPolynomial.self)[0]
            : transcendental(function, V(repeating: x), SeparatePolynomial.self)[0]
    }

    @inline(__always)
    static func transcendental<V: FloatingLanes, M: PolynomialArithmetic>(_ function: UnaryFunction, _ x: V, _: M.Type) -> V {
        switch function {
        case .exp: V.exp(x, M.self)
        case .log: V.log(x, M.self)
        case .tanh: V.tanh(x, M.self)
        case .sigmoid: V.sigmoid(x, M.self)
        default: preconditionFailure("\(function) is not a transcendental kernel")
        }
    }

    // MARK: Drivers

    /// Applies a 16-lane function over the buffer (see `mapLanes`).
    @inline(__always)
    static func map<F: LaneFunction>(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>, _ f: F,
                                     cost: ParallelChunks.Cost = .computeBound) {
        mapLanes(x, into: y, f, cost: cost)
    }

    @inline(__always)
    static func mapSerial<F: LaneFunction>(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>, _ f: F) {
        mapLanesSerial(x, into: y, f)
    }
}

/// A function of one SIMD vector, the unit every vector map applies.
protocol VectorFunction: Sendable {
    associatedtype Vector: SIMD
    func callAsFunction(_ x: Vector) -> Vector
}

/// A function of 16 Float lanes, the unit every ``VectorMath`` map applies.
protocol LaneFunction: VectorFunction where Vector == SIMD16<Float> {}

/// One map type per transcendental (not one type holding the function as a value: `mapLanes` is specialized per
/// type but not inlined, so a value left a switch in the loop and LLVM outlined Double log and sigmoid into a
/// call per vector, 0.46x/0.62x numpy at 1e5).
enum TranscendentalMaps {
    struct Exp<V: FloatingLanes, M: PolynomialArithmetic>: VectorFunction {
        @inline(__always) func callAsFunction(_ x: V) -> V { V.exp(x, M.self) }
    }
    struct Log<V: FloatingLanes, M: PolynomialArithmetic>: VectorFunction {
        @inline(__always) func callAsFunction(_ x: V) -> V { V.log(x, M.self) }
    }
    struct Tanh<V: FloatingLanes, M: PolynomialArithmetic>: VectorFunction {
        @inline(__always) func callAsFunction(_ x: V) -> V { V.tanh(x, M.self) }
    }
    struct Sigmoid<V: FloatingLanes, M: PolynomialArithmetic>: VectorFunction {
        @inline(__always) func callAsFunction(_ x: V) -> V { V.sigmoid(x, M.self) }
    }
}


/// Applies a vector function over the buffer, split over threads (see ``ParallelChunks``); the tail runs through
/// the same function on a zero-padded vector, so every element sees exactly the same arithmetic wherever a part
/// boundary falls. Generic over the function type (not a closure) so each kernel is specialized and inlined.
@inline(__always)
func mapLanes<F: VectorFunction>(_ x: UnsafeBufferPointer<F.Vector.Scalar>, into y: UnsafeMutableBufferPointer<F.Vector.Scalar>,
                                 _ f: F, cost: ParallelChunks.Cost) {
    precondition(x.count == y.count, "vector map: input length \(x.count) differs from output length \(y.count)")
    guard let xs = x.baseAddress, let ys = y.baseAddress else { return }
    nonisolated(unsafe) let (input, output) = (xs, ys)
    ParallelChunks.run(count: x.count, cost: cost) { range in
        mapLanesPart(input + range.lowerBound, into: output + range.lowerBound, count: range.count, f)
    }
}

/// One part of ``mapLanes(_:into:_:cost:)``: the serial loop in a function of its own (specialized per function
/// type, never inlined into the threaded closure). Specialized inside the closure, LLVM had left the square root
/// as a `_stdlib_squareRootf` call per lane (a 1e7 Float square root took 12.3-16.0 ms on two threads against
/// 7.8-9.1 on one); out of line, the loop compiles as it does on one thread (one `vsqrtps` per vector), for
/// every lane function alike.
@inline(never)
func mapLanesPart<F: VectorFunction>(_ x: UnsafePointer<F.Vector.Scalar>, into y: UnsafeMutablePointer<F.Vector.Scalar>,
                                     count: Int, _ f: F) {
    mapLanesSerial(UnsafeBufferPointer(start: x, count: count), into: UnsafeMutableBufferPointer(start: y, count: count), f)
}

@inline(__always)
func mapLanesSerial<F: VectorFunction>(_ x: UnsafeBufferPointer<F.Vector.Scalar>,
                                       into y: UnsafeMutableBufferPointer<F.Vector.Scalar>, _ f: F) {
    guard let xs = x.baseAddress, let ys = y.baseAddress else { return }
    let n = x.count
    let width = F.Vector.scalarCount, size = MemoryLayout<F.Vector.Scalar>.stride
    let input = UnsafeRawPointer(xs), output = UnsafeMutableRawPointer(ys)
    var i = 0
    while i + width <= n {
        output.storeBytes(of: f(input.loadUnaligned(fromByteOffset: i * size, as: F.Vector.self)),
                          toByteOffset: i * size, as: F.Vector.self)
        i += width
    }
    if i < n { mapTail(input + i * size, into: output + i * size, count: n - i, f) }
}

/// The last `count < width` elements through `f` on a zero-padded vector: bulk byte copies in and out (lane-by-lane
/// inserts cost more than the math on short rows such as 10-class logits). Out of line: inlined beside the loop,
/// LLVM split the fused log polynomial of the loop into four 4-lane pieces.
@inline(never)
func mapTail<F: VectorFunction>(_ input: UnsafeRawPointer, into output: UnsafeMutableRawPointer, count: Int, _ f: F) {
    let bytes = count * MemoryLayout<F.Vector.Scalar>.stride
    var tail = F.Vector()
    withUnsafeMutableBytes(of: &tail) { $0.baseAddress!.copyMemory(from: input, byteCount: bytes) }
    let result = f(tail)
    withUnsafeBytes(of: result) { output.copyMemory(from: $0.baseAddress!, byteCount: bytes) }
}

/// The lane functions behind ``VectorMath``.
enum Lanes {
    struct Log<M: PolynomialArithmetic>: LaneFunction {
        @inline(__always) func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float> { VectorMath.logVector(x, M.self) }
    }
    /// e^(x - shift), the softmax numerator.
    struct ShiftedExp<M: PolynomialArithmetic>: LaneFunction {
        var shift: Float
        @inline(__always) func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float> {
            VectorMath.expVector(x - SIMD16(repeating: shift), M.self)
        }
    }
    struct Relu: LaneFunction {
        // `x < 0` is false for NaN, so NaN passes through like numpy's maximum(x, 0).
        @inline(__always) func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float> {
            x.replacing(with: SIMD16<Float>.zero, where: x .< SIMD16<Float>.zero)
        }
    }
    struct SquareRoot: LaneFunction {
        @inline(__always) func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float> { correctlyRoundedSquareRoot(x) }
    }
    struct Magnitude: LaneFunction {
        @inline(__always) func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float> {
            unsafeBitCast(unsafeBitCast(x, to: SIMD16<UInt32>.self) & SIMD16(repeating: 0x7FFF_FFFF), to: SIMD16<Float>.self)
        }
    }
    struct Square: LaneFunction {
        @inline(__always) func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float> { x * x }
    }
    struct Clip: LaneFunction {
        var lower: Float, upper: Float
        @inline(__always) func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float> {
            let low = SIMD16(repeating: lower), high = SIMD16(repeating: upper)
            return x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
        }
    }
    /// (x - first) - second, in that order.
    struct TwoShifts: LaneFunction {
        var first: Float, second: Float
        @inline(__always) func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float> {
            (x - SIMD16(repeating: first)) - SIMD16(repeating: second)
        }
    }
    struct Affine: LaneFunction {
        var scale: Float, shift: Float
        @inline(__always) func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float> {
            x * SIMD16(repeating: scale) + SIMD16(repeating: shift)
        }
    }
}
