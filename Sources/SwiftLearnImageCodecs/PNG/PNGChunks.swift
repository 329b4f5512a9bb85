import SwiftLearnCompression

/// The fields of a PNG's `IHDR` chunk, with the sizes derived from them.
struct PNGHeader {
    var width = 0
    var height = 0
    var bitDepth = 0
    var colorType = 0
    var interlaced = false

    /// Samples per pixel of the stored colour type: gray and palette 1, gray+alpha 2, RGB 3, RGBA 4.
    var samplesPerPixel: Int {
        switch colorType {
        case 0, 3: return 1
        case 2: return 3
        case 4: return 2
        default: return 4
        }
    }

    var bitsPerPixel: Int { samplesPerPixel * bitDepth }
    /// The distance (in bytes) between a byte and the one the Sub/Average/Paeth filters predict it from.
    var filterStride: Int { max(1, bitsPerPixel / 8) }
    func rowBytes(_ width: Int) -> Int { (width * bitsPerPixel + 7) / 8 }

    /// Valid bit depths per colour type (PNG specification, table 11.1).
    static let allowedDepths: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
}

/// Everything the pixel stage needs from a PNG file's chunks.
struct PNGChunks {
    var header = PNGHeader()
    var palette: [UInt8] = []
    var transparency: [UInt8]? = nil
    /// The concatenated data of the `IDAT` chunks: one zlib stream.
    var compressed: [UInt8] = []
    /// Offset of the first `IDAT` data byte in the file, for error positions.
    var idatOffset = 0
    /// Where each `IDAT` chunk's data starts: in ``compressed`` and in the file.
    var idatSegments: [(streamOffset: Int, fileOffset: Int)] = []

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Walks the chunks of `b`: checks the signature and every chunk's CRC, reads `IHDR`, `PLTE`, `tRNS` and the
    /// `IDAT` data, skips ancillary chunks and stops at `IEND`. The image size is checked against `options`'s
    /// pixel limit as soon as `IHDR` is read.
    static func read(_ b: UnsafeBufferPointer<UInt8>, options: ImageDecodingOptions, file: String?) throws(ImageError) -> PNGChunks {
        guard b.count >= 8, signature.indices.allSatisfy({ b[$0] == signature[$0] }) else {
            throw ImageError(offset: 0, "not a PNG file: expected the 8-byte signature 89 50 4E 47 0D 0A 1A 0A")
        }
        var chunks = PNGChunks()
        var sawHeader = false
        var position = 8
        while true {
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
            if !sawHeader && type != "IHDR" {
                throw ImageError(offset: position, "first chunk is \(type), expected IHDR")
            }
            let data = b[dataStart..<(dataStart + length)]
            switch type {
            case "IHDR":
                guard !sawHeader, length == 13 else { throw ImageError(offset: position, "IHDR of length \(length), expected one IHDR of 13 bytes") }
                sawHeader = true
                chunks.header = try readHeader(b, at: dataStart)
                try options.checkPixelLimit(width: chunks.header.width, height: chunks.header.height, file: file, offset: dataStart)
            case "PLTE":
                guard length % 3 == 0, length / 3 >= 1, length / 3 <= 256 else {
                    throw ImageError(offset: position, "PLTE of \(length) bytes, expected 3 to 768 bytes in multiples of 3")
                }
                chunks.palette = Array(data)
            case "tRNS":
                chunks.transparency = Array(data)
            case "IDAT":
                if chunks.compressed.isEmpty { chunks.idatOffset = dataStart }
                chunks.idatSegments.append((chunks.compressed.count, dataStart))
                chunks.compressed.append(contentsOf: data)
            case "IEND":
                guard !chunks.compressed.isEmpty else { throw ImageError(offset: 8, "no IDAT chunk: expected image data before IEND") }
                if chunks.header.colorType == 3 && chunks.palette.isEmpty {
                    throw ImageError(offset: 8, "palette image (colour type 3) without a PLTE chunk")
                }
                return chunks
            default:
                // Ancillary chunks (gAMA, tEXt, ...) are skipped; an unknown critical chunk cannot be ignored.
                if let first = typeBytes.first, first & 0x20 == 0 {
                    throw ImageError(offset: position, "unknown critical chunk \(type)")
                }
            }
            position = dataStart + length + 4
        }
    }

    /// The file offset of byte `streamOffset` of the concatenated image data.
    func fileOffset(ofStreamByte streamOffset: Int) -> Int {
        guard let segment = idatSegments.last(where: { $0.streamOffset <= streamOffset }) else { return idatOffset }
        return segment.fileOffset + streamOffset - segment.streamOffset
    }

    static func readHeader(_ b: UnsafeBufferPointer<UInt8>, at start: Int) throws(ImageError) -> PNGHeader {
        var header = PNGHeader()
        header.width = Int(readUInt32(b, start))
        header.height = Int(readUInt32(b, start + 4))
        header.bitDepth = Int(b[start + 8])
        header.colorType = Int(b[start + 9])
        let compression = b[start + 10], filter = b[start + 11], interlace = b[start + 12]
        guard let depths = PNGHeader.allowedDepths[header.colorType], depths.contains(header.bitDepth) else {
            throw ImageError(offset: start + 8, "colour type \(header.colorType) with bit depth \(header.bitDepth) is not a valid PNG combination")
        }
        guard compression == 0, filter == 0, interlace <= 1 else {
            throw ImageError(offset: start + 10, "compression \(compression), filter \(filter), interlace \(interlace); expected 0, 0 and 0 or 1")
        }
        guard header.width > 0, header.height > 0, header.width <= 0x7FFF_FFFF, header.height <= 0x7FFF_FFFF else {
            throw ImageError(offset: start, "image size \(header.width)x\(header.height); expected positive sides of at most 2^31 - 1")
        }
        header.interlaced = interlace == 1
        return header
    }

    static func readUInt32(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }
}
