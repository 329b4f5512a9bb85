/// A file could not be read or written; names the path and the operating system's reason.
public struct FileIOError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file the operation was about.
    public let path: String
    /// What failed and why, e.g. `cannot open: No such file or directory`.
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
