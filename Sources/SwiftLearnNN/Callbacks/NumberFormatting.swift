import SwiftLearnSystem

/// `printf("%.<digits>f")` (``DecimalText/fixed(_:digits:)``).
func formatFixed(_ value: Double, digits: Int) -> String { DecimalText.fixed(value, digits: digits) }

/// `printf("%.<digits>e")`: `1.2345e-04` (``DecimalText/exponential(_:digits:)``).
func formatExponent(_ value: Double, digits: Int) -> String { DecimalText.exponential(value, digits: digits) }

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
