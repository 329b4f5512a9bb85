/// Splits CSV bytes into records and fields (RFC 4180): a delimiter byte, fields optionally quoted, `""` for a
/// quote inside a quoted field, quoted fields may span lines, line endings `\n`, `\r\n` or `\r`, an optional
/// UTF-8 byte-order mark.
///
/// Unquoted fields are reported as ranges of the input (no copy); quoted fields are unescaped into a scratch
/// buffer. Field buffers stay valid until the next call to ``nextRecord()``.
struct CSVTokenizer: ~Copyable {
    private let input: UnsafeBufferPointer<UInt8>
    let delimiter: UInt8
    let quote: UInt8
    let commentPrefix: UInt8?
    let skipEmptyLines: Bool
    let fileName: String?

    private var position = 0
    private var line = 1

    /// Unescaped bytes of the current record's quoted fields.
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int
    private var scratchCount = 0

    /// Per field of the current record: start and end offsets (into the input, or into scratch when quoted).
    private var starts: [Int] = []
    private var ends: [Int] = []
    private(set) var quoted: [Bool] = []
    /// Line on which each field starts.
    private(set) var fieldLines: [Int] = []
    /// Line on which the current record starts.
    private(set) var recordLine = 1

    init(bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, quote: UInt8, commentPrefix: UInt8?, skipEmptyLines: Bool,
         fileName: String?) {
        input = bytes
        self.delimiter = delimiter
        self.quote = quote
        self.commentPrefix = commentPrefix
        self.skipEmptyLines = skipEmptyLines
        self.fileName = fileName
        scratchCapacity = 256
        scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    deinit { scratch.deallocate() }

    var fieldCount: Int { starts.count }

    /// The bytes of field `index` of the current record (valid until the next record is read).
    func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        if quoted[index] {
            return UnsafeBufferPointer(start: scratch + starts[index], count: ends[index] - starts[index])
        }
        return UnsafeBufferPointer(rebasing: input[starts[index]..<ends[index]])
    }

    func fieldString(_ index: Int) -> String { String(decoding: field(index), as: UTF8.self) }

    private mutating func appendScratch(_ byte: UInt8) {
        if scratchCount == scratchCapacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity * 2)
            grown.update(from: scratch, count: scratchCount)
            scratch.deallocate()
            scratch = grown
            scratchCapacity *= 2
        }
        scratch[scratchCount] = byte
        scratchCount += 1
    }

    /// Reads the next record; false at the end of the input.
    mutating func nextRecord() throws(FormatError) -> Bool {
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        quoted.removeAll(keepingCapacity: true)
        fieldLines.removeAll(keepingCapacity: true)
        scratchCount = 0
        let count = input.count
        // Skip empty lines and comment lines.
        while position < count {
            let byte = input[position]
            if skipEmptyLines, byte == 0x0A || byte == 0x0D {
                consumeLineEnd()
                continue
            }
            if let commentPrefix, byte == commentPrefix {
                while position < count, input[position] != 0x0A, input[position] != 0x0D { position += 1 }
                if position < count { consumeLineEnd() }
                continue
            }
            break
        }
        guard position < count else { return false }
        recordLine = line
        while true {
            fieldLines.append(line)
            if position < count, input[position] == quote {
                let openLine = line
                let openColumn = starts.count + 1
                position += 1
                let start = scratchCount
                var closed = false
                while position < count {
                    let byte = input[position]
                    if byte == quote {
                        if position + 1 < count, input[position + 1] == quote {
                            appendScratch(quote)
                            position += 2
                            continue
                        }
                        position += 1
                        closed = true
                        break
                    }
                    if byte == 0x0A || (byte == 0x0D && !(position + 1 < count && input[position + 1] == 0x0A)) { line += 1 }
                    if byte == 0 { throw nulByte(column: openColumn) }
                    appendScratch(byte)
                    position += 1
                }
                guard closed else {
                    throw FormatError(.corrupt, file: fileName, at: .line(openLine, column: openColumn, columnName: nil),
                                      "unterminated quoted field: the quote opened here is never closed before the end of the input")
                }
                starts.append(start)
                ends.append(scratchCount)
                quoted.append(true)
                // Only a delimiter or a line end may follow the closing quote.
                if position < count, input[position] != delimiter, input[position] != 0x0A, input[position] != 0x0D {
                    throw FormatError(.corrupt, file: fileName, at: .line(line, column: starts.count, columnName: nil),
                                      "unexpected character '\(Unicode.Scalar(input[position]))' after a closing quote "
                                          + "(expected the delimiter or the end of the line; write a quote inside a quoted field as \"\")")
                }
            } else {
                let start = position
                while position < count {
                    let byte = input[position]
                    if byte == delimiter || byte == 0x0A || byte == 0x0D { break }
                    if byte == 0 { throw nulByte(column: starts.count + 1) }
                    position += 1
                }
                starts.append(start)
                ends.append(position)
                quoted.append(false)
            }
            if position < count, input[position] == delimiter {
                position += 1
                continue
            }
            if position < count { consumeLineEnd() }
            return true
        }
    }

    /// A NUL byte is never text: `1\0` would read as `1` through C's number parser, and a file zero-filled
    /// by a crash would read as empty cells, so it is an error wherever it appears in a field.
    private func nulByte(column: Int) -> FormatError {
        FormatError(.invalidValue, file: fileName, at: .line(line, column: column, columnName: nil),
                    "field contains a NUL byte (0x00) at byte offset \(position); text files hold none "
                        + "(is the file binary, or zero-filled by a crash?)")
    }

    private mutating func consumeLineEnd() {
        if input[position] == 0x0D, position + 1 < input.count, input[position + 1] == 0x0A { position += 1 }
        position += 1
        line += 1
    }
}
