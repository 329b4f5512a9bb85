import XCTest
@testable import SwiftLearnTensor
#if canImport(Glibc)
import Glibc
#endif

/// Sweeps the 8-lane Double kernels (exp, log, tanh, sigmoid) against Float80 libm: errors in units in the last
/// place of the correctly rounded Double result, required within 2 ulp.
final class DoubleMathAccuracyTests: XCTestCase {
    static let bound = 2.0

    /// 300k random bit patterns over all Doubles (both signs, subnormals, infinities, NaN) plus 100k points
    /// on [-40, 40], where the functions vary.
    static let sweep: [Double] = {
        var generator = SplitMix64(seed: 64)
        var values = (0..<300_000).map { _ in Double(bitPattern: generator.next()) }
        values += (0..<100_000).map { -40 + 80 * Double($0) / 100_000 }
        values += [0, -0.0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .leastNormalMagnitude,
                   .greatestFiniteMagnitude, 709.78, 709.79, -708.4, -745.1, -745.2, 1e-300, 0.55, -0.55, 20, 19.06]
        return values
    }()

    func ulpError(_ y: Double, _ reference: Float80) -> Double {
        let rounded = Double(reference)
        let unit = rounded.isFinite && rounded != 0 ? Swift.max(rounded.magnitude.ulp, Double.leastNonzeroMagnitude)
            : Double.leastNonzeroMagnitude
        return Double(Swift.abs(Float80(y) - reference) / Float80(unit))
    }

    /// Both polynomial families (see `PolynomialFamily`; `Tensor.applying` runs the chosen one).
    func check(_ name: String, _ function: UnaryFunction, reference: (Float80) -> Float80) {
        check(name + " separate", function, SeparatePolynomial.self, reference: reference)
        check(name + " fused", function, FusedPolynomial.self, reference: reference)
    }

    func check<M: PolynomialArithmetic>(_ name: String, _ function: UnaryFunction, _: M.Type, reference: (Float80) -> Float80) {
        var y = Tensor<Double>(Self.sweep)
        y.withUnsafeMutableBufferPointer { buffer in
            mapTranscendental(function, UnsafeBufferPointer(buffer), into: buffer, as: SIMD8<Double>.self, M.self)
        }
        var worst = 0.0, worstInput = 0.0, failures: [String] = []
        for (input, output) in zip(Self.sweep, y.scalars) {
            let expected = reference(Float80(input))
            if expected.isNaN {
                if !output.isNaN && failures.count < 5 { failures.append("x=\(input): expected NaN, got \(output)") }
                continue
            }
            let rounded = Double(expected)
            if rounded.isInfinite || output.isInfinite || output.isNaN {
                if output != rounded && failures.count < 5 { failures.append("x=\(input): expected \(rounded), got \(output)") }
                continue
            }
            let error = ulpError(output, expected)
            if error > worst { worst = error; worstInput = input }
        }
        print("Double \(name): \(Self.sweep.count) points, max error \(worst) ulp at x = \(worstInput)")
        XCTAssert(failures.isEmpty, "\(name): \(failures)")
        XCTAssertLessThanOrEqual(worst, Self.bound, "\(name): \(worst) ulp at x = \(worstInput)")
    }

    func testExp() { check("exp", .exp) { Glibc.expl($0) } }
    func testLog() { check("log", .log) { $0 == 0 ? -.infinity : Glibc.logl($0) } }
    func testTanh() { check("tanh", .tanh) { Glibc.tanhl($0) } }
    func testSigmoid() { check("sigmoid", .sigmoid) { 1 / (1 + Glibc.expl(-$0)) } }

    func testSignsAndEdges() {
        let y = Tensor<Double>([-0.0, 0, .infinity, -.infinity]).applying(.tanh).scalars
        XCTAssertEqual(y[0].sign, .minus); XCTAssertEqual(y[1].sign, .plus)
        XCTAssertEqual(y[2], 1); XCTAssertEqual(y[3], -1)
        XCTAssertEqual(Tensor<Double>([-.infinity, .infinity, 0]).sigmoid().scalars, [0, 1, 0.5])
        XCTAssertEqual(Tensor<Double>([0, -0.0, -1, 1]).log().scalars[0...1], [-.infinity, -.infinity])
        XCTAssertEqual(Double.logarithm(1), 0)
    }
}
