import SwiftLearnSystem
import SwiftLearnTensor

/// Stops training when `monitor` has not improved by more than `minDelta` for `patience` epochs,
/// with Keras 3's semantics.
///
/// With `restoreBestWeights`, the weights of the best epoch are put back when training ends, whether
/// it stopped early, ran all its epochs, or ended with an error. State resets at each `fit`.
///
/// ```swift
/// let early = EarlyStopping(patience: 2, restoreBestWeights: true)
/// try model.fit(x, y, epochs: 20, validationData: (vx, vy), callbacks: [early])
/// early.stoppedEpoch   // 0-based epoch where training stopped, 0 when it did not
/// ```
public final class EarlyStopping: MonitorCallback {
    public let patience: Int
    public let baseline: Double?
    public let restoreBestWeights: Bool
    public let startFromEpoch: Int
    public let verbose: Int

    /// Epochs without improvement so far.
    public private(set) var wait = 0
    /// The epoch training stopped at (0 when it ran to the end).
    public private(set) var stoppedEpoch = 0
    /// The epoch of the best value.
    public private(set) var bestEpoch = 0
    private var bestWeights: [Tensor<Float>]?

    /// - Throws: never at construction; arguments are checked at train begin (``NNError/invalidArgument(_:)``).
    public init(monitor: String = "val_loss", minDelta: Double = 0, patience: Int = 0, mode: MonitorMode = .auto,
                baseline: Double? = nil, restoreBestWeights: Bool = false, startFromEpoch: Int = 0, verbose: Int = 0) {
        self.patience = patience
        self.baseline = baseline
        self.restoreBestWeights = restoreBestWeights
        self.startFromEpoch = startFromEpoch
        self.verbose = verbose
        super.init(monitor: monitor, mode: mode, minDelta: minDelta)
    }

    public override func onTrainBegin(model: Sequential, logs: Logs) throws {
        guard patience >= 0 else {
            throw NNError.invalidArgument("EarlyStopping: patience must be >= 0, received \(patience)")
        }
        wait = 0
        stoppedEpoch = 0
        best = nil
        bestWeights = nil
        bestEpoch = 0
    }

    public override func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout Logs) throws {
        let current = try monitoredValue(in: logs)
        guard epoch >= startFromEpoch else { return }
        if restoreBestWeights && bestWeights == nil {
            bestWeights = model.getWeights()
            bestEpoch = epoch
        }
        wait += 1
        if isImprovement(current, over: best) {
            best = current
            bestEpoch = epoch
            if restoreBestWeights { bestWeights = model.getWeights() }
            if baseline == nil || isImprovement(current, over: baseline) { wait = 0 }
            return
        }
        if wait >= patience && epoch > 0 {
            stoppedEpoch = epoch
            model.stopTraining = true
        }
    }

    public override func onTrainEnd(model: Sequential, logs: Logs) throws {
        if stoppedEpoch > 0 && verbose > 0 {
            Console.write("Epoch \(stoppedEpoch + 1): early stopping\n")
        }
        if restoreBestWeights, let bestWeights {
            if verbose > 0 { Console.write("Restoring model weights from the end of the best epoch: \(bestEpoch + 1).\n") }
            try model.setWeights(bestWeights)
        }
    }
}
