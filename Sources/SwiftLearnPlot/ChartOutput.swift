#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What every chart shares: size validation, PNG rendering of a scene, and writing by file extension.
enum ChartOutput {
    static let sizeLimit = 16...16384

    static func validateSize(width: Int, height: Int) throws(PlotError) {
        guard sizeLimit.contains(width), sizeLimit.contains(height) else {
            throw PlotError.invalidArgument(
                "picture size must be within \(sizeLimit.lowerBound)...\(sizeLimit.upperBound) pixels per side, "
                + "received \(width)x\(height)")
        }
    }

    static func png(_ scene: Scene) -> [UInt8] {
        let canvas = Canvas.render(scene)
        return PNGEncoder.encode(rgba: canvas.pixels, width: canvas.width, height: canvas.height)
    }

    /// Writes SVG for `.svg` paths and PNG for `.png` paths (case-insensitive), atomically.
    static func write(to url: URL, svg: () -> String, png: () -> [UInt8]) throws(PlotError) {
        let path = url.path(percentEncoded: false)
        let pathExtension = url.pathExtension.lowercased()
        switch pathExtension {
        case "svg": try AtomicFile.write(Array(svg().utf8), toPath: path)
        case "png": try AtomicFile.write(png(), toPath: path)
        default:
            throw PlotError.writeFailed(
                path: path, reason: "unsupported file extension \"\(pathExtension)\", expected .png or .svg")
        }
    }
}

/// Liang-Barsky clipping of the segment a-b to a rectangle; nil when it lies outside.
func clipSegment(_ a: ScenePoint, _ b: ScenePoint, left: Double, top: Double, right: Double,
                 bottom: Double) -> (ScenePoint, ScenePoint)? {
    var t0 = 0.0, t1 = 1.0
    let dx = b.x - a.x, dy = b.y - a.y
    for (p, q) in [(-dx, a.x - left), (dx, right - a.x), (-dy, a.y - top), (dy, bottom - a.y)] {
        if p == 0 {
            if q < 0 { return nil }
        } else {
            let r = q / p
            if p < 0 { if r > t1 { return nil }; if r > t0 { t0 = r } } else { if r < t0 { return nil }; if r < t1 { t1 = r } }
        }
    }
    return (ScenePoint(x: a.x + t0 * dx, y: a.y + t0 * dy), ScenePoint(x: a.x + t1 * dx, y: a.y + t1 * dy))
}
