import SwiftLearnSystem

/// Single-precision general matrix multiply, row-major:
///
///     C = alpha * op(A) * op(B) + beta * C,   op(X) = X or Xᵀ
///
/// Shapes: `op(A)` is `m x k`, `op(B)` is `k x n`, `C` is `m x n`. Leading dimensions are row
/// strides in elements: `lda >= (transA ? m : k)`, `ldb >= (transB ? k : n)`, `ldc >= n`.
/// When `beta == 0`, C is never read, so it may hold NaN or garbage. `m`, `n` or `k` of 0 is allowed.
///
/// The result is bit-identical for every thread count (work is split over blocks of C, never over
/// k). Kernel choice and threading are described in README's "Performance" section.
///
/// ```swift
/// // C (2x2) = A (2x3) * B (3x2)
/// a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
///     sgemm(m: 2, n: 2, k: 3, a: a, lda: 3, b: b, ldb: 2, c: c, ldc: 2)
/// }}}
/// ```
public func sgemm(
    transA: Bool = false, transB: Bool = false,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: UnsafeBufferPointer<Float>, lda: Int,
    b: UnsafeBufferPointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutableBufferPointer<Float>, ldc: Int
) {
    GEMMProblem(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc).run()
}

/// Double-precision general matrix multiply, row-major, with the same contract as
/// ``sgemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``:
///
///     C = alpha * op(A) * op(B) + beta * C,   op(X) = X or Xᵀ
///
/// The same five-loop driver and threading as SGEMM, with `SIMD8<Double>` tiles (6-12 x 16) and 2048-deep
/// k slabs (`GEMMBlocking.kc(_:)`).
/// Bit-identical for every thread count.
///
/// ```swift
/// // C (2x2) = A (2x3) * B (3x2)
/// dgemm(m: 2, n: 2, k: 3, a: a, lda: 3, b: b, ldb: 2, c: c, ldc: 2)
/// ```
public func dgemm(
    transA: Bool = false, transB: Bool = false,
    m: Int, n: Int, k: Int,
    alpha: Double = 1,
    a: UnsafeBufferPointer<Double>, lda: Int,
    b: UnsafeBufferPointer<Double>, ldb: Int,
    beta: Double = 0,
    c: UnsafeMutableBufferPointer<Double>, ldc: Int
) {
    GEMMProblem(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc).run()
}

/// The SGEMM kernel the library selected on this machine and build (see `KernelSelection`).
public var selectedMicrokernel: MicrokernelVariant { Float.selectedGEMMKernel.publicDescription }

/// The DGEMM kernel the library selected on this machine and build.
public var selectedDoubleMicrokernel: MicrokernelVariant { Double.selectedGEMMKernel.publicDescription }

/// Which driver a shape takes. A function of the shape alone, never of the thread count.
///
/// - `rows`: fewer than 6 rows (the shortest tile) and row-major op(B) (one sample through a layer, a
///   matrix-vector product): the row kernel streams B once, with no packing and no padding rows.
/// - `direct`: op(B) row-major, at most 4 MiB, rows not 8 KiB-aligned apart: the tile kernel reads A
///   and B in place (only edge tiles are copied), all of k per tile.
/// - `columns`: op(B) stored transposed, plain A of at most `GEMMProblem.columnPathRows` rows, one slab size
///   (k <= 1024 for SGEMM): each NR-wide column of op(B) is packed over all of k, A is read in place and the
///   column of C stays in L1 across the slabs (see `runColumns`).
/// - `packed`: everything else; packing pays once B outgrows L2 or must be transposed.
enum GEMMPath { case rows, direct, columns, packed }

/// One validated GEMM call (`sgemm` or `dgemm`); `run` executes it with a given kernel and thread count.
struct GEMMProblem<Scalar: GEMMScalar> {
    let transA: Bool, transB: Bool
    let m: Int, n: Int, k: Int
    let alpha: Scalar, beta: Scalar
    let a: UnsafePointer<Scalar>?, lda: Int
    let b: UnsafePointer<Scalar>?, ldb: Int
    let c: UnsafeMutablePointer<Scalar>?, ldc: Int

