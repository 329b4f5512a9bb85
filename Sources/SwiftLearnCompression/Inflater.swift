/// A DEFLATE (RFC 1951) decoder over an in-memory input, writing into an ``OutputBuffer``.
///
/// Bits are read through a 64-bit little-endian bit buffer. While at least 8 input bytes remain, a refill is
/// one unaligned 8-byte load (`bitBuffer |= word << bitCount`, advance by `(63 - bitCount) / 8` bytes), after
/// which at least 56 bits are buffered: enough for a whole length/distance pair (15 + 5 + 15 + 13 = 48 bits),
/// so the hot loop refills once per symbol. Near the end of the input bytes are added one at a time and, past
/// the end, zero bytes are counted in `overrun`; consuming any of those phantom bits means the stream is
/// truncated, which is checked at every slow refill and at the end of the stream.
struct Inflater {
    static let literalLengthBits = 10
    static let distanceBits = 8
    static let precodeBits = 7

    /// Input bytes; `input[0..<end]` is readable.
    let input: UnsafePointer<UInt8>
    let end: Int
    /// Next byte to load into the bit buffer.
    var position: Int
    var bitBuffer: UInt64 = 0
    var bitCount: Int = 0
    /// Zero bytes appended past the end of the input.
    var overrun: Int = 0
    /// Offset added to every reported position (the stream's place in the enclosing file).
    let reportBase: Int
    /// What to call this stream in messages ("deflate stream", "gzip member 2", ...).
    let streamName: String

    private var builder = HuffmanTableBuilder()
    private var literalLengthTable: [UInt32] = []
    private var distanceTable: [UInt32] = []
    private var precodeTable: [UInt32] = []

    init(input: UnsafePointer<UInt8>, end: Int, position: Int, reportBase: Int = 0, streamName: String) {
        self.input = input
        self.end = end
        self.position = position
        self.reportBase = reportBase
        self.streamName = streamName
    }

    /// Byte offset (for messages) of the byte holding the next unconsumed bit.
    var currentOffset: Int { reportBase + position + overrun - bitCount / 8 }

    /// Decodes one whole DEFLATE stream, appending to `output`.
    /// - Returns: the input offset just past the stream (its last byte is padded to a byte boundary).
    mutating func inflate(into output: OutputBuffer) throws(CompressionError) -> Int {
        let streamStart = output.count
        var isFinal = false
        while !isFinal {
            let blockOffset = currentOffset
            let header = try bits(3)
            isFinal = header & 1 != 0
            switch header >> 1 {
            case 0:
                try copyStoredBlock(into: output, blockOffset: blockOffset)
            case 1:
                try buildFixedTables()
                try decodeHuffmanBlock(into: output, streamStart: streamStart, blockOffset: blockOffset, kind: "fixed")
            case 2:
                try readDynamicTables(blockOffset: blockOffset)
                try decodeHuffmanBlock(into: output, streamStart: streamStart, blockOffset: blockOffset, kind: "dynamic")
            default:
                throw CompressionError(.corrupt, offset: blockOffset,
                                       "\(streamName): invalid block type 3 (expected 0 stored, 1 fixed or 2 dynamic Huffman)")
            }
        }
        try checkNotTruncated("the end of the final block")
        return position + overrun - bitCount / 8
    }

    // MARK: - Bit reading outside the hot loop

    /// Tops the bit buffer up to 56...63 bits.
    @inline(__always)
    private mutating func refill() throws(CompressionError) {
        if position + 8 <= end {
            bitBuffer |= UInt64(littleEndian: UnsafeRawPointer(input + position).loadUnaligned(as: UInt64.self)) &<< UInt64(bitCount)
            position += (63 - bitCount) >> 3
            bitCount |= 56
        } else {
            try refillSlowly()
        }
    }

    private mutating func refillSlowly() throws(CompressionError) {
        try checkNotTruncated("more compressed data")
        // Stop at 56...63 bits, like the fast refill: a later `<< bitCount` must never shift by 64.
        while bitCount < 56 {
            if position < end {
                bitBuffer |= UInt64(input[position]) &<< UInt64(bitCount)
                position += 1
            } else {
                overrun += 1
            }
            bitCount += 8
        }
    }

    /// Throws if any phantom (past-the-end) bit has been consumed.
    private func checkNotTruncated(_ expected: String) throws(CompressionError) {
        if bitCount < overrun * 8 {
            throw CompressionError(.truncated, offset: reportBase + end,
                                   "\(streamName): truncated: input ends at byte offset \(reportBase + end) while expecting \(expected)")
        }
    }

    /// Reads `count` (<= 32) bits, least significant first.
    @inline(__always)
    private mutating func bits(_ count: Int) throws(CompressionError) -> Int {
        if bitCount < count { try refill() }
        let value = Int(truncatingIfNeeded: bitBuffer & ((1 &<< UInt64(count)) &- 1))
        bitBuffer &>>= UInt64(count)
        bitCount -= count
        return value
    }

