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

/// The accumulators of an MR x NR register tile (NR = two vectors of `V`), built from single rows
/// stacked at compile time: `Rows6 = Stacked<Rows2, Rows4>`, `Rows12 = Stacked<Rows6, Rows6>`.
///
/// Swift has no integer generics that the optimizer turns into registers (an `InlineArray` of
/// accumulators stays on the stack), but a specialized struct of structs of `SIMD` fields is split
/// into scalars: each row's two vectors become two zmm registers, and `step` unrolls into one
/// broadcast and two FMAs per row. One kernel body serves every tile height.
protocol RegisterTile {
    associatedtype V: SIMD where V.Scalar: GEMMScalar
    /// MR: rows of the tile.
    static var rows: Int { get }
    /// Vectors of `V` per row: NR = `vectorsPerRow` x lanes of `V`.
    static var vectorsPerRow: Int { get }
    init()
    /// One k step: row i adds `a[i * aRowStride] * (b0, b1)`.
    mutating func step<Rule: MultiplyAddRule>(_: Rule.Type, _ a: UnsafePointer<V.Scalar>, _ aRowStride: Int, _ b0: V, _ b1: V)
    /// `C = alpha * tile + beta * C`; C is never read when beta is 0.
    func store(alpha: V.Scalar, beta: V.Scalar, c: UnsafeMutablePointer<V.Scalar>, ldc: Int)
}

/// One row of a register tile: two vectors of accumulators.
struct TileRow<V: SIMD>: RegisterTile where V.Scalar: GEMMScalar {
    var c0 = V(), c1 = V()
    static var rows: Int { 1 }
    static var vectorsPerRow: Int { 2 }
    init() {}
    @inline(__always)
    mutating func step<Rule: MultiplyAddRule>(_: Rule.Type, _ a: UnsafePointer<V.Scalar>, _ aRowStride: Int, _ b0: V, _ b1: V) {
        let av = V(repeating: a.pointee)
        c0 = Rule.accumulate(c0, av, b0)
        c1 = Rule.accumulate(c1, av, b1)
    }
    @inline(__always)
    func store(alpha: V.Scalar, beta: V.Scalar, c: UnsafeMutablePointer<V.Scalar>, ldc: Int) {
        storeRow(c0, c1, alpha: alpha, beta: beta, c: c)
    }
}

/// One row of a one-vector tile: NR is the lanes of `V` (a 16-wide zmm tile, or a 4- or 8-wide edge
/// tile that covers the last `n % 32` columns without the zero half of a two-vector one). Its `b1` is
/// never loaded: `microkernel` passes `b0` twice.
struct VectorRow<V: SIMD>: RegisterTile where V.Scalar: GEMMScalar {
    var c0 = V()
    static var rows: Int { 1 }
    static var vectorsPerRow: Int { 1 }
    init() {}
    @inline(__always)
    mutating func step<Rule: MultiplyAddRule>(_: Rule.Type, _ a: UnsafePointer<V.Scalar>, _ aRowStride: Int, _ b0: V, _ b1: V) {
        c0 = Rule.accumulate(c0, V(repeating: a.pointee), b0)
    }
    @inline(__always)
    func store(alpha: V.Scalar, beta: V.Scalar, c: UnsafeMutablePointer<V.Scalar>, ldc: Int) {
        storeVector(c0, alpha: alpha, beta: beta, c: c)
    }
}

/// `Top`'s rows above `Bottom`'s.
struct Stacked<Top: RegisterTile, Bottom: RegisterTile>: RegisterTile where Top.V == Bottom.V {
    typealias V = Top.V
    var top = Top(), bottom = Bottom()
    static var rows: Int { Top.rows + Bottom.rows }
    static var vectorsPerRow: Int { Top.vectorsPerRow }
    init() {}
    @inline(__always)
    mutating func step<Rule: MultiplyAddRule>(_ rule: Rule.Type, _ a: UnsafePointer<V.Scalar>, _ aRowStride: Int, _ b0: V, _ b1: V) {
        top.step(rule, a, aRowStride, b0, b1)
        bottom.step(rule, a + Top.rows * aRowStride, aRowStride, b0, b1)
    }
    @inline(__always)
    func store(alpha: V.Scalar, beta: V.Scalar, c: UnsafeMutablePointer<V.Scalar>, ldc: Int) {
        top.store(alpha: alpha, beta: beta, c: c, ldc: ldc)
        bottom.store(alpha: alpha, beta: beta, c: c + Top.rows * ldc, ldc: ldc)
    }
}

