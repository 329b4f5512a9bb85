/// The scalar oracle: the microkernel contract written as plain loops.
///
/// It performs, per element of C, exactly the operations of the SIMD kernels of the same family in
/// the same order (one `acc = acc + a*b` or `acc = acc.addingProduct(a, b)` per k step, then the
/// epilogue `alpha * acc + beta * c`), so a SIMD variant must match it bit for bit. Tests hold every
/// variant to that.
extension GEMMKernel {
    /// A scalar kernel with the contract of a variant of `arithmetic` family and tile `mr x nr`.
    static func reference(_ arithmetic: Arithmetic, mr: Int = 6, nr: Int) -> GEMMKernel {
        @Sendable func element(_ k: Int, _ a: (Int) -> Scalar, _ b: (Int) -> Scalar,
                               _ alpha: Scalar, _ beta: Scalar, _ cell: UnsafeMutablePointer<Scalar>) {
            var acc: Scalar = 0
            for p in 0..<k {
                switch arithmetic {
                case .fused: acc = acc.addingProduct(a(p), b(p))
                case .separate: acc = acc + a(p) * b(p)
                }
            }
            cell.pointee = beta == 0 ? alpha * acc : alpha * acc + beta * cell.pointee
        }
        return GEMMKernel(name: "reference-\(arithmetic.rawValue)-\(mr)x\(nr)", mr: mr, nr: nr, vectorsPerRow: 2, arithmetic: arithmetic, run: {
            k, a, aRowStride, aDepthStride, b, bDepthStride, alpha, beta, c, ldc in
            for i in 0..<mr {
                for j in 0..<nr {
                    element(k, { a[i * aRowStride + $0 * aDepthStride] }, { b[$0 * bDepthStride + j] }, alpha, beta, c + i * ldc + j)
                }
            }
        }, runRow: { k, a, aDepthStride, b, ldb, n, alpha, beta, c in
            for j in 0..<n {
                element(k, { a[$0 * aDepthStride] }, { b[$0 * ldb + j] }, alpha, beta, c + j)
            }
        })
    }
}
