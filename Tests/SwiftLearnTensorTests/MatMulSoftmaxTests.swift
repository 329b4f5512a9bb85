import XCTest
@testable import SwiftLearnTensor

final class MatMulSoftmaxTests: XCTestCase {
    /// `op(a) · op(b)` by the definition, in Double.
    func naive(_ a: Tensor<Float>, _ b: Tensor<Float>, _ ta: Bool, _ tb: Bool) -> [Double] {
        let m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1]
        let n = tb ? b.shape[0] : b.shape[1]
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                for p in 0..<k {
                    c[i * n + j] += Double(ta ? a[p, i] : a[i, p]) * Double(tb ? b[j, p] : b[p, j])
                }
            }
        }
        return c
    }

    func testMatmulWithEveryTransposeCombination() {
        var rng = SplitMix64(seed: 7)
        let (m, n, k) = (13, 9, 21)
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = Tensor<Float>.randomUniform(ta ? [k, m] : [m, k], lowerBound: -1, upperBound: 1, using: &rng)
            let b = Tensor<Float>.randomUniform(tb ? [n, k] : [k, n], lowerBound: -1, upperBound: 1, using: &rng)
            let c = matmul(a, b, transposeA: ta, transposeB: tb)
            assertClose(c, shape: [m, n], naive(a, b, ta, tb), tolerance: 1e-5, "transposeA \(ta) transposeB \(tb)")
            // The flag equals transposing first (no copy is made by the flag path).
            assertClose(c, shape: [m, n], matmul(ta ? a.transposed() : a, tb ? b.transposed() : b).scalars.map(Double.init), tolerance: 1e-5)
        }
        let d = Tensor<Double>([1, 2, 3, 4]), e = d.reshaped([2, 2])
        XCTAssertEqual(matmul(e, e, transposeB: true).scalars, [5, 11, 11, 25])
    }

    func testMatmulShapeErrors() {
        let a = Tensor<Float>.zeros([2, 3]), b = Tensor<Float>.zeros([2, 3])
        XCTAssertThrowsError(try Tensor.matrixProduct(a, b)) { error in
            XCTAssertEqual("\(error)", "shape mismatch: matmul: shapes [2, 3] and [2, 3] have inner extents 3 and 2")
        }
        XCTAssertNoThrow(try Tensor.matrixProduct(a, b, transposeB: true))
        XCTAssertThrowsError(try Tensor.matrixProduct(Tensor<Float>.zeros([3]), b)) { error in
            XCTAssert("\(error)".contains("[3]") && "\(error)".contains("[2, 3]"))
        }
        XCTAssertEqual(matmul(Tensor<Float>.zeros([2, 0]), Tensor<Float>.zeros([0, 3])).scalars, [0, 0, 0, 0, 0, 0])
    }

    /// numpy: `e = np.exp(S - S.max(axis, keepdims=True)); e / e.sum(axis, keepdims=True)` in float64.
    let s = tensor([3, 4], [1, 2, 3, 4, 1000, 1001, 1002, 1003, -5, 0, 5, 0.5])

    func testSoftmaxAgainstNumpy() {
        assertClose(s.softmax(), shape: [3, 4], [
            0.03205860328008499, 0.08714431874203257, 0.23688281808991013, 0.6439142598879724,
            0.03205860328008499, 0.08714431874203257, 0.23688281808991013, 0.6439142598879724,
            4.460189729676722e-05, 0.0066195084797818935, 0.9824221651907252, 0.010913724432196277,
        ], tolerance: 3e-7)
        assertClose(s.softmax(axis: 0), shape: [3, 4], [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0], tolerance: 1e-7)
        assertClose(s.logSoftmax(), shape: [3, 4], [
            -3.4401896985611953, -2.4401896985611953, -1.4401896985611953, -0.44018969856119533,
            -3.4401896985611953, -2.4401896985611953, -1.4401896985611953, -0.44018969856119533,
            -10.017734159556808, -5.017734159556808, -0.01773415955680763, -4.517734159556808,
        ], tolerance: 3e-7)
        assertClose(logSoftmax(s, axis: 0), shape: [3, 4], [-999, -999, -999, -999, 0, 0, 0, 0, -1005, -1001, -997, -1002.5], tolerance: 1e-7)
        let s3 = tensor([2, 3, 4], [-3.0, -0.5, 2.0, -2.0, 0.5, 3.0, -1.0, 1.5, -2.5, 0.0, 2.5, -1.5,
                                    1.0, -3.0, -0.5, 2.0, -2.0, 0.5, 3.0, -1.0, 1.5, -2.5, 0.0, 2.5])
        assertClose(softmax(s3, axis: 1), shape: [2, 3, 4], [
            0.027960942745299075, 0.027960942745299075, 0.37057510088902634, 0.027960942745299075,
            0.9259392562016979, 0.9259392562016979, 0.018449847883390033, 0.9259392562016979,
            0.04609980105300302, 0.04609980105300302, 0.6109750512275837, 0.04609980105300302,
            0.37057510088902634, 0.027960942745299075, 0.027960942745299075, 0.37057510088902634,
            0.018449847883390033, 0.9259392562016979, 0.9259392562016979, 0.018449847883390033,
            0.6109750512275837, 0.04609980105300302, 0.04609980105300302, 0.6109750512275837,
        ], tolerance: 3e-7)
        // Double takes the generic path.
        let d = Tensor<Double>(s)
        assertClose(d.softmax(), shape: [3, 4], s.softmax().scalars.map(Double.init), tolerance: 3e-7)
        assertClose(d.logSoftmax(axis: 0), shape: [3, 4], [-999, -999, -999, -999, 0, 0, 0, 0, -1005, -1001, -997, -1002.5], tolerance: 1e-12)
    }

    func testSoftmaxRowsOfManySizesSumToOne() {
        for columns in [1, 5, 16, 17, 40, 1000] {
            var rng = SplitMix64(seed: UInt64(columns))
            let x = Tensor<Float>.randomNormal([3, columns], standardDeviation: 30, using: &rng)
            let y = x.softmax()
            for row in 0..<3 {
                XCTAssertEqual(Double(y.row(row).sum()), 1, accuracy: 1e-5)
                // Against a Double evaluation of the definition.
                let values = x.row(row).scalars.map(Double.init)
                let maximum = values.max()!
                let total = values.map { exp($0 - maximum) }.reduce(0, +)
                for j in 0..<columns { XCTAssertEqual(Double(y[row, j]), exp(values[j] - maximum) / total, accuracy: 1e-6) }
            }
        }
    }
}
