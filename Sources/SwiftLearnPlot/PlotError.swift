/// Errors from building or writing a chart. Each message quotes the offending value.
public enum PlotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An argument that cannot be plotted (mismatched lengths, empty data, bad sizes...).
    case invalidArgument(String)
    /// Writing the output file failed; `path` names the file.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): return message
        case .writeFailed(let path, let reason): return "\(path): \(reason)"
        }
    }
}
