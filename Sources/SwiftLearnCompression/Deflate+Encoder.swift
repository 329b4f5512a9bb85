// DEFLATE (RFC 1951) compressor with zlib (RFC 1950) and gzip (RFC 1952) framing.
//
// Everything this file needs lives inside `DeflateEncoder` so that no internal name can collide with the
// decoder side of the module (inflate, gzip and zip readers are written separately).

/// Errors raised while configuring the DEFLATE encoder.
public enum DeflateEncoderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A compression level outside `0...9`.
    case invalidLevel(Int)

    public var description: String {
        switch self {
        case .invalidLevel(let level):
            return "invalid DEFLATE compression level \(level): expected an integer in 0...9 (0 = stored, 9 = best)"
        }
    }
}

/// A DEFLATE compressor: LZ77 over a 32 KiB window with hash chains and lazy matching, then per block the
/// cheapest of a dynamic Huffman block (length-limited codes, at most 15 bits; code-length code at most 7 bits),
/// the fixed Huffman block and stored blocks.
///
/// The output is a standard stream that zlib, Python's `zlib`/`gzip` and any RFC 1951 inflater decode.
/// The same input and level always give the same bytes.
///
/// ```swift
/// let raw = DeflateEncoder.deflate(bytes)                  // raw RFC 1951 stream
/// let z   = DeflateEncoder.zlib(bytes, level: .best)        // RFC 1950: header + deflate + Adler-32
/// let gz  = DeflateEncoder.gzip(bytes)                      // RFC 1952: a one-member .gz file
/// ```
public enum DeflateEncoder {
    /// How hard the matcher searches. `0` writes stored blocks only; `1...3` match greedily;
    /// `4...9` defer a match by one byte when the next position gives a longer one (lazy matching).
    /// The parameters follow zlib's configuration table, so levels compare with `zlib.compress(data, level)`.
    public struct Level: Sendable, Equatable, Hashable, CustomStringConvertible {
        /// The numeric level, `0...9`.
        public let value: Int

        /// Creates a level from `0...9`.
        /// - Throws: ``DeflateEncoderError/invalidLevel(_:)`` quoting the value for anything else.
        public init(_ value: Int) throws(DeflateEncoderError) {
            guard (0...9).contains(value) else { throw DeflateEncoderError.invalidLevel(value) }
            self.value = value
        }

        private init(unchecked value: Int) { self.value = value }

        /// Stored blocks only (no compression, framing only).
        public static let stored = Level(unchecked: 0)
        /// The fastest level that compresses.
        public static let fastest = Level(unchecked: 1)
        /// zlib's default trade-off (level 6).
        public static let `default` = Level(unchecked: 6)
        /// The smallest output (level 9).
        public static let best = Level(unchecked: 9)

        public var description: String { "Level(\(value))" }

        /// zlib's (good_length, max_lazy, nice_length, max_chain) for this level.
        var parameters: (good: Int, lazy: Int, nice: Int, chain: Int) {
            switch value {
            case 1: return (4, 4, 8, 4)
            case 2: return (4, 5, 16, 8)
            case 3: return (4, 6, 32, 32)
            case 4: return (4, 4, 16, 16)
            case 5: return (8, 16, 32, 32)
            case 6: return (8, 16, 128, 128)
            case 7: return (8, 32, 128, 256)
            case 8: return (32, 128, 258, 1024)
            default: return (32, 258, 258, 4096)
            }
        }

        var isLazy: Bool { value >= 4 }
    }

    // MARK: - Public entry points

    /// Compresses `bytes` into a raw DEFLATE stream (RFC 1951, no header or checksum).
    public static func deflate(_ bytes: [UInt8], level: Level = .default) -> [UInt8] {
        var writer = BitWriter()
        writer.bytes.reserveCapacity(bytes.count / 2 + 64)
        bytes.withUnsafeBufferPointer { input in
            compressStream(input, level: level, into: &writer)
        }
        writer.flushToByte()
        return writer.bytes
    }

