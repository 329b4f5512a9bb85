import SwiftLearnBatches
import SwiftLearnSystem
import SwiftLearnTensor

extension Sequential {
    /// Trains the model on in-memory arrays, like Keras's `fit(x, y)`.
    ///
    /// The arrays become an ``ArrayBatchSource`` and run through the same loop as ``fit(_:epochs:stepsPerEpoch:validationData:validationSteps:classWeight:callbacks:verbose:initialEpoch:)``.
    ///
    /// - Parameters:
    ///   - x: inputs `[samples, inputShape...]`.
    ///   - y: targets `[samples, ...]`: class indices for sparse cross-entropy, else shaped like the output.
    ///   - epochs: the epoch to stop before (Keras counts from `initialEpoch`).
    ///   - batchSize: samples per gradient step; the last batch of an epoch may be smaller.
    ///   - validationData: data evaluated after each epoch, logged with `val_` keys.
    ///   - validationSplit: a fraction in `[0, 1)` of the samples, taken from the END before shuffling
    ///     (as Keras does), held out for validation when `validationData` is `nil`.
    ///   - shuffle: reshuffle the training samples every epoch (seeded from the ``setRandomSeed(_:)`` stream).
    ///   - classWeight: Keras's `class_weight`: each sample's loss and metrics are weighted by the entry of its
    ///     class (classification losses only; not together with `sampleWeight`).
    ///   - sampleWeight: `[samples]`, Keras's `sample_weight`: the batch loss is `Σ w·loss / batch size`, a metric
    ///     `Σ w·metric / Σ w`.
    ///   - callbacks: hooks run in order, then the returned ``History``.
    ///   - verbose: 0 prints nothing, 1 a progress bar, 2 one line per epoch.
    ///   - stepsPerEpoch: batches per epoch (default: one pass over the samples).
    /// - Returns: the per-epoch logs.
    /// - Throws: ``NNError`` for mismatched shapes or sample counts (naming expected and received shapes),
    ///   out-of-range labels, an uncompiled model, or a failing callback.
    @discardableResult
    public func fit<Label: TensorScalar>(
        _ x: Tensor<Float>, _ y: Tensor<Label>, epochs: Int = 1, batchSize: Int = 32,
        validationData: (Tensor<Float>, Tensor<Label>)? = nil, validationSplit: Double = 0,
        shuffle: Bool = true, classWeight: [Int: Float]? = nil, sampleWeight: Tensor<Float>? = nil,
        callbacks: [any Callback] = [], verbose: Int = 1, initialEpoch: Int = 0, stepsPerEpoch: Int? = nil
    ) throws -> History {
        try checkLoopArguments(epochs: epochs, batchSize: batchSize, verbose: verbose, initialEpoch: initialEpoch)
        guard validationSplit >= 0, validationSplit < 1 else {
            throw NNError.invalidArgument("fit: validationSplit must be in [0, 1), received \(validationSplit)")
        }
        if classWeight != nil && sampleWeight != nil {
            throw NNError.invalidArgument("fit: give classWeight or sampleWeight, not both (Keras refuses the combination too)")
        }
        let (targets, plan) = try prepareArrays(x, y, sampleWeight: sampleWeight, role: "training")
        var trainingRows = 0..<x.shape[0]
        var validation: ArrayBatchSource? = nil
        if let (validationX, validationY) = validationData {
            let (validationTargets, validationPlan) = try prepareArrays(validationX, validationY, sampleWeight: nil, role: "validation")
            guard validationPlan.targetSampleShape == plan.targetSampleShape else {
                throw NNError.shapeMismatch("validation targets of shape \(numpyShape(validationY.shape)) differ from training targets of shape \(numpyShape(y.shape))")
            }
            guard validationX.shape[0] > 0 else {
                throw NNError.invalidArgument("fit: validationData has 0 samples (x of shape \(numpyShape(validationX.shape)))")
            }
            validation = try arraySource(validationX, targets: validationTargets, batchSize: batchSize)
        } else if validationSplit > 0 {
            let splitAt = Int(Double(trainingRows.count) * (1 - validationSplit))
            guard splitAt > 0, splitAt < trainingRows.count else {
                throw NNError.invalidArgument("fit: validationSplit \(validationSplit) of \(trainingRows.count) samples leaves an empty training or validation set")
            }
            validation = try arraySource(x, targets: targets, sampleWeights: sampleWeight, batchSize: batchSize,
                                         rows: splitAt..<trainingRows.count)
            trainingRows = 0..<splitAt
        }
        guard !trainingRows.isEmpty else {
            throw NNError.invalidArgument("fit: received 0 training samples (x of shape \(numpyShape(x.shape)))")
        }
        let training = try arraySource(x, targets: targets, sampleWeights: sampleWeight, batchSize: batchSize, shuffle: shuffle,
                                       seed: Session.shared.nextSeed(), rows: trainingRows)
        return try train(on: training, validation: validation, validationSteps: nil, epochs: epochs, initialEpoch: initialEpoch,
                         stepsPerEpoch: stepsPerEpoch, plan: plan, labelsChecked: true, classWeights: classWeight,
                         callbacks: callbacks, verbose: verbose)
    }

