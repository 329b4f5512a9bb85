import XCTest
@testable import SwiftLearnCompression

/// zlib streams from Python's zlib.compress.
final class ZlibTests: XCTestCase {
    func testDecompress() throws {
        let stream = try Fixture.bytes("text.zlib")
        XCTAssertEqual(try Zlib.decompress(stream), try Fixture.bytes("text.bin"))
        XCTAssertEqual(try Zlib.decompress(stream, expectedSize: 20509), try Fixture.bytes("text.bin"))
        try stream.withUnsafeBytes { raw in
            let (output, consumed) = try Zlib.decompressStream(raw)
            XCTAssertEqual(output.count, 20509)
            XCTAssertEqual(consumed, stream.count)
        }
    }

    func testAdlerMismatch() throws {
        var stream = try Fixture.bytes("text.zlib")
        stream[stream.count - 1] ^= 0x01
        assertCompressionError(.checksumMismatch, containing: ["Adler-32 mismatch", "decompressed data has 0x33360FDD"]) {
            try Zlib.decompress(stream)
        }
    }

    func testHeaderErrors() throws {
        let stream = try Fixture.bytes("text.zlib")
        var badCheck = stream
        badCheck[1] ^= 0x01
        assertCompressionError(.corrupt, containing: ["multiple of 31"]) { try Zlib.decompress(badCheck) }
        assertCompressionError(.unsupported, containing: ["preset dictionary"]) { try Zlib.decompress([0x78, 0xBB, 0, 0, 0, 1]) }
        assertCompressionError(.unsupported, containing: ["compression method 15"]) { try Zlib.decompress([0x7F, 0x00]) }
        assertCompressionError(.truncated, containing: ["Adler-32 trailer"]) { try Zlib.decompress(Array(stream.dropLast(2))) }
        assertCompressionError(.truncated) { try Zlib.decompress([0x78]) }
    }
}
