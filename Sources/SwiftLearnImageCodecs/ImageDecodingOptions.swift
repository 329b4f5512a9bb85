import SwiftLearnSystem

/// How the decoders treat cut-off files, very large images and JPEG size reduction; the process-wide
/// ``default`` plays the part of Pillow's module settings (`ImageFile.LOAD_TRUNCATED_IMAGES`,
/// `Image.MAX_IMAGE_PIXELS`).
///
/// ```swift
/// ImageDecodingOptions.default.allowTruncated = true        // like ImageFile.LOAD_TRUNCATED_IMAGES = True
/// ImageDecodingOptions.default.maxImagePixels = nil         // like Image.MAX_IMAGE_PIXELS = None
/// var options = ImageDecodingOptions.default
/// options.jpegScale = .quarter                               // like Pillow's img.draft("RGB", (w // 4, h // 4))
/// let thumbnail = try loadRawImage(from: "photo.jpg", options: options)
/// ```
public struct ImageDecodingOptions: Sendable {
    /// Pillow's default `Image.MAX_IMAGE_PIXELS`: `1024 * 1024 * 1024 / 4 / 3` = 89,478,485 pixels.
    public static let pillowMaxImagePixels = 89_478_485

    /// Whether a file cut short still decodes (Pillow's `LOAD_TRUNCATED_IMAGES`). Off by default: a JPEG
    /// without its end-of-image marker, or whose entropy-coded data ends early, is an error naming the file,
    /// the byte where the data ends and the last MCU decoded. On: a baseline JPEG decodes the MCUs present
    /// and fills the rest with flat gray blocks (sample value 128, as libjpeg does); a progressive JPEG decodes the
    /// scans present, giving the coarser picture libjpeg shows. Header data (before the first scan) must still
    /// be complete. PNG files are always checked completely (their CRCs and Adler-32 leave nothing to guess).
    public var allowTruncated: Bool

    /// The decompression-bomb limit (Pillow's `MAX_IMAGE_PIXELS`): an image of more pixels than this prints a
    /// warning (once per image size and limit, naming the first file), one of more than twice this many is refused with an ``ImageError``
    /// before any pixel memory is allocated. `nil` removes the limit (the formats' own limits remain:
    /// 65535 x 65535 for JPEG, 2^31 - 1 per side for PNG).
    public var maxImagePixels: Int?

    /// JPEG only: decode at `1/n` of the size in the DCT domain (libjpeg's `scale_denom`, Pillow's `draft()`),
    /// which skips most of the inverse DCT, upsampling and colour conversion. Ignored for PNG.
    public var jpegScale: JPEGScale

    /// JPEG only: when set, each file decodes at the largest scale whose output still covers this size, chosen
    /// from the file's own dimensions (``JPEGScale/largest(width:height:atLeast:)``, Pillow's
    /// `img.draft(mode, size)`); overrides ``jpegScale``. Image generators set it to their target size.
    public var jpegDraftSize: (width: Int, height: Int)?

    public init(allowTruncated: Bool = false, maxImagePixels: Int? = ImageDecodingOptions.pillowMaxImagePixels,
                jpegScale: JPEGScale = .full, jpegDraftSize: (width: Int, height: Int)? = nil) {
        self.allowTruncated = allowTruncated
        self.maxImagePixels = maxImagePixels
        self.jpegScale = jpegScale
        self.jpegDraftSize = jpegDraftSize
    }

    /// The scale a `width x height` JPEG decodes at under these options.
    public func jpegScale(width: Int, height: Int) -> JPEGScale {
        guard let target = jpegDraftSize else { return jpegScale }
        return JPEGScale.largest(width: width, height: height, atLeast: target)
    }

    private static let storage = Locked(ImageDecodingOptions())

    /// The options every decoding call uses unless it is given its own; starts as
    /// `ImageDecodingOptions()` (truncated files refused, Pillow's pixel limit, full-size JPEG).
    public static var `default`: ImageDecodingOptions {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }

    /// Checks `width x height` against ``maxImagePixels`` before a decoder allocates for it: prints the
    /// warning above the limit, throws above twice the limit.
    package func checkPixelLimit(width: Int, height: Int, file: String?, offset: Int) throws(ImageError) {
        guard let limit = maxImagePixels else { return }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        let (refusal, refusalOverflow) = limit.multipliedReportingOverflow(by: 2)
        if overflow || (!refusalOverflow && pixels > refusal) {
            throw ImageError(file: file, offset: offset,
                             "image size \(width)x\(height) (\(overflow ? "more than Int.max" : String(pixels)) pixels) exceeds twice maxImagePixels (\(refusalOverflow ? "Int.max" : String(refusal)) pixels) and is refused as a possible decompression bomb; raise ImageDecodingOptions.default.maxImagePixels (now \(limit)) or set it to nil to decode it")
        }
        if pixels > limit {
            ImageConsole.warnOnce(
                "warning: \(file ?? "<in-memory image>"): image size \(width)x\(height) (\(pixels) pixels) exceeds maxImagePixels (\(limit) pixels), could be a decompression bomb; images above \(refusalOverflow ? "Int.max" : String(refusal)) pixels are refused",
                key: "\(width)x\(height) \(limit)")
        }
    }
}

/// A JPEG decoding size, as a fraction of the stored size (libjpeg's `scale_num / scale_denom`, Pillow's
/// `draft()`). The output is `ceil(width / n) x ceil(height / n)` for `1/n`.
///
/// Pixels of each scale: `full` is libjpeg-turbo's default decode (accurate integer IDCT, "fancy" triangle
/// upsampling), so Pillow's `Image.open(f).convert("RGB")`. The reduced scales run libjpeg's reduced inverse DCTs
/// (`jpeg_idct_4x4`, `_2x2`, `_1x1`: each 8x8 block becomes 4x4, 2x2 or 1x1 samples computed from its
/// coefficients, an area average with the high frequencies cut, not a subsampling), with chroma brought to the
/// output size by a larger IDCT where the subsampling allows it and by upsampling otherwise, exactly as libjpeg
/// chooses: the pixels are Pillow's after `img.draft("RGB", (width // n, height // n))`.
public enum JPEGScale: Int, Sendable, CaseIterable {
    case full = 1
    case half = 2
    case quarter = 4
    case eighth = 8

    /// The largest reduction that still gives at least `targetWidth x targetHeight` pixels, chosen as Pillow's
    /// `draft()` does: `n` in 8, 4, 2, 1 with `n <= min(width / targetWidth, height / targetHeight)`.
    ///
    /// ```swift
    /// JPEGScale.largest(width: 800, height: 600, atLeast: (112, 112))   // .quarter: 200 x 150
    /// ```
    public static func largest(width: Int, height: Int, atLeast target: (width: Int, height: Int)) -> JPEGScale {
        guard target.width > 0, target.height > 0 else { return .full }
        let ratio = min(width / target.width, height / target.height)
        for scale in [JPEGScale.eighth, .quarter, .half] where ratio >= scale.rawValue { return scale }
        return .full
    }

    /// The decoded size of a `width x height` image at this scale: `ceil(width / n) x ceil(height / n)`.
    public func scaledSize(width: Int, height: Int) -> (width: Int, height: Int) {
        ((width + rawValue - 1) / rawValue, (height + rawValue - 1) / rawValue)
    }
}
