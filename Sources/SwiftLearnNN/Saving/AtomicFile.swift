import SwiftLearnSystem

/// Writes `bytes` to `path` crash-safely (see `FileIO.writeAtomically`), reporting failures as `NNError.file`.
func writeFileAtomically(_ bytes: [UInt8], to path: String) throws(NNError) {
    do {
        try FileIO.writeAtomically(bytes, toPath: path)
    } catch {
        throw .file(path: error.path, message: error.reason)
    }
}

/// The whole file as bytes, or `NNError.file` naming the path and the reason.
func readWholeFile(_ path: String) throws(NNError) -> [UInt8] {
    do {
        return try FileIO.readAll(path: path)
    } catch {
        throw .file(path: error.path, message: error.reason)
    }
}
