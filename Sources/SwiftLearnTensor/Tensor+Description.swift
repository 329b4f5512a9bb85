/// `description` prints like numpy's `str(array)` with default print options: shortest round-trip digits
/// capped at 8 fraction digits, columns aligned on the decimal point, scientific notation when values span
/// more than 10³ or leave [1e-4, 1e8), lines wrapped at 75 characters, and tensors over 1000 elements
/// summarized to 3 edge items per axis around `...`.
///
/// ```swift
/// print(try Tensor<Float>(shape: [2, 2], scalars: [1, -2.5, 3, 4]))
/// // [[ 1.  -2.5]
/// //  [ 3.   4. ]]
/// ```
extension Tensor: CustomStringConvertible {
    public var description: String {
        if rank == 0 { return scalars[0].description }
        if count == 0 { return "[]" }
        let summarize = count > DescriptionLayout.threshold
        let shown = DescriptionLayout.shownIndices(shape: shape, summarize: summarize)
        let formatter = ElementFormatter(values: shown.map { scalars[$0] })
        return DescriptionLayout.render(shape: shape, summarize: summarize) { formatter.format(scalars[$0]) }
    }
}

enum DescriptionLayout {
    static let threshold = 1000
    static let edgeItems = 3
    static let lineWidth = 75

    /// Indices along one axis that are printed (all, or the edges when summarizing).
    static func axisIndices(_ extent: Int, summarize: Bool) -> [Int] {
        if summarize && extent > 2 * edgeItems {
            return Array(0..<edgeItems) + Array((extent - edgeItems)..<extent)
        }
        return Array(0..<extent)
    }

    /// Flat indices of every printed element (numpy formats widths from these only).
    static func shownIndices(shape: [Int], summarize: Bool) -> [Int] {
        var flat = [0]
        for extent in shape {
            let indices = axisIndices(extent, summarize: summarize)
            flat = flat.flatMap { base in indices.map { base * extent + $0 } }
        }
        return flat
    }

    /// numpy's `_formatArray` recursion with `separator = " "`.
    static func render(shape: [Int], summarize: Bool, element: (Int) -> String) -> String {
        func recurse(axis: Int, base: Int, hangingIndent: String, width: Int) -> String {
            let extent = shape[axis]
            let showSummary = summarize && extent > 2 * edgeItems
            let order = showSummary ? Array(0..<edgeItems) + [-1] + Array((extent - edgeItems)..<extent) : Array(0..<extent)
            let nextIndent = hangingIndent + " "
            let nextWidth = width - 1
            var s = ""
            if axis == shape.count - 1 {
                let elementWidth = width - 1
                var line = hangingIndent
                for (position, index) in order.enumerated() {
                    let word = index < 0 ? "..." : element(base * extent + index)
                    if line.count + word.count > elementWidth && line.count > hangingIndent.count {
                        s += String(line.reversed().drop(while: { $0 == " " }).reversed()) + "\n"
                        line = hangingIndent
                    }
                    line += word
                    if position < order.count - 1 { line += " " }
                }
                s += line
            } else {
                let separator = String(repeating: "\n", count: shape.count - axis - 1)
                for (position, index) in order.enumerated() {
                    let nested = index < 0 ? "..." : recurse(axis: axis + 1, base: base * extent + index,
                                                             hangingIndent: nextIndent, width: nextWidth)
                    s += hangingIndent + nested
                    if position < order.count - 1 { s += separator }
                }
            }
            return "[" + s.dropFirst(hangingIndent.count) + "]"
        }
        return recurse(axis: 0, base: 0, hangingIndent: " ", width: lineWidth)
    }
}

/// numpy's `FloatingFormat` / `IntegerFormat` for one array: widths are shared by every element.
struct ElementFormatter {
    enum Mode { case integer(width: Int), positional(left: Int, right: Int), scientific(left: Int, fraction: Int, exponentDigits: Int), nonFinite }
    let mode: Mode
    let nonFiniteWidth: Int

    init<Scalar: TensorScalar>(values: [Scalar]) {
        guard Scalar.self == Float.self || Scalar.self == Double.self else {
            mode = .integer(width: values.map { $0.description.count }.max() ?? 0)
            nonFiniteWidth = 0
            return
        }
        let finite = values.filter { $0.doubleValue.isFinite }
        let magnitudes = finite.map { Swift.abs($0.doubleValue) }.filter { $0 != 0 }
        var scientific = false
        if let maximum = magnitudes.max(), let minimum = magnitudes.min() {
            scientific = maximum >= 1e8 || minimum < 1e-4 || maximum / minimum > 1e3
        }
        var mode: Mode
        var right = 0
        if finite.isEmpty {
            mode = .nonFinite
        } else if scientific {
            let parts = finite.map { DecimalDigits($0.description).scientificParts(maximumFraction: 8) }
            let fraction = parts.map { $0.fraction.count }.max()!
            let exponentDigits = Swift.max(2, parts.map { String(Swift.abs($0.exponent)).count }.max()!)
            mode = .scientific(left: parts.map { $0.integer.count }.max()!, fraction: fraction, exponentDigits: exponentDigits)
            right = exponentDigits + 2 + fraction
        } else {
            let parts = finite.map { DecimalDigits($0.description).positionalParts(maximumFraction: 8) }
            right = parts.map { $0.fraction.count }.max()!
            mode = .positional(left: parts.map { $0.integer.count }.max()!, right: right)
        }
        // Room for "nan" / "inf" / "-inf" right-aligned in the same columns.
        let hasNonFinite = finite.count != values.count
        let negativeInfinity = values.contains { $0.doubleValue == -.infinity }
        var left: Int
        switch mode {
        case .positional(let l, _): left = l
        case .scientific(let l, _, _): left = l
        default: left = 0
        }
        if hasNonFinite {
            left = Swift.max(left, 3 - (right + 1), 3 + (negativeInfinity ? 1 : 0) - (right + 1))
            switch mode {
            case .positional(_, let r): mode = .positional(left: left, right: r)
            case .scientific(_, let f, let e): mode = .scientific(left: left, fraction: f, exponentDigits: e)
            default: break
            }
        }
        self.mode = mode
        self.nonFiniteWidth = left + right + 1
    }

