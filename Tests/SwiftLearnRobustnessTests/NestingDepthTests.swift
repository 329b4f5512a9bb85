import XCTest
import SwiftLearnSystem
import SwiftLearnTestSupport
@testable import SwiftLearnNN

/// The JSON parser behind safetensors headers and model files: recursion bounded at 128 levels (a
/// hostile file gets an error naming the byte and the limit, never a stack overflow), and strict RFC 8259.
final class NestingDepthTests: XCTestCase {
    func nested(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }

    func assertParseError(_ text: String, byte: Int, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try JSONValue.parse(text), file: file, line: line) { error in
            guard let error = error as? JSONParseError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(error.byteOffset, byte, "\(error)", file: file, line: line)
            XCTAssertTrue(error.message.contains(fragment), "'\(error.message)' lacks '\(fragment)'", file: file, line: line)
        }
    }

    func testNestingIsBoundedAtTheLimit() throws {
        XCTAssertEqual(JSONValue.maxNestingDepth, 128)
        var value = try JSONValue.parse(nested(128))
        var depth = 0
        while case .array(let items) = value {
            depth += 1
            guard let first = items.first else { break }
            value = first
        }
        XCTAssertEqual(depth, 128)
        // The 129th bracket (byte 128) is one level too many; 100,000 levels fail the same way.
        assertParseError(nested(129), byte: 128, "nested more than 128 levels deep (the limit is 128)")
        assertParseError(nested(100_000), byte: 128, "the limit is 128")
        assertParseError(String(repeating: #"{"a":"#, count: 50_000), byte: 128 * 5, "the limit is 128")
        assertParseError(String(repeating: #"[{"k":"#, count: 100), byte: 128 / 2 * 6, "the limit is 128")
    }

    /// A safetensors header nested 10,000 levels deep: an error naming the file, the byte and the limit.
    func testDeeplyNestedSafetensorsHeaderNamesTheByteAndTheLimit() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":"#
        let header = prefix + nested(10_000) + "}}"
        let path = directory.appendingPathComponent("deep.safetensors").path
        try FileIO.writeAtomically(SafeTensorsIntegrityTests.file(header: header, data: [0, 0, 0, 0]), toPath: path)
        // Levels 1 and 2 are the two objects: the 127th '[' is level 129.
        let byte = 8 + prefix.utf8.count + 126
        XCTAssertThrowsError(try SafeTensors(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path): the safetensors header (JSON at bytes 8..<\(8 + (header.utf8.count + 7) / 8 * 8)) is invalid at byte \(byte): "
                               + "arrays and objects nested more than 128 levels deep (the limit is 128)")
        }
    }

    /// The architecture inside a model file is JSON too, parsed with the same bound.
    func testDeeplyNestedArchitectureIsRefused() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let architecture = #"{"class_name":"Sequential","layers":"# + nested(50_000) + "}"
        let path = directory.appendingPathComponent("deep-model.safetensors").path
        try FileIO.writeAtomically(SafeTensorsIntegrityTests.encode([], metadata: ["format": "swiftlearn.model", "architecture": architecture]),
                                   toPath: path)
        XCTAssertThrowsError(try loadModel(path)) { error in
            XCTAssertEqual("\(error)", "\(path): metadata 'architecture' is not valid JSON: byte \(#"{"class_name":"Sequential","layers":"#.utf8.count + 127): "
                               + "arrays and objects nested more than 128 levels deep (the limit is 128)")
        }
    }

    func testParserIsStrict() {
        assertParseError("[1,]", byte: 3, "unexpected ']', expected a value")
        assertParseError("{\"a\":1,}", byte: 7, "expected a string key")
        assertParseError("[01]", byte: 1, "leading zero")
        assertParseError("[NaN]", byte: 1, "unexpected 'N', expected a value")
        assertParseError("[1e999]", byte: 1, "out of the range of a double")
        assertParseError(#"{"a":1,"a":2}"#, byte: 7, #"duplicate key "a""#)
        assertParseError("\"a\u{1}b\"", byte: 2, "control character 0x1")
        assertParseError(#""\ud800x""#, byte: 1, "unpaired high surrogate")
        assertParseError(#""\udc00""#, byte: 1, "unpaired low surrogate")
        assertParseError(#""\q""#, byte: 1, "invalid escape \\q")
        assertParseError("[1] 2", byte: 4, "unexpected '2' after the JSON value")
        assertParseError("[tru]", byte: 1, "expected a value")
        assertParseError("\"abc", byte: 4, "unterminated string")
        XCTAssertThrowsError(try JSONValue.parse([0x22, 0xC3, 0x28, 0x22])) { error in
            XCTAssertEqual(error as? JSONParseError, JSONParseError(byteOffset: 0, message: "the string is not valid UTF-8"))
        }
    }

    func testParserReadsWhatPythonWrites() throws {
        // json.dumps({"s": "é\n\"😀", "n": [-0.5, 1e-3, 12, true, null], "o": {}}, ensure_ascii=True)
        let text = #"{"s": "\u00e9\n\"\ud83d\ude00", "n": [-0.5, 0.001, 12, true, null], "o": {}}"#
        XCTAssertEqual(try JSONValue.parse(text), .object([
            "s": .string("é\n\"😀"), "n": .array([.number(-0.5), .number(0.001), .number(12), .bool(true), .null]), "o": .object([:]),
        ]))
        XCTAssertEqual(try JSONValue.parse(" \t\r\n[] "), .array([]))
        XCTAssertEqual(JSONValue.object(["b": .array([.number(1), .number(2.5)]), "a": .string("x\"")]).description, #"{"a":"x\"","b":[1,2.5]}"#)
    }
}
