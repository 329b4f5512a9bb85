/// The marker segments around the scans (ITU T.81 B.2): frame header, quantization and Huffman tables,
/// restart interval, scan headers, and the APP segments that decide the colour transform.
extension JPEGDecoding {
    enum MarkerResult {
        case scan(JPEGScanHeader)
        case endOfImage(offset: Int)
        /// The file ended (between or inside segments) after at least one scan, with `allowTruncated` set.
        case endOfData
    }

    /// A segment or marker cut off by the end of the file: an error, or the end of the data when truncated
    /// files are allowed and a scan was already decoded.
    func truncated(_ what: String, at offset: Int) throws(ImageError) -> MarkerResult {
        if options.allowTruncated && scansDecoded > 0 { return .endOfData }
        throw fail(offset, "the file is truncated: \(what)")
    }

    /// Reads segments until the next SOS (returning its header), EOI, or the end of the data.
    mutating func readMarkers() throws(ImageError) -> MarkerResult {
        while true {
            guard position < bytes.count else {
                if scansDecoded == 0 {
                    throw fail(position, "the file is truncated: it ends before the first scan (expected SOF and SOS markers)")
                }
                return .endOfData
            }
            guard bytes[position] == 0xFF else {
                throw fail(position, "expected a marker (0xFF), found byte 0x\(String(bytes[position], radix: 16, uppercase: true))")
            }
            while position < bytes.count && bytes[position] == 0xFF { position += 1 }
            guard position < bytes.count else { return try truncated("it ends inside a marker (0xFF without its code)", at: position) }
            let markerOffset = position - 1
            let marker = Int(bytes[position])
            position += 1
            switch marker {
            case 0xD9:
                return .endOfImage(offset: markerOffset)
            case 0xD8, 0xD0...0xD7, 0x01:
                continue  // SOI again, stray RSTn, TEM: no payload.
            default:
                break
            }
            // Every other marker starts a segment with a length.
            guard position + 2 <= bytes.count else {
                return try truncated("it ends inside the length of marker 0xFF\(hex(marker)) at byte \(markerOffset)", at: position)
            }
            let start = position
            let length = Int(bytes[start]) << 8 | Int(bytes[start + 1])
            guard length >= 2 else {
                throw fail(start, "segment length \(length) of marker 0xFF\(hex(marker)), expected at least 2")
            }
            guard start + length <= bytes.count else {
                return try truncated("the \(markerName(marker)) segment at byte \(markerOffset) needs \(length) bytes but only \(bytes.count - start) remain", at: bytes.count)
            }
            let end = start + length
            position = start + 2
            switch marker {
            case 0xC0, 0xC1, 0xC2:
                try readFrame(progressive: marker == 0xC2, at: markerOffset, end: end)
            case 0xC3:
                throw fail(markerOffset, "lossless JPEG (SOF3) is not supported: SwiftLearn decodes baseline, extended and progressive Huffman JPEG (SOF0, SOF1, SOF2); convert the file (for example to PNG) first")
            case 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
                let kind = marker >= 0xC9 ? "arithmetic-coded" : "hierarchical"
                throw fail(markerOffset, "\(kind) JPEG (SOF\(marker - 0xC0)) is not supported: SwiftLearn decodes baseline, extended and progressive Huffman JPEG (SOF0, SOF1, SOF2)")
            case 0xC4:
                try readHuffmanTables(end: end)
            case 0xDB:
                try readQuantTables(end: end)
            case 0xDD:
                guard length == 4 else { throw fail(markerOffset, "DRI segment length \(length), expected 4") }
                restartInterval = Int(bytes[start + 2]) << 8 | Int(bytes[start + 3])
            case 0xDA:
                guard frameSeen else { throw fail(markerOffset, "SOS marker before the SOF frame header") }
                let header = try readScanHeader(at: markerOffset, end: end)
                position = end
                return .scan(header)
            case 0xEE:
                // "Adobe", version (2), flags0 (2), flags1 (2), transform (1).
                if length >= 14, bytes[start + 2] == 0x41, bytes[start + 3] == 0x64, bytes[start + 4] == 0x6F,
                   bytes[start + 5] == 0x62, bytes[start + 6] == 0x65 {
                    adobeTransform = Int(bytes[start + 13])
                }
            case 0xE0:
                if length >= 7, bytes[start + 2] == 0x4A, bytes[start + 3] == 0x46, bytes[start + 4] == 0x49,
                   bytes[start + 5] == 0x46 {
                    sawJFIF = true
                }
            default:
                break  // APPn, COM, DNL, DAC, ...: skipped.
            }
            position = end
        }
    }

