/// Writes a zip archive (PKWARE APPNOTE) entry by entry to a byte sink: stored or deflated members,
/// CRC-32, UTF-8 names, and zip64 records when a size, offset or entry count needs them.
///
/// Output is deterministic: every member gets the DOS timestamp 1980-01-01 00:00 and Unix mode 0644.
///
/// ```swift
/// var bytes: [UInt8] = []
/// let writer = ZipWriter { chunk in bytes.append(contentsOf: chunk) }
/// try writer.add(name: "x.npy", data: npyBytes)
/// try writer.finish()
/// ```
public final class ZipWriter {
    /// Receives the archive bytes in order.
    public typealias Sink = (UnsafeRawBufferPointer) throws -> Void

    private struct Record {
        var name: [UInt8]
        var flags: UInt16
        var method: UInt16
        var crc: UInt32
        var compressedSize, uncompressedSize, offset: Int
    }

    private let sink: Sink
    private var records: [Record] = []
    private var written = 0
    private var finished = false

    public init(sink: @escaping Sink) {
        self.sink = sink
    }

    /// Appends a member. `method` is ``ZipArchive/Method/stored`` or ``ZipArchive/Method/deflated``
    /// (deflate at the default level, as `numpy.savez_compressed` does).
    public func add(name: String, data: [UInt8], method: ZipArchive.Method = .stored) throws {
        guard !finished else {
            throw CompressionError(.corrupt, offset: written, "zip writer: add(name: \"\(name)\") after finish()")
        }
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty, nameBytes.count <= 0xFFFF else {
            throw CompressionError(.corrupt, offset: nil, "zip writer: member name must be 1...65535 bytes of UTF-8, got \(nameBytes.count)")
        }
        let payload: [UInt8]
        switch method {
        case .stored: payload = data
        case .deflated: payload = DeflateEncoder.deflate(data)
        case .other:
            throw CompressionError(.unsupported, offset: nil,
                                   "zip writer: compression method \(method) is not supported (use stored or deflated)")
        }
        let flags: UInt16 = nameBytes.allSatisfy({ $0 < 0x80 }) ? 0 : 0x0800
        let record = Record(name: nameBytes, flags: flags, method: method.code, crc: CRC32.checksum(data),
                            compressedSize: payload.count, uncompressedSize: data.count, offset: written)
        let needsZip64 = record.compressedSize >= 0xFFFF_FFFF || record.uncompressedSize >= 0xFFFF_FFFF

        var header: [UInt8] = []
        header.appendLE(UInt32(0x0403_4B50))
        header.appendLE(UInt16(needsZip64 ? 45 : 20))  // version needed to extract
        header.appendLE(flags)
        header.appendLE(method.code)
        header.appendLE(UInt16(0))  // time 00:00:00
        header.appendLE(UInt16(0x21))  // date 1980-01-01
        header.appendLE(record.crc)
        header.appendLE(needsZip64 ? UInt32.max : UInt32(record.compressedSize))
        header.appendLE(needsZip64 ? UInt32.max : UInt32(record.uncompressedSize))
        header.appendLE(UInt16(nameBytes.count))
        header.appendLE(UInt16(needsZip64 ? 20 : 0))
        header.append(contentsOf: nameBytes)
        if needsZip64 {
            header.appendLE(UInt16(0x0001))
            header.appendLE(UInt16(16))
            header.appendLE(UInt64(record.uncompressedSize))
            header.appendLE(UInt64(record.compressedSize))
        }
        try emit(header)
        try emit(payload)
        records.append(record)
    }

