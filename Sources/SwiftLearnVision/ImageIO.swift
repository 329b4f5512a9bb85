#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SwiftLearnTensor

/// The file formats the decoders read, recognised by their leading bytes (not the file name).
public enum ImageFormat: String, Sendable {
    case png
    case jpeg

    /// The format of `bytes` from its signature, or `nil` when it is neither PNG nor JPEG.
    public static func detect(_ bytes: [UInt8]) -> ImageFormat? {
        if bytes.count >= 8 && Array(bytes[0..<8]) == PNGDecoder.signature { return .png }
        if bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF { return .jpeg }
        return nil
    }
}

/// Decodes PNG or JPEG bytes (format detected from the signature) into `[height, width, colorMode.channels]`.
///
/// ```swift
/// let pixels = try decodeImage(bytes, colorMode: .grayscale)   // Tensor<UInt8> [h, w, 1]
/// ```
/// - Throws: ``ImageError`` naming `file` (when given), the byte offset and what was expected.
public func decodeImage(_ bytes: [UInt8], colorMode: ColorMode = .rgb, file: String? = nil) throws(ImageError) -> Tensor<UInt8> {
    try decodeRawImage(bytes, file: file).tensor(colorMode)
}

/// Reads and decodes an image file, optionally resized to `targetSize` (height, width) like Keras's `load_img`
/// (convert to the colour mode, then `resize` with `interpolation`; nearest by default).
///
/// ```swift
/// let image = try loadImage(path: "cats/001.jpg", colorMode: .rgb, targetSize: (112, 112))   // [112, 112, 3]
/// ```
public func loadImage(path: String, colorMode: ColorMode = .rgb, targetSize: (height: Int, width: Int)? = nil,
                      interpolation: Interpolation = .nearest) throws(ImageError) -> Tensor<UInt8> {
    let raw = try decodeRawImage(try readFileBytes(path), file: path)
    let image = raw.tensor(colorMode)
    guard let targetSize else { return image }
    do throws(ImageError) {
        return try resizeImage(image, height: targetSize.height, width: targetSize.width, interpolation: interpolation)
    } catch {
        throw error.attributed(to: path)
    }
}

func decodeRawImage(_ bytes: [UInt8], file: String?) throws(ImageError) -> RawImage {
    do throws(ImageError) {
        switch ImageFormat.detect(bytes) {
        case .png: return try PNGDecoder.decodeRaw(bytes)
        case .jpeg: return try JPEGDecoder.decodeRaw(bytes)
        case nil:
            let head = bytes.prefix(8).map { String($0, radix: 16) }.joined(separator: " ")
            throw ImageError(offset: 0, "unknown image format (first bytes \(head.isEmpty ? "none: empty file" : head)); expected a PNG or JPEG signature")
        }
    } catch {
        throw error.attributed(to: file)
    }
}

/// The whole file as bytes; errors name the file and the system's reason.
func readFileBytes(_ path: String) throws(ImageError) -> [UInt8] {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else {
        throw ImageError(file: path, "cannot open for reading: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
        throw ImageError(file: path, "cannot stat: \(String(cString: strerror(errno)))")
    }
    guard (status.st_mode & S_IFMT) == S_IFREG else { throw ImageError(file: path, "not a regular file") }
    let size = Int(status.st_size)
    var failure: ImageError?
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
        var done = 0
        guard let start = buffer.baseAddress else { initialized = 0; return }
        while done < size {
            let got = read(descriptor, start + done, size - done)
            if got < 0 {
                if errno == EINTR { continue }
                failure = ImageError(file: path, offset: done, "read failed: \(String(cString: strerror(errno)))")
                break
            }
            if got == 0 {
                failure = ImageError(file: path, offset: done, "file shrank while reading (expected \(size) bytes)")
                break
            }
            done += got
        }
        initialized = done
    }
    if let failure { throw failure }
    return bytes
}
