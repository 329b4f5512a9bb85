/// Locale-free number text shared by the progress bar, checkpoint names and chart labels, written out by
/// hand so output depends neither on the C locale nor on Foundation's formatters.
public enum DecimalText {
    /// `printf("%.<digits>f")`-style text: `value` rounded half away from zero (at the scaled binary value) to
    /// `digits` places, `digits` clamped to 0...15. Never prints "-0" (`fixed(-0.001, digits: 2) == "0.00"`);
    /// NaN and infinities are `nan`, `inf`, `-inf`; magnitudes whose scaled value reaches 9e18 fall back to
    /// Swift's shortest representation.
    ///
    /// ```swift
    /// DecimalText.fixed(-0.25, digits: 1)   // "-0.3"
    /// DecimalText.fixed(2.0, digits: 4)     // "2.0000"
    /// ```
    public static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        let places = max(0, min(15, digits))
        var multiplier: UInt64 = 1
        for _ in 0..<places { multiplier *= 10 }
        let scaled = (abs(value) * Double(multiplier)).rounded()
        guard scaled < 9.0e18 else { return "\(value)" }
        let units = UInt64(scaled)
        var text = units == 0 ? "" : (value < 0 ? "-" : "")
        text += String(units / multiplier)
        if places > 0 {
            var fraction = String(units % multiplier)
            while fraction.count < places { fraction = "0" + fraction }
            text += "." + fraction
        }
        return text
    }

    /// `printf("%.<digits>e")`-style text: `exponential(0.00012345, digits: 4) == "1.2345e-04"` (mantissa by
    /// ``fixed(_:digits:)``, at least two exponent digits). NaN and infinities as in ``fixed(_:digits:)``.
    public static func exponential(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return fixed(value, digits: digits) }
        guard value != 0 else { return fixed(0, digits: digits) + "e+00" }
        var exponent = Int((abs(value)).log10Floor)
        var text = fixed(value / power10(exponent), digits: digits)
        // Rounding can carry the mantissa to 10.0: move it into the exponent.
        if text.hasPrefix("10") || text.hasPrefix("-10") {
            exponent += 1
            text = fixed(value / power10(exponent), digits: digits)
        }
        let magnitude = abs(exponent)
        return text + "e" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + String(magnitude)
    }

    /// `value / 10^exponent` with `digits` decimals followed by `e` and the signed exponent of at least two
    /// digits, for labels that share one exponent (chart ticks): `scientific(2.5e-5, exponent: -5, digits: 1)
    /// == "2.5e-05"`. Zero is `"0"`.
    public static func scientific(_ value: Double, exponent: Int, digits: Int) -> String {
        guard value != 0 else { return "0" }
        guard value.isFinite else { return fixed(value, digits: digits) }
        let magnitude = abs(exponent)
        return fixed(value / power10(exponent), digits: digits) + "e" + (exponent < 0 ? "-" : "+")
            + (magnitude < 10 ? "0" : "") + String(magnitude)
    }

    /// ``fixed(_:digits:)`` without trailing zeros (and without a trailing point), for compact attribute
    /// values such as SVG coordinates: `trimmed(12.50, digits: 2) == "12.5"`, `trimmed(-0.001, digits: 2) == "0"`.
    public static func trimmed(_ value: Double, digits: Int) -> String {
        var text = fixed(value, digits: digits)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// `floor(log10(|value|))` for finite non-zero values (the exponent ``scientific(_:exponent:digits:)`` takes).
    public static func decimalExponent(of value: Double) -> Int {
        Int(abs(value).log10Floor)
    }

    /// Thousands separators, as Keras prints parameter counts: `grouped(79510) == "79,510"`.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + result
    }

    /// `10^exponent` as a Double, exact for every exponent a Float or Double value can need.
    private static func power10(_ exponent: Int) -> Double {
        var result = 1.0
        var base = 10.0
        var remaining = abs(exponent)
        while remaining > 0 {
            if remaining & 1 == 1 { result *= base }
            base *= base
            remaining >>= 1
        }
        return exponent < 0 ? 1 / result : result
    }
}

private extension Double {
    /// `floor(log10(self))` for positive finite values, without libm.
    var log10Floor: Double {
        var exponent = 0.0
        var scaled = self
        while scaled >= 10 { scaled /= 10; exponent += 1 }
        while scaled < 1 { scaled *= 10; exponent -= 1 }
        return exponent
    }
}
