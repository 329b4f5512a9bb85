#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A baseline JPEG (JFIF) encoder for 8-bit gray and RGB images.
///
/// RGB becomes YCbCr (JFIF's full-range BT.601), chroma optionally subsampled 4:2:2 or 4:2:0 by averaging
/// (libjpeg's box filter), each 8x8 block goes through a float DCT and the ITU T.81 Annex K quantization
/// tables scaled by `quality` exactly as libjpeg's `jpeg_quality_scaling`, and the coefficients are written
/// with the Annex K Huffman tables. Edge blocks repeat the last row and column. Files decode in Pillow (and
/// any libjpeg) within the usual JPEG error of the source pixels.
///
/// ```swift
/// let bytes = try JPEGEncoder.encode(pixels: rgb, width: 112, height: 112, channels: 3, quality: 90)
/// let photo = try JPEGEncoder.encode(image, quality: 75, subsampling: .chroma420)   // Pillow's defaults
/// ```
public enum JPEGEncoder {
    /// How chroma (Cb, Cr) is stored relative to luma, as Pillow's `subsampling=` (0, 1, 2).
    public enum Subsampling: String, Sendable, CaseIterable {
        /// Full-resolution chroma (4:4:4, Pillow's `subsampling=0`).
        case chroma444
        /// Half-width chroma (4:2:2, `subsampling=1`).
        case chroma422
        /// Half-width, half-height chroma (4:2:0, `subsampling=2`, libjpeg's and Pillow's default).
        case chroma420

        var factors: (h: Int, v: Int) {
            switch self {
            case .chroma444: return (1, 1)
            case .chroma422: return (2, 1)
            case .chroma420: return (2, 2)
            }
        }
    }

    /// - Parameters:
    ///   - pixels: `height * width * channels` bytes, row-major, channels interleaved.
    ///   - channels: 1 (grayscale) or 3 (RGB).
    ///   - quality: 1...100, libjpeg's scale (50 = the Annex K tables, 100 = all ones).
    ///   - subsampling: chroma resolution for RGB; ignored for gray.
    /// - Throws: ``ImageError`` quoting a bad size, channel count, pixel count or quality.
    public static func encode(pixels: [UInt8], width: Int, height: Int, channels: Int, quality: Int = 75,
                              subsampling: Subsampling = .chroma420) throws(ImageError) -> [UInt8] {
        guard channels == 1 || channels == 3 else {
            throw ImageError("JPEG channels must be 1 (gray) or 3 (RGB), received \(channels)")
        }
        return try encode(try RawImage(width: width, height: height, channels: channels, pixels: pixels),
                          quality: quality, subsampling: subsampling)
    }

    /// The JPEG file for a gray (1 channel) or RGB (3 channels) image. Like Pillow, images with alpha are
    /// refused rather than flattened silently: convert them with `converted(to: .rgb)` first.
    public static func encode(_ image: RawImage, quality: Int = 75,
                              subsampling: Subsampling = .chroma420) throws(ImageError) -> [UInt8] {
        guard image.channels == 1 || image.channels == 3 else {
            throw ImageError("cannot write \(image.channels == 2 ? "gray + alpha (LA)" : "RGBA") as JPEG, which has no alpha channel; convert to .grayscale or .rgb first")
        }
        guard image.width <= 65535, image.height <= 65535 else {
            throw ImageError("JPEG size must be within 1...65535 per side, received \(image.width)x\(image.height)")
        }
        guard (1...100).contains(quality) else { throw ImageError("JPEG quality must be in 1...100, received \(quality)") }
        let color = image.channels == 3
        let (hs, vs) = color ? subsampling.factors : (1, 1)
        let tables = [scaledTable(JPEGStandardTables.luminanceQuantization, quality: quality),
                      scaledTable(JPEGStandardTables.chrominanceQuantization, quality: quality)]
        var out: [UInt8] = [0xFF, 0xD8]
        // APP0 JFIF 1.01, no density units, 1:1 aspect, no thumbnail.
        appendSegment(0xE0, [0x4A, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0], to: &out)
        for (id, table) in tables.prefix(color ? 2 : 1).enumerated() {
            appendSegment(0xDB, [UInt8(id)] + JPEGStandardTables.zigzag.map { UInt8(table[$0]) }, to: &out)
        }
        var frame: [UInt8] = [8, UInt8(image.height >> 8), UInt8(image.height & 0xFF),
                              UInt8(image.width >> 8), UInt8(image.width & 0xFF), UInt8(image.channels)]
        for component in 0..<image.channels {
            frame += [UInt8(component + 1), component == 0 ? UInt8(hs << 4 | vs) : 0x11, component == 0 ? 0 : 1]
        }
        appendSegment(0xC0, frame, to: &out)
        // Table class (0 DC, 1 AC) in the high nibble, table id in the low one.
        var huffman: [(classAndID: UInt8, table: JPEGStandardTables.HuffmanSpec)] =
            [(0x00, JPEGStandardTables.dcLuminance), (0x10, JPEGStandardTables.acLuminance)]
        if color { huffman += [(0x01, JPEGStandardTables.dcChrominance), (0x11, JPEGStandardTables.acChrominance)] }
        for (classAndID, spec) in huffman { appendSegment(0xC4, [classAndID] + spec.counts + spec.symbols, to: &out) }
        var scan: [UInt8] = [UInt8(image.channels)]
        for component in 0..<image.channels { scan += [UInt8(component + 1), component == 0 ? 0x00 : 0x11] }
        scan += [0, 63, 0]
        appendSegment(0xDA, scan, to: &out)

        let planes = componentPlanes(image, hs: hs, vs: vs)
        let codes = [(dc: HuffmanCodes(JPEGStandardTables.dcLuminance), ac: HuffmanCodes(JPEGStandardTables.acLuminance)),
                     (dc: HuffmanCodes(JPEGStandardTables.dcChrominance), ac: HuffmanCodes(JPEGStandardTables.acChrominance))]
        var writer = BitWriter()
        var previousDC = [Int](repeating: 0, count: image.channels)
        var block = [Float](repeating: 0, count: 64)
        let mcuWidth = 8 * hs, mcuHeight = 8 * vs
        for mcuY in stride(from: 0, to: image.height, by: mcuHeight) {
            for mcuX in stride(from: 0, to: image.width, by: mcuWidth) {
                for (component, plane) in planes.enumerated() {
                    let (blocksX, blocksY) = component == 0 ? (hs, vs) : (1, 1)
                    let (originX, originY) = component == 0 ? (mcuX, mcuY) : (mcuX / hs, mcuY / vs)
                    for by in 0..<blocksY {
                        for bx in 0..<blocksX {
                            for y in 0..<8 {
                                let row = min(originY + by * 8 + y, plane.height - 1)
                                for x in 0..<8 {
                                    block[y * 8 + x] = plane.samples[row * plane.width + min(originX + bx * 8 + x, plane.width - 1)] - 128
                                }
                            }
                            let set = codes[component == 0 ? 0 : 1]
                            writeBlock(block, table: tables[component == 0 ? 0 : 1], dc: set.dc, ac: set.ac,
                                       previousDC: &previousDC[component], writer: &writer)
                        }
                    }
                }
            }
        }
        out += writer.finish()
        out += [0xFF, 0xD9]
        return out
    }

