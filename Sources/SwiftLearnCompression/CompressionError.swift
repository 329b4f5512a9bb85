import SwiftLearnSystem

/// An error from decoding (or encoding) a compressed stream or archive.
///
/// The description reads like a compiler diagnostic: the file (when the bytes came from one), the byte
/// offset in that file or buffer, then what was found and what was expected:
///
/// ```
/// train-images-idx3-ubyte.gz: byte offset 26421848: gzip member 1: CRC-32 mismatch: trailer says 0x1B2C3D4E, data has 0x5F6A7B8C
/// ```
public struct CompressionError: Error, Sendable, Equatable, CustomStringConvertible, FileIOErrorConvertible {
    /// The broad class of failure, for programmatic handling.
    public enum Kind: String, Sendable, Equatable {
        /// The input ended before the stream was complete.
        case truncated
        /// The bytes violate the format (bad header, invalid Huffman code, distance too far back, ...).
        case corrupt
        /// A CRC-32 / Adler-32 trailer does not match the decoded data.
        case checksumMismatch
        /// A recorded length (gzip ISIZE, zip sizes, stored block LEN/NLEN) disagrees with the data.
        case sizeMismatch
        /// Decoding would produce more than the allowed maximum output size (decompression bomb guard).
        case outputLimitExceeded
        /// A valid but unsupported feature (zip encryption, a compression method other than stored/deflate, ...).
        case unsupported
        /// The file could not be opened, read or written.
        case io
        /// A requested archive member does not exist.
        case notFound
    }

    /// What went wrong, broadly.
    public var kind: Kind
    /// The file the bytes came from, when known (set by the `contentsOf:` entry points).
    public var file: String?
    /// Byte offset into the input (file or buffer) where the problem was detected, when meaningful.
    public var offset: Int?
    /// Human-readable detail: what was found and what was expected.
    public var message: String

    public init(_ kind: Kind, offset: Int?, _ message: String, file: String? = nil) {
        self.kind = kind
        self.offset = offset
        self.message = message
        self.file = file
    }

    /// A file that could not be opened or read (``Kind/io``), naming the path and the system's reason.
    public init(_ error: FileIOError) {
        self.init(.io, offset: nil, error.reason, file: error.path)
    }

    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let offset { parts.append("byte offset \(offset)") }
        parts.append(message)
        return parts.joined(separator: ": ")
    }

    /// The same error attributed to `file` (the first attribution wins).
    public func inFile(_ file: String) -> CompressionError {
        var copy = self
        if copy.file == nil { copy.file = file }
        return copy
    }

    /// The same error with its offset shifted by `base` (for streams embedded in a larger file).
    func shifted(by base: Int) -> CompressionError {
        var copy = self
        if let offset = copy.offset { copy.offset = offset + base }
        return copy
    }
}

/// `Array.withUnsafeBytes` is `rethrows` (untyped); this keeps the typed error.
@inline(__always)
func withBytes<R>(
    _ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(CompressionError) -> R
) throws(CompressionError) -> R {
    let result: Result<R, CompressionError> = array.withUnsafeBytes { raw in
        Result { () throws(CompressionError) -> R in try body(raw) }
    }
    return try result.get()
}
