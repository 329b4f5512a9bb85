/// Planes, the streaming decode of sequential scans, and the output rows.
extension JPEGDecoding {
    /// Lays out the component planes in the workspace, picks each plane's upsampling, and decides whether the
    /// image streams (a sequential scan holding every component) or keeps coefficients for later scans.
    mutating func setUpPlanes() {
        var planeBytes = 0
        for i in components.indices {
            components[i].planeOffset = planeBytes
            planeBytes += components[i].planeStride * components[i].blocksPerColumn * components[i].blockSize
        }
        let base = workspace.planes.reserve(max(planeBytes, 1))
        planes = components.map { c in
            let scaledWidth = (width * c.h * c.blockSize + hMax * 8 - 1) / (hMax * 8)
            let scaledHeight = (height * c.v * c.blockSize + vMax * 8 - 1) / (vMax * 8)
            let hIn = c.h * c.blockSize / minBlockSize, vIn = c.v * c.blockSize / minBlockSize
            let fancy = minBlockSize > 1
            let upsampling: JPEGUpsampling
            if hIn == hMax && vIn == vMax {
                upsampling = .full
            } else if hIn * 2 == hMax && vIn == vMax {
                upsampling = fancy && scaledWidth > 2 ? .fancyH2V1 : .box(h: 2, v: 1)
            } else if hIn == hMax && vIn * 2 == vMax {
                upsampling = fancy ? .fancyH1V2 : .box(h: 1, v: 2)
            } else if hIn * 2 == hMax && vIn * 2 == vMax {
                upsampling = fancy && scaledWidth > 2 ? .fancyH2V2 : .box(h: 2, v: 2)
            } else if hMax % hIn == 0 && vMax % vIn == 0 {
                upsampling = .box(h: hMax / hIn, v: vMax / vIn)
            } else {
                upsampling = .nearest
            }
            return JPEGPlane(samples: base + c.planeOffset, stride: c.planeStride, width: max(scaledWidth, 1),
                             height: max(scaledHeight, 1), upsampling: upsampling, hIn: hIn, hOut: hMax, vIn: vIn, vOut: vMax)
        }
        streaming = !progressive && pendingScan?.components.count == components.count
        if !streaming {
            var coefficientCount = 0
            for i in components.indices {
                components[i].coefficientOffset = coefficientCount
                coefficientCount += components[i].blockCount * 64
            }
            let coefficients = workspace.coefficients.reserve(max(coefficientCount, 1))
            coefficients.initialize(repeating: 0, count: coefficientCount)
            coefficientBits = components.map { _ in [Int](repeating: -1, count: 64) }
            previousCoefficientBits = coefficientBits
        }
        let lineBytes = max(outputWidth, 2 * (planes.map(\.width).max() ?? 1)) + 64
        _ = workspace.rows.reserve(lineBytes * 4)
        _ = workspace.columnSums.reserve(lineBytes)
    }

    /// Decodes one scan; false when its data ended early and the rest of the image was given up
    /// (only with ``ImageDecodingOptions/allowTruncated``).
    mutating func decodeScan(_ header: JPEGScanHeader, output: UnsafeMutablePointer<UInt8>) throws(ImageError) -> Bool {
        if streaming && scansDecoded > 0 {
            throw fail(header.offset, "a second scan in a sequential image whose first scan held every component")
        }
        let data = JPEGScanData.read(bytes, from: position, into: &workspace.scanBytes)
        position = data.endOffset
        let clean = workspace.scanBytes
        return try clean.withUnsafeBufferPointer { (cleanBytes) throws(ImageError) -> Bool in
            let reader = JPEGBitReader(base: cleanBytes.baseAddress!)
            if streaming {
                return try decodeStreaming(header, data: data, reader: reader, output: output)
            }
            return try decodeCoefficients(header, data: data, reader: reader)
        }
    }

