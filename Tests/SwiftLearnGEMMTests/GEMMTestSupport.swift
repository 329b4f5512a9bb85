import SwiftLearnTestSupport
@testable import SwiftLearnGEMM

/// Test data from SplitMix64 (SwiftLearnTestSupport), independent of the library.
struct TestRandom {
    var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(Double(next() >> 40) / Double(1 << 24) * 2 - 1) }
    mutating func floats(_ count: Int) -> [Float] { (0..<count).map { _ in float() } }
}

/// One SGEMM case with explicit storage, leading dimensions and a naive reference.
struct GEMMCase {
    let m: Int, n: Int, k: Int, transA: Bool, transB: Bool
    let alpha: Float, beta: Float
    let lda: Int, ldb: Int, ldc: Int
    let a: [Float], b: [Float], cInitial: [Float]

    init(m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false,
         alpha: Float = 1, beta: Float = 0, padding: Int = 0, seed: UInt64 = 1) {
        var random = TestRandom(seed: seed &+ UInt64(m * 1_000_003 + n * 1009 + k))
        self.m = m; self.n = n; self.k = k; self.transA = transA; self.transB = transB
        self.alpha = alpha; self.beta = beta
        let aRows = transA ? k : m, aCols = transA ? m : k
        let bRows = transB ? n : k, bCols = transB ? k : n
        lda = max(1, aCols + padding); ldb = max(1, bCols + padding); ldc = max(1, n + padding)
        a = random.floats(aRows * lda)
        b = random.floats(bRows * ldb)
        // beta == 0 must never read C: fill it with NaN to prove it.
        cInitial = beta == 0 ? [Float](repeating: .nan, count: m * ldc) : random.floats(m * ldc)
    }

    func opA(_ i: Int, _ p: Int) -> Float { transA ? a[p * lda + i] : a[i * lda + p] }
    func opB(_ p: Int, _ j: Int) -> Float { transB ? b[j * ldb + p] : b[p * ldb + j] }

    /// The naive triple loop in Double, with the magnitude sum for the error bound.
    func reference() -> (values: [Double], magnitude: [Double]) {
        var values = [Double](repeating: 0, count: m * ldc)
        var magnitude = [Double](repeating: 0, count: m * ldc)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0, size = 0.0
                for p in 0..<k {
                    let product = Double(opA(i, p)) * Double(opB(p, j))
                    sum += product
                    size += abs(product)
                }
                let old = beta == 0 ? 0 : Double(cInitial[i * ldc + j])
                values[i * ldc + j] = Double(alpha) * sum + Double(beta) * old
                magnitude[i * ldc + j] = abs(Double(alpha)) * size + abs(Double(beta) * old)
            }
        }
        return (values, magnitude)
    }

    /// Runs the library with an explicit kernel, thread count and path (`nil`: the public entry point).
    func run(kernel: MicrokernelVariant? = nil, threads: Int = 1, path: GEMMProblem.Path? = nil) -> [Float] {
        var c = cInitial
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    if let kernel {
                        GEMMProblem(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                                    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                            .run(kernel: kernel, threads: threads, path: path, alwaysThread: true)
                    } else {
                        sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                              a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                    }
                }
            }
        }
        return c
    }
}
