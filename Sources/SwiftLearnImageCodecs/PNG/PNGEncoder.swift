import SwiftLearnCompression

/// A PNG writer for 8-bit images: gray, gray + alpha, RGB or RGBA (colour types 0, 4, 2, 6; no interlace).
///
/// Each row gets the filter (None, Sub, Up, Average, Paeth) with the smallest sum of absolute filtered
/// bytes taken as signed, libpng's heuristic; the filtered rows go through zlib (``DeflateEncoder``).
/// Charts, generated datasets and ``saveRawImage(_:to:format:quality:)`` all write PNG through it.
///
/// ```swift
/// let png = try PNGEncoder.encode(pixels: rgb, width: 112, height: 112, channels: 3)
/// let same = PNGEncoder.encode(image)                       // a RawImage
/// ```
public enum PNGEncoder {
    /// The PNG file for `pixels`: `height * width * channels` bytes, row-major, channels interleaved.
    /// - Parameter channels: 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA).
    /// - Throws: ``ImageError`` for a bad size, channel count or byte count, quoting the values.
    public static func encode(pixels: [UInt8], width: Int, height: Int, channels: Int,
                              level: DeflateEncoder.Level = .default) throws(ImageError) -> [UInt8] {
        guard width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw ImageError("PNG sides must be at most 2^31 - 1, received \(width)x\(height)")
        }
        let image = try RawImage(width: width, height: height, channels: channels, pixels: pixels)
        return encode(image, level: level)
    }

    /// The PNG file for `image` (any of its 1...4 channel layouts).
    public static func encode(_ image: RawImage, level: DeflateEncoder.Level = .default) -> [UInt8] {
        let colorType: UInt8 = [1: 0, 2: 4, 3: 2, 4: 6][image.channels] ?? 6
        return encodeUnchecked(image.pixels, width: image.width, height: image.height, channels: image.channels,
                               colorType: colorType, level: level)
    }

    /// The PNG file for a canvas's `rgba` (4 bytes per pixel), whose size the canvas already validated.
    package static func encode(rgba: [UInt8], width: Int, height: Int,
                               level: DeflateEncoder.Level = .default) -> [UInt8] {
        encodeUnchecked(rgba, width: width, height: height, channels: 4, colorType: 6, level: level)
    }

    private static func encodeUnchecked(_ pixels: [UInt8], width: Int, height: Int, channels: Int, colorType: UInt8,
                                        level: DeflateEncoder.Level) -> [UInt8] {
        var out = PNGChunks.signature
        var header = [UInt8]()
        appendBigEndian(UInt32(width), to: &header)
        appendBigEndian(UInt32(height), to: &header)
        header += [8, colorType, 0, 0, 0]  // bit depth 8, colour type, deflate, adaptive filtering, no interlace
        appendChunk("IHDR", header, to: &out)
        let rows = filteredRows(pixels, width: width, height: height, channels: channels)
        appendChunk("IDAT", DeflateEncoder.zlib(rows, level: level), to: &out)
        appendChunk("IEND", [], to: &out)
        return out
    }

    /// Rows prefixed by their filter type byte; `channels` bytes per pixel.
    static func filteredRows(_ pixels: [UInt8], width: Int, height: Int, channels bpp: Int) -> [UInt8] {
        let stride = width * bpp
        var out = [UInt8]()
        out.reserveCapacity((stride + 1) * height)
        var candidates = [[UInt8]](repeating: [UInt8](repeating: 0, count: stride), count: 5)
        pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<height {
                let rowBase = y * stride
                let aboveBase = (y - 1) * stride
                let hasAbove = y > 0
                var bestFilter = 0
                var bestScore = Int.max
                for filter in 0..<5 {
                    var score = 0
                    for i in 0..<stride {
                        let x = pixels[rowBase + i]
                        let a: UInt8 = i >= bpp ? pixels[rowBase + i - bpp] : 0
                        let b: UInt8 = hasAbove ? pixels[aboveBase + i] : 0
                        let c: UInt8 = hasAbove && i >= bpp ? pixels[aboveBase + i - bpp] : 0
                        let predicted: UInt8
                        switch filter {
                        case 0: predicted = 0
                        case 1: predicted = a
                        case 2: predicted = b
                        case 3: predicted = UInt8((Int(a) + Int(b)) / 2)
                        default: predicted = paeth(a, b, c)
                        }
                        let value = x &- predicted
                        candidates[filter][i] = value
                        score += value < 128 ? Int(value) : 256 - Int(value)
                    }
                    if score < bestScore {
                        bestScore = score
                        bestFilter = filter
                    }
                }
                out.append(UInt8(bestFilter))
                out += candidates[bestFilter]
            }
        }
        return out
    }

    @inline(__always)
    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// Length, type, data, then CRC-32 over type and data.
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
