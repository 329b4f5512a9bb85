import SwiftLearnTensor

/// How single-channel values (and, when asked, colour values) become colours in ``ImageGrid``: matplotlib's
/// `imshow` normalization, `(value - vmin) / (vmax - vmin)`, clipped to 0...1.
public enum ImageScaling: Sendable, Equatable {
    /// `vmin`/`vmax` are each image's own minimum and maximum (imshow's default for 2-D data; right for
    /// convolution filters and feature maps, whose ranges differ from tile to tile). A constant image maps to 0.
    case perImage
    /// One minimum and maximum over all the images, so tiles can be compared.
    case shared
    /// Fixed `vmin`/`vmax` (imshow's `vmin=`, `vmax=`), e.g. `range(0, 255)` for raw pixels.
    case range(Double, Double)
}

extension ImageGrid {
    /// A grid of the images of a tensor, as matplotlib's `imshow` subplots: `[n, height, width]` or
    /// `[n, height, width, channels]` with 1 (gray), 3 (RGB) or 4 (RGBA) channels, `UInt8` or floating point.
    ///
    /// Single-channel images go through `colorMap` after `scaling` (default ``ImageScaling/perImage``, imshow's
    /// default; matplotlib's default map is viridis). Colour images are shown as they are: UInt8 as 0...255,
    /// floats as 0...1 clipped (imshow's rules), unless `scaling` is given, which then normalizes them too
    /// (all channels together).
    ///
    /// ```swift
    /// let grid = try ImageGrid(xTrain[0..<10], columns: 5, captions: names, colorMap: .grayReversed)  // imshow(cmap='gray_r')
    /// let filters = try ImageGrid(kernel, columns: 8, colorMap: .gray, scaling: .perImage)            // conv filters
    /// ```
    /// - Throws: ``PlotError/invalidArgument(_:)`` for another shape, no images, or non-finite ranges.
    public init<Scalar: TensorScalar>(_ images: Tensor<Scalar>, columns: Int = 5, captions: [String]? = nil,
                                      title: String = "", colorMap: PlotColorMap = .viridis,
                                      scaling: ImageScaling? = nil) throws(PlotError) {
        let shape = images.shape
        guard shape.count == 3 || (shape.count == 4 && [1, 3, 4].contains(shape[3])) else {
            throw PlotError.invalidArgument("ImageGrid expects [n, height, width] or [n, height, width, channels] with 1, 3 or 4 channels, received shape \(shape)")
        }
        let (count, height, width) = (shape[0], shape[1], shape[2])
        let channels = shape.count == 4 ? shape[3] : 1
        guard count > 0, height > 0, width > 0 else {
            throw PlotError.invalidArgument("ImageGrid needs at least one non-empty image, received shape \(shape)")
        }
        let values = images.scalars.map(\.doubleValue)
        let perImage = height * width * channels
        let isBytes = Scalar.self == UInt8.self
        // The value range of each image, by the scaling rule in force.
        let effective: ImageScaling? = scaling ?? (channels == 1 ? .perImage : nil)
        func extremes(_ slice: ArraySlice<Double>) -> (Double, Double) {
            var low = Double.infinity, high = -Double.infinity
            for v in slice where v.isFinite { low = min(low, v); high = max(high, v) }
            return low <= high ? (low, high) : (0, 0)
        }
        let shared = extremes(values[...])
        if case .range(let low, let high) = effective, !(low.isFinite && high.isFinite && low <= high) {
            throw PlotError.invalidArgument("ImageScaling.range needs finite vmin <= vmax, received \(low), \(high)")
        }
        let table = colorMap.lookupTable()
        var tiles: [PlotImage] = []
        tiles.reserveCapacity(count)
        for index in 0..<count {
            let slice = values[(index * perImage)..<((index + 1) * perImage)]
            let range: (Double, Double)
            switch effective {
            case .perImage?: range = extremes(slice)
            case .shared?: range = shared
            case .range(let low, let high)?: range = (low, high)
            case nil: range = isBytes ? (0, 255) : (0, 1)
            }
            let span = range.1 - range.0
            @inline(__always) func unit(_ v: Double) -> Double {
                guard v.isFinite else { return 0 }
                return span > 0 ? min(1, max(0, (v - range.0) / span)) : (effective == nil ? min(1, max(0, v)) : 0)
            }
            var bytes: [UInt8] = []
            if channels == 1 {
                bytes.reserveCapacity(height * width * 3)
                for v in slice {
                    let color = table[min(255, Int(unit(v) * 256))]
                    bytes += [color.red, color.green, color.blue]
                }
                tiles.append(try PlotImage(width: width, height: height, channels: 3, pixels: bytes))
            } else {
                bytes = slice.map { v in
                    if isBytes && effective == nil { return UInt8(min(255, max(0, v))) }
                    return UInt8(unit(v) * 255)  // matplotlib: (x * 255).astype(uint8), truncating
                }
                tiles.append(try PlotImage(width: width, height: height, channels: channels, pixels: bytes))
            }
        }
        try self.init(images: tiles, columns: columns, captions: captions, title: title)
    }
}
