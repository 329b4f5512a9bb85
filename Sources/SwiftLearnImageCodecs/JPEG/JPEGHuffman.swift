/// A JPEG Huffman table (ITU T.81 Annex C) with a 9-bit lookup for the short codes that dominate real files.
///
/// A class over raw storage so the per-symbol decode touches no reference counts or bounds checks.
final class JPEGHuffmanTable {
    static let fastBits = 9
    /// For each 9-bit prefix: `length << 8 | symbol`, or 0 when the code is longer than 9 bits.
    let fast: UnsafeMutablePointer<UInt16>
    /// Largest code of each length (right-aligned), -1 when there is none; index 17 is a sentinel.
    let maxCode: UnsafeMutablePointer<Int32>
    /// `symbols[valueOffset[l] + code]` is the symbol of an `l`-bit code.
    let valueOffset: UnsafeMutablePointer<Int32>
    /// 256 entries (unused ones 0), so any in-range index is safe.
    let symbols: UnsafeMutablePointer<UInt8>
    let symbolCount: Int
    /// For AC use: per 9-bit prefix holding a whole (run, size) code plus its `size` magnitude bits,
    /// `value << 16 | run << 8 | totalBits`; 0 otherwise. Decodes most coefficients with one lookup.
    let fastAC: UnsafeMutablePointer<Int32>

    /// Builds the table from the DHT counts (`counts[l - 1]` codes of length `l`) and symbols.
    init(counts: [Int], symbols source: [UInt8]) throws(ImageError) {
        // Every stored property is set before the first `throw`, so a rejected table runs `deinit` and frees
        // its storage (a throw from a partially initialized class instance skips `deinit` and leaked it).
        fastAC = .allocate(capacity: 1 << JPEGHuffmanTable.fastBits)
        fastAC.initialize(repeating: 0, count: 1 << JPEGHuffmanTable.fastBits)
        fast = .allocate(capacity: 1 << JPEGHuffmanTable.fastBits)
        fast.initialize(repeating: 0, count: 1 << JPEGHuffmanTable.fastBits)
        maxCode = .allocate(capacity: 18)
        maxCode.initialize(repeating: -1, count: 18)
        valueOffset = .allocate(capacity: 18)
        valueOffset.initialize(repeating: 0, count: 18)
        symbols = .allocate(capacity: 256)
        symbols.initialize(repeating: 0, count: 256)
        symbolCount = min(source.count, 256)
        for i in 0..<symbolCount { symbols[i] = source[i] }
        var code: Int32 = 0
        var index = 0
        for length in 1...16 {
            let n = counts[length - 1]
            if n > 0 {
                valueOffset[length] = Int32(index) - code
                for _ in 0..<n {
                    guard code < (1 << length), index < symbolCount else {
                        throw ImageError("Huffman table is over-subscribed at code length \(length): more than \(1 << length) codes")
                    }
                    if length <= JPEGHuffmanTable.fastBits {
                        let shift = JPEGHuffmanTable.fastBits - length
                        let first = Int(code) << shift
                        for fill in 0..<(1 << shift) {
                            fast[first + fill] = UInt16(length << 8) | UInt16(symbols[index])
                        }
                    }
                    code += 1
                    index += 1
                }
                maxCode[length] = code - 1
            }
            code <<= 1
        }
        maxCode[17] = Int32.max
        let bitsTotal = JPEGHuffmanTable.fastBits
        for prefix in 0..<(1 << bitsTotal) {
            let entry = fast[prefix]
            guard entry != 0 else { continue }
            let length = Int(entry >> 8), rs = Int(entry & 0xFF)
            let run = rs >> 4, size = rs & 15
            guard size != 0, length + size <= bitsTotal else { continue }
            let magnitude = (prefix >> (bitsTotal - length - size)) & ((1 << size) - 1)
            let value = magnitude < (1 << (size - 1)) ? magnitude - (1 << size) + 1 : magnitude
            fastAC[prefix] = Int32(value) << 16 | Int32(run) << 8 | Int32(length + size)
        }
    }

    deinit {
        fast.deallocate()
        maxCode.deallocate()
        valueOffset.deallocate()
        symbols.deallocate()
        fastAC.deallocate()
    }
}

