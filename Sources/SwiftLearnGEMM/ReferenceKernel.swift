/// The scalar oracle: the microkernel contract written as plain loops.
///
/// It performs, per element of C, exactly the operations of the SIMD kernels of the same family in
/// the same order (one `acc = acc + a*b` or `acc = acc.addingProduct(a, b)` per k step, then the
/// epilogue `alpha * acc + beta * c`), so a SIMD variant must match it bit for bit. Tests hold every
/// variant to that.
extension MicrokernelVariant {
    /// A scalar kernel with the contract of a variant of `arithmetic` family and tile width `nr`.
    public static func reference(_ arithmetic: Arithmetic, nr: Int) -> MicrokernelVariant {
        MicrokernelVariant(name: "reference-\(arithmetic.rawValue)-6x\(nr)", nr: nr, arithmetic: arithmetic) {
            k, a, aRowStride, aDepthStride, b, bDepthStride, alpha, beta, c, ldc in
            for i in 0..<GEMMBlocking.mr {
                for j in 0..<nr {
                    var acc: Float = 0
                    for p in 0..<k {
                        let product = (a[i * aRowStride + p * aDepthStride], b[p * bDepthStride + j])
                        switch arithmetic {
                        case .fused: acc = acc.addingProduct(product.0, product.1)
                        case .separate: acc = acc + product.0 * product.1
                        }
                    }
                    let cell = c + i * ldc + j
                    cell.pointee = beta == 0 ? alpha * acc : alpha * acc + beta * cell.pointee
                }
            }
        }
    }
}