    /// What a scan iterates over: MCUs of the interleaved components, or the blocks of its one component (a
    /// non-interleaved scan, `single`); `units` per row and column and `total` units.
    func scanLayout(_ header: JPEGScanHeader) -> (single: Bool, units: (x: Int, y: Int), total: Int) {
        if header.components.count > 1 { return (false, (mcusPerLine, mcusPerColumn), mcusPerLine * mcusPerColumn) }
        let c = components[header.components[0]]
        let units = ((c.width + 7) / 8, (c.height + 7) / 8)
        return (true, units, units.0 * units.1)
    }

    /// Moves `reader` to the next restart interval, checking the marker's number.
    func restart(_ reader: inout JPEGBitReader, data: JPEGScanData, segment: inout Int, header: JPEGScanHeader) throws(ImageError) {
        segment += 1
        guard segment < data.segments.count else {
            reader.start(data.segments[data.segments.count - 1].upperBound..<data.segments[data.segments.count - 1].upperBound)
            return
        }
        let found = data.restartNumbers[segment - 1], expected = (segment - 1) & 7
        guard found == expected else {
            throw fail(data.segmentFileStarts[segment] - 2, "expected restart marker RST\(expected) (0xFFD\(expected)), found RST\(found)")
        }
        reader.start(data.segments[segment])
    }

    /// The error (or, with `allowTruncated`, nil) for scan data that ran out before MCU `unit` of `total`.
    func truncation(_ header: JPEGScanHeader, data: JPEGScanData, segment: Int, unit: Int, total: Int,
                    unitsPerRow: Int) -> ImageError? {
        if options.allowTruncated { return nil }
        let isLast = segment >= data.segments.count - 1
        let endOffset = isLast ? data.endOffset : data.segmentFileStarts[segment + 1] - 2
        let ending = isLast && data.reachedEndOfFile ? "the end of the file" : "a marker"
        let last = unit == 0 ? "none" : "MCU \(unit - 1) (row \((unit - 1) / unitsPerRow), column \((unit - 1) % unitsPerRow))"
        return fail(endOffset, "the file is truncated: the entropy-coded data of the scan starting at byte \(header.offset) ends at byte \(endOffset) (\(ending)) after \(unit) of \(total) MCUs; last complete MCU: \(last); ImageDecodingOptions.allowTruncated decodes the rest as gray")
    }

    /// The error for entropy-coded data that holds no valid code where MCU `unit` was being decoded.
    func invalidCode(_ header: JPEGScanHeader, data: JPEGScanData, segment: Int, unit: Int, unitsPerRow: Int) -> ImageError {
        fail(data.segmentFileStarts[min(segment, data.segmentFileStarts.count - 1)],
             "invalid Huffman code in the scan starting at byte \(header.offset) (MCU \(unit): row \(unit / unitsPerRow), column \(unit % unitsPerRow)); the entropy-coded data is corrupt")
    }