    /// Writes the central directory and end records. The writer accepts nothing afterwards.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        let directoryOffset = written
        for record in records {
            var zip64: [UInt8] = []
            if record.uncompressedSize >= 0xFFFF_FFFF { zip64.appendLE(UInt64(record.uncompressedSize)) }
            if record.compressedSize >= 0xFFFF_FFFF { zip64.appendLE(UInt64(record.compressedSize)) }
            if record.offset >= 0xFFFF_FFFF { zip64.appendLE(UInt64(record.offset)) }
            var entry: [UInt8] = []
            entry.appendLE(UInt32(0x0201_4B50))
            entry.appendLE(UInt16(0x0300 | (zip64.isEmpty ? 20 : 45)))  // made by: Unix, spec version
            entry.appendLE(UInt16(zip64.isEmpty ? 20 : 45))
            entry.appendLE(record.flags)
            entry.appendLE(record.method)
            entry.appendLE(UInt16(0))
            entry.appendLE(UInt16(0x21))
            entry.appendLE(record.crc)
            entry.appendLE(record.compressedSize >= 0xFFFF_FFFF ? UInt32.max : UInt32(record.compressedSize))
            entry.appendLE(record.uncompressedSize >= 0xFFFF_FFFF ? UInt32.max : UInt32(record.uncompressedSize))
            entry.appendLE(UInt16(record.name.count))
            entry.appendLE(UInt16(zip64.isEmpty ? 0 : zip64.count + 4))
            entry.appendLE(UInt16(0))  // comment length
            entry.appendLE(UInt16(0))  // disk number
            entry.appendLE(UInt16(0))  // internal attributes
            entry.appendLE(UInt32(0o100644) << 16)  // external attributes: regular file, rw-r--r--
            entry.appendLE(record.offset >= 0xFFFF_FFFF ? UInt32.max : UInt32(record.offset))
            entry.append(contentsOf: record.name)
            if !zip64.isEmpty {
                entry.appendLE(UInt16(0x0001))
                entry.appendLE(UInt16(zip64.count))
                entry.append(contentsOf: zip64)
            }
            try emit(entry)
        }
        let directorySize = written - directoryOffset
        let needsZip64 = records.count >= 0xFFFF || directorySize >= 0xFFFF_FFFF || directoryOffset >= 0xFFFF_FFFF
        var end: [UInt8] = []
        if needsZip64 {
            let recordOffset = written
            end.appendLE(UInt32(0x0606_4B50))
            end.appendLE(UInt64(44))  // size of the rest of this record
            end.appendLE(UInt16(0x0300 | 45))
            end.appendLE(UInt16(45))
            end.appendLE(UInt32(0))
            end.appendLE(UInt32(0))
            end.appendLE(UInt64(records.count))
            end.appendLE(UInt64(records.count))
            end.appendLE(UInt64(directorySize))
            end.appendLE(UInt64(directoryOffset))
            end.appendLE(UInt32(0x0706_4B50))  // locator
            end.appendLE(UInt32(0))
            end.appendLE(UInt64(recordOffset))
            end.appendLE(UInt32(1))
        }
        end.appendLE(UInt32(0x0605_4B50))
        end.appendLE(UInt16(0))
        end.appendLE(UInt16(0))
        end.appendLE(UInt16(needsZip64 ? 0xFFFF : records.count))
        end.appendLE(UInt16(needsZip64 ? 0xFFFF : records.count))
        end.appendLE(needsZip64 ? UInt32.max : UInt32(directorySize))
        end.appendLE(needsZip64 ? UInt32.max : UInt32(directoryOffset))
        end.appendLE(UInt16(0))  // comment length
        try emit(end)
    }

    /// A whole archive in memory.
    public static func archive(_ members: [(name: String, data: [UInt8])], method: ZipArchive.Method = .stored) throws -> [UInt8] {
        var bytes: [UInt8] = []
        let writer = ZipWriter { chunk in bytes.append(contentsOf: chunk) }
        for member in members { try writer.add(name: member.name, data: member.data, method: method) }
        try writer.finish()
        return bytes
    }

    private func emit(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try sink($0) }
        written += bytes.count
    }
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        var little = value.littleEndian
        Swift.withUnsafeBytes(of: &little) { append(contentsOf: $0) }
    }
}
