import SwiftLearnSystem

/// The machine-readable result an example prints with `--json`: a JSON value whose object keys keep the order
/// they were written in, so the line reads like the documentation.
///
/// ```swift
/// let result: JSONResult = ["model": "relu", "epochs": 10, "test_accuracy": 0.8812]
/// result.serialized   // {"model":"relu","epochs":10,"test_accuracy":0.8812}
/// ```
/// Numbers are written with Swift's shortest round-trip form; NaN and infinities (which JSON cannot carry)
/// become `null`.
public indirect enum JSONResult: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONResult])
    case object([(key: String, value: JSONResult)])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONResult...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONResult)...) {
        self = .object(elements.map { (key: $0.0, value: $0.1) })
    }
    public init(nilLiteral: ()) { self = .null }

    /// An array of numbers.
    public static func numbers(_ values: [Double]) -> JSONResult { .array(values.map(JSONResult.number)) }

    /// Appends (or replaces) a key of an object; does nothing to other values.
    public mutating func set(_ key: String, _ value: JSONResult) {
        guard case .object(var entries) = self else { return }
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index].value = value
        } else {
            entries.append((key: key, value: value))
        }
        self = .object(entries)
    }

    /// The value under `key` of an object.
    public subscript(key: String) -> JSONResult? {
        guard case .object(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// The compact JSON text on one line (RFC 8259).
    public var serialized: String {
        var text = ""
        write(to: &text)
        return text
    }

    private func write(to text: inout String) {
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .integer(let value): text += String(value)
        case .number(let value):
            if !value.isFinite {
                text += "null"
            } else if value == value.rounded(), Swift.abs(value) < 1e15 {
                // Whole numbers keep a decimal point so readers see a float: 2.0, not 2.
                text += String(Int(value)) + ".0"
            } else {
                text += "\(value)"
            }
        case .string(let value): JSONResult.writeString(value, to: &text)
        case .array(let values):
            text += "["
            for (index, value) in values.enumerated() {
                if index > 0 { text += "," }
                value.write(to: &text)
            }
            text += "]"
        case .object(let entries):
            text += "{"
            for (index, entry) in entries.enumerated() {
                if index > 0 { text += "," }
                JSONResult.writeString(entry.key, to: &text)
                text += ":"
                entry.value.write(to: &text)
            }
            text += "}"
        }
    }

    private static func writeString(_ value: String, to text: inout String) {
        JSONText.appendQuoted(value, to: &text)
    }

    public static func == (lhs: JSONResult, rhs: JSONResult) -> Bool { lhs.serialized == rhs.serialized }
}
