/// Scans that store coefficients for a later transform: every progressive scan (T.81 Annex G: DC first and
/// refinement, AC first with end-of-band runs, AC refinement) and sequential scans that hold only some of the
/// components. ``transformCoefficients()`` then turns every block into plane samples.
extension JPEGDecoding {
    /// Decodes one scan into the coefficient store; false when its data ran out (with `allowTruncated`).
    mutating func decodeCoefficients(_ header: JPEGScanHeader, data: JPEGScanData, reader start: JPEGBitReader) throws(ImageError) -> Bool {
        var reader = start
        var segment = 0
        reader.start(data.segments[0])
        let (single, units, total) = scanLayout(header)
        let store = workspace.coefficients.pointer
        // Tables by unretained reference (the decoding's table arrays keep them alive): no reference counting per block.
        struct Part {
            var h: Int, v: Int, blocksPerLine: Int, base: UnsafeMutablePointer<Int16>, id: Int
            var dc: JPEGTableReference?
            var ac: JPEGTableReference?
        }
        let parts = header.components.map { index -> Part in
            let c = components[index]
            return Part(h: single ? 1 : c.h, v: single ? 1 : c.v, blocksPerLine: c.blocksPerLine,
                        base: store + c.coefficientOffset, id: c.id, dc: dcTables[c.dcTable].map(JPEGTableReference.init),
                        ac: acTables[c.acTable].map(JPEGTableReference.init))
        }
        let (ss, se, ah, al) = (header.ss, header.se, header.ah, header.al)
        let sequential = !progressive
        if progressive {
            // jdphuff.c's start_pass: remember the status before this scan, then record its precision.
            for index in header.components {
                for k in min(ss, 1)...max(se, 9) {
                    previousCoefficientBits[index][k] = scansDecoded > 0 ? coefficientBits[index][k] : 0
                }
                for k in ss...se { coefficientBits[index][k] = al }
            }
        }
        let rowHeight = single ? components[header.components[0]].v : 1
        var predictions = [Int32](repeating: 0, count: parts.count)
        var eobRun = 0
        // Sequential blocks decode into a scratch block with the spare slot the decoder needs, then move to the store.
        let scratch = UnsafeMutablePointer<Int16>.allocate(capacity: 80)
        scratch.initialize(repeating: 0, count: 80)
        defer { scratch.deallocate() }
        var unit = 0
        for uy in 0..<units.y {
            for ux in 0..<units.x {
                if restartInterval > 0 && unit > 0 && unit % restartInterval == 0 {
                    try restart(&reader, data: data, segment: &segment, header: header)
                    for k in predictions.indices { predictions[k] = 0 }
                    eobRun = 0
                }
                lastGoodMCURow = uy / rowHeight
                for (k, part) in parts.enumerated() {
                    for v in 0..<part.v {
                        for h in 0..<part.h {
                            let bx = ux * part.h + h, by = uy * part.v + v
                            let block = part.base + (by * part.blocksPerLine + bx) * 64
                            if sequential {
                                // Each block of a sequential scan is written once, into zeroed storage.
                                _ = JPEGBlockSource.decodeSequential(&reader, scratch, dc: part.dc.unsafelyUnwrapped,
                                                                     ac: part.ac.unsafelyUnwrapped, prediction: &predictions[k])
                                block.update(from: scratch, count: 64)
                                scratch.update(repeating: 0, count: 65)
                            } else if ss == 0 {
                                if ah != 0 {
                                    if reader.bit() { block[0] |= Int16(truncatingIfNeeded: 1 << al) }
                                } else {
                                    let size = reader.symbol(part.dc.unsafelyUnwrapped) & 15
                                    predictions[k] &+= reader.receiveExtend(size)
                                    block[0] = Int16(truncatingIfNeeded: predictions[k] &<< Int32(al))
                                }
                            } else if ah == 0 {
                                JPEGDecoding.decodeACFirst(&reader, block, table: part.ac.unsafelyUnwrapped, ss: ss, se: se,
                                                           al: al, eobRun: &eobRun)
                            } else {
                                JPEGDecoding.decodeACRefine(&reader, block, table: part.ac.unsafelyUnwrapped, ss: ss, se: se,
                                                            al: al, eobRun: &eobRun)
                            }
                        }
                    }
                }
                if reader.sawInvalidCode && !reader.overran {
                    throw invalidCode(header, data: data, segment: segment, unit: unit, unitsPerRow: units.x)
                }
                if reader.overran {
                    if let error = truncation(header, data: data, segment: segment, unit: unit, total: total, unitsPerRow: units.x) {
                        throw error
                    }
                    // The scan's data ended: libjpeg keeps the coefficients decoded so far and shows the image
                    // of the scans it has.
                    if segment >= data.segments.count - 1 { return false }
                }
                unit += 1
            }
        }
        return true
    }

