import SwiftLearnCompression

/// Encodes 8-bit images as PNG files: grayscale, RGB or RGBA, non-interlaced.
///
/// SwiftLearnPlot renders charts to PNG, but its encoder is internal and takes only RGBA canvases; the
/// examples need to write raw image tensors (the generated apparel dataset), so this small writer uses the
/// library's public zlib encoder (``DeflateEncoder/zlib(_:level:)``) and ``CRC32``.
/// Rows use PNG filter 2 ("Up"), which suits smooth upscaled images.
///
/// ```swift
/// let bytes = try PNGImageWriter.encode(pixels: rgb, width: 112, height: 112, channels: 3)
/// try writeFileAtomically(bytes, to: "images/00001.png")
/// ```
public enum PNGImageWriter {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// - Parameters:
    ///   - pixels: `height * width * channels` bytes, row-major, channels interleaved.
    ///   - channels: 1 (gray), 3 (RGB) or 4 (RGBA).
    /// - Throws: ``ExampleError`` for a bad size, channel count or pixel count (quoting the values).
    public static func encode(pixels: [UInt8], width: Int, height: Int, channels: Int,
                              level: DeflateEncoder.Level = .default) throws(ExampleError) -> [UInt8] {
        let colorType: UInt8
        switch channels {
        case 1: colorType = 0
        case 3: colorType = 2
        case 4: colorType = 6
        default: throw ExampleError("PNG channels must be 1, 3 or 4, received \(channels)")
        }
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw ExampleError("PNG size must be positive, received \(width)x\(height)")
        }
        guard pixels.count == width * height * channels else {
            throw ExampleError("a \(width)x\(height) PNG with \(channels) channel(s) needs \(width * height * channels) bytes, received \(pixels.count)")
        }
        var header = [UInt8]()
        appendBigEndian(UInt32(width), to: &header)
        appendBigEndian(UInt32(height), to: &header)
        header += [8, colorType, 0, 0, 0]  // bit depth 8, colour type, deflate, adaptive filtering, no interlace
        let stride = width * channels
        var filtered = [UInt8]()
        filtered.reserveCapacity((stride + 1) * height)
        for row in 0..<height {
            filtered.append(row == 0 ? 0 : 2)
            let start = row * stride
            if row == 0 {
                filtered += pixels[start..<(start + stride)]
            } else {
                for index in start..<(start + stride) { filtered.append(pixels[index] &- pixels[index - stride]) }
            }
        }
        var out = signature
        appendChunk("IHDR", header, to: &out)
        appendChunk("IDAT", DeflateEncoder.zlib(filtered, level: level), to: &out)
        appendChunk("IEND", [], to: &out)
        return out
    }

    static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// Length, type, data, then the CRC-32 of type and data (PNG spec section 5.3).
    static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        appendBigEndian(UInt32(data.count), to: &out)
        let typeBytes = Array(type.utf8)
        var crc = CRC32()
        crc.update(typeBytes)
        crc.update(data)
        out += typeBytes
        out += data
        appendBigEndian(crc.value, to: &out)
    }
}
