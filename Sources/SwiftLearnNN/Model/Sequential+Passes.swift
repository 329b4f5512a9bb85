import SwiftLearnTensor

/// The model's reusable buffers: each layer's output and input gradient, the loss gradient and the
/// batch's sample weights. They grow to the largest batch seen and are reused, so a training step
/// allocates nothing for the built-in layers.
final class Workspace {
    private(set) var activations: [FloatBuffer] = []
    private(set) var gradients: [FloatBuffer] = []
    let lossGradient = FloatBuffer()
    let sampleWeights = FloatBuffer()

    func prepare(layerCount: Int) {
        guard activations.count != layerCount else { return }
        activations = (0..<layerCount).map { _ in FloatBuffer() }
        gradients = (0..<layerCount).map { _ in FloatBuffer() }
    }
}

/// One forward pass: the input and every layer's output. Valid only inside the closure that received it
/// (the pointers lead into the caller's input and the workspace).
struct ForwardTrace {
    let input: UnsafeBufferPointer<Float>
    let outputs: [UnsafeMutableBufferPointer<Float>]
    let pass: LayerPass

    /// The last layer's output.
    var output: UnsafeMutableBufferPointer<Float> { outputs[outputs.count - 1] }

    /// The input of layer `index`.
    func input(of index: Int) -> UnsafeBufferPointer<Float> {
        index == 0 ? input : UnsafeBufferPointer(outputs[index - 1])
    }
}

/// A forward pass in progress: the layers run so far and their outputs. The one way the model sets up a
/// pass (the workspace, the outputs, the trace): ``Sequential/withForwardPass(_:batchSize:training:activationLeftToLoss:_:)``
/// runs it whole; the training step runs it in two ranges, the second beside the next batch's gather.
///
/// ```swift
/// var forward = ForwardPass(model, input: x, batchSize: 32, training: true, activationLeftToLoss: true)
/// try forward.run(upTo: split)            // layers 0..<split
/// try forward.run(upTo: model.layers.count)
/// let trace = forward.trace
/// ```
/// Valid only while `input` is (the outputs lead into the model's workspace).
struct ForwardPass {
    let model: Sequential
    let input: UnsafeBufferPointer<Float>
    let pass: LayerPass
    private var outputs: [UnsafeMutableBufferPointer<Float>] = []

    /// Prepares the model's workspace for a pass over `batchSize` samples at `input`.
    ///
    /// `activationLeftToLoss` tells the last layer to leave its output activation to the loss (fused
    /// softmax or sigmoid with cross-entropy); it is passed explicitly in that layer's ``LayerPass``.
    init(_ model: Sequential, input: UnsafeBufferPointer<Float>, batchSize: Int, training: Bool, activationLeftToLoss: Bool) {
        self.model = model
        self.input = input
        pass = LayerPass(batchSize: batchSize, training: training, activationLeftToLoss: activationLeftToLoss)
        model.workspace.prepare(layerCount: model.layers.count)
        outputs.reserveCapacity(model.layers.count)
    }

    /// The number of layers run so far.
    var layersRun: Int { outputs.count }

    /// Runs the layers from ``layersRun`` up to (excluding) `end`, each reading the previous one's output.
    mutating func run(upTo end: Int) throws {
        precondition(layersRun <= end && end <= model.layers.count, "layers \(layersRun)..<\(end) of \(model.layers.count)")
        try model.forwardLayers(layersRun..<end, input: input, pass: pass, outputs: &outputs)
    }

    /// The finished pass: every layer's output.
    var trace: ForwardTrace {
        precondition(layersRun == model.layers.count, "the pass ran \(layersRun) of \(model.layers.count) layers")
        return ForwardTrace(input: input, outputs: outputs, pass: pass)
    }
}

extension Sequential {
    /// Runs every layer on `batchSize` samples at `input` (a ``ForwardPass``) and hands the trace to `body`.
    func withForwardPass<R>(_ input: UnsafeBufferPointer<Float>, batchSize: Int, training: Bool, activationLeftToLoss: Bool,
                            _ body: (ForwardTrace) throws -> R) throws -> R {
        var forward = ForwardPass(self, input: input, batchSize: batchSize, training: training, activationLeftToLoss: activationLeftToLoss)
        try forward.run(upTo: layers.count)
        return try body(forward.trace)
    }

    /// Runs layers `range` (the first of them reading `outputs.last`, or `input` when `outputs` is empty) and
    /// appends their outputs to `outputs`; `pass.activationLeftToLoss` applies to the last layer only.
    fileprivate func forwardLayers(_ range: Range<Int>, input: UnsafeBufferPointer<Float>, pass modelPass: LayerPass,
                                   outputs: inout [UnsafeMutableBufferPointer<Float>]) throws {
        var current = outputs.last.map { UnsafeBufferPointer($0) } ?? input
        let last = layers.count - 1
        let batchSize = modelPass.batchSize
        for index in range {
            let layer = layers[index]
            let pass = LayerPass(batchSize: batchSize, training: modelPass.training,
                                 activationLeftToLoss: modelPass.activationLeftToLoss && index == last)
            // A shape-only layer shares its input's storage, except at the end, where the loss may write
            // activated values in place and must never write into the caller's tensor.
            if layer.sharesInputStorage && index != last {
                outputs.append(UnsafeMutableBufferPointer(mutating: current))
                continue
            }
            let output = workspace.activations[index].view(batchSize * layer.outputShape!.reduce(1, *))
            if let kernels = layer as? KernelLayer {
                kernels.forward(current, into: output, pass: pass)
            } else if layer.sharesInputStorage {
                _ = output.initialize(from: current)
            } else {
                try forwardOnTensors(layer, input: current, output: output, pass: pass)
            }
            outputs.append(output)
            current = UnsafeBufferPointer(output)
        }
    }

