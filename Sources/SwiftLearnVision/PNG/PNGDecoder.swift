import SwiftLearnCompression
import SwiftLearnTensor

/// A pure-Swift PNG decoder (ISO/IEC 15948): every colour type (gray, RGB, palette, gray+alpha, RGBA),
/// bit depths 1/2/4/8/16, the five row filters, Adam7 interlacing, `tRNS` transparency, and a CRC check
/// of every chunk plus the zlib Adler-32 of the image data.
///
/// Samples become 8-bit like Pillow's: gray of depth 1/2/4 is scaled to 0...255 (x255, x85, x17), 16-bit
/// samples keep their high byte, palette indices are looked up (with `tRNS` alpha when present).
///
/// ```swift
/// let pixels = try PNGDecoder.decode(bytes, colorMode: .rgba)   // Tensor<UInt8> [height, width, 4]
/// ```
public enum PNGDecoder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Decodes PNG bytes into `[height, width, colorMode.channels]` pixels.
    /// - Throws: ``ImageError`` naming the byte offset and what was expected (bad signature, CRC, zlib data, sizes).
    public static func decode(_ bytes: [UInt8], colorMode: ColorMode = .rgb) throws(ImageError) -> Tensor<UInt8> {
        try decodeRaw(bytes).tensor(colorMode)
    }

    struct Header {
        var width = 0, height = 0, bitDepth = 0, colorType = 0, interlaced = false
        var samplesPerPixel: Int {
            switch colorType { case 0, 3: return 1; case 2: return 3; case 4: return 2; default: return 4 }
        }
        var bitsPerPixel: Int { samplesPerPixel * bitDepth }
        var filterStride: Int { max(1, bitsPerPixel / 8) }
        func rowBytes(_ width: Int) -> Int { (width * bitsPerPixel + 7) / 8 }
    }

    static func readUInt32(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }

    static func decodeRaw(_ bytes: [UInt8]) throws(ImageError) -> RawImage {
        var header = Header()
        var palette: [UInt8] = []
        var transparency: [UInt8]? = nil
        var compressed: [UInt8] = []
        var idatOffset = 0
        var sawHeader = false, sawEnd = false

        try bytes.withUnsafeBufferPointer { (b) throws(ImageError) in
            guard b.count >= 8, Array(b[0..<8]) == signature else {
                throw ImageError(offset: 0, "not a PNG file: expected the 8-byte signature 89 50 4E 47 0D 0A 1A 0A")
            }
            var position = 8
            while !sawEnd {
                guard position + 12 <= b.count else {
                    throw ImageError(offset: position, "truncated: expected a chunk header (length and type) and the IEND chunk")
                }
                let length = Int(readUInt32(b, position))
                let typeBytes = Array(b[(position + 4)..<(position + 8)])
                let type = String(decoding: typeBytes, as: UTF8.self)
                guard length <= 0x7FFF_FFFF, position + 12 + length <= b.count else {
                    throw ImageError(offset: position, "chunk \(type) claims \(length) data bytes, but only \(b.count - position - 12) remain")
                }
                let dataStart = position + 8
                let stored = readUInt32(b, dataStart + length)
                var crc = CRC32()
                crc.update(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[(position + 4)..<(dataStart + length)]))
                guard crc.value == stored else {
                    throw ImageError(offset: dataStart + length,
                                     "\(type) chunk CRC is 0x\(String(stored, radix: 16, uppercase: true)), expected 0x\(String(crc.value, radix: 16, uppercase: true)) (corrupt chunk)")
                }
                let data = b[dataStart..<(dataStart + length)]
                if !sawHeader && type != "IHDR" {
                    throw ImageError(offset: position, "first chunk is \(type), expected IHDR")
                }
                switch type {
                case "IHDR":
                    guard !sawHeader, length == 13 else { throw ImageError(offset: position, "IHDR of length \(length), expected one IHDR of 13 bytes") }
                    sawHeader = true
                    header.width = Int(readUInt32(b, dataStart))
                    header.height = Int(readUInt32(b, dataStart + 4))
                    header.bitDepth = Int(b[dataStart + 8])
                    header.colorType = Int(b[dataStart + 9])
                    let compression = b[dataStart + 10], filter = b[dataStart + 11], interlace = b[dataStart + 12]
                    let allowed: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
                    guard let depths = allowed[header.colorType], depths.contains(header.bitDepth) else {
                        throw ImageError(offset: dataStart + 8, "colour type \(header.colorType) with bit depth \(header.bitDepth) is not a valid PNG combination")
                    }
                    guard compression == 0, filter == 0, interlace <= 1 else {
                        throw ImageError(offset: dataStart + 10, "compression \(compression), filter \(filter), interlace \(interlace); expected 0, 0 and 0 or 1")
                    }
                    guard header.width > 0, header.height > 0, header.width <= 1 << 24, header.height <= 1 << 24,
                          header.width * header.height <= 1 << 29 else {
                        throw ImageError(offset: dataStart, "image size \(header.width)x\(header.height); expected positive and at most 2^29 pixels")
                    }
                    header.interlaced = interlace == 1
                case "PLTE":
                    guard length % 3 == 0, length / 3 >= 1, length / 3 <= 256 else {
                        throw ImageError(offset: position, "PLTE of \(length) bytes, expected 3 to 768 bytes in multiples of 3")
                    }
                    palette = Array(data)
                case "tRNS":
                    transparency = Array(data)
                case "IDAT":
                    if compressed.isEmpty { idatOffset = dataStart }
                    compressed.append(contentsOf: data)
                case "IEND":
                    sawEnd = true
                default:
                    // Ancillary chunks (gAMA, tEXt, ...) are skipped; an unknown critical chunk cannot be ignored.
                    if let first = typeBytes.first, first & 0x20 == 0 {
                        throw ImageError(offset: position, "unknown critical chunk \(type)")
                    }
                }
                position = dataStart + length + 4
            }
        }
        guard !compressed.isEmpty else { throw ImageError(offset: 8, "no IDAT chunk: expected image data before IEND") }
        if header.colorType == 3 && palette.isEmpty {
            throw ImageError(offset: 8, "palette image (colour type 3) without a PLTE chunk")
        }

        // Sizes of the filtered data: one filter byte per row of every (non-empty) pass.
        var passes: [(x0: Int, y0: Int, dx: Int, dy: Int, w: Int, h: Int)] = []
        if header.interlaced {
            for (x0, y0, dx, dy) in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)] {
                let w = (header.width - x0 + dx - 1) / dx, h = (header.height - y0 + dy - 1) / dy
                if w > 0 && h > 0 { passes.append((x0, y0, dx, dy, w, h)) }
            }
        } else {
            passes = [(0, 0, 1, 1, header.width, header.height)]
        }
        let expectedSize = passes.reduce(0) { $0 + $1.h * (1 + header.rowBytes($1.w)) }
        let filtered = try inflateZlib(compressed, expectedSize: expectedSize, idatOffset: idatOffset)
        guard filtered.count >= expectedSize else {
            throw ImageError(offset: idatOffset, "image data inflates to \(filtered.count) bytes, expected \(expectedSize) for \(header.width)x\(header.height) pixels")
        }

        // Unfilter each pass and scatter its pixels as 8-bit samples.
        let samples = header.samplesPerPixel
        let hasAlphaFromTRNS = transparency != nil && header.colorType != 3 && (header.colorType == 0 || header.colorType == 2)
        let outChannels: Int
        switch header.colorType {
        case 0: outChannels = hasAlphaFromTRNS ? 2 : 1
        case 2: outChannels = hasAlphaFromTRNS ? 4 : 3
        case 3: outChannels = transparency != nil ? 4 : 3
        case 4: outChannels = 2
        default: outChannels = 4
        }
        var pixels = [UInt8](repeating: 0, count: header.width * header.height * outChannels)
        var transparentKey: [Int]? = nil
        if hasAlphaFromTRNS, let t = transparency {
            let needed = header.colorType == 0 ? 2 : 6
            guard t.count >= needed else { throw ImageError(offset: 8, "tRNS of \(t.count) bytes for colour type \(header.colorType), expected \(needed)") }
            transparentKey = stride(from: 0, to: needed, by: 2).map { Int(t[$0]) << 8 | Int(t[$0 + 1]) }
        }
        var paletteRGBA = [UInt8](repeating: 255, count: 256 * 4)
        if header.colorType == 3 {
            for i in 0..<256 {
                if i * 3 + 2 < palette.count {
                    paletteRGBA[i * 4] = palette[i * 3]; paletteRGBA[i * 4 + 1] = palette[i * 3 + 1]; paletteRGBA[i * 4 + 2] = palette[i * 3 + 2]
                } else {
                    paletteRGBA[i * 4] = 0; paletteRGBA[i * 4 + 1] = 0; paletteRGBA[i * 4 + 2] = 0
                }
                if let t = transparency, i < t.count { paletteRGBA[i * 4 + 3] = t[i] }
            }
        }
        let depth = header.bitDepth
        // Fast path: 8-bit samples without palette or tRNS, not interlaced: rows unfilter straight into the
        // output, the previous output row serving as the filter's prior row.
        if depth == 8 && header.colorType != 3 && transparentKey == nil && !header.interlaced {
            let rowBytes = header.rowBytes(header.width)
            let zeros = [UInt8](repeating: 0, count: rowBytes)
            var badRow: (Int, UInt8)? = nil
            filtered.withUnsafeBufferPointer { src in
                zeros.withUnsafeBufferPointer { zero in
                    pixels.withUnsafeMutableBufferPointer { out in
                        for y in 0..<header.height {
                            let offset = y * (rowBytes + 1)
                            let filter = src[offset]
                            guard filter <= 4 else { badRow = (y, filter); return }
                            let row = out.baseAddress! + y * rowBytes
                            let prior = y == 0 ? zero.baseAddress! : UnsafePointer(row - rowBytes)
                            PNGDecoder.unfilter(filter: Int(filter), source: src.baseAddress! + offset + 1, row: row,
                                                previous: prior, count: rowBytes, bpp: header.filterStride)
                        }
                    }
                }
            }
            if let (y, filter) = badRow {
                throw ImageError(offset: idatOffset, "row \(y) uses filter type \(filter), expected 0...4 (inflated byte \(y * (rowBytes + 1)))")
            }
            return RawImage(width: header.width, height: header.height, channels: outChannels, pixels: pixels)
        }
        let grayScale: Int = [1: 255, 2: 85, 4: 17, 8: 1, 16: 1][depth] ?? 1
        var passStart = 0
        var rowData = [UInt8](repeating: 0, count: header.rowBytes(header.width) + 8)
        var previous = [UInt8](repeating: 0, count: header.rowBytes(header.width) + 8)
        var rowSamples = [Int](repeating: 0, count: header.width * samples)
        for pass in passes {
            let rowBytes = header.rowBytes(pass.w)
            for i in 0..<previous.count { previous[i] = 0 }
            for y in 0..<pass.h {
                let offset = passStart + y * (rowBytes + 1)
                let filter = filtered[offset]
                guard filter <= 4 else {
                    throw ImageError(offset: idatOffset, "row \(y) of \(header.interlaced ? "Adam7 pass" : "the image") uses filter type \(filter), expected 0...4 (inflated byte \(offset))")
                }
                filtered.withUnsafeBufferPointer { src in
                    rowData.withUnsafeMutableBufferPointer { row in
                        previous.withUnsafeBufferPointer { prior in
                            PNGDecoder.unfilter(filter: Int(filter), source: src.baseAddress! + offset + 1, row: row.baseAddress!,
                                                previous: prior.baseAddress!, count: rowBytes, bpp: header.filterStride)
                        }
                    }
                }
                // Unpack samples of this row.
                let sampleCount = pass.w * samples
                rowData.withUnsafeBufferPointer { row in
                    switch depth {
                    case 8: for i in 0..<sampleCount { rowSamples[i] = Int(row[i]) }
                    case 16: for i in 0..<sampleCount { rowSamples[i] = Int(row[2 * i]) << 8 | Int(row[2 * i + 1]) }
                    default:
                        let perByte = 8 / depth, mask = (1 << depth) - 1
                        for i in 0..<sampleCount {
                            let byte = Int(row[i / perByte])
                            rowSamples[i] = (byte >> (8 - depth * (i % perByte + 1))) & mask
                        }
                    }
                }
                let outY = pass.y0 + y * pass.dy
                for x in 0..<pass.w {
                    let outX = pass.x0 + x * pass.dx
                    let o = (outY * header.width + outX) * outChannels
                    let s = x * samples
                    switch header.colorType {
                    case 3:
                        let index = rowSamples[s]
                        pixels[o] = paletteRGBA[index * 4]; pixels[o + 1] = paletteRGBA[index * 4 + 1]; pixels[o + 2] = paletteRGBA[index * 4 + 2]
                        if outChannels == 4 { pixels[o + 3] = paletteRGBA[index * 4 + 3] }
                    default:
                        for c in 0..<samples {
                            let v = rowSamples[s + c]
                            pixels[o + c] = UInt8(truncatingIfNeeded: depth == 16 ? v >> 8 : v * grayScale)
                        }
                        if let key = transparentKey {
                            var matches = true
                            for c in 0..<samples where rowSamples[s + c] != key[c] { matches = false }
                            pixels[o + samples] = matches ? 0 : 255
                        }
                    }
                }
                swap(&rowData, &previous)
            }
            passStart += pass.h * (rowBytes + 1)
        }
        return RawImage(width: header.width, height: header.height, channels: outChannels, pixels: pixels)
    }

    /// Reverses one PNG row filter (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth) into `row`.
    static func unfilter(filter: Int, source: UnsafePointer<UInt8>, row: UnsafeMutablePointer<UInt8>,
                         previous: UnsafePointer<UInt8>, count: Int, bpp: Int) {
        switch filter {
        case 0:
            row.update(from: source, count: count)
        case 1:
            for i in 0..<min(bpp, count) { row[i] = source[i] }
            var i = bpp
            while i < count { row[i] = source[i] &+ row[i - bpp]; i += 1 }
        case 2:
            for i in 0..<count { row[i] = source[i] &+ previous[i] }
        case 3:
            for i in 0..<count {
                let left = i >= bpp ? Int(row[i - bpp]) : 0
                row[i] = source[i] &+ UInt8(truncatingIfNeeded: (left + Int(previous[i])) >> 1)
            }
        default:
            for i in 0..<min(bpp, count) { row[i] = source[i] &+ previous[i] }
            var i = bpp
            while i < count {
                let a = Int32(row[i - bpp]), b = Int32(previous[i]), c = Int32(previous[i - bpp])
                // |p - a| = |b - c|, |p - b| = |a - c|, |p - c| = |a + b - 2c|
                let pa = abs(b &- c), pb = abs(a &- c), pc = abs(a &+ b &- c &- c)
                let predictor = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c)
                row[i] = source[i] &+ UInt8(truncatingIfNeeded: predictor)
                i += 1
            }
        }
    }

    /// Inflates the concatenated IDAT data (a zlib stream, RFC 1950) and checks its Adler-32.
    static func inflateZlib(_ data: [UInt8], expectedSize: Int, idatOffset: Int) throws(ImageError) -> [UInt8] {
        guard data.count >= 6 else { throw ImageError(offset: idatOffset, "IDAT data of \(data.count) bytes is too short for a zlib stream") }
        let cmf = Int(data[0]), flg = Int(data[1])
        guard cmf & 0x0F == 8, (cmf << 8 | flg) % 31 == 0, flg & 0x20 == 0 else {
            throw ImageError(offset: idatOffset, "IDAT does not start with a zlib header (CMF 0x\(String(cmf, radix: 16)), FLG 0x\(String(flg, radix: 16))): expected deflate, valid check bits, no preset dictionary")
        }
        let output: [UInt8]
        let consumed: Int
        let result: Result<(output: [UInt8], consumedBytes: Int), CompressionError> = data.withUnsafeBytes { raw in
            Result { () throws(CompressionError) in
                try Inflate.decompressStream(UnsafeRawBufferPointer(rebasing: raw[2...]), maxOutputSize: expectedSize + 1,
                                             sizeHint: expectedSize)
            }
        }
        switch result {
        case .success(let value): (output, consumed) = value
        case .failure(let error):
            throw ImageError(offset: idatOffset + 2 + (error.offset ?? 0), "image data (zlib in IDAT) is corrupt: \(error.message)")
        }
        let trailer = 2 + consumed
        if trailer + 4 <= data.count {
            let stored = UInt32(data[trailer]) << 24 | UInt32(data[trailer + 1]) << 16 | UInt32(data[trailer + 2]) << 8 | UInt32(data[trailer + 3])
            var adler = Adler32()
            output.withUnsafeBytes { adler.update($0) }
            guard adler.value == stored else {
                throw ImageError(offset: idatOffset + trailer, "zlib Adler-32 of the image data is 0x\(String(stored, radix: 16, uppercase: true)), expected 0x\(String(adler.value, radix: 16, uppercase: true))")
            }
        } else {
            throw ImageError(offset: idatOffset + data.count, "truncated image data: expected the 4-byte zlib Adler-32 after the deflate stream")
        }
        return output
    }
}
