import SwiftLearnImageCodecs
import XCTest

/// The public encoder for gray, gray + alpha, RGB and RGBA images, checked through the library's PNG decoder
/// (itself checked against Pillow) and against header bytes and a CRC computed by Python's zlib.
final class PNGEncoderTests: XCTestCase {
    /// A gradient with every byte value, so filtering wraps around (x - above < 0).
    private func pattern(width: Int, height: Int, channels: Int) -> [UInt8] {
        (0..<(width * height * channels)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ ($0 / (width * channels)) &* 101) }
    }

    func testRoundTripThroughTheLibraryDecoder() throws {
        for channels in 1...4 {
            let pixels = pattern(width: 13, height: 7, channels: channels)
            let png = try PNGEncoder.encode(pixels: pixels, width: 13, height: 7, channels: channels)
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            XCTAssertEqual(png[25], [1: 0, 2: 4, 3: 2, 4: 6][channels], "colour type for \(channels) channels")
            let decoded = try PNGDecoder.decode(png)
            XCTAssertEqual([decoded.height, decoded.width, decoded.channels], [7, 13, channels])
            XCTAssertEqual(decoded.pixels, pixels, "channels \(channels)")
        }
    }

    func testHeaderFieldsAndChunkCRC() throws {
        let png = try PNGEncoder.encode(pixels: [1, 2, 3, 4, 5, 6], width: 2, height: 1, channels: 3)
        // IHDR: length 13, "IHDR", width 2, height 1, depth 8, colour type 2 (RGB), 0, 0, 0.
        XCTAssertEqual(Array(png[8..<33].prefix(21)),
                       [0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 2, 0, 0, 0, 1, 8, 2, 0, 0, 0])
        // Python: hex(zlib.crc32(b"IHDR" + bytes([0, 0, 0, 2, 0, 0, 0, 1, 8, 2, 0, 0, 0]))) == "0x7b40e8dd"
        XCTAssertEqual(Array(png[29..<33]), [0x7B, 0x40, 0xE8, 0xDD])
        XCTAssertEqual(Array(png.suffix(12)), [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
    }

    func testRejectsBadArguments() {
        XCTAssertThrowsError(try PNGEncoder.encode(pixels: [0, 0, 0, 0, 0], width: 1, height: 1, channels: 5)) { error in
            XCTAssertTrue("\(error)".contains("received 5"), "\(error)")
        }
        XCTAssertThrowsError(try PNGEncoder.encode(pixels: [0, 0], width: 1, height: 1, channels: 3)) { error in
            XCTAssertTrue("\(error)".contains("needs 3 bytes, received 2"), "\(error)")
        }
        XCTAssertThrowsError(try PNGEncoder.encode(pixels: [], width: 0, height: 1, channels: 1))
    }
}
