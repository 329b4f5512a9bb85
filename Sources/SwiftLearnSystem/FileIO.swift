#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and crash-safe whole-file writes, shared by every module that touches disk
/// (model checkpoints, NPY/NPZ writers, charts), so there is one place where durability is decided.
public enum FileIO {
    /// The whole file as bytes.
    /// - Throws: ``FileIOError`` naming the path and the reason (missing, permission, read error).
    public static func readAll(path: String) throws(FileIOError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileIOError(path: path, reason: "cannot open: \(systemError())") }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            throw FileIOError(path: path, reason: "is a directory, expected a file")
        }
        var bytes: [UInt8] = []
        if status.st_size > 0 { bytes.reserveCapacity(Int(status.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileIOError(path: path, reason: "cannot read at byte offset \(bytes.count): \(systemError())")
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// Replaces the file at `path` with `bytes` so that a reader, or the file system after a crash
    /// or power cut, sees either the old file or the complete new one, never a partial write.
    ///
    /// Steps: write a uniquely named temporary file in the same directory, `fsync` it, `rename` it
    /// over `path` (atomic on POSIX file systems), then `fsync` the directory so the rename itself
    /// is durable. On any failure the temporary file is removed and the old file is untouched.
    /// - Throws: ``FileIOError`` naming the path and the step that failed.
    public static func writeAtomically(_ bytes: [UInt8], toPath path: String) throws(FileIOError) {
        do {
            try writeAtomically(toPath: path) { write in try bytes.withUnsafeBytes { try write($0) } }
        } catch let error as FileIOError {
            throw error
        } catch {
            throw FileIOError(path: path, reason: "\(error)")
        }
    }

    /// The streaming form of ``writeAtomically(_:toPath:)``: `body` appends chunks through `write`,
    /// so large archives need not be assembled in memory first.
    ///
    /// - Throws: ``FileIOError`` for operating-system failures; an error thrown by `body` is
    ///   rethrown unchanged, after the temporary file is removed and the old file left untouched.
    public static func writeAtomically(
        toPath path: String, _ body: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else { throw FileIOError(path: path, reason: "names a directory, expected a file name") }
        var entropy = SystemRandomNumberGenerator()
        let temporary = (directory == "/" ? "" : directory) + "/.\(name).tmp-\(getpid())-\(entropy.next() & 0xFFFF_FFFF)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw FileIOError(path: path, reason: "cannot create a temporary file in \(directory): \(systemError())")
        }
        var temporaryOpen = true
        defer {
            if temporaryOpen {
                close(descriptor)
                unlink(temporary)
            }
        }
        var written = 0
        try body { chunk in
            var offset = 0
            while offset < chunk.count {
                let result = write(descriptor, chunk.baseAddress! + offset, chunk.count - offset)
                if result < 0 {
                    if errno == EINTR { continue }
                    throw FileIOError(path: path, reason: "write failed at byte offset \(written + offset): \(systemError())")
                }
                offset += result
            }
            written += chunk.count
        }
        guard fsync(descriptor) == 0 else { throw FileIOError(path: path, reason: "fsync failed: \(systemError())") }
        temporaryOpen = false
        guard close(descriptor) == 0 else {
            unlink(temporary)
            throw FileIOError(path: path, reason: "close failed: \(systemError())")
        }
        guard rename(temporary, path) == 0 else {
            let reason = "cannot rename the temporary file into place: \(systemError())"
            unlink(temporary)
            throw FileIOError(path: path, reason: reason)
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)  // best effort: some file systems refuse fsync on directories
            close(directoryDescriptor)
        }
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}
