import FoundationEssentials
import SwiftLearnSystem

/// Writes `bytes` to `path` atomically with the library's ``FileIO/writeAtomically(_:toPath:)`` (temporary file
/// in the same directory, `fsync`, `rename`), so a reader never sees a half-written file.
///
/// - Throws: ``ExampleError`` naming the path and the step that failed.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws(ExampleError) {
    do {
        try FileIO.writeAtomically(bytes, toPath: path)
    } catch {
        throw ExampleError(error.description)
    }
}

/// Writes UTF-8 text atomically (see ``writeFileAtomically(_:to:)``).
public func writeTextAtomically(_ text: String, to path: String) throws(ExampleError) {
    try writeFileAtomically(Array(text.utf8), to: path)
}

/// Creates `path` and its missing parents.
/// - Throws: ``ExampleError`` when it cannot be created or exists as a file.
public func createDirectory(_ path: String) throws(ExampleError) {
    var isDirectory = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
        guard isDirectory else { throw ExampleError("\(path): exists and is not a directory") }
        return
    }
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
        throw ExampleError("\(path): cannot create directory: \(error)")
    }
}

/// Whether a regular file exists at `path`.
public func fileExists(_ path: String) -> Bool {
    var isDirectory = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory
}

/// `directory/name` without doubling the slash.
public func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}
