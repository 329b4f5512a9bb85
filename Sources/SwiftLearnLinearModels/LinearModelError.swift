/// Errors from the linear models. Messages quote the value received and say what was expected, like
/// scikit-learn's.
public enum LinearModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A hyper-parameter outside its domain (`alpha=-1`, `maxIter=0`, ...).
    case invalidParameter(String)
    /// Data that cannot be fitted or scored: wrong rank, NaN, mismatched lengths, continuous labels, a single class.
    case invalidInput(String)
    /// `predict`, `score`, ... before `fit`, or `partialFit` without the classes on its first call.
    case notFitted(String)
    /// An operation the model's settings do not support (`predictProba` with the hinge loss, ...).
    case unsupported(String)
    /// The weights became NaN or infinite during training.
    case diverged(String)

    public var description: String {
        switch self {
        case .invalidParameter(let message): return "invalid parameter: \(message)"
        case .invalidInput(let message): return "invalid input: \(message)"
        case .notFitted(let message): return "not fitted: \(message)"
        case .unsupported(let message): return "unsupported: \(message)"
        case .diverged(let message): return "diverged: \(message)"
        }
    }
}
