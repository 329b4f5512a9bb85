import Glibc

extension SGDClassifier {
    /// The loss `L(y, p)` SGD minimizes, of the raw prediction `p = w·x + b` (scikit-learn's `loss`).
    ///
    /// With `z = y·p` and `y ∈ {-1, +1}` (log loss: `y ∈ {0, 1}`):
    /// - ``hinge``: `max(0, 1 - z)`, a linear SVM;
    /// - ``logLoss``: `log(1 + e^p) - y·p`, logistic regression (probabilities through ``SGDClassifier/predictProba(_:)``);
    /// - ``modifiedHuber``: `max(0, 1 - z)²` for `z ≥ -1`, else `-4z`, a smooth hinge with probabilities;
    /// - ``squaredHinge``: `max(0, 1 - z)²`;
    /// - ``perceptron``: `max(0, -z)`, the perceptron's rule.
    public enum Loss: String, Sendable, CaseIterable {
        case hinge
        case logLoss = "log_loss"
        case modifiedHuber = "modified_huber"
        case squaredHinge = "squared_hinge"
        case perceptron

        /// Whether the targets are coded `{0, 1}` (the half-binomial log loss) instead of `{-1, +1}`.
        var usesZeroOneTargets: Bool { self == .logLoss }

        /// `L(y, p)`.
        func value(_ y: Double, _ p: Double) -> Double {
            switch self {
            case .hinge, .perceptron:
                let threshold = self == .hinge ? 1.0 : 0.0
                let z = p * y
                return z <= threshold ? threshold - z : 0
            case .squaredHinge:
                let z = 1 - p * y
                return z > 0 ? z * z : 0
            case .modifiedHuber:
                let z = p * y
                if z >= 1 { return 0 }
                if z >= -1 { return (1 - z) * (1 - z) }
                return -4 * z
            case .logLoss:
                return logOnePlusExp(p) - y * p
            }
        }

        /// `∂L/∂p`.
        func derivative(_ y: Double, _ p: Double) -> Double {
            switch self {
            case .hinge, .perceptron:
                let threshold = self == .hinge ? 1.0 : 0.0
                return p * y <= threshold ? -y : 0
            case .squaredHinge:
                let z = 1 - p * y
                return z > 0 ? -2 * y * z : 0
            case .modifiedHuber:
                let z = p * y
                if z >= 1 { return 0 }
                if z >= -1 { return 2 * (1 - z) * -y }
                return -4 * y
            case .logLoss:
                // expit(p) - y, arranged to stay exact for large |p| (scikit-learn's cgradient_half_binomial).
                if p > -37 {
                    let e = exp(-p)
                    return ((1 - y) - y * e) / (1 + e)
                }
                return exp(p) - y
            }
        }
    }
}

/// `log(1 + e^x)` without overflow or cancellation (scikit-learn's `log1pexp`).
func logOnePlusExp(_ x: Double) -> Double {
    if x <= -37 { return exp(x) }
    if x <= -2 { return log1p(exp(x)) }
    if x <= 18 { return log(1 + exp(x)) }
    if x <= 33.3 { return x + exp(-x) }
    return x
}
