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
}
