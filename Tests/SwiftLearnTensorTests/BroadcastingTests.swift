import XCTest
@testable import SwiftLearnTensor

/// Expected values come from numpy 1.x/2.x (float32 inputs), e.g.
/// `f = lambda n,k,m,o,d: ((np.arange(n)*k) % m - o)/d; A = f(6,7,11,5,4).reshape(2,3); B = f(3,5,7,3,2)`.
final class BroadcastingTests: XCTestCase {
    let a = tensor([2, 3], [-1.25, 0.5, -0.5, 1.25, 0.25, -0.75])
    let b = Tensor<Float>([-1.5, 1.0, 0.0])

    func testBroadcastShapeRules() {
        XCTAssertEqual(Tensor<Float>.broadcastShape([8, 1, 6, 1], [7, 1, 5]), [8, 7, 6, 5])  // numpy docs example
        XCTAssertEqual(Tensor<Float>.broadcastShape([2, 3], [3]), [2, 3])
        XCTAssertEqual(Tensor<Float>.broadcastShape([], [4, 1]), [4, 1])
        XCTAssertEqual(Tensor<Float>.broadcastShape([0, 3], [1, 3]), [0, 3])
        XCTAssertNil(Tensor<Float>.broadcastShape([2, 3], [2]))
        XCTAssertNil(Tensor<Float>.broadcastShape([2, 1], [8, 4, 3]))
    }

    func testRowVectorOverMatrix() {
        assertClose(a + b, shape: [2, 3], [-2.75, 1.5, -0.5, -0.25, 1.25, -0.75])
        assertClose(a - b, shape: [2, 3], [0.25, -0.5, -0.5, 2.75, -0.75, -0.75])
        assertClose(a * b, shape: [2, 3], [1.875, 0.5, -0.0, -1.875, 0.25, -0.0])
        assertClose(a / b, shape: [2, 3], [0.8333333134651184, 0.5, -.infinity, -0.8333333134651184, 0.25, -.infinity])
        assertClose(b + a, shape: [2, 3], [-2.75, 1.5, -0.5, -0.25, 1.25, -0.75], "commuted")
    }

    func testColumnTimesRowAndThreeDimensions() {
        let c = tensor([2, 1], [-1, 2]), d = tensor([1, 3], [-1, 0, 1])
        assertClose(c * d, shape: [2, 3], [1.0, -0.0, -1.0, -2.0, 0.0, 2.0])
        assertClose(c - d, shape: [2, 3], [0.0, -1.0, -2.0, 3.0, 2.0, 1.0])
        let e = tensor([2, 1, 3], [-1.5, 0.0, 1.5, -0.5, 1.0, -1.0])
        let f = tensor([4, 1], [-1.3333333730697632, 0.3333333432674408, -1.0, 0.6666666865348816])
        assertClose(e - f, shape: [2, 4, 3], [
            -0.16666662693023682, 1.3333333730697632, 2.8333334922790527, -1.8333333730697632, -0.3333333432674408,
            1.1666666269302368, -0.5, 1.0, 2.5, -2.1666667461395264, -0.6666666865348816, 0.8333333134651184,
            0.8333333730697632, 2.3333334922790527, 0.3333333730697632, -0.8333333730697632, 0.6666666269302368,
            -1.3333333730697632, 0.5, 2.0, 0.0, -1.1666667461395264, 0.3333333134651184, -1.6666667461395264,
        ])
    }

    func testScalarsOnEitherSide() {
        assertClose(a * 2.5, shape: [2, 3], [-3.125, 1.25, -1.25, 3.125, 0.625, -1.875])
        assertClose(1 - a, shape: [2, 3], [2.25, 0.5, 1.5, -0.25, 0.75, 1.75])
        assertClose(a / 4, shape: [2, 3], [-0.3125, 0.125, -0.125, 0.3125, 0.0625, -0.1875])
        assertClose(2 / b, shape: [3], [-1.3333333730697632, 2.0, .infinity])
        assertClose(-a, shape: [2, 3], [1.25, -0.5, 0.5, -1.25, -0.25, 0.75])
        // A rank-0 tensor broadcasts like a scalar.
        assertClose(a + Tensor(scalar: 1), shape: [2, 3], [-0.25, 1.5, 0.5, 2.25, 1.25, 0.25])
    }

