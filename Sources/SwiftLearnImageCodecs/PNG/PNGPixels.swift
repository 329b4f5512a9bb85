/// The pixel stage of PNG decoding: unfilters the inflated rows of every pass and writes them as 8-bit
/// samples the way Pillow loads PNG files.
///
/// Gray of depth 1/2/4 is scaled to 0...255 (x255, x85, x17), 16-bit samples keep their high byte, palette
/// indices become RGB (RGBA when `tRNS` gives alpha), and a `tRNS` colour key on gray or RGB adds an alpha
/// channel that is 0 where the pixel equals the key.
struct PNGPixels {
    let header: PNGHeader
    let outputChannels: Int
    /// The palette as 256 RGBA entries (missing entries black, alpha from `tRNS`, 255 otherwise).
    let paletteRGBA: [UInt8]
    /// The `tRNS` key of gray (1 value) or RGB (3 values) images, at the file's bit depth.
    let transparentKey: [Int]?

    init(_ chunks: PNGChunks) throws(ImageError) {
        header = chunks.header
        let keyed = chunks.transparency != nil && (header.colorType == 0 || header.colorType == 2)
        switch header.colorType {
        case 0: outputChannels = keyed ? 2 : 1
        case 2: outputChannels = keyed ? 4 : 3
        case 3: outputChannels = chunks.transparency != nil ? 4 : 3
        case 4: outputChannels = 2
        default: outputChannels = 4
        }
        if keyed, let t = chunks.transparency {
            let needed = header.colorType == 0 ? 2 : 6
            guard t.count >= needed else {
                throw ImageError(offset: 8, "tRNS of \(t.count) bytes for colour type \(header.colorType), expected \(needed)")
            }
            transparentKey = stride(from: 0, to: needed, by: 2).map { Int(t[$0]) << 8 | Int(t[$0 + 1]) }
        } else {
            transparentKey = nil
        }
        var palette = [UInt8](repeating: 255, count: 256 * 4)
        if header.colorType == 3 {
            for i in 0..<256 {
                for k in 0..<3 { palette[i * 4 + k] = i * 3 + 2 < chunks.palette.count ? chunks.palette[i * 3 + k] : 0 }
                if let t = chunks.transparency, i < t.count { palette[i * 4 + 3] = t[i] }
            }
        }
        paletteRGBA = palette
    }

    /// One reduced image of Adam7 (or the whole image): origin, spacing and size in pixels.
    struct Pass {
        var x0: Int, y0: Int, dx: Int, dy: Int, width: Int, height: Int
    }

    /// The non-empty passes in file order: seven for Adam7, one otherwise.
    var passes: [Pass] {
        guard header.interlaced else { return [Pass(x0: 0, y0: 0, dx: 1, dy: 1, width: header.width, height: header.height)] }
        let adam7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        return adam7.compactMap { x0, y0, dx, dy in
            let w = (header.width - x0 + dx - 1) / dx, h = (header.height - y0 + dy - 1) / dy
            return w > 0 && h > 0 ? Pass(x0: x0, y0: y0, dx: dx, dy: dy, width: w, height: h) : nil
        }
    }

    /// Bytes of filtered data the passes need: one filter-type byte plus the row's bytes per row.
    var filteredSize: Int { passes.reduce(0) { $0 + $1.height * (1 + header.rowBytes($1.width)) } }

    /// Whether rows can be unfiltered straight into the output: 8-bit samples stored as they are output.
    var isDirect: Bool {
        header.bitDepth == 8 && header.colorType != 3 && transparentKey == nil && !header.interlaced
    }

