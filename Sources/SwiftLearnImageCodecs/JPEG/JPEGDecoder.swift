/// A pure-Swift JPEG decoder: baseline and extended sequential (SOF0/SOF1) and progressive (SOF2) Huffman,
/// 8-bit samples, 1 (gray), 3 (YCbCr or Adobe RGB) or 4 (Adobe CMYK/YCCK) components, any sampling factors
/// 1...4, restart intervals. APPn (JFIF, EXIF, ICC, XMP) and COM segments are skipped.
///
/// Pixels follow libjpeg-turbo's defaults (what Pillow and so Keras's `load_img` see): the `ISLOW` integer IDCT,
/// "fancy" triangle upsampling of 2x-subsampled chroma and libjpeg's fixed-point YCbCr->RGB tables, so the
/// output is normally bit-identical to Pillow's.
///
/// ```swift
/// let image = try JPEGDecoder.decode(bytes)   // RawImage: 1 (gray) or 3 (RGB) channels
/// ```
public enum JPEGDecoder {
    /// Decodes a JPEG file's bytes.
    /// - Throws: ``ImageError`` with the byte offset and what was expected, for malformed or unsupported data.
    public static func decode(_ bytes: [UInt8], options: ImageDecodingOptions = .default,
                              file: String? = nil) throws(ImageError) -> RawImage {
        do {
            return try bytes.withUnsafeBufferPointer { buffer in
                var state = JPEGState(bytes: buffer)
                return try state.run()
            }
        } catch let error as ImageError {
            throw error.attributed(to: file)
        } catch {
            throw ImageError(file: file, "\(error)")
        }
    }
}

struct JPEGComponent {
    var id: Int
    var h: Int
    var v: Int
    var quantIndex: Int
    /// Blocks per row / column of the component, padded to whole MCUs.
    var blocksPerLine = 0
    var blocksPerColumn = 0
    /// Samples of the component that are image data: ceil(imageWidth * h / hMax), likewise for height.
    var width = 0
    var height = 0
    /// Quantized DCT coefficients, 64 per block in natural order, blocks row-major.
    var coefficients = CoefficientStore(count: 0)
    var dcTable = 0
    var acTable = 0
}

/// Zero-initialised raw storage for a component's coefficients (no copy-on-write checks in the scan loops).
final class CoefficientStore {
    let pointer: UnsafeMutablePointer<Int16>
    let count: Int
    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }
    deinit { pointer.deallocate() }
}

struct JPEGState {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var quantTables = [[Int32]](repeating: [], count: 4)
    var dcTables = [JPEGHuffmanTable?](repeating: nil, count: 4)
    var acTables = [JPEGHuffmanTable?](repeating: nil, count: 4)
    var components: [JPEGComponent] = []
    var width = 0
    var height = 0
    var progressive = false
    var restartInterval = 0
    var hMax = 1
    var vMax = 1
    var mcusPerLine = 0
    var mcusPerColumn = 0
    var adobeTransform: Int? = nil
    var sawJFIF = false
    var frameSeen = false

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    func fail(_ offset: Int, _ message: String) -> ImageError {
        ImageError(offset: offset, message)
    }

    mutating func u8() throws(ImageError) -> Int {
        guard position < bytes.count else { throw fail(position, "unexpected end of data, expected more segment bytes") }
        defer { position += 1 }
        return Int(bytes[position])
    }

    mutating func u16() throws(ImageError) -> Int {
        let high = try u8()
        return high << 8 | (try u8())
    }

