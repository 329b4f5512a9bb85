import Foundation
import XCTest
import SwiftLearnImageCodecs
import SwiftLearnTestSupport

/// The image fixtures (`Tests/Fixtures/images`): Pillow-written files with the pixels Pillow decodes from them.
enum ImageFixtures {
    /// `Tests/Fixtures/images`: files with `expected_pixels.json`.
    static let shared = TestFiles.fixturesDirectory.appendingPathComponent("images")
    /// `Tests/Fixtures/images/suite`: every PNG colour type and bit depth, JPEG layouts, `expected.json`.
    static let suite = shared.appendingPathComponent("suite")
    /// `Tests/Fixtures/images/jpeg`: tiny sizes, Motion-JPEG, cut progressive files, reduced-size decodes.
    static let jpeg = shared.appendingPathComponent("jpeg")

    static func json(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try ImageComparison.json(url, file: file, line: line)
    }

    static func bytes(_ url: URL) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url))
    }

    static func suiteBytes(_ name: String) throws -> [UInt8] { try bytes(suite.appendingPathComponent(name)) }
}

func pixelDifference(_ a: [UInt8], _ b: [Int]) -> (max: Int, mean: Double) { ImageComparison.difference(a, b) }
func pixelDifference(_ a: [UInt8], _ b: [UInt8]) -> (max: Int, mean: Double) { ImageComparison.difference(a, b) }

/// Pillow's mode names for the comparison layouts.
func colorMode(layout: String) -> ColorMode? {
    switch layout {
    case "L": return .grayscale
    case "RGB": return .rgb
    case "RGBA": return .rgba
    default: return nil
    }
}
