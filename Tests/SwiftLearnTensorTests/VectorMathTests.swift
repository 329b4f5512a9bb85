import XCTest
@testable import SwiftLearnTensor

/// The raw-buffer API the layers call, and the thread-count independence of chunked work.
final class VectorMathTests: XCTestCase {
    func run(_ x: [Float], _ body: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
        var y = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { a in y.withUnsafeMutableBufferPointer { body(a, $0) } }
        return y
    }

    func testChunkedThreadsGiveBitIdenticalResults() {
        let n = 3 * ParallelChunks.alignment * 64 + 123
        let x = (0..<n).map { Float(sin(Double($0) * 0.001)) * 30 }
        let tanh = TranscendentalMaps.Tanh<SIMD16<Float>, SeparatePolynomial>()
        let serial = run(x) { a, y in mapLanesSerial(a, into: y, tanh) }
        // Forced fan-out below the production threshold: same chunk boundaries, several threads.
        let chunked = run(x) { a, y in
            nonisolated(unsafe) let (input, output) = (a.baseAddress!, y.baseAddress!)
            ParallelChunks.run(count: n, minimumCount: 0) { range in
                mapLanesSerial(UnsafeBufferPointer(start: input + range.lowerBound, count: range.count),
                               into: UnsafeMutableBufferPointer(start: output + range.lowerBound, count: range.count), tanh)
            }
        }
        XCTAssertEqual(serial.map(\.bitPattern), chunked.map(\.bitPattern))
        var covered = [Int](repeating: 0, count: n)
        covered.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let base = buffer.baseAddress!
            ParallelChunks.run(count: n, minimumCount: 0) { range in for i in range { base[i] += 1 } }
        }
        XCTAssertEqual(Set(covered), [1], "every index exactly once")
    }

    func testElementwiseAndScalarKernels() {
        let x: [Float] = (0..<37).map { Float($0) - 18.5 }
        let y: [Float] = (0..<37).map { Float($0 % 5) + 1 }
        var z = [Float](repeating: 0, count: 37)
        x.withUnsafeBufferPointer { a in
            y.withUnsafeBufferPointer { b in
                z.withUnsafeMutableBufferPointer { VectorMath.divide(a, b, into: $0) }
                for i in 0..<37 { XCTAssertEqual(z[i], x[i] / y[i]) }
                z.withUnsafeMutableBufferPointer { VectorMath.binary(.maximum, a, scalar: 2, into: $0) }
                for i in 0..<37 { XCTAssertEqual(z[i], Swift.max(x[i], 2)) }
                XCTAssertEqual(VectorMath.dot(a, b), zip(x, y).map(*).reduce(0, +))
                XCTAssertEqual(VectorMath.sum(a), x.reduce(0, +))
                XCTAssertEqual(VectorMath.max(a), 17.5)
                XCTAssertEqual(VectorMath.min(a), -18.5)
            }
        }
        XCTAssertEqual(run(x) { VectorMath.relu($0, into: $1) }, x.map { Swift.max($0, 0) })
        XCTAssertEqual(run(x) { VectorMath.abs($0, into: $1) }, x.map { Swift.abs($0) })
        XCTAssertEqual(run(x) { VectorMath.clip($0, lower: -2, upper: 3, into: $1) }, x.map { Swift.min(Swift.max($0, -2), 3) })
        XCTAssertEqual(run(x) { VectorMath.affine($0, scale: 0.5, shift: 1, into: $1) }, x.map { $0 * 0.5 + 1 })
        XCTAssertEqual(run([4, 9, 2]) { VectorMath.sqrt($0, into: $1) }, [2, 3, Float(2).squareRoot()])
    }

    func testRawSoftmaxMatchesTensor() {
        let x: [Float] = (0..<30).map { Float(($0 * 7) % 11) - 5 }
        let t = try! Tensor<Float>(shape: [3, 10], scalars: x)
        XCTAssertEqual(run(x) { VectorMath.softmax($0, rows: 3, columns: 10, into: $1) }, t.softmax().scalars)
        XCTAssertEqual(run(x) { VectorMath.logSoftmax($0, rows: 3, columns: 10, into: $1) }, t.logSoftmax().scalars)
        var inPlace = x
        inPlace.withUnsafeMutableBufferPointer { VectorMath.softmax(UnsafeBufferPointer($0), rows: 3, columns: 10, into: $0) }
        XCTAssertEqual(inPlace, t.softmax().scalars, "softmax may run in place")
    }
}
