#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwiftLearnSystem

/// The file formats the codecs read and write.
public enum ImageFormat: String, Sendable, CaseIterable {
    case png
    case jpeg

    /// The format of `bytes` from its signature (not the file name), or `nil` when it is neither PNG nor JPEG.
    public static func detect(_ bytes: [UInt8]) -> ImageFormat? {
        if bytes.count >= 8 && PNGChunks.signature.indices.allSatisfy({ bytes[$0] == PNGChunks.signature[$0] }) { return .png }
        if bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF { return .jpeg }
        return nil
    }

    /// The format a file name's extension names (`.png`; `.jpg`, `.jpeg`, `.jpe`, `.jfif`), case-insensitively.
    public static func fromExtension(of path: String) -> ImageFormat? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "png": return .png
        case "jpg", "jpeg", "jpe", "jfif": return .jpeg
        default: return nil
        }
    }
}

/// Decodes PNG or JPEG bytes, the format recognised from the signature.
///
/// ```swift
/// let image = try decodeRawImage(bytes, file: "cat.jpg")     // RawImage with the file's channels
/// ```
/// - Throws: ``ImageError`` naming `file` (when given), the byte offset and what was expected.
public func decodeRawImage(_ bytes: [UInt8], file: String? = nil,
                           options: ImageDecodingOptions = .default) throws(ImageError) -> RawImage {
    switch ImageFormat.detect(bytes) {
    case .png: return try PNGDecoder.decode(bytes, options: options, file: file)
    case .jpeg: return try JPEGDecoder.decode(bytes, options: options, file: file)
    case nil:
        let head = bytes.prefix(8).map { String($0, radix: 16) }.joined(separator: " ")
        throw ImageError(file: file, offset: 0, "unknown image format (first bytes \(head.isEmpty ? "none: empty file" : head)); expected a PNG or JPEG signature")
    }
}

/// Reads and decodes a PNG or JPEG file into its pixels, as stored (no resizing, no colour conversion):
/// the file level of the codecs, Pillow's `Image.open(path)` followed by `load()`.
///
/// Only regular files are read (a FIFO or device named `x.png` is refused before reading, so nothing hangs).
/// For Keras's `load_img` (colour mode, target size, a `Tensor`), use SwiftLearnVision's `loadImage`.
///
/// ```swift
/// let photo = try loadRawImage(from: URL(fileURLWithPath: "cat.jpg"))
/// ```
/// - Throws: ``ImageError`` naming the file: it cannot be read, or what is wrong at which byte.
public func loadRawImage(from url: URL, options: ImageDecodingOptions = .default) throws(ImageError) -> RawImage {
    try loadRawImage(from: url.path(percentEncoded: false), options: options)
}

/// ``loadRawImage(from:options:)`` for a file path.
public func loadRawImage(from path: String, options: ImageDecodingOptions = .default) throws(ImageError) -> RawImage {
    try decodeRawImage(try readImageFile(path), file: path, options: options)
}

/// The bytes of an image file: regular files only, errors naming the file and the system's reason.
package func readImageFile(_ path: String) throws(ImageError) -> [UInt8] {
    do {
        return try FileIO.readAll(path: path)
    } catch {
        throw ImageError(file: error.path, error.reason)
    }
}

/// Encodes `image` as PNG (lossless; gray, gray + alpha, RGB, RGBA) or JPEG (gray or RGB; `quality` 1...100,
/// chroma 4:2:0 as Pillow's default).
/// - Throws: ``ImageError`` for a JPEG of an image with alpha or a quality outside 1...100.
public func encodeRawImage(_ image: RawImage, format: ImageFormat, quality: Int = 75) throws(ImageError) -> [UInt8] {
    switch format {
    case .png: return PNGEncoder.encode(image)
    case .jpeg: return try JPEGEncoder.encode(image, quality: quality)
    }
}

/// Writes `image` to a file, atomically (a reader sees the old file or the whole new one), in the format its
/// extension names unless `format` is given: Pillow's `img.save(path)` (JPEG `quality` defaults to Pillow's 75).
///
/// ```swift
/// try saveRawImage(image, to: URL(fileURLWithPath: "out/cat.png"))
/// ```
/// - Throws: ``ImageError`` naming the file for an unknown extension, an image the format cannot hold, or a
///   failed write.
public func saveRawImage(_ image: RawImage, to url: URL, format: ImageFormat? = nil, quality: Int = 75) throws(ImageError) {
    try saveRawImage(image, to: url.path(percentEncoded: false), format: format, quality: quality)
}

/// ``saveRawImage(_:to:format:quality:)`` for a file path.
public func saveRawImage(_ image: RawImage, to path: String, format: ImageFormat? = nil, quality: Int = 75) throws(ImageError) {
    guard let chosen = format ?? ImageFormat.fromExtension(of: path) else {
        throw ImageError(file: path, "cannot tell the image format from the file name; use a .png, .jpg or .jpeg extension or pass format:")
    }
    let bytes: [UInt8]
    do throws(ImageError) {
        bytes = try encodeRawImage(image, format: chosen, quality: quality)
    } catch {
        throw error.attributed(to: path)
    }
    do {
        try FileIO.writeAtomically(bytes, toPath: path)
    } catch {
        throw ImageError(file: error.path, error.reason)
    }
}