    /// First AC scan of a spectral band: coefficients `ss...se` scaled by `2^al`, with end-of-band runs.
    /// Invalid data decodes as in libjpeg's `decode_mcu_AC_first` and sets `reader.sawInvalidCode`.
    @inline(__always)
    static func decodeACFirst(_ bitReader: inout JPEGBitReader, _ out: UnsafeMutablePointer<Int16>, table: JPEGTableReference,
                              ss: Int, se: Int, al: Int, eobRun: inout Int) {
        if eobRun > 0 { eobRun -= 1; return }
        // A local copy the optimizer keeps in registers, written back on return.
        var reader = bitReader
        defer { bitReader = reader }
        let natural = JPEGBlockSource.naturalOrder
        var k = ss
        while k <= se {
            reader.refill()
            let entry = table.acLookup[Int(truncatingIfNeeded: reader.buffer &>> UInt64(64 - JPEGHuffmanTable.acLookaheadBits))]
            if entry & 0xFF != 0 {
                reader.skip(Int(entry & 0xFF))
                let run = Int((entry &>> 8) & 0xFF)
                if run == Int(JPEGHuffmanTable.endOfBlockRun) { return }  // EOB0: this block only
                k += run
                let value = Int32(entry &>> 16)
                if value != 0 {
                    if k > 63 { reader.sawInvalidCode = true }
                    out[natural[min(k, 79)]] = Int16(truncatingIfNeeded: value &<< Int32(al))
                }
                k += 1
                continue
            }
            let symbol = reader.symbol(table)
            let run = symbol >> 4, size = symbol & 15
            if size == 0 {
                if run < 15 {
                    eobRun = (1 << run) - 1
                    if run > 0 { eobRun += Int(reader.bits(run)) }
                    return
                }
                k += 16
                continue
            }
            k += run
            if k > 63 { reader.sawInvalidCode = true }
            out[natural[min(k, 79)]] = Int16(truncatingIfNeeded: reader.receiveExtend(size) &<< Int32(al))
            k += 1
        }
    }

    /// Successive-approximation refinement of AC coefficients (T.81 G.1.2.3), as libjpeg's `decode_mcu_AC_refine`
    /// (including how it reads invalid data, which sets `reader.sawInvalidCode`).
    @inline(__always)
    static func decodeACRefine(_ bitReader: inout JPEGBitReader, _ out: UnsafeMutablePointer<Int16>, table: JPEGTableReference,
                               ss: Int, se: Int, al: Int, eobRun: inout Int) {
        // A local copy the optimizer keeps in registers, written back on return.
        var reader = bitReader
        defer { bitReader = reader }
        let natural = JPEGBlockSource.naturalOrder
        let p1 = Int16(truncatingIfNeeded: 1 << al)
        let m1 = Int16(truncatingIfNeeded: -1 << al)
        /// A nonzero coefficient's correction bit: when set and the coefficient lacks this bit, its magnitude grows
        /// by `2^al`. Without branches on the data.
        @inline(__always) func correct(_ z: Int) {
            let v = out[z]
            let grow = reader.bit() && (v & p1) == 0
            out[z] = v &+ (grow ? (v >= 0 ? p1 : m1) : 0)
        }
        var k = ss
        if eobRun == 0 {
            while k <= se {
                let symbol = reader.symbol(table)
                var r = symbol >> 4
                let size = symbol & 15
                var value: Int16 = 0
                if size != 0 {
                    if size != 1 { reader.sawInvalidCode = true }  // a new coefficient's size is always 1
                    value = reader.bit() ? p1 : m1
                } else if r != 15 {
                    eobRun = 1 << r
                    if r > 0 { eobRun += Int(reader.bits(r)) }
                    break
                }
                repeat {
                    let z = natural[k]
                    if out[z] != 0 {
                        correct(z)
                    } else {
                        r -= 1
                        if r < 0 { break }
                    }
                    k += 1
                } while k <= se
                if value != 0 { out[natural[min(k, 79)]] = value }
                k += 1
            }
        }
        if eobRun > 0 {
            while k <= se {
                let z = natural[k]
                if out[z] != 0 { correct(z) }
                k += 1
            }
            eobRun -= 1
        }
    }