    /// A sequential scan with every component, transformed and colour-converted as it is decoded.
    mutating func decodeStreaming(_ header: JPEGScanHeader, data: JPEGScanData, reader start: JPEGBitReader,
                                  output: UnsafeMutablePointer<UInt8>) throws(ImageError) -> Bool {
        var reader = start
        var segment = 0
        reader.start(data.segments[0])
        let (single, units, total) = scanLayout(header)
        let parts = header.components.map { index -> JPEGBlockSource in
            let c = components[index]
            return JPEGBlockSource(dc: dcTables[c.dcTable]!, ac: acTables[c.acTable]!, h: single ? 1 : c.h, v: single ? 1 : c.v,
                                   size: c.blockSize, plane: planes[index].samples, stride: c.planeStride)
        }
        let quant = UnsafeMutablePointer<Int32>.allocate(capacity: 64 * parts.count)
        defer { quant.deallocate() }
        for (k, index) in header.components.enumerated() {
            for i in 0..<64 { quant[k * 64 + i] = components[index].quant[i] }
        }
        let block = UnsafeMutablePointer<Int16>.allocate(capacity: 64 + 16)
        block.initialize(repeating: 0, count: 80)
        let idctWorkspace = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
        defer { block.deallocate(); idctWorkspace.deallocate() }
        let predictions = UnsafeMutablePointer<Int32>.allocate(capacity: parts.count)
        predictions.initialize(repeating: 0, count: parts.count)
        defer { predictions.deallocate() }
        var exhausted = false
        var unit = 0
        for uy in 0..<units.y {
            for ux in 0..<units.x {
                if restartInterval > 0 && unit > 0 && unit % restartInterval == 0 && !exhausted {
                    try restart(&reader, data: data, segment: &segment, header: header)
                    predictions.update(repeating: 0, count: parts.count)
                }
                for k in 0..<parts.count {
                    let part = parts[k]
                    for v in 0..<part.v {
                        for h in 0..<part.h {
                            let bx = ux * part.h + h, by = uy * part.v + v
                            let out = part.plane + by * part.size * part.stride + bx * part.size
                            if exhausted {
                                JPEGIDCT.fill(128, size: part.size, output: out, stride: part.stride)
                                continue
                            }
                            let last = JPEGBlockSource.decodeSequential(&reader, block, dc: part.dc, ac: part.ac,
                                                                        prediction: &predictions[k])
                            let q = quant + k * 64
                            if last == 0 {
                                JPEGIDCT.fill(JPEGIDCT.dcValue(block[0], quant: q[0]), size: part.size, output: out, stride: part.stride)
                                block[0] = 0
                            } else {
                                JPEGIDCT.transform(block, quant: q, size: part.size, output: out, stride: part.stride,
                                                   workspace: idctWorkspace)
                                UnsafeMutableRawPointer(block).initializeMemory(as: UInt64.self, repeating: 0, count: 16)
                            }
                        }
                    }
                }
                if !exhausted && reader.sawInvalidCode && !reader.overran {
                    throw invalidCode(header, data: data, segment: segment, unit: unit, unitsPerRow: units.x)
                }
                if !exhausted && reader.overran {
                    if let error = truncation(header, data: data, segment: segment, unit: unit, total: total, unitsPerRow: units.x) {
                        throw error
                    }
                    // Libjpeg gives up on the rest of a scan whose data ran out: its blocks stay zero (gray).
                    exhausted = segment >= data.segments.count - 1
                }
                unit += 1
            }
            emitAvailableRows(afterUnitRow: uy, single: single, into: output)
        }
        return !exhausted
    }

    /// Emits the output rows whose source rows are all decoded once unit row `uy` is.
    mutating func emitAvailableRows(afterUnitRow uy: Int, single: Bool, into output: UnsafeMutablePointer<UInt8>) {
        var limit = rowsEmitted
        let available = components.map { c in (uy + 1) * (single ? 1 : c.v) * c.blockSize }
        outer: while limit < outputHeight {
            for (i, plane) in planes.enumerated() where plane.rowsNeeded(forOutputRow: limit) > available[i] {
                break outer
            }
            limit += 1
        }
        emitRows(upTo: limit, into: output)
    }

    /// Upsamples and colour-converts output rows `rowsEmitted..<limit`.
    mutating func emitRows(upTo limit: Int, into output: UnsafeMutablePointer<UInt8>) {
        guard limit > rowsEmitted else { return }
        let layout = colorLayout
        let channels = outputChannels
        let lineBytes = max(outputWidth, 2 * (planes.map(\.width).max() ?? 1)) + 64
        let lines = workspace.rows.pointer
        let sums = workspace.columnSums.pointer
        let count = planes.count
        for y in rowsEmitted..<limit {
            @inline(__always) func row(_ i: Int) -> UnsafePointer<UInt8> {
                planes[min(i, count - 1)].outputRow(y, width: outputWidth, line: lines + i * lineBytes, sums: sums)
            }
            let r0 = row(0)
            let r1 = count > 1 ? row(1) : r0, r2 = count > 2 ? row(2) : r0, r3 = count > 3 ? row(3) : r0
            JPEGColor.convert((r0, r1, r2, r3), layout: layout, count: outputWidth, into: output + y * outputWidth * channels)
        }
        rowsEmitted = limit
    }
}

