import SwiftLearnCompression
import SwiftLearnSystem

/// The safetensors format (Hugging Face): an 8-byte little-endian header length `N`, `N` bytes of JSON
/// (`{"__metadata__": {...}, "name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...}`,
/// padded with spaces to a multiple of 8), then the raw little-endian tensor data. Offsets count from
/// the end of the header.
///
/// Files are written the way Python's `safetensors.numpy.save_file` writes them (metadata first,
/// tensors sorted by name, data in the same order, compact JSON), so either side reads the other's files.
///
/// Integrity: the writer stores the CRC-32 (zlib's `crc32`) of each tensor's data bytes as metadata
/// `crc32/<tensor name>` = 8 hexadecimal digits. Readers that do not know the key ignore it (Python's
/// `safe_open(...).metadata()` shows it); this reader verifies every CRC it finds when the file is
/// opened and names the damaged tensor. Files without CRCs (older SwiftLearn files, Python's) still load.
///
/// Reading follows the format's rules as Hugging Face's reader enforces them: a header of at most
/// 100,000,000 bytes, JSON nested at most ``JSONValue/maxNestingDepth`` levels, and tensor data that
/// covers the data section exactly (no overlapping tensors, no holes, no trailing bytes), checked in
/// file order so an error always names the same tensor.
struct SafeTensors {
    struct Entry {
        let name: String
        let dtype: String
        let shape: [Int]
        /// Byte range of the data in the buffer that follows the header.
        let begin, end: Int
    }

    var metadata: [String: String] = [:]
    var entries: [String: Entry] = [:]
    /// Tensor names in the order of their data in the file (by `data_offsets`).
    var namesInFileOrder: [String] = []
    /// The data section (everything after the header).
    var data: [UInt8] = []
    let path: String

    /// Hugging Face's limit on the JSON header (`MAX_HEADER_SIZE` in the Rust crate).
    static let maxHeaderSize = 100_000_000
    /// Metadata key prefix for a tensor's CRC-32: `crc32/dense/kernel` = `"1a2b3c4d"`.
    static let checksumKeyPrefix = "crc32/"

