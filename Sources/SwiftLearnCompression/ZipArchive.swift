import FoundationEssentials
import SwiftLearnSystem

/// A read-only view of a zip archive (PKWARE APPNOTE): the central directory, stored and deflated members,
/// CRC-32 and sizes verified on extraction, zip64 sizes and offsets. Enough for NumPy's `.npz` files.
///
/// ```swift
/// let archive = try ZipArchive(contentsOf: URL(fileURLWithPath: "arrays.npz"))
/// for entry in archive.entries { print(entry.name, entry.uncompressedSize) }
/// let bytes = try archive.extract(named: "x_train.npy")
/// ```
///
/// Encrypted members and compression methods other than stored (0) and deflate (8) throw
/// ``CompressionError/Kind/unsupported``. Data prepended to the archive (self-extractors) is tolerated, as in
/// Python's `zipfile`.
public struct ZipArchive: Sendable {
    /// How a member's bytes are stored.
    public enum Method: Sendable, Equatable, CustomStringConvertible {
        case stored
        case deflated
        case other(UInt16)

        init(code: UInt16) {
            switch code {
            case 0: self = .stored
            case 8: self = .deflated
            default: self = .other(code)
            }
        }

        public var code: UInt16 {
            switch self {
            case .stored: return 0
            case .deflated: return 8
            case .other(let code): return code
            }
        }

        public var description: String {
            switch self {
            case .stored: return "stored (0)"
            case .deflated: return "deflate (8)"
            case .other(let code):
                let names: [UInt16: String] = [1: "shrink", 6: "implode", 9: "deflate64", 12: "bzip2", 14: "LZMA",
                                               93: "zstd", 95: "xz", 99: "AES-encrypted"]
                return "\(names[code] ?? "method") (\(code))"
            }
        }
    }

    /// One member, as the central directory describes it.
    public struct Entry: Sendable, Equatable {
        /// The path inside the archive ("/"-separated; directories end with "/").
        public let name: String
        public let method: Method
        public let crc32: UInt32
        public let compressedSize: Int
        public let uncompressedSize: Int
        /// General-purpose flag bits (bit 0: encrypted, bit 3: data descriptor, bit 11: UTF-8 name).
        public let flags: UInt16
        /// Offset of the member's local header in the archive.
        public let localHeaderOffset: Int
        /// Offset of this entry's central directory record (for messages).
        let directoryOffset: Int

        /// True for directory entries (names ending in "/").
        public var isDirectory: Bool { name.hasSuffix("/") }
    }

    /// Members in central directory order.
    public let entries: [Entry]
    /// The file the archive was read from, for messages.
    public let fileName: String?
    private let bytes: [UInt8]
    /// Added to recorded offsets when data was prepended to the archive.
    private let prefixLength: Int

    /// Reads and indexes a zip file.
    public init(contentsOf url: URL) throws(CompressionError) {
        let bytes = try FileIO.readAll(path: url.path, as: CompressionError.self)
        do {
            try self.init(bytes, fileName: url.path)
        } catch {
            throw error.inFile(url.path)
        }
    }

    /// Indexes an in-memory zip archive. `fileName` only labels error messages.
    public init(_ bytes: [UInt8], fileName: String? = nil) throws(CompressionError) {
        self.bytes = bytes
        self.fileName = fileName
        (entries, prefixLength) = try withBytes(bytes) { (raw) throws(CompressionError) in
            try ZipArchive.readCentralDirectory(raw)
        }
    }

    /// The first entry called `name`, if any.
    public func entry(named name: String) -> Entry? {
        entries.first { $0.name == name }
    }

    /// The decompressed bytes of the member called `name`.
    /// - Throws: ``CompressionError/Kind/notFound`` listing the members when there is none by that name.
    public func extract(named name: String, maxOutputSize: Int = Inflate.defaultMaxOutputSize) throws(CompressionError) -> [UInt8] {
        guard let entry = entry(named: name) else {
            let names = entries.prefix(20).map { "'\($0.name)'" }.joined(separator: ", ")
            throw CompressionError(.notFound, offset: nil,
                                   "zip archive has no member '\(name)' (members: \(names)\(entries.count > 20 ? ", ..." : ""))",
                                   file: fileName)
        }
        return try extract(entry, maxOutputSize: maxOutputSize)
    }

