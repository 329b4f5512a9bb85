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
    ///
    /// Only regular files are read: a FIFO, socket or device (`/dev/zero`, a named pipe called `x.png`)
    /// is refused before anything is read, so no loader can hang on a pipe or grow without bound on an
    /// endless device. The read is bounded by the size the file system reports when the file is opened
    /// (and by `maxBytes` when given).
    ///
    /// ```swift
    /// let bytes = try FileIO.readAll(path: "model.safetensors")
    /// ```
    /// - Throws: ``FileIOError`` naming the path and the reason (missing, permission, not a regular
    ///   file, larger than `maxBytes`, read error, file shrank while reading).
    public static func readAll(path: String, maxBytes: Int = .max) throws(FileIOError) -> [UInt8] {
        // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before fstat can refuse it.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw FileIOError(path: path, reason: "cannot open: \(systemError())") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw FileIOError(path: path, reason: "cannot stat: \(systemError())")
        }
        let kind = status.st_mode & S_IFMT
        guard kind == S_IFREG else {
            throw FileIOError(path: path, reason: "is \(fileKindName(kind)), expected a regular file")
        }
        let size = Int(status.st_size)
        guard size <= maxBytes else {
            throw FileIOError(path: path, reason: "is \(size) bytes, more than the limit of \(maxBytes) bytes")
        }
        var failure: FileIOError?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var done = 0
            while done < size {
                let got = read(descriptor, buffer.baseAddress! + done, size - done)
                if got < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    failure = FileIOError(path: path, reason: "cannot read at byte offset \(done): \(systemError())")
                    break
                }
                if got == 0 {
                    failure = FileIOError(path: path, reason: "file shrank while reading: \(done) of \(size) bytes present")
                    break
                }
                done += got
            }
            initialized = done
        }
        if let failure { throw failure }
        return bytes
    }

    /// "a directory", "a FIFO (named pipe)", ... for error messages.
    static func fileKindName(_ kind: mode_t) -> String {
        switch kind {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
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
        removeAbandonedTemporaries(directory: directory, name: name)
        var entropy = SystemRandomNumberGenerator()
        let temporary = temporaryPath(directory: directory, name: name, process: getpid(), tag: entropy.next() & 0xFFFF_FFFF)
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

    /// `directory/.name.tmp-PID-TAG`: hidden, in the target's directory (so `rename` stays atomic), and
    /// carrying the writer's process id so a later save can tell whether its writer is gone.
    static func temporaryPath(directory: String, name: String, process: pid_t, tag: UInt64) -> String {
        (directory == "/" ? "" : directory) + "/.\(name).tmp-\(process)-\(tag)"
    }

    /// Removes the temporary files an earlier save of `directory/name` left behind when its process died
    /// mid-write (SIGKILL, SIGXFSZ from `ulimit -f`, power loss): `.name.tmp-PID-TAG` files whose process
    /// `PID` no longer exists (`kill(PID, 0)` fails with `ESRCH`). Temporaries of live processes (a
    /// concurrent save, this process's own) and every other file are left alone. Best effort: a file that
    /// cannot be listed or removed is skipped, and the save goes on.
    ///
    /// A process id is only meaningful on this machine and in this PID namespace: two hosts (or
    /// containers) saving to the same path on a shared file system could remove each other's in-progress
    /// temporary file, which makes that other save fail cleanly (its rename finds no file) without
    /// touching the checkpoint.
    static func removeAbandonedTemporaries(directory: String, name: String) {
        let prefix = ".\(name).tmp-"
        guard let stream = opendir(directory) else { return }
        var abandoned: [String] = []
        while let entry = readdir(stream) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            guard entryName.hasPrefix(prefix) else { continue }
            let parts = entryName.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let process = pid_t(parts[0]), process > 0, UInt64(parts[1]) != nil,
                  process != getpid() else { continue }
            if kill(process, 0) == -1, errno == ESRCH { abandoned.append(entryName) }
        }
        closedir(stream)
        let base = directory == "/" ? "" : directory
        for entryName in abandoned {
            // Only regular files: a directory or FIFO that happens to match the pattern is not our debris.
            var status = stat()
            let path = base + "/" + entryName
            guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
            unlink(path)
        }
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}

/// An error type that reports file-system failures: the single place where a ``FileIOError`` (path and
/// the operating system's reason) becomes a module's own error. Every loader and writer reads and writes
/// through the `as:` forms of ``FileIO/readAll(path:maxBytes:as:)`` and
/// ``FileIO/writeAtomically(_:toPath:as:)`` with its error type, instead of wrapping `FileIO` itself.
///
/// ```swift
/// extension FormatError: FileIOErrorConvertible {
///     public init(_ error: FileIOError) { self.init(.io, file: error.path, error.reason) }
/// }
/// let bytes = try FileIO.readAll(path: url.path, as: FormatError.self)   // throws(FormatError)
/// ```
public protocol FileIOErrorConvertible: Error {
    /// The module's error for a failed read or write, keeping the path and the reason.
    init(_ error: FileIOError)
}

extension FileIOError: FileIOErrorConvertible {
    public init(_ error: FileIOError) { self = error }
}

extension FileIO {
    /// ``readAll(path:maxBytes:)`` reporting failures as `Failure`.
    public static func readAll<Failure: FileIOErrorConvertible>(
        path: String, maxBytes: Int = .max, as failure: Failure.Type
    ) throws(Failure) -> [UInt8] {
        do {
            return try readAll(path: path, maxBytes: maxBytes)
        } catch {
            throw Failure(error)
        }
    }

    /// ``writeAtomically(_:toPath:)`` reporting failures as `Failure`.
    public static func writeAtomically<Failure: FileIOErrorConvertible>(
        _ bytes: [UInt8], toPath path: String, as failure: Failure.Type
    ) throws(Failure) {
        do {
            try writeAtomically(bytes, toPath: path)
        } catch {
            throw Failure(error)
        }
    }

    /// ``writeAtomically(toPath:_:)`` reporting failures as `Failure`: an error `body` throws that already
    /// is a `Failure` passes unchanged, any other becomes a `Failure` naming the path.
    public static func writeAtomically<Failure: FileIOErrorConvertible>(
        toPath path: String, as failure: Failure.Type,
        _ body: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws(Failure) {
        do {
            try writeAtomically(toPath: path, body)
        } catch let error as Failure {
            throw error
        } catch let error as FileIOError {
            throw Failure(error)
        } catch {
            throw Failure(FileIOError(path: path, reason: "writing failed: \(error)"))
        }
    }
}
