import Foundation
import XCTest

/// Helpers for tests that compare decoded pixels with a reference decoder's (Pillow's, through fixtures or
/// `CrossCheck`).
public enum ImageComparison {
    /// Max and mean absolute difference between two pixel arrays (compared over the shorter length).
    public static func difference(_ a: [UInt8], _ b: [Int]) -> (max: Int, mean: Double) {
        var maxDiff = 0
        var total = 0
        for i in 0..<min(a.count, b.count) {
            let d = abs(Int(a[i]) - b[i])
            maxDiff = max(maxDiff, d)
            total += d
        }
        return (maxDiff, a.isEmpty ? 0 : Double(total) / Double(a.count))
    }

    /// ``difference(_:_:)-(_,[Int])`` for two byte arrays.
    public static func difference(_ a: [UInt8], _ b: [UInt8]) -> (max: Int, mean: Double) {
        difference(a, b.map(Int.init))
    }

    /// The bytes of a hexadecimal string (`bytes.hex()` printed by Python).
    public static func bytes<Text: StringProtocol>(hex text: Text) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var index = text.startIndex
        while index < text.endIndex, text.index(after: index) < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }

    /// The JSON object in `url` (a fixture); fails the test (never skips) when it is missing or not an object.
    public static func json(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("fixture \(url.path) is missing", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            XCTFail("fixture \(url.path) is not a JSON object", file: file, line: line)
            throw CocoaError(.fileReadCorruptFile)
        }
        return object
    }
}
