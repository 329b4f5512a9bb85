import SwiftLearnTensor

extension Sequential {
    /// The mean loss and metrics on `x`/`y`, like Keras's `evaluate` (which returns `[loss, metrics...]`;
    /// here the values come keyed by name: `["loss": 0.33, "accuracy": 0.88]`).
    ///
    /// - Throws: ``NNError`` for mismatched shapes, out-of-range labels or an uncompiled model.
    public func evaluate<Label: TensorScalar>(_ x: Tensor<Float>, _ y: Tensor<Label>, batchSize: Int = 32,
                                              verbose: Int = 1) throws -> [String: Double] {
        try checkLoopArguments(epochs: 0, batchSize: batchSize, verbose: verbose, initialEpoch: 0)
        let (dataset, plan) = try makeDataset(x, y, role: "evaluation")
        guard dataset.count > 0 else {
            throw NNError.invalidArgument("evaluate: received 0 samples (x of shape \(numpyShape(x.shape)))")
        }
        let steps = (dataset.count + batchSize - 1) / batchSize
        let progress = verbose > 0 ? ProgressBar(target: steps, verbose: verbose) : nil
        let accumulator = evaluateArrays(dataset, batchSize: batchSize, plan: plan, progress: progress)
        let logs = accumulator.logs(names: plan.metricNames)
        progress?.finish(logs: logs)
        return Dictionary(logs, uniquingKeysWith: { first, _ in first })
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
        let samples = x.shape[0]
        let sampleSize = inputSampleCount
        let outputSize = outputShape!.reduce(1, *)
        let steps = (samples + batchSize - 1) / batchSize
        let progress = verbose > 0 ? ProgressBar(target: steps, verbose: verbose) : nil
        let result = x.withUnsafeBufferPointer { input in
            Tensor<Float>(shape: [samples] + outputShape!) { destination in
                var start = 0, step = 0
                while start < samples {
                    let end = Swift.min(start + batchSize, samples)
                    let batch = UnsafeBufferPointer(rebasing: input[start * sampleSize..<end * sampleSize])
                    let output = forwardPass(batch, batchSize: end - start, training: false)
                    (destination.baseAddress! + start * outputSize).initialize(from: output.baseAddress!, count: output.count)
                    start = end
                    step += 1
                    progress?.update(step, logs: [])
                }
            }
        }
        progress?.finish(logs: [])
        return result
    }
}

// MARK: - Batch sources

extension Sequential {
    /// Pulls up to `steps` batches from one epoch of `source`, checking each against the model.
    func forEachBatch(of source: any BatchSource, epoch: Int, steps: Int, needTargets: Bool,
                      plan: TrainingPlan?, _ body: (Int, Batch, UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>?) throws -> Bool) throws {
        var iterator = try source.makeEpoch(epoch)
        var step = 0
        while step < steps, let batch = try iterator.next() {
            try checkInput(batch.inputs.shape, role: "batch \(step) inputs")
            // An empty batch carries no gradient; an optimizer step on it would still move the weights.
            if batch.inputs.shape[0] == 0 { continue }
            let targets = batch.targets
            if needTargets {
                guard let targets else {
                    throw NNError.invalidArgument("batch \(step) of the batch source has no targets; training and evaluation need them")
                }
                guard targets.rank >= 1, targets.shape[0] == batch.inputs.shape[0] else {
                    throw NNError.shapeMismatch("batch \(step): inputs of shape \(numpyShape(batch.inputs.shape)) and targets of shape \(numpyShape(targets.shape)) have different sample counts")
                }
                if let plan {
                    let batchPlan = try makePlan(targetShape: targets.shape, role: "batch \(step) targets")
                    _ = batchPlan
                    try targets.withUnsafeBufferPointer { try validateLabels($0, plan: plan, offset: 0, role: "batch \(step)") }
                }
            }
            let keepGoing = try batch.inputs.withUnsafeBufferPointer { inputs in
                if let targets, needTargets {
                    return try targets.withUnsafeBufferPointer { try body(step, batch, inputs, $0) }
                }
                return try body(step, batch, inputs, nil)
            }
            if !keepGoing { return }
            step += 1
        }
    }

    /// A plan for a batch source: peeks at nothing; targets are checked per batch.
    private func sourcePlan(_ source: any BatchSource, epoch: Int) throws -> TrainingPlan {
        _ = try requireCompiled("fit/evaluate")
        try buildIfPossible()
        var iterator = try source.makeEpoch(epoch)
        guard let first = try iterator.next() else {
            throw NNError.invalidArgument("the batch source yielded no batches")
        }
        try checkInput(first.inputs.shape, role: "batch 0 inputs")
        guard let targets = first.targets else {
            throw NNError.invalidArgument("batch 0 of the batch source has no targets; training and evaluation need them")
        }
        return try makePlan(targetShape: targets.shape, role: "batch 0 targets")
    }

