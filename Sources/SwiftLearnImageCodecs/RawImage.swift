/// The channel layout of decoded pixels, as Keras's `color_mode` names them.
///
/// Conversions follow Pillow's `Image.convert`, which Keras's `load_img` uses:
/// `grayscale` from colour is `L = (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16`
/// (ITU-R 601-2 luma, `R*299/1000 + G*587/1000 + B*114/1000` rounded); gray to colour repeats `L`;
/// `rgb` drops alpha; `rgba` adds alpha 255 unless the file has transparency (PNG alpha or `tRNS`).
public enum ColorMode: String, Sendable, CaseIterable {
    case grayscale
    case rgb
    case rgba

    /// Samples per pixel: 1, 3 or 4.
    public var channels: Int {
        switch self {
        case .grayscale: return 1
        case .rgb: return 3
        case .rgba: return 4
        }
    }
}

/// 8-bit pixels as a decoder produces them and an encoder takes them: row-major, channels interleaved.
///
/// `channels` is 1 (gray, Pillow's `L`), 2 (gray + alpha, `LA`), 3 (`RGB`) or 4 (`RGBA`);
/// `pixels.count == width * height * channels`.
///
/// ```swift
/// let image = try loadRawImage(from: "photo.jpg")            // RGB, as the file stores it
/// let gray = image.converted(to: .grayscale)                  // Pillow's convert("L")
/// try saveRawImage(gray, to: "photo-gray.png")
/// ```
public struct RawImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    /// `height * width * channels` bytes, row-major, channels interleaved.
    public let pixels: [UInt8]

    /// An image from its pixels.
    /// - Throws: ``ImageError`` for a non-positive size, a channel count outside 1...4, or a byte count that is
    ///   not `width * height * channels` (the message quotes the values).
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws(ImageError) {
        guard width > 0, height > 0 else {
            throw ImageError("image size must be positive, received \(width)x\(height)")
        }
        guard (1...4).contains(channels) else {
            throw ImageError("image channels must be 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA), received \(channels)")
        }
        let (area, overflow) = width.multipliedReportingOverflow(by: height)
        let (expected, overflow2) = area.multipliedReportingOverflow(by: channels)
        guard !overflow, !overflow2, pixels.count == expected else {
            throw ImageError("a \(width)x\(height) image with \(channels) channel(s) needs \(overflow || overflow2 ? "more than Int.max" : String(expected)) bytes, received \(pixels.count)")
        }
        self.init(unchecked: width, height: height, channels: channels, pixels: pixels)
    }

    /// For decoders and resizers whose sizes are right by construction.
    package init(unchecked width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Whether the image carries an alpha channel (`LA` or `RGBA`).
    public var hasAlpha: Bool { channels == 2 || channels == 4 }

    /// The pixels in `mode` (Pillow's `convert("L" | "RGB" | "RGBA")`); the image itself when it already is.
    public func converted(to mode: ColorMode) -> RawImage {
        if channels == mode.channels { return self }
        let count = width * height * mode.channels
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            convert(to: mode, into: buffer.baseAddress!)
            initialized = count
        }
        return RawImage(unchecked: width, height: height, channels: mode.channels, pixels: bytes)
    }

    /// Pillow's `L` from RGB (Convert.c `L24`): weights 0.299/0.587/0.114 in 16-bit fixed point, rounded.
    @inline(__always)
    package static func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        UInt8(truncatingIfNeeded: (UInt32(r) &* 19595 &+ UInt32(g) &* 38470 &+ UInt32(b) &* 7471 &+ 0x8000) >> 16)
    }

    /// Pillow's `MULDIV255`: round(a * b / 255) in integers (alpha premultiplication, CMYK to RGB).
    @inline(__always)
    package static func mulDiv255(_ a: Int32, _ b: Int32) -> Int32 {
        let t = a &* b &+ 128
        return ((t >> 8) &+ t) >> 8
    }

    /// Writes the pixels converted to `mode` into `output` (`width * height * mode.channels` bytes).
    package func convert(to mode: ColorMode, into output: UnsafeMutablePointer<UInt8>) {
        pixels.withUnsafeBufferPointer { source in
            RawImage.convert(source.baseAddress!, channels: channels, count: width * height, to: mode, into: output)
        }
    }

    /// Converts `count` pixels of `channels` interleaved samples at `source` to `mode` at `output`.
    package static func convert(_ source: UnsafePointer<UInt8>, channels: Int, count: Int, to mode: ColorMode,
                                into output: UnsafeMutablePointer<UInt8>) {
        let src = source
        let outChannels = mode.channels
        if outChannels == channels {
            output.update(from: src, count: count * channels)
            return
        }
        switch (channels, outChannels) {
        case (1, 3):
            for i in 0..<count {
                let l = src[i]
                output[i &* 3] = l; output[i &* 3 &+ 1] = l; output[i &* 3 &+ 2] = l
            }
        case (1, 4):
            for i in 0..<count {
                let l = src[i]
                output[i &* 4] = l; output[i &* 4 &+ 1] = l; output[i &* 4 &+ 2] = l; output[i &* 4 &+ 3] = 255
            }
        case (2, 1):
            for i in 0..<count { output[i] = src[i &* 2] }
        case (2, 3), (2, 4):
            for i in 0..<count {
                let l = src[i &* 2]
                output[i &* outChannels] = l; output[i &* outChannels &+ 1] = l; output[i &* outChannels &+ 2] = l
                if outChannels == 4 { output[i &* 4 &+ 3] = src[i &* 2 &+ 1] }
            }
        case (3, 1):
            for i in 0..<count { output[i] = luma(src[i &* 3], src[i &* 3 &+ 1], src[i &* 3 &+ 2]) }
        case (4, 1):
            for i in 0..<count { output[i] = luma(src[i &* 4], src[i &* 4 &+ 1], src[i &* 4 &+ 2]) }
        case (3, 4):
            for i in 0..<count {
                output[i &* 4] = src[i &* 3]; output[i &* 4 &+ 1] = src[i &* 3 &+ 1]; output[i &* 4 &+ 2] = src[i &* 3 &+ 2]
                output[i &* 4 &+ 3] = 255
            }
        case (4, 3):
            for i in 0..<count {
                output[i &* 3] = src[i &* 4]; output[i &* 3 &+ 1] = src[i &* 4 &+ 1]; output[i &* 3 &+ 2] = src[i &* 4 &+ 2]
            }
        default:
            // Unreachable: RawImage holds 1...4 channels and ColorMode asks for 1, 3 or 4.
            output.initialize(repeating: 0, count: count * outChannels)
        }
    }
}
