/// Errors from building or combining tensors. Every message names the shapes involved.
public enum TensorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Element counts or extents that must agree do not.
    case shapeMismatch(String)
    /// A shape that is not valid on its own (negative extent, wrong rank for the operation).
    case invalidShape(String)
    /// An argument outside its domain (axis out of range, index out of bounds).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let message): return "shape mismatch: \(message)"
        case .invalidShape(let message): return "invalid shape: \(message)"
        case .invalidArgument(let message): return "invalid argument: \(message)"
        }
    }
}