/// One component's part of an MCU in a streaming scan: its tables and where its blocks go.
/// The tables are held as ``JPEGTableReference`` (the decoding's table arrays keep them alive), so iterating the
/// parts of every MCU costs no reference counting.
struct JPEGBlockSource {
    let dc: JPEGTableReference
    let ac: JPEGTableReference
    let h: Int
    let v: Int
    let size: Int
    let plane: UnsafeMutablePointer<UInt8>
    let stride: Int

    init(dc: JPEGHuffmanTable, ac: JPEGHuffmanTable, h: Int, v: Int, size: Int, plane: UnsafeMutablePointer<UInt8>, stride: Int) {
        self.dc = JPEGTableReference(dc)
        self.ac = JPEGTableReference(ac)
        self.h = h
        self.v = v
        self.size = size
        self.plane = plane
        self.stride = stride
    }

    /// Zig-zag to natural order, with 16 extra entries so a run that overshoots never indexes outside the table.
    /// Written once at first use and only read afterwards.
    nonisolated(unsafe) static let naturalOrder: UnsafeMutablePointer<Int> = {
        let table = UnsafeMutablePointer<Int>.allocate(capacity: 80)
        for k in 0..<80 { table[k] = k < 64 ? JPEGStandardTables.zigzag[k] : 63 }
        return table
    }()

    /// Zig-zag to natural order with entries 64...79 pointing at a spare slot 64 past the block: the pair
    /// decoder writes absent second coefficients there (see ``decodeSequential(_:_:dc:ac:prediction:)``).
    nonisolated(unsafe) static let naturalOrderWithSpare: UnsafeMutablePointer<Int> = {
        let table = UnsafeMutablePointer<Int>.allocate(capacity: 80)
        for k in 0..<80 { table[k] = k < 64 ? JPEGStandardTables.zigzag[k] : 64 }
        return table
    }()

