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
        return Tensor(shape: shape) { $0.baseAddress!.initialize(from: start, count: count) }
    }
}

/// Optimizers whose update runs in place on the weight's buffers (the built-ins), so a step allocates
/// nothing and large weights are split over threads.
protocol InPlaceUpdating: AnyObject {
    func updateInPlace(_ weight: Weight, step: Int)
}

/// The base of the built-in optimizers: state in ``OptimizerSlots``, and an elementwise update rule on
/// raw buffers that may run on disjoint chunks of a large weight from several threads (an elementwise
/// rule gives the same bits whatever the split).
public class SlotOptimizer: OptimizerBase<OptimizerSlots>, InPlaceUpdating {
    /// Weights at least this large are updated in chunks on `Parallelism.threadCount` threads. Waking
    /// Dispatch's workers costs tens of microseconds on the 2-core development machine: with 2^15 the
    /// 78,400-weight kernel of the Fashion-MNIST MLP went parallel and train-bench slowed from 0.214 to
    /// 0.284 s/epoch; a million weights take ~0.3 ms on one core, where a second one pays.
    /// (A variable so tests can force the threaded path on small models.)
    nonisolated(unsafe) static var parallelThreshold = 1 << 20

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

    func updateInPlace(_ weight: Weight, step: Int) {
        let slots = state(of: weight)
        let count = weight.count
        let pointers = SlotPointers(base: slots.storage.base, stride: count)
        let values = weight.valueBuffer.base, gradients = UnsafePointer(weight.gradientBuffer.base)
        let threads = count >= SlotOptimizer.parallelThreshold ? Swift.min(Parallelism.threadCount, 8) : 1
        guard threads > 1 else {
            update(values: values, gradients: gradients, slots: pointers, count: count, step: step)
            return
        }
        // Chunks of whole cache lines; elementwise rules make the result independent of the split.
        let chunk = ((count + threads - 1) / threads + 15) / 16 * 16
        Parallelism.run(threads) { part in
            let start = part * chunk
            let end = Swift.min(start + chunk, count)
            guard start < end else { return }
            update(values: values + start, gradients: gradients + start, slots: pointers.advanced(by: start),
                   count: end - start, step: step)
        }
    }
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
