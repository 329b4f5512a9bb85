/// How a kernel combines `acc + a * b`.
///
/// `Fused` rounds once (`addingProduct`, a packed FMA instruction when the build targets a CPU with FMA);
/// `Separate` rounds twice (a multiply then an add, never a libm call). In a baseline x86-64 build
/// `addingProduct` becomes a per-lane call to libm `fmaf`, so the fused family is only ever selected
/// after it has timed as hardware-fast (see `KernelSelection`).
@usableFromInline
protocol MultiplyAddRule: SendableMetatype {
    static func accumulate<V: SIMD>(_ acc: V, _ a: V, _ b: V) -> V where V.Scalar: FloatingPoint
}

@usableFromInline
enum FusedMultiplyAdd: MultiplyAddRule {
    @inline(__always) @usableFromInline
    static func accumulate<V: SIMD>(_ acc: V, _ a: V, _ b: V) -> V where V.Scalar: FloatingPoint {
        acc.addingProduct(a, b)
    }
}

@usableFromInline
enum SeparateMultiplyAdd: MultiplyAddRule {
    @inline(__always) @usableFromInline
    static func accumulate<V: SIMD>(_ acc: V, _ a: V, _ b: V) -> V where V.Scalar: FloatingPoint {
        acc + a * b
    }
}

/// The microkernel contract, shared by every variant:
///
///     C[0..<MR, 0..<NR] = alpha * (Σ_p A[i, p] * B[p, j]) + beta * C      (p in 0..<k, in order)
///
/// - `a`: element (i, p) at `a[i * aRowStride + p * aDepthStride]` (packed: strides 1 and MR).
/// - `b`: row p of the tile at `b + p * bDepthStride`, NR contiguous floats (packed: stride NR).
/// - `c`: element (i, j) at `c[i * ldc + j]`. When `beta == 0`, C is only written, never read.
/// The tile is always full (MR x NR); the driver routes edge tiles through a scratch tile.
/// MR is 6 and NR is two vectors of `V`.
@inline(__always)
func microkernel<V: SIMD, Rule: MultiplyAddRule>(
    _: V.Type, _: Rule.Type,
    k: Int,
    a: UnsafePointer<V.Scalar>, aRowStride: Int, aDepthStride: Int,
    b: UnsafePointer<V.Scalar>, bDepthStride: Int,
    alpha: V.Scalar, beta: V.Scalar,
    c: UnsafeMutablePointer<V.Scalar>, ldc: Int
) where V.Scalar: GEMMScalar {
    let w = V.scalarCount
    var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
    var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
    var ap = a
    var bp = UnsafeRawPointer(b)
    let bStep = bDepthStride * MemoryLayout<V.Scalar>.stride
    let r1 = aRowStride, r2 = 2 * aRowStride, r3 = 3 * aRowStride, r4 = 4 * aRowStride, r5 = 5 * aRowStride
    for _ in 0..<k {
        let b0 = bp.loadUnaligned(as: V.self)
        let b1 = bp.loadUnaligned(fromByteOffset: w * MemoryLayout<V.Scalar>.stride, as: V.self)
        var av = V(repeating: ap[0])
        c00 = Rule.accumulate(c00, av, b0); c01 = Rule.accumulate(c01, av, b1)
        av = V(repeating: ap[r1])
        c10 = Rule.accumulate(c10, av, b0); c11 = Rule.accumulate(c11, av, b1)
        av = V(repeating: ap[r2])
        c20 = Rule.accumulate(c20, av, b0); c21 = Rule.accumulate(c21, av, b1)
        av = V(repeating: ap[r3])
        c30 = Rule.accumulate(c30, av, b0); c31 = Rule.accumulate(c31, av, b1)
        av = V(repeating: ap[r4])
        c40 = Rule.accumulate(c40, av, b0); c41 = Rule.accumulate(c41, av, b1)
        av = V(repeating: ap[r5])
        c50 = Rule.accumulate(c50, av, b0); c51 = Rule.accumulate(c51, av, b1)
        ap += aDepthStride
        bp += bStep
    }
    storeRow(c00, c01, alpha: alpha, beta: beta, c: c)
    storeRow(c10, c11, alpha: alpha, beta: beta, c: c + ldc)
    storeRow(c20, c21, alpha: alpha, beta: beta, c: c + 2 * ldc)
    storeRow(c30, c31, alpha: alpha, beta: beta, c: c + 3 * ldc)
    storeRow(c40, c41, alpha: alpha, beta: beta, c: c + 4 * ldc)
    storeRow(c50, c51, alpha: alpha, beta: beta, c: c + 5 * ldc)
}