    /// Compresses `bytes` into a zlib stream (RFC 1950): 2-byte header (deflate, 32 KiB window, FLEVEL from the
    /// level), the DEFLATE data, then the Adler-32 of the input, big-endian.
    public static func zlib(_ bytes: [UInt8], level: Level = .default) -> [UInt8] {
        let cmf: UInt8 = 0x78  // CM = 8 (deflate), CINFO = 7 (32 KiB window)
        let flevel: UInt8
        switch level.value {
        case 0, 1: flevel = 0
        case 2...5: flevel = 1
        case 6: flevel = 2
        default: flevel = 3
        }
        var flg = flevel << 6
        let remainder = (UInt16(cmf) << 8 | UInt16(flg)) % 31
        if remainder != 0 { flg += UInt8(31 - remainder) }  // FCHECK makes the 16-bit header a multiple of 31
        var out: [UInt8] = [cmf, flg]
        out.append(contentsOf: deflate(bytes, level: level))
        let adler = Adler32.checksum(bytes)
        out.append(contentsOf: [UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF), UInt8((adler >> 8) & 0xFF),
                                UInt8(adler & 0xFF)])
        return out
    }

    /// Compresses `bytes` into a single-member gzip file (RFC 1952): header with no name and mtime 0
    /// (so output is reproducible), the DEFLATE data, CRC-32 and ISIZE (input length mod 2^32), little-endian.
    public static func gzip(_ bytes: [UInt8], level: Level = .default) -> [UInt8] {
        let xfl: UInt8 = level.value == 9 ? 2 : (level.value == 1 ? 4 : 0)
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, xfl, 255]
        out.append(contentsOf: deflate(bytes, level: level))
        let crc = CRC32.checksum(bytes)
        let size = UInt32(truncatingIfNeeded: bytes.count)
        for value in [crc, size] {
            out.append(contentsOf: [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF),
                                    UInt8(value >> 24)])
        }
        return out
    }

    // MARK: - Bit output

    /// LSB-first bit packer (DEFLATE's bit order); Huffman codes are stored pre-reversed.
    struct BitWriter {
        var bytes: [UInt8] = []
        private var buffer: UInt64 = 0
        private var count = 0

        /// Appends the low `bits` bits of `value` (at most 16 per call), flushing whole 32-bit words.
        @inline(__always)
        mutating func write(_ value: UInt32, bits: Int) {
            buffer |= UInt64(value) << UInt64(count)
            count += bits
            if count >= 32 {
                let word = UInt32(truncatingIfNeeded: buffer)
                bytes.append(UInt8(truncatingIfNeeded: word))
                bytes.append(UInt8(truncatingIfNeeded: word >> 8))
                bytes.append(UInt8(truncatingIfNeeded: word >> 16))
                bytes.append(UInt8(truncatingIfNeeded: word >> 24))
                buffer >>= 32
                count -= 32
            }
        }

        /// Pads with zero bits to the next byte boundary and moves every pending whole byte out.
        mutating func flushToByte() {
            while count > 0 {
                bytes.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                count = max(0, count - 8)
            }
            buffer = 0
        }

        /// Bits needed to reach the next byte boundary.
        var bitsToByteBoundary: Int { (8 - count % 8) % 8 }
    }

    // MARK: - Tables

    /// Base lengths and extra bits of length symbols 257...285.
    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83,
                                    99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5,
                                     5, 0]
    /// Base distances and extra bits of distance symbols 0...29.
    static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                                      1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11,
                                       11, 12, 12, 13, 13]
    /// Order in which code-length code lengths are sent (RFC 1951 3.2.7).
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// Length 3...258 → length code index 0...28.
    static let lengthCodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 259)
        for code in 0..<29 {
            let end = code == 28 ? 259 : lengthBase[code + 1]
            let start = lengthBase[code]
            for length in start..<min(end, 259) { table[length] = UInt8(code) }
        }
        table[258] = 28  // 258 has its own code although 227 + 31 would also reach it
        return table
    }()

    /// Distance-1 → distance code, zlib style: entries 0..<256 for small distances, 256..<512 for (d-1) >> 7.
    static let distanceCodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 512)
        for code in 0..<30 {
            let start = distanceBase[code] - 1
            let end = start + (1 << distanceExtra[code])
            for d in start..<end {
                if d < 256 { table[d] = UInt8(code) } else { table[256 + (d >> 7)] = UInt8(code) }
            }
        }
        return table
    }()

    @inline(__always)
    static func distanceCode(_ distance: Int, table: [UInt8]) -> Int {
        let d = distance - 1
        return Int(d < 256 ? table[d] : table[256 + (d >> 7)])
    }

    static let fixedLiteralLengths: [UInt8] = (0..<288).map { symbol in
        symbol < 144 ? 8 : symbol < 256 ? 9 : symbol < 280 ? 7 : 8
    }
    static let fixedDistanceLengths = [UInt8](repeating: 5, count: 30)

    // MARK: - Huffman codes

    /// Optimal prefix-code lengths limited to `maxBits`, by package-merge (Larmore and Hirschberg).
    /// Symbols with frequency 0 get length 0. When fewer than two symbols are used, the code is padded to
    /// two symbols so that it is complete (some inflaters reject incomplete codes).
    static func codeLengths(frequencies: [Int], maxBits: Int) -> [UInt8] {
        var used = frequencies.indices.filter { frequencies[$0] > 0 }
        var lengths = [UInt8](repeating: 0, count: frequencies.count)
        if used.count < 2 {
            // One-bit code for the used symbol (if any) and a partner, so the code is complete.
            let first = used.first ?? 0
            let partner = first == 0 ? 1 : 0
            lengths[first] = 1
            lengths[partner] = 1
            return lengths
        }
        used.sort { (frequencies[$0], $0) < (frequencies[$1], $1) }
        let n = used.count
        // Each list item is a leaf (symbol index into `used`) or a package of two items of the previous list.
        struct Item { var weight: Int; var leaf: Int }  // leaf == -1 marks a package
        let leaves = used.enumerated().map { Item(weight: frequencies[$0.element], leaf: $0.offset) }
        var lists: [[Item]] = [leaves]
        for _ in 1..<maxBits {
            let previous = lists[lists.count - 1]
            var merged: [Item] = []
            merged.reserveCapacity(leaves.count + previous.count / 2)
            var leafIndex = 0
            var pairIndex = 0
            while leafIndex < leaves.count || pairIndex + 1 < previous.count {
                let packageWeight = pairIndex + 1 < previous.count
                    ? previous[pairIndex].weight + previous[pairIndex + 1].weight : Int.max
                if leafIndex < leaves.count && leaves[leafIndex].weight <= packageWeight {
                    merged.append(leaves[leafIndex])
                    leafIndex += 1
                } else {
                    merged.append(Item(weight: packageWeight, leaf: -1))
                    pairIndex += 2
                }
            }
            lists.append(merged)
        }
        // The first 2n-2 items of the last list are the solution; the packages among a chosen prefix select
        // the first 2p items of the list below it.
        var counts = [Int](repeating: 0, count: n)
        var take = 2 * n - 2
        for level in stride(from: lists.count - 1, through: 0, by: -1) {
            var packages = 0
            for item in lists[level].prefix(take) {
                if item.leaf >= 0 { counts[item.leaf] += 1 } else { packages += 1 }
            }
            take = 2 * packages
        }
        for (rank, symbol) in used.enumerated() { lengths[symbol] = UInt8(counts[rank]) }
        return lengths
    }

    /// Canonical codes (RFC 1951 3.2.2) for `lengths`, bit-reversed for LSB-first output.
    static func canonicalCodes(lengths: [UInt8]) -> [UInt32] {
        var lengthCounts = [Int](repeating: 0, count: 16)
        for length in lengths where length > 0 { lengthCounts[Int(length)] += 1 }
        var nextCode = [UInt32](repeating: 0, count: 16)
        var code: UInt32 = 0
        for bits in 1..<16 {
            code = (code + UInt32(lengthCounts[bits - 1])) << 1
            nextCode[bits] = code
        }
        var codes = [UInt32](repeating: 0, count: lengths.count)
        for (symbol, length) in lengths.enumerated() where length > 0 {
            let value = nextCode[Int(length)]
            nextCode[Int(length)] += 1
            var reversed: UInt32 = 0
            for bit in 0..<Int(length) where value & (1 << UInt32(bit)) != 0 {
                reversed |= 1 << UInt32(Int(length) - 1 - bit)
            }
            codes[symbol] = reversed
        }
        return codes
    }

    // MARK: - LZ77 tokens

    /// A literal (`distance == 0`, `value` = byte) or a match (`value` = length 3...258, `distance` 1...32768).
    struct Token {
        var value: UInt16
        var distance: UInt16
        var isMatch: Bool
    }

    static let windowSize = 32768
    static let hashBits = 15
    static let minMatch = 3
    static let maxMatch = 258
    /// Tokens per block before the block is flushed: large enough for good statistics, small enough to adapt.
    static let tokensPerBlock = 16384

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>) -> Int {
        let v = UInt32(p[0]) | UInt32(p[1]) << 8 | UInt32(p[2]) << 16
        return Int((v &* 0x9E37_79B1) >> UInt32(32 - hashBits))
    }

    /// Length of the common prefix of `a` and `b`, at most `limit`.
    @inline(__always)
    static func matchLength(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, limit: Int) -> Int {
        var length = 0
        while length + 8 <= limit {
            let x = UnsafeRawPointer(a + length).loadUnaligned(as: UInt64.self)
            let y = UnsafeRawPointer(b + length).loadUnaligned(as: UInt64.self)
            let diff = x ^ y
            if diff != 0 { return length + (UInt64(littleEndian: diff).trailingZeroBitCount >> 3) }
            length += 8
        }
        while length < limit && a[length] == b[length] { length += 1 }
        return length
    }

    static func compressStream(_ input: UnsafeBufferPointer<UInt8>, level: Level, into writer: inout BitWriter) {
        let count = input.count
        guard let base = input.baseAddress, count > 0 else {
            // Empty input: one final fixed-Huffman block holding only end-of-block.
            writer.write(1, bits: 1)
            writer.write(1, bits: 2)
            writer.write(0, bits: 7)
            return
        }
        if level.value == 0 {
            writeStored(input, from: 0, to: count, isFinal: true, into: &writer)
            return
        }
        let (goodLength, maxLazy, niceLength, maxChain) = level.parameters
        var tokens: [Token] = []
        tokens.reserveCapacity(tokensPerBlock + 2)
        var blockStart = 0
        let windowMask = windowSize - 1

        // Hash chains: head[h] is the latest position whose next 3 bytes hash to h, previous[p & windowMask] the
        // position before p on p's chain (absolute positions, -1 ends a chain). Raw buffers rather than arrays so
        // the hot loop has no uniqueness checks; nothing mutable is captured by the helpers below, which keeps
        // exclusivity checks static.
        let head = UnsafeMutablePointer<Int32>.allocate(capacity: 1 << hashBits)
        head.initialize(repeating: -1, count: 1 << hashBits)
        let previous = UnsafeMutablePointer<Int32>.allocate(capacity: windowSize)
        previous.initialize(repeating: -1, count: windowSize)
        defer {
            head.deallocate()
            previous.deallocate()
        }

        @inline(__always) func insert(_ position: Int) {
            guard position + minMatch <= count else { return }
            let h = hash(base + position)
            previous[position & windowMask] = head[h]
            head[h] = Int32(position)
        }

        /// Longest match for `position` among earlier positions on its chain (already inserted).
        @inline(__always) func longestMatch(_ position: Int, previousLength: Int) -> (length: Int, distance: Int) {
            let limit = min(maxMatch, count - position)
            guard limit >= minMatch else { return (0, 0) }
            var bestLength = max(previousLength, minMatch - 1)
            // Nothing can beat a previous match that already reaches the end of the input (and probing
            // byte bestLength would read past it).
            guard bestLength < limit else { return (0, 0) }
            var chain = previousLength >= goodLength ? maxChain >> 2 : maxChain
            var bestDistance = 0
            var candidate = Int(previous[position & windowMask])
            let lowest = position - windowSize
            let current = base + position
            while candidate >= 0 && candidate > lowest && chain > 0 {
                let probe = base + candidate
                if probe[bestLength] == current[bestLength] && probe[0] == current[0] {
                    let length = matchLength(probe, current, limit: limit)
                    if length > bestLength {
                        bestLength = length
                        bestDistance = position - candidate
                        if length >= niceLength || length == limit { break }
                    }
                }
                let next = Int(previous[candidate & windowMask])
                if next >= candidate { break }  // a recycled slot: the chain left the window
                candidate = next
                chain -= 1
            }
            return bestDistance > 0 ? (bestLength, bestDistance) : (0, 0)
        }

        var position = 0
        if level.isLazy {
            var pendingLength = 0
            var pendingDistance = 0
            var hasPending = false  // a literal at position-1 not yet emitted
            while position < count {
                insert(position)
                var length = 0
                var distance = 0
                if pendingLength < maxLazy {
                    (length, distance) = longestMatch(position, previousLength: pendingLength)
                    // A length-3 match far away costs more than three literals.
                    if length == minMatch && distance > 4096 { length = 0 }
                }
                if pendingLength >= minMatch && length <= pendingLength {
                    tokens.append(Token(value: UInt16(pendingLength),
                                        distance: UInt16(truncatingIfNeeded: pendingDistance), isMatch: true))
                    let end = position - 1 + pendingLength
                    position += 1
                    while position < end { insert(position); position += 1 }
                    hasPending = false
                    pendingLength = 0
                    if tokens.count >= tokensPerBlock {
                        writeBlock(tokens: tokens, input: input, from: blockStart, to: position, isFinal: false,
                                   into: &writer)
                        tokens.removeAll(keepingCapacity: true)
                        blockStart = position
                    }
                    continue
                }
                if hasPending {
                    tokens.append(Token(value: UInt16(input[position - 1]), distance: 0, isMatch: false))
                    if tokens.count >= tokensPerBlock {
                        writeBlock(tokens: tokens, input: input, from: blockStart, to: position, isFinal: false,
                                   into: &writer)
                        tokens.removeAll(keepingCapacity: true)
                        blockStart = position
                    }
                }
                hasPending = true
                pendingLength = length
                pendingDistance = distance
                position += 1
            }
            if hasPending {
                tokens.append(Token(value: UInt16(input[count - 1]), distance: 0, isMatch: false))
            }
        } else {
            while position < count {
                insert(position)
                var (length, distance) = longestMatch(position, previousLength: 0)
                if length == minMatch && distance > 4096 { length = 0 }
                if length >= minMatch {
                    tokens.append(Token(value: UInt16(length), distance: UInt16(truncatingIfNeeded: distance),
                                        isMatch: true))
                    let end = position + length
                    position += 1
                    while position < end { insert(position); position += 1 }
                } else {
                    tokens.append(Token(value: UInt16(input[position]), distance: 0, isMatch: false))
                    position += 1
                }
                if tokens.count >= tokensPerBlock {
                    writeBlock(tokens: tokens, input: input, from: blockStart, to: position, isFinal: false,
                               into: &writer)
                    tokens.removeAll(keepingCapacity: true)
                    blockStart = position
                }
            }
        }
        writeBlock(tokens: tokens, input: input, from: blockStart, to: count, isFinal: true, into: &writer)
    }

    /// Writes `input[from..<to]` as stored blocks of at most 65535 bytes.
    static func writeStored(_ input: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, isFinal: Bool,
                            into writer: inout BitWriter) {
        var offset = start
        repeat {
            let length = min(65535, end - offset)
            let last = isFinal && offset + length == end
            writer.write(last ? 1 : 0, bits: 1)
            writer.write(0, bits: 2)
            writer.flushToByte()
            writer.write(UInt32(length), bits: 16)
            writer.write(UInt32(~UInt16(length)), bits: 16)
            writer.flushToByte()  // LEN/NLEN fill exactly 32 bits, so this only moves them out of the buffer
            writer.bytes.append(contentsOf: input[offset..<(offset + length)])
            offset += length
        } while offset < end
    }

    /// Emits one block of tokens covering `input[from..<to]`, choosing the smallest of dynamic, fixed and stored.
    static func writeBlock(tokens: [Token], input: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                           isFinal: Bool, into writer: inout BitWriter) {
        var literalFrequencies = [Int](repeating: 0, count: 286)
        var distanceFrequencies = [Int](repeating: 0, count: 30)
        var extraBits = 0
        let lengthCodeTable = Self.lengthCodeTable, lengthExtra = Self.lengthExtra, distanceExtra = Self.distanceExtra
        let distanceTable = Self.distanceCodeTable
        for token in tokens {
            if token.isMatch {
                let lengthCode = Int(lengthCodeTable[Int(token.value)])
                literalFrequencies[257 + lengthCode] += 1
                extraBits += lengthExtra[lengthCode]
                let distanceSymbol = distanceCode(Int(token.distance), table: distanceTable)
                distanceFrequencies[distanceSymbol] += 1
                extraBits += distanceExtra[distanceSymbol]
            } else {
                literalFrequencies[Int(token.value)] += 1
            }
        }
        literalFrequencies[256] = 1

        let literalLengths = codeLengths(frequencies: literalFrequencies, maxBits: 15)
        let distanceLengths = codeLengths(frequencies: distanceFrequencies, maxBits: 15)
        let header = DynamicHeader(literalLengths: literalLengths, distanceLengths: distanceLengths)

        func payloadBits(_ literal: [UInt8], _ distance: [UInt8]) -> Int {
            var bits = extraBits
            for (symbol, frequency) in literalFrequencies.enumerated() where frequency > 0 {
                bits += frequency * Int(literal[symbol])
            }
            for (symbol, frequency) in distanceFrequencies.enumerated() where frequency > 0 {
                bits += frequency * Int(distance[symbol])
            }
            return bits
        }
        let dynamicBits = 3 + header.bitCount + payloadBits(literalLengths, distanceLengths)
        let fixedBits = 3 + payloadBits(fixedLiteralLengths, fixedDistanceLengths)
        let rawLength = end - start
        let storedBits = writer.bitsToByteBoundary + (3 + 7 + 32) * max(1, (rawLength + 65534) / 65535)
            + 8 * rawLength

        if storedBits <= min(dynamicBits, fixedBits) {
            writeStored(input, from: start, to: end, isFinal: isFinal, into: &writer)
            return
        }
        writer.write(isFinal ? 1 : 0, bits: 1)
        if dynamicBits < fixedBits {
            writer.write(2, bits: 2)
            header.write(into: &writer)
            writeTokens(tokens, literalLengths: literalLengths, distanceLengths: distanceLengths, into: &writer)
        } else {
            writer.write(1, bits: 2)
            writeTokens(tokens, literalLengths: fixedLiteralLengths, distanceLengths: fixedDistanceLengths,
                        into: &writer)
        }
    }

    static func writeTokens(_ tokens: [Token], literalLengths: [UInt8], distanceLengths: [UInt8],
                            into writer: inout BitWriter) {
        let literalCodes = canonicalCodes(lengths: literalLengths)
        let distanceCodes = canonicalCodes(lengths: distanceLengths)
        // Local copies: a `static let` read in a loop costs a lazy-initialisation check and a retain each time.
        let lengthCodeTable = Self.lengthCodeTable, lengthExtra = Self.lengthExtra, lengthBase = Self.lengthBase
        let distanceExtra = Self.distanceExtra, distanceBase = Self.distanceBase
        let distanceTable = Self.distanceCodeTable
        for token in tokens {
            if token.isMatch {
                let length = Int(token.value)
                let lengthCode = Int(lengthCodeTable[length])
                let symbol = 257 + lengthCode
                writer.write(literalCodes[symbol], bits: Int(literalLengths[symbol]))
                if lengthExtra[lengthCode] > 0 {
                    writer.write(UInt32(length - lengthBase[lengthCode]), bits: lengthExtra[lengthCode])
                }
                let distance = Int(token.distance)
                let distanceSymbol = distanceCode(distance, table: distanceTable)
                writer.write(distanceCodes[distanceSymbol], bits: Int(distanceLengths[distanceSymbol]))
                if distanceExtra[distanceSymbol] > 0 {
                    writer.write(UInt32(distance - distanceBase[distanceSymbol]), bits: distanceExtra[distanceSymbol])
                }
            } else {
                let symbol = Int(token.value)
                writer.write(literalCodes[symbol], bits: Int(literalLengths[symbol]))
            }
        }
        writer.write(literalCodes[256], bits: Int(literalLengths[256]))
    }

    /// The header of a dynamic block: HLIT, HDIST, HCLEN, the code-length code and the run-length-coded
    /// literal/length and distance code lengths (symbols 16: repeat previous 3-6, 17: zeros 3-10, 18: zeros 11-138).
    struct DynamicHeader {
        let literalCount: Int
        let distanceCount: Int
        let codeLengthCount: Int
        let runs: [(symbol: Int, extra: UInt32)]
        let codeLengthLengths: [UInt8]
        let codeLengthCodes: [UInt32]

        init(literalLengths: [UInt8], distanceLengths: [UInt8]) {
            var literalCount = 286
            while literalCount > 257 && literalLengths[literalCount - 1] == 0 { literalCount -= 1 }
            var distanceCount = 30
            while distanceCount > 1 && distanceLengths[distanceCount - 1] == 0 { distanceCount -= 1 }
            self.literalCount = literalCount
            self.distanceCount = distanceCount
            let all = Array(literalLengths[0..<literalCount]) + Array(distanceLengths[0..<distanceCount])

            var runs: [(symbol: Int, extra: UInt32)] = []
            var index = 0
            while index < all.count {
                let value = all[index]
                var run = 1
                while index + run < all.count && all[index + run] == value { run += 1 }
                var remaining = run
                if value == 0 {
                    while remaining >= 11 {
                        let n = min(remaining, 138)
                        runs.append((18, UInt32(n - 11)))
                        remaining -= n
                    }
                    if remaining >= 3 {
                        runs.append((17, UInt32(remaining - 3)))
                        remaining = 0
                    }
                } else {
                    runs.append((Int(value), 0))
                    remaining -= 1
                    while remaining >= 3 {
                        let n = min(remaining, 6)
                        runs.append((16, UInt32(n - 3)))
                        remaining -= n
                    }
                }
                for _ in 0..<remaining { runs.append((Int(value), 0)) }
                index += run
            }
            self.runs = runs

            var frequencies = [Int](repeating: 0, count: 19)
            for run in runs { frequencies[run.symbol] += 1 }
            codeLengthLengths = DeflateEncoder.codeLengths(frequencies: frequencies, maxBits: 7)
            codeLengthCodes = DeflateEncoder.canonicalCodes(lengths: codeLengthLengths)
            var codeLengthCount = 19
            while codeLengthCount > 4
                && codeLengthLengths[DeflateEncoder.codeLengthOrder[codeLengthCount - 1]] == 0 {
                codeLengthCount -= 1
            }
            self.codeLengthCount = codeLengthCount
        }

        static func extraBits(_ symbol: Int) -> Int { symbol == 16 ? 2 : symbol == 17 ? 3 : symbol == 18 ? 7 : 0 }

        var bitCount: Int {
            var bits = 5 + 5 + 4 + 3 * codeLengthCount
            for run in runs { bits += Int(codeLengthLengths[run.symbol]) + DynamicHeader.extraBits(run.symbol) }
            return bits
        }

        func write(into writer: inout BitWriter) {
            writer.write(UInt32(literalCount - 257), bits: 5)
            writer.write(UInt32(distanceCount - 1), bits: 5)
            writer.write(UInt32(codeLengthCount - 4), bits: 4)
            for i in 0..<codeLengthCount {
                writer.write(UInt32(codeLengthLengths[DeflateEncoder.codeLengthOrder[i]]), bits: 3)
            }
            for run in runs {
                writer.write(codeLengthCodes[run.symbol], bits: Int(codeLengthLengths[run.symbol]))
                let extra = DynamicHeader.extraBits(run.symbol)
                if extra > 0 { writer.write(run.extra, bits: extra) }
            }
        }
    }
}

// MARK: - Entry points beside the decoders

extension DeflateEncoder {
    /// Raw DEFLATE compression; the same as ``deflate(_:level:)``, named to pair with `Inflate.decompress`.
    public static func compress(_ bytes: [UInt8], level: Level = .default) -> [UInt8] {
        deflate(bytes, level: level)
    }
}

extension Zlib {
    /// Compresses `bytes` into a zlib stream (RFC 1950), the inverse of `Zlib.decompress`.
    /// See ``DeflateEncoder/zlib(_:level:)``.
    public static func compress(_ bytes: [UInt8], level: DeflateEncoder.Level = .default) -> [UInt8] {
        DeflateEncoder.zlib(bytes, level: level)
    }
}

extension Gzip {
    /// Compresses `bytes` into a one-member gzip file (RFC 1952), the inverse of `Gzip.decompress`.
    /// See ``DeflateEncoder/gzip(_:level:)``.
    public static func compress(_ bytes: [UInt8], level: DeflateEncoder.Level = .default) -> [UInt8] {
        DeflateEncoder.gzip(bytes, level: level)
    }
}