    /// Where the model's serial tail starts at `batchSize`: the index of the first layer of the longest run
    /// of last layers whose products all stay on one thread (Dense layers below the split size, and
    /// shape-only layers); `layers.count` when the last layer splits. The training step runs the tail, the
    /// loss and the tail's backward pass beside other work (the next batch's gather) instead of leaving the
    /// pool's helper idle.
    func serialTailStart(batchSize: Int) -> Int {
        var start = layers.count
        while start > 0 {
            let layer = layers[start - 1]
            if !layer.sharesInputStorage {
                guard let dense = layer as? Dense, dense.runsOnOneThread(batchSize: batchSize) else { break }
            }
            start -= 1
        }
        return start
    }

    /// Back-propagates `outputGradient` (dL/d(final output)) through `trace`, writing every weight's
    /// gradient. Input gradients are computed only where an earlier layer with weights needs them.
    ///
    /// With `step`, each Dense layer runs its part of the optimizer step while its gradients are in cache
    /// (``FusedStep``); the caller finishes the step.
    ///
    /// `range` limits the pass to some layers (the rest of a pass that stopped at `range.upperBound`, with
    /// `outputGradient` the gradient of that layer's output); returns the gradient the pass ended with (of the
    /// input of the lowest layer it visited that needed one).
    @discardableResult
    func backwardPass(_ trace: ForwardTrace, outputGradient: UnsafeMutableBufferPointer<Float>, firstLayerWithWeights: Int,
                      step: FusedStep? = nil, layers range: Range<Int>? = nil) throws -> UnsafeMutableBufferPointer<Float> {
        var gradient = outputGradient
        let last = layers.count - 1
        for index in (range ?? layers.indices).reversed() {
            if index < firstLayerWithWeights { break }
            let layer = layers[index]
            let input = trace.input(of: index)
            if layer.sharesInputStorage {
                continue  // same values, same layout: the gradient passes through unchanged
            }
            let inputGradient = index > firstLayerWithWeights ? workspace.gradients[index].view(input.count) : nil
            let pass = LayerPass(batchSize: trace.pass.batchSize, training: trace.pass.training,
                                 activationLeftToLoss: trace.pass.activationLeftToLoss && index == last)
            if let dense = layer as? Dense {
                dense.backward(input: input, output: UnsafeBufferPointer(trace.outputs[index]), outputGradient: gradient,
                               inputGradient: inputGradient, pass: pass, step: step)
            } else if let kernels = layer as? KernelLayer {
                kernels.backward(input: input, output: UnsafeBufferPointer(trace.outputs[index]), outputGradient: gradient,
                                 inputGradient: inputGradient, pass: pass)
            } else {
                try backwardOnTensors(layer, input: input, output: UnsafeBufferPointer(trace.outputs[index]),
                                      outputGradient: gradient, inputGradient: inputGradient, batchSize: pass.batchSize)
            }
            if let inputGradient { gradient = inputGradient }
        }
        return gradient
    }

    /// A custom layer's forward: its `call` on tensors copied from and to the model's buffers.
    private func forwardOnTensors(_ layer: Layer, input: UnsafeBufferPointer<Float>, output: UnsafeMutableBufferPointer<Float>,
                                  pass: LayerPass) throws {
        let x = Tensor<Float>(shape: [pass.batchSize] + layer.inputShape!) { _ = $0.initialize(from: input) }
        let y = try layer.call(x, training: pass.training)
        try layer.checkOutput(y.shape, batch: pass.batchSize)
        y.withUnsafeBufferPointer { _ = output.initialize(from: $0) }
    }

    /// A custom layer's backward on tensors. Its weights' gradients are zeroed first, so a weight the
    /// layer leaves unassigned is not moved by a stale gradient.
    private func backwardOnTensors(_ layer: Layer, input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                                   outputGradient: UnsafeMutableBufferPointer<Float>,
                                   inputGradient: UnsafeMutableBufferPointer<Float>?, batchSize: Int) throws {
        for weight in layer.weights { weight.gradients.initialize(repeating: 0) }
        let x = Tensor<Float>(shape: [batchSize] + layer.inputShape!) { _ = $0.initialize(from: input) }
        let y = Tensor<Float>(shape: [batchSize] + layer.outputShape!) { _ = $0.initialize(from: output) }
        let g = Tensor<Float>(shape: y.shape) { _ = $0.initialize(from: UnsafeBufferPointer(outputGradient)) }
        let dx = try layer.backward(inputs: x, outputs: y, outputGradient: g)
        guard dx.shape == x.shape else {
            throw NNError.shapeMismatch("layer '\(layer.name)' (\(layer.className)) returned an input gradient of shape \(numpyShape(dx.shape)); its input has shape \(numpyShape(x.shape))")
        }
        if let inputGradient { dx.withUnsafeBufferPointer { _ = inputGradient.initialize(from: $0) } }
    }
}
