#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An RGBA8 raster with anti-aliased drawing primitives, used to render charts to PNG.
///
/// Anti-aliasing is analytic coverage: rectangles by exact area overlap with each pixel, lines and circles by
/// the distance from the pixel centre to the shape's edge (a one-pixel ramp). Colours are composited with
/// source-over in 8-bit sRGB like most 2-D libraries, so a fully covered pixel gets exactly the drawing colour.
struct Canvas {
    let width: Int
    let height: Int
    /// Row-major RGBA, 4 bytes per pixel.
    var pixels: [UInt8]

    init(width: Int, height: Int, background: PlotColor) {
        self.width = width
        self.height = height
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        for index in stride(from: 0, to: pixels.count, by: 4) {
            pixels[index] = background.red
            pixels[index + 1] = background.green
            pixels[index + 2] = background.blue
            pixels[index + 3] = background.alpha
        }
        self.pixels = pixels
    }

    func pixel(x: Int, y: Int) -> PlotColor {
        let i = (y * width + x) * 4
        return PlotColor(red: pixels[i], green: pixels[i + 1], blue: pixels[i + 2], alpha: pixels[i + 3])
    }

    /// Source-over of `color` with its alpha scaled by `coverage` (0...1).
    @inline(__always)
    mutating func blend(x: Int, y: Int, color: PlotColor, coverage: Double) {
        guard x >= 0, y >= 0, x < width, y < height, coverage > 0 else { return }
        let alpha = min(1, coverage) * Double(color.alpha) / 255
        let i = (y * width + x) * 4
        if alpha >= 1 {
            pixels[i] = color.red
            pixels[i + 1] = color.green
            pixels[i + 2] = color.blue
            pixels[i + 3] = 255
            return
        }
        let dstAlpha = Double(pixels[i + 3]) / 255
        let outAlpha = alpha + dstAlpha * (1 - alpha)
        guard outAlpha > 0 else { return }
        func channel(_ src: UInt8, _ dst: UInt8) -> UInt8 {
            let value = (Double(src) * alpha + Double(dst) * dstAlpha * (1 - alpha)) / outAlpha
            return UInt8(min(255, max(0, value.rounded())))
        }
        pixels[i] = channel(color.red, pixels[i])
        pixels[i + 1] = channel(color.green, pixels[i + 1])
        pixels[i + 2] = channel(color.blue, pixels[i + 2])
        pixels[i + 3] = UInt8(min(255, (outAlpha * 255).rounded()))
    }

    /// Fills the axis-aligned rectangle [x0, x1) x [y0, y1); partially covered edge pixels get their area fraction.
    mutating func fillRect(x0: Double, y0: Double, x1: Double, y1: Double, color: PlotColor) {
        let left = max(0, min(x0, x1)), right = min(Double(width), max(x0, x1))
        let top = max(0, min(y0, y1)), bottom = min(Double(height), max(y0, y1))
        guard right > left, bottom > top else { return }
        for y in Int(floor(top))..<Int(ceil(bottom)) {
            let coverY = min(bottom, Double(y + 1)) - max(top, Double(y))
            for x in Int(floor(left))..<Int(ceil(right)) {
                let coverX = min(right, Double(x + 1)) - max(left, Double(x))
                blend(x: x, y: y, color: color, coverage: coverX * coverY)
            }
        }
    }

    /// Outlines a rectangle with a stroke centred on its edges, as SVG does.
    mutating func strokeRect(x: Double, y: Double, width w: Double, height h: Double, color: PlotColor,
                             lineWidth: Double) {
        let half = lineWidth / 2
        fillRect(x0: x - half, y0: y - half, x1: x + w + half, y1: y + half, color: color)
        fillRect(x0: x - half, y0: y + h - half, x1: x + w + half, y1: y + h + half, color: color)
        fillRect(x0: x - half, y0: y + half, x1: x + half, y1: y + h - half, color: color)
        fillRect(x0: x + w - half, y0: y + half, x1: x + w + half, y1: y + h - half, color: color)
    }

