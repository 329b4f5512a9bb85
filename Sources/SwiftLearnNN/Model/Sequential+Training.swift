import SwiftLearnTensor
import SwiftLearnRandom

extension Sequential {
    /// What the compiled loss needs to know about the output layout.
    struct TrainingPlan {
        let loss: Loss
        let fusion: Loss.Fusion
        let metricKinds: [Metric.Kind]
        let metricNames: [String]
        /// The last axis of the output: classes for classification.
        let width: Int
        /// Rows of `width` per sample (1 unless `Dense` runs over extra axes).
        let rowsPerSample: Int
        /// Target scalars per sample.
        let targetSize: Int
        /// The weights the optimizer updates, fixed for the duration of one `fit` (as Keras fixes them at compile).
        let trainable: [Weight]
        /// The first layer with weights: back-propagation stops there.
        let firstLayerWithWeights: Int
    }

    func requireCompiled(_ operation: String) throws -> (any Optimizer, Loss) {
        guard let optimizer, let loss else {
            throw NNError.invalidState("model '\(name)' must be compiled before \(operation); call compile(optimizer:loss:metrics:) first")
        }
        return (optimizer, loss)
    }

    /// Checks targets of shape `targetShape` (batch axis included) against the output and the loss.
    func makePlan(targetShape: [Int], role: String = "targets") throws -> TrainingPlan {
        let (_, loss) = try requireCompiled("training or evaluation")
        let outputShape = self.outputShape!
        let width = outputShape.last ?? 1
        let outputCount = outputShape.reduce(1, *)
        let rowsPerSample = outputCount / width
        let sampleShape = Array(targetShape.dropFirst())
        let sampleCount = sampleShape.reduce(1, *)
        let targetSize: Int
        if loss.isSparse {
            let expected = Array(outputShape.dropLast())
            guard sampleShape == expected || sampleShape == expected + [1] else {
                throw NNError.shapeMismatch("\(role) of shape \(numpyShape(targetShape)) do not fit \(loss.name): expected class indices of shape \(kerasShape(expected)) for outputs of shape \(kerasShape(outputShape))")
            }
            targetSize = rowsPerSample
        } else {
            let trimmed = { (shape: [Int]) -> [Int] in
                var shape = shape
                while shape.last == 1 { shape.removeLast() }
                return shape
            }
            guard sampleCount == outputCount, sampleShape == outputShape || trimmed(sampleShape) == trimmed(outputShape) else {
                throw NNError.shapeMismatch("\(role) of shape \(numpyShape(targetShape)) do not fit \(loss.name): expected shape \(kerasShape(outputShape)) like the model output")
            }
            targetSize = outputCount
        }
        let fusion: Loss.Fusion = loss.fromLogits ? .logits : (loss.canFuse(layers.last?.outputActivation) ? .activation : .none)
        let sparseTargets = loss.isSparse || (targetSize == rowsPerSample && width > 1)
        let kinds = metrics.map { $0.resolved(loss: loss, width: width, sparseTargets: sparseTargets) }
        let firstLayerWithWeights = layers.firstIndex { !$0.weights.isEmpty } ?? layers.count
        return TrainingPlan(loss: loss, fusion: fusion, metricKinds: kinds, metricNames: metrics.map(\.name),
                            width: width, rowsPerSample: rowsPerSample, targetSize: targetSize,
                            trainable: trainableWeights, firstLayerWithWeights: firstLayerWithWeights)
    }

    /// Throws unless every sparse label is an integer in `0..<width`; `offset` maps to user indices.
    func validateLabels(_ labels: UnsafeBufferPointer<Float>, plan: TrainingPlan, offset: Int, role: String) throws {
        guard plan.loss.isSparse else { return }
        for (index, label) in labels.enumerated() {
            guard label >= 0, label < Float(plan.width), label == label.rounded(.towardZero) else {
                throw NNError.invalidLabels("\(role) label \(label) at index \(offset + index) is out of range for \(plan.loss.name) with \(plan.width) classes (expected an integer in 0..<\(plan.width))")
            }
        }
    }

