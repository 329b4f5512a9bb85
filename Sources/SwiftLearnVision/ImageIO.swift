#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
@_exported import SwiftLearnImageCodecs
import SwiftLearnTensor

/// Decodes PNG or JPEG bytes (format detected from the signature) into `[height, width, colorMode.channels]`.
///
/// ```swift
/// let pixels = try decodeImage(bytes, colorMode: .grayscale)   // Tensor<UInt8> [h, w, 1]
/// ```
/// - Throws: ``ImageError`` naming `file` (when given), the byte offset and what was expected.
public func decodeImage(_ bytes: [UInt8], colorMode: ColorMode = .rgb, file: String? = nil,
                        options: ImageDecodingOptions = .default) throws(ImageError) -> Tensor<UInt8> {
    try decodeRawImage(bytes, file: file, options: options).tensor(colorMode)
}

/// Reads and decodes an image file, optionally resized to `targetSize` (height, width), like Keras's `load_img`:
/// convert to the colour mode, then `resize` with `interpolation` (nearest by default).
///
/// ```swift
/// let image = try loadImage(path: "cats/001.jpg", colorMode: .rgb, targetSize: (112, 112))   // [112, 112, 3]
/// ```
/// - Throws: ``ImageError`` naming the file.
public func loadImage(path: String, colorMode: ColorMode = .rgb, targetSize: (height: Int, width: Int)? = nil,
                      interpolation: Interpolation = .nearest,
                      options: ImageDecodingOptions = .default) throws(ImageError) -> Tensor<UInt8> {
    let image = try loadRawImage(from: path, options: options).tensor(colorMode)
    guard let targetSize else { return image }
    do throws(ImageError) {
        return try resizeImage(image, height: targetSize.height, width: targetSize.width, interpolation: interpolation)
    } catch {
        throw error.attributed(to: path)
    }
}

/// ``loadImage(path:colorMode:targetSize:interpolation:options:)`` for a file URL.
public func loadImage(url: URL, colorMode: ColorMode = .rgb, targetSize: (height: Int, width: Int)? = nil,
                      interpolation: Interpolation = .nearest,
                      options: ImageDecodingOptions = .default) throws(ImageError) -> Tensor<UInt8> {
    try loadImage(path: url.path(percentEncoded: false), colorMode: colorMode, targetSize: targetSize,
                  interpolation: interpolation, options: options)
}

extension RawImage {
    /// The pixels converted to `mode` as a `[height, width, channels]` tensor.
    public func tensor(_ mode: ColorMode) -> Tensor<UInt8> {
        Tensor<UInt8>(shape: [height, width, mode.channels]) { buffer in
            if let base = buffer.baseAddress { convert(to: mode, into: base) }
        }
    }

    /// A `[height, width, channels]` UInt8 tensor (1...4 channels) as an image.
    /// - Throws: ``ImageError`` quoting the shape when it is not rank 3 with 1...4 channels.
    public init(_ tensor: Tensor<UInt8>) throws(ImageError) {
        guard tensor.rank == 3, (1...4).contains(tensor.shape[2]) else {
            throw ImageError("an image tensor must be [height, width, channels] with 1...4 channels, received shape \(tensor.shape)")
        }
        try self.init(width: tensor.shape[1], height: tensor.shape[0], channels: tensor.shape[2], pixels: tensor.scalars)
    }
}
