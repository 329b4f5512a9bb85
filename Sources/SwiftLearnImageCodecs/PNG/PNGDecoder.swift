import SwiftLearnCompression

/// A pure-Swift PNG decoder (ISO/IEC 15948): every colour type (gray, RGB, palette, gray+alpha, RGBA),
/// bit depths 1/2/4/8/16, the five row filters, Adam7 interlacing, `tRNS` transparency, and a CRC check
/// of every chunk plus the zlib Adler-32 of the image data.
///
/// Samples become 8-bit as Pillow loads them: gray of depth 1/2/4 is scaled to 0...255 (x255, x85, x17),
/// 16-bit samples keep their high byte, palette indices are looked up (RGBA when `tRNS` gives alpha), a
/// `tRNS` colour key adds alpha. The result has 1 (L), 2 (LA), 3 (RGB) or 4 (RGBA) channels.
///
/// ```swift
/// let image = try PNGDecoder.decode(bytes)              // RawImage, channels as stored
/// let rgb = image.converted(to: .rgb)
/// ```
public enum PNGDecoder {
    /// Decodes the bytes of a PNG file.
    /// - Parameters:
    ///   - options: the pixel limit (``ImageDecodingOptions/maxImagePixels``); the rest concerns JPEG.
    ///   - file: the file name errors and warnings name (`nil` for in-memory data).
    /// - Throws: ``ImageError`` naming the byte offset and what was expected (signature, CRC, zlib data, sizes).
    public static func decode(_ bytes: [UInt8], options: ImageDecodingOptions = .default,
                              file: String? = nil) throws(ImageError) -> RawImage {
        do throws(ImageError) {
            let chunks = try bytes.withUnsafeBufferPointer { (b) throws(ImageError) in
                try PNGChunks.read(b, options: options, file: file)
            }
            let stage = try PNGPixels(chunks)
            var filtered = try inflate(chunks, expectedSize: stage.filteredSize)
            let pixels = try stage.decode(&filtered, idatOffset: chunks.idatOffset)
            return RawImage(unchecked: chunks.header.width, height: chunks.header.height,
                            channels: stage.outputChannels, pixels: pixels)
        } catch {
            throw error.attributed(to: file)
        }
    }

    /// The image data (`IDAT`, one zlib stream) inflated to exactly `expectedSize` bytes.
    ///
    /// DEFLATE expands at most 1032:1, so a header promising more than that of the data present is refused
    /// before anything is allocated.
    static func inflate(_ chunks: PNGChunks, expectedSize: Int) throws(ImageError) -> [UInt8] {
        let header = chunks.header
        let (bound, overflow) = chunks.compressed.count.multipliedReportingOverflow(by: 1032)
        guard overflow || expectedSize <= bound + 1024 else {
            throw ImageError(offset: chunks.idatOffset, "image data of \(chunks.compressed.count) bytes cannot inflate to the \(expectedSize) bytes a \(header.width)x\(header.height) image needs (DEFLATE expands at most 1032:1): the file is truncated or its header is corrupt")
        }
        let result: Result<(output: [UInt8], consumedBytes: Int), CompressionError> = chunks.compressed.withUnsafeBytes { raw in
            Result { () throws(CompressionError) in
                try Zlib.decompressStream(raw, maxOutputSize: expectedSize, expectedSize: expectedSize)
            }
        }
        switch result {
        case .success(let value):
            guard value.output.count == expectedSize else {
                throw ImageError(offset: chunks.idatOffset, "image data inflates to \(value.output.count) bytes, expected \(expectedSize) for \(header.width)x\(header.height) pixels")
            }
            return value.output
        case .failure(let error):
            let message = error.kind == .outputLimitExceeded
                ? "image data inflates to more than the \(expectedSize) bytes a \(header.width)x\(header.height) image needs"
                : "image data (zlib in IDAT) is corrupt: \(error.message)"
            throw ImageError(offset: chunks.fileOffset(ofStreamByte: error.offset ?? 0), message)
        }
    }
}
