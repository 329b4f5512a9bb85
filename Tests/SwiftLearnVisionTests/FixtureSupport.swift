import Foundation
import XCTest
import SwiftLearnTestSupport

/// The shared image fixtures (`Tests/Fixtures/images/suite`: Pillow-checked PNG and JPEG files).
enum FixturePaths {
    static let suite = TestFiles.fixturesDirectory.appendingPathComponent("images/suite")

    static func json(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try ImageComparison.json(url, file: file, line: line)
    }

    static func bytes(_ url: URL) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url))
    }
}

func pixelDifference(_ a: [UInt8], _ b: [Int]) -> (max: Int, mean: Double) { ImageComparison.difference(a, b) }
