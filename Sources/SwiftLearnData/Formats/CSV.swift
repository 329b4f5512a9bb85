import FoundationEssentials
import SwiftLearnCompression
import SwiftLearnSystem
import SwiftLearnTensor

/// Reading CSV files: numeric tables into tensors, and string tables.
///
/// `.gz` files (detected by their magic number) are decompressed transparently.
///
/// ```swift
/// let table = try CSV.readNumeric(contentsOf: url, as: Double.self)          // header detected
/// let x = table.values                                                      // [rows, columns]
/// let frame = try CSV.readTable(contentsOf: labelsURL)                        // strings, with header
/// let paths = try frame.column("filename")
/// ```
public enum CSV {
    /// The file's bytes, gunzipped when they start with the gzip magic number (whatever the file's name),
    /// at most `options.maxDecompressedSize` of them.
    static func fileBytes(_ url: URL, options: CSVOptions) throws(FormatError) -> [UInt8] {
        let bytes = try FileIO.readAll(path: url.path, as: FormatError.self)
        guard Gzip.hasMagic(bytes) else { return bytes }
        do {
            return try Gzip.decompress(bytes, maxOutputSize: options.maxDecompressedSize)
        } catch {
            throw FormatError(error, file: url.path)
        }
    }

    // MARK: Numeric

    /// Reads a numeric table from a file.
    /// - Throws: ``FormatError`` naming the file, line and column of a missing or invalid value or a ragged row.
    public static func readNumeric<Scalar: TensorScalar & BinaryFloatingPoint & LosslessStringConvertible>(
        contentsOf url: URL, as type: Scalar.Type = Scalar.self, options: CSVOptions = CSVOptions()
    ) throws(FormatError) -> NumericCSV<Scalar> {
        let bytes = try fileBytes(url, options: options)
        return try readNumeric(bytes: bytes, as: Scalar.self, options: options, fileName: url.path)
    }

    /// Reads a numeric table from CSV text.
    public static func readNumeric<Scalar: TensorScalar & BinaryFloatingPoint & LosslessStringConvertible>(
        text: String, as type: Scalar.Type = Scalar.self, options: CSVOptions = CSVOptions()
    ) throws(FormatError) -> NumericCSV<Scalar> {
        try readNumeric(bytes: Array(text.utf8), as: Scalar.self, options: options, fileName: nil)
    }

