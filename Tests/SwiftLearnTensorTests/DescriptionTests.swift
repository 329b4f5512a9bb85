import XCTest
@testable import SwiftLearnTensor

/// Expected strings are numpy's `str(array)` with default print options (numpy 1.26/2.x), e.g.
/// `str(np.array([[1,-2.5],[3,4]], dtype=np.float32))`.
final class DescriptionTests: XCTestCase {
    func testPositionalFloats() {
        XCTAssertEqual(tensor([2, 2], [1, -2.5, 3, 4]).description, "[[ 1.  -2.5]\n [ 3.   4. ]]")
        XCTAssertEqual(Tensor<Float>([1.5, 2.25]).description, "[1.5  2.25]")
        XCTAssertEqual(Tensor<Float>([0.1, 0.2, 0.3]).description, "[0.1 0.2 0.3]")
        XCTAssertEqual(Tensor<Double>([1.0 / 3]).description, "[0.33333333]")
        XCTAssertEqual(Tensor<Double>([100, -0.5]).description, "[100.   -0.5]")
        XCTAssertEqual(tensor([2, 1, 3], [0, 0.2, 0.4, 0.6, 0.8, 1]).description, "[[[0.  0.2 0.4]]\n\n [[0.6 0.8 1. ]]]")
    }

    func testScientificFloats() {
        XCTAssertEqual(Tensor<Float>([1e-5, 1.5]).description, "[1.0e-05 1.5e+00]")
        XCTAssertEqual(Tensor<Float>([123456789, 1]).description, "[1.2345679e+08 1.0000000e+00]")
        XCTAssertEqual(tensor([1, 2], [0.0001, 1000]).description, "[[1.e-04 1.e+03]]")
        XCTAssertEqual(Tensor<Float>([-1.5e-10, 2, 300]).description, "[-1.5e-10  2.0e+00  3.0e+02]")
    }

    func testNonFinite() {
        XCTAssertEqual(tensor([2, 2], [1, -2.5, .nan, .infinity]).description, "[[ 1.  -2.5]\n [ nan  inf]]")
        XCTAssertEqual(Tensor<Float>([-.infinity, .nan]).description, "[-inf  nan]")
    }

    func testIntegersAndNesting() throws {
        XCTAssertEqual(Tensor<Int32>([3, -12, 7]).description, "[  3 -12   7]")
        let p = try Tensor<Int32>(shape: [2, 3, 4], scalars: (0..<24).map(Int32.init))
        XCTAssertEqual(p.description, "[[[ 0  1  2  3]\n  [ 4  5  6  7]\n  [ 8  9 10 11]]\n\n [[12 13 14 15]\n  [16 17 18 19]\n  [20 21 22 23]]]")
        XCTAssertEqual(Tensor<Float>.zeros([2, 0]).description, "[]")
        XCTAssertEqual(Tensor<Float>(scalar: 2.5).description, "2.5")
    }

    func testLineWrapping() {
        let t = Tensor<Float>((0..<30).map { Float($0) / 7 })
        XCTAssertEqual(t.description, """
        [0.         0.14285715 0.2857143  0.42857143 0.5714286  0.71428573
         0.85714287 1.         1.1428572  1.2857143  1.4285715  1.5714285
         1.7142857  1.8571428  2.         2.142857   2.2857144  2.4285715
         2.5714285  2.7142856  2.857143   3.         3.142857   3.2857144
         3.4285715  3.5714285  3.7142856  3.857143   4.         4.142857  ]
        """)
    }

    func testSummarizedLargeTensors() throws {
        let ints = try Tensor<Int32>(shape: [2, 1000], scalars: (0..<2000).map(Int32.init))
        XCTAssertEqual(ints.description, "[[   0    1    2 ...  997  998  999]\n [1000 1001 1002 ... 1997 1998 1999]]")
        XCTAssertEqual(Tensor<Float>((0..<1100).map { Float($0) * 0.5 }).description,
                       "[0.000e+00 5.000e-01 1.000e+00 ... 5.485e+02 5.490e+02 5.495e+02]")
        let m = try Tensor<Float>(shape: [40, 30], scalars: (0..<1200).map { Float($0) / 8 })
        XCTAssertEqual(m.description, """
        [[0.00000e+00 1.25000e-01 2.50000e-01 ... 3.37500e+00 3.50000e+00
          3.62500e+00]
         [3.75000e+00 3.87500e+00 4.00000e+00 ... 7.12500e+00 7.25000e+00
          7.37500e+00]
         [7.50000e+00 7.62500e+00 7.75000e+00 ... 1.08750e+01 1.10000e+01
          1.11250e+01]
         ...
         [1.38750e+02 1.38875e+02 1.39000e+02 ... 1.42125e+02 1.42250e+02
          1.42375e+02]
         [1.42500e+02 1.42625e+02 1.42750e+02 ... 1.45875e+02 1.46000e+02
          1.46125e+02]
         [1.46250e+02 1.46375e+02 1.46500e+02 ... 1.49625e+02 1.49750e+02
          1.49875e+02]]
        """)
    }
}