    func hex(_ value: Int) -> String { String(value, radix: 16, uppercase: true) }

    func markerName(_ marker: Int) -> String {
        switch marker {
        case 0xC0...0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF: return "SOF\(marker - 0xC0)"
        case 0xC4: return "DHT (Huffman table)"
        case 0xDB: return "DQT (quantization table)"
        case 0xDA: return "SOS (scan header)"
        case 0xDD: return "DRI"
        case 0xE0...0xEF: return "APP\(marker - 0xE0)"
        case 0xFE: return "COM"
        default: return "0xFF\(hex(marker))"
        }
    }

    mutating func readQuantTables(end: Int) throws(ImageError) {
        while position < end {
            let info = Int(bytes[position])
            let precision = info >> 4, index = info & 15
            guard index < 4, precision <= 1 else {
                throw fail(position, "DQT table id \(index) precision \(precision), expected id 0...3 and precision 0 (8-bit) or 1 (16-bit)")
            }
            let size = precision == 0 ? 64 : 128
            guard position + 1 + size <= end else {
                throw fail(position, "DQT table \(index) needs \(size) bytes but its segment has \(end - position - 1) left")
            }
            var table = [Int32](repeating: 0, count: 64)
            for k in 0..<64 {
                let at = position + 1 + (precision == 0 ? k : 2 * k)
                let value = precision == 0 ? Int32(bytes[at]) : Int32(bytes[at]) << 8 | Int32(bytes[at + 1])
                table[JPEGStandardTables.zigzag[k]] = value
            }
            quantTables[index] = table
            position += 1 + size
        }
    }

    mutating func readHuffmanTables(end: Int) throws(ImageError) {
        while position < end {
            let info = Int(bytes[position])
            let tableClass = info >> 4, index = info & 15
            guard tableClass <= 1, index < 4 else {
                throw fail(position, "DHT class \(tableClass) id \(index), expected class 0 (DC) or 1 (AC) and id 0...3")
            }
            guard position + 17 <= end else {
                throw fail(position, "DHT table \(index) needs 16 code counts but its segment has \(end - position - 1) bytes left")
            }
            var counts = [Int](repeating: 0, count: 16)
            var total = 0
            for l in 0..<16 { counts[l] = Int(bytes[position + 1 + l]); total += counts[l] }
            do throws(ImageError) {
                try JPEGHuffmanTable.checkCounts(counts)
            } catch {
                throw fail(position + 1, error.message)
            }
            guard total <= 256 else {
                throw fail(position + 1, "DHT table \(index) lists \(total) codes; a table holds at most 256")
            }
            guard position + 17 + total <= end else {
                throw fail(position + 17, "DHT table \(index) lists \(total) symbols but its segment has only \(end - position - 17) bytes left")
            }
            let symbols = Array(bytes[(position + 17)..<(position + 17 + total)])
            let table: JPEGHuffmanTable
            do throws(ImageError) {
                table = try JPEGHuffmanTable.cached(isAC: tableClass == 1, counts: counts, symbols: symbols)
            } catch {
                throw fail(position, error.message)
            }
            if tableClass == 0 { dcTables[index] = table } else { acTables[index] = table }
            position += 17 + total
        }
    }