/// The row kernel: one row of C, any width, B read in place (row-major op(B), row stride `ldb`).
///
///     C[0, j] = alpha * (Σ_p A[p] * B[p, j]) + beta * C[0, j]      (p in 0..<k, in order)
///
/// `a` holds the row of op(A) with stride `aDepthStride`. Used for problems with fewer than MR
/// rows (a single sample through a layer, matrix-vector products), where a tile would compute
/// MR rows to keep one. Each element gets exactly the operations the tile kernel gives it, so the
/// result bits do not depend on which kernel produced them.
@inline(__always)
func rowKernel<V: SIMD, Rule: MultiplyAddRule>(
    _: V.Type, _: Rule.Type,
    k: Int, a: UnsafePointer<V.Scalar>, aDepthStride: Int,
    b: UnsafePointer<V.Scalar>, ldb: Int, n: Int,
    alpha: V.Scalar, beta: V.Scalar, c: UnsafeMutablePointer<V.Scalar>
) where V.Scalar: GEMMScalar {
    let w = V.scalarCount
    let scalarSize = MemoryLayout<V.Scalar>.stride
    var j = 0
    // Four vectors per step keep four independent FMA chains in flight.
    while j + 4 * w <= n {
        var c0 = V(), c1 = V(), c2 = V(), c3 = V()
        var bp = UnsafeRawPointer(b + j)
        var ap = a
        for _ in 0..<k {
            let av = V(repeating: ap.pointee)
            c0 = Rule.accumulate(c0, av, bp.loadUnaligned(as: V.self))
            c1 = Rule.accumulate(c1, av, bp.loadUnaligned(fromByteOffset: w * scalarSize, as: V.self))
            c2 = Rule.accumulate(c2, av, bp.loadUnaligned(fromByteOffset: 2 * w * scalarSize, as: V.self))
            c3 = Rule.accumulate(c3, av, bp.loadUnaligned(fromByteOffset: 3 * w * scalarSize, as: V.self))
            ap += aDepthStride
            bp += ldb * scalarSize
        }
        storeRow(c0, c1, alpha: alpha, beta: beta, c: c + j)
        storeRow(c2, c3, alpha: alpha, beta: beta, c: c + j + 2 * w)
        j += 4 * w
    }
    if j < n {
        rowRemainder(V.self, Rule.self, k: k, a: a, aDepthStride: aDepthStride, b: b + j, ldb: ldb,
                     width: n - j, alpha: alpha, beta: beta, c: c + j)
    }
}

/// The last `width < 4W` columns of a row: up to four vectors, the last one partial.
///
/// Loads of the partial vector run `vectors * w - width` floats past column n into the rows below
/// (the unused lanes are dropped). That stays inside B only while at least that many floats of B
/// follow; the rows where it would not (the last one, and more when B is narrower than a vector,
/// e.g. a `[k, 1]` kernel) are read through a zero-padded copy so nothing past the buffer is touched.
@inline(__always)
func rowRemainder<V: SIMD, Rule: MultiplyAddRule>(
    _: V.Type, _: Rule.Type,
    k: Int, a: UnsafePointer<V.Scalar>, aDepthStride: Int,
    b: UnsafePointer<V.Scalar>, ldb: Int, width: Int,
    alpha: V.Scalar, beta: V.Scalar, c: UnsafeMutablePointer<V.Scalar>
) where V.Scalar: GEMMScalar {
    let w = V.scalarCount
    let size = MemoryLayout<V.Scalar>.stride
    let vectors = (width + w - 1) / w
    var c0 = V(), c1 = V(), c2 = V(), c3 = V()
    var ap = a
    var bp = UnsafeRawPointer(b)
    // Row p may be loaded in place when the `overread` floats after its last column are still in B,
    // i.e. `(k - 1 - p) * ldb >= overread`; the remaining `paddedRows` rows go through the copy.
    let overread = vectors * w - width
    let paddedRows = Swift.min(k, Swift.max(1, (overread + ldb - 1) / Swift.max(ldb, 1)))
    let directRows = k - paddedRows
    // `vectors` is loop-invariant: the branches are predicted (or unswitched) for free.
    for _ in 0..<Swift.max(0, directRows) {
        let av = V(repeating: ap.pointee)
        c0 = Rule.accumulate(c0, av, bp.loadUnaligned(as: V.self))
        if vectors > 1 { c1 = Rule.accumulate(c1, av, bp.loadUnaligned(fromByteOffset: w * size, as: V.self)) }
        if vectors > 2 { c2 = Rule.accumulate(c2, av, bp.loadUnaligned(fromByteOffset: 2 * w * size, as: V.self)) }
        if vectors > 3 { c3 = Rule.accumulate(c3, av, bp.loadUnaligned(fromByteOffset: 3 * w * size, as: V.self)) }
        ap += aDepthStride
        bp += ldb * size
    }
    withUnsafeTemporaryAllocation(of: V.Scalar.self, capacity: 8 * w) { buffer in
        let lastRow = buffer.baseAddress!, out = lastRow + 4 * w
        lastRow.initialize(repeating: 0, count: 4 * w)
        for _ in Swift.max(0, directRows)..<k {
            lastRow.update(from: bp.assumingMemoryBound(to: V.Scalar.self), count: width)
            let av = V(repeating: ap.pointee)
            let raw = UnsafeRawPointer(lastRow)
            c0 = Rule.accumulate(c0, av, raw.loadUnaligned(as: V.self))
            c1 = Rule.accumulate(c1, av, raw.loadUnaligned(fromByteOffset: w * size, as: V.self))
            c2 = Rule.accumulate(c2, av, raw.loadUnaligned(fromByteOffset: 2 * w * size, as: V.self))
            c3 = Rule.accumulate(c3, av, raw.loadUnaligned(fromByteOffset: 3 * w * size, as: V.self))
            ap += aDepthStride
            bp += ldb * size
        }
        if beta != 0 { out.update(from: c, count: width) }
        storeRow(c0, c1, alpha: alpha, beta: beta, c: out)
        storeRow(c2, c3, alpha: alpha, beta: beta, c: out + 2 * w)
        c.update(from: out, count: width)
    }
}

