import SwiftLearnGEMM

/// A 2-D convolution over channels-last images (Keras's `Conv2D`, `data_format="channels_last"`):
///
///     y[n, oh, ow, f] = activation(bias[f] + Σ_{i, j, c} x[n, oh·sh - pt + i·dh, ow·sw - pl + j·dw, c] · kernel[i, j, c, f])
///
/// (terms outside the input count as zero). Shapes: input `[batch, height, width, channels]`, kernel
/// `[kh, kw, channels, filters]`, bias `[filters]`, output `[batch, outHeight, outWidth, filters]` with
/// the sizes of ``Padding``. The kernel starts Glorot-uniform with Keras's fans
/// (`fanIn = kh·kw·channels`, `fanOut = kh·kw·filters`) and the bias at zero.
///
/// Forward and both gradients run as one SGEMM each on the im2col matrix (`[batch·outPixels, kh·kw·channels]`),
/// built sample by sample on parallel threads; results do not depend on the thread count.
///
/// ```swift
/// Conv2D(32, kernelSize: 3, activation: .relu, padding: .same, inputShape: [28, 28, 1])   // (None, 28, 28, 32), 320 params
/// Conv2D(64, kernelSize: [3, 3], strides: 2)                                              // valid padding, stride 2
/// ```
public final class Conv2D: Layer, KernelLayer {
    /// The number of output channels.
    public let filters: Int
    public let kernelSize: Size2D
    public let strides: Size2D
    public let padding: Padding
    public let dilationRate: Size2D
    public var activation: ActivationFunction { affine.activation }
    public var useBias: Bool { affine.useBias }
    public var kernelInitializer: Initializer { affine.kernelInitializer }
    public var biasInitializer: Initializer { affine.biasInitializer }
    private let affine: AffineArguments

    public private(set) var kernel: Weight?
    public private(set) var bias: Weight?
    private var geometry: WindowGeometry?
    /// im2col matrix and its gradient, reused across steps.
    private let columns = FloatBuffer()
    private let columnGradients = FloatBuffer()

    /// Arguments in the order the chapter writes them (`activation` before `padding`).
    public init(_ filters: Int, kernelSize: Size2D, strides: Size2D = 1, activation: ActivationFunction = .linear,
                padding: Padding = .valid, dilationRate: Size2D = 1, useBias: Bool = true,
                kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                inputShape: [Int]? = nil, name: String? = nil) {
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.dilationRate = dilationRate
        affine = AffineArguments(activation: activation, useBias: useBias, kernelInitializer: kernelInitializer,
                                 biasInitializer: biasInitializer)
        super.init(inputShape: inputShape, name: name)
    }

    public override var className: String { "Conv2D" }
    public override var outputActivation: ActivationFunction? { activation }

    public override func validateArguments() throws {
        try super.validateArguments()
        let owner = "Conv2D '\(name)'"
        guard filters > 0 else {
            throw NNError.invalidArgument("\(owner): filters must be a positive integer, received \(filters)")
        }
        try kernelSize.validate("kernelSize", owner: owner)
        try strides.validate("strides", owner: owner)
        try dilationRate.validate("dilationRate", owner: owner)
        // Keras refuses the combination too: a strided dilated window skips inputs unevenly.
        guard strides.values == [1, 1] || dilationRate.values == [1, 1] else {
            throw NNError.invalidArgument("\(owner): strides > 1 cannot be combined with dilationRate > 1, received strides \(strides) and dilationRate \(dilationRate)")
        }
        try affine.validate(owner: owner)
    }

    private func makeGeometry(_ inputShape: [Int]) throws -> WindowGeometry {
        try WindowGeometry(inputShape: inputShape, window: kernelSize, strides: strides, dilation: dilationRate,
                           padding: padding, owner: "Conv2D '\(name)'")
    }

    public override func computeOutputShape(inputShape: [Int]) throws -> [Int] {
        let geometry = try makeGeometry(inputShape)
        return [geometry.rows.output, geometry.columns.output, filters]
    }

    public override func buildWeights(inputShape: [Int]) throws {
        geometry = try makeGeometry(inputShape)
        kernel = try addWeight(name: "kernel", shape: [kernelSize.height, kernelSize.width, inputShape[2], filters],
                               initializer: kernelInitializer)
        bias = useBias ? try addWeight(name: "bias", shape: [filters], initializer: biasInitializer) : nil
    }

    /// Samples per im2col block: the whole batch unless its matrix would pass 16 Mi floats (64 MB), so
    /// predicting on a large array does not allocate gigabytes.
    private func samplesPerBlock(_ geometry: WindowGeometry) -> Int {
        Swift.max(1, (16 << 20) / Swift.max(1, geometry.outputPixels * geometry.patchSize))
    }

