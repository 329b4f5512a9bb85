import FoundationEssentials
import SwiftLearnSystem

/// The safetensors format (Hugging Face): an 8-byte little-endian header length `N`, `N` bytes of JSON
/// (`{"__metadata__": {...}, "name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...}`,
/// padded with spaces to a multiple of 8), then the raw little-endian tensor data. Offsets count from
/// the end of the header.
///
/// Files are written the way Python's `safetensors.numpy.save_file` writes them (metadata first,
/// tensors sorted by name, data in the same order, compact JSON), so either side reads the other's files.
struct SafeTensors {
    struct Entry {
        let name: String
        let dtype: String
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    var metadata: [String: String] = [:]
    var entries: [String: Entry] = [:]
    /// The data section (everything after the header).
    var data: [UInt8] = []
    let path: String

    /// Serializes float32 tensors and string metadata.
    static func encode(_ tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)],
                       metadata: [String: String]) -> [UInt8] {
        let sorted = tensors.sorted { $0.name < $1.name }
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

    private struct TensorInfo: Decodable {
        let dtype: String
        let shape: [Int]
        let data_offsets: [Int]
    }

    private enum HeaderValue: Decodable {
        case tensor(TensorInfo)
        case metadata([String: String])

        init(from decoder: Decoder) throws {
            if let tensor = try? TensorInfo(from: decoder) {
                self = .tensor(tensor)
            } else {
                self = .metadata(try [String: String](from: decoder))
            }
        }
    }

    /// Parses a file, checking every offset against the bytes actually present.
    init(path: String) throws(NNError) {
        self.path = path
        let bytes = try readWholeFile(path)
        guard bytes.count >= 8 else {
            throw .file(path: path, message: "truncated safetensors file: \(bytes.count) bytes, fewer than the 8-byte header length at byte 0")
        }
        var length: UInt64 = 0
        for index in (0..<8).reversed() { length = length << 8 | UInt64(bytes[index]) }
        guard length <= UInt64(bytes.count - 8) else {
            throw .file(path: path, message: "truncated safetensors file: the header length at byte 0 says \(length) bytes of JSON, but only \(bytes.count - 8) bytes follow")
        }
        let headerEnd = 8 + Int(length)
        let decoded: [String: HeaderValue]
        do {
            decoded = try JSONDecoder().decode([String: HeaderValue].self, from: Data(bytes[8..<headerEnd]))
        } catch {
            throw .file(path: path, message: "the safetensors header at bytes 8..<\(headerEnd) is not the expected JSON object of tensors: \(error)")
        }
        let dataSize = bytes.count - headerEnd
        for (name, value) in decoded {
            switch value {
            case .metadata(let metadata):
                guard name == "__metadata__" else {
                    throw .file(path: path, message: "header entry '\(name)' is not a tensor description (dtype, shape, data_offsets)")
                }
                self.metadata = metadata
            case .tensor(let info):
                guard info.data_offsets.count == 2, info.data_offsets[0] >= 0, info.data_offsets[0] <= info.data_offsets[1] else {
                    throw .file(path: path, message: "tensor '\(name)' has invalid data_offsets \(info.data_offsets)")
                }
                guard info.shape.allSatisfy({ $0 >= 0 }), SafeTensors.elementCount(info.shape) != nil else {
                    throw .file(path: path, message: "tensor '\(name)' has an invalid shape \(info.shape)")
                }
                guard info.data_offsets[1] <= dataSize else {
                    throw .file(path: path, message: "truncated safetensors file: tensor '\(name)' needs data bytes \(info.data_offsets[0])..<\(info.data_offsets[1]) (file bytes \(headerEnd + info.data_offsets[0])..<\(headerEnd + info.data_offsets[1])), but the file has only \(dataSize) data bytes")
                }
                entries[name] = Entry(name: name, dtype: info.dtype, shape: info.shape,
                                      begin: info.data_offsets[0], end: info.data_offsets[1])
            }
        }
        data = Array(bytes[headerEnd...])
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
            throw .file(path: path, message: "\(label) is missing; the file holds \(entries.keys.sorted().joined(separator: ", "))")
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
