/// A pure-Swift JPEG decoder: baseline and extended sequential (SOF0/SOF1) and progressive (SOF2) Huffman
/// coding, 8-bit samples, 1 (gray), 3 (YCbCr or Adobe RGB) or 4 (Adobe CMYK/YCCK) components, any sampling
/// factors 1...4, restart intervals, Motion-JPEG frames without Huffman tables (the Annex K tables are used, as
/// libjpeg does). APPn (JFIF, EXIF, ICC, XMP) and COM segments are skipped. Lossless (SOF3), hierarchical and
/// arithmetic-coded files are refused with an error saying so.
///
/// Pixels follow libjpeg-turbo's defaults, which Pillow (and so Keras's `load_img`) uses: the accurate integer
/// IDCT, "fancy" triangle upsampling of subsampled chroma and libjpeg's fixed-point YCbCr -> RGB, so the output
/// is Pillow's (the fixtures match exactly). ``ImageDecodingOptions/jpegScale`` decodes at 1/2, 1/4 or 1/8 of the
/// size in the DCT domain, as Pillow's `draft()`.
///
/// Decoding streams: a sequential image is Huffman-decoded, transformed and colour-converted one MCU row at a
/// time; the lookahead tables decode most coefficients with one table load; working memory is pooled.
///
/// ```swift
/// let image = try JPEGDecoder.decode(bytes)   // RawImage: 1 (gray) or 3 (RGB) channels
/// ```
public enum JPEGDecoder {
    /// Decodes a JPEG file's bytes.
    /// - Parameters:
    ///   - options: truncated-file policy, pixel limit and DCT scale (default: ``ImageDecodingOptions/default``).
    ///   - file: the file name errors and warnings name (`nil` for in-memory data).
    /// - Throws: ``ImageError`` with the byte offset and what was expected, for malformed, truncated or
    ///   unsupported data.
    public static func decode(_ bytes: [UInt8], options: ImageDecodingOptions = .default,
                              file: String? = nil) throws(ImageError) -> RawImage {
        var pixels: [UInt8] = []
        let shape = try decode(bytes, options: options, file: file, into: &pixels)
        return RawImage(unchecked: shape.width, height: shape.height, channels: shape.channels, pixels: pixels)
    }

    /// Decodes into `pixels`, reusing its storage when it is large enough (generators decode image after image
    /// into the same memory); returns the image's shape.
    package static func decode(_ bytes: [UInt8], options: ImageDecodingOptions, file: String?,
                               into pixels: inout [UInt8]) throws(ImageError) -> (width: Int, height: Int, channels: Int) {
        do throws(ImageError) {
            return try bytes.withUnsafeBufferPointer { (buffer) throws(ImageError) in
                try JPEGWorkspace.with { (workspace) throws(ImageError) in
                    var decoding = JPEGDecoding(bytes: buffer, options: options, file: file, workspace: workspace)
                    try decoding.readHeaders()
                    let shape = (decoding.outputWidth, decoding.outputHeight, decoding.outputChannels)
                    let count = shape.0 * shape.1 * shape.2
                    if pixels.count != count {
                        if pixels.capacity >= count && !pixels.isEmpty {
                            if pixels.count > count { pixels.removeLast(pixels.count - count) }
                            else { pixels.append(contentsOf: repeatElement(0, count: count - pixels.count)) }
                        } else {
                            // Every byte is written by the output stage.
                            pixels = [UInt8](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
                        }
                    }
                    try pixels.withUnsafeMutableBufferPointer { (out) throws(ImageError) in
                        try decoding.decodeScans(into: out.baseAddress!)
                    }
                    return shape
                }
            }
        } catch {
            throw error.attributed(to: file)
        }
    }
}

/// One frame component with its geometry at the decoding scale.
struct JPEGComponent {
    var id: Int
    var h: Int
    var v: Int
    var quantIndex: Int
    /// The quantization table (natural order), latched at the component's first scan.
    var quant: [Int32] = []
    var dcTable = 0
    var acTable = 0
    /// Blocks per row / column, padded to whole MCUs.
    var blocksPerLine = 0
    var blocksPerColumn = 0
    /// Samples that are image data, before scaling: `ceil(width * h / hMax)`, likewise for height.
    var width = 0
    var height = 0
    /// Samples each 8x8 block becomes (8, 4, 2 or 1).
    var blockSize = 8
    /// Offsets of this component's coefficients and plane in the workspace.
    var coefficientOffset = 0
    var planeOffset = 0

