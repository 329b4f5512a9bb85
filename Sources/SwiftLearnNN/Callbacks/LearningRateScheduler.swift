import SwiftLearnSystem
/// Sets the optimizer's learning rate at the start of each epoch from `schedule(epoch, currentRate)`,
/// and logs it as `learning_rate`.
///
/// ```swift
/// LearningRateScheduler { epoch, rate in epoch < 10 ? rate : rate * 0.9 }
/// ```
public final class LearningRateScheduler: Callback {
    public let schedule: (Int, Float) -> Float
    public let verbose: Int

    public init(verbose: Int = 0, _ schedule: @escaping (Int, Float) -> Float) {
        self.schedule = schedule
        self.verbose = verbose
    }

    public func onEpochBegin(_ epoch: Int, model: Sequential, logs: Logs) throws {
        guard let optimizer = model.optimizer else { return }
        let rate = schedule(epoch, optimizer.learningRate)
        guard rate.isFinite, rate >= 0 else {
            throw NNError.callback("LearningRateScheduler: the schedule returned \(rate) for epoch \(epoch); expected a finite rate >= 0")
        }
        optimizer.learningRate = rate
        if verbose > 0 { Console.write("\nEpoch \(epoch + 1): LearningRateScheduler setting learning rate to \(rate).\n") }
    }

    public func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout Logs) throws {
        if let optimizer = model.optimizer { logs["learning_rate"] = Double(optimizer.learningRate) }
    }
}
