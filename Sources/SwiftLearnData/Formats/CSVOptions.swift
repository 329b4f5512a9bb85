import SwiftLearnCompression

/// How to read a CSV file.
public struct CSVOptions: Sendable {
    /// Whether the first record holds column names.
    public enum Header: Sendable, Equatable {
        /// Numeric reads: a header when the first record has a non-empty field that is not a number or a missing
        /// marker. String tables: always a header.
        case auto
        case present
        case absent
    }

    /// What a numeric read does with an empty field or a missing-value marker.
    public enum MissingValues: Sendable, Equatable {
        /// Throw, naming the line and column (the default: nothing is filled in silently).
        case error
        /// Store NaN and record the position in ``NumericCSV/missing``.
        case nan
        /// Store the value and record the position in ``NumericCSV/missing``.
        case fill(Double)
    }

    /// What a numeric read does with a finite number too large for the element type (`1e39` read as
    /// Float, `1e400` as Double), which would otherwise round to an infinity.
    public enum Overflow: Sendable, Equatable {
        /// Throw, naming the line, column and the type's range (the default: no silent infinities).
        case error
        /// Store +inf or -inf and record the position in ``NumericCSV/overflowed`` (numpy stores inf and warns).
        case infinity
    }

    /// The field separator (one ASCII character: `,`, `;`, `\t`, `|`, ...).
    public var delimiter: Character
    /// The quote character (one ASCII character).
    public var quote: Character
    public var header: Header
    public var missingValues: MissingValues
    /// Cells (after trimming spaces) that count as missing in numeric reads, besides the empty cell.
    public var missingMarkers: Set<String>
    /// Numbers beyond the element type's range: an error (default) or an infinity, recorded.
    public var overflow: Overflow
    /// Lines starting with this character are skipped (none by default).
    public var commentPrefix: Character?
    /// Skip blank lines (default true).
    public var skipEmptyLines: Bool
    /// Ceiling for a gzip-compressed file's decompressed size.
    public var maxDecompressedSize: Int

    public init(delimiter: Character = ",", quote: Character = "\"", header: Header = .auto,
                missingValues: MissingValues = .error, missingMarkers: Set<String> = ["NA", "N/A", "NaN", "nan", "null", "?"],
                commentPrefix: Character? = nil, skipEmptyLines: Bool = true,
                maxDecompressedSize: Int = Inflate.defaultMaxOutputSize, overflow: Overflow = .error) {
        self.delimiter = delimiter
        self.quote = quote
        self.header = header
        self.missingValues = missingValues
        self.missingMarkers = missingMarkers
        self.overflow = overflow
        self.commentPrefix = commentPrefix
        self.skipEmptyLines = skipEmptyLines
        self.maxDecompressedSize = maxDecompressedSize
    }

    func asciiByte(_ character: Character, _ name: String) throws(FormatError) -> UInt8 {
        guard let byte = character.asciiValue, byte != 0x0A, byte != 0x0D else {
            throw FormatError(.invalidArgument, "CSV \(name) must be one ASCII character other than a line break, got '\(character)'")
        }
        return byte
    }
}

/// A position in a CSV file (1-based line and column).
public struct CSVPosition: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var description: String { "line \(line), column \(column)" }
}
