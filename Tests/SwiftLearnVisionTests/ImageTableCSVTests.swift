import Foundation
import XCTest
import SwiftLearnVision

/// `ImageTable(csvFile:)` reads through SwiftLearnData's CSV reader; errors stay image errors naming the
/// file, line and column.
final class ImageTableCSVTests: XCTestCase {
    /// Writes `text` to a file called `name` in a fresh temporary folder (removed after the test); its path.
    private func write(_ text: String, _ name: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("imagetable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func testQuotedFieldsCRLFAndBlankLines() throws {
        // Python: list(csv.reader(io.StringIO(text))) without its empty rows.
        let path = try write("file,label\r\n\"a,b.png\",\"say \"\"x\"\"\"\r\n\r\n\"multi\nline.png\",2\r\nc.png,\r\n", "t.csv")
        let table = try ImageTable(csvFile: path)
        XCTAssertEqual(table.columns, ["file", "label"])
        XCTAssertEqual(table.rows, [["a,b.png", "say \"x\""], ["multi\nline.png", "2"], ["c.png", ""]])
    }

    func testUnterminatedQuoteNamesFileLineAndColumn() throws {
        let path = try write("file,label\na.png,1\nb.png,\"2\n", "bad.csv")
        XCTAssertThrowsError(try ImageTable(csvFile: path)) { error in
            guard let error = error as? ImageError else { return XCTFail("expected ImageError, got \(error)") }
            XCTAssertEqual(error.file, path)
            XCTAssertTrue(error.message.contains("line 3, column 2"), error.message)
            XCTAssertTrue(error.message.contains("unterminated quoted field"), error.message)
        }
    }

    func testRaggedRowNamesFileAndLine() throws {
        let path = try write("file,label\na.png,1\nb.png,2,extra\n", "ragged.csv")
        XCTAssertThrowsError(try ImageTable(csvFile: path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(path + ": line 3: "), text)
            XCTAssertTrue(text.contains("record has 3 fields, expected 2 like the header"), text)
        }
    }

    func testEmptyFileAndDuplicateColumnsAreRejected() throws {
        let empty = try write("", "empty.csv")
        XCTAssertThrowsError(try ImageTable(csvFile: empty)) { error in
            XCTAssertTrue("\(error)".hasPrefix(empty + ": "), "\(error)")
            XCTAssertTrue("\(error)".contains("expected a header record"), "\(error)")
        }
        let duplicate = try write("file,file\na,b\n", "dup.csv")
        XCTAssertThrowsError(try ImageTable(csvFile: duplicate)) { error in
            XCTAssertTrue("\(error)".hasPrefix(duplicate + ": "), "\(error)")
            XCTAssertTrue("\(error)".contains("columns must be unique"), "\(error)")
        }
    }
}
