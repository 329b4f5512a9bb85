#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The entropy-coded data of one scan, with the stuffed zero bytes (`FF 00`) removed and split at restart
/// markers, so the Huffman decoder reads plain bytes with no marker checks.
///
/// Each restart interval's bytes are followed by 8 zero bytes in ``bytes``: the bit reader may always load
/// 8 bytes, and reading past an interval's end gives zero bits, as libjpeg feeds a decoder whose data ran out.
struct JPEGScanData {
    /// Clean-byte ranges of the restart intervals, in order.
    var segments: [Range<Int>] = []
    /// File offset where each segment's data starts, for error messages.
    var segmentFileStarts: [Int] = []
    /// The RST numbers (0...7) of the markers that end each segment but the last.
    var restartNumbers: [Int] = []
    /// File offset just past the scan data: the marker that ends it, or the file length.
    var endOffset = 0
    /// The file ended inside the scan data (no marker after it).
    var reachedEndOfFile = false

    static let padding = 8

    /// Copies the scan data starting at file offset `start` into `clean` (emptied first).
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, into clean: inout [UInt8]) -> JPEGScanData {
        var data = JPEGScanData()
        clean.removeAll(keepingCapacity: true)
        clean.reserveCapacity(bytes.count - start + 64)
        guard let base = bytes.baseAddress else { return data }
        var position = start
        var segmentStart = 0
        data.segmentFileStarts.append(start)
        let end = bytes.count
        func closeSegment(_ clean: inout [UInt8]) {
            data.segments.append(segmentStart..<clean.count)
            clean.append(contentsOf: repeatElement(0, count: padding))
        }
        while true {
            // Copy the run of ordinary bytes up to the next 0xFF (memchr is vectorised in libc).
            let remaining = end - position
            let found = remaining > 0 ? memchr(base + position, 0xFF, remaining) : nil
            let runEnd = found.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? end
            if runEnd > position {
                clean.append(contentsOf: UnsafeBufferPointer(start: base + position, count: runEnd - position))
            }
            position = runEnd
            guard position + 1 < end else {
                // The file ends inside the scan (possibly on a lone 0xFF).
                closeSegment(&clean)
                data.endOffset = end
                data.reachedEndOfFile = true
                return data
            }
            let next = bytes[position + 1]
            if next == 0x00 {
                clean.append(0xFF)
                position += 2
            } else if next == 0xFF {
                position += 1  // fill byte before a marker
            } else if (0xD0...0xD7).contains(next) {
                closeSegment(&clean)
                data.restartNumbers.append(Int(next - 0xD0))
                position += 2
                segmentStart = clean.count
                data.segmentFileStarts.append(position)
            } else {
                closeSegment(&clean)
                data.endOffset = position
                return data
            }
        }
    }
}

/// Reads the bits of clean scan data (no stuffed bytes), most significant first, refilling without branches:
/// every refill tops the buffer up to 56...63 bits by loading 8 bytes at once. Every symbol (at most 16 code
/// bits and 11 magnitude bits) fits after one refill.
///
/// Past the end of an interval the reader delivers zero bits (libjpeg's behaviour for data that ran out):
/// loads never start beyond ``limit``, whose 8 bytes are padding zeros, while ``pointer`` keeps counting so
/// ``overran`` can tell how far the decoder went.
struct JPEGBitReader {
    let base: UnsafePointer<UInt8>
    /// The next byte to load (may run past ``limit`` once the data is exhausted).
    var pointer: UnsafePointer<UInt8>
    /// The end of the current interval's data: the first of its 8 zero padding bytes.
    var limit: UnsafePointer<UInt8>
    /// Unconsumed bits, the next one in the most significant position.
    var buffer: UInt64 = 0
    /// How many bits of `buffer` are valid.
    var count = 0
    /// Clean offset of the end of the current restart interval's data.
    var segmentEnd = 0
    /// Set when a bit pattern was no valid code, or a run went past the block: libjpeg warns and carries on
    /// (decoding the pattern as it would), which is right when the data ran out (zero bits) and an error
    /// otherwise; the scan loops decide after each MCU.
    var sawInvalidCode = false

    init(base: UnsafePointer<UInt8>) {
        self.base = base
        pointer = base
        limit = base
    }

    /// Positions the reader at the start of `segment`, discarding buffered bits.
    mutating func start(_ segment: Range<Int>) {
        pointer = base + segment.lowerBound
        limit = base + segment.upperBound
        buffer = 0
        count = 0
        segmentEnd = segment.upperBound
    }

    /// Fills the buffer to at least 56 bits (F. Giesen's branchless "variant 4").
    @inline(__always)
    mutating func refill() {
        let word = UInt64(bigEndian: UnsafeRawPointer(min(pointer, limit)).loadUnaligned(as: UInt64.self))
        buffer |= word &>> UInt64(count)
        pointer += (63 &- count) &>> 3
        count |= 56
    }

    /// Bits consumed since the start of the clean data.
    var consumedBits: Int { (pointer - base) &* 8 &- count }

    /// Whether more bits were consumed than the current interval holds: its data ended early.
    var overran: Bool { consumedBits > segmentEnd &* 8 }

    /// The next `n` bits (1...32) without consuming them; the buffer must hold at least `n`.
    @inline(__always)
    func peek(_ n: Int) -> Int32 { Int32(truncatingIfNeeded: buffer &>> UInt64(64 &- n)) }

    @inline(__always)
    mutating func skip(_ n: Int) {
        buffer &<<= UInt64(n)
        count &-= n
    }

    /// The next `n` bits (0...16) as a number, after a refill when needed.
    @inline(__always)
    mutating func bits(_ n: Int) -> Int32 {
        if n == 0 { return 0 }
        if count < n { refill() }
        let value = peek(n)
        skip(n)
        return value
    }

    @inline(__always)
    mutating func bit() -> Bool {
        if count < 1 { refill() }
        let value = buffer &>> 63
        skip(1)
        return value != 0
    }

    /// Decodes one symbol of `table`; a pattern that is no code reads as symbol 0 after 16 bits, as libjpeg's
    /// `jpeg_huff_decode` does, and sets ``sawInvalidCode``.
    @inline(__always)
    mutating func symbol(_ table: JPEGTableReference) -> Int {
        if count < 16 { refill() }
        guard let (symbol, length) = table.decodeSymbol(peek(16)) else {
            sawInvalidCode = true
            skip(16)
            return 0
        }
        skip(length)
        return symbol
    }

    /// `n` magnitude bits read as the signed value of category `n` (T.81 F.2.2.1 EXTEND); 0 for `n == 0`.
    @inline(__always)
    mutating func receiveExtend(_ n: Int) -> Int32 {
        if n == 0 { return 0 }
        return JPEGHuffmanTable.extend(bits(n), n)
    }
}
