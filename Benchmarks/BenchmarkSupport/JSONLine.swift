import SwiftLearnSystem

/// One JSON object on one line, fields in the order added, for `--json` benchmark output.
///
/// ```swift
/// var line = JSONLine(style: .compact)
/// line.add("m", 64); line.add("gflops", 12.5); line.add("kernel", "avx512")
/// print(line.text)   // {"m":64,"gflops":12.5,"kernel":"avx512"}
/// ```
/// Numbers are written as Swift prints them; strings are escaped with ``JSONText``.
public struct JSONLine: Sendable {
    public enum Style: Sendable {
        /// `{"a":1,"b":2}`
        case compact
        /// `{"a": 1, "b": 2}`
        case spaced
    }

    public let style: Style
    private var fields: [String] = []

    public init(style: Style) { self.style = style }

    /// A field whose value is already JSON text (a number rounded for display, an array, a nested object).
    public mutating func add(_ key: String, json value: String) {
        fields.append(JSONText.quoted(key) + (style == .compact ? ":" : ": ") + value)
    }

    public mutating func add(_ key: String, _ value: String) { add(key, json: JSONText.quoted(value)) }
    public mutating func add(_ key: String, _ value: Int) { add(key, json: String(value)) }
    public mutating func add(_ key: String, _ value: Double) { add(key, json: "\(value)") }
    public mutating func add(_ key: String, _ value: Bool) { add(key, json: value ? "true" : "false") }

    /// The object's text: `{...}` without a line break.
    public var text: String {
        "{" + fields.joined(separator: style == .compact ? "," : ", ") + "}"
    }
}
