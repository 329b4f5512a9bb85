import SwiftLearnBatches

/// Values reported to callbacks: `loss`, metric names, and their `val_`-prefixed validation counterparts;
/// `skipped_samples` (and `val_skipped_samples`) when a source left out unreadable samples that epoch.
public typealias Logs = [String: Double]

/// Hooks into `fit`, like `keras.callbacks.Callback`. Every hook does nothing unless implemented.
///
/// Epoch-end logs hold the epoch's mean `loss` and metrics and, when there is validation data,
/// `val_loss` and `val_<metric>`; batch-end logs hold the running means so far in the epoch.
/// Set `model.stopTraining = true` to end training; throw to abort it.
///
/// ```swift
/// final class PrintLoss: Callback {
///     func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout Logs) throws {
///         print(epoch, logs["loss"]!)
///     }
/// }
/// ```
public protocol Callback: AnyObject {
    func onTrainBegin(model: Sequential, logs: Logs) throws
    func onTrainEnd(model: Sequential, logs: Logs) throws
    func onEpochBegin(_ epoch: Int, model: Sequential, logs: Logs) throws
    /// `logs` is `inout` so a callback can add entries (``LearningRateScheduler`` adds `learning_rate`);
    /// callbacks run in list order and ``History`` records last.
    func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout Logs) throws
    func onTrainBatchBegin(_ batch: Int, model: Sequential, logs: Logs) throws
    func onTrainBatchEnd(_ batch: Int, model: Sequential, logs: Logs) throws
}

extension Callback {
    public func onTrainBegin(model: Sequential, logs: Logs) throws {}
    public func onTrainEnd(model: Sequential, logs: Logs) throws {}
    public func onEpochBegin(_ epoch: Int, model: Sequential, logs: Logs) throws {}
    public func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout Logs) throws {}
    public func onTrainBatchBegin(_ batch: Int, model: Sequential, logs: Logs) throws {}
    public func onTrainBatchEnd(_ batch: Int, model: Sequential, logs: Logs) throws {}
}

/// The per-epoch record `fit` returns, like Keras's `History`.
///
/// ```swift
/// let history = try model.fit(x, y, epochs: 10, validationSplit: 0.2)
/// history["val_loss"]    // [Double], one per epoch
/// ```
public final class History: Callback {
    /// Every logged key with one value per epoch.
    public private(set) var history: [String: [Double]] = [:]
    /// The epoch indices recorded (0-based, continuing from `initialEpoch`).
    public private(set) var epochs: [Int] = []
    /// `epochs`, `steps` and `verbose` of the `fit` call.
    public internal(set) var params: [String: Int] = [:]
    /// The samples each epoch's source left out (unreadable files with ``BadFilePolicy``-style skipping),
    /// by epoch; epochs that skipped nothing are absent.
    public internal(set) var skippedSamples: [Int: [SkippedSample]] = [:]

    public init() {}

    /// The values of one key, one per epoch; `nil` when the key was never logged.
    public subscript(key: String) -> [Double]? { history[key] }

    public func onTrainBegin(model: Sequential, logs: Logs) throws {
        epochs = []
        skippedSamples = [:]
    }

    public func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout Logs) throws {
        epochs.append(epoch)
        for (key, value) in logs { history[key, default: []].append(value) }
    }
}
