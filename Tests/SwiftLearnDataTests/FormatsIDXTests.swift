import XCTest
import Foundation
@testable import SwiftLearnData
import SwiftLearnTensor

/// IDX files packed by Python's struct (big-endian headers and data), plain and gzip-compressed.
final class FormatsIDXTests: XCTestCase {
    func testEveryTypeCodeAndRank() throws {
        let cases: [(String, NumericDType)] = [
            ("ubyte_rank3.idx", .uint8), ("ubyte_rank3.idx.gz", .uint8), ("byte_rank1.idx", .int8), ("short_rank2.idx", .int16),
            ("int_rank1.idx", .int32), ("float_rank2.idx", .float32), ("double_rank4.idx", .float64), ("ubyte_rank0.idx", .uint8),
        ]
        for (name, dtype) in cases {
            let expected = try CodecsFixtures.expectation(name)
            let array = try IDX.read(contentsOf: CodecsFixtures.url(name))
            XCTAssertEqual(array.dtype, dtype, name)
            XCTAssertEqual(array.shape, expected.shape, name)
            assertCodecsSameDoubles(array.doubles, expected.values, name)
        }
        let images = try IDX.readTensor(contentsOf: CodecsFixtures.url("ubyte_rank3.idx.gz"), as: UInt8.self)
        XCTAssertEqual(images.shape, [2, 3, 4])
        XCTAssertEqual(images[1, 2, 3], UInt8(23 * 11 % 256))
    }

    func testEncodeRoundTripMatchesPythonBytes() throws {
        for name in ["ubyte_rank3.idx", "byte_rank1.idx", "short_rank2.idx", "int_rank1.idx", "float_rank2.idx", "double_rank4.idx"] {
            let original = [UInt8](try Data(contentsOf: CodecsFixtures.url(name)))
            XCTAssertEqual(try IDX.encode(IDX.read(original)), original, name)
        }
    }

    func testMalformed() throws {
        let original = [UInt8](try Data(contentsOf: CodecsFixtures.url("short_rank2.idx")))
        assertCodecsFormatError(.truncated, containing: ["a.idx", "needs 8 bytes from byte offset 12", "found 7"]) {
            try IDX.read(Array(original.dropLast()), fileName: "a.idx")
        }
        assertCodecsFormatError(.corrupt, containing: ["2 unexpected bytes"]) { try IDX.read(original + [1, 2]) }
        assertCodecsFormatError(.unsupported, containing: ["byte offset 2", "type code 0A"]) { try IDX.read([0, 0, 0x0A, 1, 0, 0, 0, 0]) }
        assertCodecsFormatError(.corrupt, containing: ["byte offset 0", "expected 00 00"]) { try IDX.read([0x1F, 0x8B, 8, 0, 0]) }
        assertCodecsFormatError(.truncated, containing: ["ends inside the header"]) { try IDX.read([0, 0, 8, 3, 0, 0]) }
        // Damaged gzip: the error names the file and the gzip problem.
        let directory = try CodecsFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var gz = [UInt8](try Data(contentsOf: CodecsFixtures.url("ubyte_rank3.idx.gz")))
        gz[gz.count - 6] ^= 1
        let url = directory.appendingPathComponent("bad.idx.gz")
        try Data(gz).write(to: url)
        assertCodecsFormatError(.decompression, containing: [url.path, "CRC-32 mismatch"]) { try IDX.read(contentsOf: url) }
        assertCodecsFormatError(.io, containing: ["missing.idx", "cannot open: No such file or directory"]) { try IDX.read(contentsOf: directory.appendingPathComponent("missing.idx")) }
    }
}
