import SwiftLearnTensor

/// The base of every optimizer, like `keras.optimizers.Optimizer`: its learning rate, its step count,
/// and the per-parameter state it keeps for the weights it updates.
///
/// Built-in optimizers: ``SGD``, ``RMSprop`` (Keras's default for `compile`), ``Adam``, ``Adagrad``; by
/// name: `"sgd"`, `"rmsprop"`, `"adam"`, `"adagrad"`. To write your own, subclass
/// ``OptimizerBase`` (typed per-parameter state, one update rule on tensors) and register it with
/// ``OptimizerRegistry`` so saved models that use it load back.
///
/// The state belongs to the optimizer and is created for each weight at its first update; `compile`
/// resets it, and a model saved with ``Sequential/save(_:)`` carries it, so training resumes exactly.
open class Optimizer {
    /// The step size; callbacks such as ``LearningRateScheduler`` change it between epochs.
    public var learningRate: Float
    /// Steps taken since the last reset (Keras's `optimizer.iterations`); step `t` of an update is `iterations` after incrementing.
    public internal(set) var iterations = 0

    /// Only ``OptimizerBase`` subclasses exist: it supplies the state machinery.
    init(learningRate: Float) {
        self.learningRate = learningRate
    }

    /// The class name saved with the model (`Adam`).
    open var className: String { String(describing: type(of: self)) }

    /// The hyperparameters, saved with the model (`learning_rate`, `beta_1`, ...) and handed back to the
    /// registered factory when it loads.
    open var config: [String: Double] { ["learning_rate": Double(learningRate)] }

    /// Throws ``NNError/invalidArgument(_:)`` quoting a hyperparameter outside its domain.
    open func validate() throws(NNError) {
        try requireRange(className, "learningRate", learningRate, lower: 0, upper: .greatestFiniteMagnitude)
    }

    // MARK: - The machinery OptimizerBase implements

    /// One step for every weight in `weights` (their gradients are current).
    func apply(to weights: [Weight]) throws { preconditionFailure("\(className) must subclass OptimizerBase") }

    /// The state of `weight` as named arrays shaped like it, for saving; empty before its first update.
    func savedState(for weight: Weight) -> [(name: String, value: Tensor<Float>)] { [] }

    /// Recreates the state of `weight` from arrays saved by ``savedState(for:)``.
    func restoreState(_ arrays: [String: Tensor<Float>], for weight: Weight) throws {}

    /// The names ``savedState(for:)`` writes for a weight, so a loader knows which arrays to read.
    func stateNames(for weight: Weight) -> [String] { [] }

    /// Forgets all per-parameter state and the step count (a new `compile`).
    func resetState() { iterations = 0 }
}

/// Throws unless `value` is finite and inside the range.
func requireRange(_ owner: String, _ argument: String, _ value: Float, lower: Float, upper: Float,
                  lowerInclusive: Bool = true, upperInclusive: Bool = true) throws(NNError) {
    let aboveLower = lowerInclusive ? value >= lower : value > lower
    let belowUpper = upperInclusive ? value <= upper : value < upper
    guard value.isFinite, aboveLower, belowUpper else {
        let range = "\(lowerInclusive ? "[" : "(")\(lower), \(upper)\(upperInclusive ? "]" : ")")"
        throw .invalidArgument("\(owner): \(argument) must be in \(range), received \(value)")
    }
}

extension Optimizer {
    /// `SGD(...)` with Keras's defaults.
    public static func sgd(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false) -> SGD {
        SGD(learningRate: learningRate, momentum: momentum, nesterov: nesterov)
    }

    /// `Adam(...)` with Keras's defaults.
    public static func adam(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999,
                            epsilon: Float = 1e-7, amsgrad: Bool = false) -> Adam {
        Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad)
    }

    /// `RMSprop(...)` with Keras's defaults.
    public static func rmsprop(learningRate: Float = 0.001, rho: Float = 0.9, momentum: Float = 0,
                               epsilon: Float = 1e-7, centered: Bool = false) -> RMSprop {
        RMSprop(learningRate: learningRate, rho: rho, momentum: momentum, epsilon: epsilon, centered: centered)
    }

    /// `Adagrad(...)` with Keras's defaults.
    public static func adagrad(learningRate: Float = 0.001, initialAccumulatorValue: Float = 0.1,
                               epsilon: Float = 1e-7) -> Adagrad {
        Adagrad(learningRate: learningRate, initialAccumulatorValue: initialAccumulatorValue, epsilon: epsilon)
    }
}
