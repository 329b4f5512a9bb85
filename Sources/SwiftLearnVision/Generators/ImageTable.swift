#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwiftLearnData

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
    /// first line is the header, with SwiftLearnData's CSV reader (`CSV.readTable`).
    /// - Throws: ``ImageError`` naming the file, line and column of malformed quoting or a ragged row.
    public init(csvFile path: String) throws(ImageError) {
        let bytes = try readImageFile(path)
        let table: CSVTable
        do throws(FormatError) {
            table = try CSV.readTable(bytes: bytes, options: CSVOptions(header: .present), fileName: path)
        } catch {
            throw ImageError(error, file: path)
        }
        do throws(ImageError) {
            try self.init(columns: table.columnNames, rows: table.rows)
        } catch {
            throw error.attributed(to: path)
        }
    }

    /// ``init(csvFile:)-(String)`` for a file URL.
    public init(csvFile url: URL) throws(ImageError) {
        try self.init(csvFile: url.path(percentEncoded: false))
    }

    /// The index of column `name`.
    func columnIndex(_ name: String) throws(ImageError) -> Int {
        guard let index = columns.firstIndex(of: name) else {
            throw ImageError("column \"\(name)\" is not in the table; columns are \(columns)")
        }
        return index
    }
}

extension ImageError {
    /// A CSV reading error as an image-pipeline error: same file, position (line and column, or byte offset)
    /// and message.
    init(_ error: FormatError, file: String) {
        var message = error.message
        var offset: Int?
        switch error.location {
        case .byteOffset(let byte)?: offset = byte
        case let location?: message = "\(location): " + message
        case nil: break
        }
        self.init(file: error.file ?? file, offset: offset, message)
    }
}