    /// Strokes connected polylines with round joins and caps. Coverage is the maximum over all segments, so
    /// joints and overlapping dashes are not painted twice.
    mutating func strokePolylines(_ lines: [[ScenePoint]], color: PlotColor, lineWidth: Double) {
        let half = lineWidth / 2
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for line in lines {
            for p in line {
                minX = min(minX, p.x); maxX = max(maxX, p.x)
                minY = min(minY, p.y); maxY = max(maxY, p.y)
            }
        }
        guard minX.isFinite, maxX.isFinite, minY.isFinite, maxY.isFinite else { return }
        let x0 = max(0, Int(floor(minX - half - 1))), x1 = min(width - 1, Int(ceil(maxX + half + 1)))
        let y0 = max(0, Int(floor(minY - half - 1))), y1 = min(height - 1, Int(ceil(maxY + half + 1)))
        guard x1 >= x0, y1 >= y0 else { return }
        let maskWidth = x1 - x0 + 1
        var mask = [Float](repeating: 0, count: maskWidth * (y1 - y0 + 1))
        for line in lines {
            let segments = line.count == 1 ? [(line[0], line[0])] : Array(zip(line, line.dropFirst()))
            for (a, b) in segments {
                let sx0 = max(x0, Int(floor(min(a.x, b.x) - half - 1))), sx1 = min(x1, Int(ceil(max(a.x, b.x) + half + 1)))
                let sy0 = max(y0, Int(floor(min(a.y, b.y) - half - 1))), sy1 = min(y1, Int(ceil(max(a.y, b.y) + half + 1)))
                guard sx1 >= sx0, sy1 >= sy0 else { continue }
                let dx = b.x - a.x, dy = b.y - a.y
                let lengthSquared = dx * dx + dy * dy
                for y in sy0...sy1 {
                    let py = Double(y) + 0.5
                    for x in sx0...sx1 {
                        let px = Double(x) + 0.5
                        var t = lengthSquared > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / lengthSquared : 0
                        t = min(1, max(0, t))
                        let ex = px - (a.x + t * dx), ey = py - (a.y + t * dy)
                        let distance = (ex * ex + ey * ey).squareRoot()
                        let coverage = Float(min(1, max(0, half + 0.5 - distance)) * min(1, lineWidth))
                        let m = (y - y0) * maskWidth + (x - x0)
                        if coverage > mask[m] { mask[m] = coverage }
                    }
                }
            }
        }
        for y in y0...y1 {
            for x in x0...x1 {
                let coverage = mask[(y - y0) * maskWidth + (x - x0)]
                if coverage > 0 { blend(x: x, y: y, color: color, coverage: Double(coverage)) }
            }
        }
    }

    /// Fills a disc; edge pixels get coverage from the distance of their centre to the circle.
    mutating func fillCircle(center: ScenePoint, radius: Double, color: PlotColor) {
        blendAround(center: center, reach: radius, color: color) { distance in
            min(1, max(0, radius + 0.5 - distance))
        }
    }

    /// Strokes a circle outline of `lineWidth` centred on the radius.
    mutating func strokeCircle(center: ScenePoint, radius: Double, color: PlotColor, lineWidth: Double) {
        let outer = radius + lineWidth / 2, inner = radius - lineWidth / 2
        blendAround(center: center, reach: outer, color: color) { distance in
            min(1, max(0, outer + 0.5 - distance)) * min(1, max(0, distance - inner + 0.5))
        }
    }

    /// Blends every pixel within `reach + 1` of `center` (clipped to the canvas) with the coverage that
    /// `coverage` gives for the distance of the pixel's centre to `center`.
    private mutating func blendAround(center: ScenePoint, reach: Double, color: PlotColor,
                                      coverage: (Double) -> Double) {
        let x0 = max(0, Int(floor(center.x - reach - 1))), x1 = min(width - 1, Int(ceil(center.x + reach + 1)))
        let y0 = max(0, Int(floor(center.y - reach - 1))), y1 = min(height - 1, Int(ceil(center.y + reach + 1)))
        guard x1 >= x0, y1 >= y0 else { return }
        for y in y0...y1 {
            for x in x0...x1 {
                let dx = Double(x) + 0.5 - center.x, dy = Double(y) + 0.5 - center.y
                blend(x: x, y: y, color: color, coverage: coverage((dx * dx + dy * dy).squareRoot()))
            }
        }
    }

