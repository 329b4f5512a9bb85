import SwiftLearnTensor

/// How ``resizeImage(_:height:width:interpolation:)`` samples the source, named as in Keras (`interpolation=`).
public enum Interpolation: String, Sendable, CaseIterable {
    /// Pillow's `NEAREST`: output pixel `x` reads source `floor((x + 0.5) * inWidth / outWidth)`
    /// (Keras's default for `load_img` and generators).
    case nearest
    /// Pillow's `BILINEAR` resampling: a triangle filter whose support widens by the scale when
    /// downscaling (so it averages, like an antialiasing filter), separable, horizontal pass first,
    /// 22-bit fixed-point weights and 8-bit rounding between passes, exactly as Pillow's `Resample.c`.
    case bilinear
}

/// Resizes a `[height, width, channels]` UInt8 image like Pillow's `Image.resize` (what Keras's `load_img` calls).
///
/// RGBA (4 channels) with bilinear is resampled with premultiplied alpha, as Pillow does.
/// ```swift
/// let small = try resizeImage(image, height: 64, width: 64, interpolation: .bilinear)
/// ```
/// - Throws: ``ImageError`` when the image is not rank 3 or the target size is not positive.
public func resizeImage(_ image: Tensor<UInt8>, height: Int, width: Int,
                        interpolation: Interpolation = .nearest) throws(ImageError) -> Tensor<UInt8> {
    guard image.rank == 3, image.shape[0] > 0, image.shape[1] > 0, (1...4).contains(image.shape[2]) else {
        throw ImageError("resizeImage expects a [height, width, channels] image with 1...4 channels, received shape \(image.shape)")
    }
    guard height > 0, width > 0 else {
        throw ImageError("resizeImage target size must be positive, received height \(height), width \(width)")
    }
    let raw = RawImage(unchecked: image.shape[1], height: image.shape[0], channels: image.shape[2], pixels: image.scalars)
    let out = ImageResizer.resize(raw, width: width, height: height, interpolation: interpolation)
    return Tensor<UInt8>(shape: [height, width, out.channels]) { buffer in
        _ = buffer.initialize(from: out.pixels)
    }
}

enum ImageResizer {
    static func resize(_ image: RawImage, width: Int, height: Int, interpolation: Interpolation) -> RawImage {
        if image.width == width && image.height == height { return image }
        switch interpolation {
        case .nearest: return nearest(image, width: width, height: height)
        case .bilinear:
            if image.channels == 4 || image.channels == 2 {
                var premultiplied = image
                premultiply(&premultiplied)
                var out = bilinear(premultiplied, width: width, height: height)
                unpremultiply(&out)
                return out
            }
            return bilinear(image, width: width, height: height)
        }
    }

    /// Source index per output index, accumulated in `Double` exactly as Pillow's `ImagingScaleAffine`
    /// (`xo = a0 / 2; xo += a0` with `a0 = inSize / outSize`), so ties fall the same way.
    static func nearestIndices(inSize: Int, outSize: Int) -> [Int] {
        let step = Double(inSize) / Double(outSize)
        var position = step * 0.5
        var indices = [Int](repeating: 0, count: outSize)
        for i in 0..<outSize {
            indices[i] = min(max(Int(position), 0), inSize - 1)
            position += step
        }
        return indices
    }