    mutating func readFrame(progressive: Bool, at offset: Int, end: Int) throws(ImageError) {
        guard !frameSeen else { throw fail(offset, "second SOF frame header; expected one frame") }
        frameSeen = true
        self.progressive = progressive
        guard end - position >= 6 else { throw fail(offset, "SOF segment of \(end - offset - 2) bytes is too short for a frame header") }
        let precision = Int(bytes[position])
        guard precision == 8 else {
            throw fail(position, "sample precision \(precision) bits; only 8-bit JPEG is supported")
        }
        height = Int(bytes[position + 1]) << 8 | Int(bytes[position + 2])
        width = Int(bytes[position + 3]) << 8 | Int(bytes[position + 4])
        guard width > 0, height > 0 else {
            throw fail(position + 1, "image size \(width)x\(height); expected a positive width and height (DNL-defined height is not supported)")
        }
        let count = Int(bytes[position + 5])
        guard count == 1 || count == 3 || count == 4 else {
            throw fail(position + 5, "\(count) components; expected 1 (gray), 3 (YCbCr/RGB) or 4 (CMYK/YCCK)")
        }
        guard position + 6 + 3 * count <= end else {
            throw fail(offset, "SOF segment is too short for \(count) components")
        }
        for i in 0..<count {
            let at = position + 6 + 3 * i
            let id = Int(bytes[at]), sampling = Int(bytes[at + 1]), quant = Int(bytes[at + 2])
            let h = sampling >> 4, v = sampling & 15
            guard (1...4).contains(h), (1...4).contains(v), quant < 4 else {
                throw fail(at, "component \(id) sampling \(h)x\(v) quantization table \(quant); expected factors 1...4 and table 0...3")
            }
            components.append(JPEGComponent(id: id, h: h, v: v, quantIndex: quant))
        }
        hMax = components.map(\.h).max() ?? 1
        vMax = components.map(\.v).max() ?? 1
        // Each 8x8 block of the full-resolution component costs at least one bit of scan data (its DC code), so
        // the rest of the file bounds the size a decoder may allocate for: a 1 KB file claiming 65535x8191
        // would otherwise commit gigabytes of coefficients and decode zeros for seconds.
        let minimumScanBytes = ((width + 7) / 8) * ((height + 7) / 8) / 8
        guard minimumScanBytes <= bytes.count - end else {
            throw fail(offset, "image size \(width)x\(height) needs at least \(minimumScanBytes) bytes of scan data (one bit per 8x8 block), but only \(bytes.count - end) bytes follow the frame header; the file is truncated or its size is corrupt")
        }
        try options.checkPixelLimit(width: width, height: height, file: file, offset: offset + 5)
        mcusPerLine = (width + 8 * hMax - 1) / (8 * hMax)
        mcusPerColumn = (height + 8 * vMax - 1) / (8 * vMax)
        minBlockSize = 8 / options.jpegScale(width: width, height: height).rawValue
        outputWidth = (width * minBlockSize + 7) / 8
        outputHeight = (height * minBlockSize + 7) / 8
        for i in components.indices {
            var c = components[i]
            c.blocksPerLine = mcusPerLine * c.h
            c.blocksPerColumn = mcusPerColumn * c.v
            c.width = (width * c.h + hMax - 1) / hMax
            c.height = (height * c.v + vMax - 1) / vMax
            // libjpeg's jpeg_calc_output_dimensions: subsampled components get a larger IDCT where that brings
            // them to full resolution without upsampling.
            var size = minBlockSize
            while size < 8 && (hMax * minBlockSize) % (c.h * size * 2) == 0 && (vMax * minBlockSize) % (c.v * size * 2) == 0 {
                size *= 2
            }
            c.blockSize = size
            components[i] = c
        }
        position = end
    }

