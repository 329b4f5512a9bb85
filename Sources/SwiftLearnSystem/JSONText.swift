/// JSON text pieces for the modules that write JSON by hand (safetensors headers, benchmark and example
/// result lines) so that every writer escapes strings the same way.
public enum JSONText {
    /// `text` as a JSON string literal, quotes included, with the escapes serde_json and Python's `json`
    /// use: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, and `\u00XX` for the other control characters below
    /// U+0020; everything else (including non-ASCII) is written as is.
    ///
    /// ```swift
    /// JSONText.quoted("a \"b\"\n")   // "\"a \\\"b\\\"\\n\""
    /// ```
    public static func quoted(_ text: String) -> String {
        var result = ""
        appendQuoted(text, to: &result)
        return result
    }

    /// Appends `text` as a JSON string literal (see ``quoted(_:)``) to `output`.
    public static func appendQuoted(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
