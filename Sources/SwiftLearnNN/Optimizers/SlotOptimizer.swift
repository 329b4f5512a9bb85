import SwiftLearnSystem
import SwiftLearnTensor

/// Per-parameter state of the built-in optimizers: named arrays shaped like the parameter (`m`, `v` for
/// Adam; `velocity` for RMSprop), stored back to back.
public final class OptimizerSlots {
    /// The slot names in storage order.
    public let names: [String]
    /// The parameter's shape, which every slot shares.
    public let shape: [Int]
    let count: Int
    let storage: FloatBuffer
    /// The storage order of every slot (its weight's ``Weight/panels``; `nil`: row-major). ``value(_:)`` and
    /// the saved state are row-major whatever it is.
    private(set) var panels: ColumnPanels?

    init(names: [String], shape: [Int], initialValue: Float) {
        self.names = names
        self.shape = shape
        count = shape.reduce(1, *)
        storage = FloatBuffer(capacity: Swift.max(count * names.count, 1))
        storage.base.update(repeating: initialValue, count: count * names.count)
    }

    /// The first value of slot `index`.
    subscript(index: Int) -> UnsafeMutablePointer<Float> { storage.base + index * count }

    /// A copy of the slot called `name`, or `nil` when there is none.
    public func value(_ name: String) -> Tensor<Float>? {
        guard let index = names.firstIndex(of: name) else { return nil }
        let start = self[index]
        return Tensor(shape: shape) { panels.copy(storage: UnsafeBufferPointer(start: start, count: count), toRowMajor: $0) }
    }

    /// Puts every slot in the storage order of `weight` (once; the state of a weight follows its layout).
    func adoptLayout(of weight: Weight) {
        guard panels != weight.panels else { return }
        for index in names.indices { rearrange(self[index], from: panels, to: weight.panels) }
        panels = weight.panels
    }
}

/// Optimizers whose update runs in place on the weights' buffers (the built-ins), so a step allocates
/// nothing and the parameters are split over threads.
protocol InPlaceUpdating: AnyObject {
    func updateInPlace(_ weights: [Weight], step: Int)
}

/// The base of the built-in optimizers: state in ``OptimizerSlots``, and an elementwise update rule on
/// raw buffers that may run on disjoint chunks of a large weight from several threads (an elementwise
/// rule gives the same bits whatever the split).
public class SlotOptimizer: OptimizerBase<OptimizerSlots>, InPlaceUpdating {
    /// Steps over at least this many parameters (all trainable weights together) are split over
    /// `Parallelism.threadCount` threads by parameter ranges. With the worker pool's microsecond hand-off a
    /// share of 8k parameters (a few microseconds of Adam) pays; the Fashion-MNIST MLP's 79,510 parameters
    /// go parallel. (A variable so tests can force the threaded path on small models.)
    nonisolated(unsafe) static var parallelThreshold = 1 << 15

    /// The smallest share of a threaded step, in parameters.
    static let minimumShare = 1 << 13

    /// The state arrays of one parameter, in storage order.
    var slotNames: [String] { [] }
    /// The value every state array starts at (Adagrad's initial accumulator; 0 otherwise).
    func initialSlotValue() -> Float { 0 }
    /// The rule on `count` values: `slots[i]` points at the matching values of state array `i`.
    func update(values: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, slots: SlotPointers,
                count: Int, step: Int) {}

    public override func makeState(for parameter: Tensor<Float>) -> OptimizerSlots {
        OptimizerSlots(names: slotNames, shape: parameter.shape, initialValue: initialSlotValue())
    }

    public override func applySingle(parameter: Tensor<Float>, gradient: Tensor<Float>, state: OptimizerSlots,
                                     step: Int) throws -> (parameter: Tensor<Float>, state: OptimizerSlots) {
        var updated = parameter
        updated.withUnsafeMutableBufferPointer { values in
            gradient.withUnsafeBufferPointer { gradients in
                update(values: values.baseAddress!, gradients: gradients.baseAddress!,
                       slots: SlotPointers(base: state.storage.base, stride: state.count), count: state.count, step: step)
            }
        }
        return (updated, state)
    }

    public override func stateArrays(_ state: OptimizerSlots) -> [(name: String, value: Tensor<Float>)] {
        state.names.map { ($0, state.value($0)!) }
    }

    public override func restoreState(from arrays: [String: Tensor<Float>], parameter: Tensor<Float>) throws -> OptimizerSlots {
        let state = makeState(for: parameter)
        for (index, name) in state.names.enumerated() {
            guard let array = arrays[name] else {
                throw NNError.invalidArgument("\(className) state '\(name)' is missing; have \(arrays.keys.sorted())")
            }
            guard array.shape == parameter.shape else {
                throw NNError.shapeMismatch("\(className) state '\(name)' has shape \(numpyShape(array.shape)), expected \(numpyShape(parameter.shape))")
            }
            array.withUnsafeBufferPointer { state[index].update(from: $0.baseAddress!, count: state.count) }
        }
        return state
    }