    /// Forward pass, loss and metrics for one batch; with `train`, also backward and one optimizer step.
    func runBatch(input: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>, batchSize: Int,
                  plan: TrainingPlan, train: Bool, accumulator: inout MetricAccumulator) {
        let output = forwardPass(input, batchSize: batchSize, training: train)
        let rows = batchSize * plan.rowsPerSample
        let gradient = lossGradientBuffer.view(output.count)
        let lossSum = plan.loss.sumAndGradient(predictions: output, targets: targets, rows: rows, width: plan.width,
                                               fusion: plan.fusion, gradient: gradient)
        accumulator.lossSum += lossSum
        accumulator.rows += rows
        for (index, kind) in plan.metricKinds.enumerated() {
            accumulator.metricSums[index] += Metric.sum(kind, predictions: UnsafeBufferPointer(output), targets: targets,
                                                         rows: rows, width: plan.width)
        }
        guard train, let optimizer else { return }
        backwardPass(outputGradient: gradient, batchSize: batchSize, firstLayerWithWeights: plan.firstLayerWithWeights)
        optimizerState.step(plan.trainable, optimizer: optimizer)
    }

    /// Makes the last layer leave its activation to the loss for the duration of `body`.
    func withLossFusion<R>(_ plan: TrainingPlan, _ body: () throws -> R) rethrows -> R {
        guard plan.fusion == .activation, let last = layers.last else { return try body() }
        let previous = last.lossAppliesActivation
        last.lossAppliesActivation = true
        defer { last.lossAppliesActivation = previous }
        return try body()
    }

    /// Runs `dataset` in batches (in order, no copy) and returns the mean loss and metrics.
    func evaluateArrays(_ dataset: ArrayDataset, batchSize: Int, plan: TrainingPlan,
                        progress: ProgressBar?) -> MetricAccumulator {
        var accumulator = MetricAccumulator(metricCount: plan.metricKinds.count)
        dataset.x.withUnsafeBufferPointer { x in
            dataset.targets.withUnsafeBufferPointer { y in
                withLossFusion(plan) {
                    var start = dataset.range.lowerBound
                    var step = 0
                    while start < dataset.range.upperBound {
                        let end = Swift.min(start + batchSize, dataset.range.upperBound)
                        let input = UnsafeBufferPointer(rebasing: x[start * dataset.sampleSize..<end * dataset.sampleSize])
                        let targets = UnsafeBufferPointer(rebasing: y[start * dataset.targetSize..<end * dataset.targetSize])
                        runBatch(input: input, targets: targets, batchSize: end - start, plan: plan, train: false,
                                 accumulator: &accumulator)
                        step += 1
                        progress?.update(step, logs: accumulator.logs(names: plan.metricNames))
                        start = end
                    }
                }
            }
        }
        return accumulator
    }

    /// Validates `x`/`y` against each other and the model and converts the targets.
    func makeDataset<Label: TensorScalar>(_ x: Tensor<Float>, _ y: Tensor<Label>, role: String) throws -> (ArrayDataset, TrainingPlan) {
        try buildIfPossible()
        _ = try requireCompiled(role == "validation" ? "validation" : "fit/evaluate")
        try checkInput(x.shape, role: role == "validation" ? "validation input" : "input")
        guard y.rank >= 1, y.shape[0] == x.shape[0] else {
            throw NNError.shapeMismatch("\(role == "validation" ? "validation " : "")x and y have different sample counts: x has shape \(numpyShape(x.shape)) (\(x.shape[0]) samples), y has shape \(numpyShape(y.shape)) (\(y.shape.first ?? 0) samples)")
        }
        let plan = try makePlan(targetShape: y.shape, role: role == "validation" ? "validation targets" : "targets")
        let targets = floatScalars(y)
        try targets.withUnsafeBufferPointer { try validateLabels($0, plan: plan, offset: 0, role: role == "validation" ? "validation" : "target") }
        let dataset = ArrayDataset(x: x, targets: targets, range: 0..<x.shape[0], sampleSize: inputSampleCount,
                                   targetSize: plan.targetSize)
        return (dataset, plan)
    }

