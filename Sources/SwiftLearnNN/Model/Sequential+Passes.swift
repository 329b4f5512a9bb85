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

extension Sequential {
    /// Runs every layer on `batchSize` samples at `input` and hands the trace to `body`.
    ///
    /// `activationLeftToLoss` tells the last layer to leave its output activation to the loss (fused
    /// softmax or sigmoid with cross-entropy); it is passed explicitly in that layer's ``LayerPass``.
    func withForwardPass<R>(_ input: UnsafeBufferPointer<Float>, batchSize: Int, training: Bool, activationLeftToLoss: Bool,
                            _ body: (ForwardTrace) throws -> R) throws -> R {
        workspace.prepare(layerCount: layers.count)
        var outputs: [UnsafeMutableBufferPointer<Float>] = []
        outputs.reserveCapacity(layers.count)
        var current = input
        let last = layers.count - 1
        for (index, layer) in layers.enumerated() {
            let pass = LayerPass(batchSize: batchSize, training: training, activationLeftToLoss: activationLeftToLoss && index == last)
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
        return try body(ForwardTrace(input: input, outputs: outputs,
                                     pass: LayerPass(batchSize: batchSize, training: training, activationLeftToLoss: activationLeftToLoss)))
    }

    /// Back-propagates `outputGradient` (dL/d(final output)) through `trace`, writing every weight's
    /// gradient. Input gradients are computed only where an earlier layer with weights needs them.
    ///
    /// With `step`, each Dense layer runs its part of the optimizer step while its gradients are in cache
    /// (``FusedStep``); the caller finishes the step.
    func backwardPass(_ trace: ForwardTrace, outputGradient: UnsafeMutableBufferPointer<Float>, firstLayerWithWeights: Int,
                      step: FusedStep? = nil) throws {
        var gradient = outputGradient
        let last = layers.count - 1
        for index in layers.indices.reversed() {
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
