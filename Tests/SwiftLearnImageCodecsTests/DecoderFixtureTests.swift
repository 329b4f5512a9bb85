import Foundation
import XCTest
import SwiftLearnImageCodecs

/// Decoded pixels against Pillow's decoding of the same files (values written by Pillow into the fixtures' JSON).
///
/// Tolerances: PNG exact. JPEG: this decoder reproduces libjpeg-turbo's ISLOW IDCT, fancy upsampling and
/// fixed-point YCbCr tables, so the stated tolerance is max |diff| <= 1 and mean |diff| <= 0.02 per sample
/// (observed: 0 on every fixture).
final class DecoderFixtureTests: XCTestCase {
    static let jpegMaxTolerance = 1
    static let jpegMeanTolerance = 0.02

    func testSharedFixturesMatchPillow() throws {
        let expected = try ImageFixtures.json(ImageFixtures.shared.appendingPathComponent("expected_pixels.json"))
        XCTAssertGreaterThanOrEqual(expected.count, 16)
        for (name, value) in expected.sorted(by: { $0.key < $1.key }) {
            guard let entry = value as? [String: Any], let layout = entry["decoded_as"] as? String,
                  let size = entry["size"] as? [Int], let pixels = entry["pixels"] as? [Int],
                  let mode = colorMode(layout: layout) else {
                XCTFail("malformed entry \(name)"); continue
            }
            let bytes = try ImageFixtures.bytes(ImageFixtures.shared.appendingPathComponent(name))
            check(try decodeRawImage(bytes, file: name).converted(to: mode), against: pixels, size: size, name: name, layout: layout)
        }
    }

    func testGeneratedFixturesMatchPillowInEveryLayout() throws {
        let expected = try ImageFixtures.json(ImageFixtures.suite.appendingPathComponent("expected.json"))
        var checked = 0
        for (name, value) in expected.sorted(by: { $0.key < $1.key }) where !name.hasPrefix("__") {
            guard let entry = value as? [String: Any], let size = entry["size"] as? [Int] else {
                XCTFail("malformed entry \(name)"); continue
            }
            let bytes = try ImageFixtures.suiteBytes(name)
            for layout in ["L", "RGB", "RGBA"] {
                guard let pixels = entry[layout] as? [Int], let mode = colorMode(layout: layout) else { continue }
                let image: RawImage
                do {
                    image = try decodeRawImage(bytes, file: name).converted(to: mode)
                } catch {
                    XCTFail("\(name) as \(layout): \(error)"); continue
                }
                check(image, against: pixels, size: size, name: name, layout: layout)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }

    /// Shape and pixels against Pillow's: PNG exactly, JPEG within the stated tolerance.
    func check(_ image: RawImage, against pixels: [Int], size: [Int], name: String, layout: String,
               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual([image.height, image.width, image.channels], [size[1], size[0], colorMode(layout: layout)?.channels ?? 0],
                       "\(name) as \(layout)", file: file, line: line)
        XCTAssertEqual(image.pixels.count, pixels.count, "\(name) as \(layout)", file: file, line: line)
        let diff = pixelDifference(image.pixels, pixels)
        if name.hasSuffix(".png") {
            XCTAssertEqual(diff.max, 0, "\(name) as \(layout) must match Pillow exactly", file: file, line: line)
        } else {
            XCTAssertLessThanOrEqual(diff.max, Self.jpegMaxTolerance, "\(name) as \(layout) max abs diff", file: file, line: line)
            XCTAssertLessThanOrEqual(diff.mean, Self.jpegMeanTolerance, "\(name) as \(layout) mean abs diff", file: file, line: line)
        }
    }
}
