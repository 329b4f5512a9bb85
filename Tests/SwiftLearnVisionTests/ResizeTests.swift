import Foundation
import XCTest
@testable import SwiftLearnVision
import SwiftLearnTensor

/// `resizeImage` against Pillow's `Image.resize` (values from Fixtures/make_fixtures.py): NEAREST and BILINEAR
/// (Pillow's support-scaled triangle filter when downscaling), both expected bit-exact.
final class ResizeTests: XCTestCase {
    func testResizeMatchesPillow() throws {
        let expected = try FixturePaths.json(FixturePaths.suite.appendingPathComponent("expected.json"))
        guard let resize = expected["__resize__"] as? [String: Any],
              let bigPixels = resize["big_source_rgb"] as? [Int], let bigSize = resize["big_size"] as? [Int] else {
            return XCTFail("expected.json lacks the __resize__ references")
        }
        let small = try decodeImage(try FixturePaths.bytes(FixturePaths.suite.appendingPathComponent("ct2_d8.png")), colorMode: .rgb)
        let big = try Tensor<UInt8>(shape: [bigSize[1], bigSize[0], 3], scalars: bigPixels.map { UInt8($0) })
        var checked = 0
        for (key, value) in resize.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "_")
            guard parts.count == 3, let pixels = value as? [Int] else { continue }
            let dims = parts[2].split(separator: "x").compactMap { Int($0) }
            guard dims.count == 2 else { continue }
            let source = parts[0] == "small" ? small : big
            let interpolation: Interpolation = parts[1] == "nearest" ? .nearest : .bilinear
            let out = try resizeImage(source, height: dims[1], width: dims[0], interpolation: interpolation)
            XCTAssertEqual(out.shape, [dims[1], dims[0], 3], key)
            let diff = pixelDifference(out.scalars, pixels)
            XCTAssertEqual(diff.max, 0, "\(key): max abs diff \(diff.max), mean \(diff.mean) vs Pillow")
            checked += 1
        }
        XCTAssertEqual(checked, 14)
    }

    func testNearestIndicesFollowPillow() {
        // Pillow's NEAREST source columns for a 1-row image of 0..<in (Image.fromarray(arange).resize((out, 1))).
        // Pillow accumulates the step in floating point, so 12 -> 9 picks 5 (not floor(4.5 * 12 / 9) = 6) at x = 4.
        let pillow: [(Int, Int, [Int])] = [
            (12, 9, [0, 2, 3, 4, 5, 7, 8, 10, 11]),
            (36, 27, [0, 2, 3, 4, 5, 7, 8, 10, 11, 12, 14, 15, 16, 18, 19, 20, 21, 23, 24, 25, 27, 28, 29, 31, 32, 33, 35]),
            (17, 5, [1, 5, 8, 11, 15]),
            (5, 17, [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4]),
        ]
        for (inSize, outSize, expected) in pillow {
            XCTAssertEqual(ImageResizer.nearestIndices(inSize: inSize, outSize: outSize), expected, "\(inSize)->\(outSize)")
        }
    }

    func testInvalidResizeArgumentsThrow() throws {
        let image = Tensor<UInt8>(repeating: 1, shape: [4, 4, 3])
        XCTAssertThrowsError(try resizeImage(image, height: 0, width: 3)) { error in
            XCTAssertTrue("\(error)".contains("height 0"), "\(error)")
        }
        XCTAssertThrowsError(try resizeImage(Tensor<UInt8>(repeating: 1, shape: [4, 4]), height: 2, width: 2)) { error in
            XCTAssertTrue("\(error)".contains("[4, 4]"), "\(error)")
        }
    }
}
