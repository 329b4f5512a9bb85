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

    /// Parsed JSON at `url`; fails the test (no skip) with a clear message when the file is absent.
    static func json(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("fixture \(url.path) is missing", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            XCTFail("fixture \(url.path) is not a JSON object", file: file, line: line)
            throw CocoaError(.fileReadCorruptFile)
        }
        return object
    }

    static func bytes(_ url: URL) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url))
    }

    static func suiteBytes(_ name: String) throws -> [UInt8] { try bytes(suite.appendingPathComponent(name)) }
}

/// Max and mean absolute difference between two equally long pixel arrays.
func pixelDifference(_ a: [UInt8], _ b: [Int]) -> (max: Int, mean: Double) {
    var maxDiff = 0
    var total = 0
    for i in 0..<min(a.count, b.count) {
        let d = abs(Int(a[i]) - b[i])
        maxDiff = max(maxDiff, d)
        total += d
    }
    return (maxDiff, a.isEmpty ? 0 : Double(total) / Double(a.count))
}

func pixelDifference(_ a: [UInt8], _ b: [UInt8]) -> (max: Int, mean: Double) {
    pixelDifference(a, b.map(Int.init))
}

/// Pillow's mode names for the comparison layouts.
func colorMode(layout: String) -> ColorMode? {
    switch layout {
    case "L": return .grayscale
    case "RGB": return .rgb
    case "RGBA": return .rgba
    default: return nil
    }
}