    /// The im2col matrix of samples `range` (the input itself for a pointwise kernel).
    private func columnMatrix(_ input: UnsafeBufferPointer<Float>, samples range: Range<Int>,
                              _ geometry: WindowGeometry) -> UnsafeBufferPointer<Float> {
        let inputCount = geometry.inputCount
        if geometry.isPointwise {
            return UnsafeBufferPointer(rebasing: input[range.lowerBound * inputCount..<range.upperBound * inputCount])
        }
        let rowsPerSample = geometry.outputPixels * geometry.patchSize
        let matrix = columns.view(range.count * rowsPerSample)
        let x = input.baseAddress!, m = matrix.baseAddress!
        forEachSampleRange(range.count) { part in
            for s in part {
                geometry.im2col(x + (range.lowerBound + s) * inputCount, into: m + s * rowsPerSample)
            }
        }
        return UnsafeBufferPointer(matrix)
    }

    func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, pass: LayerPass) {
        let geometry = geometry!
        let block = samplesPerBlock(geometry), pixels = geometry.outputPixels, k = geometry.patchSize
        for start in stride(from: 0, to: pass.batchSize, by: block) {
            let range = start..<Swift.min(start + block, pass.batchSize)
            let a = columnMatrix(input, samples: range, geometry)
            let c = UnsafeMutableBufferPointer(rebasing: output[range.lowerBound * pixels * filters..<range.upperBound * pixels * filters])
            sgemm(m: range.count * pixels, n: filters, k: k, a: a, lda: k, b: kernel!.values.readOnly, ldb: filters,
                  beta: 0, c: c, ldc: filters)
        }
        addBias(bias.map { UnsafePointer($0.values.baseAddress!) }, andActivate: pass.activationLeftToLoss ? .linear : activation,
                output, rows: pass.batchSize * pixels, width: filters)
    }

    func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                  outputGradient: UnsafeMutableBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                  pass: LayerPass) {
        let geometry = geometry!
        let pixels = geometry.outputPixels, k = geometry.patchSize
        let rows = pass.batchSize * pixels
        if !pass.activationLeftToLoss {
            activation.backward(output: output, gradient: outputGradient, rows: rows, width: filters)
        }
        let dz = outputGradient.readOnly
        if let bias { columnSums(dz, rows: rows, width: filters, into: bias.gradients) }
        let block = samplesPerBlock(geometry)
        for start in stride(from: 0, to: pass.batchSize, by: block) {
            let range = start..<Swift.min(start + block, pass.batchSize)
            let dzBlock = UnsafeBufferPointer(rebasing: dz[range.lowerBound * pixels * filters..<range.upperBound * pixels * filters])
            // dKernel (+)= colᵀ · dz: summed over the block's rows inside one SGEMM, blocks added in order.
            let a = columnMatrix(input, samples: range, geometry)
            sgemm(transA: true, m: k, n: filters, k: range.count * pixels, a: a, lda: k, b: dzBlock, ldb: filters,
                  beta: start == 0 ? 0 : 1, c: kernel!.gradients, ldc: filters)
            guard let inputGradient else { continue }
            let inputCount = geometry.inputCount
            let dx = UnsafeMutableBufferPointer(rebasing: inputGradient[range.lowerBound * inputCount..<range.upperBound * inputCount])
            if geometry.isPointwise {
                sgemm(transB: true, m: range.count * pixels, n: k, k: filters, a: dzBlock, lda: filters,
                      b: kernel!.values.readOnly, ldb: filters, beta: 0, c: dx, ldc: k)
                continue
            }
            // dcol = dz · kernelᵀ, then scattered back onto the input positions (col2im).
            let dcol = columnGradients.view(range.count * pixels * k)
            sgemm(transB: true, m: range.count * pixels, n: k, k: filters, a: dzBlock, lda: filters,
                  b: kernel!.values.readOnly, ldb: filters, beta: 0, c: dcol, ldc: k)
            let source = dcol.baseAddress!, destination = dx.baseAddress!
            forEachSampleRange(range.count) { part in
                for s in part {
                    geometry.col2im(source + s * pixels * k, into: destination + s * inputCount)
                }
            }
        }
    }

    public override var config: [String: JSONValue] {
        affine.config.merging([
            "filters": .number(Double(filters)),
            "kernel_size": kernelSize.json,
            "strides": strides.json,
            "padding": .string(padding.rawValue),
            "dilation_rate": dilationRate.json,
        ]) { $1 }
    }
}
