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
            XCTAssertEqual("\(error)", "\(self.directory!): is a directory, expected a regular file")
        }
    }

    /// A FIFO would block a reader forever and /dev/zero never ends: both are refused before reading.
    func testNonRegularFilesAreRefusedWithoutBlocking() throws {
        let fifo = directory + "/pipe.png"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertThrowsError(try FileIO.readAll(path: fifo)) { error in
            XCTAssertEqual("\(error)", "\(fifo): is a FIFO (named pipe), expected a regular file")
        }
        XCTAssertThrowsError(try FileIO.readAll(path: "/dev/zero")) { error in
            XCTAssertEqual("\(error)", "/dev/zero: is a character device, expected a regular file")
        }
    }

    func testReadsAreBoundedByTheLimit() throws {
        let path = directory + "/ten.bin"
        try FileIO.writeAtomically([UInt8](repeating: 7, count: 10), toPath: path)
        XCTAssertEqual(try FileIO.readAll(path: path, maxBytes: 10), [UInt8](repeating: 7, count: 10))
        XCTAssertThrowsError(try FileIO.readAll(path: path, maxBytes: 9)) { error in
            XCTAssertEqual("\(error)", "\(path): is 10 bytes, more than the limit of 9 bytes")
        }
    }
}
