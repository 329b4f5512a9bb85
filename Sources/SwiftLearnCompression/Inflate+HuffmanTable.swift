/// Table-driven Huffman decoding for DEFLATE (RFC 1951 §3.2.2).
///
/// A table is indexed by the next `primaryBits` input bits (DEFLATE sends Huffman codes most significant
/// bit first, packed into bytes least significant bit first, so codes are stored bit-reversed). Codes no longer
/// than `primaryBits` fill every primary slot whose low bits equal the reversed code; longer codes go to a
/// subtable reached from the primary slot of their first `primaryBits` bits, sized by the longest code under that
/// prefix. Every subtable offset is produced here and points inside the table, so the decoder may index
/// without bounds checks: `primary[bits & (2^primaryBits - 1)]`, then `table[start + (bits & (2^subBits - 1))]`.
///
/// Entry layout (`UInt32`):
///
/// | bits   | meaning                                                                   |
/// |--------|---------------------------------------------------------------------------|
/// | 0-3    | bits to consume (code length; `primaryBits` for a subtable pointer)       |
/// | 4-7    | extra bits that follow (length/distance), or the subtable's index bits    |
/// | 8-11   | flags: literal, end of block, subtable pointer, invalid code              |
/// | 16-31  | value: literal byte, length base, distance base, precode symbol, or subtable start |
enum HuffmanEntry {
    static let literal: UInt32 = 0x100
    static let endOfBlock: UInt32 = 0x200
    static let subtable: UInt32 = 0x400
    static let invalid: UInt32 = 0x800
    /// Any flag that is not a plain literal: end of block or invalid.
    static let exceptional: UInt32 = endOfBlock | invalid

    @inline(__always)
    static func make(value: Int, extraBits: Int = 0, flags: UInt32 = 0) -> UInt32 {
        UInt32(value) << 16 | UInt32(extraBits) << 4 | flags
    }

    /// Base lengths of length symbols 257...285.
    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                     3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    /// Base distances of distance symbols 0...29.
    static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                                      257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
                                      8193, 12289, 16385, 24577]
    static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
                                       7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// Per-symbol entries (without the code length) for the literal/length alphabet (288 symbols;
    /// 286 and 287 take part in the fixed code but are invalid in data).
    static let literalLengthTemplates: [UInt32] = (0..<288).map { symbol in
        switch symbol {
        case 0..<256: return make(value: symbol, flags: literal)
        case 256: return make(value: 0, flags: endOfBlock)
        case 257...285: return make(value: lengthBase[symbol - 257], extraBits: lengthExtra[symbol - 257])
        default: return make(value: symbol, flags: invalid)
        }
    }

    /// Per-symbol entries for the distance alphabet (32 symbols; 30 and 31 are invalid in data).
    static let distanceTemplates: [UInt32] = (0..<32).map { symbol in
        symbol < 30 ? make(value: distanceBase[symbol], extraBits: distanceExtra[symbol])
            : make(value: symbol, flags: invalid)
    }

    /// Per-symbol entries for the code-length (precode) alphabet: the value is the symbol itself.
    static let precodeTemplates: [UInt32] = (0..<19).map { make(value: $0) }
}

/// Which alphabet a table decodes; decides which incomplete codes are acceptable and names it in errors.
enum HuffmanAlphabet: String {
    case precode = "code-length"
    case literalLength = "literal/length"
    case distance = "distance"
}

/// Builds decoding tables into reusable storage.
struct HuffmanTableBuilder {
    /// Scratch: the longest code under each primary prefix (for subtable sizing).
    private var longestUnderPrefix = [UInt8](repeating: 0, count: 1 << 10)

