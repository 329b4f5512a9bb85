/// Turns a scene into SVG 1.1 text. Text uses a monospace font sized so that capitals are as tall as the
/// bitmap font's (7 font pixels): a monospace face keeps the label widths the layout assumed.
enum SVGWriter {
    /// Cap height of common monospace faces (DejaVu Sans Mono, Menlo, Consolas) as a fraction of the em.
    static let capHeightPerEm = 0.73
    static let fontFamily = "DejaVu Sans Mono, Menlo, Consolas, monospace"

    static func render(_ scene: Scene) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" width=\"\(scene.width)\" "
            + "height=\"\(scene.height)\" viewBox=\"0 0 \(scene.width) \(scene.height)\">\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(scene.width)\" height=\"\(scene.height)\"\(fill(scene.background))/>\n"
        var gradientCount = 0
        for item in scene.items {
            switch item {
            case let .rect(x, y, w, h, fillColor, stroke, strokeWidth):
                out += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\""
                out += fillColor.map(fill) ?? " fill=\"none\""
                if let stroke, strokeWidth > 0 { out += self.stroke(stroke, width: strokeWidth) }
                out += "/>\n"
            case let .polyline(points, color, width, dash):
                let coordinates = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
                out += "<polyline points=\"\(coordinates)\" fill=\"none\"\(stroke(color, width: width))"
                out += " stroke-linecap=\"round\" stroke-linejoin=\"round\""
                if let dash { out += " stroke-dasharray=\"\(dash.map(n).joined(separator: ","))\"" }
                out += "/>\n"
            case let .circle(center, radius, fillColor, stroke, strokeWidth):
                out += "<circle cx=\"\(n(center.x))\" cy=\"\(n(center.y))\" r=\"\(n(radius))\""
                out += fillColor.map(fill) ?? " fill=\"none\""
                if let stroke, strokeWidth > 0 { out += self.stroke(stroke, width: strokeWidth) }
                out += "/>\n"
            case let .text(string, at, style):
                out += text(string, at: at, style: style)
            case let .image(image, x, y, w, h):
                let png = PNGEncoder.encode(rgba: image.rgbaPixels, width: image.width, height: image.height)
                out += "<image x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" "
                    + "preserveAspectRatio=\"none\" image-rendering=\"optimizeSpeed\" style=\"image-rendering:pixelated\" "
                    + "xlink:href=\"data:image/png;base64,\(Base64.encode(png))\"/>\n"
            case let .colorRamp(map, x, y, w, h):
                gradientCount += 1
                let id = "ramp\(gradientCount)"
                out += "<defs><linearGradient id=\"\(id)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
                for (index, color) in map.anchors.enumerated() {
                    let offset = Double(index) / Double(map.anchors.count - 1)
                    out += "<stop offset=\"\(n(offset))\" stop-color=\"\(color.hexString)\"/>"
                }
                out += "</linearGradient></defs>\n"
                out += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" fill=\"url(#\(id))\"/>\n"
            }
        }
        out += "</svg>\n"
        return out
    }

    static func n(_ value: Double) -> String { NumberFormatting.svg(value) }

    static func fill(_ color: PlotColor) -> String {
        var text = " fill=\"\(color.hexString)\""
        if color.alpha < 255 { text += " fill-opacity=\"\(n(Double(color.alpha) / 255))\"" }
        return text
    }

    static func stroke(_ color: PlotColor, width: Double) -> String {
        var text = " stroke=\"\(color.hexString)\" stroke-width=\"\(n(width))\""
        if color.alpha < 255 { text += " stroke-opacity=\"\(n(Double(color.alpha) / 255))\"" }
        return text
    }

    static func text(_ string: String, at: ScenePoint, style: TextStyle) -> String {
        let capHeight = Double(BitmapFont.ascent * style.size)
        let fontSize = capHeight / capHeightPerEm
        let anchor: String
        switch style.anchor {
        case .start: anchor = "start"
        case .middle: anchor = "middle"
        case .end: anchor = "end"
        }
        var attributes = "font-family=\"\(fontFamily)\" font-size=\"\(n(fontSize))\" text-anchor=\"\(anchor)\""
        attributes += fill(style.color)
        if style.bold { attributes += " font-weight=\"bold\"" }
        // The anchor is the middle of the capitals; SVG places text by its baseline.
        if style.vertical {
            return "<text transform=\"translate(\(n(at.x)),\(n(at.y))) rotate(-90)\" x=\"0\" y=\"\(n(capHeight / 2))\" "
                + "\(attributes)>\(XMLEscaping.escape(string))</text>\n"
        }
        return "<text x=\"\(n(at.x))\" y=\"\(n(at.y + capHeight / 2))\" \(attributes)>\(XMLEscaping.escape(string))</text>\n"
    }
}