    /// Trains on batches from a source (a generator streaming from disk, or your own ``BatchSource``), like
    /// Keras's `fit(generator, steps_per_epoch=...)`.
    ///
    /// Each epoch calls `source.makeEpoch(epoch)` and takes `stepsPerEpoch` batches (default: all of
    /// `source.batchesPerEpoch`); when the source ends sooner, a warning says so once. `validationData` is
    /// evaluated after each epoch for `validationSteps` batches (default: all). Samples a source skips are
    /// reported after each epoch (printed unless `verbose` is 0, in the logs as `skipped_samples`, and in
    /// ``History/skippedSamples``).
    @discardableResult
    public func fit(_ source: any BatchSource, epochs: Int = 1, stepsPerEpoch: Int? = nil,
                    validationData: (any BatchSource)? = nil, validationSteps: Int? = nil,
                    classWeight: [Int: Float]? = nil,
                    callbacks: [any Callback] = [], verbose: Int = 1, initialEpoch: Int = 0) throws -> History {
        try checkLoopArguments(epochs: epochs, batchSize: 1, verbose: verbose, initialEpoch: initialEpoch)
        try buildIfPossible()
        _ = try requireCompiled("fit")
        return try train(on: source, validation: validationData, validationSteps: validationSteps, epochs: epochs,
                         initialEpoch: initialEpoch, stepsPerEpoch: stepsPerEpoch, plan: nil, labelsChecked: false,
                         classWeights: classWeight, callbacks: callbacks, verbose: verbose)
    }

    func checkLoopArguments(epochs: Int, batchSize: Int, verbose: Int, initialEpoch: Int) throws {
        guard epochs >= 0 else { throw NNError.invalidArgument("fit: epochs must be >= 0, received \(epochs)") }
        guard batchSize > 0 else { throw NNError.invalidArgument("batchSize must be a positive integer, received \(batchSize)") }
        guard (0...2).contains(verbose) else { throw NNError.invalidArgument("verbose must be 0, 1 or 2, received \(verbose)") }
        guard initialEpoch >= 0 else { throw NNError.invalidArgument("fit: initialEpoch must be >= 0, received \(initialEpoch)") }
    }

