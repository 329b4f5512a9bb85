import SwiftLearnBatches
import SwiftLearnTensor

extension Sequential {
    /// The mean loss and metrics on `x`/`y`, like Keras's `evaluate` (which returns `[loss, metrics...]`;
    /// here the values come keyed by name: `["loss": 0.33, "accuracy": 0.88]`).
    ///
    /// - Parameter sampleWeight: `[samples]`, weights as in `fit`.
    /// - Throws: ``NNError`` for mismatched shapes, out-of-range labels or an uncompiled model.
    public func evaluate<Label: TensorScalar>(_ x: Tensor<Float>, _ y: Tensor<Label>, batchSize: Int = 32,
                                              sampleWeight: Tensor<Float>? = nil, verbose: Int = 1) throws -> [String: Double] {
        try checkLoopArguments(epochs: 0, batchSize: batchSize, verbose: verbose, initialEpoch: 0)
        let (targets, plan) = try prepareArrays(x, y, sampleWeight: sampleWeight, role: "evaluation")
        guard x.shape[0] > 0 else {
            throw NNError.invalidArgument("evaluate: received 0 samples (x of shape \(numpyShape(x.shape)))")
        }
        let source = try arraySource(x, targets: targets, sampleWeights: sampleWeight, batchSize: batchSize)
        return try evaluateAndReport(source, steps: nil, plan: plan, labelsChecked: true, verbose: verbose)
    }

    /// The mean loss and metrics over `steps` batches (default: one full pass) of a source.
    public func evaluate(_ source: any BatchSource, steps: Int? = nil, verbose: Int = 1) throws -> [String: Double] {
        try checkLoopArguments(epochs: 0, batchSize: 1, verbose: verbose, initialEpoch: 0)
        try buildIfPossible()
        _ = try requireCompiled("evaluate")
        return try evaluateAndReport(source, steps: steps, plan: nil, labelsChecked: false, verbose: verbose)
    }

    private func evaluateAndReport(_ source: any BatchSource, steps: Int?, plan: TrainingPlan?, labelsChecked: Bool,
                                   verbose: Int) throws -> [String: Double] {
        let progress = verbose > 0 ? ProgressBar(target: steps ?? source.batchesPerEpoch, verbose: verbose) : nil
        let (accumulator, outcome) = try evaluateSource(source, steps: steps, plan: plan, labelsChecked: labelsChecked,
                                                        progress: progress)
        let names = metrics.map(\.name)
        let logs = accumulator.logs(names: names)
        progress?.finish(logs: logs)
        var result = Dictionary(logs, uniquingKeysWith: { first, _ in first })
        if !outcome.skipped.isEmpty { result["skipped_samples"] = Double(outcome.skipped.count) }
        return result
    }

    /// Loss and metrics over one pass of `source` without training (evaluation and validation).
    func evaluateSource(_ source: any BatchSource, steps: Int?, plan initialPlan: TrainingPlan?, labelsChecked: Bool,
                        progress: ProgressBar?) throws -> (MetricAccumulator, EpochOutcome) {
        var accumulator = MetricAccumulator(metricCount: metrics.count)
        var plan = initialPlan
        let outcome = try forEachBatch(of: source, epoch: 0, steps: steps) { step, batch, fetchNext in
            if plan == nil { plan = try planFromFirstBatch(batch) }
            try runBatch(batch, step: step, plan: plan!, train: false, checkLabels: !labelsChecked, classWeights: nil,
                         accumulator: &accumulator, fetchNext: fetchNext)
            progress?.update(step + 1, logs: accumulator.logs(names: plan!.metricNames))
            return true
        }
        guard outcome.steps > 0 else { throw NNError.invalidArgument("the batch source yielded no batches") }
        return (accumulator, outcome)
    }

    /// The model's outputs for `x`, computed in batches without dropout, like Keras's `predict`.
    ///
    /// ```swift
    /// let probabilities = try model.predict(testX, verbose: 0)   // [samples, 10]
    /// ```
    /// - Throws: ``NNError/shapeMismatch(_:)`` naming the expected and received shapes.
    public func predict(_ x: Tensor<Float>, batchSize: Int = 32, verbose: Int = 1) throws -> Tensor<Float> {
        try checkLoopArguments(epochs: 0, batchSize: batchSize, verbose: verbose, initialEpoch: 0)
        try buildIfPossible()
        try checkInput(x.shape, role: "input")
        return try predictBatches(of: try arraySource(x, targets: nil, batchSize: batchSize), steps: nil, verbose: verbose,
                                  expectedSamples: x.shape[0])
    }

    /// The outputs for `steps` batches (default: one full pass) of a source, concatenated in order.
    public func predict(_ source: any BatchSource, steps: Int? = nil, verbose: Int = 1) throws -> Tensor<Float> {
        try checkLoopArguments(epochs: 0, batchSize: 1, verbose: verbose, initialEpoch: 0)
        try buildIfPossible()
        return try predictBatches(of: source, steps: steps, verbose: verbose, expectedSamples: nil)
    }

    private func predictBatches(of source: any BatchSource, steps: Int?, verbose: Int, expectedSamples: Int?) throws -> Tensor<Float> {
        let progress = verbose > 0 ? ProgressBar(target: steps ?? source.batchesPerEpoch, verbose: verbose) : nil
        var scalars: [Float] = []
        if let expectedSamples, let outputShape { scalars.reserveCapacity(expectedSamples * outputShape.reduce(1, *)) }
        var samples = 0
        _ = try forEachBatch(of: source, epoch: 0, steps: steps) { step, batch, _ in
            try checkInput(batch.inputs.shape, role: "batch \(step) inputs")
            try batch.inputs.withUnsafeBufferPointer { input in
                try withForwardPass(input, batchSize: batch.count, training: false, activationLeftToLoss: false) { trace in
                    scalars.append(contentsOf: trace.output)
                }
            }
            samples += batch.count
            progress?.update(step + 1, logs: [])
            return true
        }
        progress?.finish(logs: [])
        guard let outputShape else {
            throw NNError.invalidArgument("the batch source yielded no batches to predict")
        }
        return try Tensor(shape: [samples] + outputShape, scalars: scalars)
    }
}
