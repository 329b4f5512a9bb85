import FoundationEssentials
import SwiftLearnSystem
import SwiftLearnTensor

/// NumPy's `.npy` format: versions 1.0, 2.0 and 3.0 headers, little/big-endian and byte-order-free dtypes,
/// C and Fortran order.
///
/// Supported dtypes: `b1 i1 u1 i2 u2 i4 u4 i8 u8 f4 f8`. Fortran-ordered data is reordered to row-major on read.
/// Written files are byte-identical to `numpy.save` for the same array (version 1.0 header, 64-byte aligned,
/// little-endian); writes are atomic.
///
/// ```swift
/// let x: Tensor<Float> = try NPY.readTensor(contentsOf: URL(fileURLWithPath: "x.npy"), as: Float.self)
/// try NPY.write(x, to: URL(fileURLWithPath: "copy.npy"))   // numpy.load("copy.npy") reads it back
/// ```
public enum NPY {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Reads an `.npy` file.
    public static func read(contentsOf url: URL) throws(FormatError) -> NumericArray {
        try read(FileIO.readAll(path: url.path, as: FormatError.self), fileName: url.path)
    }

    /// Reads an `.npy` file into a tensor of `Scalar` (see ``NumericArray/tensor(as:)`` for the conversion rules).
    public static func readTensor<Scalar: TensorScalar>(contentsOf url: URL, as type: Scalar.Type = Scalar.self) throws(FormatError) -> Tensor<Scalar> {
        do {
            return try read(contentsOf: url).tensor(as: Scalar.self)
        } catch {
            throw error.inFile(url.path)
        }
    }

    /// Decodes `.npy` bytes; `fileName` labels errors.
    public static func read(_ bytes: [UInt8], fileName: String? = nil) throws(FormatError) -> NumericArray {
        func fail(_ kind: FormatError.Kind, _ offset: Int, _ message: String) -> FormatError {
            FormatError(kind, file: fileName, at: .byteOffset(offset), message)
        }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            let found = bytes.prefix(6).map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
            throw fail(bytes.count < 10 ? .truncated : .corrupt, 0,
                       "not an NPY file: expected the magic string \\x93NUMPY and a version, found bytes [\(found)]")
        }
        let major = Int(bytes[6])
        let minor = Int(bytes[7])
        let headerStart: Int
        let headerLength: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail(.truncated, bytes.count, "truncated NPY \(major).\(minor) header length") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail(.unsupported, 6, "NPY format version \(major).\(minor) is not supported (expected 1.0, 2.0 or 3.0)")
        }
        guard headerLength <= bytes.count - headerStart else {
            throw fail(.truncated, bytes.count, "NPY header announces \(headerLength) bytes at byte offset \(headerStart), "
                           + "the file has only \(bytes.count - headerStart) more")
        }
        let headerBytes = bytes[headerStart..<(headerStart + headerLength)]
        let text: String
        if major == 3 {
            guard let decoded = String(validating: headerBytes, as: UTF8.self) else {
                throw fail(.corrupt, headerStart, "NPY 3.0 header is not valid UTF-8")
            }
            text = decoded
        } else {
            var latin1 = String.UnicodeScalarView()
            latin1.append(contentsOf: headerBytes.map { Unicode.Scalar($0) })
            text = String(latin1)
        }
        let header = try NPYHeader.parse(text, offset: headerStart, file: fileName, utf8: major == 3)
        guard let count = NumericArray.elementCount(header.shape),
              case let (byteCount, overflow) = count.multipliedReportingOverflow(by: header.dtype.itemSize), !overflow else {
            throw fail(.corrupt, headerStart, "NPY shape \(header.shape) is too large")
        }
        let dataStart = headerStart + headerLength
        let available = bytes.count - dataStart
        guard available >= byteCount else {
            throw fail(.truncated, bytes.count,
                       "truncated NPY data: shape \(header.shape) of \(header.dtype) needs \(byteCount) bytes from byte offset "
                           + "\(dataStart), the file has \(available)")
        }
        guard available == byteCount else {
            throw fail(.corrupt, dataStart + byteCount,
                       "\(available - byteCount) unexpected bytes after the \(byteCount) bytes of data for shape \(header.shape) "
                           + "of \(header.dtype)")
        }
        var storage = bytes.withUnsafeBytes { raw in
            NumericArray.Storage.decode(UnsafeRawBufferPointer(rebasing: raw[dataStart...]), dtype: header.dtype,
                                        count: count, bigEndian: header.bigEndian)
        }
        if header.fortranOrder { storage = storage.fortranToC(shape: header.shape) }
        return NumericArray(uncheckedShape: header.shape, storage: storage)
    }

    /// The `.npy` bytes of `array`, identical to what `numpy.save` writes for it.
    public static func encode(_ array: NumericArray) -> [UInt8] {
        let header = NPYHeader(dtype: array.dtype, bigEndian: false, fortranOrder: false, shape: array.shape).text()
        var headerBytes = Array(header.utf8)
        // NumPy: total header (magic, version, length field, text, padding, newline) is a multiple of 64.
        var version: UInt8 = 1
        var lengthFieldSize = 2
        if headerBytes.count + 1 + 64 > 0xFFFF {
            version = 2
            lengthFieldSize = 4
        }
        let unpadded = magic.count + 2 + lengthFieldSize + headerBytes.count + 1
        let padding = 64 - unpadded % 64
        headerBytes += [UInt8](repeating: 0x20, count: padding)
        headerBytes.append(0x0A)
        var bytes = magic + [version, 0]
        var length = UInt32(headerBytes.count)
        for _ in 0..<lengthFieldSize {
            bytes.append(UInt8(truncatingIfNeeded: length))
            length >>= 8
        }
        bytes += headerBytes
        bytes += array.storage.littleEndianBytes()
        return bytes
    }

    /// The `.npy` bytes of a tensor (`float32`, `float64`, `int32` or `uint8`).
    public static func encode<Scalar: TensorScalar>(_ tensor: Tensor<Scalar>) -> [UInt8] {
        encode(NumericArray(tensor))
    }

    /// Writes `array` to `url` atomically.
    public static func write(_ array: NumericArray, to url: URL) throws(FormatError) {
        try FileIO.writeAtomically(encode(array), toPath: url.path, as: FormatError.self)
    }

    /// Writes a tensor to `url` atomically.
    public static func write<Scalar: TensorScalar>(_ tensor: Tensor<Scalar>, to url: URL) throws(FormatError) {
        try write(NumericArray(tensor), to: url)
    }
}
