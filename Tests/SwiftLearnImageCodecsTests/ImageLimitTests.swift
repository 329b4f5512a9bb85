import Foundation
import XCTest
import SwiftLearnCompression
@testable import SwiftLearnImageCodecs

/// Decompression bombs: Pillow's `MAX_IMAGE_PIXELS` rule (warn above the limit, refuse above twice it) before any
/// pixel memory is allocated, configurable per call and process-wide.
final class ImageLimitTests: XCTestCase {
    /// A PNG whose IHDR claims `width x height` 8-bit gray, with a tiny (valid) zlib stream as its data.
    func bombPNG(width: Int, height: Int) -> [UInt8] {
        var header: [UInt8] = []
        for value in [UInt32(width), UInt32(height)] {
            header += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
        }
        header += [8, 0, 0, 0, 0]
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        for (type, data) in [("IHDR", header), ("IDAT", DeflateEncoder.zlib([0, 0, 0, 0])), ("IEND", [])] {
            let length = UInt32(data.count)
            png += [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
            let body = Array(type.utf8) + data
            png += body
            let crc = CRC32.checksum(body)
            png += [UInt8(crc >> 24), UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)]
        }
        return png
    }

    func testPillowsDefaultLimit() {
        XCTAssertEqual(ImageDecodingOptions.pillowMaxImagePixels, 1024 * 1024 * 1024 / 4 / 3)
        XCTAssertEqual(ImageDecodingOptions().maxImagePixels, 89_478_485)
    }

    func testThe510KilobytePNGBombIsRefusedAtItsHeader() {
        // 16384 x 32768 = 2^29 pixels: the probe's 510 KB file decoded to 2.1 GB.
        let png = bombPNG(width: 16384, height: 32768)
        let start = Date()
        XCTAssertThrowsError(try PNGDecoder.decode(png, options: ImageDecodingOptions(), file: "bomb.png")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("bomb.png at byte 16: image size 16384x32768 (536870912 pixels) exceeds twice maxImagePixels (178956970 pixels)"), message)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "refused before inflating")
        // Without the limit the header is still checked against the data: 4 bytes of zlib cannot be 512 MB.
        XCTAssertThrowsError(try PNGDecoder.decode(png, options: ImageDecodingOptions(maxImagePixels: nil), file: "bomb.png")) { error in
            XCTAssertTrue("\(error)".contains("cannot inflate to the 536903680 bytes"), "\(error)")
        }
    }

    func testWarnAboveTheLimitRefuseAboveTwice() throws {
        let png = try ImageFixtures.suiteBytes("ct2_d8.png")       // 11 x 7 = 77 pixels
        let jpeg = try ImageFixtures.suiteBytes("j420.jpg")
        let jpegPixels = try JPEGDecoder.decode(jpeg).width * JPEGDecoder.decode(jpeg).height
        for (name, bytes, pixels) in [("a.png", png, 77), ("a.jpg", jpeg, jpegPixels)] {
            let quiet = try ImageConsole.capture {
                _ = try decodeRawImage(bytes, file: name, options: ImageDecodingOptions(maxImagePixels: pixels))
            }
            XCTAssertEqual(quiet, [], "at the limit: no warning")
            let warned = try ImageConsole.capture {
                _ = try decodeRawImage(bytes, file: name, options: ImageDecodingOptions(maxImagePixels: pixels - 1))
                _ = try decodeRawImage(bytes, file: name, options: ImageDecodingOptions(maxImagePixels: pixels - 1))
            }
            XCTAssertEqual(warned.count, 1, "one warning for the same size: \(warned)")
            XCTAssertTrue(warned.first?.hasPrefix("warning: \(name): image size") == true, "\(warned)")
            XCTAssertTrue(warned.first?.contains("could be a decompression bomb") == true, "\(warned)")
            // Just above twice the limit: refused.
            let limit = (pixels - 1) / 2
            XCTAssertThrowsError(try decodeRawImage(bytes, file: name, options: ImageDecodingOptions(maxImagePixels: limit))) { error in
                XCTAssertTrue("\(error)".contains("exceeds twice maxImagePixels (\(limit * 2) pixels)"), "\(error)")
            }
            XCTAssertNoThrow(try decodeRawImage(bytes, file: name, options: ImageDecodingOptions(maxImagePixels: nil)))
        }
    }

    func testTheProcessDefaultIsUsedWhenNoOptionsAreGiven() throws {
        let png = try ImageFixtures.suiteBytes("ct2_d8.png")
        let saved = ImageDecodingOptions.default
        defer { ImageDecodingOptions.default = saved }
        ImageDecodingOptions.default.maxImagePixels = 10
        XCTAssertThrowsError(try decodeRawImage(png, file: "a.png"))
        ImageDecodingOptions.default.maxImagePixels = nil
        XCTAssertNoThrow(try decodeRawImage(png, file: "a.png"))
    }
}