    /// The decompressed bytes of `entry`, with CRC-32 and size checked.
    public func extract(_ entry: Entry, maxOutputSize: Int = Inflate.defaultMaxOutputSize) throws(CompressionError) -> [UInt8] {
        do {
            return try withBytes(bytes) { (raw) throws(CompressionError) in
                try extract(entry, from: raw, maxOutputSize: maxOutputSize)
            }
        } catch {
            throw fileName.map { error.inFile($0) } ?? error
        }
    }

    private func extract(_ entry: Entry, from raw: UnsafeRawBufferPointer, maxOutputSize: Int) throws(CompressionError) -> [UInt8] {
        let member = "zip member '\(entry.name)'"
        guard entry.flags & 1 == 0 else {
            throw CompressionError(.unsupported, offset: entry.directoryOffset, "\(member) is encrypted; encryption is not supported")
        }
        guard entry.uncompressedSize <= maxOutputSize else {
            throw CompressionError(.outputLimitExceeded, offset: entry.directoryOffset,
                                   "\(member) declares \(entry.uncompressedSize) bytes, more than the maximum output size "
                                       + "of \(maxOutputSize) bytes (raise maxOutputSize if this archive is trusted)")
        }
        let header = entry.localHeaderOffset + prefixLength
        guard header >= 0, raw.count - header >= 30 else {
            throw CompressionError(.truncated, offset: header,
                                   "\(member): local header at byte offset \(header) lies outside the \(raw.count)-byte archive")
        }
        guard readUInt32LE(raw, header) == 0x0403_4B50 else {
            throw CompressionError(.corrupt, offset: header,
                                   "\(member): expected a local file header signature (50 4B 03 04), found \(hex(readUInt32LE(raw, header)))")
        }
        let dataStart = header + 30 + Int(readUInt16LE(raw, header + 26)) + Int(readUInt16LE(raw, header + 28))
        guard dataStart <= raw.count, entry.compressedSize <= raw.count - dataStart else {
            throw CompressionError(.truncated, offset: raw.count,
                                   "\(member): \(entry.compressedSize) bytes of data starting at byte offset \(dataStart) "
                                       + "run past the end of the \(raw.count)-byte archive")
        }
        let data = UnsafeRawBufferPointer(rebasing: raw[dataStart..<(dataStart + entry.compressedSize)])
        let output: [UInt8]
        switch entry.method {
        case .stored:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw CompressionError(.sizeMismatch, offset: entry.directoryOffset,
                                       "\(member) is stored but its compressed size \(entry.compressedSize) differs from its "
                                           + "uncompressed size \(entry.uncompressedSize)")
            }
            output = Array(data)
        case .deflated:
            // Bounded by the size the central directory declares (already checked against maxOutputSize):
            // a member that inflates past its declared size is refused there, not after a gigabyte.
            let buffer = OutputBuffer(sizeHint: entry.uncompressedSize, inputSize: data.count, limit: entry.uncompressedSize)
            do throws(CompressionError) {
                _ = try Inflate.inflate(data, from: 0, into: buffer, streamName: member)
            } catch where error.kind == .outputLimitExceeded {
                throw CompressionError(.sizeMismatch, offset: entry.directoryOffset,
                                       "\(member) inflates to more than the \(entry.uncompressedSize) bytes the central directory declares")
            } catch {
                throw error.shifted(by: dataStart)
            }
            output = buffer.takeArray()
        case .other:
            throw CompressionError(.unsupported, offset: entry.directoryOffset,
                                   "\(member) uses compression method \(entry.method); only stored (0) and deflate (8) are supported")
        }
        guard output.count == entry.uncompressedSize else {
            throw CompressionError(.sizeMismatch, offset: entry.directoryOffset,
                                   "\(member): decompressed \(output.count) bytes, the central directory says \(entry.uncompressedSize)")
        }
        let crc = CRC32.checksum(output)
        guard crc == entry.crc32 else {
            throw CompressionError(.checksumMismatch, offset: dataStart,
                                   "\(member): CRC-32 mismatch: central directory says \(hex(entry.crc32)), data has \(hex(crc))")
        }
        return output
    }

    // MARK: - Central directory

    private static func readCentralDirectory(_ raw: UnsafeRawBufferPointer) throws(CompressionError) -> ([Entry], Int) {
        // The end-of-central-directory record is 22 bytes plus a comment of up to 65535 bytes, at the very end.
        guard raw.count >= 22 else {
            throw CompressionError(.truncated, offset: raw.count,
                                   "not a zip archive: \(raw.count) bytes is shorter than an end-of-central-directory record (22)")
        }
        var eocd = -1
        var candidate = raw.count - 22
        let lowest = Swift.max(0, raw.count - 22 - 0xFFFF)
        while candidate >= lowest {
            if readUInt32LE(raw, candidate) == 0x0605_4B50,
               candidate + 22 + Int(readUInt16LE(raw, candidate + 20)) <= raw.count {
                eocd = candidate
                break
            }
            candidate -= 1
        }
        guard eocd >= 0 else {
            throw CompressionError(.corrupt, offset: raw.count - 22,
                                   "not a zip archive: no end-of-central-directory record (50 4B 05 06) in the last "
                                       + "\(raw.count - lowest) bytes")
        }
        var entryCount = Int(readUInt16LE(raw, eocd + 10))
        var directorySize = Int(readUInt32LE(raw, eocd + 12))
        var directoryOffset = Int(readUInt32LE(raw, eocd + 16))
        var directoryEnd = eocd  // where the central directory should end, in actual file offsets

        // zip64: a locator 20 bytes before the EOCD points at the zip64 end record with 64-bit fields.
        if eocd >= 20, readUInt32LE(raw, eocd - 20) == 0x0706_4B50 {
            let recordOffset = readUInt64LE(raw, eocd - 20 + 8)
            // Locate the record just before the locator (accounting for a prefix), not trusting the offset blindly.
            let recordStart = eocd - 20 - 56
            guard recordStart >= 0, readUInt32LE(raw, recordStart) == 0x0606_4B50 else {
                throw CompressionError(.corrupt, offset: eocd - 20,
                                       "zip64 end-of-central-directory locator points at byte offset \(recordOffset), "
                                           + "but no zip64 end record (50 4B 06 06) precedes the locator")
            }
            entryCount = Int(truncatingIfNeeded: readUInt64LE(raw, recordStart + 32))
            directorySize = Int(truncatingIfNeeded: readUInt64LE(raw, recordStart + 40))
            directoryOffset = Int(truncatingIfNeeded: readUInt64LE(raw, recordStart + 48))
            directoryEnd = recordStart
        }
        guard directorySize >= 0, directoryOffset >= 0, directorySize <= directoryEnd, entryCount >= 0 else {
            throw CompressionError(.corrupt, offset: eocd,
                                   "end-of-central-directory record claims a \(directorySize)-byte central directory "
                                       + "at byte offset \(directoryOffset), which does not fit before byte offset \(directoryEnd)")
        }
        let actualStart = directoryEnd - directorySize
        let prefixLength = actualStart - directoryOffset
        guard prefixLength >= 0 else {
            throw CompressionError(.corrupt, offset: eocd,
                                   "end-of-central-directory record puts the central directory at byte offset "
                                       + "\(directoryOffset), past where it ends (\(actualStart))")
        }

        var entries: [Entry] = []
        entries.reserveCapacity(Swift.min(entryCount, 1 << 16))
        var offset = actualStart
        for index in 0..<entryCount {
            guard directoryEnd - offset >= 46 else {
                throw CompressionError(.truncated, offset: offset,
                                       "central directory ends after \(index) of \(entryCount) entries (expected a 46-byte record)")
            }
            guard readUInt32LE(raw, offset) == 0x0201_4B50 else {
                throw CompressionError(.corrupt, offset: offset,
                                       "central directory entry \(index): expected signature 50 4B 01 02, found "
                                           + "\(hex(readUInt32LE(raw, offset)))")
            }
            let flags = readUInt16LE(raw, offset + 8)
            let method = Method(code: readUInt16LE(raw, offset + 10))
            let crc = readUInt32LE(raw, offset + 16)
            var compressedSize = Int(readUInt32LE(raw, offset + 20))
            var uncompressedSize = Int(readUInt32LE(raw, offset + 24))
            let nameLength = Int(readUInt16LE(raw, offset + 28))
            let extraLength = Int(readUInt16LE(raw, offset + 30))
            let commentLength = Int(readUInt16LE(raw, offset + 32))
            var localHeaderOffset = Int(readUInt32LE(raw, offset + 42))
            let recordLength = 46 + nameLength + extraLength + commentLength
            guard directoryEnd - offset >= recordLength else {
                throw CompressionError(.truncated, offset: offset,
                                       "central directory entry \(index): its \(recordLength)-byte record runs past the directory end "
                                           + "at byte offset \(directoryEnd)")
            }
            let nameBytes = UnsafeRawBufferPointer(rebasing: raw[(offset + 46)..<(offset + 46 + nameLength)])
            let name = decodeName(nameBytes, utf8: flags & 0x0800 != 0)

            // zip64 extended information: 64-bit fields present, in order, for each 32-bit field saturated at 0xFFFFFFFF.
            var extra = offset + 46 + nameLength
            let extraEnd = extra + extraLength
            while extraEnd - extra >= 4 {
                let id = readUInt16LE(raw, extra)
                let size = Int(readUInt16LE(raw, extra + 2))
                guard extraEnd - extra - 4 >= size else { break }
                if id == 0x0001 {
                    var field = extra + 4
                    let fieldEnd = field + size
                    func next() throws(CompressionError) -> Int {
                        guard fieldEnd - field >= 8 else {
                            throw CompressionError(.corrupt, offset: field,
                                                   "central directory entry '\(name)': zip64 extra field too short for its saturated sizes")
                        }
                        defer { field += 8 }
                        return Int(truncatingIfNeeded: readUInt64LE(raw, field))
                    }
                    if uncompressedSize == 0xFFFF_FFFF { uncompressedSize = try next() }
                    if compressedSize == 0xFFFF_FFFF { compressedSize = try next() }
                    if localHeaderOffset == 0xFFFF_FFFF { localHeaderOffset = try next() }
                }
                extra += 4 + size
            }
            guard compressedSize >= 0, uncompressedSize >= 0, localHeaderOffset >= 0 else {
                throw CompressionError(.corrupt, offset: offset, "central directory entry '\(name)': negative zip64 size or offset")
            }
            entries.append(Entry(name: name, method: method, crc32: crc, compressedSize: compressedSize,
                                 uncompressedSize: uncompressedSize, flags: flags,
                                 localHeaderOffset: localHeaderOffset, directoryOffset: offset))
            offset += recordLength
        }
        return (entries, prefixLength)
    }

    /// Names are UTF-8 when flag bit 11 is set, otherwise IBM code page 437 (as Python's zipfile decodes them).
    private static func decodeName(_ bytes: UnsafeRawBufferPointer, utf8: Bool) -> String {
        if utf8 || bytes.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var name = ""
        for byte in bytes {
            name.unicodeScalars.append(byte < 0x80 ? Unicode.Scalar(byte) : codePage437High[Int(byte) - 0x80])
        }
        return name
    }

    private static let codePage437High: [Unicode.Scalar] = Array(
        ("ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀"
            + "αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{00A0}").unicodeScalars)
}

@inline(__always)
func readUInt64LE(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
    UInt64(readUInt32LE(bytes, offset)) | UInt64(readUInt32LE(bytes, offset + 4)) << 32
}
