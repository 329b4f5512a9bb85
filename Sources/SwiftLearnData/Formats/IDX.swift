import FoundationEssentials
import SwiftLearnCompression
import SwiftLearnTensor

/// The IDX format of MNIST and Fashion-MNIST: `00 00 <type> <rank>`, `rank` big-endian 32-bit extents, then
/// big-endian elements in row-major order.
///
/// Type codes: `08` unsigned byte, `09` signed byte, `0B` 16-bit integer, `0C` 32-bit integer, `0D` float,
/// `0E` double. Any rank. Gzip-compressed files (`.gz`, detected by content) are decompressed transparently.
///
/// ```swift
/// let images = try IDX.readTensor(contentsOf: URL(fileURLWithPath: "train-images-idx3-ubyte.gz"), as: UInt8.self)
/// images.shape   // [60000, 28, 28]
/// ```
public enum IDX {
    /// The element type of a type code, if valid.
    public static func dtype(forTypeCode code: UInt8) -> NumericDType? {
        switch code {
        case 0x08: return .uint8
        case 0x09: return .int8
        case 0x0B: return .int16
        case 0x0C: return .int32
        case 0x0D: return .float32
        case 0x0E: return .float64
        default: return nil
        }
    }

    /// Reads an IDX file (optionally gzip-compressed).
    public static func read(contentsOf url: URL, maxDecompressedSize: Int = Inflate.defaultMaxOutputSize) throws(FormatError) -> NumericArray {
        try read(FileAccess.readDecompressingGzip(url, maxOutputSize: maxDecompressedSize), fileName: url.path)
    }

    /// Reads an IDX file into a tensor of `Scalar` (see ``NumericArray/tensor(as:)`` for conversions).
    public static func readTensor<Scalar: TensorScalar>(
        contentsOf url: URL, as type: Scalar.Type = Scalar.self, maxDecompressedSize: Int = Inflate.defaultMaxOutputSize
    ) throws(FormatError) -> Tensor<Scalar> {
        do {
            return try read(contentsOf: url, maxDecompressedSize: maxDecompressedSize).tensor(as: Scalar.self)
        } catch {
            throw error.inFile(url.path)
        }
    }

    /// Decodes IDX bytes (already decompressed); `fileName` labels errors. Offsets in errors are into the
    /// decompressed bytes.
    public static func read(_ bytes: [UInt8], fileName: String? = nil) throws(FormatError) -> NumericArray {
        let what = fileName.map { $0.hasSuffix(".gz") ? "decompressed IDX data" : "IDX data" } ?? "IDX data"
        guard bytes.count >= 4 else {
            throw FormatError(.truncated, file: fileName, at: .byteOffset(bytes.count),
                              "\(what) is \(bytes.count) bytes long, expected at least the 4-byte magic number")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw FormatError(.corrupt, file: fileName, at: .byteOffset(0),
                              "not an IDX file: the magic number starts with \(hex(bytes[0])) \(hex(bytes[1])), expected 00 00")
        }
        guard let dtype = dtype(forTypeCode: bytes[2]) else {
            throw FormatError(.unsupported, file: fileName, at: .byteOffset(2),
                              "unknown IDX type code \(hex(bytes[2])) (expected 08 ubyte, 09 byte, 0B short, 0C int, 0D float or 0E double)")
        }
        let rank = Int(bytes[3])
        let dataStart = 4 + 4 * rank
        guard bytes.count >= dataStart else {
            throw FormatError(.truncated, file: fileName, at: .byteOffset(bytes.count),
                              "\(what) ends inside the header: rank \(rank) needs \(dataStart) header bytes, found \(bytes.count)")
        }
        var shape: [Int] = []
        for axis in 0..<rank {
            let offset = 4 + 4 * axis
            shape.append(Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]))
        }
        guard let count = NumericArray.elementCount(shape),
              case let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize), !overflow else {
            throw FormatError(.corrupt, file: fileName, at: .byteOffset(4), "IDX shape \(shape) is too large")
        }
        let available = bytes.count - dataStart
        guard available >= byteCount else {
            throw FormatError(.truncated, file: fileName, at: .byteOffset(bytes.count),
                              "truncated \(what): shape \(shape) of \(dtype) needs \(byteCount) bytes from byte offset \(dataStart), "
                                  + "found \(available)")
        }
        guard available == byteCount else {
            throw FormatError(.corrupt, file: fileName, at: .byteOffset(dataStart + byteCount),
                              "\(available - byteCount) unexpected bytes after the \(byteCount) data bytes of shape \(shape) of \(dtype)")
        }
        let storage = bytes.withUnsafeBytes { raw in
            NumericArray.Storage.decode(UnsafeRawBufferPointer(rebasing: raw[dataStart...]), dtype: dtype, count: count, bigEndian: true)
        }
        return NumericArray(uncheckedShape: shape, storage: storage)
    }

    /// The IDX bytes of `array` (big-endian). Throws for dtypes IDX cannot hold (bool, unsigned 16/32/64-bit,
    /// signed 64-bit).
    public static func encode(_ array: NumericArray) throws(FormatError) -> [UInt8] {
        let codes: [NumericDType: UInt8] = [.uint8: 0x08, .int8: 0x09, .int16: 0x0B, .int32: 0x0C, .float32: 0x0D, .float64: 0x0E]
        guard let code = codes[array.dtype] else {
            throw FormatError(.unsupported, "IDX cannot store \(array.dtype) (supported: uint8, int8, int16, int32, float32, float64)")
        }
        guard array.shape.count <= 255, array.shape.allSatisfy({ $0 <= Int(UInt32.max) }) else {
            throw FormatError(.unsupported, "IDX holds at most 255 axes of at most 2^32 - 1 elements, got shape \(array.shape)")
        }
        var bytes: [UInt8] = [0, 0, code, UInt8(array.shape.count)]
        for extent in array.shape {
            bytes += [UInt8(extent >> 24 & 0xFF), UInt8(extent >> 16 & 0xFF), UInt8(extent >> 8 & 0xFF), UInt8(extent & 0xFF)]
        }
        let little = array.storage.littleEndianBytes()
        let size = array.dtype.itemSize
        bytes.reserveCapacity(bytes.count + little.count)
        var index = 0
        while index < little.count {
            for byte in stride(from: size - 1, through: 0, by: -1) { bytes.append(little[index + byte]) }
            index += size
        }
        return bytes
    }

    /// Writes `array` as an IDX file atomically (uncompressed).
    public static func write(_ array: NumericArray, to url: URL) throws(FormatError) {
        let bytes = try encode(array)
        do {
            try FileAccess.writeAtomically(to: url) { write in try bytes.withUnsafeBytes { try write($0) } }
        } catch {
            throw error.inFile(url.path)
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }
}