    /// Sets `text` in the bitmap font, each font pixel a `size` x `size` block (crisp, no smoothing).
    mutating func drawText(_ text: String, at anchor: ScenePoint, style: TextStyle) {
        let size = max(1, style.size)
        let textWidth = Double(BitmapFont.width(of: text) * size)
        let along: Double
        switch style.anchor {
        case .start: along = 0
        case .middle: along = -textWidth / 2
        case .end: along = -textWidth
        }
        let halfCap = Double(BitmapFont.ascent * size) / 2
        let boldExtra = style.bold ? max(1, size / 2) : 0
        // Snap the glyph grid to whole pixels so every font pixel is a full block.
        let originX: Int, originY: Int
        if style.vertical {
            originX = Int((anchor.x - halfCap).rounded())      // left edge = top of the glyphs
            originY = Int((anchor.y - along).rounded())        // baseline start, text runs upward
        } else {
            originX = Int((anchor.x + along).rounded())
            originY = Int((anchor.y - halfCap).rounded())
        }
        for (index, character) in text.enumerated() {
            let rows = BitmapFont.rows(for: character)
            for row in 0..<BitmapFont.glyphHeight where rows[row] != 0 {
                for column in 0..<BitmapFont.glyphWidth
                where rows[row] & (1 << UInt8(BitmapFont.glyphWidth - 1 - column)) != 0 {
                    let u = (index * BitmapFont.advance + column) * size  // along the text
                    let v = row * size                                    // down the glyph
                    for dv in 0..<size {
                        for du in 0..<(size + boldExtra) {
                            if style.vertical {
                                blend(x: originX + v + dv, y: originY - 1 - (u + du), color: style.color, coverage: 1)
                            } else {
                                blend(x: originX + u + du, y: originY + v + dv, color: style.color, coverage: 1)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Draws `image` stretched to the rectangle by nearest-neighbour sampling (pixel art stays sharp).
    mutating func drawImage(_ image: PlotImage, x: Double, y: Double, width w: Double, height h: Double) {
        let left = Int(x.rounded()), top = Int(y.rounded())
        let right = Int((x + w).rounded()), bottom = Int((y + h).rounded())
        guard right > left, bottom > top else { return }
        let dw = Double(right - left), dh = Double(bottom - top)
        for py in max(0, top)..<min(height, bottom) {
            let sy = min(image.height - 1, Int((Double(py - top) + 0.5) * Double(image.height) / dh))
            for px in max(0, left)..<min(width, right) {
                let sx = min(image.width - 1, Int((Double(px - left) + 0.5) * Double(image.width) / dw))
                blend(x: px, y: py, color: image.color(x: sx, y: sy), coverage: 1)
            }
        }
    }

    /// A vertical colour ramp, one colour per pixel row (top = 1, bottom = 0).
    mutating func drawColorRamp(_ map: PlotColorMap, x: Double, y: Double, width w: Double, height h: Double) {
        let top = Int(y.rounded()), bottom = Int((y + h).rounded())
        guard bottom > top else { return }
        for row in top..<bottom {
            let t = 1 - (Double(row - top) + 0.5) / Double(bottom - top)
            fillRect(x0: x, y0: Double(row), x1: x + w, y1: Double(row + 1), color: map.color(at: t))
        }
    }

    /// Renders every primitive of `scene` in order.
    static func render(_ scene: Scene) -> Canvas {
        var canvas = Canvas(width: scene.width, height: scene.height, background: scene.background)
        for item in scene.items {
            switch item {
            case let .rect(x, y, w, h, fill, stroke, strokeWidth):
                if let fill { canvas.fillRect(x0: x, y0: y, x1: x + w, y1: y + h, color: fill) }
                if let stroke, strokeWidth > 0 {
                    canvas.strokeRect(x: x, y: y, width: w, height: h, color: stroke, lineWidth: strokeWidth)
                }
            case let .polyline(points, color, width, dash):
                let pieces = dash.map { Dashing.split(points, pattern: $0) } ?? [points]
                canvas.strokePolylines(pieces, color: color, lineWidth: width)
            case let .circle(center, radius, fill, stroke, strokeWidth):
                if let fill { canvas.fillCircle(center: center, radius: radius, color: fill) }
                if let stroke, strokeWidth > 0 {
                    canvas.strokeCircle(center: center, radius: radius, color: stroke, lineWidth: strokeWidth)
                }
            case let .text(string, at, style):
                canvas.drawText(string, at: at, style: style)
            case let .image(image, x, y, w, h):
                canvas.drawImage(image, x: x, y: y, width: w, height: h)
            case let .colorRamp(map, x, y, w, h):
                canvas.drawColorRamp(map, x: x, y: y, width: w, height: h)
            }
        }
        return canvas
    }
}

/// Splits a polyline into the "on" pieces of a dash pattern, measuring along its length (like SVG's
/// `stroke-dasharray`, starting with an "on" dash at the first point).
enum Dashing {
    static func split(_ points: [ScenePoint], pattern: [Double]) -> [[ScenePoint]] {
        let pattern = pattern.filter { $0 > 0 }
        guard points.count >= 2, pattern.count >= 1 else { return [points] }
        var pieces: [[ScenePoint]] = []
        var current: [ScenePoint] = [points[0]]
        var patternIndex = 0
        var remaining = pattern[0]
        var on = true
        for (a, b) in zip(points, points.dropFirst()) {
            let dx = b.x - a.x, dy = b.y - a.y
            let length = (dx * dx + dy * dy).squareRoot()
            var travelled = 0.0
            while length - travelled > remaining {
                travelled += remaining
                let p = ScenePoint(x: a.x + dx * travelled / length, y: a.y + dy * travelled / length)
                if on {
                    current.append(p)
                    pieces.append(current)
                    current = []
                } else {
                    current = [p]
                }
                on.toggle()
                patternIndex = (patternIndex + 1) % pattern.count
                remaining = pattern[patternIndex]
            }
            remaining -= length - travelled
            if on { current.append(b) }
        }
        if on && current.count >= 2 { pieces.append(current) }
        return pieces
    }
}
