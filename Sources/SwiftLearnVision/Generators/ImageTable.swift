/// An in-memory table of strings (a `pandas.DataFrame` of file names and labels) for
/// ``ImageDataGenerator/flowFromDataFrame(_:directory:xCol:yCol:targetSize:colorMode:classes:classMode:batchSize:shuffle:seed:subset:interpolation:badFilePolicy:workers:prefetchBatches:)``.
///
/// ```swift
/// let table = try ImageTable(columns: ["image", "red", "dress"],
///                            rows: [["img/0001.jpg", "1", "0"], ["img/0002.jpg", "0", "1"]])
/// ```
public struct ImageTable: Sendable, Equatable {
    public let columns: [String]
    public let rows: [[String]]

    /// - Throws: ``ImageError`` when a row's width differs from the header's or a column name repeats.
    public init(columns: [String], rows: [[String]]) throws(ImageError) {
        guard Set(columns).count == columns.count else {
            throw ImageError("ImageTable columns must be unique, received \(columns)")
        }
        for (index, row) in rows.enumerated() where row.count != columns.count {
            throw ImageError("ImageTable row \(index) has \(row.count) fields, expected \(columns.count) (\(columns))")
        }
        self.columns = columns
        self.rows = rows
    }

    /// Reads a CSV file (RFC 4180: comma separated, double-quoted fields with `""` escapes, CRLF or LF) whose
    /// first line is the header.
    /// - Throws: ``ImageError`` naming the file, line and column of malformed quoting or a ragged row.
    public init(csvFile path: String) throws(ImageError) {
        let bytes = try readFileBytes(path)
        var records: [[String]] = []
        var field: [UInt8] = []
        var record: [String] = []
        var inQuotes = false
        var line = 1, column = 1
        var i = 0
        var fieldStarted = false
        func finishField() { record.append(String(decoding: field, as: UTF8.self)); field = []; fieldStarted = false }
        while i < bytes.count {
            let byte = bytes[i]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") { field.append(byte); i += 1 } else { inQuotes = false }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1; column = 0 }
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") {
                guard !fieldStarted && field.isEmpty else {
                    throw ImageError(file: path, offset: i, "line \(line), column \(column): quote inside an unquoted field; expected the field to start with the quote")
                }
                inQuotes = true
                fieldStarted = true
            } else if byte == UInt8(ascii: ",") {
                finishField()
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if byte == UInt8(ascii: "\r") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                if !(record.isEmpty && field.isEmpty && !fieldStarted) { finishField(); records.append(record) }
                record = []
                line += 1
                column = 0
            } else {
                field.append(byte)
                fieldStarted = true
            }
            i += 1
            column += 1
        }
        if inQuotes { throw ImageError(file: path, offset: bytes.count, "line \(line): unterminated quoted field; expected a closing quote") }
        if fieldStarted || !field.isEmpty || !record.isEmpty { finishField(); records.append(record) }
        guard let header = records.first else { throw ImageError(file: path, "empty CSV file; expected a header line") }
        for (index, row) in records.enumerated().dropFirst() where row.count != header.count {
            throw ImageError(file: path, "CSV record \(index + 1) has \(row.count) fields, expected \(header.count) like the header")
        }
        do throws(ImageError) {
            try self.init(columns: header, rows: Array(records.dropFirst()))
        } catch {
            throw error.attributed(to: path)
        }
    }

    /// The index of column `name`.
    func columnIndex(_ name: String) throws(ImageError) -> Int {
        guard let index = columns.firstIndex(of: name) else {
            throw ImageError("column \"\(name)\" is not in the table; columns are \(columns)")
        }
        return index
    }
}