    /// Decodes one baseline block into `out` (zeroed, natural order, not dequantized; at least 65 elements, the
    /// last a spare slot that may receive a 0) and returns the zig-zag
    /// index of the last coefficient written (0: only DC). The bit buffer lives in locals for the whole block and
    /// is refilled before every symbol without a branch. Invalid data is decoded as libjpeg does (an unknown code
    /// reads as symbol 0, a run past the block ends it) and flagged in `reader.sawInvalidCode`.
    @inline(__always)
    static func decodeSequential(_ reader: inout JPEGBitReader, _ out: UnsafeMutablePointer<Int16>,
                                 dc: JPEGTableReference, ac: JPEGTableReference, prediction: inout Int32) -> Int {
        var buffer = reader.buffer, count = reader.count, pointer = reader.pointer
        let limit = reader.limit
        var invalid = false
        defer {
            reader.buffer = buffer; reader.count = count; reader.pointer = pointer
            if invalid { reader.sawInvalidCode = true }
        }
        @inline(__always) func refill() {
            let word = UInt64(bigEndian: UnsafeRawPointer(min(pointer, limit)).loadUnaligned(as: UInt64.self))
            buffer |= word &>> UInt64(count)
            pointer += (63 &- count) &>> 3
            count |= 56
        }
        @inline(__always) func consume(_ n: Int) {
            buffer &<<= UInt64(n)
            count &-= n
        }
        @inline(__always) func peek(_ n: Int) -> Int32 { Int32(truncatingIfNeeded: buffer &>> UInt64(64 &- n)) }
        /// The canonical-code path: symbol and code length, or symbol 0 after 16 bits for an unknown pattern.
        @inline(__always) func slowSymbol(_ table: JPEGTableReference) -> Int {
            guard let (symbol, length) = table.decodeSymbol(peek(16)) else {
                invalid = true
                consume(16)
                return 0
            }
            consume(length)
            return symbol
        }

        refill()
        let dcEntry = dc.dcLookup[Int(truncatingIfNeeded: buffer &>> UInt64(64 - JPEGHuffmanTable.dcLookaheadBits))]
        if dcEntry != 0 {
            consume(Int(dcEntry & 0xFF))
            prediction &+= dcEntry &>> 16
        } else {
            let size = slowSymbol(dc) & 15
            if size > 0 {
                prediction &+= JPEGHuffmanTable.extend(peek(size), size)
                consume(size)
            }
        }
        out[0] = Int16(truncatingIfNeeded: prediction)
        let natural = naturalOrderWithSpare
        let pairs = ac.pairLookup
        var k = 1
        var last = 0
        /// A run past the block end (corrupt data): libjpeg's padded table stores the value at 63 and the block
        /// ends (harmless for a ZRL, whose value is 0).
        @inline(__always) func overrun(_ value: Int16) {
            if value != 0 { invalid = true; out[63] = value; last = 63 }
        }
        // One pair lookup decodes one or two coefficients. A refill leaves at least 56 bits, enough for a pair
        // (at most 11 bits) or one slow symbol (16 code + 11 magnitude bits).
        while k < 64 {
            refill()
            let entry = pairs[Int(truncatingIfNeeded: buffer &>> UInt64(64 - JPEGHuffmanTable.acLookaheadBits))]
            let length = Int(truncatingIfNeeded: entry & 0xFF)
            if length == 0 {
                // A long code or a large magnitude: the canonical-code path.
                let symbol = slowSymbol(ac)
                let run = symbol >> 4, size = symbol & 15
                if size == 0 {
                    if run != 15 { break }  // EOB
                    k &+= 16
                    continue
                }
                k &+= run
                let value = Int16(truncatingIfNeeded: JPEGHuffmanTable.extend(peek(size), size))
                consume(size)
                guard k < 64 else { overrun(value); break }
                out[natural[k]] = value
                last = k
                k &+= 1
                continue
            }
            let savedBuffer = buffer, savedCount = count
            consume(length)
            if entry & JPEGHuffmanTable.Pair.onlyEndOfBlock != 0 { break }
            k &+= Int(truncatingIfNeeded: (entry &>> JPEGHuffmanTable.Pair.run1Shift) & 0xFF)
            let value1 = Int16(truncatingIfNeeded: entry &>> JPEGHuffmanTable.Pair.value1Shift)
            let length1 = Int(truncatingIfNeeded: (entry &>> JPEGHuffmanTable.Pair.length1Shift) & 0xF)
            guard k < 64 else {
                buffer = savedBuffer &<< UInt64(length1); count = savedCount &- length1
                overrun(value1); break
            }
            out[natural[k]] = value1
            last = k
            k &+= 1
            if k == 64 {
                // A coefficient at 63 ends the block without EOB: the second symbol's bits are the next block's.
                buffer = savedBuffer &<< UInt64(length1); count = savedCount &- length1
                break
            }
            // The second coefficient without a branch: absent, it writes 0 to the spare slot 64.
            let second = entry & JPEGHuffmanTable.Pair.hasSecond != 0
            let position2 = second ? k &+ Int(truncatingIfNeeded: (entry &>> JPEGHuffmanTable.Pair.run2Shift) & 0xFF) : 64
            let value2 = Int16(truncatingIfNeeded: entry &>> JPEGHuffmanTable.Pair.value2Shift)
            guard position2 <= 64 else { overrun(value2); break }
            out[natural[position2]] = value2
            last = second ? position2 : last
            k = second ? position2 &+ 1 : k
            if entry & JPEGHuffmanTable.Pair.endsBlock != 0 { break }
        }
        return last
    }
}
