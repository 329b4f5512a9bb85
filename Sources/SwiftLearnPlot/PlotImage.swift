/// A small raster image to show in an ``ImageGrid``: row-major 8-bit pixels, 1 (grayscale), 3 (RGB) or
/// 4 (RGBA) interleaved channels.
///
/// ```swift
/// let digit = try PlotImage(width: 28, height: 28, channels: 1, pixels: row)   // a Fashion-MNIST sample
/// ```
public struct PlotImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    /// `height * width * channels` bytes, row-major, channels interleaved.
    public let pixels: [UInt8]

    /// - Throws: ``PlotError/invalidArgument(_:)`` for non-positive sizes, a channel count other than 1, 3, 4,
    ///   or a pixel count that disagrees with the size (the message quotes both).
    public init(width: Int, height: Int, channels: Int = 1, pixels: [UInt8]) throws(PlotError) {
        guard width > 0, height > 0 else {
            throw PlotError.invalidArgument("image size must be positive, received \(width)x\(height)")
        }
        guard [1, 3, 4].contains(channels) else {
            throw PlotError.invalidArgument("image channels must be 1 (gray), 3 (RGB) or 4 (RGBA), received \(channels)")
        }
        let (area, overflow) = width.multipliedReportingOverflow(by: height)
        let (expected, overflow2) = area.multipliedReportingOverflow(by: channels)
        guard !overflow, !overflow2 else {
            throw PlotError.invalidArgument("image size \(width)x\(height)x\(channels) is too large")
        }
        guard pixels.count == expected else {
            throw PlotError.invalidArgument(
                "a \(width)x\(height) image with \(channels) channel(s) needs \(expected) bytes, received \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// A grayscale image from floating-point intensities mapped linearly from `range` to 0...255 (clamped),
    /// for data already scaled to 0...1.
    public init(width: Int, height: Int, grayscale values: [Double], range: ClosedRange<Double> = 0...1)
        throws(PlotError) {
        guard range.upperBound > range.lowerBound else {
            throw PlotError.invalidArgument("intensity range must be non-empty, received \(range)")
        }
        let span = range.upperBound - range.lowerBound
        let bytes = values.map { value -> UInt8 in
            guard value.isFinite else { return 0 }
            return UInt8(min(255, max(0, ((value - range.lowerBound) / span * 255).rounded())))
        }
        try self.init(width: width, height: height, channels: 1, pixels: bytes)
    }

    /// The pixel at (`x`, `y`) as an opaque-or-translucent colour.
    func color(x: Int, y: Int) -> PlotColor {
        let index = (y * width + x) * channels
        switch channels {
        case 1: return PlotColor(red: pixels[index], green: pixels[index], blue: pixels[index])
        case 3: return PlotColor(red: pixels[index], green: pixels[index + 1], blue: pixels[index + 2])
        default: return PlotColor(red: pixels[index], green: pixels[index + 1], blue: pixels[index + 2],
                                  alpha: pixels[index + 3])
        }
    }

    /// RGBA bytes of the whole image.
    var rgbaPixels: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                let c = color(x: x, y: y)
                out += [c.red, c.green, c.blue, c.alpha]
            }
        }
        return out
    }
}
