import SwiftLearnSystem

/// A JSON value for layer configurations and saved architectures.
public enum JSONValue: Sendable, Equatable, Codable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Compact JSON text with sorted keys, for messages: `{"units":4,"shape":[null,3]}`.
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : "\(number)"
        case .string(let string): return JSONText.quoted(string)
        case .array(let items): return "[" + items.map(\.description).joined(separator: ",") + "]"
        case .object(let fields):
            return "{" + fields.keys.sorted().map { JSONText.quoted($0) + ":" + fields[$0]!.description }.joined(separator: ",") + "}"
        }
    }

    var doubleValue: Double? { if case .number(let value) = self { return value }; return nil }
    var stringValue: String? { if case .string(let value) = self { return value }; return nil }
    var boolValue: Bool? { if case .bool(let value) = self { return value }; return nil }
    var intArray: [Int]? {
        guard case .array(let values) = self else { return nil }
        var result: [Int] = []
        for value in values {
            guard let number = value.doubleValue, number == number.rounded(), abs(number) < 1e15 else { return nil }
            result.append(Int(number))
        }
        return result
    }

    static func shape(_ shape: [Int]?) -> JSONValue {
        guard let shape else { return .null }
        return .array(shape.map { .number(Double($0)) })
    }
}

/// JSON text that does not parse: where (byte offset into the text) and what was found versus expected.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Offset of the offending byte in the UTF-8 text.
    public let byteOffset: Int
    public let message: String

    public init(byteOffset: Int, message: String) {
        self.byteOffset = byteOffset
        self.message = message
    }

    public var description: String { "byte \(byteOffset): \(message)" }
}

extension JSONValue {
    /// The deepest nesting of arrays and objects ``parse(_:maxDepth:)`` accepts: serde_json's default,
    /// so Hugging Face's safetensors reader refuses deeper headers too. Real files nest a few levels.
    public static let maxNestingDepth = 128

    /// Parses JSON text (RFC 8259: UTF-8, no comments, no trailing commas, no NaN).
    ///
    /// Parsing is recursive, so nesting is bounded by `maxDepth` (arrays and objects inside each other):
    /// a hostile file of 100 KB of `[` gets an error naming the byte and the limit instead of
    /// overflowing the stack. Duplicate object keys and numbers beyond `Double`'s range are errors too.
    ///
    /// ```swift
    /// let value = try JSONValue.parse(#"{"units": 4, "shape": [null, 3]}"#)
    /// ```
    /// - Throws: ``JSONParseError`` with the byte offset and what was expected there.
    public static func parse(_ text: String, maxDepth: Int = maxNestingDepth) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    /// Parses UTF-8 JSON bytes; see ``parse(_:maxDepth:)-(String,_)``.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = maxNestingDepth) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        return try parser.parseDocument()
    }
}

/// A recursive-descent JSON parser over UTF-8 bytes with a nesting bound, keeping object members in text
/// order (the safetensors reader needs the order and each member's position).
struct JSONParser {
    /// One `"key": value` of an object, with the offset of its key.
    struct Member {
        let key: String
        let offset: Int
        let value: JSONValue
    }

    let bytes: [UInt8]
    let maxDepth: Int
    private(set) var position = 0
    private var depth = 0