    init(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Scalar,
         a: UnsafeBufferPointer<Scalar>, lda: Int, b: UnsafeBufferPointer<Scalar>, ldb: Int,
         beta: Scalar, c: UnsafeMutableBufferPointer<Scalar>, ldc: Int) {
        let routine = Scalar.self == Double.self ? "dgemm" : "sgemm"
        precondition(m >= 0 && n >= 0 && k >= 0, "\(routine): m, n, k must be >= 0, received m=\(m) n=\(n) k=\(k)")
        let (aRows, aCols) = transA ? (k, m) : (m, k)
        let (bRows, bCols) = transB ? (n, k) : (k, n)
        precondition(lda >= Swift.max(1, aCols), "\(routine): lda=\(lda) must be >= \(Swift.max(1, aCols))")
        precondition(ldb >= Swift.max(1, bCols), "\(routine): ldb=\(ldb) must be >= \(Swift.max(1, bCols))")
        precondition(ldc >= Swift.max(1, n), "\(routine): ldc=\(ldc) must be >= \(Swift.max(1, n))")
        func needed(_ rows: Int, _ cols: Int, _ ld: Int) -> Int { rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols }
        precondition(a.count >= needed(aRows, aCols, lda),
                     "\(routine): A holds \(a.count) elements, a \(aRows)x\(aCols) matrix with lda=\(lda) needs \(needed(aRows, aCols, lda))")
        precondition(b.count >= needed(bRows, bCols, ldb),
                     "\(routine): B holds \(b.count) elements, a \(bRows)x\(bCols) matrix with ldb=\(ldb) needs \(needed(bRows, bCols, ldb))")
        precondition(c.count >= needed(m, n, ldc),
                     "\(routine): C holds \(c.count) elements, a \(m)x\(n) matrix with ldc=\(ldc) needs \(needed(m, n, ldc))")
        self.transA = transA; self.transB = transB
        self.m = m; self.n = n; self.k = k
        self.alpha = alpha; self.beta = beta
        self.a = a.baseAddress; self.lda = lda
        self.b = b.baseAddress; self.ldb = ldb
        self.c = c.baseAddress; self.ldc = ldc
    }

    /// A problem over operands already validated (the transposed form of a validated one).
    private init(validatedTransA transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Scalar,
                 a: UnsafePointer<Scalar>, lda: Int, b: UnsafePointer<Scalar>, ldb: Int,
                 beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int) {
        self.transA = transA; self.transB = transB
        self.m = m; self.n = n; self.k = k
        self.alpha = alpha; self.beta = beta
        self.a = a; self.lda = lda
        self.b = b; self.ldb = ldb
        self.c = c; self.ldc = ldc
    }

    typealias Path = GEMMPath

    /// The driver for this shape (see `GEMMPath`).
    var path: Path {
        if transB { return takesColumnPath ? .columns : .packed }
        if m < GEMMBlocking.rowPathLimit { return .rows }
        let rowBytes = ldb * MemoryLayout<Scalar>.stride
        return k * n <= GEMMProblem.directLimit && rowBytes % GEMMProblem.aliasingStride != 0 ? .direct : .packed
    }

    /// Elements of op(B) up to which the direct path is used (4 MiB). The direct path runs every k slab
    /// of a tile back to back, so the C tile stays in L1 between slabs, and streams B's NR-wide column
    /// from L2/L3; the packed path sweeps all of C once per slab. gemm-bench, 2026-12-02 17:05 UTC (Zen 4,
    /// load 2.8), limit 512 KiB -> 4 MiB: 512^3 99 -> 108 GFLOPS on 1 thread, 193 -> 208-211 on 2;
    /// 1024^3 88 -> 91 and 170-177 -> 192.
    static var directLimit: Int { 4 * 1024 * 1024 / MemoryLayout<Scalar>.stride }

    /// Rows of C up to which a product with transposed B and plain A takes the column path (`runColumns`).
    static var columnPathRows: Int { 128 }

    /// Whether a transposed op(B) takes the column path: SGEMM, plain A short enough to be read in place (its
    /// rows stay in L2 beside one packed column of B), and k summed in 256-deep slabs (k <= 1024).
    var takesColumnPath: Bool {
        Scalar.self == Float.self && transB && !transA && m <= GEMMProblem.columnPathRows
            && GEMMBlocking.kc(Scalar.self, k: k) == GEMMBlocking.kc(Scalar.self)
    }

