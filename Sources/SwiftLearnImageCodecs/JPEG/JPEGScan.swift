/// Entropy decoding of one scan: baseline blocks, and the four progressive passes (DC first/refine,
/// AC first/refine) of T.81 Annex G, writing quantized coefficients into each component's store.
extension JPEGState {
    mutating func decodeScan(_ reader: inout JPEGBitReader, scanComponents: [Int], ss: Int, se: Int, ah: Int, al: Int,
                             scanOffset: Int) throws(ImageError) {
        let single = scanComponents.count == 1
        let first = components[scanComponents[0]]
        let unitsX = single ? (first.width + 7) / 8 : mcusPerLine
        let unitsY = single ? (first.height + 7) / 8 : mcusPerColumn
        // Per scan component: blocks (bx, by) covered by one unit, storage and tables, hoisted out of the loops.
        struct Plan {
            var h: Int, v: Int, blocksPerLine: Int
            var base: UnsafeMutablePointer<Int16>
            var dc: JPEGHuffmanTable?, ac: JPEGHuffmanTable?
            var prediction: Int32 = 0
            var id: Int
        }
        var plans: [Plan] = scanComponents.map { i in
            let c = components[i]
            return Plan(h: single ? 1 : c.h, v: single ? 1 : c.v, blocksPerLine: c.blocksPerLine,
                        base: c.coefficients.pointer, dc: dcTables[c.dcTable], ac: acTables[c.acTable], id: c.id)
        }
        var eobRun = 0
        var restartsSeen = 0
        let natural = JPEGState.naturalOrder
        let refineDC = progressive && ss == 0 && ah != 0
        for uy in 0..<unitsY {
            for ux in 0..<unitsX {
                if restartInterval > 0 && (uy * unitsX + ux) > 0 && (uy * unitsX + ux) % restartInterval == 0 {
                    try reader.restart(expected: restartsSeen & 7)
                    restartsSeen += 1
                    for k in plans.indices { plans[k].prediction = 0 }
                    eobRun = 0
                }
                for k in plans.indices {
                    let plan = plans[k]
                    var prediction = plan.prediction
                    for v in 0..<plan.v {
                        for h in 0..<plan.h {
                            let bx = single ? ux : ux * plan.h + h
                            let by = single ? uy : uy * plan.v + v
                            let block = plan.base + (by * plan.blocksPerLine + bx) * 64
                            var ok = true
                            if !progressive {
                                ok = JPEGState.decodeSequential(&reader, block, dc: plan.dc.unsafelyUnwrapped, ac: plan.ac.unsafelyUnwrapped,
                                                                prediction: &prediction, natural: natural)
                            } else if ss == 0 {
                                if refineDC {
                                    if reader.bit() { block[0] |= Int16(truncatingIfNeeded: 1 << al) }
                                } else {
                                    let s = reader.decode(plan.dc.unsafelyUnwrapped)
                                    if s < 0 || s > 16 { ok = false } else {
                                        prediction = prediction &+ reader.receiveExtend(s)
                                        block[0] = Int16(truncatingIfNeeded: prediction &<< Int32(al))
                                    }
                                }
                            } else if ah == 0 {
                                ok = JPEGState.decodeACFirst(&reader, block, table: plan.ac.unsafelyUnwrapped, ss: ss, se: se, al: al,
                                                             eobRun: &eobRun, natural: natural)
                            } else {
                                ok = JPEGState.decodeACRefine(&reader, block, table: plan.ac.unsafelyUnwrapped, ss: ss, se: se, al: al,
                                                              eobRun: &eobRun, natural: natural)
                            }
                            guard ok else {
                                throw fail(reader.position, "invalid Huffman code in the scan starting at byte \(scanOffset) (component \(plan.id), block \(bx),\(by)); the entropy-coded data is corrupt")
                            }
                        }
                    }
                    plans[k].prediction = prediction
                }
            }
        }
    }

    /// Zig-zag to natural order, padded with 63s so corrupt run lengths never index outside a block.
    /// Written once at initialisation and only read afterwards, so sharing it across threads is safe.
    nonisolated(unsafe) static let naturalOrder: UnsafeMutablePointer<Int> = {
        let table = UnsafeMutablePointer<Int>.allocate(capacity: jpegNaturalOrder.count)
        for (i, v) in jpegNaturalOrder.enumerated() { table[i] = v }
        return table
    }()

