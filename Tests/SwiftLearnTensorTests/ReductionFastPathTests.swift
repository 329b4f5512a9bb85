import XCTest
@testable import SwiftLearnTensor
import SwiftLearnSystem

/// The reduction paths of issue 16 against numpy: one-pass-storage `var`/`std` with `ddof`, vectorized
/// `argmax`/`argmin` (first occurrence, NaN wins), and axis reductions split over outputs.
final class ReductionFastPathTests: XCTestCase {
    /// numpy's results for `expressions`, keyed by expression (one Python process per call).
    func numpy<S: TensorScalar>(_ expressions: [String], _ values: [S], shape: [Int],
                                file: StaticString = #filePath, line: UInt = #line) throws -> [String: [Double]] {
        let results = try TensorFastPathTests.numpy(expressions, values, shape: shape, file: file, line: line)
        return Dictionary(uniqueKeysWithValues: zip(expressions, results))
    }

    func values<S: TensorFloatingPoint>(_: S.Type, _ count: Int, seed: UInt64) -> [S] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in S(Double.random(in: -4...9, using: &generator)) }
    }

    func assertClose(_ actual: [Double], _ expected: [Double], tolerance: Double, _ what: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        for (index, (a, e)) in zip(actual, expected).enumerated() {
            if e.isNaN { XCTAssert(a.isNaN, "\(what)[\(index)]: expected NaN, got \(a)", file: file, line: line); continue }
            if e.isInfinite { XCTAssertEqual(a, e, "\(what)[\(index)]", file: file, line: line); continue }
            XCTAssertEqual(a, e, accuracy: tolerance * Swift.max(1, Swift.abs(e)), "\(what)[\(index)]", file: file, line: line)
        }
    }

    func checkVariance<S: TensorFloatingPoint>(_: S.Type, tolerance: Double) throws {
        let shape = [5, 37, 19]
        let scalars = values(S.self, 5 * 37 * 19, seed: 3)
        let x = try Tensor<S>(shape: shape, scalars: scalars)
        var expressions: [String] = []
        for ddof in [0, 1, 2] {
            expressions.append("[x.var(ddof=\(ddof)), x.std(ddof=\(ddof))]")
            for axis in [0, 1, -1] {
                expressions += ["x.var(axis=\(axis), ddof=\(ddof))", "x.std(axis=\(axis), ddof=\(ddof), keepdims=True)"]
            }
        }
        let expected = try numpy(expressions, scalars, shape: shape)
        for ddof in [0, 1, 2] {
            assertClose([x.variance(ddof: ddof).doubleValue, x.standardDeviation(ddof: ddof).doubleValue],
                        expected["[x.var(ddof=\(ddof)), x.std(ddof=\(ddof))]"]!, tolerance: tolerance, "\(S.self) var/std ddof \(ddof)")
            for axis in [0, 1, -1] {
                assertClose(x.variance(axis: axis, ddof: ddof).scalars.map(\.doubleValue), expected["x.var(axis=\(axis), ddof=\(ddof))"]!,
                            tolerance: tolerance, "\(S.self) var axis \(axis) ddof \(ddof)")
                let std = x.standardDeviation(axis: axis, keepDims: true, ddof: ddof)
                var keptShape = shape
                keptShape[(axis + 3) % 3] = 1
                XCTAssertEqual(std.shape, keptShape)
                assertClose(std.scalars.map(\.doubleValue), expected["x.std(axis=\(axis), ddof=\(ddof), keepdims=True)"]!,
                            tolerance: tolerance, "\(S.self) std axis \(axis)")
            }
        }
    }

    func testVarianceAndStandardDeviationMatchNumpyWithDdof() throws {
        try checkVariance(Float.self, tolerance: 2e-5)
        try checkVariance(Double.self, tolerance: 1e-12)
    }

    func testVarianceEdgeCasesMatchNumpy() throws {
        // NaN and inf poison their column (inf - inf); ddof >= count divides by zero; empty gives NaN.
        let scalars: [Double] = [1, .nan, 3, 4, .infinity, 6, 7, 8, 10, 2, 2, 2]
        let x = try Tensor<Double>(shape: [4, 3], scalars: scalars)
        let cases = [("x.var(axis=0)", x.variance(axis: 0)), ("x.var(axis=1)", x.variance(axis: 1)),
                     ("x.var(axis=1, ddof=3)", x.variance(axis: 1, ddof: 3)),
                     ("x[3:].var(axis=1, ddof=1)", x.rows(3..<4).variance(axis: 1, ddof: 1))]
        let expected = try numpy(cases.map(\.0), scalars, shape: [4, 3])
        for (expression, actual) in cases {
            assertClose(actual.scalars, expected[expression]!, tolerance: 1e-14, expression)
        }
        XCTAssert(x.variance().isNaN)
        XCTAssertEqual(Tensor<Float>([1, 3]).variance(ddof: 2), .infinity)
        XCTAssert(Tensor<Float>([2, 2]).variance(ddof: 2).isNaN, "0/0 like numpy")
        XCTAssert(Tensor<Float>([]).variance().isNaN)
        XCTAssert(Tensor<Float>([]).standardDeviation().isNaN)
        let empty = Tensor<Float>.zeros([0, 3])
        XCTAssertEqual(empty.variance(axis: 0).shape, [3])
        XCTAssert(empty.variance(axis: 0).scalars.allSatisfy(\.isNaN))
        XCTAssertEqual(empty.variance(axis: 1).shape, [0])
    }

    func checkArgExtremum<S: TensorScalar>(_ scalars: [S], shape: [Int], _ what: String) throws {
        let x = try Tensor<S>(shape: shape, scalars: scalars)
        let axes = Array(-shape.count..<shape.count)
        let expected = try numpy(["x.argmax()", "x.argmin()"] + axes.flatMap { ["x.argmax(axis=\($0))", "x.argmin(axis=\($0))"] },
                                 scalars, shape: shape)
        XCTAssertEqual([Double(x.argmax())], expected["x.argmax()"], "\(what) argmax()")
        XCTAssertEqual([Double(x.argmin())], expected["x.argmin()"], "\(what) argmin()")
        for axis in axes {
            XCTAssertEqual(x.argmax(axis: axis).scalars.map(Double.init), expected["x.argmax(axis=\(axis))"], "\(what) argmax axis \(axis)")
            XCTAssertEqual(x.argmin(axis: axis).scalars.map(Double.init), expected["x.argmin(axis=\(axis))"], "\(what) argmin axis \(axis)")
        }
    }

    func testArgmaxArgminMatchNumpyWithTiesNaNAndInfinities() throws {
        // Few distinct values, so ties are everywhere; NaN, ±inf and ±0 sprinkled in.
        var generator = SplitMix64(seed: 11)
        let shape = [6, 7, 40]
        let count = shape.reduce(1, *)
        let specials: [Float] = [.nan, .infinity, -.infinity, 0, -0.0]
        let floats: [Float] = (0..<count).map { _ in
            Int.random(in: 0..<40, using: &generator) == 0 ? specials.randomElement(using: &generator)!
                : Float(Int.random(in: -3...3, using: &generator))
        }
        try checkArgExtremum(floats, shape: shape, "Float")
        try checkArgExtremum(floats.map(Double.init), shape: shape, "Double")
        let noNaN = floats.map { $0.isNaN ? 1 : $0 }
        try checkArgExtremum(noNaN, shape: shape, "Float without NaN")
        try checkArgExtremum(noNaN.map { Int32($0.isFinite ? $0 : ($0 > 0 ? 9 : -9)) }, shape: shape, "Int32")
        try checkArgExtremum(noNaN.map { UInt8($0.isFinite ? $0 + 3 : ($0 > 0 ? 255 : 0)) }, shape: shape, "UInt8")
    }

    /// Rows long enough for the two-pass finite path (a maximum pass, then a search for its first occurrence):
    /// ties everywhere, ±0, the extremum in the overlapping last vector, huge finite values whose running sum
    /// overflows (handed to the one-pass loop), and a NaN after the maximum (NaN still wins).
    func testArgmaxArgminOfFiniteRowsMatchNumpy() throws {
        var generator = SplitMix64(seed: 29)
        for columns in [32, 33, 47, 100, 129, 1000] {
            let rows = 7
            var floats: [Float] = (0..<rows * columns).map { _ in Float(Int.random(in: -5...5, using: &generator)) }
            floats[columns - 1] = 9                                   // row 0: maximum in the last lane
            floats[2 * columns + 3] = -0.0; floats[2 * columns + 4] = 0 // row 2: zeros of both signs
            for j in 0..<columns { floats[2 * columns + j] = floats[2 * columns + j] == 0 ? floats[2 * columns + j] : -1 }
            floats[3 * columns + columns / 2] = .greatestFiniteMagnitude // row 3: the sum overflows
            floats[3 * columns + columns / 2 + 1] = .greatestFiniteMagnitude
            floats[4 * columns + columns - 2] = .nan                  // row 4: NaN after the maximum
            floats[5 * columns + columns - 1] = -.greatestFiniteMagnitude
            try checkArgExtremum(floats, shape: [rows, columns], "Float \(columns) columns")
            try checkArgExtremum(floats.map(Double.init), shape: [rows, columns], "Double \(columns) columns")
        }
    }

    /// argmax/argmin along contiguous rows go through blocks of ~16 KB of rows (the extremum pass over every row of
    /// a block, then the searches): many rows (several blocks, a partial last one), rows just below the two-vector
    /// minimum (31 Float columns, the per-row fallback) and rows longer than a block (5000 Float columns), with a
    /// NaN, an infinity or an overflowing sum in some rows of a block and not in others; against a naive loop,
    /// for one and two threads (the rows split over threads; same indices).
    func testArgmaxArgminAlongRowsInBlocksMatchANaiveLoop() throws {
        func naive<S: TensorFloatingPoint>(_ row: ArraySlice<S>, maximum: Bool) -> Int32 {
            if let nan = row.firstIndex(where: \.isNaN) { return Int32(nan - row.startIndex) }
            let best = maximum ? row.max()! : row.min()!
            return Int32(row.firstIndex(of: best)! - row.startIndex)
        }
        func check<S: TensorFloatingPoint>(_: S.Type, rows: Int, columns: Int, seed: UInt64) throws {
            var generator = SplitMix64(seed: seed)
            var scalars = (0..<rows * columns).map { _ in S(Int.random(in: -6...6, using: &generator)) }
            for row in Swift.stride(from: 1, to: rows, by: 5) { scalars[row * columns + Int.random(in: 0..<columns, using: &generator)] = .nan }
            for row in Swift.stride(from: 2, to: rows, by: 7) { scalars[row * columns + Int.random(in: 0..<columns, using: &generator)] = -.infinity }
            for row in Swift.stride(from: 3, to: rows, by: 9) {
                scalars[row * columns] = .greatestFiniteMagnitude; scalars[row * columns + columns - 1] = .greatestFiniteMagnitude
            }
            let x = try Tensor<S>(shape: [rows, columns], scalars: scalars)
            for maximum in [true, false] {
                let expected = (0..<rows).map { naive(scalars[$0 * columns..<($0 + 1) * columns], maximum: maximum) }
                for threads in [1, 2] {
                    let saved = Parallelism.threadCount
                    Parallelism.threadCount = threads
                    defer { Parallelism.threadCount = saved }
                    let got = maximum ? x.argmax(axis: 1) : x.argmin(axis: -1)
                    XCTAssertEqual(got.scalars, expected, "\(S.self) [\(rows), \(columns)] maximum \(maximum) threads \(threads)")
                }
            }
        }
        for (rows, columns) in [(40, 100), (37, 31), (9, 5000), (600, 1000), (1, 32)] {
            try check(Float.self, rows: rows, columns: columns, seed: UInt64(rows * 7 + columns))
            try check(Double.self, rows: rows, columns: columns, seed: UInt64(rows * 11 + columns))
        }
        XCTAssertEqual(Tensor<Float>.zeros([0, 100]).argmax(axis: 1).shape, [0])
        XCTAssertEqual(Tensor<Double>.zeros([3, 40]).argmin(axis: 1).scalars, [0, 0, 0])
    }

    /// The row searches of argmax/argmin (the group-tracking pass, which keeps per lane the first group of four
    /// vectors where the lane's extremum improved, then searches that group): the extremum in every group, in
    /// the tail past the last whole group and in the overlapping last group, ties in two groups (the earlier wins),
    /// ties everywhere (values from {-1, 0, 1}), -0 and +0 in different groups, a NaN or ±inf in some rows, all
    /// -inf, huge values whose sum overflows, rows either side of four vectors, at and past the search limit (1024
    /// vectors), argmax down a middle axis and of a transposed copy, and empty rows; against a naive loop on one and
    /// two threads.
    func testArgmaxArgminRowSearchesMatchANaiveLoop() throws {
        func naive<S: TensorFloatingPoint>(_ row: ArraySlice<S>, maximum: Bool) -> Int32 {
            var best = row.startIndex
            for i in row.indices {
                if row[i].isNaN { return Int32(i - row.startIndex) }
                if maximum ? row[i] > row[best] : row[i] < row[best] { best = i }
            }
            return Int32(best - row.startIndex)
        }
        func rowsOfCase<S: TensorFloatingPoint>(_: S.Type, columns: Int, generator: inout SplitMix64) -> [[S]] {
            let group = 4 * (64 / MemoryLayout<S>.stride)
            var rows: [[S]] = []
            let plain = (0..<columns).map { _ in S(Int.random(in: -20...20, using: &generator)) / 4 }
            // The row's largest and smallest value at each group start, mid-group and in the tail.
            for position in Array(Swift.stride(from: 0, to: columns, by: Swift.max(1, group / 3, columns / 24))) + [columns - 1, columns - group / 8] {
                var row = plain
                row[position] = 100; row[(position + columns / 2) % columns] = -100
                rows.append(row)
            }
            var ties = plain                                       // the same maximum in two groups
            ties[columns - 1] = 50; ties[columns / 3] = 50; ties[(columns / 3 + group) % columns] = -50; ties[2] = -50
            rows.append(ties)
            var zeros = [S](repeating: -1, count: columns)          // -0 before +0, in different groups
            zeros[Swift.min(columns - 1, group + 1)] = -0.0; zeros[columns - 1] = 0
            rows.append(zeros)
            rows.append(zeros.map { -$0 })                          // +0 before -0 for the minimum
            var nan = plain; nan[columns - 2] = .nan; nan[columns / 2] = 100; rows.append(nan)
            var infinity = plain; infinity[columns / 2] = .infinity; infinity[columns - 1] = -.infinity
            rows.append(infinity)
            rows.append([S](repeating: 3, count: columns))          // all equal
            for _ in 0..<6 {                                        // ties everywhere, in every lane
                rows.append((0..<columns).map { _ in S(Int.random(in: -1...1, using: &generator)) })
            }
            var huge = [S](repeating: S.greatestFiniteMagnitude / 2, count: columns)  // the sum overflows
            huge[columns / 2] = S.greatestFiniteMagnitude; huge[columns - 1] = S.greatestFiniteMagnitude
            rows.append(huge)
            rows.append([S](repeating: -.infinity, count: columns))
            return rows
        }
        func check<S: TensorFloatingPoint>(_: S.Type, columns: Int, seed: UInt64) throws {
            var generator = SplitMix64(seed: seed)
            let rows = rowsOfCase(S.self, columns: columns, generator: &generator)
            let scalars = rows.flatMap { $0 }
            let x = try Tensor<S>(shape: [rows.count, columns], scalars: scalars)
            // The same rows down axis 0 (strided) and down the middle axis of [2, columns, rows / 2].
            let transposed = x.transposed()
            let half = rows.count / 2
            let middle = try Tensor<S>(shape: [2, half, columns], scalars: Array(scalars[0..<2 * half * columns]))
                .permuted([0, 2, 1])
            for maximum in [true, false] {
                let expected = rows.map { naive($0[...], maximum: maximum) }
                for threads in [1, 2] {
                    let saved = Parallelism.threadCount
                    Parallelism.threadCount = threads
                    defer { Parallelism.threadCount = saved }
                    let what = "\(S.self) \(columns) columns maximum \(maximum) threads \(threads)"
                    XCTAssertEqual((maximum ? x.argmax(axis: 1) : x.argmin(axis: 1)).scalars, expected, what)
                    XCTAssertEqual((maximum ? transposed.argmax(axis: 0) : transposed.argmin(axis: 0)).scalars, expected,
                                   "transposed " + what)
                    XCTAssertEqual((maximum ? middle.argmax(axis: 1) : middle.argmin(axis: 1)).scalars,
                                   Array(expected[0..<2 * half]), "middle axis " + what)
                }
            }
        }
        for columns in [32, 63, 64, 65, 100, 127, 128, 255, 256, 1000, 4097, 16384, 16385] {
            try check(Float.self, columns: columns, seed: UInt64(columns))
        }
        for columns in [16, 31, 32, 33, 100, 511, 512, 1000, 8192, 8193] {
            try check(Double.self, columns: columns, seed: UInt64(columns) + 1)
        }
        XCTAssertEqual(Tensor<Float>.zeros([0, 1000]).argmax(axis: 1).shape, [0])
        XCTAssertEqual(Tensor<Double>.zeros([0, 64]).argmin(axis: 1).shape, [0])
    }

    /// Large enough that the axis reductions split over two threads (columns for axis 0, rows for axis 1).
    func testSplitAxisReductionsMatchNumpy() throws {
        let shape = [300, 1000]
        let scalars = values(Float.self, 300 * 1000, seed: 5)
        let x = try Tensor<Float>(shape: shape, scalars: scalars)
        let expected = try numpy(["x.astype(np.float64).sum(axis=0)", "x.astype(np.float64).sum(axis=1)", "x.max(axis=1)",
                                  "x.min(axis=0)", "x.argmax(axis=0)", "x.argmax(axis=1)"], scalars, shape: shape)
        assertClose(x.sum(axis: 0).scalars.map(Double.init), expected["x.astype(np.float64).sum(axis=0)"]!, tolerance: 1e-5, "sum axis 0")
        assertClose(x.sum(axis: 1).scalars.map(Double.init), expected["x.astype(np.float64).sum(axis=1)"]!, tolerance: 1e-5, "sum axis 1")
        XCTAssertEqual(x.max(axis: 1).scalars.map(Double.init), expected["x.max(axis=1)"])
        XCTAssertEqual(x.min(axis: 0).scalars.map(Double.init), expected["x.min(axis=0)"])
        XCTAssertEqual(x.argmax(axis: 0).scalars.map(Double.init), expected["x.argmax(axis=0)"])
        XCTAssertEqual(x.argmax(axis: 1).scalars.map(Double.init), expected["x.argmax(axis=1)"])
    }
    /// Column sums add four rows per sweep; the result must carry the bits of adding one row at a time, in row
    /// order (a naive loop), for every remainder of rows and of columns, NaN and infinities included.
    func checkColumnSumsMatchRowByRowAddition<S: TensorFloatingPoint>(_: S.Type) throws {
        for (rows, columns) in [(1, 5), (2, 17), (4, 33), (5, 16), (7, 40), (9, 3), (12, 65)] {
            var scalars = values(S.self, rows * columns, seed: UInt64(rows * 100 + columns))
            scalars[scalars.count / 2] = .nan
            scalars[scalars.count - 1] = .infinity
            let x = try Tensor<S>(shape: [rows, columns], scalars: scalars)
            var expected = Array(scalars[0..<columns])
            for r in 1..<rows { for c in 0..<columns { expected[c] = expected[c] + scalars[r * columns + c] } }
            let sums = x.sum(axis: 0).scalars
            XCTAssertEqual(sums.map { $0.isNaN ? .nan : Double($0) }.map(\.bitPattern),
                           expected.map { $0.isNaN ? .nan : Double($0) }.map(\.bitPattern), "\(S.self) [\(rows), \(columns)]")
            // The same sums over a leading axis: [2, rows, columns] reduced along axis 1.
            let stacked = Tensor.stack([x, x], axis: 0).sum(axis: 1).scalars
            XCTAssertEqual(Array(stacked[0..<columns]).map { $0.isNaN ? .nan : Double($0) }.map(\.bitPattern),
                           expected.map { $0.isNaN ? .nan : Double($0) }.map(\.bitPattern))
        }
    }

    func testColumnSumsMatchRowByRowAddition() throws {
        try checkColumnSumsMatchRowByRowAddition(Float.self)
        try checkColumnSumsMatchRowByRowAddition(Double.self)
    }

    /// Column sums of 2^20 elements or more add blocks of whole rows (261 rows of 1003 here, about 2^18 elements),
    /// each row by row, then the blocks' sums in order: the same bits as that order written out, with NaN and
    /// infinity in some columns, for one and two threads (the blocks split over threads).
    func testColumnSumsOfLargeBlocksMatchRowByRowAddition() throws {
        let rows = 2200, columns = 1003  // 8.8 MB of Float
        var scalars = values(Float.self, rows * columns, seed: 77)
        scalars[5 * columns + 17] = .nan
        scalars[1500 * columns + 1002] = .infinity
        let x = try Tensor<Float>(shape: [rows, columns], scalars: scalars)
        XCTAssertEqual(Tensor<Float>.rowsPerSumBlock(extent: rows, inner: columns), 261)
        var expected = [Float](repeating: 0, count: columns)
        for first in stride(from: 0, to: rows, by: 261) {
            var partial = Array(scalars[(first * columns)..<((first + 1) * columns)])
            for r in (first + 1)..<Swift.min(first + 261, rows) {
                for c in 0..<columns { partial[c] = partial[c] + scalars[r * columns + c] }
            }
            for c in 0..<columns { expected[c] = first == 0 ? partial[c] : expected[c] + partial[c] }
        }
        for threads in [1, 2] {
            let saved = Parallelism.threadCount
            Parallelism.threadCount = threads
            defer { Parallelism.threadCount = saved }
            XCTAssertEqual(x.sum(axis: 0).scalars.map { $0.isNaN ? Float.nan.bitPattern : $0.bitPattern },
                           expected.map { $0.isNaN ? Float.nan.bitPattern : $0.bitPattern }, "threads \(threads)")
        }
    }

    /// `max`/`min` whole and along rows against a naive loop, for every run length around the vector widths:
    /// finite runs (the four-chain path), runs holding a NaN or an infinity, runs whose sum overflows (both fall
    /// back to the one-chain loop), and the sign of zero (the maximum of +0s is +0, the minimum of -0s is -0).
    func checkExtremaAgainstLoops<S: TensorFloatingPoint>(_: S.Type) throws {
        func naive(_ run: ArraySlice<S>, maximum: Bool) -> S {
            if run.contains(where: { $0.isNaN }) { return .nan }
            return run.dropFirst().reduce(run.first!) { maximum ? ($1 > $0 ? $1 : $0) : ($1 < $0 ? $1 : $0) }
        }
        func same(_ a: S, _ b: S) -> Bool { a.isNaN ? b.isNaN : a == b && a.sign == b.sign }
        for length in [1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 129, 1000] {
            var generator = SplitMix64(seed: UInt64(length))
            let finite = (0..<(3 * length)).map { _ in S(Double.random(in: -4...9, using: &generator)) }
            var special = finite
            special[length / 2] = .infinity                             // row 0: +inf
            special[length + length - 1] = .nan                         // row 1: NaN in its last position
            special[2 * length] = -S.greatestFiniteMagnitude            // row 2: a sum that overflows
            special[3 * length - 1] = -S.greatestFiniteMagnitude
            let zeros = [S](repeating: 0, count: length) + [S](repeating: -S.zero, count: length) + finite[0..<length]
            for (name, scalars) in [("finite", finite), ("special", special), ("zeros", zeros)] {
                let x = try Tensor<S>(shape: [3, length], scalars: scalars)
                for maximum in [true, false] {
                    let rows = (0..<3).map { naive(scalars[($0 * length)..<(($0 + 1) * length)], maximum: maximum) }
                    let actual = maximum ? x.max(axis: 1).scalars : x.min(axis: 1).scalars
                    for (row, (a, e)) in zip(actual, rows).enumerated() {
                        XCTAssert(same(a, e), "\(S.self) \(name) length \(length) row \(row) \(maximum ? "max" : "min"): \(a), expected \(e)")
                    }
                    let whole = naive(scalars[...], maximum: maximum), got = maximum ? x.max() : x.min()
                    XCTAssert(same(got, whole), "\(S.self) \(name) length \(length) whole: \(got), expected \(whole)")
                }
            }
        }
    }

    func testExtremaMatchNaiveLoopsFloat() throws { try checkExtremaAgainstLoops(Float.self) }
    func testExtremaMatchNaiveLoopsDouble() throws { try checkExtremaAgainstLoops(Double.self) }
}
