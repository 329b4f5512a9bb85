/// Which way a monitored value improves.
public enum MonitorMode: String, Sendable {
    /// `max` for accuracy-like keys (containing `acc`), `min` otherwise (losses, errors).
    case auto
    case min
    case max

    func resolved(for monitor: String) -> MonitorMode {
        guard self == .auto else { return self }
        return monitor.contains("acc") ? .max : .min
    }
}

/// The base of callbacks that watch one logged value and act when it improves (Keras's
/// `MonitorCallback`): ``EarlyStopping`` and ``ModelCheckpoint``.
///
/// It resolves the direction (`mode`), reads the value from the logs with an error that lists the keys
/// that are there, and decides what counts as an improvement (by more than `minDelta`).
///
/// ```swift
/// final class BestLoss: MonitorCallback {
///     init() { super.init(monitor: "val_loss") }
///     override func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout Logs) throws {
///         let value = try monitoredValue(in: logs)
///         if isImprovement(value, over: best) { best = value }
///     }
/// }
/// ```
open class MonitorCallback: Callback {
    /// The logged key watched (`val_loss`, `val_accuracy`, ...).
    public let monitor: String
    /// `min` or `max` (``MonitorMode/auto`` resolved from the key).
    public let mode: MonitorMode
    /// How much a value must beat the reference by to count as an improvement (`>= 0`).
    public let minDelta: Double
    /// The best value seen so far (`nil` before the first).
    public var best: Double?

    public init(monitor: String, mode: MonitorMode = .auto, minDelta: Double = 0) {
        self.monitor = monitor
        self.mode = mode.resolved(for: monitor)
        self.minDelta = Swift.abs(minDelta)
    }

    /// Keras's `_is_improvement`: anything beats no reference; otherwise by more than `minDelta`.
    public func isImprovement(_ value: Double, over reference: Double?) -> Bool {
        guard let reference else { return true }
        return mode == .min ? value + minDelta < reference : value - minDelta > reference
    }

    /// The value of ``monitor`` in `logs`.
    /// - Throws: ``NNError/callback(_:)`` naming the callback and the keys that are there.
    public func monitoredValue(in logs: Logs) throws -> Double {
        guard let value = logs[monitor] else {
            throw NNError.callback("\(String(describing: type(of: self))): monitored key '\(monitor)' is not in the logs; available keys: \(logs.keys.sorted().joined(separator: ", "))")
        }
        return value
    }

    open func onTrainBegin(model: Sequential, logs: Logs) throws {}
    open func onTrainEnd(model: Sequential, logs: Logs) throws {}
    open func onEpochBegin(_ epoch: Int, model: Sequential, logs: Logs) throws {}
    open func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout Logs) throws {}
    open func onTrainBatchBegin(_ batch: Int, model: Sequential, logs: Logs) throws {}
    open func onTrainBatchEnd(_ batch: Int, model: Sequential, logs: Logs) throws {}
}