    /// Trains the model, like Keras's `fit`.
    ///
    /// - Parameters:
    ///   - x: inputs `[samples, inputShape...]`.
    ///   - y: targets `[samples, ...]`: class indices for sparse cross-entropy, else shaped like the output.
    ///   - epochs: the epoch to stop before (Keras counts from `initialEpoch`).
    ///   - batchSize: samples per gradient step; the last batch of an epoch may be smaller.
    ///   - validationData: data evaluated after each epoch, logged with `val_` keys.
    ///   - validationSplit: a fraction in `[0, 1)` of the samples, taken from the END before shuffling
    ///     (as Keras does), held out for validation when `validationData` is `nil`.
    ///   - shuffle: reshuffle the training samples every epoch (from the ``setRandomSeed(_:)`` stream).
    ///   - callbacks: hooks run in order, then the returned ``History``.
    ///   - verbose: 0 silent, 1 progress bar, 2 one line per epoch.
    /// - Returns: the per-epoch logs.
    /// - Throws: ``NNError`` for mismatched shapes or sample counts (naming expected and received shapes),
    ///   out-of-range labels, an uncompiled model, or a failing callback.
    @discardableResult
    public func fit<Label: TensorScalar>(
        _ x: Tensor<Float>, _ y: Tensor<Label>, epochs: Int = 1, batchSize: Int = 32,
        validationData: (Tensor<Float>, Tensor<Label>)? = nil, validationSplit: Double = 0,
        shuffle: Bool = true, callbacks: [any Callback] = [], verbose: Int = 1, initialEpoch: Int = 0
    ) throws -> History {
        try checkLoopArguments(epochs: epochs, batchSize: batchSize, verbose: verbose, initialEpoch: initialEpoch)
        guard validationSplit >= 0, validationSplit < 1 else {
            throw NNError.invalidArgument("fit: validationSplit must be in [0, 1), received \(validationSplit)")
        }
        var (train, plan) = try makeDataset(x, y, role: "training")
        var validation: ArrayDataset? = nil
        if let (validationX, validationY) = validationData {
            let (dataset, validationPlan) = try makeDataset(validationX, validationY, role: "validation")
            guard validationPlan.targetSize == plan.targetSize else {
                throw NNError.shapeMismatch("validation targets of shape \(numpyShape(validationY.shape)) differ from training targets of shape \(numpyShape(y.shape))")
            }
            guard dataset.count > 0 else {
                throw NNError.invalidArgument("fit: validationData has 0 samples (x of shape \(numpyShape(validationX.shape)))")
            }
            validation = dataset
        } else if validationSplit > 0 {
            let splitAt = Int(Double(train.count) * (1 - validationSplit))
            guard splitAt > 0, splitAt < train.count else {
                throw NNError.invalidArgument("fit: validationSplit \(validationSplit) of \(train.count) samples leaves an empty training or validation set")
            }
            validation = train.slice(splitAt..<train.count)
            train = train.slice(0..<splitAt)
        }
        guard train.count > 0 else {
            throw NNError.invalidArgument("fit: received 0 training samples (x of shape \(numpyShape(x.shape)))")
        }
        let steps = (train.count + batchSize - 1) / batchSize
        var generator = RandomState(seed: Session.shared.nextSeed())
        let trainingSet = train
        let validationSet = validation
        var order: [Int] = Array(trainingSet.range)
        return try trainingLoop(epochs: epochs, initialEpoch: initialEpoch, steps: steps, batchSize: batchSize,
                                plan: plan, callbacks: callbacks, verbose: verbose,
                                runEpoch: { epochIndex, onBatch in
            if shuffle {
                order = generator.permutation(trainingSet.count).map { $0 + trainingSet.range.lowerBound }
            }
            try self.trainEpochArrays(trainingSet, order: order, shuffled: shuffle, batchSize: batchSize, plan: plan,
                                      onBatch: onBatch)
        }, validate: {
            guard let validationSet else { return nil }
            return self.evaluateArrays(validationSet, batchSize: batchSize, plan: plan, progress: nil)
        })
    }

    func checkLoopArguments(epochs: Int, batchSize: Int, verbose: Int, initialEpoch: Int) throws {
        guard epochs >= 0 else { throw NNError.invalidArgument("fit: epochs must be >= 0, received \(epochs)") }
        guard batchSize > 0 else { throw NNError.invalidArgument("batchSize must be a positive integer, received \(batchSize)") }
        guard (0...2).contains(verbose) else { throw NNError.invalidArgument("verbose must be 0, 1 or 2, received \(verbose)") }
        guard initialEpoch >= 0 else { throw NNError.invalidArgument("fit: initialEpoch must be >= 0, received \(initialEpoch)") }
    }

