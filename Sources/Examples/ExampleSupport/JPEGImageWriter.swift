#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Encodes 8-bit grayscale or RGB images as baseline JPEG (JFIF) files.
///
/// SwiftLearn decodes JPEG (SwiftLearnVision) but has no encoder; the apparel example writes part of its dataset
/// as JPEG so the generator's JPEG path is exercised, with this writer: RGB to YCbCr (JFIF), no chroma subsampling
/// (4:4:4), the ITU T.81 Annex K quantization tables scaled by `quality` as libjpeg does, a float DCT, and the
/// Annex K Huffman tables. Edge blocks repeat the last row and column.
///
/// ```swift
/// let bytes = try JPEGImageWriter.encode(pixels: rgb, width: 112, height: 112, channels: 3, quality: 90)
/// ```
public enum JPEGImageWriter {
    /// - Parameters:
    ///   - pixels: `height * width * channels` bytes, row-major, channels interleaved.
    ///   - channels: 1 (grayscale) or 3 (RGB).
    ///   - quality: 1...100, libjpeg's scale (50 = the Annex K tables, 100 = all ones).
    /// - Throws: ``ExampleError`` quoting a bad size, channel count, pixel count or quality.
    public static func encode(pixels: [UInt8], width: Int, height: Int, channels: Int,
                              quality: Int = 90) throws(ExampleError) -> [UInt8] {
        guard channels == 1 || channels == 3 else {
            throw ExampleError("JPEG channels must be 1 or 3, received \(channels)")
        }
        guard width > 0, height > 0, width <= 65535, height <= 65535 else {
            throw ExampleError("JPEG size must be within 1...65535 per side, received \(width)x\(height)")
        }
        guard pixels.count == width * height * channels else {
            throw ExampleError("a \(width)x\(height) JPEG with \(channels) channel(s) needs \(width * height * channels) bytes, received \(pixels.count)")
        }
        guard (1...100).contains(quality) else { throw ExampleError("JPEG quality must be in 1...100, received \(quality)") }

        let tables = [scaledTable(luminanceQuantization, quality: quality),
                      scaledTable(chrominanceQuantization, quality: quality)]
        var out: [UInt8] = [0xFF, 0xD8]
        // APP0 JFIF 1.01, no density units, 1:1 aspect, no thumbnail.
        appendSegment(0xE0, [0x4A, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0], to: &out)
        for (id, table) in tables.prefix(channels == 1 ? 1 : 2).enumerated() {
            appendSegment(0xDB, [UInt8(id)] + zigzag.map { UInt8(table[$0]) }, to: &out)
        }
        var frame: [UInt8] = [8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF),
                              UInt8(channels)]
        for component in 0..<channels { frame += [UInt8(component + 1), 0x11, component == 0 ? 0 : 1] }
        appendSegment(0xC0, frame, to: &out)
        // Table class (0 DC, 1 AC) in the high nibble, table id in the low one.
        var huffman: [(classAndID: UInt8, table: HuffmanSpec)] = [(0x00, dcLuminance), (0x10, acLuminance)]
        if channels == 3 { huffman += [(0x01, dcChrominance), (0x11, acChrominance)] }
        for (classAndID, spec) in huffman { appendSegment(0xC4, [classAndID] + spec.counts + spec.symbols, to: &out) }
        var scan: [UInt8] = [UInt8(channels)]
        for component in 0..<channels { scan += [UInt8(component + 1), component == 0 ? 0x00 : 0x11] }
        scan += [0, 63, 0]
        appendSegment(0xDA, scan, to: &out)

