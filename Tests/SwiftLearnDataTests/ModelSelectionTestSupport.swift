import Foundation
import XCTest
import SwiftLearnTestSupport

/// Reference values for the model-selection, preprocessing and metrics tests.
///
/// `shared` is `Tests/Fixtures/sklearn_numpy_reference.json`; `local` is
/// `Fixtures/sklearn/reference.json`, made by `Fixtures/sklearn/make_reference.py` with scikit-learn.
enum SklearnReference {
    static var testDirectory: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    static func json(at url: URL) throws -> [String: Any] {
        guard let data = try? Data(contentsOf: url) else {
            XCTFail("missing reference file \(url.path)")
            throw CocoaError(.fileNoSuchFile)
        }
        // Not JSONSerialization: on Linux it rounds many doubles to a neighbouring value.
        var parser = ExactJSONParser(bytes: Array(data))
        do {
            guard let object = try parser.parseDocument() as? [String: Any] else {
                XCTFail("\(url.path) is not a JSON object")
                throw CocoaError(.fileReadCorruptFile)
            }
            return object
        } catch let error as ExactJSONParser.Failure {
            XCTFail("\(url.path): \(error.message)")
            throw error
        }
    }

    static func shared() throws -> [String: Any] {
        try json(at: TestFiles.fixture("sklearn_numpy_reference.json"))
    }

    static func local() throws -> [String: Any] {
        try json(at: testDirectory.appendingPathComponent("Fixtures/sklearn/reference.json"))
    }

    /// `Tests/Fixtures/datasets/boston_housing.csv` parsed as rows of 14 doubles.
    static func bostonRows() throws -> [[Double]] {
        let url = try TestFiles.fixture("datasets/boston_housing.csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var rows = [[Double]]()
        for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(separator: ",")
            let values = fields.compactMap { Double(String($0)) }
            guard values.count == 14, fields.count == 14 else {
                XCTFail("\(url.path) line \(number + 1): expected 14 numbers, got \(line)")
                throw CocoaError(.fileReadCorruptFile)
            }
            rows.append(values)
        }
        return rows
    }
}

/// Integers of a JSON array.
func referenceInts(_ value: Any?, file: StaticString = #filePath, line: UInt = #line) -> [Int] {
    guard let array = value as? [Any] else {
        XCTFail("expected a JSON array of integers, got \(String(describing: value))", file: file, line: line)
        return []
    }
    return array.map { ($0 as? Int) ?? Int.min }
}

/// Doubles of a JSON array, `null` read as NaN (the generator writes NaN as null).
func referenceDoubles(_ value: Any?, file: StaticString = #filePath, line: UInt = #line) -> [Double] {
    guard let array = value as? [Any] else {
        XCTFail("expected a JSON array of numbers, got \(String(describing: value))", file: file, line: line)
        return []
    }
    return array.map { referenceDouble($0) }
}

/// A JSON matrix of doubles (`null` as NaN).
func referenceMatrix(_ value: Any?, file: StaticString = #filePath, line: UInt = #line) -> [[Double]] {
    guard let rows = value as? [Any] else {
        XCTFail("expected a JSON matrix, got \(String(describing: value))", file: file, line: line)
        return []
    }
    return rows.map { referenceDoubles($0, file: file, line: line) }
}

/// Asserts two equally long vectors agree within `tolerance` (absolute, relative to max(1, |expected|));
/// NaN must match NaN.
func assertCloseToReference(_ actual: [Double], _ expected: [Double], tolerance: Double, _ message: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "length \(message)", file: file, line: line)
    for (index, (a, e)) in zip(actual, expected).enumerated() {
        if e.isNaN {
            XCTAssertTrue(a.isNaN, "\(message) [\(index)]: expected NaN, got \(a)", file: file, line: line)
        } else {
            XCTAssertLessThanOrEqual(Swift.abs(a - e), tolerance * Swift.max(1, Swift.abs(e)),
                                     "\(message) [\(index)]: got \(a), expected \(e)", file: file, line: line)
        }
    }
}

/// A JSON number as `Double` (integers too); anything else, including `null`, as NaN.
func referenceDouble(_ value: Any?) -> Double {
    if let double = value as? Double { return double }
    if let int = value as? Int { return Double(int) }
    return .nan
}

/// A small JSON reader that keeps integers (`Int`) and other numbers (`Double`, correctly rounded by the
/// standard library) apart; `null` becomes `NSNull`.
struct ExactJSONParser {
    struct Failure: Error { var message: String }

    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseDocument() throws -> Any {
        let value = try parseValue()
        skipWhitespace()
        guard position == bytes.count else { throw Failure(message: "trailing data at byte \(position)") }
        return value
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }

    private mutating func expect(_ literal: String) throws {
        let expected = Array(literal.utf8)
        guard position + expected.count <= bytes.count,
              Array(bytes[position..<(position + expected.count)]) == expected else {
            throw Failure(message: "expected \(literal) at byte \(position)")
        }
        position += expected.count
    }

    private mutating func parseValue() throws -> Any {
        skipWhitespace()
        guard position < bytes.count else { throw Failure(message: "unexpected end at byte \(position)") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var object = [String: Any]()
            skipWhitespace()
            if bytes[position] == UInt8(ascii: "}") { position += 1; return object }
            while true {
                skipWhitespace()
                let key = try parseString()
                skipWhitespace()
                try expect(":")
                object[key] = try parseValue()
                skipWhitespace()
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                try expect("}")
                return object
            }
        case UInt8(ascii: "["):
            position += 1
            var array = [Any]()
            skipWhitespace()
            if bytes[position] == UInt8(ascii: "]") { position += 1; return array }
            while true {
                array.append(try parseValue())
                skipWhitespace()
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                try expect("]")
                return array
            }
        case UInt8(ascii: "\""):
            return try parseString()
        case UInt8(ascii: "t"):
            try expect("true")
            return true
        case UInt8(ascii: "f"):
            try expect("false")
            return false
        case UInt8(ascii: "n"):
            try expect("null")
            return NSNull()
        default:
            let start = position
            while position < bytes.count, "+-0123456789.eE".utf8.contains(bytes[position]) { position += 1 }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            if !text.contains(where: { ".eE".contains($0) }), let int = Int(text) { return int }
            guard let double = Double(text) else { throw Failure(message: "bad number \(text) at byte \(start)") }
            return double
        }
    }

    private mutating func parseString() throws -> String {
        try expect("\"")
        var scalars = [UInt8]()
        while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
            if bytes[position] == UInt8(ascii: "\\") {
                position += 1
                let escaped = bytes[position]
                switch escaped {
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "u"):
                    let hex = String(decoding: bytes[(position + 1)...(position + 4)], as: UTF8.self)
                    guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                        throw Failure(message: "bad escape at byte \(position)")
                    }
                    scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                    position += 4
                default: scalars.append(escaped)
                }
                position += 1
            } else {
                scalars.append(bytes[position])
                position += 1
            }
        }
        try expect("\"")
        return String(decoding: scalars, as: UTF8.self)
    }
}