    /// The IDCT of every stored block into the planes (after the last scan). A progressive image whose scans
    /// stopped short is smoothed first, as libjpeg does.
    mutating func transformCoefficients() {
        if progressive, let latches = smoothingLatches() {
            for index in components.indices { transformSmoothed(index, bits: latches[index]) }
            return
        }
        let store = workspace.coefficients.pointer
        let idctWorkspace = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
        let quant = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
        defer { idctWorkspace.deallocate(); quant.deallocate() }
        for (index, c) in components.enumerated() {
            // A component no scan reached has no latched table: its coefficients are all zero (gray).
            for i in 0..<64 { quant[i] = c.quant.isEmpty ? 1 : c.quant[i] }
            let plane = planes[index]
            let (size, stride) = (c.blockSize, c.planeStride)
            for by in 0..<c.blocksPerColumn {
                var block = UnsafePointer(store + c.coefficientOffset + by * c.blocksPerLine * 64)
                var out = plane.samples + by * size * stride
                for _ in 0..<c.blocksPerLine {
                    if JPEGDecoding.isDCOnly(block) {
                        JPEGIDCT.fill(JPEGIDCT.dcValue(block[0], quant: quant[0]), size: size, output: out, stride: stride)
                    } else {
                        JPEGIDCT.transform(block, quant: quant, size: size, output: out, stride: stride, workspace: idctWorkspace)
                    }
                    block += 64
                    out += size
                }
            }
        }
    }

    /// Whether every AC coefficient of the block is zero.
    @inline(__always)
    static func isDCOnly(_ block: UnsafePointer<Int16>) -> Bool {
        let raw = UnsafeRawPointer(block)
        var bits = raw.loadUnaligned(as: SIMD8<Int16>.self) & SIMD8<Int16>(0, -1, -1, -1, -1, -1, -1, -1)
        for row in 1..<8 { bits |= raw.loadUnaligned(fromByteOffset: row * 16, as: SIMD8<Int16>.self) }
        return bits == SIMD8<Int16>(repeating: 0)
    }

    /// libjpeg-turbo's `smoothing_ok`: per component the progression status of zig-zag coefficients 0...9 after
    /// the latest scan and before it, when smoothing can help (some of them are still inexact) and is safe
    /// (every component has DC data and nonzero quantizers there); nil otherwise.
    func smoothingLatches() -> [(current: [Int], previous: [Int])]? {
        var useful = false
        var latches: [(current: [Int], previous: [Int])] = []
        for (index, c) in components.enumerated() {
            guard !c.quant.isEmpty else { return nil }
            for position in [0, 1, 8, 16, 9, 2, 3, 10, 17, 24] where c.quant[position] == 0 { return nil }
            let bits = coefficientBits[index]
            guard bits[0] >= 0 else { return nil }
            var previous = [Int](repeating: -1, count: 10)
            for k in 1..<10 {
                if scansDecoded > 1 { previous[k] = previousCoefficientBits[index][k] }
                if bits[k] != 0 { useful = true }
            }
            latches.append((Array(bits[0..<10]), previous))
        }
        return useful ? latches : nil
    }