    mutating func readScanHeader(at offset: Int, end: Int) throws(ImageError) -> JPEGScanHeader {
        let length = end - position + 2
        let count = position < end ? Int(bytes[position]) : 0
        guard count >= 1, count <= 4, length == 6 + 2 * count else {
            throw fail(offset, "SOS with \(count) components and length \(length); expected 1...4 components and length 6 + 2n")
        }
        var scanComponents: [Int] = []
        for i in 0..<count {
            let at = position + 1 + 2 * i
            let id = Int(bytes[at]), tables = Int(bytes[at + 1])
            guard let index = components.firstIndex(where: { $0.id == id }) else {
                throw fail(at, "scan names component \(id), which the frame does not define")
            }
            guard !scanComponents.contains(index) else { throw fail(at, "scan names component \(id) twice") }
            guard tables >> 4 < 4, tables & 15 < 4 else {
                throw fail(at + 1, "Huffman table ids \(tables >> 4)/\(tables & 15), expected 0...3")
            }
            components[index].dcTable = tables >> 4
            components[index].acTable = tables & 15
            scanComponents.append(index)
        }
        let at = position + 1 + 2 * count
        let ss = Int(bytes[at]), se = Int(bytes[at + 1]), ah = Int(bytes[at + 2]) >> 4, al = Int(bytes[at + 2]) & 15
        if progressive {
            guard ss <= se, se <= 63, (ss == 0) == (se == 0), ss == 0 || count == 1, al < 14 else {
                throw fail(offset, "progressive scan with Ss=\(ss) Se=\(se) Ah=\(ah) Al=\(al) over \(count) components is invalid")
            }
        } else {
            guard ss == 0, se == 63, ah == 0, al == 0 else {
                throw fail(offset, "sequential scan with Ss=\(ss) Se=\(se) Ah=\(ah) Al=\(al); expected 0, 63, 0, 0")
            }
        }
        if count > 1 {
            let blocks = scanComponents.reduce(0) { $0 + components[$1].h * components[$1].v }
            guard blocks <= 10 else { throw fail(offset, "scan MCU of \(blocks) blocks; T.81 allows at most 10") }
        }
        // Motion-JPEG frames carry no DHT: like libjpeg, tables 0 and 1 default to Annex K's luminance and
        // chrominance tables.
        for index in scanComponents {
            let c = components[index]
            if ss == 0 && ah == 0 && dcTables[c.dcTable] == nil {
                guard c.dcTable < 2 else {
                    throw fail(offset, "scan uses DC Huffman table \(c.dcTable), which no DHT segment defined (only tables 0 and 1 have standard defaults)")
                }
                dcTables[c.dcTable] = .standard(c.dcTable == 0 ? JPEGStandardTables.dcLuminance : JPEGStandardTables.dcChrominance, isAC: false)
            }
            if se > 0 && acTables[c.acTable] == nil {
                guard c.acTable < 2 else {
                    throw fail(offset, "scan uses AC Huffman table \(c.acTable), which no DHT segment defined (only tables 0 and 1 have standard defaults)")
                }
                acTables[c.acTable] = .standard(c.acTable == 0 ? JPEGStandardTables.acLuminance : JPEGStandardTables.acChrominance, isAC: true)
            }
            guard quantTables[c.quantIndex].count == 64 else {
                throw fail(offset, "component \(c.id) uses quantization table \(c.quantIndex), which no DQT segment defined")
            }
            // libjpeg latches a component's table at its first scan; later DQT segments do not change it.
            if c.quant.isEmpty { components[index].quant = quantTables[c.quantIndex] }
        }
        return JPEGScanHeader(components: scanComponents, ss: ss, se: se, ah: ah, al: al, offset: offset)
    }

    /// How components map to output pixels, following libjpeg's `default_decompress_parms`.
    var colorLayout: JPEGColor.Layout {
        switch components.count {
        case 1: return .gray
        case 3:
            if let adobeTransform { return adobeTransform != 0 ? .ycc : .rgb }
            if sawJFIF { return .ycc }
            return components.map(\.id) == [82, 71, 66] ? .rgb : .ycc  // 'R', 'G', 'B'
        default:
            return .cmyk(ycck: (adobeTransform ?? 0) != 0)
        }
    }
}
