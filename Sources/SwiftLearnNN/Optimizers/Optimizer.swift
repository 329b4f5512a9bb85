import SwiftLearnSystem
import SwiftLearnGEMM

/// An update rule: how one parameter moves given its gradient and its own state arrays.
///
/// The model keeps the per-parameter state (``slotNames`` arrays, each shaped like the parameter) and
/// the iteration count, and calls ``update(parameter:gradient:slots:count:step:)`` for every trainable
/// weight after each batch, possibly on disjoint chunks of a large weight from several threads (the
/// rules are elementwise, so results do not depend on the split). That state is saved with the model,
/// so training resumes exactly.
///
/// Shortcuts read like Keras's strings: `.adam()`, `.sgd(learningRate: 0.1)`, `.rmsprop()`, `.adagrad()`.
public protocol Optimizer: AnyObject {
    /// The Keras class name (`Adam`), used in saved models.
    var name: String { get }
    /// The step size; callbacks such as ``LearningRateScheduler`` change it between epochs.
    var learningRate: Float { get set }
    /// The names of the per-parameter state arrays (`m`, `v` for Adam), in storage order.
    var slotNames: [String] { get }
    /// The value every state array starts at (Adagrad's initial accumulator; 0 otherwise).
    func initialSlotValue(_ slot: Int) -> Float
    /// Applies one step to `count` values of `parameter`; `slots[i]` points at the matching `count`
    /// values of state array `i`; `step` counts from 1.
    func update(parameter: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
                slots: OptimizerSlots, count: Int, step: Int)
    /// The hyperparameters, for saving (`learning_rate`, `beta_1`, ...).
    var config: [String: Double] { get }
    /// Throws ``NNError/invalidArgument(_:)`` quoting a hyperparameter outside its domain.
    func validate() throws(NNError)
}

extension Optimizer {
    public func initialSlotValue(_ slot: Int) -> Float { 0 }
}

/// Where the state arrays of one parameter (or one chunk of it) start.
public struct OptimizerSlots {
    /// The first value of state array 0.
    public let base: UnsafeMutablePointer<Float>
    /// The distance in elements from one state array to the next.
    public let stride: Int

    public init(base: UnsafeMutablePointer<Float>, stride: Int) {
        self.base = base
        self.stride = stride
    }

    /// The first value of state array `slot`.
    public subscript(slot: Int) -> UnsafeMutablePointer<Float> { base + slot * stride }

    func advanced(by offset: Int) -> OptimizerSlots { OptimizerSlots(base: base + offset, stride: stride) }
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

/// The per-parameter state arrays and the iteration count of one model's optimizer.
final class OptimizerState {
    /// Steps taken so far (Keras's `optimizer.iterations`).
    var iterations = 0
    /// For each trainable weight, in model order, its slot arrays back to back.
    var slots: [FloatBuffer] = []
    var slotCounts: [Int] = []

    /// Creates (or recreates, when the weights changed) zeroed state for `weights`.
    func prepare(for weights: [Weight], optimizer: any Optimizer) {
        let counts = weights.map(\.count)
        guard counts != slotCounts || slots.count != weights.count else { return }
        slotCounts = counts
        let slotCount = optimizer.slotNames.count
        slots = counts.map { count in
            let buffer = FloatBuffer(capacity: Swift.max(count * slotCount, 1))
            for slot in 0..<slotCount {
                (buffer.base + slot * count).update(repeating: optimizer.initialSlotValue(slot), count: count)
            }
            return buffer
        }
    }

    /// Weights at least this large are updated in chunks on `Parallelism.threadCount` threads.
    /// Waking Dispatch's workers costs tens of microseconds on the 2-core development machine: with
    /// 2^15 the 78,400-weight kernel of the Fashion-MNIST MLP went parallel and train-bench slowed from
    /// 0.214 to 0.284 s/epoch; a million weights take ~0.3 ms on one core, where a second one pays.
    /// (A variable so tests can force the threaded path on small models.)
    nonisolated(unsafe) static var parallelThreshold = 1 << 20

    func step(_ weights: [Weight], optimizer: any Optimizer) {
        prepare(for: weights, optimizer: optimizer)
        iterations += 1
        let step = iterations
        for (index, weight) in weights.enumerated() {
            let count = weight.count
            let slotPointers = OptimizerSlots(base: slots[index].base, stride: count)
            let parameter = weight.valueBuffer.base, gradient = UnsafePointer(weight.gradientBuffer.base)
            let threads = count >= OptimizerState.parallelThreshold ? Swift.min(Parallelism.threadCount, 8) : 1
            if threads <= 1 {
                optimizer.update(parameter: parameter, gradient: gradient, slots: slotPointers, count: count, step: step)
                continue
            }
            // Chunks of whole cache lines; elementwise rules make the result independent of the split.
            let chunk = ((count + threads - 1) / threads + 15) / 16 * 16
            Parallelism.run(threads) { part in
                let start = part * chunk
                let end = Swift.min(start + chunk, count)
                guard start < end else { return }
                optimizer.update(parameter: parameter + start, gradient: gradient + start,
                                 slots: slotPointers.advanced(by: start), count: end - start, step: step)
            }
        }
    }
}

/// Recreates an optimizer from its saved class name and hyperparameters; `nil` for an unknown name.
func makeOptimizer(name: String, config: [String: Double]) -> (any Optimizer)? {
    func value(_ key: String, _ fallback: Float) -> Float { config[key].map { Float($0) } ?? fallback }
    func flag(_ key: String) -> Bool { (config[key] ?? 0) != 0 }
    switch name {
    case "SGD":
        return SGD(learningRate: value("learning_rate", 0.01), momentum: value("momentum", 0), nesterov: flag("nesterov"))
    case "Adam":
        return Adam(learningRate: value("learning_rate", 0.001), beta1: value("beta_1", 0.9), beta2: value("beta_2", 0.999),
                    epsilon: value("epsilon", 1e-7), amsgrad: flag("amsgrad"))
    case "RMSprop":
        return RMSprop(learningRate: value("learning_rate", 0.001), rho: value("rho", 0.9), momentum: value("momentum", 0),
                       epsilon: value("epsilon", 1e-7), centered: flag("centered"))
    case "Adagrad":
        return Adagrad(learningRate: value("learning_rate", 0.001),
                       initialAccumulatorValue: value("initial_accumulator_value", 0.1), epsilon: value("epsilon", 1e-7))
    default:
        return nil
    }
}
