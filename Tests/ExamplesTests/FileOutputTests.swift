import ExampleSupport
import FoundationEssentials
import SwiftLearn
import XCTest

final class FileOutputTests: XCTestCase {
    func testAtomicWriteReplacesTheFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("examples-tests-\(UUID())").path
        try createDirectory(joinPath(directory, "nested"))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = joinPath(directory, "nested/file.txt")
        try writeTextAtomically("first", to: path)
        try writeTextAtomically("second", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: joinPath(directory, "nested")), ["file.txt"])
        XCTAssertThrowsError(try writeTextAtomically("x", to: joinPath(directory, "missing/file.txt")))
        XCTAssertThrowsError(try createDirectory(path))
    }
}