    /// The buffers the update of `weight` reads and writes (its state is created on first use).
    func parameterRange(_ weight: Weight) -> ParameterRange {
        let slots = state(of: weight)
        slots.adoptLayout(of: weight)
        return ParameterRange(values: weight.valueBuffer.base, gradients: UnsafePointer(weight.gradientBuffer.base),
                              slots: SlotPointers(base: slots.storage.base, stride: weight.count), count: weight.count)
    }

    /// Starts a step that the layers run themselves, each weight right after its gradient is written (see
    /// ``FusedStep``); counts the step as ``Optimizer/apply(to:)`` does.
    func beginFusedStep(_ weights: [Weight]) -> FusedStep {
        iterations += 1
        return FusedStep(optimizer: self, weights: weights, step: iterations)
    }

    func updateInPlace(_ weights: [Weight], step: Int) {
        updateInPlace(ranges: weights.map(parameterRange), step: step)
    }

    fileprivate func updateInPlace(ranges: [ParameterRange], step: Int) {
        let total = ranges.reduce(0) { $0 + $1.count }
        let threads = total >= SlotOptimizer.parallelThreshold ? Swift.min(Parallelism.threadCount, 8) : 1
        guard threads > 1 else {
            for range in ranges { update(range, from: 0, to: range.count, step: step) }
            return
        }
        // The parameters of all weights end to end, cut into contiguous shares at multiples of 16 values
        // (an elementwise rule gives the same bits whatever the cut). One share per thread: the calling thread
        // claims share 0 as it publishes the job, so each core tends to update the same parameters step
        // after step, and their values, gradients and state stay in its cache (shares claimed in whatever
        // order move them between cores).
        let shares = Swift.min(threads, Swift.max(1, total / SlotOptimizer.minimumShare))
        let share = ((total + shares - 1) / shares + 15) / 16 * 16
        Parallelism.run(shares) { part in
            let start = part * share, end = Swift.min(start + share, total)
            var offset = 0
            for range in ranges {
                let lower = Swift.max(start - offset, 0), upper = Swift.min(end - offset, range.count)
                if lower < upper { update(range, from: lower, to: upper, step: step) }
                offset += range.count
                if offset >= end { break }
            }
        }
    }

    /// The rule on elements `lower..<upper` of one weight. Safe from several threads on disjoint ranges.
    func update(_ range: ParameterRange, from lower: Int, to upper: Int, step: Int) {
        update(values: range.values + lower, gradients: range.gradients + lower, slots: range.slots.advanced(by: lower),
               count: upper - lower, step: step)
    }
}

/// An optimizer step split between the layers: a layer that owns a weight ``claim(_:)``s it on the calling
/// thread, then updates the claimed values from the same worker share that just wrote their gradient, so the
/// gradient, the values and the optimizer state are still in that core's cache (and the weight stays with
/// the core that reads it next). ``finish()`` updates the weights no layer claimed.
///
/// The update is elementwise, so a weight updated in slices by any threads gets the bits of one whole
/// update. Every weight must get its gradient before its update: Dense computes its input gradient from the
/// old kernel rows of a share before it updates them.
///
/// ```swift
/// let step = optimizer.beginFusedStep(plan.trainable)
/// if let kernel = step.claim(dense.kernel!) { step.update(kernel, from: 0, to: kernel.count) }
/// step.finish()
/// ```
final class FusedStep {
    let optimizer: SlotOptimizer
    let step: Int
    private let weights: [Weight]
    private var claimed: [Bool]

    init(optimizer: SlotOptimizer, weights: [Weight], step: Int) {
        self.optimizer = optimizer
        self.weights = weights
        self.step = step
        claimed = Array(repeating: false, count: weights.count)
    }

    /// The buffers of `weight` for the caller to update, or `nil` when the step does not update it (frozen)
    /// or another layer claimed it already. Calling thread only.
    func claim(_ weight: Weight) -> ParameterRange? {
        guard let index = weights.firstIndex(where: { $0 === weight }), !claimed[index] else { return nil }
        claimed[index] = true
        return optimizer.parameterRange(weight)
    }

    /// Updates elements `lower..<upper` of a claimed weight; any thread, disjoint ranges.
    func update(_ range: ParameterRange, from lower: Int, to upper: Int) {
        optimizer.update(range, from: lower, to: upper, step: step)
    }

    /// Updates every weight no layer claimed.
    func finish() {
        var rest: [ParameterRange] = []
        for (index, weight) in weights.enumerated() where !claimed[index] {
            claimed[index] = true
            rest.append(optimizer.parameterRange(weight))
        }
        if !rest.isEmpty { optimizer.updateInPlace(ranges: rest, step: step) }
    }
}

/// One weight's values, gradients and state, as the threaded update reads them.
struct ParameterRange {
    let values: UnsafeMutablePointer<Float>
    let gradients: UnsafePointer<Float>
    let slots: SlotPointers
    let count: Int
}

/// Where the state arrays of one parameter (or one chunk of it) start.
struct SlotPointers {
    /// The first value of state array 0.
    let base: UnsafeMutablePointer<Float>
    /// The distance in elements from one state array to the next.
    let stride: Int

    /// The first value of state array `slot`.
    subscript(slot: Int) -> UnsafeMutablePointer<Float> { base + slot * stride }

    func advanced(by offset: Int) -> SlotPointers { SlotPointers(base: base + offset, stride: stride) }
}