    /// Unfilters `filtered` (``filteredSize`` bytes) into the 8-bit output pixels. Images stored as they are
    /// output (8-bit, no palette or key, not interlaced) are unfiltered in place, and the inflated buffer becomes
    /// the pixels: no second image-sized allocation.
    /// - Throws: ``ImageError`` at `idatOffset` for a row whose filter type is not 0...4.
    func decode(_ filtered: inout [UInt8], idatOffset: Int) throws(ImageError) -> [UInt8] {
        let total = header.width * header.height * outputChannels
        if isDirect {
            let failure = filtered.withUnsafeMutableBufferPointer { unfilterInPlace($0.baseAddress!, idatOffset: idatOffset) }
            if let failure { throw failure }
            filtered.removeLast(filtered.count - total)
            return filtered
        }
        var failure: ImageError?
        let pixels = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            let out = buffer.baseAddress!
            out.initialize(repeating: 0, count: total)
            failure = filtered.withUnsafeBufferPointer { unfilterPasses($0, into: out, idatOffset: idatOffset) }
            initialized = total
        }
        if let failure { throw failure }
        return pixels
    }

    /// 8-bit gray, gray+alpha, RGB or RGBA, in place: row `y` (after its filter-type byte at `y * (rowBytes + 1)`)
    /// is unfiltered to `y * rowBytes`, the row before it, already final, serving as the prior row.
    func unfilterInPlace(_ buffer: UnsafeMutablePointer<UInt8>, idatOffset: Int) -> ImageError? {
        let rowBytes = header.rowBytes(header.width)
        let zeros = [UInt8](repeating: 0, count: rowBytes + 32)
        return zeros.withUnsafeBufferPointer { zero -> ImageError? in
            for y in 0..<header.height {
                let offset = y * (rowBytes + 1)
                let filter = buffer[offset]
                guard filter <= 4 else {
                    return ImageError(offset: idatOffset, "row \(y) uses filter type \(filter), expected 0...4 (inflated byte \(offset))")
                }
                let row = buffer + y * rowBytes
                let prior = y == 0 ? zero.baseAddress! : UnsafePointer(row - rowBytes)
                PNGFilters.unfilter(filter: Int(filter), source: UnsafePointer(buffer + offset + 1), row: row, previous: prior,
                                    count: rowBytes, bpp: header.filterStride)
            }
            return nil
        }
    }

    /// Every other layout: rows are unfiltered into a scratch row, unpacked to samples and scattered to the
    /// pass's pixels with palette lookup, 16-to-8-bit reduction, low-depth scaling and colour keys.
    func unfilterPasses(_ src: UnsafeBufferPointer<UInt8>, into pixels: UnsafeMutablePointer<UInt8>, idatOffset: Int) -> ImageError? {
        let samples = header.samplesPerPixel
        let depth = header.bitDepth
        let grayScale: Int = [1: 255, 2: 85, 4: 17][depth] ?? 1
        let fullRow = header.rowBytes(header.width) + 8
        var rowData = [UInt8](repeating: 0, count: fullRow)
        var previous = [UInt8](repeating: 0, count: fullRow)
        var rowSamples = [Int](repeating: 0, count: header.width * samples)
        var passStart = 0
        for pass in passes {
            let rowBytes = header.rowBytes(pass.width)
            for i in 0..<previous.count { previous[i] = 0 }
            for y in 0..<pass.height {
                let offset = passStart + y * (rowBytes + 1)
                let filter = src[offset]
                guard filter <= 4 else {
                    return ImageError(offset: idatOffset, "row \(y) of \(header.interlaced ? "an Adam7 pass" : "the image") uses filter type \(filter), expected 0...4 (inflated byte \(offset))")
                }
                rowData.withUnsafeMutableBufferPointer { row in
                    previous.withUnsafeBufferPointer { prior in
                        PNGFilters.unfilter(filter: Int(filter), source: src.baseAddress! + offset + 1, row: row.baseAddress!,
                                            previous: prior.baseAddress!, count: rowBytes, bpp: header.filterStride)
                    }
                }
                unpack(rowData, count: pass.width * samples, into: &rowSamples)
                let outY = pass.y0 + y * pass.dy
                for x in 0..<pass.width {
                    let o = (outY * header.width + pass.x0 + x * pass.dx) * outputChannels
                    let s = x * samples
                    if header.colorType == 3 {
                        let index = rowSamples[s] * 4
                        for k in 0..<outputChannels { pixels[o + k] = paletteRGBA[index + k] }
                        continue
                    }
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
                swap(&rowData, &previous)
            }
            passStart += pass.height * (rowBytes + 1)
        }
        return nil
    }

    /// The first `count` samples of an unfiltered row at the file's bit depth (1, 2, 4, 8 or 16 bits each).
    func unpack(_ row: [UInt8], count: Int, into samples: inout [Int]) {
        let depth = header.bitDepth
        switch depth {
        case 8: for i in 0..<count { samples[i] = Int(row[i]) }
        case 16: for i in 0..<count { samples[i] = Int(row[2 * i]) << 8 | Int(row[2 * i + 1]) }
        default:
            let perByte = 8 / depth, mask = (1 << depth) - 1
            for i in 0..<count {
                samples[i] = (Int(row[i / perByte]) >> (8 - depth * (i % perByte + 1))) & mask
            }
        }
    }
}
