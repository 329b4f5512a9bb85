/// Errors from metrics and label encoders. Messages quote the lengths, labels or positions involved.
public enum MetricsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `yTrue` and `yPred` (or other aligned inputs) differ in length or shape.
    case inconsistentLengths(String)
    /// Labels the metric cannot use (negative class index, continuous values, unknown label, ...).
    case invalidLabels(String)
    /// An argument outside its domain.
    case invalidParameter(String)

    public var description: String {
        switch self {
        case .inconsistentLengths(let message): return "inconsistent lengths: \(message)"
        case .invalidLabels(let message): return "invalid labels: \(message)"
        case .invalidParameter(let message): return "invalid parameter: \(message)"
        }
    }
}
