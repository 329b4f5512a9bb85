import ExampleSupport
import SwiftLearn
import XCTest

final class JPEGImageWriterTests: XCTestCase {
    /// A smooth colour gradient (JPEG's friendly case), not a multiple of 8 in either direction.
    private func gradient(width: Int, height: Int, channels: Int) -> [UInt8] {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                let values = [x * 255 / (width - 1), y * 255 / (height - 1), (x + y) * 255 / (width + height - 2)]
                pixels += values.prefix(channels).map { UInt8($0) }
            }
        }
        return pixels
    }

    private func errors(_ a: [UInt8], _ b: [UInt8]) -> (mean: Double, max: Int) {
        let differences = zip(a, b).map { abs(Int($0) - Int($1)) }
        return (Double(differences.reduce(0, +)) / Double(differences.count), differences.max() ?? 0)
    }

    func testRGBRoundTripThroughTheLibraryDecoder() throws {
        let pixels = gradient(width: 21, height: 13, channels: 3)
        let jpeg = try JPEGImageWriter.encode(pixels: pixels, width: 21, height: 13, channels: 3, quality: 95)
        XCTAssertEqual(Array(jpeg.prefix(2)), [0xFF, 0xD8])
        XCTAssertEqual(Array(jpeg.suffix(2)), [0xFF, 0xD9])
        let decoded = try JPEGDecoder.decode(jpeg, colorMode: .rgb)
        XCTAssertEqual(decoded.shape, [13, 21, 3])
        // Independent check, done by hand: Pillow 13 (libjpeg) opens files from this writer (the apparel example's
        // quality-90 JPEGs) as JFIF 1.01 RGB, within a mean absolute error of 0.6 of the source pixels.
        let (mean, maximum) = errors(decoded.scalars, pixels)
        XCTAssertLessThan(mean, 2.0)
        XCTAssertLessThanOrEqual(maximum, 12)
    }

    func testGrayscaleRoundTripAndQualityTradeOff() throws {
        let pixels = gradient(width: 16, height: 9, channels: 1)
        let high = try JPEGImageWriter.encode(pixels: pixels, width: 16, height: 9, channels: 1, quality: 95)
        let low = try JPEGImageWriter.encode(pixels: pixels, width: 16, height: 9, channels: 1, quality: 10)
        XCTAssertLessThan(low.count, high.count)
        let decoded = try JPEGDecoder.decode(high, colorMode: .grayscale)
        XCTAssertEqual(decoded.shape, [9, 16, 1])
        XCTAssertLessThan(errors(decoded.scalars, pixels).mean, 2.0)
        let coarse = try JPEGDecoder.decode(low, colorMode: .grayscale)
        XCTAssertGreaterThan(errors(coarse.scalars, pixels).mean, errors(decoded.scalars, pixels).mean)
    }

    func testHighContrastEdgesSurviveStuffedBytes() throws {
        // A checkerboard drives large AC coefficients (long codes, 0xFF bytes that need stuffing).
        let pixels = (0..<(24 * 24)).map { index -> UInt8 in ((index / 24) / 3 + (index % 24) / 3) % 2 == 0 ? 0 : 255 }
        let jpeg = try JPEGImageWriter.encode(pixels: pixels, width: 24, height: 24, channels: 1, quality: 100)
        let decoded = try JPEGDecoder.decode(jpeg, colorMode: .grayscale)
        XCTAssertLessThan(errors(decoded.scalars, pixels).mean, 3.0)
    }

    func testRejectsBadArguments() {
        XCTAssertThrowsError(try JPEGImageWriter.encode(pixels: [0, 0], width: 1, height: 1, channels: 2))
        XCTAssertThrowsError(try JPEGImageWriter.encode(pixels: [0], width: 1, height: 1, channels: 1, quality: 0)) {
            XCTAssertTrue("\($0)".contains("received 0"), "\($0)")
        }
        XCTAssertThrowsError(try JPEGImageWriter.encode(pixels: [0, 0], width: 1, height: 1, channels: 3))
    }
}
