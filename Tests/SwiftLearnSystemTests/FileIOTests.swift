import XCTest
import Foundation
import SwiftLearnSystem

final class FileIOTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "fileio-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testWriteReplacesContentAndLeavesNoTemporaryFiles() throws {
        let path = directory + "/weights.bin"
        try FileIO.writeAtomically([1, 2, 3], toPath: path)
        XCTAssertEqual(try FileIO.readAll(path: path), [1, 2, 3])
        let large = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try FileIO.writeAtomically(large, toPath: path)
        XCTAssertEqual(try FileIO.readAll(path: path), large)
        try FileIO.writeAtomically([], toPath: path)
        XCTAssertEqual(try FileIO.readAll(path: path), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["weights.bin"])
    }

    func testFailedWriteNamesThePathAndKeepsNothingBehind() {
        let path = directory + "/missing-folder/model.safetensors"
        XCTAssertThrowsError(try FileIO.writeAtomically([1], toPath: path)) { error in
            let error = error as! FileIOError
            XCTAssertEqual(error.path, path)
            XCTAssertTrue(error.reason.hasPrefix("cannot create a temporary file in \(self.directory!)/missing-folder: No such file"),
                          error.reason)
        }
        XCTAssertThrowsError(try FileIO.writeAtomically([1], toPath: directory + "/")) { error in
            XCTAssertEqual("\(error)", "\(self.directory!)/: names a directory, expected a file name")
        }
    }

    func testReadErrorsNameTheFileAndTheProblem() {
        XCTAssertThrowsError(try FileIO.readAll(path: directory + "/nope.npy")) { error in
            XCTAssertEqual("\(error)", "\(self.directory!)/nope.npy: cannot open: No such file or directory")
        }
        XCTAssertThrowsError(try FileIO.readAll(path: directory)) { error in
            XCTAssertEqual("\(error)", "\(self.directory!): is a directory, expected a file")
        }
    }
}
