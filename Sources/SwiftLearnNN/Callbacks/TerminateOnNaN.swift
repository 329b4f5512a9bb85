import SwiftLearnSystem
/// Stops training as soon as a batch loss is NaN or infinite, recording where training diverged.
///
/// The running mean loss of the epoch is checked after every batch, so the first non-finite batch loss
/// is caught at that batch. It prints `Epoch 3, batch 17: Invalid loss nan, terminating training` (Keras
/// prints the batch only) and keeps the position in ``terminatedEpoch`` / ``terminatedBatch`` (0-based).
///
/// ```swift
/// let detector = TerminateOnNaN()
/// try model.fit(x, y, epochs: 20, callbacks: [detector])
/// if let epoch = detector.terminatedEpoch, let batch = detector.terminatedBatch { print("diverged at \(epoch)/\(batch)") }
/// ```
public final class TerminateOnNaN: Callback {
    /// The epoch (0-based, counting from `initialEpoch`) in which the loss stopped being finite, if it did.
    public private(set) var terminatedEpoch: Int?
    /// The batch (0-based within ``terminatedEpoch``) whose loss was not finite, if any.
    public private(set) var terminatedBatch: Int?
    /// The non-finite loss value seen (NaN or ±infinity).
    public private(set) var terminatedLoss: Double?
    private var currentEpoch = 0

    public init() {}

    public func onTrainBegin(model: Sequential, logs: Logs) throws {
        terminatedEpoch = nil
        terminatedBatch = nil
        terminatedLoss = nil
    }

    public func onEpochBegin(_ epoch: Int, model: Sequential, logs: Logs) throws { currentEpoch = epoch }

    public func onTrainBatchEnd(_ batch: Int, model: Sequential, logs: Logs) throws {
        guard terminatedBatch == nil, let loss = logs["loss"], !loss.isFinite else { return }
        Console.write("Epoch \(currentEpoch + 1), batch \(batch): Invalid loss \(loss.isNaN ? "nan" : (loss < 0 ? "-inf" : "inf")), terminating training\n")
        terminatedEpoch = currentEpoch
        terminatedBatch = batch
        terminatedLoss = loss
        model.stopTraining = true
    }
}
