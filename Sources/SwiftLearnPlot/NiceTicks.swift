#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SwiftLearnSystem

/// "Nice" axis tick positions: multiples of 1, 2 or 5 times a power of ten, chosen like matplotlib's
/// `MaxNLocator(nbins, steps=[1, 2, 5, 10])` (the same arithmetic, so the same ticks for the same limits).
///
/// ```swift
/// NiceTicks.values(from: 0.23, to: 0.91, maxIntervals: 5)      // [0.2, 0.4, 0.6, 0.8, 1.0]
/// NiceTicks.values(from: 1, to: 20, maxIntervals: 9, integer: true)  // [0, 2, 4, ..., 20]
/// ```
public enum NiceTicks {
    /// Tick values covering `lower...upper` with at most `maxIntervals` intervals between ticks inside the
    /// range. Like matplotlib, the first and last tick may lie just outside the range (callers that draw
    /// only visible ticks filter them). With `integer`, steps below 1 are not used once the range spans
    /// at least one integer interval.
    ///
    /// The search takes the smallest step from the staircase `{0.1, 0.2, 0.5, 1, 2, 5, 10, 20} x 10^k` that
    /// is at least `(upper - lower) / maxIntervals`, then steps down while fewer than two ticks fall
    /// inside the range. Non-finite or degenerate ranges are widened first.
    public static func values(from lower: Double, to upper: Double, maxIntervals: Int,
                              integer: Bool = false) -> [Double] {
        let nbins = Double(max(1, maxIntervals))
        var (vmin, vmax) = nonsingular(lower, upper)
        if vmax < vmin { swap(&vmin, &vmax) }
        let (scale, offset) = scaleRange(vmin, vmax, n: nbins)
        let shiftedMin = vmin - offset
        let shiftedMax = vmax - offset
        var steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20].map { $0 * scale }
        if integer {
            steps = steps.filter { $0 < 1 || abs($0 - $0.rounded()) < 0.001 }
        }
        let rawStep = (shiftedMax - shiftedMin) / nbins
        let firstLarge = steps.firstIndex { $0 >= rawStep } ?? (steps.count - 1)
        var ticks: [Double] = []
        for candidate in steps[0...firstLarge].reversed() {
            var step = candidate
            if integer && floor(shiftedMax) - ceil(shiftedMin) >= 1 { step = max(1, step) }
            let bestMin = pythonFloorDivide(shiftedMin, step) * step
            let tolerance = edgeTolerance(step: step, offset: offset)
            let low = edgeLow(shiftedMin - bestMin, step: step, tolerance: tolerance)
            let high = edgeHigh(shiftedMax - bestMin, step: step, tolerance: tolerance)
            ticks = []
            var k = low
            while k <= high {
                ticks.append(k * step + bestMin)
                k += 1
            }
            let inside = ticks.filter { $0 <= shiftedMax && $0 >= shiftedMin }.count
            if inside >= 2 { break }
        }
        return ticks.map { $0 + offset }
    }

    /// matplotlib's `nonsingular(expander=1e-13, tiny=1e-14)` for finite input, and (-1, 1) otherwise.
    static func nonsingular(_ lower: Double, _ upper: Double) -> (Double, Double) {
        guard lower.isFinite, upper.isFinite else { return (-1, 1) }
        var vmin = lower
        var vmax = upper
        let maxAbs = max(abs(vmin), abs(vmax))
        if maxAbs < (1e6 / 1e-14) * Double.leastNormalMagnitude {
            return (-1e-13, 1e-13)
        }
        if vmax - vmin <= maxAbs * 1e-14 {
            if vmax == 0 && vmin == 0 {
                return (-1e-13, 1e-13)
            }
            vmin -= 1e-13 * abs(vmin)
            vmax += 1e-13 * abs(vmax)
        }
        return (vmin, vmax)
    }

    /// matplotlib's `scale_range`: a power of ten near the step size, and an offset that keeps ranges far
    /// from zero (relative width < 1/100) from losing precision.
    static func scaleRange(_ vmin: Double, _ vmax: Double, n: Double) -> (scale: Double, offset: Double) {
        let dv = abs(vmax - vmin)
        let mean = (vmax + vmin) / 2
        var offset = 0.0
        if abs(mean) / dv >= 100 {
            offset = copysign(pow(10, pythonFloorDivide(log10(abs(mean)), 1)), mean)
        }
        let scale = pow(10, pythonFloorDivide(log10(dv / n), 1))
        return (scale, offset)
    }

    /// Python's float floor division `a // b` (sign and rounding rules of `divmod`).
    static func pythonFloorDivide(_ a: Double, _ b: Double) -> Double {
        pythonDivmod(a, b).quotient
    }

    /// Python's float `divmod(a, b)`.
    static func pythonDivmod(_ a: Double, _ b: Double) -> (quotient: Double, remainder: Double) {
        var mod = fmod(a, b)
        var div = (a - mod) / b
        if mod != 0 {
            if (b < 0) != (mod < 0) {
                mod += b
                div -= 1
            }
        } else {
            mod = copysign(0, b)
        }
        var floorDiv: Double
        if div != 0 {
            floorDiv = floor(div)
            if div - floorDiv > 0.5 { floorDiv += 1 }
        } else {
            floorDiv = copysign(0, a / b)
        }
        return (floorDiv, mod)
    }

    static func edgeTolerance(step: Double, offset: Double) -> Double {
        let offset = abs(offset)
        guard offset > 0 else { return 1e-10 }
        let digits = log10(offset / step)
        return min(0.4999, max(1e-10, pow(10, digits - 12)))
    }

    static func edgeLow(_ x: Double, step: Double, tolerance: Double) -> Double {
        let (d, m) = pythonDivmod(x, step)
        return abs(m / step - 1) < tolerance ? d + 1 : d
    }

    static func edgeHigh(_ x: Double, step: Double, tolerance: Double) -> Double {
        let (d, m) = pythonDivmod(x, step)
        return abs(m / step) < tolerance ? d : d + 1
    }

    /// Labels for evenly spaced ticks: all with the same number of decimals, enough to tell neighbours
    /// apart (matplotlib's ScalarFormatter style, "0.0 0.2 0.4"), or scientific with one shared exponent
    /// ("2.5e-05") when the values are very large or the step very small.
    public static func labels(_ ticks: [Double]) -> [String] {
        guard ticks.count > 0 else { return [] }
        let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : max(abs(ticks[0]), 1)
        let largest = ticks.map { abs($0) }.max() ?? 0
        if largest >= 1e6 || (step > 0 && step < 1e-4) {
            let exponent = DecimalText.decimalExponent(of: max(largest, step))
            let mantissaStep = step / pow(10, Double(exponent))
            let decimals = max(0, min(6, -Int(floor(log10(mantissaStep) + 1e-9))))
            return ticks.map { DecimalText.scientific($0, exponent: exponent, digits: decimals) }
        }
        let decimals = step > 0 ? max(0, min(12, -Int(floor(log10(step) + 1e-9)))) : 0
        return ticks.map { DecimalText.fixed($0, digits: decimals) }
    }
}
