import FoundationEssentials

extension CSV {
    // MARK: Strings

    /// Reads a table of strings with a header (unless `options.header == .absent`, which names columns
    /// `column1`, ...). Cells keep their spaces; every record must have as many fields as the header.
    public static func readTable(contentsOf url: URL, options: CSVOptions = CSVOptions()) throws(FormatError) -> CSVTable {
        let bytes = try fileBytes(url, options: options)
        return try readTable(bytes: bytes, options: options, fileName: url.path)
    }

    /// Reads a table of strings from CSV text.
    public static func readTable(text: String, options: CSVOptions = CSVOptions()) throws(FormatError) -> CSVTable {
        try readTable(bytes: Array(text.utf8), options: options, fileName: nil)
    }

    /// Reads a table of strings from CSV bytes; `fileName` labels errors.
    public static func readTable(bytes: [UInt8], options: CSVOptions = CSVOptions(), fileName: String?) throws(FormatError) -> CSVTable {
        let delimiter = try options.asciiByte(options.delimiter, "delimiter")
        let quote = try options.asciiByte(options.quote, "quote")
        let comment = try options.commentPrefix.map { (character) throws(FormatError) in try options.asciiByte(character, "comment prefix") }
        let result: Result<CSVTable, FormatError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(FormatError) in
                var tokenizer = CSVTokenizer(bytes: buffer, delimiter: delimiter, quote: quote, commentPrefix: comment,
                                             skipEmptyLines: options.skipEmptyLines, fileName: fileName)
                guard try tokenizer.nextRecord() else {
                    throw FormatError(.corrupt, file: fileName, "empty CSV input: expected a header record")
                }
                func cells() throws(FormatError) -> [String] {
                    var row: [String] = []
                    for index in 0..<tokenizer.fieldCount {
                        guard let text = String(validating: tokenizer.field(index), as: UTF8.self) else {
                            throw FormatError(.invalidValue, file: fileName,
                                              at: .line(tokenizer.fieldLines[index], column: index + 1, columnName: nil),
                                              "field is not valid UTF-8")
                        }
                        row.append(text)
                    }
                    return row
                }
                let first = try cells()
                let columns = first.count
                var rows: [[String]] = []
                var lines: [Int] = []
                let names: [String]
                if options.header == .absent {
                    names = (1...columns).map { "column\($0)" }
                    rows.append(first)
                    lines.append(tokenizer.recordLine)
                } else {
                    names = first
                }
                while try tokenizer.nextRecord() {
                    guard tokenizer.fieldCount == columns else {
                        throw FormatError(.corrupt, file: fileName, at: .line(tokenizer.recordLine, column: nil, columnName: nil),
                                          "record has \(tokenizer.fieldCount) fields, expected \(columns) like the "
                                              + (options.header == .absent ? "first record" : "header"))
                    }
                    rows.append(try cells())
                    lines.append(tokenizer.recordLine)
                }
                return CSVTable(columnNames: names, rows: rows, lines: lines, fileName: fileName)
            }
        }
        return try result.get()
    }
}
