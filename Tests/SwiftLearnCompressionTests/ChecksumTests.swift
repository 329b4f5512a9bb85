import XCTest
@testable import SwiftLearnCompression

/// Reference values from Python's zlib.crc32 / zlib.adler32 (see Fixtures/make_fixtures.py output).
final class ChecksumTests: XCTestCase {
    func testCRC32CheckValue() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([UInt8]()), 0)
        XCTAssertEqual(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)), 0x414F_A339)
    }

    func testAdler32KnownValues() {
        XCTAssertEqual(Adler32.checksum(Array("Wikipedia".utf8)), 0x11E6_0398)
        XCTAssertEqual(Adler32.checksum([UInt8]()), 1)
        // 100,000 bytes of 0xFF cross many modulo reductions: zlib.adler32(b'\xff' * 100000).
        XCTAssertEqual(Adler32.checksum([UInt8](repeating: 0xFF, count: 100_000)), 0x149A_302C)
        XCTAssertEqual(CRC32.checksum([UInt8](repeating: 0xFF, count: 100_000)), 0x68C6_CEC4)
    }

    func testFixtureChecksumsMatchZlib() throws {
        let text = try Fixture.bytes("text.bin")
        let mixed = try Fixture.bytes("mixed.bin")
        XCTAssertEqual(CRC32.checksum(text), 0x747B_20E4)
        XCTAssertEqual(Adler32.checksum(text), 0x3336_0FDD)
        XCTAssertEqual(CRC32.checksum(mixed), 0x3B4E_3349)
        XCTAssertEqual(Adler32.checksum(mixed), 0x0894_3416)
    }

    func testIncrementalUpdatesEqualOneShot() throws {
        let mixed = try Fixture.bytes("mixed.bin")
        // Split points that misalign the 8-byte slices and the 5552-byte Adler blocks.
        for split in [0, 1, 7, 9, 5551, 5553, 33333, mixed.count] {
            var crc = CRC32()
            crc.update(mixed[..<split])
            crc.update(mixed[split...])
            XCTAssertEqual(crc.value, 0x3B4E_3349, "split \(split)")
            var adler = Adler32()
            adler.update(mixed[..<split])
            adler.update(mixed[split...])
            XCTAssertEqual(adler.value, 0x0894_3416, "split \(split)")
        }
    }
}
