import SwiftLearnTestSupport
@testable import SwiftLearnGEMM

/// Test data from SplitMix64 (SwiftLearnTestSupport), independent of the library.
struct TestRandom {
    var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
    /// Uniform in [-1, 1), on a 2^-23 grid (exact in Float and Double).
    mutating func value<Scalar: BinaryFloatingPoint>() -> Scalar { Scalar(Double(next() >> 40) / Double(1 << 24) * 2 - 1) }
    mutating func float() -> Float { value() }
    mutating func values<Scalar: BinaryFloatingPoint>(_ count: Int) -> [Scalar] { (0..<count).map { _ in value() } }
    mutating func floats(_ count: Int) -> [Float] { values(count) }
}

/// `sgemm` or `dgemm` as a function value: transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc.
typealias GEMMFunction<Scalar> = (Bool, Bool, Int, Int, Int, Scalar, UnsafeBufferPointer<Scalar>, Int,
                                  UnsafeBufferPointer<Scalar>, Int, Scalar, UnsafeMutableBufferPointer<Scalar>, Int) -> Void

/// The scalar types under test, each with its public entry point (`sgemm`, `dgemm`).
protocol GEMMTestScalar: GEMMScalar {
    static var publicEntryPoint: GEMMFunction<Self> { get }
}
extension GEMMTestScalar {
    static func publicGEMM(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                           a: UnsafeBufferPointer<Self>, lda: Int, b: UnsafeBufferPointer<Self>, ldb: Int,
                           beta: Self, c: UnsafeMutableBufferPointer<Self>, ldc: Int) {
        publicEntryPoint(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }
}
extension Float: GEMMTestScalar {
    static var publicEntryPoint: GEMMFunction<Float> { sgemm }
}
extension Double: GEMMTestScalar {
    static var publicEntryPoint: GEMMFunction<Double> { dgemm }
}

/// The bytes of each value, for bit-for-bit comparisons of Float or Double results.
func bitPatterns<Scalar>(_ values: [Scalar]) -> [[UInt8]] {
    values.map { value in withUnsafeBytes(of: value) { Array($0) } }
}

typealias GEMMCase = GEMMTestCase<Float>

/// One GEMM case with explicit storage, leading dimensions and a naive reference.
struct GEMMTestCase<Scalar: GEMMTestScalar> {
    let m: Int, n: Int, k: Int, transA: Bool, transB: Bool
    let alpha: Scalar, beta: Scalar
    let lda: Int, ldb: Int, ldc: Int
    let a: [Scalar], b: [Scalar], cInitial: [Scalar]

    init(m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false,
         alpha: Scalar = 1, beta: Scalar = 0, padding: Int = 0, seed: UInt64 = 1) {
        var random = TestRandom(seed: seed &+ UInt64(m * 1_000_003 + n * 1009 + k))
        self.m = m; self.n = n; self.k = k; self.transA = transA; self.transB = transB
        self.alpha = alpha; self.beta = beta
        let aRows = transA ? k : m, aCols = transA ? m : k
        let bRows = transB ? n : k, bCols = transB ? k : n
        lda = max(1, aCols + padding); ldb = max(1, bCols + padding); ldc = max(1, n + padding)
        a = random.values(aRows * lda)
        b = random.values(bRows * ldb)
        // beta == 0 must never read C: fill it with NaN to prove it.
        cInitial = beta == 0 ? [Scalar](repeating: .nan, count: m * ldc) : random.values(m * ldc)
    }

    /// The naive triple loop in Double, with the magnitude sum for the error bound. (Operands are
    /// converted once: a generic conversion per step is slow in the unoptimized test build.)
    func reference() -> (values: [Double], magnitude: [Double]) {
        let a = self.a.map { Double($0) }, b = self.b.map { Double($0) }, cInitial = self.cInitial.map { Double($0) }
        let alpha = Double(self.alpha), beta = Double(self.beta)
        var values = [Double](repeating: 0, count: m * ldc)
        var magnitude = [Double](repeating: 0, count: m * ldc)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0, size = 0.0
                for p in 0..<k {
                    let product = (transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j])
                    sum += product
                    size += abs(product)
                }
                let old = beta == 0 ? 0 : cInitial[i * ldc + j]
                values[i * ldc + j] = alpha * sum + beta * old
                magnitude[i * ldc + j] = abs(alpha) * size + abs(beta * old)
            }
        }
        return (values, magnitude)
    }

    /// A property of the validated problem (which route the shape rules pick), read without running it.
    func problem<T>(_ property: (GEMMProblem<Scalar>) -> T) -> T {
        var c = cInitial
        return a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    property(GEMMProblem(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                                         a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc))
                }
            }
        }
    }

    /// Runs the library with an explicit kernel, thread count and path (`nil`: the public entry point).
    func run(kernel: GEMMKernel<Scalar>? = nil, threads: Int = 1, path: GEMMPath? = nil, transposed: Bool? = nil) -> [Scalar] {
        var c = cInitial
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    if kernel != nil || transposed != nil {
                        GEMMProblem(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                                    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                            .run(kernel: kernel, threads: threads, path: path, alwaysThread: true, transposed: transposed)
                    } else {
                        Scalar.publicGEMM(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                                          a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                    }
                }
            }
        }
        return c
    }
}