    /// Fills `table` for the code with the given per-symbol `lengths` (0 = unused symbol).
    ///
    /// - Throws: ``CompressionError/Kind/corrupt`` for an over-subscribed code, an incomplete code (allowed,
    ///   as in zlib, only for a single code of length 1 in the literal/length or distance alphabet), or a
    ///   literal/length code without an end-of-block symbol.
    mutating func build(
        lengths: UnsafeBufferPointer<UInt8>, templates: [UInt32], primaryBits: Int,
        alphabet: HuffmanAlphabet, into table: inout [UInt32], offset: Int
    ) throws(CompressionError) {
        var lengthCounts = [Int](repeating: 0, count: 16)
        var maxLength = 0
        for length in lengths {
            lengthCounts[Int(length)] += 1
            maxLength = Swift.max(maxLength, Int(length))
        }
        lengthCounts[0] = 0
        let codeCount = lengthCounts.reduce(0, +)

        // Kraft inequality: `left` is the number of unused codes at each depth.
        var left = 1
        for length in 1...15 {
            left <<= 1
            left -= lengthCounts[length]
            guard left >= 0 else {
                throw CompressionError(.corrupt, offset: offset,
                                       "over-subscribed \(alphabet.rawValue) Huffman code (code lengths \(Array(lengths)))")
            }
        }
        if codeCount == 0 {
            // A block that holds only literals may send no distance codes; any other empty code is invalid.
            guard alphabet == .distance else {
                throw CompressionError(.corrupt, offset: offset, "empty \(alphabet.rawValue) Huffman code: expected at least one code")
            }
        } else if left > 0 {
            guard alphabet != .precode, maxLength == 1 else {
                throw CompressionError(.corrupt, offset: offset,
                                       "incomplete \(alphabet.rawValue) Huffman code (\(left) of 32768 code space unused) "
                                           + "in code lengths \(Array(lengths))")
            }
        }
        if alphabet == .literalLength {
            guard lengths.count > 256, lengths[256] != 0 else {
                throw CompressionError(.corrupt, offset: offset, "literal/length code has no end-of-block symbol (256)")
            }
        }

        // Canonical codes: first code of each length.
        var nextCode = [Int](repeating: 0, count: 16)
        var code = 0
        for length in 1...15 {
            code = (code + lengthCounts[length - 1]) << 1
            nextCode[length] = code
        }

        let primarySize = 1 << primaryBits
        let primaryMask = primarySize - 1
        let invalidEntry = HuffmanEntry.make(value: 0, flags: HuffmanEntry.invalid) | 1

        // Size the subtables: the longest code under each primary prefix.
        var reversedCodes = [Int](repeating: 0, count: lengths.count)
        for symbol in 0..<lengths.count {
            let length = Int(lengths[symbol])
            if length == 0 { continue }
            let reversed = HuffmanTableBuilder.reverse(nextCode[length], bits: length)
            nextCode[length] += 1
            reversedCodes[symbol] = reversed
            if length > primaryBits {
                let prefix = reversed & primaryMask
                longestUnderPrefix[prefix] = Swift.max(longestUnderPrefix[prefix], UInt8(length))
            }
        }
        var totalSize = primarySize
        if maxLength > primaryBits {
            for prefix in 0..<primarySize where longestUnderPrefix[prefix] != 0 {
                totalSize += 1 << (Int(longestUnderPrefix[prefix]) - primaryBits)
            }
        }
        if table.count != totalSize {
            table = [UInt32](repeating: invalidEntry, count: totalSize)
        } else {
            for index in 0..<totalSize { table[index] = invalidEntry }
        }

        table.withUnsafeMutableBufferPointer { table in
            // Subtable pointers.
            var nextSubtable = primarySize
            if maxLength > primaryBits {
                for prefix in 0..<primarySize where longestUnderPrefix[prefix] != 0 {
                    let subBits = Int(longestUnderPrefix[prefix]) - primaryBits
                    table[prefix] = HuffmanEntry.make(value: nextSubtable, extraBits: subBits, flags: HuffmanEntry.subtable)
                        | UInt32(primaryBits)
                    // Reuse the slot to remember where this prefix's subtable starts.
                    nextSubtable += 1 << subBits
                }
            }
            for symbol in 0..<lengths.count {
                let length = Int(lengths[symbol])
                if length == 0 { continue }
                let reversed = reversedCodes[symbol]
                if length <= primaryBits {
                    let entry = templates[symbol] | UInt32(length)
                    var index = reversed
                    while index < primarySize {
                        table[index] = entry
                        index += 1 << length
                    }
                } else {
                    let pointer = table[reversed & primaryMask]
                    let start = Int(pointer >> 16)
                    let subSize = 1 << Int((pointer >> 4) & 0xF)
                    let subLength = length - primaryBits
                    let entry = templates[symbol] | UInt32(subLength)
                    var index = reversed >> primaryBits
                    while index < subSize {
                        table[start + index] = entry
                        index += 1 << subLength
                    }
                }
            }
        }
        if maxLength > primaryBits {
            for prefix in 0..<primarySize { longestUnderPrefix[prefix] = 0 }
        }
    }

    @inline(__always)
    static func reverse(_ code: Int, bits: Int) -> Int {
        var value = code
        var result = 0
        for _ in 0..<bits {
            result = (result << 1) | (value & 1)
            value >>= 1
        }
        return result
    }
}
