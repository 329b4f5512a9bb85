import SwiftLearnGEMM
import SwiftLearnSystem

/// A 2-D convolution over channels-last images (Keras's `Conv2D`, `data_format="channels_last"`):
///
///     y[n, oh, ow, f] = activation(bias[f] + Σ_{i, j, c} x[n, oh·sh - pt + i·dh, ow·sw - pl + j·dw, c] · kernel[i, j, c, f])
///
/// (terms outside the input count as zero). Shapes: input `[batch, height, width, channels]`, kernel
/// `[kh, kw, channels, filters]`, bias `[filters]`, output `[batch, outHeight, outWidth, filters]` with
/// the sizes of ``Padding``. The kernel starts Glorot-uniform with Keras's fans
/// (`fanIn = kh·kw·channels`, `fanOut = kh·kw·filters`) and the bias at zero.
///
/// Forward and input gradient run per chunk of samples on parallel threads: each thread builds the chunk's im2col
/// rows (`[outPixels, kh·kw·channels]` per sample) and multiplies them by the kernel with SGEMM while they are in
/// its cache; the weight gradient sums SGEMMs over small groups of samples, in order, each on the group's im2col
/// rows built again while the group is in cache (no slower than keeping the batch's matrix from the forward
/// pass in 3 alternating rounds on 2026-12-02, and 7 MB less for the chapter's model).
/// Windows with at most 32 values (one input channel, 3 x 3) use direct loops instead (``DirectConvolution``).
/// Chunks have a fixed size and threads split samples or outputs, never a sum, so results do not depend on
/// the thread count.
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
    /// im2col rows and their gradient (per-thread chunks, or a weight-gradient group), reused across steps.
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

    /// Which loops compute the layer; `nil` chooses by the window's size (tests force each path).
    enum Path { case direct, columns }
    var forcedPath: Path? = nil

    private func path(_ geometry: WindowGeometry) -> Path {
        forcedPath ?? (geometry.patchSize <= DirectConvolution.maximumPatchSize ? .direct : .columns)
    }

    /// Samples whose im2col matrix is built and multiplied by one thread in one go: about 64 Ki floats
    /// (256 kB), so the matrix is still in that core's L2 cache when SGEMM reads it. Fixed by the geometry
    /// alone, so every SGEMM has the same shape whatever the thread count.
    private func samplesPerChunk(_ geometry: WindowGeometry) -> Int {
        Swift.max(1, chunkFloats / Swift.max(1, geometry.outputPixels * geometry.patchSize))
    }
    /// The im2col floats a chunk aims at (tests lower it to get many chunks from small inputs).
    var chunkFloats = 128 << 10

    /// Samples per weight-gradient SGEMM: about 256 Ki im2col floats, so that on two threads each one's band of
    /// the group's rows (about 128 Ki floats, 512 kB) and the output gradient stay in L2 while SGEMM's tiles sweep
    /// them (measured: 2 samples of the chapter's second layer against the whole batch in one call, 5.5 s against
    /// 6.2 s for 19,200 images, 2026-12-02 17:06 UTC; 4 samples against 2 once the threads split the rows, 4 of 5
    /// alternating rounds faster, medians 6.15 against 6.30 s for 24,000 + 12,000 images, 3 Dec 04:36 UTC).
    /// Fixed by the geometry alone, so the sums' order does not depend on the thread count.
    private func samplesPerGradientGroup(_ geometry: WindowGeometry) -> Int {
        Swift.max(1, gradientGroupFloats / Swift.max(1, geometry.outputPixels * geometry.patchSize))
    }
    /// The im2col floats a weight-gradient group aims at (tests lower it to get several groups from small inputs).
    var gradientGroupFloats = 256 << 10

    /// The fixed chunks of `samplesPerChunk` samples of `batch` and the threads that share them.
    private func chunkPlan(_ batch: Int, _ geometry: WindowGeometry) -> (samples: Int, chunks: Int, parts: Int) {
        let samples = samplesPerChunk(geometry), chunks = (batch + samples - 1) / samples
        return (samples, chunks, Swift.max(1, Swift.min(Parallelism.threadCount, chunks)))
    }

    /// Runs `body(samples, part)` for each chunk of `plan`, split over `plan.parts` threads; `part` numbers
    /// the thread's share, so each thread can own scratch space.
    private func forEachChunk(_ batch: Int, _ plan: (samples: Int, chunks: Int, parts: Int), _ body: (Range<Int>, Int) -> Void) {
        Parallelism.run(plan.parts) { part in
            for index in (plan.chunks * part / plan.parts)..<(plan.chunks * (part + 1) / plan.parts) {
                body(index * plan.samples..<Swift.min((index + 1) * plan.samples, batch), part)
            }
        }
    }

    /// dKernel = Σ over groups of samples of colᵀ · dz, one SGEMM per group added in order, each group's im2col
    /// rows built again while the group is in cache. Threads split dKernel's rows (the im2col columns) in blocks
    /// of 16 and each runs every group for its own rows with all the filters, building only its own columns of
    /// the group's im2col matrix: the sum over samples never crosses threads, a step hands work to the threads
    /// once, and the im2col work is shared instead of repeated by every thread (as a split of the filters needs).
    private func kernelGradientFromColumns(_ input: UnsafeBufferPointer<Float>, _ dz: UnsafeBufferPointer<Float>,
                                           batch: Int, _ geometry: WindowGeometry) {
        let pixels = geometry.outputPixels, k = geometry.patchSize, filters = self.filters
        let inputCount = geometry.inputCount, rowsPerSample = pixels * k
        let group = samplesPerGradientGroup(geometry)
        let blocks = Swift.max(1, k / 16), parts = Swift.max(1, Swift.min(Parallelism.threadCount, blocks))
        let scratch = geometry.isPointwise ? nil : columns.view(parts * group * rowsPerSample).baseAddress!
        let x = input.baseAddress!, gradient = kernel!.gradients.baseAddress!
        Parallelism.run(parts) { part in
            let first = 16 * (blocks * part / parts), end = part == parts - 1 ? k : 16 * (blocks * (part + 1) / parts)
            let width = end - first
            for start in stride(from: 0, to: batch, by: group) {
                let count = Swift.min(group, batch - start)
                // The pointwise input is its own im2col matrix: its rows are k apart.
                var a = x + start * inputCount + first, lda = k
                if let scratch {
                    let matrix = scratch + part * group * rowsPerSample
                    for s in 0..<count {
                        geometry.im2col(x + (start + s) * inputCount, patchColumns: first..<end, into: matrix + s * pixels * width)
                    }
                    a = UnsafePointer(matrix)
                    lda = width
                }
                sgemm(transA: true, m: width, n: filters, k: count * pixels,
                      a: UnsafeBufferPointer(start: a, count: (count * pixels - 1) * lda + width), lda: lda,
                      b: UnsafeBufferPointer(rebasing: dz[(start * pixels * filters)..<((start + count) * pixels * filters)]),
                      ldb: filters, beta: start == 0 ? 0 : 1,
                      c: UnsafeMutableBufferPointer(start: gradient + first * filters, count: width * filters), ldc: filters)
            }
        }
    }

    func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, pass: LayerPass) {
        let geometry = geometry!
        let activation = pass.activationLeftToLoss ? .linear : self.activation
        let biasValues = bias.map { UnsafePointer($0.values.baseAddress!) }
        if path(geometry) == .direct {
            DirectConvolution(geometry: geometry, filters: filters)
                .forward(input.baseAddress!, kernel: kernel!.values.baseAddress!, bias: biasValues, into: output.baseAddress!,
                         batch: pass.batchSize, fuseRelu: activation == .relu)
            if activation != .relu { activation.apply(output, rows: pass.batchSize * geometry.outputPixels, width: filters) }
            return
        }
        let pixels = geometry.outputPixels, k = geometry.patchSize, filters = self.filters
        let kernelValues = kernel!.values.readOnly
        if geometry.isPointwise {
            sgemm(m: pass.batchSize * pixels, n: filters, k: k, a: input, lda: k, b: kernelValues, ldb: filters,
                  beta: 0, c: output, ldc: filters)
            addBias(biasValues, andActivate: activation, output, rows: pass.batchSize * pixels, width: filters)
            return
        }
        // Each thread builds a chunk's im2col rows and multiplies them right away, while they are in its cache.
        let rowsPerSample = pixels * k, inputCount = geometry.inputCount
        let plan = chunkPlan(pass.batchSize, geometry)
        let scratch = columns.view(plan.parts * plan.samples * rowsPerSample).baseAddress!
        let x = input.baseAddress!, y = output.baseAddress!
        forEachChunk(pass.batchSize, plan) { range, part in
            let a = scratch + part * plan.samples * rowsPerSample
            for s in range { geometry.im2col(x + s * inputCount, into: a + (s - range.lowerBound) * rowsPerSample) }
            let c = UnsafeMutableBufferPointer(start: y + range.lowerBound * pixels * filters, count: range.count * pixels * filters)
            sgemm(m: range.count * pixels, n: filters, k: k, a: UnsafeBufferPointer(start: a, count: range.count * rowsPerSample),
                  lda: k, b: kernelValues, ldb: filters, beta: 0, c: c, ldc: filters)
            addBias(biasValues, andActivate: activation, c, rows: range.count * pixels, width: filters)
        }
    }

    func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                  outputGradient: UnsafeMutableBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                  pass: LayerPass) {
        let geometry = geometry!
        let pixels = geometry.outputPixels, k = geometry.patchSize
        let rows = pass.batchSize * pixels
        if !pass.activationLeftToLoss && activation == .relu && filters % 16 == 0, let bias {
            reluBackwardWithColumnSums(output: output, gradient: outputGradient, rows: rows, width: filters, into: bias.gradients)
        } else {
            if !pass.activationLeftToLoss {
                activation.backward(output: output, gradient: outputGradient, rows: rows, width: filters)
            }
            if let bias { columnSums(outputGradient.readOnly, rows: rows, width: filters, into: bias.gradients) }
        }
        let dz = outputGradient.readOnly
        if path(geometry) == .direct {
            DirectConvolution(geometry: geometry, filters: filters)
                .kernelGradient(input.baseAddress!, outputGradient: dz.baseAddress!, into: kernel!.gradients.baseAddress!,
                                batch: pass.batchSize)
        } else {
            kernelGradientFromColumns(input, dz, batch: pass.batchSize, geometry)
        }
        guard let inputGradient else { return }
        let kernelValues = kernel!.values.readOnly
        if geometry.isPointwise {
            sgemm(transB: true, m: rows, n: k, k: filters, a: dz, lda: filters, b: kernelValues, ldb: filters,
                  beta: 0, c: inputGradient, ldc: k)
            return
        }
        // Per chunk and thread: dcol = dz · kernelᵀ into the thread's scratch, scattered back onto the input
        // positions (col2im) while still in cache.
        let plan = chunkPlan(pass.batchSize, geometry), rowsPerSample = pixels * k, inputCount = geometry.inputCount
        let scratch = columnGradients.view(plan.parts * plan.samples * rowsPerSample).baseAddress!
        let dzBase = dz.baseAddress!, dx = inputGradient.baseAddress!, filters = self.filters
        forEachChunk(pass.batchSize, plan) { range, part in
            let dcol = scratch + part * plan.samples * rowsPerSample
            sgemm(transB: true, m: range.count * pixels, n: k, k: filters,
                  a: UnsafeBufferPointer(start: dzBase + range.lowerBound * pixels * filters, count: range.count * pixels * filters),
                  lda: filters, b: kernelValues, ldb: filters, beta: 0,
                  c: UnsafeMutableBufferPointer(start: dcol, count: range.count * rowsPerSample), ldc: k)
            for s in range {
                geometry.col2im(dcol + (s - range.lowerBound) * rowsPerSample, into: dx + s * inputCount)
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