    static func nearest(_ image: RawImage, width: Int, height: Int) -> RawImage {
        let xs = nearestIndices(inSize: image.width, outSize: width)
        let ys = nearestIndices(inSize: image.height, outSize: height)
        let c = image.channels
        var out = [UInt8](repeating: 0, count: width * height * c)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    let srcRow = src.baseAddress! + ys[y] * image.width * c
                    let dstRow = dst.baseAddress! + y * width * c
                    for x in 0..<width {
                        let s = srcRow + xs[x] * c
                        for k in 0..<c { dstRow[x * c + k] = s[k] }
                    }
                }
            }
        }
        return RawImage(unchecked: width, height: height, channels: c, pixels: out)
    }

    static let precisionBits = 32 - 8 - 2

    /// Pillow's `precompute_coeffs` for the bilinear (triangle) filter, then `normalize_coeffs_8bpc`.
    static func coefficients(inSize: Int, outSize: Int) -> (bounds: [(Int, Int)], weights: [Int32], kernelSize: Int) {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1.0)
        let support = 1.0 * filterScale
        let kernelSize = Int(support.rounded(.up)) * 2 + 1
        var bounds = [(Int, Int)](repeating: (0, 0), count: outSize)
        var weights = [Int32](repeating: 0, count: outSize * kernelSize)
        var k = [Double](repeating: 0, count: kernelSize)
        for xx in 0..<outSize {
            let center = (Double(xx) + 0.5) * scale
            let inverse = 1.0 / filterScale
            var xmin = Int(center - support + 0.5)
            if xmin < 0 { xmin = 0 }
            var xmax = Int(center + support + 0.5)
            if xmax > inSize { xmax = inSize }
            xmax -= xmin
            var total = 0.0
            for x in 0..<kernelSize { k[x] = 0 }
            for x in 0..<xmax {
                var t = (Double(x + xmin) - center + 0.5) * inverse
                if t < 0 { t = -t }
                let w = t < 1 ? 1 - t : 0
                k[x] = w
                total += w
            }
            for x in 0..<xmax where total != 0 { k[x] /= total }
            for x in 0..<kernelSize {
                let scaled = k[x] * Double(1 << precisionBits)
                weights[xx * kernelSize + x] = Int32(scaled < 0 ? (-0.5 + scaled) : (0.5 + scaled))
            }
            bounds[xx] = (xmin, xmax)
        }
        return (bounds, weights, kernelSize)
    }

    @inline(__always)
    static func clip8(_ value: Int32) -> UInt8 {
        let shifted = value >> Int32(precisionBits)
        return UInt8(truncatingIfNeeded: shifted < 0 ? 0 : (shifted > 255 ? 255 : shifted))
    }

    static func bilinear(_ image: RawImage, width: Int, height: Int) -> RawImage {
        let c = image.channels
        var current = image
        let half = Int32(1 << (precisionBits - 1))
        if width != image.width {
            let (bounds, weights, ks) = coefficients(inSize: image.width, outSize: width)
            var out = [UInt8](repeating: 0, count: width * current.height * c)
            current.pixels.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for y in 0..<current.height {
                        let row = src.baseAddress! + y * current.width * c
                        for x in 0..<width {
                            let (xmin, count) = bounds[x]
                            for channel in 0..<c {
                                var sum = half
                                for i in 0..<count {
                                    sum = sum &+ Int32(row[(xmin + i) * c + channel]) &* weights[x * ks + i]
                                }
                                dst[(y * width + x) * c + channel] = clip8(sum)
                            }
                        }
                    }
                }
            }
            current = RawImage(unchecked: width, height: current.height, channels: c, pixels: out)
        }
        if height != image.height {
            let (bounds, weights, ks) = coefficients(inSize: image.height, outSize: height)
            var out = [UInt8](repeating: 0, count: current.width * height * c)
            let rowLength = current.width * c
            current.pixels.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for y in 0..<height {
                        let (ymin, count) = bounds[y]
                        for i in 0..<rowLength {
                            var sum = half
                            for j in 0..<count {
                                sum = sum &+ Int32(src[(ymin + j) * rowLength + i]) &* weights[y * ks + j]
                            }
                            dst[y * rowLength + i] = clip8(sum)
                        }
                    }
                }
            }
            current = RawImage(unchecked: current.width, height: height, channels: c, pixels: out)
        }
        return current
    }

    /// Pillow's RGBA -> RGBa (`MULDIV255(value, alpha)`), also for LA.
    static func premultiply(_ image: inout RawImage) {
        let c = image.channels
        var pixels = image.pixels
        for p in 0..<(image.width * image.height) {
            let alpha = Int32(pixels[p * c + c - 1])
            for k in 0..<(c - 1) {
                pixels[p * c + k] = UInt8(truncatingIfNeeded: RawImage.mulDiv255(Int32(pixels[p * c + k]), alpha))
            }
        }
        image = RawImage(unchecked: image.width, height: image.height, channels: c, pixels: pixels)
    }

    /// Pillow's RGBa -> RGBA: `value * 255 / alpha` clipped; alpha 0 or 255 keeps the value.
    static func unpremultiply(_ image: inout RawImage) {
        let c = image.channels
        var pixels = image.pixels
        for p in 0..<(image.width * image.height) {
            let alpha = Int(pixels[p * c + c - 1])
            for k in 0..<(c - 1) {
                let v = Int(pixels[p * c + k])
                pixels[p * c + k] = (alpha == 0 || alpha == 255) ? UInt8(v) : UInt8(min(255, v * 255 / alpha))
            }
        }
        image = RawImage(unchecked: image.width, height: image.height, channels: c, pixels: pixels)
    }
}