    init(bytes: [UInt8], maxDepth: Int = JSONValue.maxNestingDepth) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// One value and nothing after it but whitespace.
    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        let value = try parseValue()
        try expectEnd()
        return value
    }

    /// A document that must be an object; its members in text order.
    mutating func parseObjectDocument() throws(JSONParseError) -> [Member] {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "{") else {
            throw failure(position < bytes.count ? "expected a JSON object ('{'), found \(found())" : "empty text, expected a JSON object")
        }
        let members = try parseObjectMembers()
        try expectEnd()
        return members
    }

    private mutating func expectEnd() throws(JSONParseError) {
        skipWhitespace()
        guard position == bytes.count else { throw failure("unexpected \(found()) after the JSON value") }
    }

    private func failure(_ message: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(byteOffset: offset ?? position, message: message)
    }

    /// The byte at `position` for messages: `'x'`, `byte 0xC3` or `the end of the text`.
    private func found() -> String {
        guard position < bytes.count else { return "the end of the text" }
        let byte = bytes[position]
        return (0x20..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard position < bytes.count else { throw failure("unexpected end of the text, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            var object: [String: JSONValue] = [:]
            for member in try parseObjectMembers() { object[member.key] = member.value }
            return .object(object)
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("unexpected \(found()), expected a value")
        }
    }

    /// Enters one more level of arrays/objects, refusing to go past `maxDepth`.
    private mutating func enter() throws(JSONParseError) {
        guard depth < maxDepth else {
            throw failure("arrays and objects nested more than \(maxDepth) levels deep (the limit is \(maxDepth))")
        }
        depth += 1
        position += 1
    }

    private mutating func parseObjectMembers() throws(JSONParseError) -> [Member] {
        try enter()
        defer { depth -= 1 }
        var members: [Member] = []
        var seen = Set<String>()
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return members
        }
        while true {
            skipWhitespace()
            let keyOffset = position
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw failure("unexpected \(found()), expected a string key")
            }
            let key = try parseString()
            guard seen.insert(key).inserted else { throw failure("duplicate key \"\(key)\"", at: keyOffset) }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw failure("unexpected \(found()), expected ':' after the key \"\(key)\"")
            }
            position += 1
            members.append(Member(key: key, offset: keyOffset, value: try parseValue()))
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end of the text, expected ',' or '}'") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            guard bytes[position] == UInt8(ascii: "}") else { throw failure("unexpected \(found()), expected ',' or '}'") }
            position += 1
            return members
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> [JSONValue] {
        try enter()
        defer { depth -= 1 }
        var items: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return items
        }
        while true {
            items.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end of the text, expected ',' or ']'") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            guard bytes[position] == UInt8(ascii: "]") else { throw failure("unexpected \(found()), expected ',' or ']'") }
            position += 1
            return items
        }
    }

    private mutating func parseLiteral(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        let matches = count <= bytes.count - position && word.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[position + $0] == expected[$0] }
        }
        guard matches else { throw failure("unexpected \(found()), expected a value") }
        position += count
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, as a Double.
    private mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = position
        func digits() -> Int {
            let from = position
            while position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 { position += 1 }
            return position - from
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        guard digits() > 0 else { throw failure("unexpected \(found()), expected a digit") }
        if bytes[integerStart] == UInt8(ascii: "0"), position - integerStart > 1 {
            throw failure("number with a leading zero", at: integerStart)
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw failure("unexpected \(found()), expected a digit after '.'") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw failure("unexpected \(found()), expected a digit in the exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw failure("number \(text) is out of the range of a double", at: start)
        }
        return value
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        let start = position
        position += 1
        var utf8: [UInt8] = []
        while true {
            guard position < bytes.count else { throw failure("unterminated string (it starts at byte \(start))") }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw failure("the string is not valid UTF-8", at: start)
                }
                return text
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { throw failure("unterminated string (it starts at byte \(start))") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"): utf8.append(contentsOf: try parseUnicodeEscape())
                default:
                    position -= 1
                    throw failure("invalid escape \\\(found().trimmingQuotes) in a string", at: position - 1)
                }
            case 0..<0x20:
                throw failure("control character 0x\(String(byte, radix: 16, uppercase: true)) inside a string (it must be escaped)")
            default:
                utf8.append(byte)
                position += 1
            }
        }
    }

    /// The four hex digits after `\u` (and a low surrogate's after a high one), as UTF-8.
    private mutating func parseUnicodeEscape() throws(JSONParseError) -> [UInt8] {
        let escapeStart = position - 2
        func hexQuad() throws(JSONParseError) -> UInt32 {
            guard bytes.count - position >= 4 else { throw failure("truncated \\u escape", at: escapeStart) }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = Character(Unicode.Scalar(bytes[position])).hexDigitValue else {
                    throw failure("unexpected \(found()) in a \\u escape, expected a hexadecimal digit")
                }
                value = value << 4 | UInt32(digit)
                position += 1
            }
            return value
        }
        var code = try hexQuad()
        if (0xD800..<0xDC00).contains(code) {
            guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                throw failure("unpaired high surrogate \\u\(String(code, radix: 16, uppercase: true))", at: escapeStart)
            }
            position += 2
            let low = try hexQuad()
            guard (0xDC00..<0xE000).contains(low) else {
                throw failure("high surrogate \\u\(String(code, radix: 16, uppercase: true)) is not followed by a low surrogate", at: escapeStart)
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(code) {
            throw failure("unpaired low surrogate \\u\(String(code, radix: 16, uppercase: true))", at: escapeStart)
        }
        return Array(String(Character(Unicode.Scalar(code)!)).utf8)
    }
}

private extension String {
    /// `'x'` -> `x` (for messages that put the found byte after a backslash).
    var trimmingQuotes: String { hasPrefix("'") && hasSuffix("'") && count >= 3 ? String(dropFirst().dropLast()) : self }
}