    /// Checks `x`/`y` (and sample weights) against each other and the model, converts the targets and
    /// validates every label with its position; returns the targets and the plan.
    func prepareArrays<Label: TensorScalar>(_ x: Tensor<Float>, _ y: Tensor<Label>, sampleWeight: Tensor<Float>?,
                                            role: String) throws -> (Tensor<Float>, TrainingPlan) {
        try buildIfPossible()
        _ = try requireCompiled(role == "validation" ? "validation" : "fit/evaluate")
        let prefix = role == "validation" ? "validation " : ""
        try checkInput(x.shape, role: prefix + "input")
        guard y.rank >= 1, y.shape[0] == x.shape[0] else {
            throw NNError.shapeMismatch("\(prefix)x and y have different sample counts: x has shape \(numpyShape(x.shape)) (\(x.shape[0]) samples), y has shape \(numpyShape(y.shape)) (\(y.shape.first ?? 0) samples)")
        }
        if let sampleWeight, sampleWeight.shape != [x.shape[0]], sampleWeight.shape != [x.shape[0], 1] {
            throw NNError.shapeMismatch("sampleWeight must have one weight per sample, shape (\(x.shape[0]),); received shape \(numpyShape(sampleWeight.shape))")
        }
        let plan = try makePlan(targetShape: y.shape, role: prefix + "targets")
        let targets = (y as? Tensor<Float>) ?? Tensor<Float>(y)
        try targets.withUnsafeBufferPointer { try validateLabels($0, plan: plan, offset: 0, role: role == "validation" ? "validation" : "target") }
        return (targets, plan)
    }

    func arraySource(_ x: Tensor<Float>, targets: Tensor<Float>?, sampleWeights: Tensor<Float>? = nil, batchSize: Int,
                     shuffle: Bool = false, seed: UInt32 = 0, rows: Range<Int>? = nil) throws -> ArrayBatchSource {
        let weights = sampleWeights.map { $0.reshaped([$0.count]) }
        do {
            return try ArrayBatchSource(x, targets: targets, sampleWeights: weights, batchSize: batchSize, shuffle: shuffle,
                                        seed: seed, rows: rows)
        } catch {
            throw NNError.invalidArgument(error.message)
        }
    }

