import XCTest
import SwiftLearnSystem
@testable import SwiftLearnTensor

/// The speed paths of issue 16 checked against numpy: the vector square root, huge-page allocations, and the
/// two-thread split of elementwise work (bit-identical for any thread count).
final class TensorFastPathTests: XCTestCase {
    /// numpy's `expression` (of `x`) on `values`, exchanged as raw little-endian bytes so the comparison is exact.
    func numpy<S: TensorFloatingPoint>(_ expression: String, _ values: [S], file: StaticString = #filePath,
                                       line: UInt = #line) throws -> [S] {
        let python = try CrossCheck.python(modules: ["numpy"], file: file, line: line)
        let bytes = values.withUnsafeBytes { Array($0) }
        let output = try CrossCheck.run(python, script: """
            import sys, numpy as np
            x = np.frombuffer(sys.stdin.buffer.read(), dtype=np.\(S.dtypeName))
            with np.errstate(all="ignore"):
                y = np.asarray(\(expression), dtype=np.\(S.dtypeName))
            sys.stdout.write(y.tobytes().hex())
            """, input: bytes, file: file, line: line)
        let raw = stride(from: 0, to: output.count, by: 2).map { offset -> UInt8 in
            let start = output.index(output.startIndex, offsetBy: offset)
            return UInt8(output[start..<output.index(start, offsetBy: 2)], radix: 16)!
        }
        return raw.withUnsafeBytes { Array($0.bindMemory(to: S.self)) }
    }

    /// Edge values every float kernel must get right, plus a spread of ordinary ones.
    func specialValues<S: TensorFloatingPoint>(_: S.Type) -> [S] {
        var values: [S] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .leastNormalMagnitude,
                           .greatestFiniteMagnitude, -.leastNonzeroMagnitude, 2, 0.25, 1e-30, 3e30]
        var generator = SplitMix64(seed: 16)
        for _ in 0..<200 { values.append(S(Double.random(in: -50...1000, using: &generator))) }
        for _ in 0..<100 { values.append(S(Double.random(in: 0...1e-3, using: &generator))) }
        return values
    }

    func assertBitIdentical<S: TensorFloatingPoint>(_ actual: [S], _ expected: [S], _ what: String,
                                                    file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        for (index, (a, e)) in zip(actual, expected).enumerated() {
            if e.isNaN { XCTAssert(a.isNaN, "\(what)[\(index)]: expected NaN, got \(a)", file: file, line: line); continue }
            XCTAssertEqual(a, e, "\(what)[\(index)]", file: file, line: line)
            XCTAssertEqual(a.sign, e.sign, "\(what)[\(index)] sign of \(e)", file: file, line: line)
        }
    }

    func testSquareRootIsNumpysBitForBit() throws {
        let floats = specialValues(Float.self)
        assertBitIdentical(Tensor(floats).sqrt().scalars, try numpy("np.sqrt(x)", floats), "Float sqrt")
        assertBitIdentical(floats.map(Float.squareRootOf), try numpy("np.sqrt(x)", floats), "Float scalar sqrt")
        let doubles = specialValues(Double.self)
        assertBitIdentical(Tensor(doubles).sqrt().scalars, try numpy("np.sqrt(x)", doubles), "Double sqrt")
        assertBitIdentical(doubles.map(Double.squareRootOf), try numpy("np.sqrt(x)", doubles), "Double scalar sqrt")
        // pow 0.5 takes the same path for Float; numpy's x ** 0.5 is sqrt too.
        assertBitIdentical(Tensor(floats).pow(0.5).scalars, try numpy("x ** 0.5", floats), "Float pow 0.5")
    }

    func testHugePageBuffersHoldCorrectResults() {
        // 6 MB results: large enough to be advised, odd length so the advised interior has ragged ends.
        let count = 1_500_003
        let a = Tensor<Float>((0..<count).map { Float($0 % 1013) - 500 })
        let b = Tensor<Float>((0..<count).map { Float($0 % 97) * 0.5 })
        let sum = a + b
        XCTAssertEqual(sum.scalars, zip(a.scalars, b.scalars).map { $0 + $1 })
        XCTAssertEqual(Tensor<Double>(repeating: 2.5, shape: [count]).scalars, [Double](repeating: 2.5, count: count))
        XCTAssertEqual(Tensor<Float>.zeros([2, count]).scalars.filter { $0 != 0 }.count, 0)
    }

    /// Every threaded elementwise path (same shape, scalar, row and column broadcasts, in place, unary maps,
    /// Float and Double) gives the same bits with one and with two threads.
    func testThreadedElementwisePathsAreBitIdenticalForOneAndTwoThreads() throws {
        func results<S: TensorFloatingPoint>(_: S.Type, threads: Int) throws -> [[S]] {
            let saved = Parallelism.threadCount
            Parallelism.threadCount = threads
            defer { Parallelism.threadCount = saved }
            let rows = 300, columns = 1000  // 3e5 elements: above every split threshold (2^18)
            var generator = SplitMix64(seed: 7)
            let x = try Tensor<S>(shape: [rows, columns],
                                  scalars: (0..<rows * columns).map { _ in S(Double.random(in: -20...20, using: &generator)) })
            let y = x.abs() + 0.5
            let row = Tensor<S>((0..<columns).map { S($0) / 100 - 3 })
            let column = try Tensor<S>(shape: [rows, 1], scalars: (0..<rows).map { S($0) / 50 - 7 })
            var inPlace = x
            inPlace *= y
            let tensors = [x + y, x * 2.5, x / y, x.pow(2), x.clipped(min: -1, max: 1), x.relu(), Tensor.maximum(x, 0),
                           x.exp(), y.log(), x.tanh(), y.sqrt(), x.sigmoid(), x.softmax(axis: 1), x + row, x * column,
                           inPlace, x.abs(), x.square()]
            return tensors.map(\.scalars)
        }
        for (one, two) in zip(try results(Float.self, threads: 1), try results(Float.self, threads: 2)) {
            XCTAssertEqual(one.map(\.bitPattern), two.map(\.bitPattern))
        }
        for (one, two) in zip(try results(Double.self, threads: 1), try results(Double.self, threads: 2)) {
            XCTAssertEqual(one.map(\.bitPattern), two.map(\.bitPattern))
        }
    }
}
