import XCTest
@testable import SwiftLearnTensor
import SwiftLearnSystem

/// Shapes, copy-on-write, reordering, slicing, joining and conversion. Permutation expectations from
/// `P = np.arange(24).reshape(2,3,4)`.
final class ShapeTests: XCTestCase {
    let p = try! Tensor<Int32>(shape: [2, 3, 4], scalars: (0..<24).map(Int32.init))

    func testInitializerErrorsNameBothShapes() {
        XCTAssertThrowsError(try Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4])) { error in
            XCTAssertEqual(error as? TensorError, .shapeMismatch("shape [2, 3] needs 6 scalars, received 4 scalars"))
        }
        XCTAssertThrowsError(try Tensor<Float>(shape: [2, -3], scalars: [])) { error in
            XCTAssert("\(error)".contains("[2, -3]"))
        }
        XCTAssertThrowsError(try Tensor<Float>.zeros([2, 3]).checkedReshaped([4, -1])) { error in
            XCTAssertEqual("\(error)", "shape mismatch: cannot reshape [2, 3] (6 scalars) to [4, -1]")
        }
    }

    func testBasicsAndSubscripts() throws {
        var t = try Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(t.rank, 2); XCTAssertEqual(t.count, 6); XCTAssertEqual(t.strides, [3, 1])
        XCTAssertEqual(t[1, 2], 6)
        t[0, 1] = 20
        XCTAssertEqual(t.scalars, [1, 20, 3, 4, 5, 6])
        XCTAssertEqual(t.reshaped([3, -1]).shape, [3, 2])
        XCTAssertEqual(t.reshaped([-1]).shape, [6])
        XCTAssertEqual(t.flattened().shape, [6])
        XCTAssertEqual(Tensor<Float>.filled(0.5, shape: [2, 2]).scalars, [0.5, 0.5, 0.5, 0.5])
        XCTAssertEqual(Tensor<Float>.ones([3]).scalars, [1, 1, 1])
        XCTAssertEqual(t.expandingShape(at: 0).shape, [1, 2, 3])
        XCTAssertEqual(t.expandingShape(at: -1).shape, [2, 3, 1])
        XCTAssertEqual(t.expandingShape(at: 1).squeezingShape().shape, [2, 3])
    }

    func testCopyOnWrite() {
        let original = Tensor<Float>([1, 2, 3])
        var copy = original
        copy[0] = 100
        XCTAssertEqual(original.scalars, [1, 2, 3], "writing a copy leaves the original unchanged")
        XCTAssertEqual(copy.scalars, [100, 2, 3])
        var viaBuffer = original
        viaBuffer.withUnsafeMutableBufferPointer { $0[2] = -1 }
        XCTAssertEqual(original.scalars, [1, 2, 3])
        var compound = original
        compound += 1
        XCTAssertEqual(original.scalars, [1, 2, 3])
        XCTAssertEqual(compound.scalars, [2, 3, 4])
        var math = original
        math.apply(.square)
        XCTAssertEqual(original.scalars, [1, 2, 3])
        XCTAssertEqual(math.scalars, [1, 4, 9])
        let reshaped = original.reshaped([3, 1])
        var mutated = reshaped
        mutated[0, 0] = 7
        XCTAssertEqual(reshaped.scalars, [1, 2, 3])
    }

    func testTransposeAndPermute() throws {
        let m = try Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(m.transposed().shape, [3, 2])
        XCTAssertEqual(m.transposed().scalars, [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(p.permuted([1, 0, 2]).shape, [3, 2, 4])
        XCTAssertEqual(p.permuted([1, 0, 2]).scalars, [0, 1, 2, 3, 12, 13, 14, 15, 4, 5, 6, 7, 16, 17, 18, 19, 8, 9, 10, 11, 20, 21, 22, 23])
        XCTAssertEqual(p.transposed().shape, [4, 3, 2])
        XCTAssertEqual(p.transposed().scalars, [0, 12, 4, 16, 8, 20, 1, 13, 5, 17, 9, 21, 2, 14, 6, 18, 10, 22, 3, 15, 7, 19, 11, 23])
        XCTAssertEqual(p.permuted([2, 0, 1]).scalars, [0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23])
        XCTAssertEqual(p.permuted([-1, 0, 1]), p.permuted([2, 0, 1]))
        XCTAssertThrowsError(try p.checkedPermuted([0, 0, 1])) { error in
            XCTAssertEqual("\(error)", "invalid argument: axes [0, 0, 1] are not a permutation of the axes of shape [2, 3, 4]")
        }
        // A large blocked transpose against the index definition.
        let big = Tensor<Float>((0..<(70 * 45)).map(Float.init))
        let bt = big.reshaped([70, 45]).transposed()
        for i in 0..<45 { for j in 0..<70 { XCTAssertEqual(bt[i, j], Float(j * 45 + i)) } }
    }

    /// The one-thread matrix paths (transpose tiles, concatenation by block moves) on every scalar width, with
    /// empty extents and a matrix above the one-thread size (the general strided copy), against index definitions.
    func testMatrixTransposeAndJoinOnEveryWidth() {
        func check<S: TensorScalar & BinaryInteger>(_: S.Type, rows: Int, columns: Int) {
            let m = Tensor<S>(shape: [rows, columns]) { for i in $0.indices { $0[i] = S(truncatingIfNeeded: i &* 7) } }
            let t = m.transposed()
            XCTAssertEqual(t.shape, [columns, rows])
            var expected: [S] = []
            for c in 0..<columns { for r in 0..<rows { expected.append(S(truncatingIfNeeded: (r * columns + c) &* 7)) } }
            XCTAssertEqual(t.scalars, expected, "\(S.self) transpose \(rows) x \(columns)")
            let joined = Tensor.concatenate([m, t.transposed(), m], axis: 1)
            XCTAssertEqual(joined.shape, [rows, 3 * columns])
            var rowsJoined: [S] = []
            for r in 0..<rows { for _ in 0..<3 { rowsJoined += m.scalars[(r * columns)..<((r + 1) * columns)] } }
            XCTAssertEqual(joined.scalars, rowsJoined, "\(S.self) concatenate axis 1, \(rows) x \(columns)")
            XCTAssertEqual(Tensor.concatenate([m, m], axis: 0).scalars, m.scalars + m.scalars)
        }
        for (rows, columns) in [(0, 5), (5, 0), (1, 1), (3, 17), (33, 18), (700, 800)] {
            check(UInt8.self, rows: rows, columns: columns)
            check(Int32.self, rows: rows, columns: columns)
        }
        let d = Tensor<Double>((0..<(19 * 23)).map(Double.init)).reshaped([19, 23])
        for i in 0..<23 { for j in 0..<19 { XCTAssertEqual(d.transposed()[i, j], Double(j * 23 + i)) } }
        // 4- and 8-byte scalars go through 8x8 register blocks plus scalar edges: block-multiple and ragged
        // extents, on the direct path (under 64 KB) and the general one.
        for (rows, columns) in [(8, 8), (16, 40), (9, 17), (100, 1000), (31, 260)] {
            let f = Tensor<Float>(shape: [rows, columns]) { for i in $0.indices { $0[i] = Float(i) } }
            let g = Tensor<Double>(shape: [rows, columns]) { for i in $0.indices { $0[i] = Double(i) } }
            var expected: [Double] = []
            for c in 0..<columns { for r in 0..<rows { expected.append(Double(r * columns + c)) } }
            XCTAssertEqual(f.transposed().scalars.map(Double.init), expected, "Float transpose \(rows) x \(columns)")
            XCTAssertEqual(g.transposed().scalars, expected, "Double transpose \(rows) x \(columns)")
        }
        // A rank-3 permutation whose tile axis is not the outermost (the strided copy's tile path).
        let p = Tensor<Double>(shape: [3, 24, 41]) { for i in $0.indices { $0[i] = Double(i) } }
        let q = p.permuted([0, 2, 1])
        for a in 0..<3 { for b in 0..<41 { for c in 0..<24 { XCTAssertEqual(q[a, b, c], Double((a * 24 + c) * 41 + b)) } } }
    }

    /// Double and Float transposes go down strips of 64 destination rows of 8x8 blocks: shapes around the strip and block
    /// edges (ragged strips, ragged blocks, a single strip, a row of blocks), with NaN payloads, infinities and
    /// signed zeros copied bit for bit, on one and two threads, against the index definition.
    func testTransposeStripsAndEdgesBitForBit() {
        let specials: [Double] = [.nan, -.infinity, .infinity, -0.0, Double(bitPattern: 0x7FF0_0000_0000_0001),
                                  .leastNonzeroMagnitude, -.greatestFiniteMagnitude]
        let saved = Parallelism.threadCount
        defer { Parallelism.threadCount = saved }
        for (rows, columns) in [(8, 64), (8, 65), (12, 1029), (130, 77), (64, 64), (9, 129), (100, 1000), (300, 900), (600, 1000)] {
            let m = Tensor<Double>(shape: [rows, columns]) {
                for i in $0.indices { $0[i] = i % 97 == 5 ? specials[(i / 97) % specials.count] : Double(i) * 0.5 }
            }
            let source = m.scalars
            var expected: [UInt64] = []
            for c in 0..<columns { for r in 0..<rows { expected.append(source[r * columns + c].bitPattern) } }
            let f = Tensor<Float>(m)
            let floatSource = f.scalars
            var floatExpected: [UInt32] = []
            for c in 0..<columns { for r in 0..<rows { floatExpected.append(floatSource[r * columns + c].bitPattern) } }
            for threads in [1, 2] {
                Parallelism.threadCount = threads
                let t = m.transposed()
                XCTAssertEqual(t.shape, [columns, rows])
                XCTAssertEqual(t.scalars.map(\.bitPattern), expected, "\(rows) x \(columns) on \(threads) threads")
                XCTAssertEqual(f.transposed().scalars.map(\.bitPattern), floatExpected, "Float \(rows) x \(columns), \(threads) threads")
            }
        }
    }

    func testRowsAndGather() throws {
        let m = try Tensor<Float>(shape: [4, 2], scalars: [0, 1, 10, 11, 20, 21, 30, 31])
        XCTAssertEqual(m.rows(1..<3).shape, [2, 2])
        XCTAssertEqual(m.rows(1..<3).scalars, [10, 11, 20, 21])
        XCTAssertEqual(m[rows: 3..<4].scalars, [30, 31])
        XCTAssertEqual(m.row(2).shape, [2])
        XCTAssertEqual(m.row(2).scalars, [20, 21])
        XCTAssertEqual(m.gatheringRows([3, 0, 3]).scalars, [30, 31, 0, 1, 30, 31])
        XCTAssertEqual(m.gatheringRows([]).shape, [0, 2])
        XCTAssertThrowsError(try m.checkedGatheringRows([1, 4])) { error in
            XCTAssertEqual("\(error)", "invalid argument: row index 4 at position 1 is out of range for shape [4, 2]")
        }
    }

    func testConcatenateAndStack() throws {
        let q = try Tensor<Int32>(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5])
        let r = try Tensor<Int32>(shape: [2, 2], scalars: [10, 11, 12, 13])
        let joined = Tensor.concatenate([q, r], axis: 1)
        XCTAssertEqual(joined.shape, [2, 5])
        XCTAssertEqual(joined.scalars, [0, 1, 2, 10, 11, 3, 4, 5, 12, 13])
        XCTAssertEqual(Tensor.concatenate([q, q], axis: 0).shape, [4, 3])
        let stacked = Tensor.stack([q, q * 2], axis: 1)
        XCTAssertEqual(stacked.shape, [2, 2, 3])
        XCTAssertEqual(stacked.scalars, [0, 1, 2, 0, 2, 4, 3, 4, 5, 6, 8, 10])
        let last = Tensor.stack([q, q * 2], axis: -1)
        XCTAssertEqual(last.shape, [2, 3, 2])
        XCTAssertEqual(last.scalars, [0, 0, 1, 2, 2, 4, 3, 6, 4, 8, 5, 10])
        XCTAssertThrowsError(try Tensor.checkedConcatenate([q, r], axis: 0)) { error in
            XCTAssertEqual("\(error)", "shape mismatch: concatenate along axis 0: tensor 1 has shape [2, 2], incompatible with [2, 3]")
        }
        XCTAssertThrowsError(try Tensor.checkedStack([q, r])) { error in
            XCTAssertEqual("\(error)", "shape mismatch: stack: tensor 1 has shape [2, 2], expected [2, 3]")
        }
    }

    func testScalarTypeConversion() {
        let bytes = Tensor<UInt8>([0, 51, 255])
        let scaled = Tensor<Float>(bytes) / 255
        assertClose(scaled, shape: [3], [0, 0.2, 1], tolerance: 1e-7)
        XCTAssertEqual(Tensor<Double>(Tensor<Float>([0.5, -2])).scalars, [0.5, -2])
        XCTAssertEqual(Tensor<Float>(Tensor<Int32>([-3, 7])).scalars, [-3, 7])
        XCTAssertEqual(Tensor<Int32>(Tensor<Float>([2.9, -2.9, .nan])).scalars, [2, -2, 0], "toward zero, NaN → 0")
        XCTAssertEqual(Tensor<UInt8>(Tensor<Float>([300, -5, 12.7])).scalars, [255, 0, 12], "clamped")
        XCTAssertEqual(Tensor<Float>(Tensor<Float>([1, 2])).scalars, [1, 2])
        XCTAssertEqual(Tensor<Int32>(Tensor<UInt8>([9])).scalars, [9])
    }
}