    // MARK: - Stored blocks

    private mutating func copyStoredBlock(into output: OutputBuffer, blockOffset: Int) throws(CompressionError) {
        // Skip to the byte boundary, then LEN and NLEN (one's complement of LEN).
        let skip = bitCount & 7
        bitBuffer &>>= UInt64(skip)
        bitCount -= skip
        let length = try bits(16)
        let complement = try bits(16)
        try checkNotTruncated("a stored block's LEN and NLEN")
        guard length == ~complement & 0xFFFF else {
            throw CompressionError(.corrupt, offset: currentOffset - 4,
                                   "\(streamName): stored block LEN \(length) does not match NLEN \(complement) "
                                       + "(expected NLEN = \(~length & 0xFFFF)), block starts at byte offset \(blockOffset)")
        }
        // Hand the buffered whole bytes back to the input.
        let start = position + overrun - bitCount / 8
        bitBuffer = 0
        bitCount = 0
        overrun = 0
        guard length <= end - start else {
            throw CompressionError(.truncated, offset: reportBase + end,
                                   "\(streamName): truncated stored block: \(length) bytes announced at byte offset "
                                       + "\(reportBase + start), only \(end - start) available")
        }
        try output.append(input + start, count: length, offset: reportBase + start)
        position = start + length
    }

    // MARK: - Table setup

