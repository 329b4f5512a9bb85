/// Errors from splitters and cross-validation. Messages quote the values received, like scikit-learn's.
public enum ModelSelectionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A parameter outside its domain (`nSplits=1`, `testSize=1.5`, ...).
    case invalidParameter(String)
    /// Arrays that must be aligned on axis 0 have different lengths.
    case inconsistentSampleCounts(String)
    /// Labels that cannot be stratified (a class with one member, continuous values, ...).
    case invalidLabels(String)

    public var description: String {
        switch self {
        case .invalidParameter(let message): return "invalid parameter: \(message)"
        case .inconsistentSampleCounts(let message): return "inconsistent sample counts: \(message)"
        case .invalidLabels(let message): return "invalid labels: \(message)"
        }
    }
}