    /// Bytes per element of the dtypes safetensors defines (sub-byte float formats are absent: their
    /// size rule is per tensor, so they are only range-checked).
    static let dtypeSizes: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1,
        "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
        "I32": 4, "U32": 4, "F32": 4,
        "I64": 8, "U64": 8, "F64": 8, "C64": 8,
    ]

    /// Serializes float32 tensors and string metadata, adding a `crc32/<name>` metadata entry per
    /// tensor unless `checksums` is false.
    static func encode(_ tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)],
                       metadata: [String: String], checksums: Bool = true) -> [UInt8] {
        let sorted = tensors.sorted { $0.name < $1.name }
        var metadata = metadata
        if checksums {
            for tensor in sorted {
                metadata[checksumKeyPrefix + tensor.name] = hex8(crc32(of: tensor.values))
            }
        }
        var header = "{"
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(JSONText.quoted($0)):\(JSONText.quoted(metadata[$0]!))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for tensor in sorted {
            let size = tensor.values.count * 4
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append("\(JSONText.quoted(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}")
            offset += size
        }
        header += fields.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + headerBytes.count + offset)
        var length = UInt64(headerBytes.count).littleEndian
        withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: headerBytes)
        for tensor in sorted {
            for value in tensor.values {
                var bits = value.bitPattern.littleEndian
                withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
            }
        }
        return bytes
    }

    /// The CRC-32 of the little-endian bytes of `values` (what the file stores).
    private static func crc32(of values: UnsafeBufferPointer<Float>) -> UInt32 {
        var crc = CRC32()
        #if _endian(little)
        crc.update(UnsafeRawBufferPointer(values))
        #else
        crc.update(values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) })
        #endif
        return crc.value
    }

    private static func hex8(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// Parses a file, checking the header, every tensor's offsets against the bytes actually present
    /// and against each other, and the CRC-32 of every tensor that has one.
    init(path: String) throws(NNError) {
        self.path = path
        let bytes = try FileIO.readAll(path: path, as: NNError.self)
        func fail(_ message: String) -> NNError { .file(path: path, message: message) }
        guard bytes.count >= 8 else {
            throw fail("truncated safetensors file: \(bytes.count) bytes, fewer than the 8-byte header length at byte 0")
        }
        var length: UInt64 = 0
        for index in (0..<8).reversed() { length = length << 8 | UInt64(bytes[index]) }
        guard length <= UInt64(SafeTensors.maxHeaderSize) else {
            throw fail("the header length at byte 0 says \(length) bytes of JSON, more than the format's limit of \(SafeTensors.maxHeaderSize)")
        }
        guard length <= UInt64(bytes.count - 8) else {
            throw fail("truncated safetensors file: the header length at byte 0 says \(length) bytes of JSON, but only \(bytes.count - 8) bytes follow")
        }
        let headerEnd = 8 + Int(length)
        var parser = JSONParser(bytes: Array(bytes[8..<headerEnd]))
        let members: [JSONParser.Member]
        do {
            members = try parser.parseObjectDocument()
        } catch {
            throw fail("the safetensors header (JSON at bytes 8..<\(headerEnd)) is invalid at byte \(8 + error.byteOffset): \(error.message)")
        }
        var tensors: [Entry] = []
        for member in members {
            let name = member.key
            let location = "header byte \(8 + member.offset)"
            if name == "__metadata__" {
                guard case .object(let fields) = member.value else {
                    throw fail("'__metadata__' (\(location)) must be an object of strings, found \(SafeTensors.describe(member.value))")
                }
                for key in fields.keys.sorted() {
                    guard case .string(let value) = fields[key]! else {
                        throw fail("'__metadata__' (\(location)) entry '\(key)' must be a string, found \(SafeTensors.describe(fields[key]!))")
                    }
                    metadata[key] = value
                }
                continue
            }
            guard case .object(let fields) = member.value else {
                throw fail("header entry '\(name)' (\(location)) is not a tensor description (an object with dtype, shape, data_offsets), found \(SafeTensors.describe(member.value))")
            }
            guard let dtype = fields["dtype"]?.stringValue else {
                throw fail("tensor '\(name)' (\(location)): 'dtype' must be a string such as \"F32\", found \(SafeTensors.describe(fields["dtype"]))")
            }
            guard let shape = SafeTensors.naturalNumbers(fields["shape"]) else {
                throw fail("tensor '\(name)' (\(location)): 'shape' must be a list of non-negative integers, found \(SafeTensors.describe(fields["shape"]))")
            }
            guard let offsets = SafeTensors.naturalNumbers(fields["data_offsets"]), offsets.count == 2, offsets[0] <= offsets[1] else {
                throw fail("tensor '\(name)' (\(location)): 'data_offsets' must be two non-negative integers [begin, end] with begin <= end, found \(SafeTensors.describe(fields["data_offsets"]))")
            }
            guard let count = SafeTensors.elementCount(shape) else {
                throw fail("tensor '\(name)' (\(location)): shape \(numpyShape(shape)) has too many elements")
            }
            if let size = SafeTensors.dtypeSizes[dtype], offsets[1] - offsets[0] != count * size {
                throw fail("tensor '\(name)' (\(location)) of dtype \(dtype) and shape \(numpyShape(shape)) needs \(count * size) bytes, its data_offsets \(offsets) span \(offsets[1] - offsets[0])")
            }
            tensors.append(Entry(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1]))
        }
        // File order: the same file always gives the same first error, whatever the header's key order.
        tensors.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        let dataSize = bytes.count - headerEnd
        var covered = 0
        var previous: Entry?
        for entry in tensors {
            let fileBytes = "file bytes \(headerEnd + entry.begin)..<\(headerEnd + entry.end)"
            if let previous, entry.begin < covered {
                throw fail("tensors '\(previous.name)' (data bytes \(previous.begin)..<\(previous.end)) and '\(entry.name)' (data bytes \(entry.begin)..<\(entry.end)) overlap; the format gives each tensor its own bytes")
            }
            guard entry.end <= dataSize else {
                throw fail("truncated safetensors file: tensor '\(entry.name)' needs data bytes \(entry.begin)..<\(entry.end) (\(fileBytes)), but the file has only \(dataSize) data bytes")
            }
            guard entry.begin == covered else {
                throw fail("data bytes \(covered)..<\(entry.begin) (file bytes \(headerEnd + covered)..<\(headerEnd + entry.begin)) before tensor '\(entry.name)' belong to no tensor; the format allows no holes")
            }
            covered = entry.end
            previous = entry
        }
        guard covered == dataSize else {
            throw fail("\(dataSize - covered) bytes after the last tensor's data (file bytes \(headerEnd + covered)..<\(bytes.count)) belong to no tensor; the format allows no trailing data")
        }
        for entry in tensors { entries[entry.name] = entry }
        namesInFileOrder = tensors.map(\.name)
        data = Array(bytes[headerEnd...])
        try verifyChecksums(headerEnd: headerEnd)
    }

    /// Compares every `crc32/<name>` metadata entry with the CRC-32 of that tensor's bytes.
    private func verifyChecksums(headerEnd: Int) throws(NNError) {
        let prefix = SafeTensors.checksumKeyPrefix
        for key in metadata.keys.sorted() where key.hasPrefix(prefix) {
            let name = String(key.dropFirst(prefix.count))
            guard entries[name] != nil else {
                throw .file(path: path, message: "metadata '\(key)' holds the CRC-32 of a tensor '\(name)' the file does not contain; the file was altered after it was written")
            }
        }
        for name in namesInFileOrder {
            guard let text = metadata[prefix + name] else { continue }
            guard text.utf8.count == 8, let stored = UInt32(text, radix: 16) else {
                throw .file(path: path, message: "metadata '\(prefix + name)' is \"\(text)\", expected 8 hexadecimal digits (a CRC-32)")
            }
            let entry = entries[name]!
            var crc = CRC32()
            data.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[entry.begin..<entry.end])) }
            guard crc.value == stored else {
                throw .file(path: path, message: "tensor '\(name)' (file bytes \(headerEnd + entry.begin)..<\(headerEnd + entry.end)) is damaged: its data has CRC-32 \(SafeTensors.hex8(crc.value)), the file's metadata '\(prefix + name)' says \(text)")
            }
        }
    }

    /// The integers of a JSON array of non-negative integers (below 2^53, where doubles are exact).
    private static func naturalNumbers(_ value: JSONValue?) -> [Int]? {
        guard case .array(let items)? = value else { return nil }
        var result: [Int] = []
        for item in items {
            guard let number = item.doubleValue, number >= 0, number < 9_007_199_254_740_992, number == number.rounded() else { return nil }
            result.append(Int(number))
        }
        return result
    }

    /// A JSON value as it appears in the header, shortened, for messages: `[0.5,4]`, `"F32"`, nothing.
    static func describe(_ value: JSONValue?) -> String {
        guard let text = value?.description else { return "nothing" }
        return text.count > 80 ? String(text.prefix(77)) + "..." : text
    }

    /// The product of the extents, or `nil` when it (or its byte size) overflows.
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for extent in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow, product <= Int.max / 8 else { return nil }
            count = product
        }
        return count
    }

    /// The values of a float32 tensor, checked for dtype and for size against its shape.
    func floats(_ name: String, expectedShape: [Int]? = nil, role: String? = nil) throws(NNError) -> [Float] {
        let label = role ?? "tensor '\(name)'"
        guard let entry = entries[name] else {
            throw .file(path: path, message: "\(label) is missing; the file holds \(namesInFileOrder.joined(separator: ", "))")
        }
        guard entry.dtype == "F32" else {
            throw .file(path: path, message: "\(label) has dtype \(entry.dtype), expected F32 (float32)")
        }
        if let expectedShape, entry.shape != expectedShape {
            throw .file(path: path, message: "\(label) has shape \(numpyShape(entry.shape)) in the file, the model expects \(numpyShape(expectedShape))")
        }
        let count = SafeTensors.elementCount(entry.shape) ?? -1
        guard count >= 0, entry.end - entry.begin == count * 4 else {
            throw .file(path: path, message: "\(label) of shape \(numpyShape(entry.shape)) needs \(count * 4) bytes, its data_offsets span \(entry.end - entry.begin)")
        }
        var values = [Float](repeating: 0, count: count)
        data.withUnsafeBytes { raw in
            for index in 0..<count {
                let bits = raw.loadUnaligned(fromByteOffset: entry.begin + index * 4, as: UInt32.self)
                values[index] = Float(bitPattern: UInt32(littleEndian: bits))
            }
        }
        return values
    }
}