    mutating func run() throws(ImageError) -> RawImage {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw fail(0, "not a JPEG file: expected the SOI marker 0xFFD8")
        }
        position = 2
        var sawScan = false
        while true {
            // Find the next marker, skipping fill bytes.
            guard position < bytes.count else {
                if sawScan { break }
                throw fail(position, "unexpected end of data before any image scan (expected SOF and SOS markers)")
            }
            guard bytes[position] == 0xFF else {
                throw fail(position, "expected a marker (0xFF), found byte 0x\(String(bytes[position], radix: 16))")
            }
            while position < bytes.count && bytes[position] == 0xFF { position += 1 }
            guard position < bytes.count else { throw fail(position, "unexpected end of data after 0xFF, expected a marker code") }
            let markerOffset = position - 1
            let marker = Int(bytes[position])
            position += 1
            switch marker {
            case 0xD9:  // EOI
                guard sawScan else { throw fail(markerOffset, "EOI marker before any image scan") }
                return try finish()
            case 0xD0...0xD7, 0x01:
                continue  // Stray RST/TEM: no payload.
            case 0xC0, 0xC1, 0xC2:
                try readFrame(progressive: marker == 0xC2, at: markerOffset)
            case 0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
                throw fail(markerOffset, "unsupported JPEG process SOF\(marker - 0xC0) (lossless, hierarchical or arithmetic coding); only baseline, extended Huffman and progressive Huffman are supported")
            case 0xC4:
                try readHuffmanTables()
            case 0xDB:
                try readQuantTables()
            case 0xDD:
                let length = try u16()
                guard length == 4 else { throw fail(markerOffset, "DRI segment length \(length), expected 4") }
                restartInterval = try u16()
            case 0xDA:
                guard frameSeen else { throw fail(markerOffset, "SOS marker before the SOF frame header") }
                try readScan(at: markerOffset)
                sawScan = true
            case 0xEE:
                let start = position
                let length = try u16()
                if length >= 14, start + 2 + 5 <= bytes.count,
                   bytes[start + 2] == 0x41, bytes[start + 3] == 0x64, bytes[start + 4] == 0x6F,
                   bytes[start + 5] == 0x62, bytes[start + 6] == 0x65, start + 13 < bytes.count {
                    adobeTransform = Int(bytes[start + 13])  // "Adobe", version, flags0, flags1, transform
                }
                position = start + length
            case 0xE0:
                let start = position
                let length = try u16()
                if length >= 7, start + 6 < bytes.count,
                   bytes[start + 2] == 0x4A, bytes[start + 3] == 0x46, bytes[start + 4] == 0x49, bytes[start + 5] == 0x46 {
                    sawJFIF = true
                }
                position = start + length
            default:
                // APPn, COM, DNL and anything else with a length: skipped.
                let start = position
                let length = try u16()
                guard length >= 2 else { throw fail(start, "segment length \(length) of marker 0xFF\(String(marker, radix: 16, uppercase: true)), expected at least 2") }
                position = start + length
            }
            if position > bytes.count {
                throw fail(bytes.count, "segment of marker 0xFF\(String(marker, radix: 16, uppercase: true)) at byte \(markerOffset) runs past the end of the data")
            }
        }
        // Truncated after the last scan (no EOI): decode what there is, as libjpeg does.
        return try finish()
    }

    mutating func readQuantTables() throws(ImageError) {
        let start = position
        let end = start + (try u16())
        while position < end {
            let info = try u8()
            let precision = info >> 4, index = info & 15
            guard index < 4, precision <= 1 else {
                throw fail(position - 1, "DQT table id \(index) precision \(precision), expected id 0...3 and precision 0 or 1")
            }
            var table = [Int32](repeating: 0, count: 64)
            for k in 0..<64 {
                table[jpegNaturalOrder[k]] = Int32(precision == 0 ? try u8() : try u16())
            }
            quantTables[index] = table
        }
        guard position == end else { throw fail(start, "DQT segment length does not match its tables") }
    }

    mutating func readHuffmanTables() throws(ImageError) {
        let start = position
        let end = start + (try u16())
        while position < end {
            let info = try u8()
            let tableClass = info >> 4, index = info & 15
            guard tableClass <= 1, index < 4 else {
                throw fail(position - 1, "DHT class \(tableClass) id \(index), expected class 0 or 1 and id 0...3")
            }
            var counts = [Int](repeating: 0, count: 16)
            var total = 0
            for l in 0..<16 { counts[l] = try u8(); total += counts[l] }
            guard total <= 256, position + total <= bytes.count else {
                throw fail(position, "DHT table with \(total) symbols, expected at most 256 within the data")
            }
            let symbols = Array(bytes[position..<(position + total)])
            position += total
            let table: JPEGHuffmanTable
            do { table = try JPEGHuffmanTable(counts: counts, symbols: symbols) } catch { throw fail(start, error.message) }
            if tableClass == 0 { dcTables[index] = table } else { acTables[index] = table }
        }
        guard position == end else { throw fail(start, "DHT segment length does not match its tables") }
    }

    mutating func readFrame(progressive: Bool, at offset: Int) throws(ImageError) {
        guard !frameSeen else { throw fail(offset, "second SOF frame header; expected one frame") }
        frameSeen = true
        self.progressive = progressive
        _ = try u16()
        let precision = try u8()
        guard precision == 8 else { throw fail(position - 1, "sample precision \(precision) bits; only 8-bit JPEG is supported") }
        height = try u16()
        width = try u16()
        guard width > 0, height > 0 else {
            throw fail(position - 4, "image size \(width)x\(height); expected a positive width and height (DNL-defined height is not supported)")
        }
        guard width <= 65535, height <= 65535, width * height <= 1 << 29 else {
            throw fail(position - 4, "image size \(width)x\(height) is too large")
        }
        let count = try u8()
        guard count == 1 || count == 3 || count == 4 else {
            throw fail(position - 1, "\(count) components; expected 1 (gray), 3 (YCbCr/RGB) or 4 (CMYK/YCCK)")
        }
        for _ in 0..<count {
            let id = try u8()
            let sampling = try u8()
            let quant = try u8()
            let h = sampling >> 4, v = sampling & 15
            guard (1...4).contains(h), (1...4).contains(v), quant < 4 else {
                throw fail(position - 3, "component \(id) sampling \(h)x\(v) quant table \(quant); expected factors 1...4 and table 0...3")
            }
            components.append(JPEGComponent(id: id, h: h, v: v, quantIndex: quant))
        }
        hMax = components.map(\.h).max() ?? 1
        vMax = components.map(\.v).max() ?? 1
        // Each 8x8 block of the full-resolution component costs at least one bit of scan data (its DC code),
        // so the rest of the file bounds the image size a decoder may allocate for: a 1 KB file claiming
        // 65535x8191 would otherwise commit 3 GB of coefficients and decode zeros for seconds.
        let minimumScanBytes = ((width + 7) / 8) * ((height + 7) / 8) / 8
        guard minimumScanBytes <= bytes.count - position else {
            throw fail(offset, "image size \(width)x\(height) needs at least \(minimumScanBytes) bytes of scan data (one bit per 8x8 block), but only \(bytes.count - position) bytes follow the frame header; the file is truncated or its size is corrupt")
        }
        mcusPerLine = (width + 8 * hMax - 1) / (8 * hMax)
        mcusPerColumn = (height + 8 * vMax - 1) / (8 * vMax)
        for i in components.indices {
            var c = components[i]
            c.blocksPerLine = mcusPerLine * c.h
            c.blocksPerColumn = mcusPerColumn * c.v
            c.width = (width * c.h + hMax - 1) / hMax
            c.height = (height * c.v + vMax - 1) / vMax
            c.coefficients = CoefficientStore(count: c.blocksPerLine * c.blocksPerColumn * 64)
            components[i] = c
        }
    }

    mutating func readScan(at offset: Int) throws(ImageError) {
        let start = position
        let length = try u16()
        let count = try u8()
        guard count >= 1, count <= 4, length == 6 + 2 * count else {
            throw fail(offset, "SOS with \(count) components and length \(length); expected 1...4 components and length 6 + 2n")
        }
        var scanComponents: [Int] = []
        for _ in 0..<count {
            let id = try u8()
            let tables = try u8()
            guard let index = components.firstIndex(where: { $0.id == id }) else {
                throw fail(position - 2, "scan names component \(id), which the frame does not define")
            }
            components[index].dcTable = tables >> 4
            components[index].acTable = tables & 15
            guard tables >> 4 < 4, tables & 15 < 4 else { throw fail(position - 1, "Huffman table ids \(tables >> 4)/\(tables & 15), expected 0...3") }
            scanComponents.append(index)
        }
        let ss = try u8(), se = try u8(), approximation = try u8()
        let ah = approximation >> 4, al = approximation & 15
        position = start + length
        if progressive {
            guard ss <= se, se <= 63, (ss == 0) == (se == 0), ss == 0 || count == 1, al < 14 else {
                throw fail(offset, "progressive scan with Ss=\(ss) Se=\(se) Ah=\(ah) Al=\(al) over \(count) components is invalid")
            }
        } else {
            guard ss == 0, se == 63, ah == 0, al == 0 else {
                throw fail(offset, "sequential scan with Ss=\(ss) Se=\(se) Ah=\(ah) Al=\(al); expected 0, 63, 0, 0")
            }
        }
        // The tables this scan needs must exist.
        for index in scanComponents {
            let c = components[index]
            if ss == 0 && ah == 0 && dcTables[c.dcTable] == nil {
                throw fail(offset, "scan uses DC Huffman table \(c.dcTable), which no DHT segment defined")
            }
            if se > 0 && acTables[c.acTable] == nil {
                throw fail(offset, "scan uses AC Huffman table \(c.acTable), which no DHT segment defined")
            }
        }
        var reader = JPEGBitReader(bytes: bytes, position: position)
        try decodeScan(&reader, scanComponents: scanComponents, ss: ss, se: se, ah: ah, al: al, scanOffset: offset)
        // Continue after the entropy-coded data: find the marker that ends it.
        var p = reader.position
        while p + 1 < bytes.count && !(bytes[p] == 0xFF && bytes[p + 1] != 0 && !(0xD0...0xD7).contains(bytes[p + 1])) { p += 1 }
        position = p + 1 < bytes.count ? p : bytes.count
    }

    /// IDCT of every block, then upsampling and colour conversion to 8-bit L, RGB (or RGB from CMYK).
    mutating func finish() throws(ImageError) -> RawImage {
        var planes: [[UInt8]] = []
        var workspace = [Int32](repeating: 0, count: 64)
        for c in components {
            guard quantTables[c.quantIndex].count == 64 else {
                throw ImageError("component \(c.id) uses quantization table \(c.quantIndex), which no DQT segment defined")
            }
            let stride = c.blocksPerLine * 8
            // Every sample is written by the IDCT below, so the plane starts uninitialised.
            var plane = [UInt8](unsafeUninitializedCapacity: stride * c.blocksPerColumn * 8) { _, n in n = stride * c.blocksPerColumn * 8 }
            quantTables[c.quantIndex].withUnsafeBufferPointer { quant in
                do {
                    let coefficients = UnsafeBufferPointer(start: c.coefficients.pointer, count: c.coefficients.count)
                    plane.withUnsafeMutableBufferPointer { out in
                        workspace.withUnsafeMutableBufferPointer { ws in
                            for by in 0..<c.blocksPerColumn {
                                for bx in 0..<c.blocksPerLine {
                                    JPEGIDCT.transform(coefficients.baseAddress! + (by * c.blocksPerLine + bx) * 64,
                                                       quant: quant.baseAddress!, workspace: ws.baseAddress!,
                                                       output: out.baseAddress! + by * 8 * stride + bx * 8, stride: stride)
                                }
                            }
                        }
                    }
                }
            }
            planes.append(plane)
        }
        // Full-resolution component planes (width x height).
        var full: [[UInt8]] = []
        for (i, c) in components.enumerated() {
            full.append(JPEGUpsampler.upsample(planes[i], stride: c.blocksPerLine * 8, componentWidth: c.width,
                                               componentHeight: c.height, h: c.h, v: c.v, hMax: hMax, vMax: vMax,
                                               width: width, height: height))
        }
        planes = []
        return JPEGColor.convert(full, width: width, height: height, transform: colorTransform())
    }

    /// Whether 3 components are YCbCr (the usual case) and 4 are YCCK, following libjpeg's `default_decompress_parms`.
    func colorTransform() -> Bool {
        if let adobeTransform { return adobeTransform != 0 }
        if components.count == 3 {
            if sawJFIF { return true }
            let ids = components.map(\.id)
            if ids == [82, 71, 66] { return false }  // 'R', 'G', 'B'
            return true
        }
        return false
    }
}