    func format<Scalar: TensorScalar>(_ value: Scalar) -> String {
        switch mode {
        case .integer(let width):
            return pad(value.description, to: width)
        default:
            break
        }
        let v = value.doubleValue
        if !v.isFinite { return pad(v.isNaN ? "nan" : (v < 0 ? "-inf" : "inf"), to: nonFiniteWidth) }
        let digits = DecimalDigits(value.description)
        switch mode {
        case .positional(let left, let right):
            let parts = digits.positionalParts(maximumFraction: 8)
            return pad(parts.integer, to: left) + "." + parts.fraction
                + String(repeating: " ", count: right - parts.fraction.count)
        case .scientific(let left, let fraction, let exponentDigits):
            let parts = digits.scientificParts(maximumFraction: 8)
            let exponent = String(Swift.abs(parts.exponent))
            return pad(parts.integer, to: left) + "." + parts.fraction
                + String(repeating: "0", count: fraction - parts.fraction.count)
                + "e" + (parts.exponent < 0 ? "-" : "+")
                + String(repeating: "0", count: exponentDigits - exponent.count) + exponent
        default:
            return value.description
        }
    }

    private func pad(_ text: String, to width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}

/// A finite decimal `±0.d₁d₂d₃… × 10^exponent` parsed from Swift's shortest round-trip `description`
/// (the same digits numpy's Dragon4 "unique" mode produces).
struct DecimalDigits {
    var negative: Bool
    var digits: [UInt8]  // no leading or trailing zeros; empty means zero
    var exponent: Int

    init(_ text: String) {
        var text = Substring(text)
        negative = text.hasPrefix("-")
        if negative { text = text.dropFirst() }
        var exponentPart = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponentPart = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let integerPart = text.prefix { $0 != "." }
        let fractionPart = text.drop { $0 != "." }.dropFirst()
        var all = (integerPart + fractionPart).compactMap { $0.wholeNumberValue.map(UInt8.init) }
        var pointPosition = integerPart.count + exponentPart
        while all.first == 0 { all.removeFirst(); pointPosition -= 1 }
        while all.last == 0 { all.removeLast() }
        digits = all
        exponent = all.isEmpty ? 0 : pointPosition
    }

    /// Rounds half-up to `keep` significant digits.
    func rounded(toSignificant keep: Int) -> DecimalDigits {
        guard digits.count > keep else { return self }
        var result = self
        if keep < 0 { result.digits = []; return result }
        var kept = Array(digits[..<keep])
        var exponent = self.exponent
        if digits[keep] >= 5 {
            var i = kept.count - 1
            while i >= 0 && kept[i] == 9 { kept[i] = 0; i -= 1 }
            if i >= 0 { kept[i] += 1 } else { kept.insert(1, at: 0); exponent += 1 }
        }
        while kept.last == 0 { kept.removeLast() }
        result.digits = kept
        result.exponent = kept.isEmpty ? 0 : exponent
        return result
    }

    /// Integer and fraction digit strings, at most `maximumFraction` fraction digits, trailing zeros trimmed.
    func positionalParts(maximumFraction: Int) -> (integer: String, fraction: String) {
        let value = rounded(toSignificant: exponent + maximumFraction)
        let d = value.digits.map { Character(String($0)) }
        var integer = ""
        var fraction = ""
        if value.exponent <= 0 {
            integer = "0"
            fraction = String(repeating: "0", count: -value.exponent) + String(d)
        } else if value.exponent >= d.count {
            integer = String(d) + String(repeating: "0", count: value.exponent - d.count)
        } else {
            integer = String(d[..<value.exponent])
            fraction = String(d[value.exponent...])
        }
        if value.digits.isEmpty { integer = "0"; fraction = "" }
        return ((negative ? "-" : "") + integer, fraction)
    }

    /// Mantissa digit strings and decimal exponent for `d.ddd e±x`, at most `maximumFraction` fraction digits.
    func scientificParts(maximumFraction: Int) -> (integer: String, fraction: String, exponent: Int) {
        let value = rounded(toSignificant: maximumFraction + 1)
        guard let first = value.digits.first else { return ((negative ? "-" : "") + "0", "", 0) }
        let rest = value.digits.dropFirst().map { Character(String($0)) }
        return ((negative ? "-" : "") + String(first), String(rest), value.exponent - 1)
    }
}