    /// One baseline block. The bit buffer lives in locals (registers) for the whole block and goes back to
    /// `reader` only around refills, which is most of the speed of this loop.
    @inline(__always)
    static func decodeSequential(_ reader: inout JPEGBitReader, _ out: UnsafeMutablePointer<Int16>, dc: JPEGHuffmanTable,
                                 ac: JPEGHuffmanTable, prediction: inout Int32, natural: UnsafeMutablePointer<Int>) -> Bool {
        var buffer = reader.buffer, count = reader.count
        defer { reader.buffer = buffer; reader.count = count }
        @inline(__always) func ensure16() {
            if count < 16 {
                reader.buffer = buffer; reader.count = count
                reader.refill()
                buffer = reader.buffer; count = reader.count
            }
        }
        @inline(__always) func take(_ n: Int) -> Int32 {
            let value = Int32(truncatingIfNeeded: buffer >> UInt64(64 &- n))
            buffer <<= UInt64(n)
            count &-= n
            return value
        }
        @inline(__always) func extend(_ value: Int32, _ n: Int) -> Int32 { JPEGBitReader.extend(value, n) }
        /// Symbol of `table` at the front of the buffer (caller ensured 16 bits), or -1.
        @inline(__always) func symbol(_ table: JPEGHuffmanTable) -> Int {
            JPEGBitReader.decodeSymbol(table, &buffer, &count)
        }

        ensure16()
        let s = symbol(dc)
        guard s >= 0, s <= 16 else { return false }
        if s > 0 {
            if count < s { ensure16() }
            prediction = prediction &+ extend(take(s), s)
        }
        out[0] = Int16(truncatingIfNeeded: prediction)
        var k = 1
        let fastAC = ac.fastAC
        while k < 64 {
            ensure16()
            let packed = fastAC[Int(buffer >> UInt64(64 - JPEGHuffmanTable.fastBits))]
            if packed != 0 {
                let total = Int(packed & 0xFF)
                buffer <<= UInt64(total)
                count &-= total
                k &+= Int((packed >> 8) & 0xFF)
                guard k < 64 else { return false }
                out[natural[k]] = Int16(truncatingIfNeeded: packed >> 16)
                k &+= 1
                continue
            }
            let rs = symbol(ac)
            guard rs >= 0 else { return false }
            let r = rs >> 4, size = rs & 15
            if size == 0 {
                if r != 15 { break }
                k += 16
                continue
            }
            k += r
            guard k < 64 else { return false }
            if count < size { ensure16() }
            out[natural[k]] = Int16(truncatingIfNeeded: extend(take(size), size))
            k += 1
        }
        return true
    }

    @inline(__always)
    static func decodeACFirst(_ reader: inout JPEGBitReader, _ out: UnsafeMutablePointer<Int16>, table: JPEGHuffmanTable,
                              ss: Int, se: Int, al: Int, eobRun: inout Int, natural: UnsafeMutablePointer<Int>) -> Bool {
        if eobRun > 0 { eobRun -= 1; return true }
        var k = ss
        while k <= se {
            let rs = reader.decode(table)
            guard rs >= 0 else { return false }
            let r = rs >> 4, size = rs & 15
            if size == 0 {
                if r < 15 {
                    eobRun = (1 << r) - 1
                    if r > 0 { eobRun += Int(reader.bits(r)) }
                    break
                }
                k += 16
                continue
            }
            k += r
            guard k <= 63 else { return false }
            out[natural[k]] = Int16(truncatingIfNeeded: reader.receiveExtend(size) &* (Int32(1) << Int32(al)))
            k += 1
        }
        return true
    }

    /// Successive-approximation refinement of AC coefficients (T.81 G.1.2.3), following libjpeg's `decode_mcu_AC_refine`.
    @inline(__always)
    static func decodeACRefine(_ reader: inout JPEGBitReader, _ out: UnsafeMutablePointer<Int16>, table: JPEGHuffmanTable,
                               ss: Int, se: Int, al: Int, eobRun: inout Int, natural: UnsafeMutablePointer<Int>) -> Bool {
        let p1 = Int16(truncatingIfNeeded: 1 << al)
        let m1 = Int16(truncatingIfNeeded: -1 << al)
        var k = ss
        if eobRun == 0 {
            while k <= se {
                let rs = reader.decode(table)
                guard rs >= 0 else { return false }
                var r = rs >> 4
                let size = rs & 15
                var value: Int16 = 0
                if size != 0 {
                    guard size == 1 else { return false }
                    value = reader.bit() ? p1 : m1
                } else if r != 15 {
                    eobRun = 1 << r
                    if r > 0 { eobRun += Int(reader.bits(r)) }
                    break
                }
                repeat {
                    let z = natural[k]
                    if out[z] != 0 {
                        if reader.bit() && (out[z] & p1) == 0 {
                            out[z] = out[z] >= 0 ? out[z] &+ p1 : out[z] &+ m1
                        }
                    } else {
                        r -= 1
                        if r < 0 { break }
                    }
                    k += 1
                } while k <= se
                if value != 0 {
                    guard k <= 63 else { return false }
                    out[natural[k]] = value
                }
                k += 1
            }
        }
        if eobRun > 0 {
            while k <= se {
                let z = natural[k]
                if out[z] != 0 && reader.bit() && (out[z] & p1) == 0 {
                    out[z] = out[z] >= 0 ? out[z] &+ p1 : out[z] &+ m1
                }
                k += 1
            }
            eobRun -= 1
        }
        return true
    }
}