    /// libjpeg-turbo's `decompress_smooth_data` for one component: each block's missing low-frequency AC
    /// coefficients (and, with DC data only, the DC itself) are estimated from the DC values of the 5x5 blocks
    /// around it, then the block is transformed. Ported operation by operation, including its edge rules, so the
    /// coarse picture of a cut progressive file is libjpeg's (and Pillow's).
    mutating func transformSmoothed(_ index: Int, bits latch: (current: [Int], previous: [Int])) {
        let c = components[index]
        let plane = planes[index]
        let store = UnsafePointer(workspace.coefficients.pointer + c.coefficientOffset)
        let idctWorkspace = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
        let block = UnsafeMutablePointer<Int16>.allocate(capacity: 64)
        defer { idctWorkspace.deallocate(); block.deallocate() }
        let q = c.quant.map(Int.init)
        let widthInBlocks = (c.width + 7) / 8, heightInBlocks = (c.height + 7) / 8
        let totalRows = mcusPerColumn
        let lastColumn = widthInBlocks - 1
        c.quant.withUnsafeBufferPointer { quant in
            for mcuRow in 0..<totalRows {
                let blockRows = mcuRow < totalRows - 1 ? c.v : (heightInBlocks % c.v == 0 ? c.v : heightInBlocks % c.v)
                let bits = mcuRow > lastGoodMCURow ? latch.previous : latch.current
                let changeDC = (1...9).allSatisfy { bits[$0] == -1 }
                let imageBlockRows = blockRows * totalRows
                for blockRow in 0..<blockRows {
                    // libjpeg's edge tests use this row number (which undercounts in the last MCU row); the rows it
                    // then reads are the real neighbours.
                    let imageBlockRow = mcuRow * blockRows + blockRow
                    let row = mcuRow * c.v + blockRow
                    let previousRow = imageBlockRow > 0 ? row - 1 : row
                    let previousPreviousRow = imageBlockRow > 1 ? row - 2 : previousRow
                    let nextRow = imageBlockRow < imageBlockRows - 1 ? row + 1 : row
                    let nextNextRow = imageBlockRow < imageBlockRows - 2 ? row + 2 : nextRow
                    let rows = [previousPreviousRow, previousRow, row, nextRow, nextNextRow]
                    @inline(__always) func dcAt(_ r: Int, _ column: Int) -> Int {
                        Int(store[(rows[r] * c.blocksPerLine + column) * 64])
                    }
                    // dc[r][i]: DC of the block i - 2 columns away in window row r (libjpeg's DC01...DC25).
                    var dc = (0..<5).map { r in [Int](repeating: dcAt(r, 0), count: 5) }
                    for column in 0..<widthInBlocks {
                        (block).update(from: store + (row * c.blocksPerLine + column) * 64, count: 64)
                        if column == 0 && column < lastColumn {
                            for r in 0..<5 { dc[r][3] = dcAt(r, 1); dc[r][4] = dcAt(r, 1) }
                        }
                        if column + 1 < lastColumn {
                            for r in 0..<5 { dc[r][4] = dcAt(r, column + 2) }
                        }
                        JPEGDecoding.estimate(block, dc: dc, bits: bits, changeDC: changeDC, q: q)
                        let out = plane.samples + row * c.blockSize * c.planeStride + column * c.blockSize
                        JPEGIDCT.transform(block, quant: quant.baseAddress!, size: c.blockSize, output: out,
                                           stride: c.planeStride, workspace: idctWorkspace)
                        for r in 0..<5 { dc[r].removeFirst(); dc[r].append(dc[r][3]) }
                    }
                }
            }
        }
    }

