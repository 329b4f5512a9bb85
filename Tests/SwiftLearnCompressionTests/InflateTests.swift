import XCTest
@testable import SwiftLearnCompression

/// Raw DEFLATE streams produced by Python's zlib (Fixtures/make_fixtures.py) and hand-built edge cases.
final class InflateTests: XCTestCase {
    func testBlockKindsAndStrategiesFromZlib() throws {
        let text = try Fixture.bytes("text.bin")
        let mixed = try Fixture.bytes("mixed.bin")
        let cases: [(String, [UInt8])] = [
            ("text_stored.deflate", text),  // level 0: stored blocks
            ("text_fixed.deflate", text),  // Z_FIXED: fixed Huffman block
            ("text_dynamic.deflate", text),  // level 9: dynamic block, literal codes up to 11 bits
            ("mixed_dynamic.deflate", mixed),  // literal codes up to 14 bits, distance codes up to 12 bits (subtables)
            ("mixed_huffman_only.deflate", mixed),  // literals only, no distance codes used
            ("mixed_rle.deflate", mixed),  // distance-1 runs
            ("mixed_level1_small_blocks.deflate", mixed),  // 115 blocks of all three kinds
            ("mixed_flushed.deflate", mixed),  // sync/full flushes: empty stored blocks between dynamic ones
        ]
        for (name, expected) in cases {
            let compressed = try Fixture.bytes(name)
            let (output, consumed) = try Inflate.decompressStream(compressed)
            XCTAssertEqual(output.count, expected.count, name)
            XCTAssertTrue(output == expected, "\(name): decoded bytes differ from the original")
            XCTAssertEqual(consumed, compressed.count, "\(name): the stream should occupy the whole file")
        }
    }

    func testTrailingBytesAreReportedNotConsumed() throws {
        let compressed = try Fixture.bytes("text_dynamic.deflate")
        let (output, consumed) = try Inflate.decompressStream(compressed + [0xAB, 0xCD, 0xEF])
        XCTAssertEqual(output, try Fixture.bytes("text.bin"))
        XCTAssertEqual(consumed, compressed.count)
    }

    func testEmptyStoredFinalBlock() throws {
        // BFINAL=1, BTYPE=00, then LEN=0, NLEN=0xFFFF.
        XCTAssertEqual(try Inflate.decompress([0x01, 0x00, 0x00, 0xFF, 0xFF]), [])
    }

    func testHandBuiltFixedBlockWithOverlappingMatch() throws {
        // "ab" then a match of length 10 at distance 2 ("ababababab"), then end of block.
        var packer = BitPacker()
        packer.finalFixedBlock()
        packer.code(0x30 + Int(UInt8(ascii: "a")), 8)  // literals 0...143: 8-bit codes from 0x30
        packer.code(0x30 + Int(UInt8(ascii: "b")), 8)
        packer.code(264 - 256, 7)  // length symbol 264 = length 10, 7-bit code
        packer.code(1, 5)  // distance symbol 1 = distance 2
        packer.code(0, 7)  // end of block (256)
        XCTAssertEqual(try Inflate.decompress(packer.finish()), Array("abababababab".utf8))
    }

    func testOutputLimit() throws {
        let zeros = try Fixture.bytes("zeros_1m.deflate")  // 1 MiB of zeros in 1033 bytes
        XCTAssertEqual(try Inflate.decompress(zeros, maxOutputSize: 1 << 20), [UInt8](repeating: 0, count: 1 << 20))
        assertCompressionError(.outputLimitExceeded, containing: ["maximum output size of 1048575 bytes"]) {
            try Inflate.decompress(zeros, maxOutputSize: (1 << 20) - 1)
        }
        assertCompressionError(.outputLimitExceeded, containing: ["1000 bytes"]) {
            try Inflate.decompress(zeros, maxOutputSize: 1000)
        }
        // Stored blocks are limited too.
        let stored = try Fixture.bytes("text_stored.deflate")
        assertCompressionError(.outputLimitExceeded) { try Inflate.decompress(stored, maxOutputSize: 20000) }
        XCTAssertEqual(try Inflate.decompress(stored, maxOutputSize: 20509).count, 20509)
    }

    func testEveryTruncationThrowsTruncated() throws {
        let streams = ["text_dynamic.deflate", "text_fixed.deflate", "text_stored.deflate"]
        for name in streams {
            let compressed = try Fixture.bytes(name)
            let step = name == "text_stored.deflate" ? 97 : 1
            for length in stride(from: 0, to: compressed.count, by: step) {
                do {
                    _ = try Inflate.decompress(Array(compressed[..<length]))
                    XCTFail("\(name) cut to \(length) bytes decoded without error")
                } catch {
                    // A cut stream may also end in bits that happen to form an invalid code.
                    XCTAssertTrue(error.kind == .truncated || error.kind == .corrupt, "\(name)[..<\(length)]: \(error)")
                    if error.kind == .truncated {
                        XCTAssertTrue(error.description.contains("truncated"), "\(error)")
                        XCTAssertEqual(error.offset, length, "\(name)[..<\(length)]: \(error)")
                    }
                }
            }
        }
    }

