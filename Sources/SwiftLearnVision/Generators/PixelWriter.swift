import SwiftLearnRandom

/// Turns image files into the float pixels of a batch: read, decode (JPEG at a reduced scale when the flow allows
/// it), convert to the colour mode, resize to the target, optionally augment, scale. One writer serves a
/// batch, so its decode buffer is reused from image to image.
struct PixelWriter {
    let targetHeight: Int
    let targetWidth: Int
    let colorMode: ColorMode
    let interpolation: Interpolation
    let options: ImageDecodingOptions
    /// JPEG pixels are decoded into this array, reused for the next file once the previous image is written.
    private var decoded: [UInt8] = []
    private var augmentation: [Float] = []

    init(targetHeight: Int, targetWidth: Int, colorMode: ColorMode, interpolation: Interpolation,
         options: ImageDecodingOptions) {
        self.targetHeight = targetHeight
        self.targetWidth = targetWidth
        self.colorMode = colorMode
        self.interpolation = interpolation
        self.options = options
    }

    /// Writes `path`'s pixels times `scale` (`targetHeight * targetWidth * channels` floats) to `out`.
    mutating func write(_ path: String, scale: Float, into out: UnsafeMutablePointer<Float>) throws(ImageError) {
        let image = try decode(path)
        writeResized(image, scale: scale, into: out)
    }

    /// Like ``write(_:scale:into:)`` with `generator`'s random transform drawn from `random` applied before
    /// the rescaling (Keras's order: resize, transform, standardize).
    mutating func writeAugmented(_ path: String, generator: ImageDataGenerator, random: inout RandomState,
                                 into out: UnsafeMutablePointer<Float>) throws(ImageError) {
        let image = try decode(path)
        let count = targetHeight * targetWidth * colorMode.channels
        var pixels = augmentation.count == count ? augmentation : [Float](repeating: 0, count: count)
        augmentation = []  // moved out, so writing `pixels` does not copy
        pixels.withUnsafeMutableBufferPointer { writeResized(image, scale: 1, into: $0.baseAddress!) }
        let parameters = generator.randomTransform(height: targetHeight, width: targetWidth, random: &random)
        generator.apply(parameters, to: &pixels, height: targetHeight, width: targetWidth, channels: colorMode.channels)
        let scale = generator.rescale ?? 1
        pixels.withUnsafeBufferPointer { source in
            for i in 0..<count { out[i] = source[i] * scale }
        }
        augmentation = pixels
    }

    /// The file's pixels as stored (JPEG possibly at a reduced scale, see ``JPEGDraftMode``).
    mutating func decode(_ path: String) throws(ImageError) -> RawImage {
        let bytes = try readImageFile(path)
        guard ImageFormat.detect(bytes) == .jpeg else { return try decodeRawImage(bytes, file: path, options: options) }
        let shape = try JPEGDecoder.decode(bytes, options: options, file: path, into: &decoded)
        return RawImage(unchecked: shape.width, height: shape.height, channels: shape.channels, pixels: decoded)
    }

    /// Converts to the colour mode, resizes to the target and writes `value * scale` floats.
    /// Nearest resizing is fused with the conversion (it commutes with per-pixel colour conversion).
    func writeResized(_ raw: RawImage, scale: Float, into out: UnsafeMutablePointer<Float>) {
        let (height, width) = (targetHeight, targetWidth)
        let channels = colorMode.channels
        var image = raw.converted(to: colorMode)
        if interpolation == .bilinear && (image.width != width || image.height != height) {
            image = ImageResizer.resize(image, width: width, height: height, interpolation: .bilinear)
        }
        if image.width == width && image.height == height {
            // Already the target size: one contiguous, vectorisable conversion.
            let total = width * height * channels
            image.pixels.withUnsafeBufferPointer { src in
                for i in 0..<total { out[i] = Float(src[i]) * scale }
            }
            return
        }
        let xs = ImageResizer.nearestIndices(inSize: image.width, outSize: width)
        let ys = ImageResizer.nearestIndices(inSize: image.height, outSize: height)
        let sourceWidth = image.width
        image.pixels.withUnsafeBufferPointer { src in
            xs.withUnsafeBufferPointer { xs in
                var o = out
                for y in 0..<height {
                    let row = src.baseAddress! + ys[y] * sourceWidth * channels
                    if channels == 3 {
                        for x in 0..<width {
                            let p = row + xs[x] * 3
                            o[0] = Float(p[0]) * scale; o[1] = Float(p[1]) * scale; o[2] = Float(p[2]) * scale
                            o += 3
                        }
                    } else {
                        for x in 0..<width {
                            let p = row + xs[x] * channels
                            for k in 0..<channels { o[k] = Float(p[k]) * scale }
                            o += channels
                        }
                    }
                }
            }
        }
    }
}
