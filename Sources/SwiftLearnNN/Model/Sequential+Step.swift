import SwiftLearnTensor

extension Sequential {
    /// Whether built-in layers run their part of the optimizer step inside their backward pass (``FusedStep``).
    /// The same bits either way; a variable so tests can compare the two.
    nonisolated(unsafe) static var fusesOptimizerSteps = true

    /// One batch: forward pass, loss and metrics into `accumulator`; with `train`, also the backward pass
    /// and one optimizer step. Keras's `train_step` / `test_step`.
    ///
    /// `fetchNext` (the next batch's gather, see ``forEachBatch(of:epoch:steps:_:)``) runs beside the model's
    /// serial tail (see ``serialTailStart(batchSize:)``: the last layers, the loss and their backward pass, which
    /// would otherwise leave the pool's helper idle), or after the batch when the step has no such part. Which
    /// thread runs which part changes no result.
    ///
    /// - Parameters:
    ///   - checkLabels: validate class indices (array inputs were checked up front, with their positions).
    ///   - classWeights: Keras's `class_weight`, turned into per-sample weights.
    func runBatch(_ batch: Batch, step: Int, plan: TrainingPlan, train: Bool, checkLabels: Bool,
                  classWeights: [Int: Float]?, accumulator: inout MetricAccumulator, fetchNext: FetchNext? = nil) throws {
        try checkInput(batch.inputs.shape, role: "batch \(step) inputs")
        let samples = batch.count
        guard let targets = batch.targets else {
            throw NNError.invalidArgument("batch \(step) has no targets; training and evaluation need them")
        }
        guard targets.rank >= 1, targets.shape[0] == samples else {
            throw NNError.shapeMismatch("batch \(step): inputs of shape \(numpyShape(batch.inputs.shape)) and targets of shape \(numpyShape(targets.shape)) have different sample counts")
        }
        guard Array(targets.shape.dropFirst()) == plan.targetSampleShape else {
            throw NNError.shapeMismatch("batch \(step): targets of shape \(numpyShape(targets.shape)) differ from the first batch's per-sample shape \(kerasShape(plan.targetSampleShape))")
        }
        // Built-in layers cannot fail half way, so they may update their weights as they go.
        let fusedOptimizer = plan.builtInBackward && Sequential.fusesOptimizerSteps ? optimizer as? SlotOptimizer : nil
        let split = fetchNext != nil && (!train || fusedOptimizer != nil) ? serialTailStart(batchSize: samples) : layers.count
        try targets.withUnsafeBufferPointer { labels in
            if checkLabels { try validateLabels(labels, plan: plan, offset: 0, role: "batch \(step)") }
            let weights = try sampleWeights(of: batch, step: step, targets: labels, plan: plan, classWeights: classWeights)
            try batch.inputs.withUnsafeBufferPointer { input in
                var forward = ForwardPass(self, input: input, batchSize: samples, training: train,
                                          activationLeftToLoss: plan.fusion == .activation)
                try forward.run(upTo: split)
                var trace: ForwardTrace? = nil
                var fusedStep: FusedStep? = nil
                var gradient: UnsafeMutableBufferPointer<Float>? = nil
                // From layer `split` on: the forward pass, loss, metrics and the backward pass down to `split`.
                func runTail() throws {
                    try forward.run(upTo: layers.count)
                    let tailTrace = forward.trace
                    trace = tailTrace
                    let outputGradient = try accumulateLoss(tailTrace, labels: labels, weights: weights, plan: plan,
                                                            accumulator: &accumulator)
                    guard train, let optimizer else { return }
                    if let fusedOptimizer {
                        let started = fusedOptimizer.beginFusedStep(plan.trainable)
                        fusedStep = started
                        gradient = try backwardPass(tailTrace, outputGradient: outputGradient, firstLayerWithWeights: plan.firstLayerWithWeights,
                                                    step: started, layers: split..<layers.count)
                    } else {
                        try backwardPass(tailTrace, outputGradient: outputGradient, firstLayerWithWeights: plan.firstLayerWithWeights)
                        try optimizer.apply(to: plan.trainable)
                    }
                }
                if let fetchNext, split < layers.count {
                    var failure: (any Error)? = nil
                    fetchNext {
                        do { try runTail() } catch { failure = error }
                    }
                    if let failure { throw failure }
                } else {
                    try runTail()
                    fetchNext? {}
                }
                guard let fusedStep, let trace, let gradient else { return }
                if split > 0 {
                    try backwardPass(trace, outputGradient: gradient, firstLayerWithWeights: plan.firstLayerWithWeights, step: fusedStep,
                                     layers: 0..<split)
                }
                fusedStep.finish()
            }
        }
    }

