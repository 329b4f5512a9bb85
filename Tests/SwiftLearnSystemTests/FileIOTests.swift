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

    /// The process id of a process that has exited and been reaped, so `kill(pid, 0)` reports ESRCH.
    private func deadProcessID() throws -> pid_t {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", "exit 0"]
        try child.run()
        child.waitUntilExit()
        let pid = child.processIdentifier
        XCTAssertEqual(kill(pid, 0), -1)
        XCTAssertEqual(errno, ESRCH)
        return pid
    }

    /// A save removes the temporary files an earlier save of the same path left when its process died;
    /// temporaries of live processes, of other paths, and look-alikes stay.
    func testNextSaveRemovesTemporariesOfDeadProcesses() throws {
        let dead = try deadProcessID()
        let debris = [".model.bin.tmp-\(dead)-123456", ".model.bin.tmp-\(dead)-7"]
        let kept = [
            ".model.bin.tmp-\(getppid())-99",       // a live process (this test's parent) may be saving right now
            ".model.bin.tmp-\(getpid())-42",        // this process's own
            ".other.bin.tmp-\(dead)-5",             // another path's
            ".model.bin.tmp-\(dead)-notanumber",    // not the pattern
            "model.bin.tmp-\(dead)-1",              // not hidden
            "notes.txt",
        ]
        for name in debris + kept { try FileIO.writeAtomically([9, 9], toPath: directory + "/" + name) }
        // A directory matching the pattern is not debris either.
        let directoryLookAlike = ".model.bin.tmp-\(dead)-77"
        try FileManager.default.createDirectory(atPath: directory + "/" + directoryLookAlike, withIntermediateDirectories: false)

        try FileIO.writeAtomically([1, 2, 3], toPath: directory + "/model.bin")
        let remaining = Set(try FileManager.default.contentsOfDirectory(atPath: directory))
        XCTAssertEqual(remaining, Set(kept + [directoryLookAlike, "model.bin"]))
        XCTAssertEqual(try FileIO.readAll(path: directory + "/model.bin"), [1, 2, 3])
    }

    /// The `as:` forms report failures as the caller's error type: one mapping per type, no wrapper per module.
    func testTypedFormsReportThroughTheCallersErrorType() throws {
        struct LoaderError: FileIOErrorConvertible, Equatable {
            var text: String
            init(_ error: FileIOError) { text = "loader: \(error)" }
            init(text: String) { self.text = text }
        }
        XCTAssertThrowsError(try FileIO.readAll(path: directory + "/none.npy", as: LoaderError.self)) { error in
            XCTAssertEqual(error as? LoaderError, LoaderError(text: "loader: \(self.directory!)/none.npy: cannot open: No such file or directory"))
        }
        XCTAssertThrowsError(try FileIO.writeAtomically([1], toPath: directory + "/no/dir/x", as: LoaderError.self)) { error in
            XCTAssertTrue((error as? LoaderError)?.text.hasPrefix("loader: \(self.directory!)/no/dir/x: cannot create a temporary file") == true, "\(error)")
        }
        // An error of the caller's type from the body passes unchanged; any other names the path.
        struct Unrelated: Error {}
        XCTAssertThrowsError(try FileIO.writeAtomically(toPath: directory + "/a", as: LoaderError.self) { _ in
            throw LoaderError(text: "mine")
        }) { error in XCTAssertEqual(error as? LoaderError, LoaderError(text: "mine")) }
        XCTAssertThrowsError(try FileIO.writeAtomically(toPath: directory + "/b", as: LoaderError.self) { _ in throw Unrelated() }) { error in
            XCTAssertEqual(error as? LoaderError, LoaderError(text: "loader: \(self.directory!)/b: writing failed: Unrelated()"))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), [])
    }
}