    /// One component's samples as floats (0...255) at its stored resolution.
    struct Plane {
        var width: Int
        var height: Int
        var samples: [Float]
    }

    /// Y (or gray), then Cb and Cr averaged over `hs x vs` pixels (the image edge repeating its last pixel).
    static func componentPlanes(_ image: RawImage, hs: Int, vs: Int) -> [Plane] {
        let count = image.width * image.height
        if image.channels == 1 {
            return [Plane(width: image.width, height: image.height, samples: image.pixels.map(Float.init))]
        }
        var y = [Float](repeating: 0, count: count), cb = y, cr = y
        image.pixels.withUnsafeBufferPointer { p in
            for i in 0..<count {
                let r = Float(p[i * 3]), g = Float(p[i * 3 + 1]), b = Float(p[i * 3 + 2])
                y[i] = 0.299 * r + 0.587 * g + 0.114 * b
                cb[i] = -0.168736 * r - 0.331264 * g + 0.5 * b + 128
                cr[i] = 0.5 * r - 0.418688 * g - 0.081312 * b + 128
            }
        }
        let chromaWidth = (image.width + hs - 1) / hs, chromaHeight = (image.height + vs - 1) / vs
        func downsample(_ full: [Float]) -> [Float] {
            if hs == 1 && vs == 1 { return full }
            var out = [Float](repeating: 0, count: chromaWidth * chromaHeight)
            for cy in 0..<chromaHeight {
                for cx in 0..<chromaWidth {
                    var sum: Float = 0
                    for dy in 0..<vs {
                        for dx in 0..<hs {
                            sum += full[min(cy * vs + dy, image.height - 1) * image.width + min(cx * hs + dx, image.width - 1)]
                        }
                    }
                    out[cy * chromaWidth + cx] = sum / Float(hs * vs)
                }
            }
            return out
        }
        return [Plane(width: image.width, height: image.height, samples: y),
                Plane(width: chromaWidth, height: chromaHeight, samples: downsample(cb)),
                Plane(width: chromaWidth, height: chromaHeight, samples: downsample(cr))]
    }

    /// DCT, quantization and Huffman coding of one level-shifted 8x8 block.
    static func writeBlock(_ block: [Float], table: [Int], dc: HuffmanCodes, ac: HuffmanCodes, previousDC: inout Int,
                           writer: inout BitWriter) {
        let coefficients = forwardDCT(block)
        let quantized = JPEGStandardTables.zigzag.map { Int((coefficients[$0] / Float(table[$0])).rounded()) }
        let difference = quantized[0] - previousDC
        previousDC = quantized[0]
        let dcSize = bitCount(difference)
        writer.write(dc.code[dcSize], dc.length[dcSize])
        writer.write(magnitudeBits(difference, dcSize), dcSize)
        var run = 0
        for k in 1..<64 {
            let value = quantized[k]
            if value == 0 { run += 1; continue }
            while run > 15 {
                writer.write(ac.code[0xF0], ac.length[0xF0])  // ZRL: 16 zeros
                run -= 16
            }
            let size = bitCount(value)
            let symbol = run << 4 | size
            writer.write(ac.code[symbol], ac.length[symbol])
            writer.write(magnitudeBits(value, size), size)
            run = 0
        }
        if run > 0 { writer.write(ac.code[0x00], ac.length[0x00]) }  // EOB
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

    /// Canonical codes (T.81 Annex C) by symbol: `code[symbol]` of `length[symbol]` bits.
    struct HuffmanCodes {
        var code = [Int](repeating: 0, count: 256)
        var length = [Int](repeating: 0, count: 256)

        init(_ spec: JPEGStandardTables.HuffmanSpec) {
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