    var planeStride: Int { blocksPerLine * blockSize }
    var blockCount: Int { blocksPerLine * blocksPerColumn }
}

/// A scan's SOS header.
struct JPEGScanHeader {
    /// Indices into the frame's components, in scan order.
    var components: [Int]
    var ss: Int, se: Int, ah: Int, al: Int
    /// Offset of the SOS marker in the file.
    var offset: Int
}

/// The state of one decode: tables and frame from the headers, then the scans.
struct JPEGDecoding {
    let bytes: UnsafeBufferPointer<UInt8>
    let options: ImageDecodingOptions
    let file: String?
    let workspace: JPEGWorkspace
    var position = 0

    var quantTables = [[Int32]](repeating: [], count: 4)
    var dcTables = [JPEGHuffmanTable?](repeating: nil, count: 4)
    var acTables = [JPEGHuffmanTable?](repeating: nil, count: 4)
    var restartInterval = 0
    var adobeTransform: Int? = nil
    var sawJFIF = false

    // Frame.
    var frameSeen = false
    var progressive = false
    var width = 0
    var height = 0
    var components: [JPEGComponent] = []
    var hMax = 1
    var vMax = 1
    var mcusPerLine = 0
    var mcusPerColumn = 0
    /// Output samples per 8x8 block of the full-resolution components: 8 / scale.
    var minBlockSize = 8
    var outputWidth = 0
    var outputHeight = 0

    // Progress.
    var pendingScan: JPEGScanHeader? = nil
    var scansDecoded = 0
    /// Sequential images are transformed while their single scan is decoded; others keep coefficients.
    var streaming = false
    var coefficientsReady = false
    var planes: [JPEGPlane] = []
    var rowsEmitted = 0
    /// Progression status (libjpeg's `coef_bits`): per component and zig-zag index, the `Al` of the latest
    /// scan that carried the coefficient (-1: none yet), and the same before the latest scan of the component.
    var coefficientBits: [[Int]] = []
    var previousCoefficientBits: [[Int]] = []
    /// The last MCU row the latest scan reached with data left (libjpeg's `last_good_iMCU_row`).
    var lastGoodMCURow = 0

    init(bytes: UnsafeBufferPointer<UInt8>, options: ImageDecodingOptions, file: String?, workspace: JPEGWorkspace) {
        self.bytes = bytes
        self.options = options
        self.file = file
        self.workspace = workspace
    }

    var outputChannels: Int { components.count == 1 ? 1 : 3 }

    func fail(_ offset: Int, _ message: String) -> ImageError {
        ImageError(offset: offset, message)
    }

    /// Reads the segments before the first scan: tables, the frame header, and the first SOS.
    mutating func readHeaders() throws(ImageError) {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw fail(0, "not a JPEG file: expected the SOI marker 0xFFD8")
        }
        position = 2
        switch try readMarkers() {
        case .scan(let header): pendingScan = header
        case .endOfImage(let offset): throw fail(offset, "EOI marker before any image scan")
        case .endOfData: throw fail(bytes.count, "the file is truncated: it ends before the first scan (expected SOF and SOS markers)")
        }
    }

    /// Decodes every scan into `output` (`outputWidth * outputHeight * outputChannels` bytes).
    mutating func decodeScans(into output: UnsafeMutablePointer<UInt8>) throws(ImageError) {
        setUpPlanes()
        while let header = pendingScan {
            pendingScan = nil
            let complete = try decodeScan(header, output: output)
            scansDecoded += 1
            if !complete { break }  // truncated data, decoded as far as it goes (allowTruncated)
            switch try readMarkers() {
            case .scan(let next): pendingScan = next
            case .endOfImage: break
            case .endOfData:
                guard options.allowTruncated else {
                    throw fail(bytes.count, "the file is truncated: it ends after \(scansDecoded) scan(s) without the end-of-image marker (EOI); ImageDecodingOptions.allowTruncated decodes such files")
                }
            }
        }
        if !streaming {
            transformCoefficients()
        }
        emitRows(upTo: outputHeight, into: output)
    }
}
