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
    let problem = GEMMProblem(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                              a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    problem.run(kernel: KernelSelection.selected, threads: Parallelism.threadCount)
}

/// The kernel the library selected on this machine and build (see `KernelSelection`).
public var selectedMicrokernel: MicrokernelVariant { KernelSelection.selected }

/// One validated SGEMM call; `run` executes it with a given kernel and thread count.
struct GEMMProblem {
    let transA: Bool, transB: Bool
    let m: Int, n: Int, k: Int
    let alpha: Float, beta: Float
    let a: UnsafePointer<Float>?, lda: Int
    let b: UnsafePointer<Float>?, ldb: Int
    let c: UnsafeMutablePointer<Float>?, ldc: Int

    init(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
         a: UnsafeBufferPointer<Float>, lda: Int, b: UnsafeBufferPointer<Float>, ldb: Int,
         beta: Float, c: UnsafeMutableBufferPointer<Float>, ldc: Int) {
        precondition(m >= 0 && n >= 0 && k >= 0, "sgemm: m, n, k must be >= 0, received m=\(m) n=\(n) k=\(k)")
        let (aRows, aCols) = transA ? (k, m) : (m, k)
        let (bRows, bCols) = transB ? (n, k) : (k, n)
        precondition(lda >= Swift.max(1, aCols), "sgemm: lda=\(lda) must be >= \(Swift.max(1, aCols))")
        precondition(ldb >= Swift.max(1, bCols), "sgemm: ldb=\(ldb) must be >= \(Swift.max(1, bCols))")
        precondition(ldc >= Swift.max(1, n), "sgemm: ldc=\(ldc) must be >= \(Swift.max(1, n))")
        func needed(_ rows: Int, _ cols: Int, _ ld: Int) -> Int { rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols }
        precondition(a.count >= needed(aRows, aCols, lda),
                     "sgemm: A holds \(a.count) floats, a \(aRows)x\(aCols) matrix with lda=\(lda) needs \(needed(aRows, aCols, lda))")
        precondition(b.count >= needed(bRows, bCols, ldb),
                     "sgemm: B holds \(b.count) floats, a \(bRows)x\(bCols) matrix with ldb=\(ldb) needs \(needed(bRows, bCols, ldb))")
        precondition(c.count >= needed(m, n, ldc),
                     "sgemm: C holds \(c.count) floats, a \(m)x\(n) matrix with ldc=\(ldc) needs \(needed(m, n, ldc))")
        self.transA = transA; self.transB = transB
        self.m = m; self.n = n; self.k = k
        self.alpha = alpha; self.beta = beta
        self.a = a.baseAddress; self.lda = lda
        self.b = b.baseAddress; self.ldb = ldb
        self.c = c.baseAddress; self.ldc = ldc
    }

    /// Which driver a shape takes. A function of the shape alone, never of the thread count.
    enum Path { case rows, direct, packed }

    /// - `rows`: fewer than MR rows and row-major op(B) (one sample through a layer, a
    ///   matrix-vector product): the row kernel streams B once, with no packing and no padding rows.
    /// - `direct`: op(B) row-major and small enough to stay in L2: the tile kernel reads A and B in
    ///   place (only edge tiles are copied).
    /// - `packed`: everything else; packing pays once B outgrows L2 or must be transposed.
    var path: Path {
        if transB { return .packed }
        if m < GEMMBlocking.mr { return .rows }
        return k * n <= GEMMProblem.directLimit ? .direct : .packed
    }

    /// Elements of op(B) up to which the direct path is used (512 KiB of floats: half of L2).
    static let directLimit = 128 * 1024

    /// - Parameters:
    ///   - path: forces a driver (tests prove both give the same bits); `nil` lets the shape decide.
    ///   - alwaysThread: skips the small-problem cutoff (tests use it to prove thread-count independence).
    func run(kernel: MicrokernelVariant, threads requestedThreads: Int, path forcedPath: Path? = nil,
             alwaysThread: Bool = false) {
        guard m > 0 && n > 0, let c else { return }
        guard k > 0 && alpha != 0, let a, let b else {
            scaleC(c)
            return
        }
        let small = m * n * k < GEMMThreading.minimumParallelMultiplyAdds
        let threads = !alwaysThread && small ? 1 : Swift.max(1, requestedThreads)
        let kernel = kernel.narrowed(toColumns: n)
        switch forcedPath ?? path {
        case .rows: runRows(kernel: kernel, threads: threads, a: a, b: b, c: c)
        case .direct: runDirect(kernel: kernel, threads: threads, a: a, b: b, c: c)
        case .packed: runPacked(kernel: kernel, threads: threads, a: a, b: b, c: c)
        }
    }

    /// C = beta * C, or C = 0 without reading C when beta is 0.
    private func scaleC(_ c: UnsafeMutablePointer<Float>) {
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
