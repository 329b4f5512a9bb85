#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An sRGB colour with straight (non-premultiplied) alpha, 8 bits per channel.
///
/// ```swift
/// let orange = PlotColor(hex: 0xFF7F0E)
/// let translucent = PlotColor(red: 255, green: 255, blue: 255, alpha: 204)
/// ```
public struct PlotColor: Sendable, Equatable, Hashable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8
    public var alpha: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8 = 255) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// A colour from `0xRRGGBB`.
    public init(hex: UInt32, alpha: UInt8 = 255) {
        self.init(red: UInt8((hex >> 16) & 0xFF), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF),
                  alpha: alpha)
    }

    public static let white = PlotColor(hex: 0xFFFFFF)
    public static let black = PlotColor(hex: 0x000000)
    /// Axis text and spines (matplotlib draws them black; a near-black reads the same and softens anti-aliasing).
    static let ink = PlotColor(hex: 0x1A1A1A)
    static let gridLine = PlotColor(hex: 0xE3E3E3)
    static let legendFrame = PlotColor(hex: 0xCCCCCC)

    /// matplotlib's default colour cycle ("tab10").
    public static let tab10: [PlotColor] = [0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2,
                                            0x7F7F7F, 0xBCBD22, 0x17BECF].map { PlotColor(hex: $0) }

    /// `#rrggbb` for SVG attributes (alpha goes in a separate opacity attribute).
    var hexString: String {
        let digits: [Character] = Array("0123456789abcdef")
        var text = "#"
        for channel in [red, green, blue] {
            text.append(digits[Int(channel >> 4)])
            text.append(digits[Int(channel & 0xF)])
        }
        return text
    }

    /// WCAG relative luminance in 0...1 (linearised sRGB, Rec. 709 weights); text on a colour whose luminance
    /// is below ~0.18 reads better in white.
    var relativeLuminance: Double {
        func linear(_ channel: UInt8) -> Double {
            let c = Double(channel) / 255
            return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }
}


/// A colour map from 0...1 to colours, by linear interpolation between evenly spaced anchors.
public struct PlotColorMap: Sendable, Equatable {
    /// The anchors, first for 0 and last for 1.
    public let anchors: [PlotColor]

    /// - Throws: ``PlotError/invalidArgument(_:)`` for fewer than two anchors.
    public init(anchors: [PlotColor]) throws(PlotError) {
        guard anchors.count >= 2 else {
            throw PlotError.invalidArgument("a colour map needs at least 2 anchors, received \(anchors.count)")
        }
        self.anchors = anchors
    }

    private init(uncheckedAnchors anchors: [PlotColor]) { self.anchors = anchors }

    /// matplotlib's "viridis" (scikit-learn's default for confusion matrices), sampled at 17 points.
    public static let viridis = PlotColorMap(uncheckedAnchors: [
        0x440154, 0x48186A, 0x472D7B, 0x424086, 0x3B528B, 0x33638D, 0x2C728E, 0x26828E, 0x21918C, 0x1FA088,
        0x28AE80, 0x3FBC73, 0x5EC962, 0x84D44B, 0xADDC30, 0xD8E219, 0xFDE725,
    ].map { PlotColor(hex: $0) })

    /// matplotlib's "Blues", sampled at 9 points.
    public static let blues = PlotColorMap(uncheckedAnchors: [
        0xF7FBFF, 0xDEEBF7, 0xC6DBEF, 0x9DCAE1, 0x6AAED6, 0x4191C6, 0x2070B4, 0x08509B, 0x08306B,
    ].map { PlotColor(hex: $0) })

    /// matplotlib's "gray": black at 0 to white at 1.
    public static let gray = PlotColorMap(uncheckedAnchors: [PlotColor(hex: 0x000000), PlotColor(hex: 0xFFFFFF)])

    /// matplotlib's "gray_r": white at 0 to black at 1 (dark ink on white paper, how MNIST digits are usually shown).
    public static let grayReversed = PlotColorMap(uncheckedAnchors: [PlotColor(hex: 0xFFFFFF), PlotColor(hex: 0x000000)])

    /// matplotlib's "binary", the same ramp as "gray_r" (the Hands-On ML notebooks' `cmap="binary"`).
    public static let binary = grayReversed

    /// matplotlib's "bwr": blue, white, red, for signed values such as convolution filters.
    public static let blueWhiteRed = PlotColorMap(uncheckedAnchors: [PlotColor(hex: 0x0000FF), PlotColor(hex: 0xFFFFFF),
                                                                    PlotColor(hex: 0xFF0000)])

    /// The map matplotlib calls `name`: "gray", "gray_r", "binary", "binary_r", "viridis", "Blues", "bwr".
    /// - Throws: ``PlotError/invalidArgument(_:)`` listing the names it knows.
    public static func named(_ name: String) throws(PlotError) -> PlotColorMap {
        let maps: [String: PlotColorMap] = ["gray": .gray, "grey": .gray, "gray_r": .grayReversed, "grey_r": .grayReversed,
                                            "binary": .binary, "binary_r": .gray, "viridis": .viridis, "Blues": .blues,
                                            "bwr": .blueWhiteRed]
        guard let map = maps[name] else {
            throw PlotError.invalidArgument("unknown colour map \"\(name)\"; known maps: \(maps.keys.sorted().joined(separator: ", "))")
        }
        return map
    }

    /// The 256-entry table matplotlib samples a map into (`LinearSegmentedColormap(N=256)`): entry `i` is the
    /// colour at `i / 255`, and a value `t` in 0...1 takes entry `min(255, floor(t * 256))`.
    func lookupTable() -> [PlotColor] { (0..<256).map { color(at: Double($0) / 255) } }

    /// The colour at `t`, clamped to 0...1 (NaN maps to 0).
    public func color(at t: Double) -> PlotColor {
        let clamped = t.isNaN ? 0 : min(1, max(0, t))
        let position = clamped * Double(anchors.count - 1)
        let index = min(anchors.count - 2, Int(position))
        let f = position - Double(index)
        let a = anchors[index]
        let b = anchors[index + 1]
        func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) * (1 - f) + Double(y) * f).rounded()) }
        return PlotColor(red: mix(a.red, b.red), green: mix(a.green, b.green), blue: mix(a.blue, b.blue))
    }
}