    /// Trains on batches from a generator, like Keras's `fit(generator, steps_per_epoch=...)`.
    ///
    /// Each epoch calls `source.makeEpoch(epoch)` and takes `stepsPerEpoch` batches (default: all of
    /// `source.batchesPerEpoch`). `validationData` is evaluated after each epoch for `validationSteps`
    /// batches (default: all).
    @discardableResult
    public func fit(_ source: any BatchSource, epochs: Int = 1, stepsPerEpoch: Int? = nil,
                    validationData: (any BatchSource)? = nil, validationSteps: Int? = nil,
                    callbacks: [any Callback] = [], verbose: Int = 1, initialEpoch: Int = 0) throws -> History {
        try checkLoopArguments(epochs: epochs, batchSize: 1, verbose: verbose, initialEpoch: initialEpoch)
        let steps = stepsPerEpoch ?? source.batchesPerEpoch
        guard steps > 0 else {
            throw NNError.invalidArgument("fit: stepsPerEpoch must be a positive integer, received \(steps)")
        }
        let plan = try sourcePlan(source, epoch: initialEpoch)
        return try trainingLoop(epochs: epochs, initialEpoch: initialEpoch, steps: steps, batchSize: 0, plan: plan,
                                callbacks: callbacks, verbose: verbose, runEpoch: { epoch, onBatch in
            try withLossFusion(plan) {
                var accumulator = MetricAccumulator(metricCount: plan.metricKinds.count)
                try forEachBatch(of: source, epoch: epoch, steps: steps, needTargets: true, plan: plan) { step, batch, inputs, targets in
                    try onBatch(step) {
                        self.runBatch(input: inputs, targets: targets!, batchSize: batch.inputs.shape[0], plan: plan,
                                      train: true, accumulator: &accumulator)
                        return accumulator
                    }
                }
            }
        }, validate: {
            guard let validationData else { return nil }
            return try self.evaluateSource(validationData, steps: validationSteps ?? validationData.batchesPerEpoch,
                                           plan: plan, progress: nil)
        })
    }

    func evaluateSource(_ source: any BatchSource, steps: Int, plan: TrainingPlan, progress: ProgressBar?) throws -> MetricAccumulator {
        var accumulator = MetricAccumulator(metricCount: plan.metricKinds.count)
        try withLossFusion(plan) {
            try forEachBatch(of: source, epoch: 0, steps: steps, needTargets: true, plan: plan) { step, batch, inputs, targets in
                runBatch(input: inputs, targets: targets!, batchSize: batch.inputs.shape[0], plan: plan, train: false,
                         accumulator: &accumulator)
                progress?.update(step + 1, logs: accumulator.logs(names: plan.metricNames))
                return true
            }
        }
        return accumulator
    }

    /// The mean loss and metrics over `steps` batches (default: one full pass) of a generator.
    public func evaluate(_ source: any BatchSource, steps: Int? = nil, verbose: Int = 1) throws -> [String: Double] {
        try checkLoopArguments(epochs: 0, batchSize: 1, verbose: verbose, initialEpoch: 0)
        let plan = try sourcePlan(source, epoch: 0)
        let count = steps ?? source.batchesPerEpoch
        let progress = verbose > 0 ? ProgressBar(target: count, verbose: verbose) : nil
        let accumulator = try evaluateSource(source, steps: count, plan: plan, progress: progress)
        let logs = accumulator.logs(names: plan.metricNames)
        progress?.finish(logs: logs)
        return Dictionary(logs, uniquingKeysWith: { first, _ in first })
    }

    /// The outputs for `steps` batches (default: one full pass) of a generator, concatenated in order.
    public func predict(_ source: any BatchSource, steps: Int? = nil, verbose: Int = 1) throws -> Tensor<Float> {
        try checkLoopArguments(epochs: 0, batchSize: 1, verbose: verbose, initialEpoch: 0)
        try buildIfPossible()
        let count = steps ?? source.batchesPerEpoch
        let progress = verbose > 0 ? ProgressBar(target: count, verbose: verbose) : nil
        var scalars: [Float] = []
        var samples = 0
        try forEachBatch(of: source, epoch: 0, steps: count, needTargets: false, plan: nil) { step, batch, inputs, _ in
            let output = forwardPass(inputs, batchSize: batch.inputs.shape[0], training: false)
            scalars.append(contentsOf: output)
            samples += batch.inputs.shape[0]
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
