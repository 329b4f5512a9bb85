import FoundationEssentials
import SwiftLearnCompression
import SwiftLearnSystem
import SwiftLearnTensor

/// NumPy's `.npz` archives (`numpy.savez` / `numpy.savez_compressed`): a zip file of `.npy` members,
/// stored or deflated.
///
/// ```swift
/// let npz = try NPZ.read(contentsOf: URL(fileURLWithPath: "mnist.npz"))
/// let xTrain = try npz.tensor("x_train", as: UInt8.self)
/// try NPZ.write([("x", NumericArray(x)), ("y", NumericArray(y))], to: url, compressed: true)
/// ```
public struct NPZFile: Sendable {
    /// Array names in archive order, without the `.npy` suffix (as `numpy.load(...).files`).
    public let names: [String]
    /// The arrays by name.
    public let arrays: [String: NumericArray]
    /// The file it was read from, for messages.
    public let fileName: String?

    /// The array called `name`, if present.
    public subscript(name: String) -> NumericArray? { arrays[name] }

    /// The array called `name` as a tensor of `Scalar`.
    /// - Throws: ``FormatError/Kind/notFound`` listing the names present, or a conversion error.
    public func tensor<Scalar: TensorScalar>(_ name: String, as type: Scalar.Type = Scalar.self) throws(FormatError) -> Tensor<Scalar> {
        guard let array = arrays[name] else {
            throw FormatError(.notFound, file: fileName, "NPZ archive has no array '\(name)' (arrays: \(names.joined(separator: ", ")))")
        }
        do {
            return try array.tensor(as: Scalar.self)
        } catch {
            var located = error.inFile(fileName)
            located.message = "array '\(name)': " + located.message
            throw located
        }
    }
}

public enum NPZ {
    /// Reads every array of an `.npz` file. `maxOutputSize` bounds each member's decompressed size.
    public static func read(contentsOf url: URL, maxOutputSize: Int = Inflate.defaultMaxOutputSize) throws(FormatError) -> NPZFile {
        try read(FileIO.readAll(path: url.path, as: FormatError.self), fileName: url.path, maxOutputSize: maxOutputSize)
    }

    /// Reads every array of in-memory `.npz` bytes; `fileName` labels errors.
    public static func read(_ bytes: [UInt8], fileName: String? = nil, maxOutputSize: Int = Inflate.defaultMaxOutputSize) throws(FormatError) -> NPZFile {
        let archive: ZipArchive
        do {
            archive = try ZipArchive(bytes, fileName: fileName)
        } catch {
            throw FormatError(error, file: fileName)
        }
        var names: [String] = []
        var arrays: [String: NumericArray] = [:]
        for entry in archive.entries where !entry.isDirectory {
            let name = entry.name.hasSuffix(".npy") ? String(entry.name.dropLast(4)) : entry.name
            let member: [UInt8]
            do {
                member = try archive.extract(entry, maxOutputSize: maxOutputSize)
            } catch {
                throw FormatError(error, file: fileName)
            }
            do {
                arrays[name] = try NPY.read(member, fileName: nil)
            } catch {
                var located = error
                located.file = fileName
                located.message = "member '\(entry.name)': " + located.message
                throw located
            }
            names.append(name)
        }
        return NPZFile(names: names, arrays: arrays, fileName: fileName)
    }

    /// The `.npz` bytes holding `arrays` in order (members named `<name>.npy`); `compressed` deflates them
    /// like `numpy.savez_compressed`, otherwise they are stored like `numpy.savez`.
    public static func encode(_ arrays: [(name: String, array: NumericArray)], compressed: Bool = false) throws(FormatError) -> [UInt8] {
        try validate(arrays)
        var bytes: [UInt8] = []
        do {
            try emit(arrays, compressed: compressed) { chunk in bytes.append(contentsOf: chunk) }
        } catch {
            throw wrap(error)
        }
        return bytes
    }

    /// Writes `arrays` to `url` atomically (see ``encode(_:compressed:)``).
    public static func write(_ arrays: [(name: String, array: NumericArray)], to url: URL, compressed: Bool = false) throws(FormatError) {
        try validate(arrays)
        do {
            try FileIO.writeAtomically(toPath: url.path, as: FormatError.self) { write in
                try withoutActuallyEscaping(write) { sink in try emit(arrays, compressed: compressed, sink: sink) }
            }
        } catch {
            throw error.inFile(url.path)
        }
    }

    private static func validate(_ arrays: [(name: String, array: NumericArray)]) throws(FormatError) {
        var seen = Set<String>()
        for (index, entry) in arrays.enumerated() {
            guard !entry.name.isEmpty, !seen.contains(entry.name) else {
                throw FormatError(.invalidArgument, "NPZ array \(index) has \(entry.name.isEmpty ? "an empty" : "a duplicate") name '\(entry.name)'")
            }
            seen.insert(entry.name)
        }
    }

    private static func emit(
        _ arrays: [(name: String, array: NumericArray)], compressed: Bool, sink: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let writer = ZipWriter(sink: sink)
        for (name, array) in arrays {
            try writer.add(name: name + ".npy", data: NPY.encode(array), method: compressed ? .deflated : .stored)
        }
        try writer.finish()
    }

    private static func wrap(_ error: any Error) -> FormatError {
        if let error = error as? FormatError { return error }
        if let error = error as? CompressionError { return FormatError(error) }
        return FormatError(.io, "writing the NPZ archive failed: \(error)")
    }
}
