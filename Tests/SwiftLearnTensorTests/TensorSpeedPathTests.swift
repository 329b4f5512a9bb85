import XCTest
import SwiftLearnSystem
@testable import SwiftLearnTensor

/// The second round of issue 16's speed paths against numpy and naive loops: the one-pass vectorized
/// `argmax`/`argmin` (four lane sets, blocks, NaN marker) and the one-pass `clip`.
final class TensorSpeedPathTests: XCTestCase {
    /// Rows long enough for the four-set loop, the single-vector remainder and a scalar tail (523 = 32·16 + 11
    /// Floats, 65·8 + 3 Doubles), few distinct values so ties are everywhere, and special values: NaN in some
    /// rows (also in the tail), +inf next to -inf in rows without NaN (their sum trips the NaN marker), ±0.
    func argExtremumScalars(seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        let rows = 9, columns = 523
        var values = (0..<rows * columns).map { _ in Double(Int.random(in: -4...4, using: &generator)) }
        values[0 * columns + 300] = .nan; values[0 * columns + 400] = .nan
        values[1 * columns + 521] = .nan
        values[2 * columns + 16] = .infinity; values[2 * columns + 32] = -.infinity; values[2 * columns + 100] = .infinity
        values[3 * columns + 7] = -.infinity; values[3 * columns + 23] = .infinity
        for column in 0..<columns { values[4 * columns + column] = column % 2 == 0 ? 0 : -0.0 }
        for column in 0..<columns { values[5 * columns + column] = 7 }
        values[6 * columns + 522] = 99
        values[7 * columns] = -99
        return values
    }

    func checkArgExtremum<S: TensorFloatingPoint>(_: S.Type) throws {
        let scalars = argExtremumScalars(seed: 41).map { S($0) }
        let shape = [9, 523]
        let x = try Tensor<S>(shape: shape, scalars: scalars)
        let expressions = ["x.argmax(axis=1)", "x.argmin(axis=1)", "x.argmax(axis=0)", "x.argmin(axis=0)",
                           "[x.argmax(), x.argmin()]", "x.T.argmax(axis=1)", "x.T.argmin(axis=1)"]
        let expected = try TensorFastPathTests.numpy(expressions, scalars, shape: shape)
        let actual: [[Int]] = [x.argmax(axis: 1).scalars.map(Int.init), x.argmin(axis: 1).scalars.map(Int.init),
                               x.argmax(axis: 0).scalars.map(Int.init), x.argmin(axis: 0).scalars.map(Int.init),
                               [x.argmax(), x.argmin()],
                               x.transposed().argmax(axis: 1).scalars.map(Int.init),
                               x.transposed().argmin(axis: 1).scalars.map(Int.init)]
        for (expression, (mine, theirs)) in zip(expressions, zip(actual, expected)) {
            XCTAssertEqual(mine.map(Double.init), theirs, "\(S.self) \(expression)")
        }
        XCTAssertEqual(Tensor<S>.zeros([0, 5]).argmax(axis: 1).shape, [0])
    }

    func testArgmaxArgminOfLongRowsMatchNumpy() throws {
        try checkArgExtremum(Float.self)
        try checkArgExtremum(Double.self)
    }

    /// Runs split into blocks (2^24 elements in production, 40-200 here) merge to the first extremum overall.
    func testFirstExtremumIndexAcrossBlocksMatchesANaiveSearch() {
        func naive(_ values: [Double], maximum: Bool) -> Int {
            if let nan = values.firstIndex(where: \.isNaN) { return nan }
            let best = maximum ? values.max()! : values.min()!
            return values.firstIndex(of: best)!
        }
        var generator = SplitMix64(seed: 5)
        for trial in 0..<60 {
            let count = Int.random(in: 1...700, using: &generator)
            var values = (0..<count).map { _ in Double(Int.random(in: -3...3, using: &generator)) }
            if trial % 5 == 0 { values[Int.random(in: 0..<count, using: &generator)] = .nan }
            if trial % 7 == 0 { values[Int.random(in: 0..<count, using: &generator)] = .infinity }
            if trial % 3 == 0 { values[Int.random(in: 0..<count, using: &generator)] = -.infinity }
            for block in [40, 64, 200, 1 << 24] {
                for maximum in [true, false] {
                    let want = naive(values, maximum: maximum)
                    let floats = values.map { Float($0) }
                    XCTAssertEqual(floats.withUnsafeBufferPointer {
                        simdFirstExtremumIndex($0.baseAddress!, count: count, maximum: maximum, as: SIMD16<Float>.self, block: block)
                    }, want, "Float trial \(trial) block \(block) maximum \(maximum)")
                    XCTAssertEqual(values.withUnsafeBufferPointer {
                        simdFirstExtremumIndex($0.baseAddress!, count: count, maximum: maximum, as: SIMD8<Double>.self, block: block)
                    }, want, "Double trial \(trial) block \(block) maximum \(maximum)")
                }
            }
        }
    }

    func checkClip<S: TensorFloatingPoint>(_: S.Type) throws {
        var generator = SplitMix64(seed: 9)
        var scalars: [S] = [.nan, .infinity, -.infinity, 0, -0.0, 1, -1, 0.5, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
        for _ in 0..<203 { scalars.append(S(Double.random(in: -3...3, using: &generator))) }
        let shape = [3, 71]
        let x = try Tensor<S>(shape: shape, scalars: scalars)
        let bounds: [(S, S, String)] = [(-1, 1, "-1, 1"), (0, 0, "0, 0"), (-.infinity, 2, "-np.inf, 2"),
                                        (-0.5, .infinity, "-0.5, np.inf"), (.nan, 1, "np.nan, 1")]
        let expected = try TensorFastPathTests.numpy(bounds.map { "np.clip(x, \($0.2))" } + ["np.clip(x.T, -1, 1)"],
                                                     scalars, shape: shape)
        for ((lower, upper, text), wanted) in zip(bounds, expected) {
            TensorFastPathTests.assertBitIdentical(x.clipped(min: lower, max: upper).scalars, wanted, "\(S.self) clip(\(text))",
                                                   ignoringZeroSign: true)
        }
        TensorFastPathTests.assertBitIdentical(x.transposed().clipped(min: -1, max: 1).scalars, expected[5],
                                               "\(S.self) clip of the transpose", ignoringZeroSign: true)
        XCTAssertEqual(Tensor<S>.zeros([0, 3]).clipped(min: -1, max: 1).shape, [0, 3])
    }

    func testOnePassClipMatchesNumpy() throws {
        try checkClip(Float.self)
        try checkClip(Double.self)
    }
}
