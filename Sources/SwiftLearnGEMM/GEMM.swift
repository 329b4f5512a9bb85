/// Single-precision general matrix multiply, row-major:
/// `C = alpha * op(A) * op(B) + beta * C`, with `op(X)` = `X` or `Xᵀ`.
///
/// Shapes: `op(A)` is `m x k`, `op(B)` is `k x n`, `C` is `m x n`. Leading dimensions are row
/// strides in elements: `lda >= (transA ? m : k)`, `ldb >= (transB ? k : n)`, `ldc >= n`.
/// When `beta == 0`, `C` is never read (it may hold NaN).
public func sgemm(
    transA: Bool = false, transB: Bool = false,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: UnsafeBufferPointer<Float>, lda: Int,
    b: UnsafeBufferPointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutableBufferPointer<Float>, ldc: Int
) {
    // Placeholder oracle until the blocked driver lands; same contract.
    for i in 0..<m {
        for j in 0..<n {
            var sum: Float = 0
            for p in 0..<k {
                let av = transA ? a[p * lda + i] : a[i * lda + p]
                let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                sum += av * bv
            }
            c[i * ldc + j] = beta == 0 ? alpha * sum : alpha * sum + beta * c[i * ldc + j]
        }
    }
}
