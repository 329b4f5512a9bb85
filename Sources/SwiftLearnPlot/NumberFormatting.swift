#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SwiftLearnSystem

/// Number-to-text conversions for labels and SVG attributes, written out by hand so that output does not
/// depend on the C locale or on Foundation's formatters.
enum NumberFormatting {
    /// `value` rounded half away from zero to `decimals` places, e.g. `fixed(-0.25, decimals: 1) == "-0.3"`;
    /// never prints "-0" (``DecimalText/fixed(_:digits:)``).
    static func fixed(_ value: Double, decimals: Int) -> String { DecimalText.fixed(value, digits: decimals) }

    /// Compact text for SVG coordinates: at most 2 decimals, trailing zeros removed.
    static func svg(_ value: Double) -> String {
        var text = fixed(value, decimals: 2)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// Labels for evenly spaced ticks: all with the same number of decimals, enough to tell neighbours
    /// apart (matplotlib's ScalarFormatter style, "0.0 0.2 0.4"), or scientific ("2.5e-05") when the values
    /// are very large or the step very small.
    static func tickLabels(_ ticks: [Double]) -> [String] {
        guard ticks.count > 0 else { return [] }
        let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : max(abs(ticks[0]), 1)
        let largest = ticks.map { abs($0) }.max() ?? 0
        if largest >= 1e6 || (step > 0 && step < 1e-4) {
            let exponent = Int(floor(log10(max(largest, step))))
            let mantissaStep = step / pow(10, Double(exponent))
            let decimals = max(0, min(6, -Int(floor(log10(mantissaStep) + 1e-9))))
            return ticks.map { scientific($0, exponent: exponent, decimals: decimals) }
        }
        let decimals = step > 0 ? max(0, min(12, -Int(floor(log10(step) + 1e-9)))) : 0
        return ticks.map { fixed($0, decimals: decimals) }
    }

    static func scientific(_ value: Double, exponent: Int, decimals: Int) -> String {
        guard value != 0 else { return "0" }
        let mantissa = value / pow(10, Double(exponent))
        let exponentText = (exponent < 0 ? "-" : "+") + (abs(exponent) < 10 ? "0" : "") + String(abs(exponent))
        return fixed(mantissa, decimals: decimals) + "e" + exponentText
    }

}

/// Text escaping for SVG/XML content and attribute values.
enum XMLEscaping {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most C0 controls even as character references; drop them.
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// RFC 4648 base64, for embedding PNG images in SVG `data:` URIs.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let v = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out += [alphabet[Int(v >> 18)], alphabet[Int((v >> 12) & 63)], alphabet[Int((v >> 6) & 63)],
                    alphabet[Int(v & 63)]]
            index += 3
        }
        let remaining = bytes.count - index
        if remaining == 1 {
            let v = UInt32(bytes[index]) << 16
            out += [alphabet[Int(v >> 18)], alphabet[Int((v >> 12) & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if remaining == 2 {
            let v = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out += [alphabet[Int(v >> 18)], alphabet[Int((v >> 12) & 63)], alphabet[Int((v >> 6) & 63)],
                    UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
