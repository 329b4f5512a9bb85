import SwiftLearnCompression
import SwiftLearnSystem

/// An error reading or writing a data file (IDX, NPY, NPZ, CSV) or locating a dataset.
///
/// The description names the file, the position (byte offset, or line and column for text), what was found
/// and what was expected:
///
/// ```
/// /data/boston.csv: line 17, column 6 ('RM'): invalid number 'n/a' (expected a decimal number; ...)
/// ```
public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible, FileIOErrorConvertible {
    /// The broad class of failure.
    public enum Kind: String, Sendable, Equatable {
        /// The file could not be opened, read or written.
        case io
        /// The bytes do not follow the format (bad magic, malformed header, wrong length).
        case corrupt
        /// The data ends early.
        case truncated
        /// A valid file using a feature this reader does not support (a dtype, structured arrays, ...).
        case unsupported
        /// A value is missing (empty CSV cell or a missing-value marker).
        case missingValue
        /// A value cannot be parsed or represented (non-numeric CSV cell, value out of range for the target type).
        case invalidValue
        /// Decompression failed (gzip / zip member); the message carries the decoder's diagnosis.
        case decompression
        /// A requested member, column or dataset file does not exist.
        case notFound
        /// An argument outside its domain.
        case invalidArgument
    }

    /// Where in the input the problem is.
    public enum Location: Sendable, Equatable, CustomStringConvertible {
        case byteOffset(Int)
        /// 1-based line and (optional) 1-based column with its name when known.
        case line(Int, column: Int?, columnName: String?)
        /// Flat (row-major) element index and its multi-dimensional index.
        case element(flat: Int, index: [Int])

        public var description: String {
            switch self {
            case .byteOffset(let offset): return "byte offset \(offset)"
            case .line(let line, let column, let name):
                var text = "line \(line)"
                if let column { text += ", column \(column)" }
                if let name { text += " ('\(name)')" }
                return text
            case .element(let flat, let index): return "element \(flat) (index \(index))"
            }
        }
    }

    public var kind: Kind
    public var file: String?
    public var location: Location?
    public var message: String

    public init(_ kind: Kind, file: String? = nil, at location: Location? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.location = location
        self.message = message
    }

    /// A file that could not be opened, read or written (``Kind/io``), naming the path and the system's reason.
    public init(_ error: FileIOError) {
        self.init(.io, file: error.path, error.reason)
    }

    /// Wraps a decoder error, keeping its file and byte offset.
    init(_ error: CompressionError, file: String? = nil) {
        let kind: Kind
        switch error.kind {
        case .io: kind = .io
        case .notFound: kind = .notFound
        case .unsupported: kind = .unsupported
        default: kind = .decompression
        }
        self.init(kind, file: error.file ?? file, at: error.offset.map { .byteOffset($0) }, error.message)
    }

    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let location { parts.append(location.description) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }

    /// The same error attributed to `file` when it names none yet.
    func inFile(_ file: String?) -> FormatError {
        var copy = self
        if copy.file == nil { copy.file = file }
        return copy
    }
}
