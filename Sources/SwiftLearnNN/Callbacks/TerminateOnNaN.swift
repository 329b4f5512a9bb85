/// Stops training as soon as a batch loss is NaN or infinite.
public final class TerminateOnNaN: Callback {
    /// The batch whose loss was not finite, if any.
    public private(set) var terminatedBatch: Int?

    public init() {}

    public func onTrainBegin(model: Sequential, logs: Logs) throws { terminatedBatch = nil }

    public func onTrainBatchEnd(_ batch: Int, model: Sequential, logs: Logs) throws {
        if let loss = logs["loss"], !loss.isFinite {
            ProgressBar.write("Batch \(batch): Invalid loss, terminating training\n")
            terminatedBatch = batch
            model.stopTraining = true
        }
    }
}
