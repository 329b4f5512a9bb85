/// What the compiled loss and metrics need to know about the targets and the output layout, fixed from
/// the first targets seen and checked against every batch after.
struct TrainingPlan {
    let loss: any Loss
    /// The built-in loss's fused kernel, when the loss is built in; `nil` runs the loss on tensors.
    let standardLoss: StandardLoss?
    let fusion: StandardLoss.Fusion
    let metricKinds: [Metric.Kind]
    let metricNames: [String]
    /// The last axis of the output: classes for classification.
    let width: Int
    /// Rows of `width` per sample (1 unless the output has extra axes).
    let rowsPerSample: Int
    /// The per-sample target shape every batch must have.
    let targetSampleShape: [Int]
    /// Target scalars per sample.
    let targetSize: Int
    /// The first layer with weights: back-propagation stops there.
    let firstLayerWithWeights: Int
    /// The weights the optimizer updates, fixed for the duration of one `fit` (as Keras fixes them at compile).
    let trainable: [Weight]
    /// Every layer the backward pass visits is a built-in one (``KernelLayer``), none of which can fail half
    /// way through, so layers may run their part of the optimizer step as they go (``FusedStep``).
    let builtInBackward: Bool

    var sparseTargets: Bool { loss.targetLayout == .classIndices }
}

/// Running sums behind the epoch's mean loss and metrics: the loss is `Σ w·loss / rows` (Keras's
/// `sum_over_batch_size`, averaged over batches by their size), a metric `Σ w·metric / Σ w`.
struct MetricAccumulator {
    var lossSum: Double = 0
    var rows = 0
    var metricSums: [Double]
    var metricWeight: Double = 0

    init(metricCount: Int) { metricSums = Array(repeating: 0, count: metricCount) }

    /// `loss` first, then metrics in compile order, with an optional prefix (`val_`).
    func logs(names: [String], prefix: String = "") -> [(String, Double)] {
        var result = [(prefix + "loss", lossSum / Double(Swift.max(rows, 1)))]
        let weight = metricWeight > 0 ? metricWeight : 1
        for (name, sum) in zip(names, metricSums) { result.append((prefix + name, sum / weight)) }
        return result
    }
}

extension Sequential {
    /// The plan for targets of shape `targetShape` (batch axis first); checks them against the output and the loss.
    func makePlan(targetShape: [Int], role: String) throws -> TrainingPlan {
        let sampleShape = Array(targetShape.dropFirst())
        let (_, loss) = try requireCompiled("training or evaluation")
        let outputShape = self.outputShape!
        let width = outputShape.last ?? 1
        let outputCount = outputShape.reduce(1, *)
        let rowsPerSample = outputCount / width
        let sampleCount = sampleShape.reduce(1, *)
        let targetSize: Int
        let batchShape = { numpyShape(targetShape) }
        if loss.targetLayout == .classIndices {
            let expected = Array(outputShape.dropLast())
            guard sampleShape == expected || sampleShape == expected + [1] else {
                throw NNError.shapeMismatch("\(role) of shape \(batchShape()) do not fit \(loss.name): expected class indices of shape \(kerasShape(expected)) for outputs of shape \(kerasShape(outputShape))")
            }
            targetSize = rowsPerSample
        } else {
            let trimmed = { (shape: [Int]) -> [Int] in
                var shape = shape
                while shape.last == 1 { shape.removeLast() }
                return shape
            }
            guard sampleCount == outputCount, sampleShape == outputShape || trimmed(sampleShape) == trimmed(outputShape) else {
                throw NNError.shapeMismatch("\(role) of shape \(batchShape()) do not fit \(loss.name): expected shape \(kerasShape(outputShape)) like the model output")
            }
            targetSize = outputCount
        }
        let standard = loss as? StandardLoss
        let lastIsKernel = layers.last is KernelLayer
        let fusion: StandardLoss.Fusion
        if let standard, standard.fromLogits {
            fusion = .logits
        } else if let standard, lastIsKernel, standard.canFuse(layers.last?.outputActivation) {
            fusion = .activation
        } else {
            fusion = .none
        }
        let sparseTargets = loss.targetLayout == .classIndices || (targetSize == rowsPerSample && width > 1)
        let kinds = metrics.map { $0.resolved(loss: loss, width: width, sparseTargets: sparseTargets) }
        let firstLayerWithWeights = layers.firstIndex { !$0.weights.isEmpty } ?? layers.count
        return TrainingPlan(loss: loss, standardLoss: standard, fusion: fusion, metricKinds: kinds,
                            metricNames: metrics.map(\.name), width: width, rowsPerSample: rowsPerSample,
                            targetSampleShape: sampleShape, targetSize: targetSize, firstLayerWithWeights: firstLayerWithWeights,
                            trainable: trainableWeights,
                            builtInBackward: layers[firstLayerWithWeights...].allSatisfy { $0 is KernelLayer || $0.sharesInputStorage })
    }

    /// Throws unless every class index is an integer in `0..<width`; `offset` maps positions to the
    /// caller's sample numbers.
    func validateLabels(_ labels: UnsafeBufferPointer<Float>, plan: TrainingPlan, offset: Int, role: String) throws {
        guard plan.loss.targetLayout == .classIndices else { return }
        for (index, label) in labels.enumerated() {
            guard label >= 0, label < Float(plan.width), label == label.rounded(.towardZero) else {
                throw NNError.invalidLabels("\(role) label \(label) at index \(offset + index) is out of range for \(plan.loss.name) with \(plan.width) classes (expected an integer in 0..<\(plan.width))")
            }
        }
    }

    /// Keras's `class_weight` as per-sample weights: the weight of each sample's class (its index for
    /// sparse targets, the argmax of a one-hot row, the rounded value of a single binary column).
    func classWeights(_ table: [Int: Float], targets: UnsafeBufferPointer<Float>, samples: Int, plan: TrainingPlan,
                      into weights: UnsafeMutableBufferPointer<Float>) throws {
        let size = plan.targetSize
        for sample in 0..<samples {
            let row = targets.baseAddress! + sample * size
            let label: Int
            if plan.sparseTargets || size == 1 {
                label = Int(row[0].rounded())
            } else {
                var best = 0
                for j in 1..<size where row[j] > row[best] { best = j }
                label = best
            }
            guard let weight = table[label] else {
                throw NNError.invalidArgument("classWeight has no entry for class \(label); it has classes \(table.keys.sorted())")
            }
            weights[sample] = weight
        }
    }
}
