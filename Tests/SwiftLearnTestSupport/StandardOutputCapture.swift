import Foundation
import Glibc

/// Runs `body` with the process's standard output redirected to a file and returns what was written,
/// both through Swift's `print` (buffered in C's `stdout`) and through the library's `Console`, in the
/// order it reached the file.
public func captureStandardOutput(_ body: () throws -> Void) rethrows -> String {
    fflush(nil)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("stdout-\(UUID().uuidString)").path
    let file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let saved = dup(STDOUT_FILENO)
    dup2(file, STDOUT_FILENO)
    close(file)
    defer {
        fflush(nil)
        dup2(saved, STDOUT_FILENO)
        close(saved)
        unlink(path)
    }
    try body()
    fflush(nil)
    return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
}
