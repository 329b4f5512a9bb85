/// Errors from scalers and encoders. Messages name the estimator, the shapes and the counts involved.
public enum PreprocessingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `transform` or `inverseTransform` was called before `fit`.
    case notFitted(String)
    /// The tensor's feature count differs from the one seen in `fit`.
    case featureCountMismatch(estimator: String, expected: Int, received: Int)
    /// The input cannot be scaled (wrong rank, no samples, infinite values).
    case invalidInput(String)
    /// A constructor argument outside its domain.
    case invalidParameter(String)

    public var description: String {
        switch self {
        case .notFitted(let estimator):
            return "this \(estimator) instance is not fitted yet; call fit with appropriate data before using it"
        case .featureCountMismatch(let estimator, let expected, let received):
            return "X has \(received) features, but \(estimator) is expecting \(expected) features as input"
        case .invalidInput(let message): return "invalid input: \(message)"
        case .invalidParameter(let message): return "invalid parameter: \(message)"
        }
    }
}
