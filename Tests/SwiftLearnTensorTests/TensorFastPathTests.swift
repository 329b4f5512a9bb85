import XCTest
import SwiftLearnSystem
@testable import SwiftLearnTensor

/// The speed paths of issue 16 checked against numpy: the vector square root, huge-page allocations, and the
/// two-thread split of elementwise work (bit-identical for any thread count).
final class TensorFastPathTests: XCTestCase {
    /// numpy's `expression` of `x` (`values` reshaped to `shape`), flattened and returned as float64 (exact for
    /// float32, float64 and integer results). Exchanged as raw bytes, so comparisons can be bit-exact.
    static func numpy<S: TensorScalar>(_ expression: String, _ values: [S], shape: [Int]? = nil,
                                       file: StaticString = #filePath, line: UInt = #line) throws -> [Double] {
        try numpy([expression], values, shape: shape, file: file, line: line)[0]
    }

    /// Several expressions of the same `x` in one Python process (numpy's start-up dominates small checks).
    static func numpy<S: TensorScalar>(_ expressions: [String], _ values: [S], shape: [Int]? = nil,
                                       file: StaticString = #filePath, line: UInt = #line) throws -> [[Double]] {
        let python = try CrossCheck.python(modules: ["numpy"], file: file, line: line)
        let bytes = values.withUnsafeBytes { Array($0) }
        let dimensions = (shape ?? [values.count]).map(String.init).joined(separator: ",")
        let list = expressions.map { "lambda: \($0)" }.joined(separator: ", ")
        let output = try CrossCheck.run(python, script: """
            import sys, numpy as np
            x = np.frombuffer(sys.stdin.buffer.read(), dtype=np.\(S.dtypeName)).reshape((\(dimensions),))
            for f in [\(list)]:
                with np.errstate(all="ignore"):
                    y = np.asarray(f()).astype(np.float64).ravel()
                print(y.tobytes().hex())
            """, input: bytes, file: file, line: line)
        return output.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let text = Array(line.utf8)
            let raw = stride(from: 0, to: text.count - 1, by: 2).map { UInt8(String(decoding: text[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
            return raw.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        }
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

    /// Equal values and signs (NaN matching any NaN); `ignoringZeroSign` accepts -0 for +0 (numpy's clip keeps either).
    static func assertBitIdentical<S: TensorScalar>(_ actual: [S], _ expected: [Double], _ what: String,
                                                    ignoringZeroSign: Bool = false,
                                                    file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        for (index, (value, e)) in zip(actual, expected).enumerated() {
            let a = value.doubleValue
            if e.isNaN { XCTAssert(a.isNaN, "\(what)[\(index)]: expected NaN, got \(a)", file: file, line: line); continue }
            XCTAssertEqual(a, e, "\(what)[\(index)]", file: file, line: line)
            if ignoringZeroSign && e == 0 { continue }
            XCTAssertEqual(a.sign, e.sign, "\(what)[\(index)] sign of \(e)", file: file, line: line)
        }
    }

    func testSquareRootIsNumpysBitForBit() throws {
        let floats = specialValues(Float.self)
        let expectedFloats = try Self.numpy("np.sqrt(x)", floats)
        Self.assertBitIdentical(Tensor(floats).sqrt().scalars, expectedFloats, "Float sqrt")
        Self.assertBitIdentical(floats.map(Float.squareRootOf), expectedFloats, "Float scalar sqrt")
        let doubles = specialValues(Double.self)
        let expectedDoubles = try Self.numpy("np.sqrt(x)", doubles)
        Self.assertBitIdentical(Tensor(doubles).sqrt().scalars, expectedDoubles, "Double sqrt")
        Self.assertBitIdentical(doubles.map(Double.squareRootOf), expectedDoubles, "Double scalar sqrt")
        // Exponent 0.5 takes the same path, as numpy's x ** 0.5 does; exponent 2 is an exact square.
        Self.assertBitIdentical(Tensor(floats).pow(0.5).scalars, try Self.numpy("x ** 0.5", floats), "Float pow 0.5")
        Self.assertBitIdentical(Tensor(doubles).pow(0.5).scalars, try Self.numpy("x ** 0.5", doubles), "Double pow 0.5")
        Self.assertBitIdentical(Tensor(doubles).pow(2).scalars, try Self.numpy("x ** 2", doubles), "Double pow 2")
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

    func testDoubleSoftmaxRowsMatchNumpy() throws {
        // Ordinary rows, a row with NaN, a row of -inf (0/0 → NaN like numpy) and a row with one +inf.
        var generator = SplitMix64(seed: 21)
        var scalars = (0..<4 * 37).map { _ in Double.random(in: -30...30, using: &generator) }
        scalars += [Double](repeating: 1, count: 37); scalars[4 * 37 + 5] = .nan
        scalars += [Double](repeating: -.infinity, count: 37)
        scalars += [Double](repeating: 2, count: 37); scalars[6 * 37 + 3] = .infinity
        let x = try Tensor<Double>(shape: [7, 37], scalars: scalars)
        let expected = try Self.numpy([
            "np.exp(x - x.max(axis=1, keepdims=True)) / np.exp(x - x.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)",
            "(x - x.max(axis=1, keepdims=True)) - np.log(np.exp(x - x.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True))",
        ], scalars, shape: [7, 37])
        for (actual, wanted, name) in [(x.softmax().scalars, expected[0], "softmax"), (x.logSoftmax().scalars, expected[1], "logSoftmax")] {
            for (index, (a, e)) in zip(actual, wanted).enumerated() {
                if e.isNaN { XCTAssert(a.isNaN, "\(name)[\(index)] expected NaN, got \(a)"); continue }
                XCTAssertEqual(a, e, accuracy: 1e-13 * Swift.max(1, Swift.abs(e)), "\(name)[\(index)]")
            }
        }
    }

    /// The square root split over two threads (each part an out-of-line `vsqrtps`/`vsqrtpd` loop) gives numpy's
    /// bits on special values (NaN, ±inf, ±0, negatives, subnormals) spread over both parts and at the part
    /// boundary, the same bits as one thread, for contiguous, transposed (non-contiguous source) and empty input.
    func testSquareRootOnTwoThreadsIsNumpysBitForBit() throws {
        func check<S: TensorFloatingPoint>(_: S.Type) throws {
            let special = specialValues(S.self)
            let rows = 64, columns = 100  // 6,400 elements: split in two above 2^18 / 64
            let values = (0..<rows * columns).map { special[($0 &* 7) % special.count] }
            let x = try Tensor<S>(shape: [rows, columns], scalars: values)
            let expected = try Self.numpy(["np.sqrt(x)", "np.sqrt(x.T)", "x ** 0.5"], values, shape: [rows, columns])
            let saved = Parallelism.threadCount
            ParallelChunks.thresholdDivisor = 64
            defer { Parallelism.threadCount = saved; ParallelChunks.thresholdDivisor = 1 }
            var byThreads: [[S]] = []
            for threads in [1, 2] {
                Parallelism.threadCount = threads
                let root = x.sqrt().scalars
                Self.assertBitIdentical(root, expected[0], "\(S.self) sqrt, \(threads) threads")
                Self.assertBitIdentical(x.transposed().sqrt().scalars, expected[1], "\(S.self) sqrt of x.T, \(threads) threads")
                Self.assertBitIdentical(x.pow(0.5).scalars, expected[2], "\(S.self) pow 0.5, \(threads) threads")
                XCTAssertEqual(Tensor<S>(shape: [0, 3]) { _ in }.sqrt().shape, [0, 3])
                byThreads.append(root)
            }
            XCTAssertEqual(byThreads[0].map(\.doubleValue.bitPattern), byThreads[1].map(\.doubleValue.bitPattern))
        }
        try check(Float.self)
        try check(Double.self)
    }

    /// Storage from 16 MB up is sized so its block spans whole 2 MB pages (the capacity past `count` is never part
    /// of the tensor); smaller storage is exactly `count`. A 17 MB result and its input keep every value.
    func testLargeStorageSpansWholeHugePagesAndKeepsItsValues() throws {
        for stride in [1, 4, 8] {
            for count in [0, 1000, (16 << 20) / stride - 1] {
                XCTAssertEqual(HugePages.arrayCapacity(count: count, stride: stride), count, "\(count) x \(stride) bytes")
            }
            for count in [(16 << 20) / stride, (40_000_000 + stride - 1) / stride, (80 << 20) / stride + 5] {
                let capacity = HugePages.arrayCapacity(count: count, stride: stride)
                XCTAssertGreaterThanOrEqual(capacity, count)
                XCTAssertEqual((capacity * stride + HugePages.arrayHeaderAllowance) % HugePages.pageSize, 0, "\(count) x \(stride)")
                XCTAssertLessThan(capacity * stride - count * stride, HugePages.pageSize)
            }
        }
        let count = (17 << 20) / 4
        let x = Tensor<Float>(shape: [count]) { buffer in for i in buffer.indices { buffer[i] = Float(i % 1000) - 500 } }
        XCTAssertEqual(x.scalars.count, count)
        let y = x + x
        XCTAssertEqual(y.shape, [count])
        XCTAssertEqual(y.scalars.count, count)
        for i in [0, 1, 4095, 4096, 524_287, 524_288, count / 2, count - 2, count - 1] {
            XCTAssertEqual(x.scalars[i], Float(i % 1000) - 500, "x[\(i)]")
            XCTAssertEqual(y.scalars[i], 2 * (Float(i % 1000) - 500), "y[\(i)]")
        }
    }

    /// A blocked whole-tensor sum (thresholds / 256: 10,000 elements in ten 1,024-element blocks, as 10^7 go in
    /// 2^18-element blocks in production) gives the same bits on one and two threads, agrees with a Double loop, and
    /// `mean()`, `variance()`'s mean and a rows view follow it bit for bit; integer sums still wrap.
    func testBlockedSumIsTheSameOnOneAndTwoThreads() throws {
        func check<S: TensorFloatingPoint>(_: S.Type, tolerance: Double) throws {
            var generator = SplitMix64(seed: 11)
            let values = (0..<10_000).map { _ in S(Double.random(in: -3...5, using: &generator)) }
            let x = try Tensor<S>(shape: [100, 100], scalars: values)
            let reference = values.reduce(0.0) { $0 + $1.doubleValue }
            let saved = Parallelism.threadCount
            ParallelChunks.thresholdDivisor = 256
            defer { Parallelism.threadCount = saved; ParallelChunks.thresholdDivisor = 1 }
            XCTAssertEqual(Tensor<S>.blockedSumMinimumCount, 4096)
            var bits: [[UInt64]] = []
            for threads in [1, 2] {
                Parallelism.threadCount = threads
                let sum = x.sum(), mean = x.mean(), deviation = x.standardDeviation()
                XCTAssertEqual(sum.doubleValue, reference, accuracy: tolerance * Swift.abs(reference), "\(S.self), \(threads) threads")
                XCTAssertEqual(mean.doubleValue, reference / 10_000, accuracy: tolerance * Swift.abs(reference) / 10_000)
                bits.append([sum, mean, deviation].map(\.doubleValue.bitPattern))
                // variance() centres on mean()'s bits: Σ(x - mean())² / n.
                let centred = x.withUnsafeBufferPointer { S.sumOfSquaredDeviations($0, from: mean) } / S(10_000)
                XCTAssertEqual(x.variance().doubleValue.bitPattern, centred.doubleValue.bitPattern, "\(S.self) variance")
                // A rows view sums as the same rows copied (6,000 elements: blocked too).
                let view = x.rowsView(20..<80)
                XCTAssertEqual(view.sum().doubleValue.bitPattern, view.copy().sum().doubleValue.bitPattern, "\(S.self) view")
                XCTAssertEqual(view.mean().doubleValue.bitPattern, view.copy().mean().doubleValue.bitPattern)
            }
            XCTAssertEqual(bits[0], bits[1], "\(S.self)")
        }
        try check(Float.self, tolerance: 1e-6)
        try check(Double.self, tolerance: 1e-13)
        ParallelChunks.thresholdDivisor = 256
        defer { ParallelChunks.thresholdDivisor = 1 }
        let wrapping = try Tensor<Int32>(shape: [5000], scalars: [Int32](repeating: Int32.max / 1000, count: 5000))
        XCTAssertEqual(wrapping.sum(), (0..<5000).reduce(Int32(0)) { total, _ in total &+ Int32.max / 1000 })
    }

    /// Sums down an axis of 2^20 elements or more (thresholds / 256 here: [100, 64] makes 6,400 elements in blocks of
    /// 16 rows) add each block's rows in order, then the blocks' partial sums in order: the same bits on one and two
    /// threads, equal to that order written out, close to a Double loop; `mean(axis:)` divides those sums, and
    /// `variance(axis:)` centres on `mean(axis:)`'s bits. A leading axis of 3 (the column-split path) follows the
    /// same blocks, and sums along a contiguous axis match `sum()` of each run.
    func testBlockedSumsDownAnAxisAreTheSameOnOneAndTwoThreads() throws {
        func check<S: TensorFloatingPoint>(_: S.Type, tolerance: Double) throws {
            var generator = SplitMix64(seed: 29)
            let (outer, extent, inner) = (3, 100, 64)
            let values = (0..<(outer * extent * inner)).map { _ in S(Double.random(in: -3...5, using: &generator)) }
            let saved = Parallelism.threadCount
            ParallelChunks.thresholdDivisor = 256
            defer { Parallelism.threadCount = saved; ParallelChunks.thresholdDivisor = 1 }
            XCTAssertEqual(Tensor<S>.rowsPerSumBlock(extent: extent, inner: inner), 16)
            func blockedColumnSum(_ o: Int, _ j: Int) -> S {
                var total = S.zero
                for first in stride(from: 0, to: extent, by: 16) {
                    var partial = values[(o * extent + first) * inner + j]
                    for a in (first + 1)..<Swift.min(first + 16, extent) { partial += values[(o * extent + a) * inner + j] }
                    total = first == 0 ? partial : total + partial
                }
                return total
            }
            let matrix = try Tensor<S>(shape: [extent, inner], scalars: Array(values[0..<(extent * inner)]))
            let cube = try Tensor<S>(shape: [outer, extent, inner], scalars: values)
            var bits: [[UInt64]] = []
            for threads in [1, 2] {
                Parallelism.threadCount = threads
                let sums = matrix.sum(axis: 0), means = matrix.mean(axis: 0), variances = matrix.variance(axis: 0)
                let cubeSums = cube.sum(axis: 1)
                for j in 0..<inner {
                    XCTAssertEqual(sums[j].doubleValue.bitPattern, blockedColumnSum(0, j).doubleValue.bitPattern, "\(S.self) column \(j)")
                    let exact = (0..<extent).reduce(0.0) { $0 + values[$1 * inner + j].doubleValue }
                    XCTAssertEqual(sums[j].doubleValue, exact, accuracy: tolerance * 500)
                    XCTAssertEqual(means[j].doubleValue.bitPattern, (sums[j] / S(extent)).doubleValue.bitPattern)
                    var squares = S.zero
                    for a in 0..<extent { let d = values[a * inner + j] - means[j]; squares += d * d }
                    XCTAssertEqual(variances[j].doubleValue.bitPattern, (squares / S(extent)).doubleValue.bitPattern, "\(S.self) variance \(j)")
                    for o in 0..<outer {
                        XCTAssertEqual(cubeSums[o, j].doubleValue.bitPattern, blockedColumnSum(o, j).doubleValue.bitPattern, "\(S.self) [\(o), \(j)]")
                    }
                }
                // Along a contiguous axis, each run of 6,400 elements sums as `sum()` of that run (blocked too), and
                // `variance(axis:)` centres on those means.
                let rows = try Tensor<S>(shape: [outer, extent * inner], scalars: values)
                let rowSums = rows.sum(axis: 1), rowMeans = rows.mean(axis: 1), rowVariances = rows.variance(axis: 1)
                for o in 0..<outer {
                    let row = try Tensor<S>(shape: [extent * inner], scalars: Array(values[(o * extent * inner)..<((o + 1) * extent * inner)]))
                    XCTAssertEqual(rowSums[o].doubleValue.bitPattern, row.sum().doubleValue.bitPattern, "\(S.self) row \(o)")
                    XCTAssertEqual(rowMeans[o].doubleValue.bitPattern, row.mean().doubleValue.bitPattern)
                    XCTAssertEqual(rowVariances[o].doubleValue.bitPattern, row.variance().doubleValue.bitPattern, "\(S.self) row variance \(o)")
                }
                bits.append((sums.scalars + variances.scalars + cubeSums.scalars + rowSums.scalars).map(\.doubleValue.bitPattern))
            }
            XCTAssertEqual(bits[0], bits[1], "\(S.self)")
        }
        try check(Float.self, tolerance: 1e-6)
        try check(Double.self, tolerance: 1e-13)
    }

    /// A Double sum adds in ``simdSum``'s documented order (four 8-lane accumulators over 32-element blocks, then
    /// 8-element vectors into the first, the lanes in order, the scalar tail) whatever loads it uses: every length
    /// from 0 to 100 and a few large ones, against that order written out element by element.
    func testDoubleSumFollowsTheFourAccumulatorOrderBitForBit() throws {
        func fourAccumulatorSum(_ x: [Double]) -> Double {
            var accumulators = [[Double]](repeating: [Double](repeating: 0, count: 8), count: 4)
            var i = 0
            while i + 32 <= x.count {
                for a in 0..<4 { for lane in 0..<8 { accumulators[a][lane] += x[i + 8 * a + lane] } }
                i += 32
            }
            while i + 8 <= x.count {
                for lane in 0..<8 { accumulators[0][lane] += x[i + lane] }
                i += 8
            }
            var total = 0.0
            for lane in 0..<8 {
                total += (accumulators[0][lane] + accumulators[1][lane]) + (accumulators[2][lane] + accumulators[3][lane])
            }
            while i < x.count { total += x[i]; i += 1 }
            return total
        }
        var generator = SplitMix64(seed: 23)
        for count in Array(0...100) + [1000, 4099, 65_543] {
            // Mixed magnitudes, so a different order would show in the last bits.
            let x = (0..<count).map { _ in Double.random(in: -1...1, using: &generator) * Double(1 << Int.random(in: 0...30, using: &generator)) }
            let expected = fourAccumulatorSum(x)
            let kernel = x.withUnsafeBufferPointer { Double.reduce(.sum, $0) }
            XCTAssertEqual(kernel.bitPattern, expected.bitPattern, "count \(count)")
            XCTAssertEqual(try Tensor<Double>(shape: [count], scalars: x).sum().bitPattern, expected.bitPattern, "count \(count)")
        }
    }

    /// Double `+`, `-` and `*` of two contiguous operands run 4-lane vectors (the other operations 8-lane ones):
    /// each element must still be the IEEE result of its own pair, with the tail after the last whole vector,
    /// special values (NaN, infinities, -0, subnormals) and the in-place and row-broadcast paths that reach the
    /// same loop. Reference: the operation on each pair of scalars.
    func testDoubleContiguousArithmeticIsElementwiseIEEE() throws {
        var generator = SplitMix64(seed: 32)
        let special: [Double] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, -.leastNormalMagnitude,
                                 .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 3e-300, 1e300]
        func values(_ count: Int) -> [Double] {
            (0..<count).map { index in
                index % 5 == 4 ? special[Int.random(in: 0..<special.count, using: &generator)]
                               : Double.random(in: -1e3...1e3, using: &generator)
            }
        }
        func assertSame(_ actual: [Double], _ expected: [Double], _ what: String) {
            XCTAssertEqual(actual.count, expected.count, what)
            for (index, (a, e)) in zip(actual, expected).enumerated() where !(a.isNaN && e.isNaN) {
                XCTAssertEqual(a.bitPattern, e.bitPattern, "\(what)[\(index)]: \(a) against \(e)")
            }
        }
        let operations: [(String, (Tensor<Double>, Tensor<Double>) -> Tensor<Double>, (Double, Double) -> Double)] = [
            ("+", { $0 + $1 }, { $0 + $1 }), ("-", { $0 - $1 }, { $0 - $1 }), ("*", { $0 * $1 }, { $0 * $1 }),
        ]
        for count in Array(0...40) + [1003, 4097] {
            let x = values(count), y = values(count)
            let a = try Tensor<Double>(shape: [count], scalars: x), b = try Tensor<Double>(shape: [count], scalars: y)
            for (symbol, tensorOperation, scalarOperation) in operations {
                let expected = zip(x, y).map(scalarOperation)
                assertSame(tensorOperation(a, b).scalars, expected, "\(count) \(symbol)")
                // A fresh left operand nothing else holds: the result is computed in its storage.
                assertSame(tensorOperation(try Tensor<Double>(shape: [count], scalars: x), b).scalars, expected, "\(count) \(symbol) in place")
            }
        }
        // [N, M] + [M]: N runs of M contiguous elements each.
        let rows = 7, columns = 13
        let matrix = values(rows * columns), row = values(columns)
        let sum = try Tensor<Double>(shape: [rows, columns], scalars: matrix) + Tensor<Double>(shape: [columns], scalars: row)
        assertSame(sum.scalars, (0..<rows * columns).map { matrix[$0] + row[$0 % columns] }, "[7, 13] + [13]")
    }

    /// Every threaded elementwise path (same shape, scalar, row and column broadcasts, in place, unary maps,
    /// Float and Double) gives the same bits with one and with two threads.
    func testThreadedElementwisePathsAreBitIdenticalForOneAndTwoThreads() throws {
        func results<S: TensorFloatingPoint>(_: S.Type, threads: Int) throws -> [[S]] {
            let saved = Parallelism.threadCount
            Parallelism.threadCount = threads
            // Thresholds / 64: 6,000 elements split like 2^18 do in production (2^18 / 64 = 4,096).
            ParallelChunks.thresholdDivisor = 64
            defer { Parallelism.threadCount = saved; ParallelChunks.thresholdDivisor = 1 }
            let rows = 60, columns = 100
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
                           inPlace, x.abs(), x.square(), x.sum(axis: 0), x.sum(axis: 1), x.max(axis: 1), x.mean(axis: 0),
                           x.variance(axis: 0), x.variance(axis: 1, ddof: 1), x.standardDeviation(axis: 0),
                           Tensor<S>(x.argmax(axis: 1).scalars.map { S($0) }), Tensor<S>(x.argmin(axis: 0).scalars.map { S($0) }),
                           // Temporaries computed in their own storage (StorageUniqueness).
                           (x * 3) / 7, (x - 1).exp(), (x + row) * column, Tensor<S>(Tensor<UInt8>(x.abs())) / 255]
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