    /// Adds the batch's loss and metrics to `accumulator`; returns dL/d(output) in the workspace.
    private func accumulateLoss(_ trace: ForwardTrace, labels: UnsafeBufferPointer<Float>, weights: UnsafeBufferPointer<Float>?,
                                plan: TrainingPlan, accumulator: inout MetricAccumulator) throws -> UnsafeMutableBufferPointer<Float> {
        let rows = trace.pass.batchSize * plan.rowsPerSample
        let gradient = workspace.lossGradient.view(trace.output.count)
        accumulator.lossSum += try lossSum(plan: plan, predictions: trace.output, targets: labels, weights: weights,
                                           rows: rows, gradient: gradient)
        accumulator.rows += rows
        for (index, kind) in plan.metricKinds.enumerated() {
            accumulator.metricSums[index] += Metric.sum(kind, predictions: UnsafeBufferPointer(trace.output), targets: labels,
                                                        weights: weights, rowsPerSample: plan.rowsPerSample,
                                                        rows: rows, width: plan.width)
        }
        if let weights {
            accumulator.metricWeight += weights.reduce(0) { $0 + Double($1) } * Double(plan.rowsPerSample)
        } else {
            accumulator.metricWeight += Double(rows)
        }
        return gradient
    }

    /// The batch's per-sample weights (its own, or from `classWeights`) in the workspace; `nil` when all are 1.
    private func sampleWeights(of batch: Batch, step: Int, targets: UnsafeBufferPointer<Float>, plan: TrainingPlan,
                               classWeights: [Int: Float]?) throws -> UnsafeBufferPointer<Float>? {
        let samples = batch.count
        if let given = batch.sampleWeights {
            guard given.shape == [samples] || given.shape == [samples, 1] else {
                throw NNError.shapeMismatch("batch \(step): sample weights of shape \(numpyShape(given.shape)) do not match \(samples) samples (expected shape (\(samples),))")
            }
            let destination = workspace.sampleWeights.view(samples)
            given.withUnsafeBufferPointer { _ = destination.initialize(from: $0) }
            return UnsafeBufferPointer(destination)
        }
        guard let classWeights else { return nil }
        let destination = workspace.sampleWeights.view(samples)
        try self.classWeights(classWeights, targets: targets, samples: samples, plan: plan, into: destination)
        return UnsafeBufferPointer(destination)
    }

    /// `Σ w·loss` over the rows, with dL/d(predictions) of the batch loss `Σ w·loss / rows` in `gradient`:
    /// the built-in loss's fused kernel, or a custom loss on tensors.
    private func lossSum(plan: TrainingPlan, predictions: UnsafeMutableBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
                         weights: UnsafeBufferPointer<Float>?, rows: Int, gradient: UnsafeMutableBufferPointer<Float>) throws -> Double {
        if let standard = plan.standardLoss {
            return standard.sumAndGradient(predictions: predictions, targets: targets, weights: weights,
                                           rowsPerSample: plan.rowsPerSample, rows: rows, width: plan.width,
                                           fusion: plan.fusion, gradient: gradient)
        }
        let width = plan.width
        let p = Tensor<Float>(shape: [rows, width]) { _ = $0.initialize(from: UnsafeBufferPointer(predictions)) }
        let y = Tensor<Float>(shape: plan.sparseTargets ? [rows] : [rows, width]) { _ = $0.initialize(from: targets) }
        let (values, rowGradients) = try plan.loss.rowLosses(predictions: p, targets: y)
        guard values.shape == [rows], rowGradients.shape == [rows, width] else {
            throw NNError.shapeMismatch("loss '\(plan.loss.name)' returned values of shape \(numpyShape(values.shape)) and a gradient of shape \(numpyShape(rowGradients.shape)); expected (\(rows),) and (\(rows), \(width))")
        }
        var total: Double = 0
        values.withUnsafeBufferPointer { v in
            rowGradients.withUnsafeBufferPointer { g in
                for row in 0..<rows {
                    let weight = weights.map { $0[row / plan.rowsPerSample] } ?? 1
                    total += Double(v[row]) * Double(weight)
                    let scale = weight / Float(rows)
                    for j in row * width..<(row + 1) * width { gradient[j] = g[j] * scale }
                }
            }
        }
        return total
    }
}