    /// Bytes of op(B) up to which the direct path takes its tiles row by row instead of column by column.
    static var rowOrderBLimit: Int { 16 * 1024 }

    /// B rows this many bytes apart (or a multiple) take the packed path: the direct path's column of
    /// B then falls into a few sets of L1 and L2 and is refetched from L3 (2048^3 direct: 41 GFLOPS
    /// against 91 packed).
    static var aliasingStride: Int { 8 * 1024 }

    /// Narrow C with many rows (n < 16, m >= 32: an MLP head's weight gradient Hᵀ dZ) runs as
    /// Cᵀ = op(B)ᵀ op(A)ᵀ, so the m rows fill 32-wide tiles instead of n columns padding a 16-wide one
    /// (10 of 16 lanes). Each element gets the same products in the same order (a * b == b * a, also
    /// fused), and the epilogue `alpha * acc + beta * C` splits into `t = alpha * acc` then
    /// `t + beta * C` with the same roundings, so the bits do not change; with beta != 0 that holds only
    /// for one KC slab (k <= KC). With transposed A the swapped problem reads A in place on the direct
    /// path (gemm-bench 2026-12-02 17:24, 1 thread: 100x10x256 Aᵀ 42 -> 51 GFLOPS; 71-74 with the 10-row
    /// tile). Plain A must be transposed first, which pays only for a one-slab A (an MLP head's forward
    /// H W2): 23:30 UTC, 1 thread, alternating: 32x10x100 32 -> 41 GFLOPS. From 128 rows the transposed
    /// problem's B (this Aᵀ) is packed in 32-wide panels rather than copied whole (`copiesTransposedB`), and
    /// with 4x4 register transposes that route beats 16-lane tiles holding 10 columns: 2026-12-03 10:35 UTC,
    /// 1 thread, two holds, 3 rounds each, load 1.5-2.5: 256x10x100 40.6-41.3 -> 42.8-43.1 GFLOPS.
    var runsTransposed: Bool {
        n < 16 && m >= 32 && (transA ? k <= GEMMBlocking.kc(Scalar.self) || beta == 0 : k <= GEMMBlocking.kc(Scalar.self))
    }

    /// - Parameters:
    ///   - path: forces a driver (tests prove both give the same bits); `nil` lets the shape decide.
    ///   - transposed: forces (or forbids) running as Cᵀ = op(B)ᵀ op(A)ᵀ; `nil`: `runsTransposed`.
    ///   - alwaysThread: skips the small-problem cutoff (tests use it to prove thread-count independence).
    ///   - kernel: forces a variant (narrower ones of its family still take narrow C and edge columns);
    ///     `nil` lets `Scalar.kernelChoices` fit the selected family's tiles to the shape.
    func run(kernel forcedKernel: GEMMKernel<Scalar>? = nil, threads requestedThreads: Int = Parallelism.threadCount,
             path forcedPath: Path? = nil, alwaysThread: Bool = false, transposed: Bool? = nil) {
        guard m > 0 && n > 0, let c else { return }
        guard k > 0 && alpha != 0, let a, let b else {
            scaleC(c)
            return
        }
        let small = m * n * k < GEMMThreading.minimumParallelMultiplyAdds
        let threads = !alwaysThread && small ? 1 : Swift.max(1, requestedThreads)
        if transposed ?? (forcedPath == nil && runsTransposed) {
            return runTransposed(kernel: forcedKernel, threads: threads, path: forcedPath, a: a, b: b, c: c)
        }
        if forcedPath == nil && copiesTransposedB {
            return runOnRowMajorCopyOfB(kernel: forcedKernel, threads: threads, a: a, b: b, c: c)
        }
        if forcedPath == nil && copiesAliasedB {
            return runOnUnaliasedCopyOfB(kernel: forcedKernel, threads: threads, a: a, b: b, c: c)
        }
        let plan = (forcedKernel.map(KernelChoices.init(forcing:)) ?? Scalar.kernelChoices).plan(rows: m, columns: n)
        switch forcedPath ?? path {
        case .rows: runRows(kernel: plan.tile, threads: threads, a: a, b: b, c: c)
        case .direct: runDirect(plan, threads: threads, a: a, b: b, c: c)
        case .columns: runColumns(plan, threads: threads, a: a, b: b, c: c)
        case .packed: runPacked(plan, threads: threads, a: a, b: b, c: c)
        }
    }

