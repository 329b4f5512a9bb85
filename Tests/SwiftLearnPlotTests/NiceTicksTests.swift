import XCTest
@testable import SwiftLearnPlot
import SwiftLearnSystem

final class NiceTicksTests: XCTestCase {
    /// `matplotlib.ticker.MaxNLocator(nbins, steps=[1, 2, 5, 10], integer).tick_values(vmin, vmax)`,
    /// matplotlib 3.10 (Python 3.11).
    static let matplotlibCases: [(Double, Double, Int, Bool, [Double])] = [
        (0.23, 0.91, 5, false, [0.2, 0.4, 0.6000000000000001, 0.8, 1.0]),
        (0, 1, 9, false, [0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]),
        (0.2285, 0.5395, 9, false, [0.2, 0.25, 0.30000000000000004, 0.35000000000000003, 0.4, 0.45, 0.5, 0.55]),
        (-3.7, 12.2, 6, false, [-5.0, 0.0, 5.0, 10.0, 15.0]),
        (1, 20, 9, true, [0.0, 5.0, 10.0, 15.0, 20.0]),
        (0.05, 20.95, 9, true, [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]),
        (1e-05, 3e-05, 5, false, [9.999999999999999e-06, 1.4999999999999999e-05, 1.9999999999999998e-05,
                                  2.4999999999999998e-05, 2.9999999999999997e-05]),
        (1000.1, 1000.5, 5, false, [1000.1, 1000.2, 1000.3, 1000.4, 1000.5]),
        (-1, -0.2, 4, false, [-1.0, -0.8, -0.6, -0.3999999999999999, -0.19999999999999996]),
        (0, 963, 5, true, [0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]),
        (0, 1, 1, false, [0.0, 1.0]),
        (1.5, 1.5000001, 5, false, [1.5, 1.5000000500000001, 1.5000000999999998]),
        (-250, 1250, 7, false, [-500.0, 0.0, 500.0, 1000.0, 1500.0]),
        (0.5, 3.5, 9, true, [0.0, 1.0, 2.0, 3.0, 4.0]),
    ]

    func testMatchesMatplotlibMaxNLocator() {
        for (low, high, bins, integer, expected) in Self.matplotlibCases {
            let ticks = NiceTicks.values(from: low, to: high, maxIntervals: bins, integer: integer)
            XCTAssertEqual(ticks.count, expected.count, "(\(low), \(high), nbins \(bins)): \(ticks) vs \(expected)")
            for (a, b) in zip(ticks, expected) {
                XCTAssertEqual(a, b, accuracy: 1e-9 * max(1, abs(b)), "(\(low), \(high), nbins \(bins))")
            }
        }
    }

    func testStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        var seed: UInt64 = 11
        for _ in 0..<200 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let low = Double(Int64(bitPattern: seed >> 20) % 100_000) / 97
            let high = low + Double((seed >> 8) % 10_000 + 1) / 13
            let ticks = NiceTicks.values(from: low, to: high, maxIntervals: 7)
            XCTAssertGreaterThanOrEqual(ticks.count, 2)
            let step = ticks[1] - ticks[0]
            let exponent = (log10(step)).rounded(.down)
            let mantissa = step / pow(10, exponent)
            XCTAssertTrue([1.0, 2.0, 5.0, 10.0].contains { abs(mantissa - $0) < 1e-6 }, "step \(step)")
            XCTAssertLessThanOrEqual(ticks.first!, low + 1e-9)
            XCTAssertGreaterThanOrEqual(ticks.last!, high - 1e-9)
            XCTAssertLessThanOrEqual(ticks.filter { $0 >= low && $0 <= high }.count, 8)
        }
    }

    func testPythonFloorDivisionSemantics() {
        // Python: -7.5 // 2 == -4.0, divmod(-7.5, 2) == (-4.0, 0.5), 7.5 // -2 == -4.0, divmod(7.5, -2) == (-4.0, -0.5)
        XCTAssertEqual(NiceTicks.pythonDivmod(-7.5, 2).quotient, -4)
        XCTAssertEqual(NiceTicks.pythonDivmod(-7.5, 2).remainder, 0.5)
        XCTAssertEqual(NiceTicks.pythonDivmod(7.5, -2).quotient, -4)
        XCTAssertEqual(NiceTicks.pythonDivmod(7.5, -2).remainder, -0.5)
        XCTAssertEqual(NiceTicks.pythonDivmod(0.6, 0.2).quotient, 2)  // Python: 0.6 // 0.2 == 2.0
    }

    func testTickLabelsShareDecimals() {
        XCTAssertEqual(NiceTicks.labels([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]),
                       ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        XCTAssertEqual(NiceTicks.labels([-5, 0, 5, 10]), ["-5", "0", "5", "10"])
        XCTAssertEqual(NiceTicks.labels([0.2, 0.25, 0.30000000000000004]), ["0.20", "0.25", "0.30"])
        XCTAssertEqual(NiceTicks.labels([-0.3999999999999999, -0.19999999999999996, 0]), ["-0.4", "-0.2", "0.0"])
        XCTAssertEqual(NiceTicks.labels([1e-5, 1.5e-5, 2e-5]), ["1.0e-05", "1.5e-05", "2.0e-05"])
        XCTAssertEqual(NiceTicks.labels([0, 2e6, 4e6]), ["0", "2e+06", "4e+06"])
    }

    func testFixedFormatting() {
        XCTAssertEqual(DecimalText.fixed(-0.25, digits: 1), "-0.3")
        XCTAssertEqual(DecimalText.fixed(-0.04, digits: 1), "0.0")
        XCTAssertEqual(DecimalText.fixed(1234.5678, digits: 2), "1234.57")
        XCTAssertEqual(DecimalText.fixed(0.05, digits: 3), "0.050")
        XCTAssertEqual(DecimalText.trimmed(12.5, digits: 2), "12.5")
        XCTAssertEqual(DecimalText.trimmed(-0.001, digits: 2), "0")
        XCTAssertEqual(DecimalText.trimmed(3, digits: 2), "3")
    }
}