    /// The coefficient estimates of `decompress_smooth_data` for one block (natural order in `block`).
    static func estimate(_ block: UnsafeMutablePointer<Int16>, dc d: [[Int]], bits: [Int], changeDC: Bool, q: [Int]) {
        // DC01...DC25 of libjpeg: row-major over the 5x5 window.
        @inline(__always) func DC(_ n: Int) -> Int { d[(n - 1) / 5][(n - 1) % 5] }
        let q00 = q[0]
        /// `pred` for one coefficient: num / (Q << 8) rounded, clamped to what `Al` bits could still hold.
        func predict(_ num: Int, quant: Int, al: Int) -> Int16 {
            var pred = ((quant << 7) + abs(num)) / (quant << 8)
            if al > 0 && pred >= (1 << al) { pred = (1 << al) - 1 }
            return Int16(truncatingIfNeeded: num >= 0 ? pred : -pred)
        }
        func apply(_ position: Int, zigzag: Int, quant: Int, _ num: @autoclosure () -> Int) {
            let al = bits[zigzag]
            guard al != 0, block[position] == 0 else { return }
            block[position] = predict(q00 * num(), quant: quant, al: al)
        }
        apply(1, zigzag: 1, quant: q[1], changeDC
              ? -DC(1) - DC(2) + DC(4) + DC(5) - 3 * DC(6) + 13 * DC(7) - 13 * DC(9) + 3 * DC(10) - 3 * DC(11) + 38 * DC(12)
                - 38 * DC(14) + 3 * DC(15) - 3 * DC(16) + 13 * DC(17) - 13 * DC(19) + 3 * DC(20) - DC(21) - DC(22) + DC(24) + DC(25)
              : -7 * DC(11) + 50 * DC(12) - 50 * DC(14) + 7 * DC(15))
        apply(8, zigzag: 2, quant: q[8], changeDC
              ? -DC(1) - 3 * DC(2) - 3 * DC(3) - 3 * DC(4) - DC(5) - DC(6) + 13 * DC(7) + 38 * DC(8) + 13 * DC(9) - DC(10)
                + DC(16) - 13 * DC(17) - 38 * DC(18) - 13 * DC(19) + DC(20) + DC(21) + 3 * DC(22) + 3 * DC(23) + 3 * DC(24) + DC(25)
              : -7 * DC(3) + 50 * DC(8) - 50 * DC(18) + 7 * DC(23))
        apply(16, zigzag: 3, quant: q[16], changeDC
              ? DC(3) + 2 * DC(7) + 7 * DC(8) + 2 * DC(9) - 5 * DC(12) - 14 * DC(13) - 5 * DC(14) + 2 * DC(17) + 7 * DC(18)
                + 2 * DC(19) + DC(23)
              : -DC(3) + 13 * DC(8) - 24 * DC(13) + 13 * DC(18) - DC(23))
        apply(9, zigzag: 4, quant: q[9], changeDC
              ? -DC(1) + DC(5) + 9 * DC(7) - 9 * DC(9) - 9 * DC(17) + 9 * DC(19) + DC(21) - DC(25)
              : DC(10) + DC(16) - 10 * DC(17) + 10 * DC(19) - DC(2) - DC(20) + DC(22) - DC(24) + DC(4) - DC(6)
                + 10 * DC(7) - 10 * DC(9))
        apply(2, zigzag: 5, quant: q[2], changeDC
              ? 2 * DC(7) - 5 * DC(8) + 2 * DC(9) + DC(11) + 7 * DC(12) - 14 * DC(13) + 7 * DC(14) + DC(15) + 2 * DC(17)
                - 5 * DC(18) + 2 * DC(19)
              : -DC(11) + 13 * DC(12) - 24 * DC(13) + 13 * DC(14) - DC(15))
        guard changeDC else { return }
        apply(3, zigzag: 6, quant: q[3], DC(7) - DC(9) + 2 * DC(12) - 2 * DC(14) + DC(17) - DC(19))
        apply(10, zigzag: 7, quant: q[10], DC(7) - 3 * DC(8) + DC(9) - DC(17) + 3 * DC(18) - DC(19))
        apply(17, zigzag: 8, quant: q[17], DC(7) - DC(9) - 3 * DC(12) + 3 * DC(14) + DC(17) - DC(19))
        apply(24, zigzag: 9, quant: q[24], DC(7) + 2 * DC(8) + DC(9) - DC(17) - 2 * DC(18) - DC(19))
        let num = q00 * (-2 * DC(1) - 6 * DC(2) - 8 * DC(3) - 6 * DC(4) - 2 * DC(5) - 6 * DC(6) + 6 * DC(7) + 42 * DC(8)
            + 6 * DC(9) - 6 * DC(10) - 8 * DC(11) + 42 * DC(12) + 152 * DC(13) + 42 * DC(14) - 8 * DC(15) - 6 * DC(16)
            + 6 * DC(17) + 42 * DC(18) + 6 * DC(19) - 6 * DC(20) - 2 * DC(21) - 6 * DC(22) - 8 * DC(23) - 6 * DC(24) - 2 * DC(25))
        block[0] = predict(num, quant: q00, al: 0)
    }
}
