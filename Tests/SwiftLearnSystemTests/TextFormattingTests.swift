import XCTest
import SwiftLearnSystem

final class TextFormattingTests: XCTestCase {
    func testJSONQuotedMatchesPythonJSONDumpsWithoutASCIIEscaping() {
        // Expected strings from python3: json.dumps(s, ensure_ascii=False)
        XCTAssertEqual(JSONText.quoted(""), #""""#)
        XCTAssertEqual(JSONText.quoted("dense_1/kernel"), #""dense_1/kernel""#)
        XCTAssertEqual(JSONText.quoted("say \"hi\"\\now"), #""say \"hi\"\\now""#)
        XCTAssertEqual(JSONText.quoted("a\nb\rc\td\u{08}e\u{0C}f"), #""a\nb\rc\td\be\ff""#)
        XCTAssertEqual(JSONText.quoted("\u{00}\u{01}\u{1F} "), #""\u0000\u0001\u001f ""#)
        XCTAssertEqual(JSONText.quoted("\u{7F}é😀/"), "\"\u{7F}é😀/\"")
        var output = "["
        JSONText.appendQuoted("x", to: &output)
        XCTAssertEqual(output, #"["x""#)
    }

    func testFixedMatchesCPrintfAwayFromHalfways() {
        // Expected strings from python3: "%.<digits>f" % value (values not on a rounding tie).
        XCTAssertEqual(DecimalText.fixed(3.14159, digits: 4), "3.1416")
        XCTAssertEqual(DecimalText.fixed(-2.71828, digits: 2), "-2.72")
        XCTAssertEqual(DecimalText.fixed(0.000123, digits: 4), "0.0001")
        XCTAssertEqual(DecimalText.fixed(12.7, digits: 0), "13")
        XCTAssertEqual(DecimalText.fixed(1e12, digits: 4), "1000000000000.0000")
        XCTAssertEqual(DecimalText.fixed(0.05, digits: 3), "0.050")
    }

    func testFixedRoundsHalfAwayFromZeroAndNeverPrintsNegativeZero() {
        XCTAssertEqual(DecimalText.fixed(-0.25, digits: 1), "-0.3")
        XCTAssertEqual(DecimalText.fixed(0.5, digits: 0), "1")
        XCTAssertEqual(DecimalText.fixed(-0.001, digits: 2), "0.00")
        XCTAssertEqual(DecimalText.fixed(-0.0, digits: 0), "0")
    }

    func testFixedNonFiniteAndOutOfRangeDigits() {
        XCTAssertEqual(DecimalText.fixed(.nan, digits: 3), "nan")
        XCTAssertEqual(DecimalText.fixed(.infinity, digits: 3), "inf")
        XCTAssertEqual(DecimalText.fixed(-.infinity, digits: 3), "-inf")
        XCTAssertEqual(DecimalText.fixed(1.5, digits: -2), "2")
        XCTAssertEqual(DecimalText.fixed(0.1, digits: 40), "0.100000000000000")
        XCTAssertEqual(DecimalText.fixed(1e300, digits: 2), "1e+300")
    }
}