    private mutating func buildFixedTables() throws(CompressionError) {
        var lengths = [UInt8](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        let distanceLengths = [UInt8](repeating: 5, count: 32)
        let offset = currentOffset
        try lengths.withUnsafeBufferPointer { (lengths) throws(CompressionError) in
            try builder.build(lengths: lengths, templates: HuffmanEntry.literalLengthTemplates,
                              primaryBits: Inflater.literalLengthBits, alphabet: .literalLength,
                              into: &literalLengthTable, offset: offset)
        }
        try distanceLengths.withUnsafeBufferPointer { (lengths) throws(CompressionError) in
            try builder.build(lengths: lengths, templates: HuffmanEntry.distanceTemplates,
                              primaryBits: Inflater.distanceBits, alphabet: .distance,
                              into: &distanceTable, offset: offset)
        }
    }

    /// Order in which code-length code lengths are sent (RFC 1951 §3.2.7).
    private static let precodeOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private mutating func readDynamicTables(blockOffset: Int) throws(CompressionError) {
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let precodeCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else {
            throw CompressionError(.corrupt, offset: blockOffset,
                                   "\(streamName): dynamic block header announces \(literalCount) literal/length and "
                                       + "\(distanceCount) distance codes (expected at most 286 and 30)")
        }
        var precodeLengths = [UInt8](repeating: 0, count: 19)
        for index in 0..<precodeCount {
            precodeLengths[Inflater.precodeOrder[index]] = UInt8(try bits(3))
        }
        try checkNotTruncated("the code-length code of a dynamic block")
        let precodeOffset = currentOffset
        try precodeLengths.withUnsafeBufferPointer { (lengths) throws(CompressionError) in
            try builder.build(lengths: lengths, templates: HuffmanEntry.precodeTemplates,
                              primaryBits: Inflater.precodeBits, alphabet: .precode,
                              into: &precodeTable, offset: precodeOffset)
        }

        // Literal/length and distance code lengths form one sequence; repeats may cross between them.
        let total = literalCount + distanceCount
        var lengths = [UInt8](repeating: 0, count: total)
        var index = 0
        while index < total {
            if bitCount < 16 { try refill() }
            let entry = precodeTable[Int(truncatingIfNeeded: bitBuffer) & ((1 << Inflater.precodeBits) - 1)]
            let used = Int(entry & 0xF)
            bitBuffer &>>= UInt64(used)
            bitCount -= used
            let symbol = Int(entry >> 16)
            switch symbol {
            case 0...15:
                lengths[index] = UInt8(symbol)
                index += 1
            case 16:
                guard index > 0 else {
                    throw CompressionError(.corrupt, offset: currentOffset,
                                           "\(streamName): code-length symbol 16 (repeat previous) with no previous length")
                }
                let repeatCount = 3 + (try bits(2))
                try fill(&lengths, at: &index, with: lengths[index - 1], count: repeatCount, total: total)
            case 17:
                try fill(&lengths, at: &index, with: 0, count: 3 + (try bits(3)), total: total)
            default:
                try fill(&lengths, at: &index, with: 0, count: 11 + (try bits(7)), total: total)
            }
        }
        try checkNotTruncated("the code lengths of a dynamic block")
        let offset = currentOffset
        try lengths.withUnsafeBufferPointer { (all) throws(CompressionError) in
            try builder.build(lengths: UnsafeBufferPointer(rebasing: all[0..<literalCount]),
                              templates: HuffmanEntry.literalLengthTemplates,
                              primaryBits: Inflater.literalLengthBits, alphabet: .literalLength,
                              into: &literalLengthTable, offset: offset)
            try builder.build(lengths: UnsafeBufferPointer(rebasing: all[literalCount..<total]),
                              templates: HuffmanEntry.distanceTemplates,
                              primaryBits: Inflater.distanceBits, alphabet: .distance,
                              into: &distanceTable, offset: offset)
        }
    }

    private func fill(_ lengths: inout [UInt8], at index: inout Int, with value: UInt8, count: Int,
                      total: Int) throws(CompressionError) {
        guard count <= total - index else {
            throw CompressionError(.corrupt, offset: currentOffset,
                                   "\(streamName): code-length repeat of \(count) runs past the \(total) code lengths "
                                       + "(at length \(index))")
        }
        for position in index..<(index + count) { lengths[position] = value }
        index += count
    }

    // MARK: - The hot loop

    /// Writes the hot loop's register copies of the bit reader back.
    @inline(__always)
    private mutating func commit(_ bitBuffer: UInt64, _ bitCount: Int, _ position: Int) {
        self.bitBuffer = bitBuffer
        self.bitCount = bitCount
        self.position = position
    }

    /// Decodes Huffman-coded symbols until end of block, growing the output between runs of the hot loop.
    private mutating func decodeHuffmanBlock(
        into output: OutputBuffer, streamStart: Int, blockOffset: Int, kind: String
    ) throws(CompressionError) {
        let literalTable = literalLengthTable
        let distTable = distanceTable
        while true {
            let finished = try literalTable.withUnsafeBufferPointer { (literalTable) throws(CompressionError) -> Bool in
                try distTable.withUnsafeBufferPointer { (distTable) throws(CompressionError) -> Bool in
                    // Built tables are never empty, so both base addresses exist.
                    guard let lit = literalTable.baseAddress, let dist = distTable.baseAddress else { return true }
                    return try output.withPointer { (out, capacity) throws(CompressionError) -> Bool in
                        try decodeSymbols(literals: lit, distances: dist, out: out, capacity: capacity, output: output,
                                          streamStart: streamStart, blockOffset: blockOffset, kind: kind)
                    }
                }
            }
            if finished { return }
            try output.reserve(OutputBuffer.slack, offset: currentOffset)
        }
    }

    /// The entry of `table` for the code at the front of `bitBuffer`: the primary entry (indexed by the low
    /// `primaryBits` bits, `mask`), or, when that is a subtable pointer, the subtable's entry after consuming
    /// the `primaryBits` prefix. The caller consumes the entry's own code bits.
    @inline(__always)
    private static func lookup(_ table: UnsafePointer<UInt32>, primaryBits: Int, mask: UInt64,
                               _ bitBuffer: inout UInt64, _ bitCount: inout Int) -> UInt32 {
        let entry = table[Int(truncatingIfNeeded: bitBuffer & mask)]
        guard entry & HuffmanEntry.subtable != 0 else { return entry }
        bitBuffer &>>= UInt64(primaryBits)
        bitCount -= primaryBits
        let subMask = (UInt64(1) &<< UInt64((entry >> 4) & 0xF)) &- 1
        return table[Int(entry >> 16) + Int(truncatingIfNeeded: bitBuffer & subMask)]
    }

    /// The hot loop. Returns true at the end of the block, false when the output needs more room
    /// (`output.count + slack > capacity`); `out` is the output storage, valid for `capacity` bytes.
    @inline(__always)
    private mutating func decodeSymbols(
        literals: UnsafePointer<UInt32>, distances: UnsafePointer<UInt32>, out: UnsafeMutablePointer<UInt8>, capacity: Int,
        output: OutputBuffer, streamStart: Int, blockOffset: Int, kind: String
    ) throws(CompressionError) -> Bool {
        // Work on locals so the optimizer keeps them in registers; write back on every exit path.
        var bitBuffer = self.bitBuffer
        var bitCount = self.bitCount
        var position = self.position
        let input = self.input
        let fastLimit = end - 8
        var written = output.count
        let slack = OutputBuffer.slack
        let literalMask = UInt64((1 << Inflater.literalLengthBits) - 1)
        let distanceMask = UInt64((1 << Inflater.distanceBits) - 1)

        while true {
            if written + slack > capacity {
                commit(bitBuffer, bitCount, position)
                output.count = written
                return false
            }
            if position <= fastLimit {
                bitBuffer |= UInt64(littleEndian: UnsafeRawPointer(input + position).loadUnaligned(as: UInt64.self))
                    &<< UInt64(bitCount)
                position += (63 - bitCount) &>> 3
                bitCount |= 56
            } else {
                commit(bitBuffer, bitCount, position)
                output.count = written
                try refillSlowly()
                bitBuffer = self.bitBuffer
                bitCount = self.bitCount
                position = self.position
            }

            let entry = Inflater.lookup(literals, primaryBits: Inflater.literalLengthBits, mask: literalMask,
                                        &bitBuffer, &bitCount)
            var used = Int(entry & 0xF)
            bitBuffer &>>= UInt64(used)
            bitCount -= used

            if entry & HuffmanEntry.literal != 0 {
                out[written] = UInt8(truncatingIfNeeded: entry >> 16)
                written += 1
                // Up to two more literals from the bits already buffered: a primary-table literal code is at most
                // `literalLengthBits` long, so that many valid bits make the lookup exact.
                var extraLiterals = 0
                while extraLiterals < 2, bitCount >= Inflater.literalLengthBits {
                    let next = literals[Int(truncatingIfNeeded: bitBuffer & literalMask)]
                    guard next & HuffmanEntry.subtable == 0, next & HuffmanEntry.literal != 0 else { break }
                    used = Int(next & 0xF)
                    bitBuffer &>>= UInt64(used)
                    bitCount -= used
                    out[written] = UInt8(truncatingIfNeeded: next >> 16)
                    written += 1
                    extraLiterals += 1
                }
                continue
            }
            if entry & HuffmanEntry.exceptional != 0 {
                commit(bitBuffer, bitCount, position)
                output.count = written
                if entry & HuffmanEntry.endOfBlock != 0 {
                    try checkNotTruncated("the end of a \(kind) Huffman block")
                    return true
                }
                try checkNotTruncated("a literal/length code")
                throw CompressionError(.corrupt, offset: currentOffset,
                                       "\(streamName): invalid literal/length code (symbol \(entry >> 16)) in the \(kind) "
                                           + "Huffman block starting at byte offset \(blockOffset)")
            }

            // Length: base + extra bits. At least 56 - 15 - 5 = 36 bits remain for the distance (<= 28 bits).
            let lengthExtra = UInt64((entry >> 4) & 0xF)
            let length = Int(entry >> 16) + Int(truncatingIfNeeded: bitBuffer & ((UInt64(1) &<< lengthExtra) &- 1))
            bitBuffer &>>= lengthExtra
            bitCount -= Int(lengthExtra)

            let distanceEntry = Inflater.lookup(distances, primaryBits: Inflater.distanceBits, mask: distanceMask,
                                                &bitBuffer, &bitCount)
            used = Int(distanceEntry & 0xF)
            bitBuffer &>>= UInt64(used)
            bitCount -= used
            if distanceEntry & HuffmanEntry.invalid != 0 {
                commit(bitBuffer, bitCount, position)
                output.count = written
                try checkNotTruncated("a distance code")
                throw CompressionError(.corrupt, offset: currentOffset,
                                       "\(streamName): invalid distance code (symbol \(distanceEntry >> 16)) in the \(kind) "
                                           + "Huffman block starting at byte offset \(blockOffset)")
            }
            let distanceExtra = UInt64((distanceEntry >> 4) & 0xF)
            let distance = Int(distanceEntry >> 16)
                + Int(truncatingIfNeeded: bitBuffer & ((UInt64(1) &<< distanceExtra) &- 1))
            bitBuffer &>>= distanceExtra
            bitCount -= Int(distanceExtra)

            guard distance <= written - streamStart else {
                commit(bitBuffer, bitCount, position)
                output.count = written
                try checkNotTruncated("a distance")
                throw CompressionError(.corrupt, offset: currentOffset,
                                       "\(streamName): back-reference distance \(distance) reaches before the start of the "
                                           + "stream (only \(written - streamStart) bytes decoded) in the \(kind) Huffman "
                                           + "block starting at byte offset \(blockOffset)")
            }

            // Copy the match in chunks no longer than the distance (so every chunk reads bytes already written).
            // `written + slack <= capacity` was checked above, so overshooting by up to 15 bytes past the match end
            // stays inside the buffer.
            let destination = out + written
            let source = destination - distance
            if distance >= 16 {
                var from = UnsafeRawPointer(source)
                var to = UnsafeMutableRawPointer(destination)
                let stop = to + length
                repeat {
                    to.storeBytes(of: from.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                    from += 16
                    to += 16
                } while to < stop
            } else if distance >= 8 {
                var from = UnsafeRawPointer(source)
                var to = UnsafeMutableRawPointer(destination)
                let stop = to + length
                repeat {
                    to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
                    from += 8
                    to += 8
                } while to < stop
            } else if distance == 1 {
                destination.initialize(repeating: source.pointee, count: length)
            } else {
                for index in 0..<length { destination[index] = source[index] }
            }
            written += length
        }
    }
}
