import FoundationEssentials
import SwiftLearnSystem

/// gzip (RFC 1952) decompression: any number of concatenated members, every header field, CRC-32 and ISIZE
/// verified.
///
/// ```swift
/// let images = try Gzip.decompress(contentsOf: URL(fileURLWithPath: "train-images-idx3-ubyte.gz"))
/// ```
///
/// Zero bytes after the last member (tape padding) are accepted; any other trailing bytes are an error.
public enum Gzip {
    /// The fields of one member header.
    public struct Header: Sendable, Equatable {
        /// FNAME, decoded as ISO 8859-1 as the RFC specifies.
        public var fileName: String?
        /// FCOMMENT, decoded as ISO 8859-1.
        public var comment: String?
        /// FEXTRA's raw subfields.
        public var extra: [UInt8]?
        /// MTIME, seconds since the Unix epoch (0 when absent).
        public var modificationTime: UInt32
        /// FTEXT: the compressor guessed the data is text.
        public var isText: Bool
        /// XFL (2 = maximum compression, 4 = fastest).
        public var extraFlags: UInt8
        /// OS (3 = Unix, 255 = unknown).
        public var operatingSystem: UInt8
    }

    /// True when `bytes` starts with the gzip magic number 1F 8B.
    public static func hasMagic<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        var iterator = bytes.makeIterator()
        return iterator.next() == 0x1F && iterator.next() == 0x8B
    }

    /// Decompresses all members of a gzip file.
    /// - Throws: ``CompressionError`` naming the file, the byte offset and what was expected.
    public static func decompress(contentsOf url: URL, maxOutputSize: Int = Inflate.defaultMaxOutputSize) throws(CompressionError) -> [UInt8] {
        let bytes = try FileIO.readAll(path: url.path, as: CompressionError.self)
        do {
            return try decompress(bytes, maxOutputSize: maxOutputSize)
        } catch {
            throw error.inFile(url.path)
        }
    }

    /// Decompresses all members of in-memory gzip data.
    public static func decompress(_ input: [UInt8], maxOutputSize: Int = Inflate.defaultMaxOutputSize) throws(CompressionError) -> [UInt8] {
        try decompressMembers(input, maxOutputSize: maxOutputSize).output
    }

    /// Decompresses all members of gzip data in raw memory.
    public static func decompress(_ input: UnsafeRawBufferPointer, maxOutputSize: Int = Inflate.defaultMaxOutputSize) throws(CompressionError) -> [UInt8] {
        try decompressMembers(input, maxOutputSize: maxOutputSize).output
    }

    /// Decompresses all members and returns their headers too.
    public static func decompressMembers(
        _ input: [UInt8], maxOutputSize: Int = Inflate.defaultMaxOutputSize
    ) throws(CompressionError) -> (output: [UInt8], headers: [Header]) {
        try withBytes(input) { (raw) throws(CompressionError) in
            try decompressMembers(raw, maxOutputSize: maxOutputSize)
        }
    }

    /// Decompresses all members in raw memory and returns their headers too.
    public static func decompressMembers(
        _ input: UnsafeRawBufferPointer, maxOutputSize: Int = Inflate.defaultMaxOutputSize
    ) throws(CompressionError) -> (output: [UInt8], headers: [Header]) {
        guard input.count > 0 else {
            throw CompressionError(.truncated, offset: 0, "empty input: expected a gzip header (1F 8B)")
        }
        // ISIZE of the last member (the whole output for the usual single-member file) sizes the buffer.
        var sizeHint = 0
        if input.count >= 18 {
            let n = input.count
            sizeHint = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
        }
        let output = OutputBuffer(sizeHint: sizeHint, inputSize: input.count, limit: maxOutputSize)
        var headers: [Header] = []
        var offset = 0
        while true {
            let member = headers.count + 1
            let (header, dataStart) = try parseHeader(input, at: offset, member: member)
            headers.append(header)
            let memberStart = output.count
            let dataEnd = try Inflate.inflate(input, from: dataStart, into: output, streamName: "gzip member \(member)")
            guard input.count - dataEnd >= 8 else {
                throw CompressionError(.truncated, offset: input.count,
                                       "gzip member \(member): truncated trailer: expected 8 bytes (CRC-32, ISIZE) at byte offset "
                                           + "\(dataEnd), only \(input.count - dataEnd) present")
            }
            let storedCRC = readUInt32LE(input, dataEnd)
            let storedSize = readUInt32LE(input, dataEnd + 4)
            let actualCRC = output.crc32(memberStart..<output.count)
            guard storedCRC == actualCRC else {
                throw CompressionError(.checksumMismatch, offset: dataEnd,
                                       "gzip member \(member): CRC-32 mismatch: trailer says \(hex(storedCRC)), "
                                           + "decompressed data has \(hex(actualCRC))")
            }
            let actualSize = UInt32(truncatingIfNeeded: output.count - memberStart)
            guard storedSize == actualSize else {
                throw CompressionError(.sizeMismatch, offset: dataEnd + 4,
                                       "gzip member \(member): ISIZE mismatch: trailer says \(storedSize) bytes (mod 2^32), "
                                           + "decompressed \(output.count - memberStart)")
            }
            offset = dataEnd + 8
            if offset == input.count { break }
            if input[offset] == 0x1F { continue }
            // Padding after the last member must be zeros.
            if let garbage = (offset..<input.count).first(where: { input[$0] != 0 }) {
                throw CompressionError(.corrupt, offset: garbage,
                                       "trailing garbage after gzip member \(member): byte \(hex(input[garbage])), "
                                           + "expected another member (1F 8B), zero padding or the end of the input")
            }
            break
        }
        return (output.takeArray(), headers)
    }

    /// The first `count` bytes of the decompressed data (all of it when shorter), decoding at most about
    /// `count + 64 KiB` of output: enough to read a file format's header and learn how large the whole
    /// output must be before decompressing it with that bound. Trailers are not verified here (the full
    /// ``decompress(_:maxOutputSize:)`` does that).
    ///
    /// ```swift
    /// let header = try Gzip.decompressedPrefix(bytes, count: 16)   // an IDX header, without inflating 47 MB
    /// ```
    public static func decompressedPrefix(_ input: [UInt8], count: Int) throws(CompressionError) -> [UInt8] {
        try withBytes(input) { (raw) throws(CompressionError) in
            // A stored block appends up to 65535 bytes at once and is refused whole when it would pass the
            // limit, so a limit this far above `count` guarantees `count` bytes are decoded before it trips.
            let output = OutputBuffer(sizeHint: 0, inputSize: raw.count, limit: Swift.max(0, count) + (1 << 16))
            var offset = 0
            var member = 1
            while output.count < count, offset < raw.count {
                let (_, dataStart) = try parseHeader(raw, at: offset, member: member)
                do throws(CompressionError) {
                    offset = try Inflate.inflate(raw, from: dataStart, into: output, streamName: "gzip member \(member)") + 8
                } catch where error.kind == .outputLimitExceeded {
                    break
                }
                member += 1
                // Zero padding after the last member ends the data.
                if offset < raw.count, raw[offset] != 0x1F { break }
            }
            var bytes = output.takeArray()
            if bytes.count > count { bytes.removeLast(bytes.count - count) }
            return bytes
        }
    }

    /// Parses a member header at `start`; returns it and the offset of the DEFLATE data.
    static func parseHeader(_ input: UnsafeRawBufferPointer, at start: Int, member: Int) throws(CompressionError) -> (Header, Int) {
        let name = "gzip member \(member)"
        func need(_ count: Int, at offset: Int, _ what: String) throws(CompressionError) {
            guard count <= input.count - offset else {
                throw CompressionError(.truncated, offset: input.count,
                                       "\(name): truncated header: expected \(what) at byte offset \(offset)")
            }
        }
        try need(10, at: start, "the 10-byte fixed header")
        guard input[start] == 0x1F, input[start + 1] == 0x8B else {
            throw CompressionError(.corrupt, offset: start,
                                   "\(name): not gzip data: found bytes \(hex(input[start])) \(hex(input[start + 1])), "
                                       + "expected the magic number 1F 8B")
        }
        guard input[start + 2] == 8 else {
            throw CompressionError(.unsupported, offset: start + 2,
                                   "\(name): compression method \(input[start + 2]), expected 8 (deflate)")
        }
        let flags = input[start + 3]
        guard flags & 0xE0 == 0 else {
            throw CompressionError(.corrupt, offset: start + 3,
                                   "\(name): reserved header flag bits set (FLG = \(hex(flags))), expected them zero")
        }
        var header = Header(fileName: nil, comment: nil, extra: nil,
                            modificationTime: readUInt32LE(input, start + 4), isText: flags & 0x01 != 0,
                            extraFlags: input[start + 8], operatingSystem: input[start + 9])
        var offset = start + 10
        if flags & 0x04 != 0 {  // FEXTRA
            try need(2, at: offset, "the FEXTRA length")
            let length = Int(input[offset]) | Int(input[offset + 1]) << 8
            try need(2 + length, at: offset, "\(length) bytes of FEXTRA data")
            header.extra = Array(input[(offset + 2)..<(offset + 2 + length)])
            offset += 2 + length
        }
        if flags & 0x08 != 0 {  // FNAME
            let (text, next) = try zeroTerminated(input, at: offset, name: name, field: "FNAME (file name)")
            header.fileName = text
            offset = next
        }
        if flags & 0x10 != 0 {  // FCOMMENT
            let (text, next) = try zeroTerminated(input, at: offset, name: name, field: "FCOMMENT")
            header.comment = text
            offset = next
        }
        if flags & 0x02 != 0 {  // FHCRC: low 16 bits of the CRC-32 of the header so far
            try need(2, at: offset, "the 2-byte header CRC (FHCRC)")
            let stored = UInt16(input[offset]) | UInt16(input[offset + 1]) << 8
            var crc = CRC32()
            crc.update(UnsafeRawBufferPointer(rebasing: input[start..<offset]))
            let actual = UInt16(truncatingIfNeeded: crc.value)
            guard stored == actual else {
                throw CompressionError(.checksumMismatch, offset: offset,
                                       "\(name): header CRC-16 mismatch: header says \(hex(stored)), "
                                           + "header bytes have \(hex(actual))")
            }
            offset += 2
        }
        return (header, offset)
    }

    private static func zeroTerminated(
        _ input: UnsafeRawBufferPointer, at start: Int, name: String, field: String
    ) throws(CompressionError) -> (String, Int) {
        guard let terminator = (start..<input.count).first(where: { input[$0] == 0 }) else {
            throw CompressionError(.truncated, offset: input.count,
                                   "\(name): truncated header: \(field) starting at byte offset \(start) has no terminating zero byte")
        }
        // ISO 8859-1 maps each byte to the Unicode scalar of the same value.
        var text = ""
        text.unicodeScalars.append(contentsOf: input[start..<terminator].map { Unicode.Scalar($0) })
        return (text, terminator + 1)
    }
}

@inline(__always)
func readUInt32LE(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
}

@inline(__always)
func readUInt16LE(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt16 {
    UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
}

func hex<T: FixedWidthInteger>(_ value: T) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    let width = T.bitWidth / 4
    return "0x" + String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
}
