import Foundation
import XCTest
import SwiftLearnTestSupport

/// The shared image fixtures (`Tests/Fixtures/images/suite`: Pillow-checked PNG and JPEG files).
enum FixturePaths {
    static let suite = TestFiles.fixturesDirectory.appendingPathComponent("images/suite")

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
