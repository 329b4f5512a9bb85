import XCTest
import SwiftLearnTestSupport
@testable import SwiftLearnGEMM

/// DGEMM against numpy's float64 matmul (OpenBLAS) on full-precision random operands.
final class GEMMNumpyTests: XCTestCase {
    func testDoubleMatchesNumpyForEveryTransposeAcrossBlockBoundaries() throws {
        let python = try CrossCheck.python(modules: ["numpy"])
        var random = TestRandom(seed: 2026)
        for (m, n, k) in [(13, 21, 270), (7, 40, 33), (245, 5, 9)] {
            for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                // Full 53-bit mantissas (the shared test data is on a 2^-23 grid, exact in Float).
                let a = (0..<(m * k)).map { _ in Double(random.next() >> 11) / Double(1 << 53) * 2 - 1 }
                let b = (0..<(k * n)).map { _ in Double(random.next() >> 11) / Double(1 << 53) * 2 - 1 }
                var ours = [Double](repeating: .nan, count: m * n)
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        ours.withUnsafeMutableBufferPointer { c in
                            dgemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: transA ? m : k,
                                  b: b, ldb: transB ? k : n, c: c, ldc: n)
                        }
                    }
                }
                let script = """
                import sys, numpy as np
                m, n, k, ta, tb = (int(v) for v in sys.argv[1:6])
                data = np.frombuffer(sys.stdin.buffer.read(), dtype='<f8')
                a = data[:m * k].reshape((k, m) if ta else (m, k))
                b = data[m * k:].reshape((n, k) if tb else (k, n))
                c = (a.T if ta else a) @ (b.T if tb else b)
                sys.stdout.write(np.ascontiguousarray(c, dtype='<f8').tobytes().hex())
                """
                let input = (a + b).flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
                let hex = try CrossCheck.run(python, script: script,
                                             arguments: [m, n, k, transA ? 1 : 0, transB ? 1 : 0].map(String.init), input: input)
                let digits = Array(hex.utf8).map { UInt8(ascii: "0") <= $0 && $0 <= UInt8(ascii: "9") ? $0 - UInt8(ascii: "0") : $0 - UInt8(ascii: "a") + 10 }
                let bytes = stride(from: 0, to: digits.count - 1, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
                XCTAssertEqual(bytes.count, m * n * 8, "numpy returned \(bytes.count) bytes for \(m)x\(n)")
                guard bytes.count == m * n * 8 else { continue }
                let theirs = (0..<(m * n)).map { index in
                    Double(bitPattern: bytes[(index * 8)..<(index * 8 + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
                }
                // Both sides round k products: |ours - numpy| <= 2 (k + 3) 2^-52 Σ|a b|.
                var worst = 0.0
                for i in 0..<m {
                    for j in 0..<n {
                        var magnitude = 0.0
                        for p in 0..<k {
                            let aValue = transA ? a[p * m + i] : a[i * k + p]
                            let bValue = transB ? b[j * k + p] : b[p * n + j]
                            magnitude += abs(aValue * bValue)
                        }
                        let bound = 2 * Double(k + 3) * Double.ulpOfOne * magnitude
                        worst = max(worst, abs(ours[i * n + j] - theirs[i * n + j]) / bound)
                    }
                }
                XCTAssertLessThanOrEqual(worst, 1, "\(m)x\(n)x\(k) transA=\(transA) transB=\(transB): error / bound")
            }
        }
    }
}