    func testCorruptStreamsNeverCrash() throws {
        // Flipping bytes must give an error or some output, never a crash or an out-of-bounds access.
        let compressed = try Fixture.bytes("text_dynamic.deflate")
        for index in stride(from: 0, to: compressed.count, by: 3) {
            var damaged = compressed
            damaged[index] ^= 0x5A
            _ = try? Inflate.decompress(damaged, maxOutputSize: 1 << 20)
        }
    }

    func testInvalidBlockType() {
        assertCompressionError(.corrupt, containing: ["byte offset 0", "invalid block type 3"]) {
            try Inflate.decompress([0x07, 0x00])
        }
    }

    func testStoredLengthMismatch() {
        assertCompressionError(.corrupt, containing: ["LEN 5 does not match NLEN 0", "expected NLEN = 65530"]) {
            try Inflate.decompress([0x01, 0x05, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5])
        }
        assertCompressionError(.truncated, containing: ["5 bytes announced", "only 2 available"]) {
            try Inflate.decompress([0x01, 0x05, 0x00, 0xFA, 0xFF, 1, 2])
        }
    }

    func testDistanceTooFarBack() {
        var packer = BitPacker()
        packer.finalFixedBlock()
        packer.code(0x30 + 65, 8)  // one literal
        packer.code(257 - 256, 7)  // length 3
        packer.code(1, 5)  // distance 2 > 1 byte decoded
        packer.code(0, 7)
        assertCompressionError(.corrupt, containing: ["distance 2", "only 1 bytes decoded"]) {
            try Inflate.decompress(packer.finish())
        }
    }

    func testInvalidFixedSymbols() {
        // Literal/length symbol 286 (8-bit fixed code 0xC6) and distance symbol 30 are invalid in data.
        var packer = BitPacker()
        packer.finalFixedBlock()
        packer.code(0xC0 + (286 - 280), 8)
        packer.code(0, 7)
        assertCompressionError(.corrupt, containing: ["invalid literal/length code"]) { try Inflate.decompress(packer.finish()) }

        var distance = BitPacker()
        distance.finalFixedBlock()
        distance.code(0x30 + 65, 8)
        distance.code(1, 7)
        distance.code(30, 5)
        distance.code(0, 7)
        assertCompressionError(.corrupt, containing: ["invalid distance code"]) { try Inflate.decompress(distance.finish()) }
    }

    func testDynamicHeaderErrors() {
        // Over-subscribed code-length code: all 19 code-length codes of length 1.
        var oversubscribed = BitPacker()
        oversubscribed.finalDynamicBlock(hlit: 0, hdist: 0, hclen: 15)
        for _ in 0..<19 { oversubscribed.bits(1, 3) }
        oversubscribed.bits(0, 32)
        assertCompressionError(.corrupt, containing: ["over-subscribed code-length Huffman code"]) {
            try Inflate.decompress(oversubscribed.finish())
        }

        // HLIT = 30 -> 287 literal/length codes (at most 286 allowed).
        var tooMany = BitPacker()
        tooMany.finalDynamicBlock(hlit: 30, hdist: 0, hclen: 0)
        tooMany.bits(0, 16)
        assertCompressionError(.corrupt, containing: ["287 literal/length", "at most 286"]) {
            try Inflate.decompress(tooMany.finish())
        }

        // Code-length symbol 16 (repeat previous) as the very first length.
        var repeatFirst = BitPacker()
        repeatFirst.finalDynamicBlock(hlit: 0, hdist: 0, hclen: 0)  // 4 code-length codes: for 16, 17, 18, 0
        for _ in 0..<4 { repeatFirst.bits(2, 3) }  // all length 2, canonical by symbol: 0 -> 00, 16 -> 01, 17 -> 10, 18 -> 11
        repeatFirst.code(0b01, 2)  // symbol 16
        repeatFirst.bits(0, 16)
        assertCompressionError(.corrupt, containing: ["symbol 16", "no previous length"]) {
            try Inflate.decompress(repeatFirst.finish())
        }
    }

    func testMissingEndOfBlockCode() {
        // Dynamic block whose literal/length code gives symbol 256 no code: 257 literal/length lengths,
        // all zero except symbols 0 and 1 (length 1); one distance length of 1.
        var packer = BitPacker()
        // 257 literal/length codes, 1 distance code, 18 code-length codes (up to symbol 1 in the permuted order).
        packer.finalDynamicBlock(hlit: 0, hdist: 0, hclen: 14)
        // Order: 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1. Give 18 and 1 and 0 codes: 18 -> 2 bits,
        // 1 -> 2 bits, 0 -> 1 bit (complete: 1/2 + 1/4 + 1/4).
        let lengths: [Int] = [0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]
        for length in lengths { packer.bits(length, 3) }
        // Canonical codes: symbol 0 (len 1) = 0; symbol 1 (len 2) = 10; symbol 18 (len 2) = 11.
        packer.code(0b10, 2)  // literal 0: length 1
        packer.code(0b10, 2)  // literal 1: length 1
        packer.code(0b11, 2)
        packer.bits(138 - 11, 7)  // 138 zeros: symbols 2...139
        packer.code(0b11, 2)
        packer.bits(117 - 11, 7)  // 117 zeros: symbols 140...256 (including end of block)
        packer.code(0b10, 2)  // the one distance length: 1
        packer.bits(0, 16)
        assertCompressionError(.corrupt, containing: ["no end-of-block symbol"]) { try Inflate.decompress(packer.finish()) }
    }
}