/// Reads the entropy-coded bits of a scan: removes stuffed zero bytes after 0xFF and stops at a marker
/// (feeding zeros after it, as libjpeg does for a truncated scan).
struct JPEGBitReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    /// Bits not consumed yet, the next one in the most significant position.
    var buffer: UInt64 = 0
    var count: Int = 0
    /// Set once a marker (or the end of the data) was reached; later reads get zero bits.
    var markerReached = false

    init(bytes: UnsafeBufferPointer<UInt8>, position: Int) {
        self.bytes = bytes
        self.position = position
    }

    /// Tops the buffer up to at least 57 bits. Kept out of line so the per-symbol paths stay small and inline.
    @inline(never)
    mutating func refill() {
        // Fast path: 6 plain bytes (no 0xFF) at once.
        while count <= 8 && position + 6 <= bytes.count {
            let b0 = bytes[position], b1 = bytes[position + 1], b2 = bytes[position + 2]
            let b3 = bytes[position + 3], b4 = bytes[position + 4], b5 = bytes[position + 5]
            if markerReached || b0 == 0xFF || b1 == 0xFF || b2 == 0xFF
                || b3 == 0xFF || b4 == 0xFF || b5 == 0xFF { break }
            let word = UInt64(b0) << 40 | UInt64(b1) << 32 | UInt64(b2) << 24 | UInt64(b3) << 16 | UInt64(b4) << 8 | UInt64(b5)
            buffer |= word << UInt64(16 - count)
            count += 48
            position += 6
        }
        while count <= 56 {
            var byte: UInt64 = 0
            if !markerReached {
                if position < bytes.count {
                    let value = bytes[position]
                    if value == 0xFF {
                        let next = position + 1 < bytes.count ? bytes[position + 1] : 0xD9
                        if next == 0 {
                            byte = 0xFF
                            position += 2
                        } else {
                            markerReached = true
                        }
                    } else {
                        byte = UInt64(value)
                        position += 1
                    }
                } else {
                    markerReached = true
                }
            }
            buffer |= byte << UInt64(56 - count)
            count += 8
        }
    }

    @inline(__always)
    mutating func bits(_ n: Int) -> Int32 {
        if n == 0 { return 0 }
        if count < n { refill() }
        let value = Int32(truncatingIfNeeded: buffer >> UInt64(64 - n))
        buffer <<= UInt64(n)
        count -= n
        return value
    }

    @inline(__always)
    mutating func bit() -> Bool {
        if count < 1 { refill() }
        let value = buffer >> 63
        buffer <<= 1
        count -= 1
        return value != 0
    }

    /// `n` bits read as a signed magnitude category value (T.81 F.2.2.1 EXTEND).
    @inline(__always)
    mutating func receiveExtend(_ n: Int) -> Int32 {
        if n == 0 { return 0 }
        if count < n { refill() }
        let value = Int32(truncatingIfNeeded: buffer >> UInt64(64 &- n))
        buffer <<= UInt64(n)
        count &-= n
        return JPEGBitReader.extend(value, n)
    }

    /// Decodes one Huffman symbol, or -1 for a bit pattern that is no code of the table.
    @inline(__always)
    mutating func decode(_ table: JPEGHuffmanTable) -> Int {
        if count < 16 { refill() }
        return JPEGBitReader.decodeSymbol(table, &buffer, &count)
    }

    /// The symbol of `table` at the front of `buffer` (which holds at least 16 valid bits), consuming its code,
    /// or -1 for a bit pattern that is no code of the table. On the bits rather than the reader so that block
    /// decoders can keep the buffer in locals (registers) across a whole block.
    @inline(__always)
    static func decodeSymbol(_ table: JPEGHuffmanTable, _ buffer: inout UInt64, _ count: inout Int) -> Int {
        let entry = table.fast[Int(buffer >> UInt64(64 - JPEGHuffmanTable.fastBits))]
        if entry != 0 {
            let length = Int(entry >> 8)
            buffer <<= UInt64(length)
            count &-= length
            return Int(entry & 0xFF)
        }
        let code16 = Int32(truncatingIfNeeded: buffer >> 48)
        var length = JPEGHuffmanTable.fastBits + 1
        while length <= 16 {
            let code = code16 >> Int32(16 - length)
            if code <= table.maxCode[length] {
                buffer <<= UInt64(length)
                count &-= length
                let index = Int(table.valueOffset[length] &+ code)
                return index >= 0 && index < table.symbolCount ? Int(table.symbols[index]) : -1
            }
            length += 1
        }
        return -1
    }

    /// T.81 F.2.2.1 EXTEND: `n` raw bits `value` as the signed value of magnitude category `n`.
    @inline(__always)
    static func extend(_ value: Int32, _ n: Int) -> Int32 {
        value < (Int32(1) &<< Int32(n &- 1)) ? value &- (Int32(1) &<< Int32(n)) &+ 1 : value
    }

    /// Discards buffered bits and moves past the restart marker that must come next.
    mutating func restart(expected marker: Int) throws(ImageError) {
        buffer = 0
        count = 0
        markerReached = false
        // Skip fill bytes (0xFF padding) before the marker.
        while position + 1 < bytes.count, bytes[position] == 0xFF, bytes[position + 1] == 0xFF { position += 1 }
        guard position + 1 < bytes.count, bytes[position] == 0xFF else {
            throw ImageError(offset: position, "expected restart marker RST\(marker) (0xFFD\(marker)), found \(position < bytes.count ? "byte 0x" + String(bytes[position], radix: 16) : "end of data")")
        }
        let found = Int(bytes[position + 1])
        guard found == 0xD0 + marker else {
            throw ImageError(offset: position, "expected restart marker RST\(marker) (0xFFD\(marker)), found marker 0xFF\(String(found, radix: 16, uppercase: true))")
        }
        position += 2
    }
}

/// Position of the k-th zig-zag coefficient in the natural (row-major) 8x8 block; entries past 63 absorb
/// corrupt run lengths so they never index out of the block.
let jpegNaturalOrder: [Int] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
    12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
    35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
    58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
]
