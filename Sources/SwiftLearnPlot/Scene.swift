/// A point in output pixels: x to the right, y down, (0, 0) the top-left corner of the picture.
struct ScenePoint: Equatable, Sendable {
    var x: Double
    var y: Double
}

enum TextAnchor: Sendable {
    case start, middle, end
}

/// How a label is set. `size` is the font pixel size in output pixels: capitals are `7 * size` tall and
/// each character advances `6 * size` (the built-in bitmap font's grid), in PNG and SVG alike.
struct TextStyle: Sendable {
    var size: Int
    var color: PlotColor = .ink
    var anchor: TextAnchor = .middle
    var bold = false
    /// Rotated 90 degrees counter-clockwise (reads bottom to top), for y-axis titles.
    var vertical = false
}

/// One drawing operation. Charts lay out a list of these once; the SVG writer and the rasterizer both
/// consume it, so the two outputs show the same picture.
enum ScenePrimitive: Sendable {
    case rect(x: Double, y: Double, width: Double, height: Double, fill: PlotColor?, stroke: PlotColor?,
              strokeWidth: Double)
    /// An open polyline with round joins and caps; `dash` lists on/off lengths in pixels.
    case polyline([ScenePoint], color: PlotColor, width: Double, dash: [Double]?)
    case circle(center: ScenePoint, radius: Double, fill: PlotColor?, stroke: PlotColor?, strokeWidth: Double)
    /// `at` is the anchor on the vertical centre of the capitals (for vertical text: the horizontal centre).
    case text(String, at: ScenePoint, style: TextStyle)
    /// A raster image stretched (nearest neighbour) to the given rectangle.
    case image(PlotImage, x: Double, y: Double, width: Double, height: Double)
    /// A vertical colour ramp: `map(1)` at the top, `map(0)` at the bottom.
    case colorRamp(PlotColorMap, x: Double, y: Double, width: Double, height: Double)
}

/// The drawing a chart lays out for one picture size: a list of primitives (opaque) that both the SVG writer
/// and the rasterizer render, so the two outputs show the same picture.
public struct Scene: Sendable {
    var width: Int
    var height: Int
    var background: PlotColor = .white
    var items: [ScenePrimitive] = []

    mutating func add(_ item: ScenePrimitive) { items.append(item) }

    /// Four ink bars of `lineWidth` just outside the area `left..<left+width`, `top..<top+height` (matplotlib's
    /// spines), so data drawn up to the area's edge is never covered.
    mutating func frame(left: Double, top: Double, width: Double, height: Double, lineWidth: Double) {
        let bar = { (x: Double, y: Double, w: Double, h: Double) in
            ScenePrimitive.rect(x: x, y: y, width: w, height: h, fill: .ink, stroke: nil, strokeWidth: 0)
        }
        add(bar(left - lineWidth, top - lineWidth, width + 2 * lineWidth, lineWidth))
        add(bar(left - lineWidth, top + height, width + 2 * lineWidth, lineWidth))
        add(bar(left - lineWidth, top, lineWidth, height))
        add(bar(left + width, top, lineWidth, height))
    }

    mutating func text(_ string: String, x: Double, y: Double, size: Int, anchor: TextAnchor = .middle,
                       color: PlotColor = .ink, bold: Bool = false, vertical: Bool = false) {
        items.append(.text(string, at: ScenePoint(x: x, y: y),
                           style: TextStyle(size: size, color: color, anchor: anchor, bold: bold, vertical: vertical)))
    }

    mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, color: PlotColor, width: Double) {
        items.append(.polyline([ScenePoint(x: x0, y: y0), ScenePoint(x: x1, y: y1)], color: color, width: width,
                               dash: nil))
    }
}

/// Sizes shared by every chart, derived from the output size so that a bigger picture gets bigger text.
struct ChartMetrics {
    /// Font pixel size for tick labels, legend and captions.
    let font: Int
    /// Font pixel size for titles.
    let titleFont: Int
    /// A general spacing unit.
    let unit: Double

    init(width: Int, height: Int) {
        let shortSide = Double(min(width, height))
        font = max(1, Int((shortSide / 240).rounded()))
        titleFont = font + (shortSide >= 360 ? 1 : 0)
        unit = Double(font)
    }

    /// Height of one line of text (capitals) in pixels at `size`.
    static func capHeight(_ size: Int) -> Double { Double(BitmapFont.ascent * size) }
    /// Width of `text` in pixels at `size`.
    static func textWidth(_ text: String, _ size: Int) -> Double { Double(BitmapFont.width(of: text) * size) }

    /// `text` at the largest size from `preferred` down to `minimum` that fits `maxWidth` pixels; if even the
    /// minimum is too wide, the text is cut and ends in "..".
    static func fitted(_ text: String, preferred: Int, minimum: Int, maxWidth: Double) -> (text: String, size: Int) {
        var size = max(1, preferred)
        let floor = max(1, min(minimum, size))
        while size > floor && textWidth(text, size) > maxWidth { size -= 1 }
        var fitted = text
        while fitted.count > 2 && textWidth(fitted, size) > maxWidth {
            fitted = String(fitted.dropLast(fitted.hasSuffix("..") ? 3 : 1)) + ".."
        }
        return (fitted, size)
    }
}
