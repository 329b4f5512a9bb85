import FoundationEssentials
import SwiftLearnCompression
import SwiftLearnSystem
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
    ///
    /// A compressed file is decompressed in two steps: first its header, then the whole stream bounded by
    /// the size that header promises, so a small file claiming little data cannot inflate to
    /// `maxDecompressedSize`, and one promising more than `maxDecompressedSize` is refused before inflating.
    public static func read(contentsOf url: URL, maxDecompressedSize: Int = Inflate.defaultMaxOutputSize) throws(FormatError) -> NumericArray {
        let bytes = try FileIO.readAll(path: url.path, as: FormatError.self)
        guard Gzip.hasMagic(bytes) else { return try read(bytes, fileName: url.path) }
        let promised: Int
        do {
            let prefix = try Gzip.decompressedPrefix(bytes, count: maxHeaderSize)
            let header = try parseHeader(prefix, fileName: url.path)
            promised = header.dataStart + header.byteCount
            guard promised <= maxDecompressedSize else {
                throw FormatError(.decompression, file: url.path, at: .byteOffset(4),
                                  "the IDX header promises \(promised) bytes of decompressed data (shape \(header.shape) of "
                                      + "\(header.dtype)), more than maxDecompressedSize (\(maxDecompressedSize) bytes); "
                                      + "raise it if this file is trusted")
            }
        } catch let error as CompressionError {
            throw FormatError(error, file: url.path)
        } catch let error as FormatError {
            throw error
        } catch {
            throw FormatError(.decompression, file: url.path, "\(error)")
        }
        let decompressed: [UInt8]
        do throws(CompressionError) {
            decompressed = try Gzip.decompress(bytes, maxOutputSize: promised)
        } catch where error.kind == .outputLimitExceeded {
            throw FormatError(.corrupt, file: url.path,
                              "decompressed IDX data is longer than the \(promised) bytes its header promises")
        } catch {
            throw FormatError(error, file: url.path)
        }
        return try read(decompressed, fileName: url.path)
    }

    /// The longest IDX header: the magic number and 255 extents.
    static let maxHeaderSize = 4 + 4 * 255

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
        let header = try parseHeader(bytes, fileName: fileName)
        let (dtype, shape, dataStart, byteCount) = (header.dtype, header.shape, header.dataStart, header.byteCount)
        let what = dataName(fileName)
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
        let count = byteCount / dtype.itemSize
        let storage = bytes.withUnsafeBytes { raw in
            NumericArray.Storage.decode(UnsafeRawBufferPointer(rebasing: raw[dataStart...]), dtype: dtype, count: count, bigEndian: true)
        }
        return NumericArray(uncheckedShape: shape, storage: storage)
    }

    private static func dataName(_ fileName: String?) -> String {
        fileName.map { $0.hasSuffix(".gz") ? "decompressed IDX data" : "IDX data" } ?? "IDX data"
    }

    /// What an IDX header says: element type, shape, where the data starts and how many bytes it takes.
    struct Header {
        var dtype: NumericDType
        var shape: [Int]
        var dataStart: Int
        var byteCount: Int
    }

    /// Parses the header at the start of `bytes` (which may hold only a prefix of the data).
    static func parseHeader(_ bytes: [UInt8], fileName: String?) throws(FormatError) -> Header {
        let what = dataName(fileName)
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
              case let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize), !overflow,
              byteCount <= Int.max - dataStart else {
            throw FormatError(.corrupt, file: fileName, at: .byteOffset(4), "IDX shape \(shape) is too large")
        }
        return Header(dtype: dtype, shape: shape, dataStart: dataStart, byteCount: byteCount)
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
            try FileIO.writeAtomically(bytes, toPath: url.path, as: FormatError.self)
        } catch {
            throw error.inFile(url.path)
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }
}
