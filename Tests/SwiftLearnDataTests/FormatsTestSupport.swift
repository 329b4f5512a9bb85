import XCTest
import SwiftLearnTestSupport
import Foundation
@testable import SwiftLearnData
import SwiftLearnTensor

/// Fixtures for the format and dataset tests (Fixtures/codecs, made by make_fixtures.py with numpy) and
/// the repository's shared fixtures (`Tests/Fixtures`).
enum CodecsFixtures {
    static let testsDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    static let directory = testsDirectory.appendingPathComponent("Fixtures/codecs")

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// `Tests/Fixtures/<relative>` (`datasets/boston_housing.csv`, `sklearn_numpy_reference.json`, ...).
    static func sharedFile(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        try TestFiles.fixture(relative, file: file, line: line)
    }

    struct Expected {
        var dtype: String
        var shape: [Int]
        /// Flattened C-order values as numpy reads them (NaN/inf as Double).
        var values: [Double]
    }

    /// expected.json: what numpy's `np.load` returns for each fixture.
    static let expected: [String: Expected] = {
        guard let data = try? Data(contentsOf: url("expected.json")),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] else { return [:] }
        var result: [String: Expected] = [:]
        for (name, entry) in object {
            let values = (entry["values"] as? [Any] ?? []).map { value -> Double in
                if let number = value as? NSNumber { return number.doubleValue }
                switch value as? String {
                case "nan": return .nan
                case "inf": return .infinity
                case "-inf": return -.infinity
                default: return .nan
                }
            }
            result[name] = Expected(dtype: entry["dtype"] as? String ?? "?", shape: entry["shape"] as? [Int] ?? [], values: values)
        }
        return result
    }()

    static func expectation(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> Expected {
        guard let expected = expected[name] else {
            XCTFail("no entry '\(name)' in \(url("expected.json").path)", file: file, line: line)
            throw CodecsTestError.missing(name)
        }
        return expected
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlearn-codecs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

enum CodecsTestError: Error { case missing(String) }

/// Asserts `body` throws a FormatError of `kind` whose description mentions every fragment.
func assertCodecsFormatError<T>(
    _ kind: FormatError.Kind, containing fragments: [String] = [], file: StaticString = #filePath, line: UInt = #line,
    _ body: () throws -> T
) {
    assertThrows(FormatError.self, containing: fragments, file: file, line: line, body) {
        XCTAssertEqual($0.kind, kind, "\($0)", file: file, line: line)
    }
}

/// Compares doubles bit-for-bit in meaning (NaN equals NaN, -0 equals -0 by sign too).
func assertCodecsSameDoubles(_ actual: [Double], _ expected: [Double], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, message, file: file, line: line)
    for (index, (a, e)) in zip(actual, expected).enumerated() {
        let same = (a.isNaN && e.isNaN) || (a == e && a.sign == e.sign)
        if !same {
            XCTFail("\(message): element \(index) is \(a), numpy has \(e)", file: file, line: line)
            return
        }
    }
}

/// Runs python3 with numpy; skips with the reason where either is missing (CI requires them).
func runCodecsNumpy(_ code: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let python = try CrossCheck.python(modules: ["numpy"], file: file, line: line)
    return try CrossCheck.run(python, script: code, file: file, line: line)
}
