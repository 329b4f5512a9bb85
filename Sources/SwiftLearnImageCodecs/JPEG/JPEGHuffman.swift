import SwiftLearnSystem

/// A JPEG Huffman table (ITU T.81 Annex C) with lookahead tables that decode whole coefficients in one load.
///
/// The lookahead tables are indexed by the next bits of the stream. When a code and the magnitude bits after it
/// fit in the window, the entry holds the finished coefficient (bits to consume, the run of zeros before it, its
/// value); an AC ``pairLookup`` entry holds up to two coefficients, so short codes (most of them) take half a
/// lookup each. Otherwise the entry is 0 and the decoder takes the canonical-code path (``decodeSymbol(_:)``),
/// which handles every code of up to 16 bits. A class over raw storage, so the per-symbol work touches no
/// reference counts or bounds checks; tables are immutable once built and shared through ``cached(isAC:counts:symbols:)``.
final class JPEGHuffmanTable: @unchecked Sendable {
    static let acLookaheadBits = 11
    static let dcLookaheadBits = 9

    /// Packed AC entries (AC tables only): `value << 16 | run << 8 | bitsConsumed`; `run` 0xFF marks
    /// end-of-block (EOB); `bitsConsumed` 0 means "use the slow path".
    let acLookup: UnsafeMutablePointer<Int32>
    /// Packed pairs of AC entries (AC tables only), see ``Pair``.
    let pairLookup: UnsafeMutablePointer<UInt64>
    /// Packed DC entries (DC tables only): `difference << 16 | bitsConsumed`; 0 means "use the slow path".
    let dcLookup: UnsafeMutablePointer<Int32>
    /// Plain symbol entries for the next 9 bits: `length << 8 | symbol`, 0 when the code is longer.
    let symbolLookup: UnsafeMutablePointer<UInt16>
    /// Largest code of each length (right-aligned), -1 when there is none; index 17 is a sentinel.
    let maxCode: UnsafeMutablePointer<Int32>
    /// `symbols[valueOffset[l] + code]` is the symbol of an `l`-bit code.
    let valueOffset: UnsafeMutablePointer<Int32>
    /// 256 entries (unused ones 0), so any in-range index is safe.
    let symbols: UnsafeMutablePointer<UInt8>
    let symbolCount: Int

    static let endOfBlockRun: Int32 = 0xFF

    /// The fields of a ``pairLookup`` entry: bits 0-7 bits consumed by both symbols (0: slow path), bits 12-15
    /// those of the first, then flags, the runs of zeros before each coefficient and the two values. A first
    /// coefficient that fills the block (position 63) ends it without EOB: the bits after it are the next
    /// block's DC code, so decoders consume the two symbols separately.
    enum Pair {
        static let hasSecond: UInt64 = 1 << 8
        static let endsBlock: UInt64 = 1 << 9
        static let onlyEndOfBlock: UInt64 = 1 << 10
        static let length1Shift: UInt64 = 12
        static let run1Shift: UInt64 = 16
        static let run2Shift: UInt64 = 24
        static let value1Shift: UInt64 = 32
        static let value2Shift: UInt64 = 48
    }

