import Glibc

/// Writes `bytes` to `path` so that readers see either the old file or the complete new one:
/// a temporary file in the same directory, `fsync`, `rename` over the target, then `fsync` of the
/// directory so the rename itself survives a crash.
func writeFileAtomically(_ bytes: [UInt8], to path: String) throws(NNError) {
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[..<$0]) } ?? "."
    let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
    var entropy = SystemRandomNumberGenerator()
    let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(base).tmp-\(getpid())-\(entropy.next() & 0xFFFF_FFFF)"
    func failure(_ action: String) -> NNError {
        .file(path: path, message: "cannot \(action): \(String(cString: strerror(errno)))")
    }
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw failure("create a temporary file in \(directory.isEmpty ? "/" : directory)") }
    var written = 0
    let ok: Bool = bytes.withUnsafeBytes { raw in
        while written < raw.count {
            let result = write(descriptor, raw.baseAddress! + written, raw.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                return false
            }
            written += result
        }
        return true
    }
    guard ok, fsync(descriptor) == 0 else {
        let error = failure("write")
        close(descriptor)
        unlink(temporary)
        throw error
    }
    guard close(descriptor) == 0 else {
        let error = failure("close")
        unlink(temporary)
        throw error
    }
    guard rename(temporary, path) == 0 else {
        let error = failure("rename the temporary file into place")
        unlink(temporary)
        throw error
    }
    let directoryDescriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if directoryDescriptor >= 0 {
        _ = fsync(directoryDescriptor)
        close(directoryDescriptor)
    }
}

/// The whole file as bytes, or an error naming the path and the reason.
func readWholeFile(_ path: String) throws(NNError) -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
        throw .file(path: path, message: "cannot open: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            throw .file(path: path, message: "cannot read: \(String(cString: strerror(errno)))")
        }
        if count == 0 { break }
        bytes.append(contentsOf: chunk[0..<count])
    }
    return bytes
}
