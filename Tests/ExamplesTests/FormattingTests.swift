import ExampleSupport
import XCTest

final class FormattingTests: XCTestCase {
    func testFixedMatchesPythonFormat() {
        // Python: f"{0.88125:.4f}", f"{2.0:.2f}", f"{-0.004:.2f}", f"{12.5:.0f}" (round-half-even only differs on
        // exact binary halves; these values are not).
        XCTAssertEqual(fixed(0.88126, 4), "0.8813")
        XCTAssertEqual(fixed(2.0, 2), "2.00")
        XCTAssertEqual(fixed(-1.256, 2), "-1.26")
        XCTAssertEqual(fixed(-0.004, 2), "0.00")
        XCTAssertEqual(fixed(0.05, 3), "0.050")
        XCTAssertEqual(fixed(1234.5678, 1), "1234.6")
        XCTAssertEqual(rounded(2.3456, 2), 2.35)
    }

    func testConfusionMatrixTextRowsAndColumns() {
        let text = confusionMatrixText([[5, 1], [0, 12]], classNames: ["cat", "dog"])
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[1].hasPrefix("0 cat"))
        XCTAssertEqual(lines[1].split(separator: " ").suffix(2), ["5", "1"])
        XCTAssertEqual(lines[2].split(separator: " ").suffix(2), ["0", "12"])
    }

    func testOptimizerChoicesUseKerasDefaults() {
        XCTAssertEqual(OptimizerChoice.names, ["sgd", "nesterov", "adagrad", "rmsprop", "adam"])
        XCTAssertEqual(OptimizerChoice.sgd.make().learningRate, 0.01)
        XCTAssertEqual(OptimizerChoice.adam.make().learningRate, 0.001)
        XCTAssertEqual(OptimizerChoice.nesterov.make(learningRate: 0.05).learningRate, 0.05)
        XCTAssertEqual(OptimizerChoice.nesterov.label(), "SGD(learning_rate=0.01, momentum=0.9, nesterov=True)")
    }
}