        let codes = [(dc: HuffmanCodes(dcLuminance), ac: HuffmanCodes(acLuminance)),
                     (dc: HuffmanCodes(dcChrominance), ac: HuffmanCodes(acChrominance))]
        var writer = BitWriter()
        var previousDC = [Int](repeating: 0, count: channels)
        var block = [Float](repeating: 0, count: 64)
        for blockY in stride(from: 0, to: height, by: 8) {
            for blockX in stride(from: 0, to: width, by: 8) {
                for component in 0..<channels {
                    for y in 0..<8 {
                        let row = min(blockY + y, height - 1)
                        for x in 0..<8 {
                            let base = (row * width + min(blockX + x, width - 1)) * channels
                            block[y * 8 + x] = sample(pixels, base, channels: channels, component: component) - 128
                        }
                    }
                    let coefficients = forwardDCT(block)
                    let table = tables[component == 0 ? 0 : 1]
                    let quantized = zigzag.map { Int((coefficients[$0] / Float(table[$0])).rounded()) }
                    let set = codes[component == 0 ? 0 : 1]
                    let difference = quantized[0] - previousDC[component]
                    previousDC[component] = quantized[0]
                    let dcSize = bitCount(difference)
                    writer.write(set.dc.code[dcSize], set.dc.length[dcSize])
                    writer.write(magnitudeBits(difference, dcSize), dcSize)
                    var run = 0
                    for k in 1..<64 {
                        let value = quantized[k]
                        if value == 0 { run += 1; continue }
                        while run > 15 {
                            writer.write(set.ac.code[0xF0], set.ac.length[0xF0])  // ZRL: 16 zeros
                            run -= 16
                        }
                        let size = bitCount(value)
                        let symbol = run << 4 | size
                        writer.write(set.ac.code[symbol], set.ac.length[symbol])
                        writer.write(magnitudeBits(value, size), size)
                        run = 0
                    }
                    if run > 0 { writer.write(set.ac.code[0x00], set.ac.length[0x00]) }  // EOB
                }
            }
        }
        out += writer.finish()
        out += [0xFF, 0xD9]
        return out
    }

    /// Component `component` (Y, Cb, Cr per JFIF) of the pixel at byte `base`.
    @inline(__always)
    static func sample(_ pixels: [UInt8], _ base: Int, channels: Int, component: Int) -> Float {
        if channels == 1 { return Float(pixels[base]) }
        let r = Float(pixels[base]), g = Float(pixels[base + 1]), b = Float(pixels[base + 2])
        switch component {
        case 0: return 0.299 * r + 0.587 * g + 0.114 * b
        case 1: return -0.168736 * r - 0.331264 * g + 0.5 * b + 128
        default: return 0.5 * r - 0.418688 * g - 0.081312 * b + 128
        }
    }

    /// The 2-D DCT-II of an 8x8 block, `F(u,v) = 1/4 C(u) C(v) sum f(x,y) cos((2x+1)u pi/16) cos((2y+1)v pi/16)`,
    /// row-major by (v, u).
    static func forwardDCT(_ block: [Float]) -> [Float] {
        var rows = [Float](repeating: 0, count: 64)
        for y in 0..<8 {
            for u in 0..<8 {
                var sum: Float = 0
                for x in 0..<8 { sum += block[y * 8 + x] * cosines[x * 8 + u] }
                rows[y * 8 + u] = sum
            }
        }
        var result = [Float](repeating: 0, count: 64)
        for v in 0..<8 {
            for u in 0..<8 {
                var sum: Float = 0
                for y in 0..<8 { sum += rows[y * 8 + u] * cosines[y * 8 + v] }
                result[v * 8 + u] = sum
            }
        }
        return result
    }

    /// `C(u)/2 * cos((2x+1) u pi / 16)` at `[x * 8 + u]`, so two passes give the 1/4 C(u) C(v) normalization.
    static let cosines: [Float] = (0..<64).map { index in
        let x = Double(index / 8), u = Double(index % 8)
        let scale = u == 0 ? 1 / 2.0.squareRoot() : 1
        return Float(scale / 2 * cos((2 * x + 1) * u * Double.pi / 16))
    }

    /// Bits needed for the magnitude of `value` (JPEG's "SSSS" category).
    static func bitCount(_ value: Int) -> Int {
        var magnitude = abs(value), bits = 0
        while magnitude > 0 { bits += 1; magnitude >>= 1 }
        return bits
    }

    /// The `size` low bits JPEG appends after a category: the value itself, or `value - 1` in two's complement
    /// for negative values (their ones' complement).
    static func magnitudeBits(_ value: Int, _ size: Int) -> Int {
        value >= 0 ? value : (value - 1) & ((1 << size) - 1)
    }

    /// libjpeg's `jpeg_quality_scaling` applied to a table in natural order, entries clamped to 1...255.
    static func scaledTable(_ base: [Int], quality: Int) -> [Int] {
        let scale = quality < 50 ? 5000 / quality : 200 - quality * 2
        return base.map { min(255, max(1, ($0 * scale + 50) / 100)) }
    }

    static func appendSegment(_ marker: UInt8, _ payload: [UInt8], to out: inout [UInt8]) {
        let length = payload.count + 2
        out += [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)]
        out += payload
    }

    // MARK: - Tables (ITU T.81 Annex K)

    /// Natural-order index of the k-th coefficient in zigzag order.
    static let zigzag = [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14,
        21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53,
        60, 61, 54, 47, 55, 62, 63,
    ]

    static let luminanceQuantization = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ]

    static let chrominanceQuantization = [
        17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
        47, 66, 99, 99, 99, 99, 99, 99,
    ] + [Int](repeating: 99, count: 32)

    /// A Huffman table as stored in DHT: code counts per length 1...16, then the symbols.
    struct HuffmanSpec {
        var counts: [UInt8]
        var symbols: [UInt8]
    }

    static let dcLuminance = HuffmanSpec(counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
                                         symbols: Array(0...11))
    static let dcChrominance = HuffmanSpec(counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
                                           symbols: Array(0...11))
    static let acLuminance = HuffmanSpec(
        counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D],
        symbols: [
            0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
            0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0,
            0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28,
            0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
            0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
            0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
            0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
            0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5,
            0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2,
            0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
            0xF9, 0xFA,
        ])
    static let acChrominance = HuffmanSpec(
        counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
        symbols: [
            0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
            0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33, 0x52, 0xF0,
            0x15, 0x62, 0x72, 0xD1, 0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18, 0x19, 0x1A, 0x26,
            0x27, 0x28, 0x29, 0x2A, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
            0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
            0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
            0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5,
            0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3,
            0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA,
            0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
            0xF9, 0xFA,
        ])

    /// Canonical codes (T.81 Annex C) by symbol: `code[symbol]` of `length[symbol]` bits.
    struct HuffmanCodes {
        var code = [Int](repeating: 0, count: 256)
        var length = [Int](repeating: 0, count: 256)

        init(_ spec: HuffmanSpec) {
            var next = 0, index = 0
            for bits in 1...16 {
                for _ in 0..<Int(spec.counts[bits - 1]) {
                    code[Int(spec.symbols[index])] = next
                    length[Int(spec.symbols[index])] = bits
                    next += 1
                    index += 1
                }
                next <<= 1
            }
        }
    }

    /// Packs bits most-significant first, stuffing a 0 after every 0xFF byte; pads the end with 1 bits.
    struct BitWriter {
        var bytes: [UInt8] = []
        var buffer = 0
        var count = 0

        mutating func write(_ value: Int, _ bits: Int) {
            guard bits > 0 else { return }
            buffer = (buffer << bits) | (value & ((1 << bits) - 1))
            count += bits
            while count >= 8 {
                let byte = UInt8((buffer >> (count - 8)) & 0xFF)
                bytes.append(byte)
                if byte == 0xFF { bytes.append(0) }
                count -= 8
            }
            buffer &= (1 << count) - 1
        }

        mutating func finish() -> [UInt8] {
            if count > 0 { write((1 << (8 - count)) - 1, 8 - count) }
            return bytes
        }
    }
}
