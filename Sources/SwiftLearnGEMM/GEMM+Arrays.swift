/// A size problem in the array form of SGEMM, with the sizes involved.
public struct GEMMError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
}

/// The array form of ``sgemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` for dense,
/// row-major matrices (leading dimensions equal to the row widths).
///
///     C = alpha * op(A) * op(B) + beta * C
///
/// - Throws: ``GEMMError`` when an array's count does not match its matrix shape.
///
/// ```swift
/// var c = [Float](repeating: 0, count: 4)
/// try sgemm(m: 2, n: 2, k: 3, a: [1, 2, 3, 4, 5, 6], b: [1, 0, 0, 1, 1, 1], c: &c)   // c == [4, 5, 10, 11]
/// ```
public func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                  alpha: Float = 1, a: [Float], b: [Float], beta: Float = 0, c: inout [Float]) throws(GEMMError) {
    guard m >= 0, n >= 0, k >= 0 else { throw GEMMError(description: "m, n, k must be >= 0, received m=\(m) n=\(n) k=\(k)") }
    let aShape = transA ? "\(k)x\(m)" : "\(m)x\(k)", bShape = transB ? "\(n)x\(k)" : "\(k)x\(n)"
    guard a.count == m * k else { throw GEMMError(description: "A has \(a.count) elements, a \(aShape) matrix needs \(m * k)") }
    guard b.count == k * n else { throw GEMMError(description: "B has \(b.count) elements, a \(bShape) matrix needs \(k * n)") }
    guard c.count == m * n else { throw GEMMError(description: "C has \(c.count) elements, a \(m)x\(n) matrix needs \(m * n)") }
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
                sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                      a: a, lda: Swift.max(1, transA ? m : k), b: b, ldb: Swift.max(1, transB ? k : n),
                      beta: beta, c: c, ldc: Swift.max(1, n))
            }
        }
    }
}

/// `op(A) * op(B)` for dense row-major arrays, as a new `m x n` array.
///
/// - Throws: ``GEMMError`` when an array's count does not match its matrix shape.
public func matmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int,
                   transA: Bool = false, transB: Bool = false) throws(GEMMError) -> [Float] {
    var c = [Float](repeating: 0, count: Swift.max(0, m) * Swift.max(0, n))
    try sgemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, b: b, c: &c)
    return c
}