    /// Builds the table from the DHT counts (`counts[l - 1]` codes of length `l`) and symbols: the DC or the AC
    /// lookahead tables, as the table's class says.
    /// - Throws: ``ImageError`` when the counts describe more codes than a length allows (over-subscribed).
    init(isAC: Bool, counts: [Int], symbols source: [UInt8]) throws(ImageError) {
        // Every stored property is set before the first `throw`, so a rejected table runs `deinit` and frees
        // its storage (a throw from a partially initialized class instance skips `deinit` and leaks).
        let acSize = isAC ? 1 << JPEGHuffmanTable.acLookaheadBits : 1
        let dcSize = isAC ? 1 : 1 << JPEGHuffmanTable.dcLookaheadBits
        acLookup = .allocate(capacity: acSize)
        acLookup.initialize(repeating: 0, count: acSize)
        pairLookup = .allocate(capacity: acSize)
        pairLookup.initialize(repeating: 0, count: acSize)
        dcLookup = .allocate(capacity: dcSize)
        dcLookup.initialize(repeating: 0, count: dcSize)
        symbolLookup = .allocate(capacity: 1 << JPEGHuffmanTable.dcLookaheadBits)
        symbolLookup.initialize(repeating: 0, count: 1 << JPEGHuffmanTable.dcLookaheadBits)
        maxCode = .allocate(capacity: 18)
        maxCode.initialize(repeating: -1, count: 18)
        valueOffset = .allocate(capacity: 18)
        valueOffset.initialize(repeating: 0, count: 18)
        symbols = .allocate(capacity: 256)
        symbols.initialize(repeating: 0, count: 256)
        symbolCount = min(source.count, 256)
        for i in 0..<symbolCount { symbols[i] = source[i] }
        // Canonical codes: (code, length, symbol) in increasing code order.
        var codes: [(code: Int, length: Int, symbol: Int)] = []
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
                    codes.append((Int(code), length, Int(symbols[index])))
                    code += 1
                    index += 1
                }
                maxCode[length] = code - 1
            }
            code <<= 1
        }
        maxCode[17] = Int32.max
        for entry in codes {
            if isAC {
                fillAC(entry.code, length: entry.length, symbol: entry.symbol)
            } else {
                fillDC(entry.code, length: entry.length, symbol: entry.symbol)
            }
            let bits = JPEGHuffmanTable.dcLookaheadBits
            if entry.length <= bits {
                for fill in 0..<(1 << (bits - entry.length)) {
                    symbolLookup[entry.code << (bits - entry.length) | fill] = UInt16(entry.length << 8 | entry.symbol)
                }
            }
        }
        if isAC { fillPairs() }
    }

    /// Pair entries from the single ones: the first coefficient of each window, then, in the bits it leaves, a
    /// second one (or EOB) when its code and magnitude fit there too.
    private func fillPairs() {
        let bits = JPEGHuffmanTable.acLookaheadBits
        let mask = (1 << bits) - 1
        for window in 0..<(1 << bits) {
            let first = acLookup[window]
            let length1 = Int(first & 0xFF)
            guard length1 != 0 else { continue }
            let run1 = (first >> 8) & 0xFF
            if run1 == JPEGHuffmanTable.endOfBlockRun {
                pairLookup[window] = Pair.onlyEndOfBlock | UInt64(length1)
                continue
            }
            var entry = UInt64(length1) | UInt64(length1) << Pair.length1Shift | UInt64(run1) << Pair.run1Shift
                | UInt64(UInt16(truncatingIfNeeded: first >> 16)) << Pair.value1Shift
            let second = acLookup[(window << length1) & mask]
            let length2 = Int(second & 0xFF)
            if length2 != 0 && length1 + length2 <= bits {
                let run2 = (second >> 8) & 0xFF
                if run2 == JPEGHuffmanTable.endOfBlockRun {
                    entry |= Pair.endsBlock
                } else {
                    entry |= Pair.hasSecond | UInt64(run2) << Pair.run2Shift
                        | UInt64(UInt16(truncatingIfNeeded: second >> 16)) << Pair.value2Shift
                }
                entry = (entry & ~0xFF) | UInt64(length1 + length2)
            }
            pairLookup[window] = entry
        }
    }

    private static let cache = Locked<[[UInt8]: JPEGHuffmanTable]>([:])
    private static let cacheLimit = 64

    /// The table for this DHT content, built once per process: files of a dataset almost always share a
    /// few tables (libjpeg's Annex K defaults, or one encoder's optimized set), and building the lookahead tables
    /// costs about as much as decoding a small image.
    static func cached(isAC: Bool, counts: [Int], symbols: [UInt8]) throws(ImageError) -> JPEGHuffmanTable {
        let key = [isAC ? 1 : 0] + counts.map { UInt8(truncatingIfNeeded: $0) } + symbols
        if let table = cache.withLock({ $0[key] }) { return table }
        let table = try JPEGHuffmanTable(isAC: isAC, counts: counts, symbols: symbols)
        cache.withLock { cache in
            if cache.count < cacheLimit { cache[key] = table }
        }
        return table
    }

    /// AC entries of every window that starts with `code`: a coefficient of `size` magnitude bits after a run
    /// of `run` zeros, EOB, or ZRL (16 zeros: run 15 with value 0).
    private func fillAC(_ code: Int, length: Int, symbol: Int) {
        let bits = JPEGHuffmanTable.acLookaheadBits
        let run = symbol >> 4, size = symbol & 15
        guard length <= bits else { return }
        if size == 0 {
            // EOB ends the block; ZRL skips 16. Other (run, 0) symbols are EOB runs of progressive scans,
            // which carry extra bits: slow path.
            guard run == 0 || run == 15 else { return }
            let packed = run == 0 ? JPEGHuffmanTable.endOfBlockRun << 8 | Int32(length) : Int32(15) << 8 | Int32(length)
            for fill in 0..<(1 << (bits - length)) { acLookup[code << (bits - length) | fill] = packed }
            return
        }
        guard length + size <= bits else { return }
        let total = length + size
        for magnitude in 0..<(1 << size) {
            let value = JPEGHuffmanTable.extend(Int32(magnitude), size)
            let packed = value << 16 | Int32(run) << 8 | Int32(total)
            let prefix = (code << size | magnitude) << (bits - total)
            for fill in 0..<(1 << (bits - total)) { acLookup[prefix | fill] = packed }
        }
    }

    /// DC entries: a difference of `symbol` magnitude bits (categories up to 11) after its code.
    private func fillDC(_ code: Int, length: Int, symbol size: Int) {
        let bits = JPEGHuffmanTable.dcLookaheadBits
        guard size <= 15, length + size <= bits else { return }
        let total = length + size
        for magnitude in 0..<(1 << size) {
            let value = size == 0 ? 0 : JPEGHuffmanTable.extend(Int32(magnitude), size)
            let packed = value << 16 | Int32(total)
            let prefix = (code << size | magnitude) << (bits - total)
            for fill in 0..<(1 << (bits - total)) { dcLookup[prefix | fill] = packed }
        }
    }

    /// Whether `counts` (codes per length 1...16) can be canonical codes at all.
    /// - Throws: ``ImageError`` when some length has more codes than remain (an over-subscribed table).
    static func checkCounts(_ counts: [Int]) throws(ImageError) {
        var available = 2  // codes of length 1
        for length in 1...16 {
            let n = counts[length - 1]
            guard n <= available else {
                throw ImageError("Huffman table is over-subscribed at code length \(length): \(n) codes where at most \(available) remain")
            }
            available = (available - n) * 2
        }
    }

    deinit {
        acLookup.deallocate()
        pairLookup.deallocate()
        dcLookup.deallocate()
        symbolLookup.deallocate()
        maxCode.deallocate()
        valueOffset.deallocate()
        symbols.deallocate()
    }

    /// The symbol whose code starts `window` (the next 16 bits, most significant first) and its code length,
    /// or `nil` for a bit pattern that is no code of the table.
    @inline(__always)
    func decodeSymbol(_ window: Int32) -> (symbol: Int, length: Int)? {
        let entry = symbolLookup[Int(window >> Int32(16 - JPEGHuffmanTable.dcLookaheadBits))]
        if entry != 0 { return (Int(entry & 0xFF), Int(entry >> 8)) }
        var length = JPEGHuffmanTable.dcLookaheadBits + 1
        while length <= 16 {
            let code = window >> Int32(16 - length)
            if code <= maxCode[length] {
                let index = Int(valueOffset[length] &+ code)
                guard index >= 0 && index < symbolCount else { return nil }
                return (Int(symbols[index]), length)
            }
            length += 1
        }
        return nil
    }

    /// T.81 F.2.2.1 EXTEND: `n` raw bits `value` as the signed value of magnitude category `n` (n >= 1).
    @inline(__always)
    static func extend(_ value: Int32, _ n: Int) -> Int32 {
        value < (Int32(1) &<< Int32(n &- 1)) ? value &- (Int32(1) &<< Int32(n)) &+ 1 : value
    }
}

