#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A grid of small images with a caption over each, like a matplotlib figure of `imshow` subplots.
///
/// Images are scaled by nearest neighbour (by a whole factor when it fits) so pixels stay sharp.
///
/// ```swift
/// let samples = try (0..<10).map { i in try PlotImage(width: 28, height: 28, pixels: images[i]) }
/// let grid = try ImageGrid(images: samples, columns: 5, captions: labels.map { classNames[$0] })
/// try grid.write(to: URL(fileURLWithPath: "samples.png"))
/// ```
public struct ImageGrid: Chart {
    public let images: [PlotImage]
    public let columns: Int
    public let captions: [String]?
    /// Per-image caption colours (e.g. red for a wrong prediction); default dark gray.
    public var captionColors: [PlotColor]?
    public var title: String
    /// Size used by ``svg()`` and ``write(to:)``; derived from the images unless set with ``setSize(width:height:)``.
    public private(set) var width: Int
    public private(set) var height: Int

    /// - Throws: ``PlotError/invalidArgument(_:)`` for no images, `columns < 1`, or a caption count that
    ///   differs from the image count.
    public init(images: [PlotImage], columns: Int = 5, captions: [String]? = nil, title: String = "")
        throws(PlotError) {
        guard !images.isEmpty else { throw PlotError.invalidArgument("an image grid needs at least one image, received 0") }
        guard columns >= 1 else { throw PlotError.invalidArgument("columns must be at least 1, received \(columns)") }
        if let captions, captions.count != images.count {
            throw PlotError.invalidArgument(
                "received \(captions.count) captions for \(images.count) images; expected one caption per image")
        }
        self.images = images
        self.columns = min(columns, images.count)
        self.captions = captions
        self.title = title
        // Default: show the largest image about 112 pixels on its long side, by a whole factor.
        let longest = images.map { max($0.width, $0.height) }.max() ?? 1
        let scale = max(1.0, (112.0 / Double(longest)).rounded(.down))
        let imageWidth = Double(images.map(\.width).max() ?? 1) * scale
        let imageHeight = Double(images.map(\.height).max() ?? 1) * scale
        let captionWidth = Double((captions ?? []).map { BitmapFont.width(of: $0) * 2 }.max() ?? 0)
        let cellWidth = max(imageWidth, captionWidth) + 16
        let cellHeight = imageHeight + 16 + (captions == nil ? 0 : 22)
        let rows = (images.count + self.columns - 1) / self.columns
        width = min(16384, max(64, Int(Double(self.columns) * cellWidth + 16)))
        height = min(16384, max(64, Int(Double(rows) * cellHeight + 16 + (title.isEmpty ? 0 : 32))))
    }

    /// A grid of grayscale images given as flat row-major byte arrays of one size (e.g. Fashion-MNIST rows).
    public init(grayscale pixels: [[UInt8]], imageWidth: Int, imageHeight: Int, columns: Int = 5,
                captions: [String]? = nil, title: String = "") throws(PlotError) {
        var images: [PlotImage] = []
        for (index, bytes) in pixels.enumerated() {
            do {
                images.append(try PlotImage(width: imageWidth, height: imageHeight, channels: 1, pixels: bytes))
            } catch {
                throw PlotError.invalidArgument("image \(index): \(error.description)")
            }
        }
        try self.init(images: images, columns: columns, captions: captions, title: title)
    }

    /// Sets the default picture size used by ``svg()`` and ``write(to:)``.
    public mutating func setSize(width: Int, height: Int) throws(PlotError) {
        try ChartOutput.validateSize(width: width, height: height)
        self.width = width
        self.height = height
    }





    public func scene(width: Int, height: Int) -> Scene {
        var scene = Scene(width: width, height: height)
        let rows = (images.count + columns - 1) / columns
        let outer = max(4.0, (Double(min(width, height)) / 60).rounded())
        let rough = min(Double(width) / Double(columns), Double(height) / Double(rows))
        let f = max(1, Int((rough / 64).rounded(.down)))
        let titleFont = f + 1
        let cap = ChartMetrics.capHeight(f)
        let titleHeight = title.isEmpty ? 0 : ChartMetrics.capHeight(titleFont) + 3 * Double(f)
        let cellWidth = (Double(width) - 2 * outer) / Double(columns)
        let cellHeight = (Double(height) - 2 * outer - titleHeight) / Double(rows)
        let captionHeight = captions == nil ? 0 : cap + 3 * Double(f)
        let gap = max(2, (min(cellWidth, cellHeight) * 0.06).rounded())
        let boxWidth = max(1, cellWidth - 2 * gap)
        let boxHeight = max(1, cellHeight - 2 * gap - captionHeight)
        let frameWidth = max(1.0, Double(f / 2))

        if !title.isEmpty {
            let (title, size) = ChartMetrics.fitted(self.title, preferred: titleFont, minimum: f,
                                                    maxWidth: Double(width) - 2 * outer)
            scene.text(title, x: Double(width) / 2, y: outer + ChartMetrics.capHeight(titleFont) / 2, size: size,
                       bold: true)
        }
        for (index, image) in images.enumerated() {
            let column = index % columns, row = index / columns
            let cellX = outer + Double(column) * cellWidth
            let cellY = outer + titleHeight + Double(row) * cellHeight
            var scale = min(boxWidth / Double(image.width), boxHeight / Double(image.height))
            if scale >= 1 { scale = scale.rounded(.down) }
            let w = (Double(image.width) * scale).rounded(), h = (Double(image.height) * scale).rounded()
            let x = (cellX + (cellWidth - w) / 2).rounded()
            let y = (cellY + gap + captionHeight + (boxHeight - h) / 2).rounded()
            scene.add(.image(image, x: x, y: y, width: w, height: h))
            scene.add(.rect(x: x - frameWidth, y: y - frameWidth, width: w + 2 * frameWidth, height: h + 2 * frameWidth,
                            fill: nil, stroke: PlotColor(hex: 0x888888), strokeWidth: frameWidth))
            if let captions {
                let color = captionColors.flatMap { index < $0.count ? $0[index] : nil } ?? .ink
                var size = f
                var caption = captions[index]
                while size > 1 && ChartMetrics.textWidth(caption, size) > cellWidth - gap { size -= 1 }
                while caption.count > 1 && ChartMetrics.textWidth(caption, size) > cellWidth - gap {
                    caption = String(caption.dropLast(caption.hasSuffix("..") ? 3 : 1)) + ".."
                }
                scene.text(caption, x: x + w / 2, y: y - frameWidth - 2 * Double(f) - ChartMetrics.capHeight(size) / 2,
                           size: size, color: color)
            }
        }
        return scene
    }
}
