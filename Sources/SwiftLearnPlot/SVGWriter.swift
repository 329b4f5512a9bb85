import SwiftLearnImageCodecs
import SwiftLearnSystem

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

    /// Compact coordinates: at most 2 decimals, trailing zeros removed.
    static func n(_ value: Double) -> String { DecimalText.trimmed(value, digits: 2) }

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

/// Text escaping for SVG/XML content and attribute values.
enum XMLEscaping {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most C0 controls even as character references; drop them.
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// RFC 4648 base64, for embedding PNG images in SVG `data:` URIs.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let v = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out += [alphabet[Int(v >> 18)], alphabet[Int((v >> 12) & 63)], alphabet[Int((v >> 6) & 63)],
                    alphabet[Int(v & 63)]]
            index += 3
        }
        let remaining = bytes.count - index
        if remaining == 1 {
            let v = UInt32(bytes[index]) << 16
            out += [alphabet[Int(v >> 18)], alphabet[Int((v >> 12) & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if remaining == 2 {
            let v = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out += [alphabet[Int(v >> 18)], alphabet[Int((v >> 12) & 63)], alphabet[Int((v >> 6) & 63)],
                    UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
