import XCTest
@testable import SwiftLearnTensor

/// numpy reference: `X = (((np.arange(24)*7) % 11 - 5)/4).reshape(2,3,4).astype(np.float32)`; variances from
/// `X.astype(np.float64).var(axis=…)`.
final class ReductionTests: XCTestCase {
    let x = tensor([2, 3, 4], [-1.25, 0.5, -0.5, 1.25, 0.25, -0.75, 1.0, 0.0, -1.0, 0.75, -0.25, -1.25,
                               0.5, -0.5, 1.25, 0.25, -0.75, 1.0, 0.0, -1.0, 0.75, -0.25, -1.25, 0.5])

    func testWholeTensor() {
        XCTAssertEqual(x.sum(), -0.75)
        XCTAssertEqual(x.mean(), -0.03125)
        XCTAssertEqual(x.max(), 1.25)
        XCTAssertEqual(x.min(), -1.25)
        XCTAssertEqual(x.argmax(), 3)
        XCTAssertEqual(x.argmin(), 0)
        XCTAssertEqual(Double(x.variance()), 0.6474609375, accuracy: 1e-7)
        XCTAssertEqual(Double(x.standardDeviation()), 0.8046495743489833, accuracy: 1e-7)
    }

    func testAxis0() {
        assertClose(x.sum(axis: 0), shape: [3, 4], [-0.75, 0.0, 0.75, 1.5, -0.5, 0.25, 1.0, -1.0, -0.25, 0.5, -1.5, -0.75])
        assertClose(x.mean(axis: 0), shape: [3, 4], [-0.375, 0.0, 0.375, 0.75, -0.25, 0.125, 0.5, -0.5, -0.125, 0.25, -0.75, -0.375])
        assertClose(x.max(axis: 0), shape: [3, 4], [0.5, 0.5, 1.25, 1.25, 0.25, 1.0, 1.0, 0.0, 0.75, 0.75, -0.25, 0.5])
        assertClose(x.min(axis: 0), shape: [3, 4], [-1.25, -0.5, -0.5, 0.25, -0.75, -0.75, 0.0, -1.0, -1.0, -0.25, -1.25, -1.25])
        XCTAssertEqual(x.argmax(axis: 0).scalars, [1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1])
        XCTAssertEqual(x.argmin(axis: 0).scalars, [0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0])
        assertClose(x.variance(axis: 0), shape: [3, 4], [0.765625, 0.25, 0.765625, 0.25, 0.25, 0.765625, 0.25, 0.25, 0.765625, 0.25, 0.25, 0.765625])
    }

    func testAxis1WithKeepDims() {
        assertClose(x.sum(axis: 1, keepDims: true), shape: [2, 1, 4], [-2.0, 0.5, 0.25, 0.0, 0.5, 0.25, 0.0, -0.25])
        assertClose(x.mean(axis: -2), shape: [2, 4], [-0.6666666865348816, 0.1666666716337204, 0.0833333358168602, 0.0,
                                                     0.1666666716337204, 0.0833333358168602, 0.0, -0.0833333358168602])
        assertClose(x.max(axis: 1), shape: [2, 4], [0.25, 0.75, 1.0, 1.25, 0.75, 1.0, 1.25, 0.5])
        assertClose(x.min(axis: 1, keepDims: true), shape: [2, 1, 4], [-1.25, -0.75, -0.5, -1.25, -0.75, -0.5, -1.25, -1.0])
        XCTAssertEqual(x.argmax(axis: 1).scalars, [1, 2, 1, 0, 2, 1, 0, 2])
        XCTAssertEqual(x.argmin(axis: 1, keepDims: true).shape, [2, 1, 4])
        XCTAssertEqual(x.argmin(axis: 1).scalars, [0, 1, 0, 2, 1, 0, 2, 1])
        let v = 0.4305555555555556, w = 1.0416666666666667
        assertClose(x.variance(axis: 1), shape: [2, 4], [v, v, v, w, v, v, w, v])
    }

    func testLastAxis() {
        assertClose(x.sum(axis: 2), shape: [2, 3], [0.0, 0.5, -1.75, 1.5, -0.75, -0.25])
        assertClose(x.mean(axis: -1, keepDims: true), shape: [2, 3, 1], [0.0, 0.125, -0.4375, 0.375, -0.1875, -0.0625])
        assertClose(x.max(axis: 2), shape: [2, 3], [1.25, 1.0, 0.75, 1.25, 1.0, 0.75])
        assertClose(x.min(axis: 2), shape: [2, 3], [-1.25, -0.75, -1.25, -0.5, -1.0, -1.25])
        XCTAssertEqual(x.argmax(axis: -1).scalars, [3, 2, 1, 2, 1, 0])
        XCTAssertEqual(x.argmin(axis: 2).scalars, [0, 1, 3, 1, 3, 2])
        assertClose(x.variance(axis: 2), shape: [2, 3], [0.90625, 0.390625, 0.60546875, 0.390625, 0.60546875, 0.60546875])
        assertClose(x.standardDeviation(axis: 2), shape: [2, 3], [0.90625, 0.390625, 0.60546875, 0.390625, 0.60546875, 0.60546875].map { $0.squareRoot() })
    }

    func testLongRowsAgainstDoubleAccumulation() {
        // Crosses the 4-vector block, the single-vector loop and the tail.
        let n = 16 * 4 * 3 + 16 + 7
        let values = (0..<n).map { Float(($0 * 37) % 101) / 7 - 6 }
        let t = Tensor<Float>(values)
        XCTAssertEqual(Double(t.sum()), values.reduce(0.0) { $0 + Double($1) }, accuracy: 1e-3)
        XCTAssertEqual(t.max(), values.max())
        XCTAssertEqual(t.min(), values.min())
        XCTAssertEqual(t.argmax(), values.firstIndex(of: values.max()!))
        let d = Tensor<Double>(values.map(Double.init))
        XCTAssertEqual(d.sum(), values.reduce(0.0) { $0 + Double($1) }, accuracy: 1e-9)
    }

    func testNaNPropagatesAndArgmaxPicksFirstNaN() {
        let t = Tensor<Float>((0..<40).map { $0 == 29 ? .nan : Float($0) })
        XCTAssert(t.max().isNaN)
        XCTAssert(t.min().isNaN)
        XCTAssertEqual(t.argmax(), 29, "numpy returns the first NaN")
        XCTAssert(t.sum().isNaN)
        let m = tensor([2, 2], [1, .nan, 3, 4])
        assertClose(m.max(axis: 0), shape: [2], [3, .nan])
        assertClose(m.max(axis: 1), shape: [2], [.nan, 4])
    }

    func testReductionsAreDeterministic() {
        let values = (0..<100_003).map { Float(sin(Double($0))) * 1000 }
        let t = Tensor<Float>(values)
        let first = t.sum()
        for _ in 0..<3 { XCTAssertEqual(t.sum().bitPattern, first.bitPattern) }
    }

    func testIntegerReductions() throws {
        let i = try Tensor<Int32>(shape: [2, 3], scalars: [4, -1, 7, 0, 9, -3])
        XCTAssertEqual(i.sum(), 16)
        XCTAssertEqual(i.sum(axis: 0).scalars, [4, 8, 4])
        XCTAssertEqual(i.max(axis: 1).scalars, [7, 9])
        XCTAssertEqual(i.argmax(axis: 1).scalars, [2, 1])
        XCTAssertEqual(Tensor<UInt8>([200, 100]).sum(), 44, "uint8 sums wrap")
        XCTAssertEqual(Tensor<Float>.zeros([0, 3]).sum(axis: 0).scalars, [0, 0, 0])
    }
}
