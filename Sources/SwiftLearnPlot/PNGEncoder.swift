import SwiftLearnCompression

/// A PNG writer for 8-bit RGBA images (color type 6, no interlace).
///
/// Each row gets the filter (None, Sub, Up, Average, Paeth) with the smallest sum of absolute filtered
/// bytes taken as signed, libpng's heuristic; the filtered rows go through zlib (``DeflateEncoder``).
enum PNGEncoder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The PNG file for `rgba` (row-major, 4 bytes per pixel, `width * height * 4` bytes).
    static func encode(rgba: [UInt8], width: Int, height: Int,
                       level: DeflateEncoder.Level = .default) -> [UInt8] {
        var out = signature
        var header = [UInt8]()
        appendBigEndian(UInt32(width), to: &header)
        appendBigEndian(UInt32(height), to: &header)
        header += [8, 6, 0, 0, 0]  // bit depth 8, colour type RGBA, deflate, adaptive filtering, no interlace
        appendChunk("IHDR", header, to: &out)
        appendChunk("IDAT", DeflateEncoder.zlib(filteredRows(rgba: rgba, width: width, height: height), level: level),
                    to: &out)
        appendChunk("IEND", [], to: &out)
        return out
    }

    /// Rows prefixed by their filter type byte (PNG spec section 9).
    static func filteredRows(rgba: [UInt8], width: Int, height: Int) -> [UInt8] {
        let stride = width * 4
        var out = [UInt8]()
        out.reserveCapacity((stride + 1) * height)
        var candidates = [[UInt8]](repeating: [UInt8](repeating: 0, count: stride), count: 5)
        rgba.withUnsafeBufferPointer { pixels in
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
                        let a: UInt8 = i >= 4 ? pixels[rowBase + i - 4] : 0
                        let b: UInt8 = hasAbove ? pixels[aboveBase + i] : 0
                        let c: UInt8 = hasAbove && i >= 4 ? pixels[aboveBase + i - 4] : 0
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
