import XCTest
import SwiftLearnGEMM

/// Products whose B is narrower than one SIMD vector (a Dense layer with 1 or 2 units): the row kernel
/// once loaded whole vectors from B's last rows and read past the end of the buffer (AddressSanitizer:
/// heap-buffer-overflow in `rowRemainder`, found by `swift test --sanitize=address`). Buffers here are
/// exactly sized, so a sanitizer run catches any overread; results are checked against a naive loop.
final class GEMMBoundsTests: XCTestCase {
    func testNarrowProductsMatchNaiveLoopWithExactlySizedBuffers() {
        for m in [1, 2, 3, 9] {
            for n in [1, 2, 3, 5, 7, 17] {
                for k in [1, 2, 3, 4, 9] {
                    for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                        let a = (0..<m * k).map { Float(($0 * 7) % 11) - 5 }
                        let b = (0..<k * n).map { Float(($0 * 5) % 13) - 6 }
                        var c = (0..<m * n).map { Float($0 % 3) }
                        let original = c
                        let lda = transA ? m : k, ldb = transB ? k : n
                        a.withUnsafeBufferPointer { ap in
                            b.withUnsafeBufferPointer { bp in
                                c.withUnsafeMutableBufferPointer { cp in
                                    sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1.5,
                                          a: ap, lda: lda, b: bp, ldb: ldb, beta: 0.5, c: cp, ldc: n)
                                }
                            }
                        }
                        for i in 0..<m {
                            for j in 0..<n {
                                var sum: Float = 0
                                for p in 0..<k {
                                    let av = transA ? a[p * m + i] : a[i * k + p]
                                    let bv = transB ? b[j * k + p] : b[p * n + j]
                                    sum += av * bv
                                }
                                // Small integers: every product and partial sum is exact in float32.
                                XCTAssertEqual(c[i * n + j], 1.5 * sum + 0.5 * original[i * n + j],
                                               "m \(m) n \(n) k \(k) transA \(transA) transB \(transB) at (\(i), \(j))")
                            }
                        }
                    }
                }
            }
        }
    }
}