/// `C = alpha * acc + beta * C` for one tile row, as a separate multiply and add in every kernel
/// family and on every path, so the epilogue never changes a result bit.
@inline(__always)
func storeRow<V: SIMD>(_ v0: V, _ v1: V, alpha: V.Scalar, beta: V.Scalar, c: UnsafeMutablePointer<V.Scalar>)
where V.Scalar: GEMMScalar {
    let raw = UnsafeMutableRawPointer(c)
    let offset = V.scalarCount * MemoryLayout<V.Scalar>.stride
    if beta == 0 {
        raw.storeBytes(of: alpha * v0, as: V.self)
        raw.storeBytes(of: alpha * v1, toByteOffset: offset, as: V.self)
    } else {
        let old0 = UnsafeRawPointer(raw).loadUnaligned(as: V.self)
        let old1 = UnsafeRawPointer(raw).loadUnaligned(fromByteOffset: offset, as: V.self)
        raw.storeBytes(of: alpha * v0 + beta * old0, as: V.self)
        raw.storeBytes(of: alpha * v1 + beta * old1, toByteOffset: offset, as: V.self)
    }
}

/// A description of a compiled SGEMM microkernel (the one the library selected: ``selectedMicrokernel``).
///
/// Variants differ in vector width and arithmetic family. Within one family every variant
/// computes each element of C with the same operations in the same order, so which variant runs
/// never changes a result bit; the family does (one rounding per step or two).
public struct MicrokernelVariant: Sendable, CustomStringConvertible {
    public enum Arithmetic: String, Sendable { case fused, separate }

    public let name: String
    /// Columns of the register tile.
    public let nr: Int
    public let arithmetic: Arithmetic
    /// Rows of the register tile.
    public var mr: Int { GEMMBlocking.mr }
    public var description: String { name }
}

/// One compiled microkernel for `Scalar`: its tile width and the specialized entry points.
struct GEMMKernel<Scalar: GEMMScalar>: Sendable, CustomStringConvertible {
    typealias Arithmetic = MicrokernelVariant.Arithmetic

    let name: String
    let nr: Int
    let arithmetic: Arithmetic
    let run: @Sendable (
        _ k: Int,
        _ a: UnsafePointer<Scalar>, _ aRowStride: Int, _ aDepthStride: Int,
        _ b: UnsafePointer<Scalar>, _ bDepthStride: Int,
        _ alpha: Scalar, _ beta: Scalar,
        _ c: UnsafeMutablePointer<Scalar>, _ ldc: Int
    ) -> Void

    /// One row of C at a time, any width (see `rowKernel`): `(k, a, aDepthStride, b, ldb, n, alpha, beta, c)`.
    let runRow: @Sendable (
        _ k: Int, _ a: UnsafePointer<Scalar>, _ aDepthStride: Int,
        _ b: UnsafePointer<Scalar>, _ ldb: Int, _ n: Int,
        _ alpha: Scalar, _ beta: Scalar, _ c: UnsafeMutablePointer<Scalar>
    ) -> Void

    var mr: Int { GEMMBlocking.mr }
    var description: String { name }
    var publicDescription: MicrokernelVariant { MicrokernelVariant(name: name, nr: nr, arithmetic: arithmetic) }