    /// The training loop every `fit` runs: epochs of batches from `source`, callbacks around each batch and
    /// epoch, validation, skipped-sample reports and the progress bar.
    func train(on source: any BatchSource, validation: (any BatchSource)?, validationSteps: Int?, epochs: Int, initialEpoch: Int,
               stepsPerEpoch: Int?, plan initialPlan: TrainingPlan?, labelsChecked: Bool, classWeights: [Int: Float]?,
               callbacks: [any Callback], verbose: Int) throws -> History {
        let (_, loss) = try requireCompiled("fit")
        if let classWeights {
            guard loss.isClassification else {
                throw NNError.invalidArgument("classWeight applies to classification losses only; the model is compiled with \(loss.name)")
            }
            if let bad = classWeights.first(where: { !$0.value.isFinite || $0.value < 0 }) {
                throw NNError.invalidArgument("classWeight values must be finite and >= 0, received \(bad.value) for class \(bad.key)")
            }
        }
        if let stepsPerEpoch, stepsPerEpoch <= 0 {
            throw NNError.invalidArgument("fit: stepsPerEpoch must be a positive integer, received \(stepsPerEpoch)")
        }
        let steps = stepsPerEpoch ?? source.batchesPerEpoch
        let history = History()
        history.params = ["epochs": epochs, "steps": steps, "verbose": verbose]
        let all = callbacks + [history]
        stopTraining = false
        var plan = initialPlan
        var lastLogs: Logs = [:]
        var warnedAboutShortSource = false
        do {
            for callback in all { try callback.onTrainBegin(model: self, logs: [:]) }
            var epoch = initialEpoch
            while epoch < epochs && !stopTraining {
                if verbose > 0 { Console.write("Epoch \(epoch + 1)/\(epochs)\n") }
                for callback in all { try callback.onEpochBegin(epoch, model: self, logs: [:]) }
                let progress = ProgressBar(target: steps, verbose: verbose)
                var accumulator = MetricAccumulator(metricCount: metrics.count)
                let outcome = try forEachBatch(of: source, epoch: epoch, steps: stepsPerEpoch) { step, batch, fetchNext in
                    for callback in callbacks { try callback.onTrainBatchBegin(step, model: self, logs: [:]) }
                    if plan == nil { plan = try planFromFirstBatch(batch) }
                    try runBatch(batch, step: step, plan: plan!, train: true, checkLabels: !labelsChecked,
                                 classWeights: classWeights, accumulator: &accumulator, fetchNext: fetchNext)
                    // Running means are only formatted when someone reads them.
                    if !callbacks.isEmpty || progress.drawsUpdates {
                        let running = accumulator.logs(names: plan!.metricNames)
                        if !callbacks.isEmpty {
                            let logs = Logs(running, uniquingKeysWith: { first, _ in first })
                            for callback in callbacks { try callback.onTrainBatchEnd(step, model: self, logs: logs) }
                        }
                        progress.update(step + 1, logs: running)
                    }
                    return !stopTraining
                }
                guard let epochPlan = plan, outcome.steps > 0 else {
                    throw NNError.invalidArgument("the batch source yielded no batches")
                }
                if outcome.ranOutOfData && !warnedAboutShortSource {
                    warnedAboutShortSource = true
                    Console.warning("Your input ran out of data: epoch \(epoch + 1) got \(outcome.steps) batches of the \(steps) asked for by stepsPerEpoch (the source yields \(source.batchesPerEpoch) per epoch); the epoch ended early. Lower stepsPerEpoch to at most \(source.batchesPerEpoch).")
                }
                var ordered = accumulator.logs(names: epochPlan.metricNames)
                var validationSkipped: [SkippedSample] = []
                if let validation {
                    let (validationAccumulator, validationOutcome) = try evaluateSource(validation, steps: validationSteps, plan: epochPlan,
                                                                                        labelsChecked: labelsChecked, progress: nil)
                    ordered += validationAccumulator.logs(names: epochPlan.metricNames, prefix: "val_")
                    validationSkipped = validationOutcome.skipped
                }
                progress.finish(logs: ordered)
                var logs = Logs(ordered, uniquingKeysWith: { first, _ in first })
                report(skipped: outcome.skipped, validationSkipped: validationSkipped, epoch: epoch, verbose: verbose,
                       logs: &logs, history: history)
                for callback in all { try callback.onEpochEnd(epoch, model: self, logs: &logs) }
                lastLogs = logs
                epoch += 1
            }
        } catch {
            // Callbacks such as EarlyStopping restore weights however training ends.
            for callback in all { try? callback.onTrainEnd(model: self, logs: lastLogs) }
            throw error
        }
        for callback in all { try callback.onTrainEnd(model: self, logs: lastLogs) }
        return history
    }

    /// The plan for a source, from its first batch's targets.
    func planFromFirstBatch(_ batch: Batch) throws -> TrainingPlan {
        try checkInput(batch.inputs.shape, role: "batch 0 inputs")
        guard let targets = batch.targets else {
            throw NNError.invalidArgument("batch 0 of the batch source has no targets; training and evaluation need them")
        }
        return try makePlan(targetShape: targets.shape, role: "batch 0 targets")
    }

    /// Puts the epoch's skipped samples in the logs and the history and, unless silent, prints them: the
    /// count, then the first few with their reasons.
    private func report(skipped: [SkippedSample], validationSkipped: [SkippedSample], epoch: Int, verbose: Int,
                        logs: inout Logs, history: History) {
        if !skipped.isEmpty {
            logs["skipped_samples"] = Double(skipped.count)
            history.skippedSamples[epoch] = skipped
        }
        if !validationSkipped.isEmpty { logs["val_skipped_samples"] = Double(validationSkipped.count) }
        guard verbose > 0 else { return }
        for (samples, role) in [(skipped, "training"), (validationSkipped, "validation")] where !samples.isEmpty {
            let shown = 5
            var text = "Epoch \(epoch + 1): skipped \(samples.count) unreadable \(role) sample\(samples.count == 1 ? "" : "s"):\n"
            for sample in samples.prefix(shown) { text += "  \(sample)\n" }
            if samples.count > shown { text += "  ... and \(samples.count - shown) more (History.skippedSamples lists all)\n" }
            Console.write(text)
        }
    }
}
