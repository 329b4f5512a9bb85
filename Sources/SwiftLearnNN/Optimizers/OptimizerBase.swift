import SwiftLearnTensor

/// The base for writing an optimizer: typed per-parameter `State` and one update rule on tensors, like
/// mlx-swift's `OptimizerBase<State>` with `applySingle`.
///
/// Override ``makeState(for:)``, ``applySingle(parameter:gradient:state:step:)`` and, so the state is saved
/// with the model, ``stateArrays(_:)`` and ``restoreState(from:parameter:)``; add your hyperparameters to
/// ``Optimizer/config`` and register a factory with ``OptimizerRegistry``.
///
/// ```swift
/// /// SGD with a velocity: v = mu·v - lr·g; w += v.
/// final class Momentum: OptimizerBase<Tensor<Float>> {
///     let mu: Float
///     init(learningRate: Float = 0.01, mu: Float = 0.9) { self.mu = mu; super.init(learningRate: learningRate) }
///     override var config: [String: Double] { ["learning_rate": Double(learningRate), "mu": Double(mu)] }
///     override func makeState(for parameter: Tensor<Float>) -> Tensor<Float> { .zeros(parameter.shape) }
///     override func applySingle(parameter: Tensor<Float>, gradient: Tensor<Float>, state: Tensor<Float>,
///                               step: Int) throws -> (parameter: Tensor<Float>, state: Tensor<Float>) {
///         let velocity = state * mu - gradient * learningRate
///         return (parameter + velocity, velocity)
///     }
///     override func stateArrays(_ state: Tensor<Float>) -> [(name: String, value: Tensor<Float>)] { [("velocity", state)] }
///     override func restoreState(from arrays: [String: Tensor<Float>], parameter: Tensor<Float>) throws -> Tensor<Float> {
///         arrays["velocity"] ?? .zeros(parameter.shape)
///     }
/// }
/// OptimizerRegistry.register("Momentum") { config in Momentum(learningRate: Float(config["learning_rate"] ?? 0.01),
///                                                           mu: Float(config["mu"] ?? 0.9)) }
/// ```
open class OptimizerBase<State>: Optimizer {
    /// Each weight's state, kept with the weight itself so an identifier is never reused while stored.
    private var states: [ObjectIdentifier: (weight: Weight, state: State)] = [:]

    public override init(learningRate: Float) {
        super.init(learningRate: learningRate)
    }

    /// The state of a parameter before its first update (zeros shaped like it, for most rules).
    open func makeState(for parameter: Tensor<Float>) -> State {
        preconditionFailure("\(className) must override makeState(for:)")
    }

    /// One step of the rule for one parameter: returns its new value and state. `step` counts from 1.
    open func applySingle(parameter: Tensor<Float>, gradient: Tensor<Float>, state: State,
                          step: Int) throws -> (parameter: Tensor<Float>, state: State) {
        preconditionFailure("\(className) must override applySingle(parameter:gradient:state:step:)")
    }

    /// The state as named arrays (each shaped like the parameter), for saving. Default: nothing saved.
    open func stateArrays(_ state: State) -> [(name: String, value: Tensor<Float>)] { [] }

    /// The state from the arrays ``stateArrays(_:)`` wrote. Default: a fresh state.
    open func restoreState(from arrays: [String: Tensor<Float>], parameter: Tensor<Float>) throws -> State {
        makeState(for: parameter)
    }

    /// The state of `weight`, created on first use.
    func state(of weight: Weight) -> State {
        if let entry = states[ObjectIdentifier(weight)] { return entry.state }
        let state = makeState(for: weight.value)
        states[ObjectIdentifier(weight)] = (weight, state)
        return state
    }

    func setState(_ state: State, of weight: Weight) {
        states[ObjectIdentifier(weight)] = (weight, state)
    }

    override func apply(to weights: [Weight]) throws {
        iterations += 1
        let step = iterations
        if let inPlace = self as? InPlaceUpdating {
            inPlace.updateInPlace(weights, step: step)
            return
        }
        for weight in weights {
            let (parameter, state) = try applySingle(parameter: weight.value, gradient: weight.gradient,
                                                     state: self.state(of: weight), step: step)
            try weight.assign(parameter)
            setState(state, of: weight)
        }
    }

    override func savedState(for weight: Weight) -> [(name: String, value: Tensor<Float>)] {
        guard let entry = states[ObjectIdentifier(weight)] else { return [] }
        return stateArrays(entry.state)
    }

    override func stateNames(for weight: Weight) -> [String] {
        stateArrays(makeState(for: Tensor<Float>.zeros(weight.shape))).map(\.name)
    }

    override func restoreState(_ arrays: [String: Tensor<Float>], for weight: Weight) throws {
        setState(try restoreState(from: arrays, parameter: weight.value), of: weight)
    }

    override func resetState() {
        super.resetState()
        states = [:]
    }
}
