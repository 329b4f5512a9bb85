import XCTest
@testable import SwiftLearnCompression

/// Archives written by Python's zipfile (stored, deflated, bzip2, zip64 structures, prefixed data).
final class ZipTests: XCTestCase {
    func testMembersStoredAndDeflated() throws {
        let archive = try ZipArchive(contentsOf: Fixture.url("members.zip"))
        XCTAssertEqual(archive.entries.map(\.name), ["text.txt", "dir/", "dir/mixed.bin", "ünïcode-名前.txt", "empty.txt"])
        XCTAssertEqual(archive.entries[0].method, .stored)
        XCTAssertEqual(archive.entries[2].method, .deflated)
        XCTAssertTrue(archive.entries[1].isDirectory)
        XCTAssertEqual(try archive.extract(named: "text.txt"), try Fixture.bytes("text.bin"))
        XCTAssertEqual(try archive.extract(named: "dir/mixed.bin"), try Fixture.bytes("mixed.bin"))
        XCTAssertEqual(try archive.extract(named: "ünïcode-名前.txt"), Array("utf-8 name\n".utf8))
        XCTAssertEqual(try archive.extract(named: "empty.txt"), [])
        XCTAssertEqual(try archive.extract(named: "dir/"), [])
        assertCompressionError(.notFound, containing: ["members.zip", "no member 'nope'", "'text.txt'"]) {
            try archive.extract(named: "nope")
        }
    }

    func testZip64Records() throws {
        let archive = try ZipArchive(contentsOf: Fixture.url("zip64.zip"))
        XCTAssertEqual(archive.entries.map(\.name), ["text.txt", "small.txt"])
        XCTAssertEqual(try archive.extract(named: "text.txt"), try Fixture.bytes("text.bin"))
        XCTAssertEqual(try archive.extract(named: "small.txt"), Array("tiny".utf8))
    }

    func testPrefixedArchive() throws {
        let archive = try ZipArchive(contentsOf: Fixture.url("prefixed.zip"))
        XCTAssertEqual(try archive.extract(named: "dir/mixed.bin"), try Fixture.bytes("mixed.bin"))
    }

    func testUnsupportedMethodAndEncryption() throws {
        let bzip = try ZipArchive(contentsOf: Fixture.url("bzip2.zip"))
        assertCompressionError(.unsupported, containing: ["bzip2 (12)", "text.txt"]) { try bzip.extract(named: "text.txt") }

        var bytes = try Fixture.bytes("members.zip")
        // Set the encryption flag in the first central directory record.
        let directory = try ZipArchive(bytes).entries[0]
        bytes[directory.directoryOffset + 8] |= 1
        let encrypted = try ZipArchive(bytes)
        assertCompressionError(.unsupported, containing: ["encrypted"]) { try encrypted.extract(named: "text.txt") }
    }

    func testCorruptMemberCRC() throws {
        var bytes = try Fixture.bytes("members.zip")
        let entry = try ZipArchive(bytes).entries[0]
        // Damage one byte of the stored text.
        bytes[entry.localHeaderOffset + 30 + "text.txt".utf8.count + 100] ^= 0x01
        let archive = try ZipArchive(bytes, fileName: "damaged.zip")
        assertCompressionError(.checksumMismatch, containing: ["damaged.zip", "zip member 'text.txt': CRC-32 mismatch"]) {
            try archive.extract(named: "text.txt")
        }
    }

    func testNotAnArchiveAndTruncation() throws {
        assertCompressionError(.corrupt, containing: ["no end-of-central-directory record"]) {
            try ZipArchive([UInt8](repeating: 7, count: 100))
        }
        assertCompressionError(.truncated) { try ZipArchive([0x50, 0x4B]) }
        let bytes = try Fixture.bytes("members.zip")
        // Cutting the archive anywhere must throw, never crash (the end record is at the end).
        for length in stride(from: 0, to: bytes.count, by: 1013) {
            XCTAssertThrowsError(try ZipArchive(Array(bytes[..<length])))
        }
        // Damaging member data must be caught on extraction (CRC or decode error).
        let archive = try ZipArchive(bytes)
        let entry = try XCTUnwrap(archive.entry(named: "dir/mixed.bin"))
        var damaged = bytes
        damaged[entry.localHeaderOffset + 60 + entry.compressedSize / 2] ^= 0x33
        XCTAssertThrowsError(try ZipArchive(damaged).extract(named: "dir/mixed.bin"))
    }

    func testOutputLimit() throws {
        let archive = try ZipArchive(contentsOf: Fixture.url("members.zip"))
        assertCompressionError(.outputLimitExceeded, containing: ["declares 62433 bytes"]) {
            try archive.extract(named: "dir/mixed.bin", maxOutputSize: 1000)
        }
    }

    func testWriterRoundTrip() throws {
        let text = try Fixture.bytes("text.bin")
        let mixed = try Fixture.bytes("mixed.bin")
        for method in [ZipArchive.Method.stored, .deflated] {
            let bytes = try ZipWriter.archive([("a.txt", text), ("sub/ü.bin", mixed), ("empty", [])], method: method)
            let archive = try ZipArchive(bytes)
            XCTAssertEqual(archive.entries.map(\.name), ["a.txt", "sub/ü.bin", "empty"])
            XCTAssertEqual(archive.entries.map(\.method), [method, method, method])
            XCTAssertEqual(try archive.extract(named: "a.txt"), text)
            XCTAssertEqual(try archive.extract(named: "sub/ü.bin"), mixed)
            XCTAssertEqual(try archive.extract(named: "empty"), [])
        }
        // Deterministic output: the same members give the same bytes.
        XCTAssertEqual(try ZipWriter.archive([("a", text)]), try ZipWriter.archive([("a", text)]))
    }
}
