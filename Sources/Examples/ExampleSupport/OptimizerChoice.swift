import SwiftLearnNN

/// The optimizers the tutorials compare, by their command-line names, with Keras's default learning rates.
///
/// | name | optimizer |
/// |---|---|
/// | `sgd` | `SGD(learningRate: 0.01)` |
/// | `nesterov` | `SGD(learningRate: 0.01, momentum: 0.9, nesterov: true)` |
/// | `adagrad` | `Adagrad(learningRate: 0.001)` |
/// | `rmsprop` | `RMSprop(learningRate: 0.001)` |
/// | `adam` | `Adam(learningRate: 0.001)` |
public enum OptimizerChoice: String, CaseIterable, Sendable {
    case sgd, nesterov, adagrad, rmsprop, adam

    /// A fresh optimizer (optimizers keep per-model state, so every model gets its own).
    /// - Parameter learningRate: overrides the default step size when given.
    public func make(learningRate: Float? = nil) -> Optimizer {
        switch self {
        case .sgd: return SGD(learningRate: learningRate ?? 0.01)
        case .nesterov: return SGD(learningRate: learningRate ?? 0.01, momentum: 0.9, nesterov: true)
        case .adagrad: return Adagrad(learningRate: learningRate ?? 0.001)
        case .rmsprop: return RMSprop(learningRate: learningRate ?? 0.001)
        case .adam: return Adam(learningRate: learningRate ?? 0.001)
        }
    }

    /// How the tutorials write it, for printed output.
    public func label(learningRate: Float? = nil) -> String {
        let optimizer = make(learningRate: learningRate)
        let rate = "learning_rate=\(optimizer.learningRate)"
        switch self {
        case .nesterov: return "SGD(\(rate), momentum=0.9, nesterov=True)"
        default: return "\(optimizer.className)(\(rate))"
        }
    }

    public static var names: [String] { allCases.map(\.rawValue) }
}