    /// Cᵀ = alpha * op(B)ᵀ op(A)ᵀ into a scratch, then C = scratchᵀ + beta * C (see `runsTransposed`).
    private func runTransposed(kernel: GEMMKernel<Scalar>?, threads: Int, path: Path?,
                               a: UnsafePointer<Scalar>, b: UnsafePointer<Scalar>, c: UnsafeMutablePointer<Scalar>) {
        withScratch(Scalar.self, n * m) { t in
            GEMMProblem(validatedTransA: !transB, transB: !transA, m: n, n: m, k: k, alpha: alpha,
                        a: b, lda: ldb, b: a, ldb: lda, beta: 0, c: t, ldc: m)
                .run(kernel: kernel, threads: threads, path: path, alwaysThread: true, transposed: false)
            if beta == 0 {
                transpose(t, ld: m, rows: n, columns: m, into: c, targetLD: ldc)
            } else {
                for i in 0..<m {
                    let row = c + i * ldc
                    for j in 0..<n { row[j] = t[j * m + i] + beta * row[j] }
                }
            }
        }
    }

    /// Elements of op(B) up to which a transposed B is copied row-major first, so that the product takes
    /// the direct (or row) path instead of the packed one (see `runOnRowMajorCopyOfB`). It covers the
    /// transposed A of a narrow product run as Cᵀ (`runsTransposed`: 32x10x100 copies 100 x 32).
    static var transposedBCopyLimit: Int { 32 * 1024 }
    /// Rows of C below which the copy pays: from about a hundred rows the packed path's interleaved A
    /// outruns the direct path's row-strided reads (gemm-bench 2026-12-02 22:40, 1 thread: 32x100x10 Bᵀ
    /// 27-31 -> 37 GFLOPS with the copy, 256x100x10 Bᵀ 52 -> 47).
    static var transposedBCopyRows: Int { 128 }
    /// Rows of C below which the copy pays when the direct path then runs each row of tiles in one call
    /// (`rowOrderBLimit`, one KC slab, beta 0; see `runDirect`): A is read in place, B stays in L1, and the
    /// packed path's per-block packing of A (k = 10: as many loads and stores as the arithmetic) is gone.
    /// gemm-bench, 2026-12-03 13:32 UTC (load 1.7-2.2), 12 alternations each way: 256x100x10 Bᵀ one thread
    /// median 45.3 -> 47.5 GFLOPS (best 60.2 -> 64.2), two threads 60.2 -> 63.9 (best 65.9 -> 70.5).
    static var rowOrderTransposedBCopyRows: Int { 1024 }

    /// Elements of op(B) up to which a B whose rows alias in the caches is copied (see `runOnUnaliasedCopyOfB`).
    static var aliasedCopyLimit: Int { 16 * 1024 * 1024 / MemoryLayout<Scalar>.stride }
    /// Rows of C from which that copy (about 15 multiply-adds' time per element of B) costs under 5%.
    static var aliasedCopyRows: Int { 256 }

    /// Whether the product runs on the direct path over a copy of B with a padded row stride. Not for a product
    /// whose depth deepens its slabs beyond its type's usual ones (`GEMMBlocking.kc(_:k:)`: SGEMM with k > 1024):
    /// the packed path then passes over C once and beats the copy (2048^3, 2026-12-03 20:19 UTC, three
    /// alternations: 1 thread 84.6-88.9 -> 95.4-99.2 GFLOPS).
    var copiesAliasedB: Bool {
        !transB && m >= GEMMProblem.aliasedCopyRows && k * n <= GEMMProblem.aliasedCopyLimit
            && GEMMBlocking.kc(Scalar.self, k: k) == GEMMBlocking.kc(Scalar.self)
            && (ldb * MemoryLayout<Scalar>.stride) % 4096 == 0
    }