    func testCompoundAssignmentBroadcastsIntoLeftShape() {
        var x = a
        x += b
        assertClose(x, shape: [2, 3], [-2.75, 1.5, -0.5, -0.25, 1.25, -0.75])
        x *= 2
        x -= tensor([2, 1], [1, -1])
        x /= 0.5
        assertClose(x, shape: [2, 3], [-13.0, 4.0, -4.0, 1.0, 7.0, -1.0])
        assertClose(a, shape: [2, 3], [-1.25, 0.5, -0.5, 1.25, 0.25, -0.75], "the original is untouched")
    }

    func testComparisonsProduceMasks() {
        assertClose(a .> b, shape: [2, 3], [1, 0, 0, 1, 0, 0])
        assertClose(a .<= 0, shape: [2, 3], [1, 0, 1, 0, 0, 1])
        assertClose(a .== b, shape: [2, 3], [0, 0, 0, 0, 0, 0])
        assertClose(a .!= a, shape: [2, 3], [0, 0, 0, 0, 0, 0])
        assertClose(Tensor<Float>([.nan, 1]) .== Tensor<Float>([.nan, 1]), shape: [2], [0, 1], "NaN is unequal")
        // Masks multiply straight into gradients.
        assertClose(Tensor<Float>([3, 3, 3]) * (Tensor<Float>([-1, 0, 2]) .> 0), shape: [3], [0, 0, 3])
    }

    func testMinimumMaximumPropagateNaN() {
        let x = Tensor<Float>([1, .nan, 3, -2]), y = Tensor<Float>([2, 0, .nan, -5])
        assertClose(Tensor.maximum(x, y), shape: [4], [2, .nan, .nan, -2])
        assertClose(Tensor.minimum(x, y), shape: [4], [1, .nan, .nan, -5])
        assertClose(Tensor.maximum(x, 0), shape: [4], [1, .nan, 3, 0])
    }

    func testIntegerArithmeticMatchesNumpy() throws {
        let i = try Tensor<Int32>(shape: [2, 3], scalars: [-2, 0, 2, -1, 1, -2])
        let j = Tensor<Int32>([3, -2, 1])
        XCTAssertEqual((i + j).scalars, [1, -2, 3, 2, -1, -1])
        XCTAssertEqual((i * j).scalars, [-6, 0, 2, -3, -2, -2])
        XCTAssertEqual((i / j).scalars, [0, 0, 2, 0, 0, -2], "truncating division")
        XCTAssertEqual((i / 0).scalars, [0, 0, 0, 0, 0, 0], "numpy gives 0 for integer division by zero")
        XCTAssertEqual((Tensor<UInt8>([250, 3]) + 10).scalars, [4, 13], "uint8 wraps like numpy")
        XCTAssertEqual((Tensor<Int32>([Int32.max]) + 1).scalars, [Int32.min])
    }

    func testLargeBroadcastTakesTheSamePathAsSmall() {
        // A row broadcast over a matrix big enough to cross the SIMD body and tail in every row.
        let rows = 37, columns = 53
        let m = tensor([rows, columns], (0..<(rows * columns)).map { Float($0 % 17) - 8 })
        let r = Tensor<Float>((0..<columns).map { Float($0) * 0.5 })
        let sum = m + r, product = tensor([rows, 1], (0..<rows).map(Float.init)) * m
        for i in 0..<rows {
            for j in 0..<columns {
                XCTAssertEqual(sum[i, j], m[i, j] + r[j])
                XCTAssertEqual(product[i, j], Float(i) * m[i, j])
            }
        }
    }

    func testMismatchedShapesThrowNamingBothShapes() {
        XCTAssertThrowsError(try a.adding(Tensor<Float>([1, 2]))) { error in
            XCTAssertEqual(error as? TensorError,
                           .shapeMismatch("cannot broadcast shapes [2, 3] and [2] for add"))
            XCTAssertEqual("\(error)", "shape mismatch: cannot broadcast shapes [2, 3] and [2] for add")
        }
        XCTAssertThrowsError(try a.multiplying(tensor([4, 1, 2], Array(repeating: 0, count: 8)))) { error in
            XCTAssert("\(error)".contains("[2, 3]") && "\(error)".contains("[4, 1, 2]"), "\(error)")
        }
        XCTAssertThrowsError(try a.elementwise(.greater, Tensor<Float>([1, 2, 3, 4])))
        XCTAssertNoThrow(try a.dividing(b))
        XCTAssertEqual(try a.subtracting(b), a - b)
    }
}