    /// Every variant compiled into the library for `Scalar`.
    static var all: [GEMMKernel] { Scalar.gemmKernels }

    /// The variant to run for an `n`-column problem: for narrow C, the narrowest variant of the
    /// same family that still covers `n` wastes fewer lanes on zero padding. Same family, same bits.
    func narrowed(toColumns n: Int) -> GEMMKernel {
        guard n < nr else { return self }
        var best = self
        for variant in GEMMKernel.all
        where variant.arithmetic == arithmetic && variant.nr >= n && variant.nr < best.nr {
            best = variant
        }
        return best
    }

    /// The variant of tile `MR x 2W` (W = lanes of `V`) with the multiply-add rule `Rule`.
    static func make<V: SIMD & SendableMetatype, Rule: MultiplyAddRule>(
        _ v: V.Type, _ rule: Rule.Type, name: String, arithmetic: Arithmetic
    ) -> GEMMKernel where V.Scalar == Scalar {
        GEMMKernel(name: name, nr: 2 * V.scalarCount, arithmetic: arithmetic, run: {
            k, a, aRowStride, aDepthStride, b, bDepthStride, alpha, beta, c, ldc in
            if aRowStride == 1 && aDepthStride == GEMMBlocking.mr && bDepthStride == 2 * V.scalarCount {
                // Packed panels: constant strides let the compiler fold every address.
                microkernel(V.self, Rule.self, k: k, a: a, aRowStride: 1, aDepthStride: GEMMBlocking.mr,
                            b: b, bDepthStride: 2 * V.scalarCount, alpha: alpha, beta: beta, c: c, ldc: ldc)
            } else {
                microkernel(V.self, Rule.self, k: k, a: a, aRowStride: aRowStride, aDepthStride: aDepthStride,
                            b: b, bDepthStride: bDepthStride, alpha: alpha, beta: beta, c: c, ldc: ldc)
            }
        }, runRow: { k, a, aDepthStride, b, ldb, n, alpha, beta, c in
            rowKernel(V.self, Rule.self, k: k, a: a, aDepthStride: aDepthStride, b: b, ldb: ldb, n: n,
                      alpha: alpha, beta: beta, c: c)
        })
    }
}

/// The element types the GEMM core multiplies: each lists its compiled kernels and selects one
/// at first use (see `KernelSelection`).
protocol GEMMScalar: BinaryFloatingPoint, SIMDScalar, Sendable, SendableMetatype {
    static var gemmKernels: [GEMMKernel<Self>] { get }
    static var selectedGEMMKernel: GEMMKernel<Self> { get }
}

extension Float: GEMMScalar {
    static let gemmKernels: [GEMMKernel<Float>] = [
        .make(SIMD16<Float>.self, FusedMultiplyAdd.self, name: "fused-6x32", arithmetic: .fused),
        .make(SIMD8<Float>.self, FusedMultiplyAdd.self, name: "fused-6x16", arithmetic: .fused),
        .make(SIMD4<Float>.self, FusedMultiplyAdd.self, name: "fused-6x8", arithmetic: .fused),
        .make(SIMD16<Float>.self, SeparateMultiplyAdd.self, name: "separate-6x32", arithmetic: .separate),
        .make(SIMD8<Float>.self, SeparateMultiplyAdd.self, name: "separate-6x16", arithmetic: .separate),
        .make(SIMD4<Float>.self, SeparateMultiplyAdd.self, name: "separate-6x8", arithmetic: .separate),
    ]
    static let selectedGEMMKernel = KernelSelection.choose(from: gemmKernels)
}

/// DGEMM: the same tiles with `SIMD8<Double>` (a 6x16 tile in twelve zmm accumulators) and narrower.
extension Double: GEMMScalar {
    static let gemmKernels: [GEMMKernel<Double>] = [
        .make(SIMD8<Double>.self, FusedMultiplyAdd.self, name: "f64-fused-6x16", arithmetic: .fused),
        .make(SIMD4<Double>.self, FusedMultiplyAdd.self, name: "f64-fused-6x8", arithmetic: .fused),
        .make(SIMD2<Double>.self, FusedMultiplyAdd.self, name: "f64-fused-6x4", arithmetic: .fused),
        .make(SIMD8<Double>.self, SeparateMultiplyAdd.self, name: "f64-separate-6x16", arithmetic: .separate),
        .make(SIMD4<Double>.self, SeparateMultiplyAdd.self, name: "f64-separate-6x8", arithmetic: .separate),
        .make(SIMD2<Double>.self, SeparateMultiplyAdd.self, name: "f64-separate-6x4", arithmetic: .separate),
    ]
    static let selectedGEMMKernel = KernelSelection.choose(from: gemmKernels)
}