    /// Reads a numeric table from CSV bytes; `fileName` labels errors.
    public static func readNumeric<Scalar: TensorScalar & BinaryFloatingPoint & LosslessStringConvertible>(
        bytes: [UInt8], as type: Scalar.Type = Scalar.self, options: CSVOptions = CSVOptions(), fileName: String?
    ) throws(FormatError) -> NumericCSV<Scalar> {
        let delimiter = try options.asciiByte(options.delimiter, "delimiter")
        let quote = try options.asciiByte(options.quote, "quote")
        let comment = try options.commentPrefix.map { (character) throws(FormatError) in try options.asciiByte(character, "comment prefix") }
        let result: Result<NumericCSV<Scalar>, FormatError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(FormatError) in
                var tokenizer = CSVTokenizer(bytes: buffer, delimiter: delimiter, quote: quote, commentPrefix: comment,
                                             skipEmptyLines: options.skipEmptyLines, fileName: fileName)
                return try parseNumeric(&tokenizer, as: Scalar.self, options: options, fileName: fileName)
            }
        }
        return try result.get()
    }

    private enum Cell<Scalar> {
        case value(Scalar)
        /// A finite decimal beyond the type's range (`1e39` as Float): rounds to an infinity.
        case overflow(Scalar)
        case missing
        case invalid
    }

    private static func parseNumeric<Scalar: TensorScalar & BinaryFloatingPoint & LosslessStringConvertible>(
        _ tokenizer: inout CSVTokenizer, as type: Scalar.Type, options: CSVOptions, fileName: String?
    ) throws(FormatError) -> NumericCSV<Scalar> {
        guard try tokenizer.nextRecord() else {
            throw FormatError(.corrupt, file: fileName, "empty CSV input: expected at least one record")
        }
        let markers = options.missingMarkers
        func classify(_ field: UnsafeBufferPointer<UInt8>) -> Cell<Scalar> {
            let trimmed = trimSpaces(field)
            guard let first = trimmed.first else { return .missing }
            // Numbers first when the cell looks numeric ("nan" and "NA" are markers, not NaN).
            let looksNumeric = first &- 0x30 < 10 || first == 0x2D || first == 0x2B || first == 0x2E
            if looksNumeric, let value: Scalar = parseNumber(trimmed) { return checked(value, trimmed) }
            if markers.contains(String(decoding: trimmed, as: UTF8.self)) { return .missing }
            if !looksNumeric, let value: Scalar = parseNumber(trimmed) { return checked(value, trimmed) }
            return .invalid
        }
        func checked(_ value: Scalar, _ text: UnsafeBufferPointer<UInt8>) -> Cell<Scalar> {
            value.isInfinite && !spellsInfinity(text) ? .overflow(value) : .value(value)
        }

        var columnNames: [String] = []
        var hadHeader: Bool
        switch options.header {
        case .present: hadHeader = true
        case .absent: hadHeader = false
        case .auto:
            hadHeader = (0..<tokenizer.fieldCount).contains { index in
                if case .invalid = classify(tokenizer.field(index)) { return true }
                return false
            }
        }
        let columns = tokenizer.fieldCount
        var scalars: [Scalar] = []
        var missing: [CSVPosition] = []
        var overflowed: [CSVPosition] = []
        var lines: [Int] = []
        var rows = 0
        if hadHeader {
            columnNames = (0..<columns).map { String(decoding: trimSpaces(tokenizer.field($0)), as: UTF8.self) }
        } else {
            columnNames = (1...columns).map { "column\($0)" }
        }
        var haveRecord = hadHeader ? try tokenizer.nextRecord() : true
        while haveRecord {
            guard tokenizer.fieldCount == columns else {
                throw FormatError(.corrupt, file: fileName, at: .line(tokenizer.recordLine, column: nil, columnName: nil),
                                  "record has \(tokenizer.fieldCount) fields, expected \(columns) like "
                                      + (hadHeader ? "the header" : "the first record"))
            }
            for index in 0..<columns {
                switch classify(tokenizer.field(index)) {
                case .value(let value):
                    scalars.append(value)
                case .overflow(let value):
                    guard options.overflow == .infinity else {
                        throw FormatError(.invalidValue, file: fileName,
                                          at: .line(tokenizer.fieldLines[index], column: index + 1, columnName: hadHeader ? columnNames[index] : nil),
                                          "number '\(tokenizer.fieldString(index))' is out of the range of \(Scalar.self) "
                                              + "(largest finite value \(Scalar.greatestFiniteMagnitude)); read the file as Double, "
                                              + "or pass overflow: .infinity to store it as \(value) (numpy warns and stores inf)")
                    }
                    scalars.append(value)
                    overflowed.append(CSVPosition(line: tokenizer.fieldLines[index], column: index + 1))
                case .missing:
                    let position = CSVPosition(line: tokenizer.fieldLines[index], column: index + 1)
                    switch options.missingValues {
                    case .error:
                        throw FormatError(.missingValue, file: fileName,
                                          at: .line(position.line, column: position.column, columnName: hadHeader ? columnNames[index] : nil),
                                          "missing value '\(tokenizer.fieldString(index))' "
                                              + "(expected a number; pass missingValues: .nan or .fill(value) to accept missing cells)")
                    case .nan:
                        scalars.append(.nan)
                    case .fill(let value):
                        scalars.append(Scalar(value))
                    }
                    missing.append(position)
                case .invalid:
                    throw FormatError(.invalidValue, file: fileName,
                                      at: .line(tokenizer.fieldLines[index], column: index + 1, columnName: hadHeader ? columnNames[index] : nil),
                                      "invalid number '\(tokenizer.fieldString(index))' "
                                          + "(expected a decimal number such as -1.5e3"
                                          + (rows == 0 && options.header == .absent ? "; is the first line a header? use header: .present" : "")
                                          + ")")
                }
            }
            rows += 1
            lines.append(tokenizer.recordLine)
            haveRecord = try tokenizer.nextRecord()
        }
        let values = Tensor<Scalar>(shape: [rows, columns]) { buffer in
            _ = scalars.withUnsafeBufferPointer { buffer.initialize(fromContentsOf: $0) }
        }
        return NumericCSV(columnNames: columnNames, hadHeader: hadHeader, values: values, missing: missing, overflowed: overflowed,
                          lines: lines)
    }

    /// `inf`, `+Infinity`, `-INF`, ...: an infinity written as such, not a number too large for the type.
    private static func spellsInfinity(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var letters = text[...]
        if let first = letters.first, first == 0x2B || first == 0x2D { letters = letters.dropFirst() }
        let lowered = String(decoding: letters.map { $0 | 0x20 }, as: UTF8.self)
        return lowered == "inf" || lowered == "infinity"
    }

    private static func trimSpaces(_ field: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = field.count
        while start < end, field[start] == 0x20 || field[start] == 0x09 { start += 1 }
        while end > start, field[end - 1] == 0x20 || field[end - 1] == 0x09 { end -= 1 }
        return UnsafeBufferPointer(rebasing: field[start..<end])
    }

    /// Parses a decimal number: integers of up to 15 digits directly (exact), anything else with the standard
    /// library's correctly rounded parser. Hexadecimal floats are rejected (no CSV tool writes them).
    static func parseNumber<Scalar: BinaryFloatingPoint & LosslessStringConvertible>(_ field: UnsafeBufferPointer<UInt8>) -> Scalar? {
        let count = field.count
        var index = 0
        var negative = false
        if index < count, field[index] == 0x2D || field[index] == 0x2B {
            negative = field[index] == 0x2D
            index += 1
        }
        let digitsStart = index
        var value = 0
        while index < count, field[index] &- 0x30 < 10, index - digitsStart < 15 {
            value = value * 10 + Int(field[index] &- 0x30)
            index += 1
        }
        if index == count, index > digitsStart {
            // Exact in Double; Float(Int) rounds correctly.
            return Scalar(negative ? -value : value)
        }
        if field.contains(where: { $0 == 0x78 || $0 == 0x58 }) { return nil }  // 'x' / 'X': hex
        return Scalar(String(decoding: field, as: UTF8.self))
    }
}
