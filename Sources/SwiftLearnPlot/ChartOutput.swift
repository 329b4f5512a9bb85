#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwiftLearnImageCodecs
import SwiftLearnSystem

/// What every chart shares: a default picture size and output as SVG text, PNG bytes or a file.
///
/// ``LineChart``, ``ConfusionMatrixHeatmap`` and ``ImageGrid`` lay out a ``Scene`` for a size; this protocol turns
/// it into output, so all charts write the same way:
///
/// ```swift
/// try chart.write(to: URL(fileURLWithPath: "loss.png"))   // PNG or SVG by extension
/// try chart.write(to: "loss.svg")                        // a path, as matplotlib's savefig("loss.svg")
/// let bytes = try chart.png(width: 1200, height: 800)
/// ```
public protocol Chart: Sendable {
    /// Width in pixels used by ``svg()``, ``png()`` and ``write(to:)-(URL)``.
    var width: Int { get }
    /// Height in pixels used by ``svg()``, ``png()`` and ``write(to:)-(URL)``.
    var height: Int { get }
    /// The drawing at `width x height` pixels.
    func scene(width: Int, height: Int) -> Scene
}

extension Chart {
    /// SVG 1.1 text at the chart's size.
    public func svg() -> String { SVGWriter.render(scene(width: width, height: height)) }

    /// SVG 1.1 text at `width x height`.
    /// - Throws: ``PlotError/invalidArgument(_:)`` outside 16...16384 pixels per side.
    public func svg(width: Int, height: Int) throws(PlotError) -> String {
        try ChartOutput.validateSize(width: width, height: height)
        return SVGWriter.render(scene(width: width, height: height))
    }

    /// A PNG file (RGBA) at the chart's size.
    public func png() -> [UInt8] { ChartOutput.png(scene(width: width, height: height)) }

    /// A PNG file (RGBA) at `width x height`.
    /// - Throws: ``PlotError/invalidArgument(_:)`` outside 16...16384 pixels per side.
    public func png(width: Int, height: Int) throws(PlotError) -> [UInt8] {
        try ChartOutput.validateSize(width: width, height: height)
        return ChartOutput.png(scene(width: width, height: height))
    }

    /// Writes SVG for `.svg` and PNG for `.png` (case-insensitive) at the chart's size, atomically.
    /// - Throws: ``PlotError/writeFailed(path:reason:)`` naming the file for another extension or a failed write.
    public func write(to url: URL) throws(PlotError) {
        try write(to: url.path(percentEncoded: false))
    }

    /// ``write(to:)-(URL)`` for a file path.
    public func write(to path: String) throws(PlotError) {
        switch pathExtension(path) {
        case "svg": try ChartOutput.write(Array(svg().utf8), toPath: path)
        case "png": try ChartOutput.write(png(), toPath: path)
        case let other:
            throw PlotError.writeFailed(path: path, reason: "unsupported file extension \"\(other)\", expected .png or .svg")
        }
    }

    private func pathExtension(_ path: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return "" }
        return path[path.index(after: dot)...].lowercased()
    }
}

/// Size validation, rasterizing and crash-safe writing for ``Chart``.
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

    /// Through `FileIO.writeAtomically`, failures reported as ``PlotError``.
    static func write(_ bytes: [UInt8], toPath path: String) throws(PlotError) {
        do {
            try FileIO.writeAtomically(bytes, toPath: path)
        } catch {
            throw PlotError.writeFailed(path: error.path, reason: error.reason)
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
