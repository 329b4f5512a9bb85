import FoundationEssentials
import SwiftLearnCompression
import SwiftLearnSystem

/// File reads and atomic writes shared by the format readers and writers.
enum FileAccess {
    /// The whole file.
    static func read(_ url: URL) throws(FormatError) -> [UInt8] {
        do {
            return try FileIO.readAll(path: url.path)
        } catch {
            throw FormatError(.io, file: error.path, error.reason)
        }
    }

    /// The whole file, gunzipped when it starts with the gzip magic number (whatever its name).
    static func readDecompressingGzip(_ url: URL, maxOutputSize: Int) throws(FormatError) -> [UInt8] {
        let bytes = try read(url)
        guard Gzip.hasMagic(bytes) else { return bytes }
        do {
            return try Gzip.decompress(bytes, maxOutputSize: maxOutputSize)
        } catch {
            throw FormatError(error, file: url.path)
        }
    }

    /// Writes a file crash-safely through `FileIO.writeAtomically`: readers see either the old file
    /// or the complete new one. `body` receives a function that appends bytes to the file.
    static func writeAtomically(
        to url: URL, _ body: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws(FormatError) {
        do {
            try FileIO.writeAtomically(toPath: url.path, body)
        } catch let error as FormatError {
            throw error
        } catch let error as FileIOError {
            throw FormatError(.io, file: error.path, error.reason)
        } catch {
            throw FormatError(.io, file: url.path, "writing failed: \(error)")
        }
    }
}
