/// Errors from building, training, saving and loading models.
///
/// Every message names what was expected and what was received (and the file, when there is one),
/// e.g. `invalid argument: Dense: units must be a positive integer, received 0`.
public enum NNError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A constructor or method argument outside its domain.
    case invalidArgument(String)
    /// Data whose shape does not fit the model or the other arrays.
    case shapeMismatch(String)
    /// Label values the loss cannot use (out of range, not integral).
    case invalidLabels(String)
    /// A call made in the wrong state (fitting before `compile`, summary of an unbuilt model).
    case invalidState(String)
    /// A callback could not do its work (a monitored key missing from the logs).
    case callback(String)
    /// A file that cannot be read or written, or that does not match the model.
    case file(path: String, message: String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): return "invalid argument: \(message)"
        case .shapeMismatch(let message): return "shape mismatch: \(message)"
        case .invalidLabels(let message): return "invalid labels: \(message)"
        case .invalidState(let message): return "invalid state: \(message)"
        case .callback(let message): return "callback error: \(message)"
        case .file(let path, let message): return "\(path): \(message)"
        }
    }
}

/// Formats a per-sample shape the way Keras prints it, with the batch axis as `None`: `(None, 28, 28)`.
func kerasShape(_ sampleShape: [Int]) -> String {
    "(" + (["None"] + sampleShape.map(String.init)).joined(separator: ", ") + ")"
}

/// Formats a full shape like numpy: `(60000, 28, 28)`, `(5,)`.
func numpyShape(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
}