/// `Row` stacked 2, 4, 6, 8, 10 or 12 times.
typealias Stack2<Row: RegisterTile> = Stacked<Row, Row>
typealias Stack4<Row: RegisterTile> = Stacked<Stack2<Row>, Stack2<Row>>
typealias Stack6<Row: RegisterTile> = Stacked<Stack2<Row>, Stack4<Row>>
typealias Stack8<Row: RegisterTile> = Stacked<Stack4<Row>, Stack4<Row>>
typealias Stack10<Row: RegisterTile> = Stacked<Stack4<Row>, Stack6<Row>>
typealias Stack12<Row: RegisterTile> = Stacked<Stack6<Row>, Stack6<Row>>

typealias Rows6<V: SIMD> = Stack6<TileRow<V>> where V.Scalar: GEMMScalar
typealias Rows8<V: SIMD> = Stack8<TileRow<V>> where V.Scalar: GEMMScalar
typealias Rows10<V: SIMD> = Stack10<TileRow<V>> where V.Scalar: GEMMScalar
typealias Rows12<V: SIMD> = Stack12<TileRow<V>> where V.Scalar: GEMMScalar

/// The microkernel contract, shared by every variant:
///
///     C[0..<MR, 0..<NR] = alpha * (Σ_p A[i, p] * B[p, j]) + beta * C      (p in 0..<k, in order)
///
/// - `a`: element (i, p) at `a[i * aRowStride + p * aDepthStride]` (packed: strides 1 and MR).
/// - `b`: row p of the tile at `b + p * bDepthStride`, NR contiguous floats (packed: stride NR).
/// - `c`: element (i, j) at `c[i * ldc + j]`. When `beta == 0`, C is only written, never read.
/// The tile is always full (MR x NR); the driver routes edge tiles through a scratch tile.
/// MR is `Tile.rows`, NR is two vectors of `V`. Every element gets one multiply-add per k step in
/// order and the same epilogue, whatever the tile height: all variants of one family agree bit for bit.
@inline(__always)
func microkernel<Tile: RegisterTile, Rule: MultiplyAddRule>(
    _: Tile.Type, _: Rule.Type,
    k: Int,
    a: UnsafePointer<Tile.V.Scalar>, aRowStride: Int, aDepthStride: Int,
    b: UnsafePointer<Tile.V.Scalar>, bDepthStride: Int,
    alpha: Tile.V.Scalar, beta: Tile.V.Scalar,
    c: UnsafeMutablePointer<Tile.V.Scalar>, ldc: Int
) {
    typealias V = Tile.V
    let vectorBytes = V.scalarCount * MemoryLayout<V.Scalar>.stride
    var tile = Tile()
    var ap = a
    var bp = UnsafeRawPointer(b)
    let bStep = bDepthStride * MemoryLayout<V.Scalar>.stride
    for _ in 0..<k {
        let b0 = bp.loadUnaligned(as: V.self)
        let b1 = Tile.vectorsPerRow > 1 ? bp.loadUnaligned(fromByteOffset: vectorBytes, as: V.self) : b0
        tile.step(Rule.self, ap, aRowStride, b0, b1)
        ap += aDepthStride
        bp += bStep
    }
    if alpha == 1 {
        // Every call from the layers: 1 * acc is acc, so the epilogue's multiplies fold away with no bit changed.
        tile.store(alpha: 1, beta: beta, c: c, ldc: ldc)
    } else {
        tile.store(alpha: alpha, beta: beta, c: c, ldc: ldc)
    }
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
    storeVector(v0, alpha: alpha, beta: beta, c: c)
    storeVector(v1, alpha: alpha, beta: beta, c: c + V.scalarCount)
}

