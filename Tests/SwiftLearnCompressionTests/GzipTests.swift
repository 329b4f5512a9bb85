import XCTest
import FoundationEssentials
@testable import SwiftLearnCompression

/// gzip files written by Python's gzip module (and one header built by hand with every optional field).
final class GzipTests: XCTestCase {
    func testSingleMemberWithFileName() throws {
        let (output, headers) = try Gzip.decompressMembers(try Fixture.bytes("text.txt.gz"))
        XCTAssertEqual(output, try Fixture.bytes("text.bin"))
        XCTAssertEqual(headers.count, 1)
        XCTAssertEqual(headers[0].fileName, "text.txt")
        XCTAssertEqual(headers[0].modificationTime, 1_700_000_000)
        XCTAssertNil(headers[0].comment)
    }

    func testMultiMember() throws {
        let (output, headers) = try Gzip.decompressMembers(try Fixture.bytes("multi_member.gz"))
        XCTAssertEqual(String(decoding: output, as: UTF8.self), "Hello, gzip world!\n")
        XCTAssertEqual(headers.count, 3)
    }

    func testEmptyMember() throws {
        XCTAssertEqual(try Gzip.decompress(try Fixture.bytes("empty.gz")), [])
    }

    func testEveryHeaderField() throws {
        let (output, headers) = try Gzip.decompressMembers(try Fixture.bytes("all_fields.gz"))
        XCTAssertEqual(output, try Fixture.bytes("text.bin"))
        let header = try XCTUnwrap(headers.first)
        XCTAssertEqual(header.fileName, "café.txt")  // ISO 8859-1 in the file
        XCTAssertEqual(header.comment, "made by make_fixtures.py")
        XCTAssertEqual(header.extra, Array("AP\u{04}\u{00}abcd".utf8))
        XCTAssertEqual(header.modificationTime, 1_234_567_890)
        XCTAssertTrue(header.isText)
        XCTAssertEqual(header.extraFlags, 2)
        XCTAssertEqual(header.operatingSystem, 3)
    }

    func testHeaderCRCMismatch() throws {
        var bytes = try Fixture.bytes("all_fields.gz")
        // The comment's first byte sits before the header CRC; damaging it breaks FHCRC.
        let commentStart = bytes.firstIndex(of: UInt8(ascii: "m"))!
        bytes[commentStart] = UInt8(ascii: "M")
        assertCompressionError(.checksumMismatch, containing: ["header CRC-16 mismatch"]) { try Gzip.decompress(bytes) }
    }

    func testCorruptedCRCAndSize() throws {
        let original = try Fixture.bytes("text.txt.gz")
        var badCRC = original
        badCRC[badCRC.count - 8] ^= 0xFF
        assertCompressionError(.checksumMismatch, containing: ["byte offset \(original.count - 8)", "gzip member 1: CRC-32 mismatch",
                                                               "decompressed data has 0x747B20E4"]) {
            try Gzip.decompress(badCRC)
        }
        var badSize = original
        badSize[badSize.count - 4] ^= 0x01
        assertCompressionError(.sizeMismatch, containing: ["ISIZE mismatch", "decompressed 20509"]) { try Gzip.decompress(badSize) }
    }

    func testForgedHugeSizeFieldIsNotTrusted() throws {
        // ISIZE claims 4 GiB - 1 for a 4 KB file: the decoder must not commit that much memory up front,
        // and the mismatch is reported.
        var bytes = try Fixture.bytes("text.txt.gz")
        for index in (bytes.count - 4)..<bytes.count { bytes[index] = 0xFF }
        assertCompressionError(.sizeMismatch, containing: ["ISIZE mismatch", "4294967295"]) { try Gzip.decompress(bytes) }
    }

    func testCorruptedSecondMemberIsNamed() throws {
        var bytes = try Fixture.bytes("multi_member.gz")
        // Each member of this file is 25-27 bytes; damage the last member's CRC.
        bytes[bytes.count - 6] ^= 0x10
        assertCompressionError(.checksumMismatch, containing: ["gzip member 3"]) { try Gzip.decompress(bytes) }
    }

    func testTruncationsAreReported() throws {
        let original = try Fixture.bytes("text.txt.gz")
        for length in [0, 1, 5, 9, 12, 100, original.count / 2, original.count - 8, original.count - 3, original.count - 1] {
            do {
                _ = try Gzip.decompress(Array(original[..<length]))
                XCTFail("truncated to \(length) bytes but decoded")
            } catch {
                XCTAssertEqual(error.kind, .truncated, "length \(length): \(error)")
                XCTAssertTrue(error.description.contains("truncated") || error.description.contains("empty input"), "\(error)")
            }
        }
    }

    func testEveryDamagedByteIsDetected() throws {
        // CRC-32 and ISIZE catch any single damaged byte that still decodes.
        let original = try Fixture.bytes("text.txt.gz")
        let expected = try Fixture.bytes("text.bin")
        for index in stride(from: 10, to: original.count, by: 7) {
            var damaged = original
            damaged[index] ^= 0x24
            if let output = try? Gzip.decompress(damaged) {
                XCTAssertEqual(output, expected, "byte \(index) damaged, different output accepted")
            }
        }
    }

    func testTrailingZerosAcceptedGarbageRejected() throws {
        let original = try Fixture.bytes("multi_member.gz")
        XCTAssertEqual(try Gzip.decompress(original + [0, 0, 0, 0]).count, 19)
        assertCompressionError(.corrupt, containing: ["byte offset \(original.count + 1)", "trailing garbage after gzip member 3"]) {
            try Gzip.decompress(original + [0, 0x42])
        }
        assertCompressionError(.corrupt, containing: ["gzip member 4", "expected the magic number 1F 8B"]) {
            try Gzip.decompress(original + [0x1F, 0x00] + [UInt8](repeating: 0, count: 10))
        }
    }

    func testNotGzip() {
        assertCompressionError(.corrupt, containing: ["byte offset 0", "expected the magic number 1F 8B"]) {
            try Gzip.decompress(Array("plain text, not gzip".utf8))
        }
        XCTAssertFalse(Gzip.hasMagic([0x50, 0x4B]))
        XCTAssertTrue(Gzip.hasMagic([0x1F, 0x8B, 0x08]))
    }

    func testErrorsFromFilesNameTheFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlearn-gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("damaged.gz")
        var bytes = try Fixture.bytes("text.txt.gz")
        bytes[bytes.count - 8] ^= 1
        try Data(bytes).write(to: url)
        assertCompressionError(.checksumMismatch, containing: [url.path + ": byte offset"]) { try Gzip.decompress(contentsOf: url) }
        assertCompressionError(.io, containing: ["missing.gz", "cannot open"]) {
            try Gzip.decompress(contentsOf: directory.appendingPathComponent("missing.gz"))
        }
        XCTAssertEqual(try Gzip.decompress(contentsOf: Fixture.url("text.txt.gz")), try Fixture.bytes("text.bin"))
    }

    func testOutputLimit() throws {
        assertCompressionError(.outputLimitExceeded, containing: ["maximum output size of 10000 bytes"]) {
            try Gzip.decompress(try Fixture.bytes("text.txt.gz"), maxOutputSize: 10000)
        }
    }
}