/// Builds Huffman tables from DHT payloads and from the Annex K defaults.
extension JPEGHuffmanTable {
    /// The standard table `spec` (T.81 Annex K), which Motion-JPEG frames use without sending it.
    static func standard(_ spec: JPEGStandardTables.HuffmanSpec, isAC: Bool) -> JPEGHuffmanTable {
        // The Annex K tables are valid by construction.
        try! cached(isAC: isAC, counts: spec.counts.map(Int.init), symbols: spec.symbols)
    }
}

/// A table as the hot decoding loops use it: its lookahead tables by pointer and the table itself unmanaged,
/// so passing it around costs no reference counting. The owner (the decoding's table arrays) keeps it alive.
struct JPEGTableReference {
    let acLookup: UnsafeMutablePointer<Int32>
    let pairLookup: UnsafeMutablePointer<UInt64>
    let dcLookup: UnsafeMutablePointer<Int32>
    private let table: Unmanaged<JPEGHuffmanTable>

    init(_ table: JPEGHuffmanTable) {
        acLookup = table.acLookup
        pairLookup = table.pairLookup
        dcLookup = table.dcLookup
        self.table = Unmanaged.passUnretained(table)
    }

    /// ``JPEGHuffmanTable/decodeSymbol(_:)`` without retaining the table.
    @inline(__always)
    func decodeSymbol(_ window: Int32) -> (symbol: Int, length: Int)? {
        table._withUnsafeGuaranteedRef { $0.decodeSymbol(window) }
    }
}