/// `C = alpha * acc + beta * C` for one vector, with `storeRow`'s operations.
@inline(__always)
func storeVector<V: SIMD>(_ v: V, alpha: V.Scalar, beta: V.Scalar, c: UnsafeMutablePointer<V.Scalar>)
where V.Scalar: GEMMScalar {
    let raw = UnsafeMutableRawPointer(c)
    if beta == 0 {
        raw.storeBytes(of: alpha * v, as: V.self)
    } else {
        raw.storeBytes(of: alpha * v + beta * UnsafeRawPointer(raw).loadUnaligned(as: V.self), as: V.self)
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
    /// Rows of the register tile.
    public let mr: Int
    /// Columns of the register tile.
    public let nr: Int
    public let arithmetic: Arithmetic
    public var description: String { name }
}

/// One compiled microkernel for `Scalar`: its tile width and the specialized entry points.
struct GEMMKernel<Scalar: GEMMScalar>: Sendable, CustomStringConvertible {
    typealias Arithmetic = MicrokernelVariant.Arithmetic

    let name: String
    let mr: Int
    let nr: Int
    /// Vectors per tile row: 2, or 1 for a one-vector tile (`VectorRow`), which serves narrow C and edge
    /// columns only, never as the selected width.
    let vectorsPerRow: Int
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

    /// `count` full tiles down one column of C over packed panels (A micro-panels `mr * k` apart, tile t
    /// writing C from row `t * mr`), in one specialized call: for a shallow k (an MLP's 10- or 32-deep
    /// products) a call per tile costs as much as a fifth of the tile's arithmetic. `nil` (a test's
    /// reference kernel): `runPackedColumn` calls `run` per tile.
    var packedColumn: (@Sendable (
        _ count: Int, _ k: Int, _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>,
        _ alpha: Scalar, _ beta: Scalar, _ c: UnsafeMutablePointer<Scalar>, _ ldc: Int
    ) -> Void)? = nil

    /// `count` full MR x NR tiles over packed panels: tile t computes C rows `t * mr ..< (t + 1) * mr` from
    /// the A micro-panel at `a + t * mr * k` and the B micro-panel `b`, each exactly as `run` would.
    func runPackedColumn(_ count: Int, k: Int, a: UnsafePointer<Scalar>, b: UnsafePointer<Scalar>,
                         alpha: Scalar, beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int) {
        if let packedColumn { return packedColumn(count, k, a, b, alpha, beta, c, ldc) }
        for t in 0..<count { run(k, a + t * mr * k, 1, mr, b, nr, alpha, beta, c + t * mr * ldc, ldc) }
    }

    /// A multi-tile call with A read in place, any strides (`tileRow`, `tileColumn`):
    /// `(count, k, a, aRowStride, aDepthStride, b, bDepthStride, alpha, beta, c, ldc)`.
    typealias StridedTiles = @Sendable (
        _ count: Int, _ k: Int, _ a: UnsafePointer<Scalar>, _ aRowStride: Int, _ aDepthStride: Int,
        _ b: UnsafePointer<Scalar>, _ bDepthStride: Int, _ alpha: Scalar, _ beta: Scalar,
        _ c: UnsafeMutablePointer<Scalar>, _ ldc: Int
    ) -> Void

    /// `count` full tiles along one row of C, A read with any strides (the direct path's shallow products):
    /// tile t reads B from column `t * nr` (row stride `bDepthStride`) and writes C from column `t * nr`.
    /// `nil` (a test's reference kernel): `runTileRow` calls `run` per tile.
    var tileRow: StridedTiles? = nil

    /// `count` full tiles down one column of C, A read in place with any strides (the direct path's one-slab
    /// products in column order): tile t reads A from row `t * mr` and writes C from row `t * mr`, B the same
    /// columns for every tile. `nil` (a test's reference kernel): `runTileColumn` calls `run` per tile.
    var tileColumn: StridedTiles? = nil

    /// `count` full MR x NR tiles side by side, each exactly as `run` would compute it.
    func runTileRow(_ count: Int, k: Int, a: UnsafePointer<Scalar>, aRowStride: Int, aDepthStride: Int,
                    b: UnsafePointer<Scalar>, bDepthStride: Int, alpha: Scalar, beta: Scalar,
                    c: UnsafeMutablePointer<Scalar>, ldc: Int) {
        if let tileRow { return tileRow(count, k, a, aRowStride, aDepthStride, b, bDepthStride, alpha, beta, c, ldc) }
        for t in 0..<count { run(k, a, aRowStride, aDepthStride, b + t * nr, bDepthStride, alpha, beta, c + t * nr, ldc) }
    }

    /// `count` full MR x NR tiles stacked down a column, each exactly as `run` would compute it.
    func runTileColumn(_ count: Int, k: Int, a: UnsafePointer<Scalar>, aRowStride: Int, aDepthStride: Int,
                       b: UnsafePointer<Scalar>, bDepthStride: Int, alpha: Scalar, beta: Scalar,
                       c: UnsafeMutablePointer<Scalar>, ldc: Int) {
        if let tileColumn { return tileColumn(count, k, a, aRowStride, aDepthStride, b, bDepthStride, alpha, beta, c, ldc) }
        for t in 0..<count { run(k, a + t * mr * aRowStride, aRowStride, aDepthStride, b, bDepthStride, alpha, beta, c + t * mr * ldc, ldc) }
    }

    var description: String { name }
    /// FMA issue slots of one tile row's k step on a core with 256-bit FMA pipes (Zen 4): a 512-bit FMA
    /// takes two, a 256- or 128-bit one takes one. The direct path weighs edge tiles by it.
    var issueSlotsPerRow: Int { vectorsPerRow * (nr / vectorsPerRow * MemoryLayout<Scalar>.stride > 32 ? 2 : 1) }
    var publicDescription: MicrokernelVariant { MicrokernelVariant(name: name, mr: mr, nr: nr, arithmetic: arithmetic) }

    /// Every variant compiled into the library for `Scalar`.
    static var all: [GEMMKernel] { Scalar.gemmKernels }

    /// The variant of tile `Tile.rows x 2W` (W = lanes of `Tile.V`) with the multiply-add rule `Rule`,
    /// named `<family>-<MR>x<NR>` (`f64-` in front for Double).
    static func make<Tile: RegisterTile, Rule: MultiplyAddRule>(
        _ tile: Tile.Type, _ rule: Rule.Type, _ arithmetic: Arithmetic
    ) -> GEMMKernel where Tile.V.Scalar == Scalar {
        let mr = Tile.rows, nr = Tile.vectorsPerRow * Tile.V.scalarCount
        let oneVector = Tile.vectorsPerRow == 1 ? "-1v" : ""
        let name = "\(Scalar.self == Double.self ? "f64-" : "")\(arithmetic.rawValue)-\(mr)x\(nr)\(oneVector)"
        return GEMMKernel(name: name, mr: mr, nr: nr, vectorsPerRow: Tile.vectorsPerRow, arithmetic: arithmetic, run: {
            k, a, aRowStride, aDepthStride, b, bDepthStride, alpha, beta, c, ldc in
            if aRowStride == 1 && aDepthStride == mr && bDepthStride == nr {
                // Packed panels: constant strides let the compiler fold every address.
                microkernel(Tile.self, Rule.self, k: k, a: a, aRowStride: 1, aDepthStride: Tile.rows,
                            b: b, bDepthStride: Tile.vectorsPerRow * Tile.V.scalarCount, alpha: alpha, beta: beta, c: c, ldc: ldc)
            } else if aDepthStride == 1 {
                // A read in place, row-major: consecutive k steps of a row are adjacent.
                microkernel(Tile.self, Rule.self, k: k, a: a, aRowStride: aRowStride, aDepthStride: 1,
                            b: b, bDepthStride: bDepthStride, alpha: alpha, beta: beta, c: c, ldc: ldc)
            } else {
                microkernel(Tile.self, Rule.self, k: k, a: a, aRowStride: aRowStride, aDepthStride: aDepthStride,
                            b: b, bDepthStride: bDepthStride, alpha: alpha, beta: beta, c: c, ldc: ldc)
            }
        }, runRow: { k, a, aDepthStride, b, ldb, n, alpha, beta, c in
            rowKernel(Tile.V.self, Rule.self, k: k, a: a, aDepthStride: aDepthStride, b: b, ldb: ldb, n: n,
                      alpha: alpha, beta: beta, c: c)
        }, packedColumn: { count, k, a, b, alpha, beta, c, ldc in
            for t in 0..<count {
                microkernel(Tile.self, Rule.self, k: k, a: a + t * Tile.rows * k, aRowStride: 1, aDepthStride: Tile.rows,
                            b: b, bDepthStride: Tile.vectorsPerRow * Tile.V.scalarCount, alpha: alpha, beta: beta,
                            c: c + t * Tile.rows * ldc, ldc: ldc)
            }
        }, tileRow: { count, k, a, aRowStride, aDepthStride, b, bDepthStride, alpha, beta, c, ldc in
            for t in 0..<count {
                if aDepthStride == 1 {
                    microkernel(Tile.self, Rule.self, k: k, a: a, aRowStride: aRowStride, aDepthStride: 1,
                                b: b + t * nr, bDepthStride: bDepthStride, alpha: alpha, beta: beta, c: c + t * nr, ldc: ldc)
                } else {
                    microkernel(Tile.self, Rule.self, k: k, a: a, aRowStride: aRowStride, aDepthStride: aDepthStride,
                                b: b + t * nr, bDepthStride: bDepthStride, alpha: alpha, beta: beta, c: c + t * nr, ldc: ldc)
                }
            }
        }, tileColumn: { count, k, a, aRowStride, aDepthStride, b, bDepthStride, alpha, beta, c, ldc in
            for t in 0..<count {
                let tileA = a + t * Tile.rows * aRowStride, tileC = c + t * Tile.rows * ldc
                if aDepthStride == 1 {
                    microkernel(Tile.self, Rule.self, k: k, a: tileA, aRowStride: aRowStride, aDepthStride: 1,
                                b: b, bDepthStride: bDepthStride, alpha: alpha, beta: beta, c: tileC, ldc: ldc)
                } else {
                    microkernel(Tile.self, Rule.self, k: k, a: tileA, aRowStride: aRowStride, aDepthStride: aDepthStride,
                                b: b, bDepthStride: bDepthStride, alpha: alpha, beta: beta, c: tileC, ldc: ldc)
                }
            }
        })
    }
}

extension GEMMKernel {
    /// The fused variants stacking `Row` 12, 10, 8 and 6 times, tallest first.
    static func fusedHeights<Row: RegisterTile>(_: Row.Type) -> [GEMMKernel] where Row.V.Scalar == Scalar {
        [.make(Stack12<Row>.self, FusedMultiplyAdd.self, .fused), .make(Stack10<Row>.self, FusedMultiplyAdd.self, .fused),
         .make(Stack8<Row>.self, FusedMultiplyAdd.self, .fused), .make(Stack6<Row>.self, FusedMultiplyAdd.self, .fused)]
    }
}

/// The element types the GEMM core multiplies: each lists its compiled kernels and selects one
/// at first use (see `KernelSelection`).
protocol GEMMScalar: BinaryFloatingPoint, SIMDScalar, Sendable, SendableMetatype {
    static var gemmKernels: [GEMMKernel<Self>] { get }
    static var selectedGEMMKernel: GEMMKernel<Self> { get }
    /// The variants calls run (`KernelSelection.choices`), built at first use.
    static var kernelChoices: KernelChoices<Self> { get }
}

/// The tiles one call runs: `tile` for the NR-wide column blocks and, when the last `n % NR` columns
/// fit a narrower variant of the same family and height, `edge` for them (fewer zero lanes; same bits).
struct GEMMPlan<Scalar: GEMMScalar> {
    let tile: GEMMKernel<Scalar>
    let edge: GEMMKernel<Scalar>?
}

/// Which variants a call runs (built once per scalar type, so a call does integer arithmetic on tile
/// shapes instead of walking kernel values).
///
/// Width: the narrowest variant that still covers `n`, at most the selected width. Height: of that
/// width's variants, the one that pads the fewest rows of C, ties to the taller tile (fewer B micro-panel
/// passes): m = 32 takes 8 rows, m = 100 6, m = 36 12; with `fixedHeight` (a forced variant) the
/// selected height where the width has it. Edge: the narrowest variant of the same height covering
/// the last `n % NR` columns. All variants of one family give the same bits, so none of this changes a result.
struct KernelChoices<Scalar: GEMMScalar>: Sendable {
    private let kernels: [GEMMKernel<Scalar>]
    private let tiles: [(mr: Int, nr: Int)]
    private let selected: Int
    private let fixedHeight: Bool

    /// `family`: the variants calls may use, all of `selected`'s arithmetic (`selected` is added if missing).
    init(selected: GEMMKernel<Scalar>, family: [GEMMKernel<Scalar>], fixedHeight: Bool) {
        let others = family.filter { $0.arithmetic == selected.arithmetic && $0.name != selected.name }
        kernels = [selected] + others
        tiles = kernels.map { ($0.mr, $0.nr) }
        self.selected = 0
        self.fixedHeight = fixedHeight
    }

    /// Choices that run `kernel` (a forced variant or a test's reference kernel): narrower variants of
    /// its family for narrow C and edge columns when it is one of the compiled variants.
    init(forcing kernel: GEMMKernel<Scalar>) {
        let compiled = GEMMKernel<Scalar>.all.contains { $0.name == kernel.name }
        self.init(selected: kernel, family: compiled ? GEMMKernel<Scalar>.all : [], fixedHeight: true)
    }

    var selectedKernel: GEMMKernel<Scalar> { kernels[selected] }

    func plan(rows m: Int, columns n: Int) -> GEMMPlan<Scalar> {
        let (selectedMR, selectedNR) = tiles[selected]
        var nr = selectedNR
        for tile in tiles where tile.nr >= n && tile.nr < nr { nr = tile.nr }
        var best = -1
        for (index, tile) in tiles.enumerated() where tile.nr == nr {
            guard best >= 0 else { best = index; continue }
            let current = tiles[best]
            if fixedHeight {
                // The selected height, else the shortest.
                if current.mr != selectedMR && (tile.mr == selectedMR || tile.mr < current.mr) { best = index }
            } else {
                let padded = (m + tile.mr - 1) / tile.mr * tile.mr, bestPadded = (m + current.mr - 1) / current.mr * current.mr
                if padded < bestPadded || (padded == bestPadded && tile.mr > current.mr) { best = index }
            }
        }
        if fixedHeight && nr == selectedNR { best = selected }
        let mr = tiles[best].mr, rest = n % nr
        var edge = -1
        if rest > 0 {
            for (index, tile) in tiles.enumerated() where tile.mr == mr && tile.nr >= rest && tile.nr < (edge < 0 ? nr : tiles[edge].nr) {
                edge = index
            }
        }
        return GEMMPlan(tile: kernels[best], edge: edge < 0 ? nil : kernels[edge])
    }
}

/// SGEMM's tiles. The 16-lane ones fill AVX-512's 32 zmm registers to different depths: 6x32 uses
/// 12 accumulators, 8x32 16, 10x32 20 and 12x32 24 (plus two B vectors and a broadcast; all run at
/// 96-97% of the FMA peak with their panels in L1, so the height is chosen per shape: `KernelChoices`;
/// ten rows fit an MLP head's 10 outputs when narrow C runs transposed: gemm-bench 2026-12-02 23:25,
/// 100x10x256 Aᵀ 55 -> 71-74 GFLOPS on 1 thread, where the 12-row tile computed two padding rows).
/// Narrow C and the last `n % 32` columns of wide C take the narrowest tile that covers them, in the same
/// heights: one zmm per row (16 wide, `-1v`), two ymm (16 wide), one ymm (8) or one xmm (4). Panels in L1
/// (gemm-bench --kernels, 2026-12-03 07:25 UTC, Zen 4, load 2.4), GFLOPS of 115.9 peak: 8x16-1v 113.9 against
/// 100.1 for the two-ymm 8x16, 8x8-1v 98.6 against 49.0 for the two-xmm 8x8 it replaced, and the 4-wide 8x4-1v
/// 50.2, which covers the last 4 columns of n = 100 in half the time of that 8x8. One-vector tiles come
/// first in the list, so they win ties of width and height (`KernelChoices`). The
/// separate family keeps to six rows: without FMA the build targets SSE/AVX2 with 16 vector
/// registers. Where a tall fused tile would spill (an AVX2 build has 16), its first-use timing
/// keeps it out of the choices (`KernelSelection`).
extension Float: GEMMScalar {
    static let gemmKernels: [GEMMKernel<Float>] = {
        typealias Kernel = GEMMKernel<Float>
        let fused: [[Kernel]] = [
            Kernel.fusedHeights(TileRow<SIMD16<Float>>.self),
            Kernel.fusedHeights(VectorRow<SIMD16<Float>>.self),
            Kernel.fusedHeights(TileRow<SIMD8<Float>>.self),
            Kernel.fusedHeights(VectorRow<SIMD8<Float>>.self),
            Kernel.fusedHeights(VectorRow<SIMD4<Float>>.self),
        ]
        let separate: [Kernel] = [
            Kernel.make(Rows6<SIMD16<Float>>.self, SeparateMultiplyAdd.self, .separate),
            Kernel.make(Rows6<SIMD8<Float>>.self, SeparateMultiplyAdd.self, .separate),
            Kernel.make(Rows6<SIMD4<Float>>.self, SeparateMultiplyAdd.self, .separate),
        ]
        return fused.flatMap { $0 } + separate
    }()
    static let kernelChoices = KernelSelection.choices(from: gemmKernels)
    static var selectedGEMMKernel: GEMMKernel<Float> { kernelChoices.selectedKernel }
}

/// DGEMM: the same tiles with `SIMD8<Double>`: 12x16 in 24 zmm accumulators, 10x16, 8x16 and 6x16 (12), heights
/// chosen per shape as for SGEMM; narrow C and the last `n % 16` columns take one zmm per row (8 wide, `-1v`) or
/// one ymm (4 wide), in the same heights. The separate family keeps to six rows (see Float).
extension Double: GEMMScalar {
    static let gemmKernels: [GEMMKernel<Double>] = {
        typealias Kernel = GEMMKernel<Double>
        let fused = [Kernel.fusedHeights(TileRow<SIMD8<Double>>.self), Kernel.fusedHeights(VectorRow<SIMD8<Double>>.self),
                     Kernel.fusedHeights(VectorRow<SIMD4<Double>>.self)]
        return fused.flatMap { $0 } + [Kernel.make(Rows6<SIMD8<Double>>.self, SeparateMultiplyAdd.self, .separate),
                                      Kernel.make(Rows6<SIMD4<Double>>.self, SeparateMultiplyAdd.self, .separate),
                                      Kernel.make(Rows6<SIMD2<Double>>.self, SeparateMultiplyAdd.self, .separate)]
    }()
    static let kernelChoices = KernelSelection.choices(from: gemmKernels)
    static var selectedGEMMKernel: GEMMKernel<Double> { kernelChoices.selectedKernel }
}