    /// A row-major B whose rows lie a multiple of 4 KiB apart (1024- and 2048-wide squares) is copied with
    /// its row stride padded by one cache line, then the product runs on the direct path. In place, the
    /// direct path's 32-wide column of B falls into a few cache sets (refetched from L3 at every step), and
    /// the packed path sweeps all of C once per KC slab; on the copy each C tile stays in registers across
    /// all slabs and the B column stays in L2. Same slabs in the same order on both paths: same bits.
    /// gemm-bench 2026-12-02 22:55-23:00 UTC (load 1.8-2.2, alternating): 1024^3 1 thread 94 -> 102
    /// GFLOPS, 2 threads 179-190 -> 196-199; 2048^3 94 -> 101 and 184 -> 197; 512^3 (2 KiB rows) no gain.
    private func runOnUnaliasedCopyOfB(kernel: GEMMKernel<Scalar>?, threads: Int,
                                       a: UnsafePointer<Scalar>, b: UnsafePointer<Scalar>, c: UnsafeMutablePointer<Scalar>) {
        let paddedLD = n + 64 / MemoryLayout<Scalar>.stride
        let copy = AlignedBuffer<Scalar>(count: k * paddedLD)
        defer { copy.deallocate() }
        let rowsPerWorker = (k + threads - 1) / threads
        Parallelism.run(Swift.min(threads, k)) { worker in
            for p in (worker * rowsPerWorker)..<Swift.min(k, (worker + 1) * rowsPerWorker) {
                (copy.pointer + p * paddedLD).update(from: b + p * ldb, count: n)
            }
        }
        GEMMProblem(validatedTransA: transA, transB: false, m: m, n: n, k: k, alpha: alpha,
                    a: a, lda: lda, b: copy.pointer, ldb: paddedLD, beta: beta, c: c, ldc: ldc)
            .run(kernel: kernel, threads: threads, path: .direct, alwaysThread: true, transposed: false)
    }

    /// Whether the product runs on a row-major copy of its transposed B (see `runOnRowMajorCopyOfB`). Not
    /// from 128 columns: the copy's rows would lie 512 bytes or more apart and the direct path's 32-wide
    /// column of them falls into few L1 sets (the transposed problem of a 256x10x100 head: m = 10, n = 256).
    var copiesTransposedB: Bool {
        guard transB && k * n <= GEMMProblem.transposedBCopyLimit && n < GEMMProblem.transposedBCopyRows else { return false }
        let runsRowsOfTiles = beta == 0 && k <= GEMMBlocking.kc(Scalar.self)
            && k * n * MemoryLayout<Scalar>.stride <= GEMMProblem.rowOrderBLimit
        return m < (runsRowsOfTiles ? GEMMProblem.rowOrderTransposedBCopyRows : GEMMProblem.transposedBCopyRows)
    }

    /// A small op(B) stored transposed (an MLP head's input gradient dZ W2ᵀ, 32x100x10) is copied to a
    /// row-major k x n scratch once, then the product runs on the direct or row path: the packed path's
    /// buffers, its two fan-outs and its per-slab C sweep cost more than the arithmetic at this size.
    /// Direct and packed paths sum k in the same slabs in the same order, so the bits do not change.
    private func runOnRowMajorCopyOfB(kernel: GEMMKernel<Scalar>?, threads: Int,
                                      a: UnsafePointer<Scalar>, b: UnsafePointer<Scalar>, c: UnsafeMutablePointer<Scalar>) {
        withScratch(Scalar.self, k * n) { copy in
            packB(b, ldb: ldb, transposed: true, depthStart: 0, depth: k, colStart: 0, cols: n, nr: n, edgeNR: n,
                  slivers: 0..<1, into: copy)
            GEMMProblem(validatedTransA: transA, transB: false, m: m, n: n, k: k, alpha: alpha,
                        a: a, lda: lda, b: copy, ldb: n, beta: beta, c: c, ldc: ldc)
                .run(kernel: kernel, threads: threads, alwaysThread: true, transposed: false)
        }
    }

    /// C = beta * C, or C = 0 without reading C when beta is 0.
    private func scaleC(_ c: UnsafeMutablePointer<Scalar>) {
        for i in 0..<m {
            let row = c + i * ldc
            if beta == 0 {
                row.update(repeating: 0, count: n)
            } else if beta != 1 {
                for j in 0..<n { row[j] = beta * row[j] }
            }
        }
    }
}
