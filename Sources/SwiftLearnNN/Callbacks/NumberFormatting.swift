import Glibc
import SwiftLearnSystem

/// `printf("%.<digits>f")` without Foundation: rounds half away from zero at the last digit
/// (``DecimalText/fixed(_:digits:)``).
func formatFixed(_ value: Double, digits: Int) -> String { DecimalText.fixed(value, digits: digits) }

/// `printf("%.<digits>e")`: `1.2345e-04`.
func formatExponent(_ value: Double, digits: Int) -> String {
    if value.isNaN || value.isInfinite || value == 0 {
        return value == 0 ? formatFixed(0, digits: digits) + "e+00" : formatFixed(value, digits: digits)
    }
    var exponent = Int(floor(log10(Swift.abs(value))))
    var mantissa = value / pow(10, Double(exponent))
    var text = formatFixed(mantissa, digits: digits)
    if text.hasPrefix("10") || text.hasPrefix("-10") {
        exponent += 1
        mantissa = value / pow(10, Double(exponent))
        text = formatFixed(mantissa, digits: digits)
    }
    let magnitude = Swift.abs(exponent)
    return text + "e" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + String(magnitude)
}

/// Keras's progress-bar number: `%.4f` when `|x| > 1e-3`, else `%.4e`.
func formatLogValue(_ value: Double) -> String {
    Swift.abs(value) > 1e-3 || value.isNaN || value.isInfinite ? formatFixed(value, digits: 4) : formatExponent(value, digits: 4)
}

/// Keras's per-step time: `2s/step`, `15ms/step`, `150us/step`.
func formatTimePerUnit(_ seconds: Double, unit: String) -> String {
    if seconds >= 1 || seconds == 0 { return "\(formatFixed(seconds, digits: 0))s/\(unit)" }
    if seconds >= 1e-3 { return "\(formatFixed(seconds * 1e3, digits: 0))ms/\(unit)" }
    return "\(formatFixed(seconds * 1e6, digits: 0))us/\(unit)"
}

/// Thousands separators: `79510` → `79,510`.
func groupedThousands(_ value: Int) -> String {
    let digits = String(Swift.abs(value))
    var result = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return (value < 0 ? "-" : "") + result
}
