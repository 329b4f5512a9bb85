import XCTest
import Foundation
@testable import SwiftLearnData
import SwiftLearnTensor

final class FormatsCSVTests: XCTestCase {
    func testHeaderDetectionAndValues() throws {
        let text = "a,b,c\n1,2.5,-3e2\n4, 5 ,6\n"
        let table = try CSV.readNumeric(text: text, as: Double.self)
        XCTAssertTrue(table.hadHeader)
        XCTAssertEqual(table.columnNames, ["a", "b", "c"])
        XCTAssertEqual(table.values.shape, [2, 3])
        XCTAssertEqual(table.values.scalars, [1, 2.5, -300, 4, 5, 6])
        XCTAssertEqual(table.lines, [2, 3])
        XCTAssertEqual(try table.column("c").scalars, [-300, 6])

        let noHeader = try CSV.readNumeric(text: "1,2\n3,4", as: Float.self)
        XCTAssertFalse(noHeader.hadHeader)
        XCTAssertEqual(noHeader.columnNames, ["column1", "column2"])
        XCTAssertEqual(noHeader.values.scalars, [1, 2, 3, 4])
        // An explicit header option takes a numeric first row as names.
        let forced = try CSV.readNumeric(text: "1,2\n3,4", as: Float.self, options: CSVOptions(header: .present))
        XCTAssertEqual(forced.columnNames, ["1", "2"])
        XCTAssertEqual(forced.values.shape, [1, 2])
    }

    func testParsingIsCorrectlyRounded() throws {
        // Values whose nearest Float and nearest Double differ from naive digit accumulation.
        let text = "0.1,2.2250738585072014e-308,9007199254740993,123456789012345678\n"  // the last rounds to 1.2345678901234568e17
        let doubles = try CSV.readNumeric(text: text, as: Double.self).values.scalars
        XCTAssertEqual(doubles, [0.1, 2.2250738585072014e-308, 9007199254740992, 1.2345678901234568e17])
        let floats = try CSV.readNumeric(text: "0.1,16777217,3.4028235e38\n", as: Float.self).values.scalars
        XCTAssertEqual(floats, [Float(0.1), 16777216, Float.greatestFiniteMagnitude])
    }

    func testDelimiterQuotesAndLineEndings() throws {
        let text = "\u{FEFF}\"x;1\";\"y \"\"quoted\"\"\"\r\n\"1\";2\r\n\r\n3;\"4\"\r\n"
        let table = try CSV.readNumeric(text: text, as: Double.self, options: CSVOptions(delimiter: ";"))
        XCTAssertEqual(table.columnNames, ["x;1", "y \"quoted\""])
        XCTAssertEqual(table.values.scalars, [1, 2, 3, 4])
        XCTAssertEqual(table.lines, [2, 4])

        let tabs = try CSV.readNumeric(text: "# comment\n1\t2\n", as: Double.self,
                                       options: CSVOptions(delimiter: "\t", commentPrefix: "#"))
        XCTAssertEqual(tabs.values.scalars, [1, 2])
    }

    func testMissingAndInvalidValuesNameLineAndColumn() throws {
        let text = "a,b,c\n1,2,3\n4,,6\n7,NA,x\n"
        assertCodecsFormatError(.missingValue, containing: ["line 3, column 2 ('b')", "missing value ''", "missingValues: .nan"]) {
            try CSV.readNumeric(text: text, as: Double.self)
        }
        let filled = try CSV.readNumeric(text: "a,b\n1,\n,NA\n", as: Double.self, options: CSVOptions(missingValues: .fill(-1)))
        XCTAssertEqual(filled.values.scalars, [1, -1, -1, -1])
        XCTAssertEqual(filled.missing, [CSVPosition(line: 2, column: 2), CSVPosition(line: 3, column: 1), CSVPosition(line: 3, column: 2)])
        let nan = try CSV.readNumeric(text: "a,b\n1,?\n", as: Float.self, options: CSVOptions(missingValues: .nan))
        XCTAssertTrue(nan.values.scalars[1].isNaN)

        assertCodecsFormatError(.invalidValue, containing: ["line 4, column 3 ('c')", "invalid number 'x'"]) {
            try CSV.readNumeric(text: text, as: Double.self, options: CSVOptions(missingValues: .nan))
        }
        assertCodecsFormatError(.invalidValue, containing: ["line 2, column 1", "'0x10'"]) {
            try CSV.readNumeric(text: "1\n0x10\n", as: Double.self)
        }
        assertCodecsFormatError(.corrupt, containing: ["line 3", "record has 2 fields, expected 3 like the header"]) {
            try CSV.readNumeric(text: "a,b,c\n1,2,3\n4,5\n", as: Double.self)
        }
        // Multi-line quoted fields keep line numbers right for what follows.
        assertCodecsFormatError(.invalidValue, containing: ["line 4, column 2"]) {
            try CSV.readNumeric(text: "\"a\nb\",c\n1,2\n3,z\n", as: Double.self)
        }
        assertCodecsFormatError(.corrupt, containing: ["line 2, column 2", "unterminated quoted field"]) {
            try CSV.readNumeric(text: "a,b\n1,\"2\n", as: Double.self)
        }
        assertCodecsFormatError(.corrupt, containing: ["after a closing quote"]) {
            try CSV.readNumeric(text: "\"a\"b,c\n", as: Double.self)
        }
        assertCodecsFormatError(.invalidArgument, containing: ["delimiter"]) {
            try CSV.readNumeric(text: "1", as: Double.self, options: CSVOptions(delimiter: "é"))
        }
        assertCodecsFormatError(.corrupt, containing: ["empty CSV input"]) { try CSV.readNumeric(text: "\n\n", as: Double.self) }
    }

    func testStringTable() throws {
        let text = "filename,class,score\nimg/a.png,cat,1\n\"img/b, 2.png\",\"dog \"\"big\"\"\",2\nimg/é.png,cat,\n"
        let table = try CSV.readTable(text: text)
        XCTAssertEqual(table.columnNames, ["filename", "class", "score"])
        XCTAssertEqual(try table.column("filename"), ["img/a.png", "img/b, 2.png", "img/é.png"])
        XCTAssertEqual(try table.column("class"), ["cat", "dog \"big\"", "cat"])
        XCTAssertEqual(try table.column("score"), ["1", "2", ""])
        XCTAssertEqual(table.lines, [2, 3, 4])
        assertCodecsFormatError(.notFound, containing: ["no column 'label'", "filename, class, score"]) { try table.column("label") }
        assertCodecsFormatError(.corrupt, containing: ["line 3", "1 fields, expected 2"]) { try CSV.readTable(text: "a,b\n1,2\n3\n") }
        let headerless = try CSV.readTable(text: "x,y\n", options: CSVOptions(header: .absent))
        XCTAssertEqual(headerless.columnNames, ["column1", "column2"])
        XCTAssertEqual(headerless.rows, [["x", "y"]])
    }

    func testGzipCSVFile() throws {
        let url = try CodecsFixtures.sharedFile("datasets/boston_housing.csv")
        let table = try CSV.readNumeric(contentsOf: url, as: Double.self)
        XCTAssertFalse(table.hadHeader)
        XCTAssertEqual(table.values.shape, [506, 14])
        // First row of the file: 6.32e-03, 18, 2.31, ..., MEDV 24.
        XCTAssertEqual(table.values[0, 0], 0.00632)
        XCTAssertEqual(table.values[0, 13], 24)
        XCTAssertEqual(table.values[505, 13], 11.9)
    }
}