    /// One epoch over in-memory data: gathers each batch (in `order`) into the input buffer, steps, reports.
    private func trainEpochArrays(_ dataset: ArrayDataset, order: [Int], shuffled: Bool, batchSize: Int,
                                  plan: TrainingPlan,
                                  onBatch: (Int, () -> MetricAccumulator) throws -> Bool) throws {
        let sampleSize = dataset.sampleSize, targetSize = dataset.targetSize
        let inputs = inputBuffer.view(batchSize * sampleSize)
        let targets = targetBuffer.view(batchSize * targetSize)
        try dataset.x.withUnsafeBufferPointer { x in
            try dataset.targets.withUnsafeBufferPointer { y in
                try withLossFusion(plan) {
                    var accumulator = MetricAccumulator(metricCount: plan.metricKinds.count)
                    var start = 0, step = 0
                    while start < order.count {
                        let end = Swift.min(start + batchSize, order.count)
                        let count = end - start
                        let batchInput: UnsafeBufferPointer<Float>
                        let batchTargets: UnsafeBufferPointer<Float>
                        if shuffled {
                            for b in 0..<count {
                                let sample = order[start + b]
                                (inputs.baseAddress! + b * sampleSize).update(from: x.baseAddress! + sample * sampleSize, count: sampleSize)
                                (targets.baseAddress! + b * targetSize).update(from: y.baseAddress! + sample * targetSize, count: targetSize)
                            }
                            batchInput = UnsafeBufferPointer(rebasing: inputs[0..<count * sampleSize])
                            batchTargets = UnsafeBufferPointer(rebasing: targets[0..<count * targetSize])
                        } else {
                            let first = order[start]
                            batchInput = UnsafeBufferPointer(rebasing: x[first * sampleSize..<(first + count) * sampleSize])
                            batchTargets = UnsafeBufferPointer(rebasing: y[first * targetSize..<(first + count) * targetSize])
                        }
                        let keepGoing = try onBatch(step) {
                            self.runBatch(input: batchInput, targets: batchTargets, batchSize: count, plan: plan,
                                          train: true, accumulator: &accumulator)
                            return accumulator
                        }
                        if !keepGoing { return }
                        start = end
                        step += 1
                    }
                }
            }
        }
    }

    /// The epoch/callback/progress machinery shared by array and batch-source training.
    ///
    /// `runEpoch` calls `onBatch(step, work)` for each batch, where `work` trains on it and returns the
    /// epoch's running sums; `onBatch` runs the callbacks around it and returns `false` once training should stop.
    func trainingLoop(
        epochs: Int, initialEpoch: Int, steps: Int, batchSize: Int, plan: TrainingPlan,
        callbacks: [any Callback], verbose: Int,
        runEpoch: (Int, (Int, () -> MetricAccumulator) throws -> Bool) throws -> Void,
        validate: () throws -> MetricAccumulator?
    ) throws -> History {
        let history = History()
        history.params = ["epochs": epochs, "steps": steps, "verbose": verbose]
        let all = callbacks + [history]
        stopTraining = false
        var lastLogs: Logs = [:]
        do {
            for callback in all { try callback.onTrainBegin(model: self, logs: [:]) }
            var epoch = initialEpoch
            while epoch < epochs && !stopTraining {
                if verbose > 0 { ProgressBar.write("Epoch \(epoch + 1)/\(epochs)\n") }
                for callback in all { try callback.onEpochBegin(epoch, model: self, logs: [:]) }
                let progress = ProgressBar(target: steps, verbose: verbose)
                var epochAccumulator = MetricAccumulator(metricCount: plan.metricKinds.count)
                try runEpoch(epoch) { step, work in
                    for callback in callbacks { try callback.onTrainBatchBegin(step, model: self, logs: [:]) }
                    let accumulator = work()
                    epochAccumulator = accumulator
                    // Running means are only formatted when someone reads them.
                    if !callbacks.isEmpty || progress.drawsUpdates {
                        let running = accumulator.logs(names: plan.metricNames)
                        if !callbacks.isEmpty {
                            let logs = Logs(running, uniquingKeysWith: { first, _ in first })
                            for callback in callbacks { try callback.onTrainBatchEnd(step, model: self, logs: logs) }
                        }
                        progress.update(step + 1, logs: running)
                    }
                    return !self.stopTraining
                }
                var ordered = epochAccumulator.logs(names: plan.metricNames)
                if let validation = try validate() {
                    ordered += validation.logs(names: plan.metricNames, prefix: "val_")
                }
                progress.finish(logs: ordered)
                var logs = Logs(ordered, uniquingKeysWith: { first, _ in first })
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
}
