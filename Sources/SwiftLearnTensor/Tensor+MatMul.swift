/// Matrix products through the GEMM core.
///
/// Transposes are passed to `sgemm` as flags with the stored leading dimension, so `matmul(x, w, transposeB: true)`
/// never materializes `wᵀ`.
///
/// ```swift
/// let y = matmul(x, w)                          // [batch, in] · [in, out] → [batch, out]
/// let gradW = matmul(x, gradY, transposeA: true) // xᵀ · gradY, no copy of xᵀ
/// ```
extension Tensor where Scalar: TensorFloatingPoint {
    /// `op(a) · op(b)` for rank-2 tensors.
    /// - Throws: ``TensorError/invalidShape(_:)`` for a rank other than 2, ``TensorError/shapeMismatch(_:)``
    ///   naming both shapes (and the flags) when the inner extents differ.
    public static func matrixProduct(_ a: Tensor, _ b: Tensor, transposeA: Bool = false,
                                     transposeB: Bool = false) throws(TensorError) -> Tensor {
        guard a.rank == 2, b.rank == 2 else {
            throw TensorError.invalidShape("matmul needs rank-2 operands, got shapes \(a.shape) and \(b.shape)")
        }
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let kB = transposeB ? b.shape[1] : b.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        guard k == kB else {
            throw TensorError.shapeMismatch(
                "matmul: shapes \(a.shape)\(transposeA ? "ᵀ" : "") and \(b.shape)\(transposeB ? "ᵀ" : "") have inner extents \(k) and \(kB)")
        }
        return Tensor(shape: [m, n]) { output in
            guard m > 0, n > 0 else { return }
            if k == 0 { output.initialize(repeating: 0); return }
            a.withUnsafeBufferPointer { aBuffer in
                b.withUnsafeBufferPointer { bBuffer in
                    Scalar.matrixMultiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                          a: aBuffer, lda: a.shape[1], b: bBuffer, ldb: b.shape[1],
                                          c: output, ldc: n)
                }
            }
        }
    }
}

/// `op(a) · op(b)` for rank-2 tensors; traps with both shapes in the message when they do not fit
/// (``Tensor/matrixProduct(_:_:transposeA:transposeB:)`` throws instead).
public func matmul<S: TensorFloatingPoint>(_ a: Tensor<S>, _ b: Tensor<S>,
                                           transposeA: Bool = false, transposeB: Bool = false) -> Tensor<S> {
    do {
        return try Tensor.matrixProduct(a, b, transposeA: transposeA, transposeB: transposeB)
    } catch {
        preconditionFailure(error.description)
    }
}
