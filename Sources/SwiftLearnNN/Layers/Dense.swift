import SwiftLearnGEMM
import SwiftLearnSystem

/// A fully connected layer: `y = activation(x · kernel + bias)` over the last axis.
///
/// Shapes: input `[batch, ..., inputWidth]`, kernel `[inputWidth, units]`, bias `[units]`,
/// output `[batch, ..., units]`. The kernel starts Glorot-uniform (`U(-l, l)`, `l = sqrt(6 / (in + out))`)
/// and the bias at zero, as in Keras (`kernelInitializer`, `biasInitializer` change that).
///
/// ```swift
/// Dense(100, activation: .relu)
/// Dense(10, activation: .softmax, inputShape: [784])
/// ```
public final class Dense: Layer, KernelLayer {
    /// The output width.
    public let units: Int
    /// The activation applied after the affine map.
    public let activation: ActivationFunction
    /// Whether the layer adds a bias.
    public let useBias: Bool
    public let kernelInitializer: Initializer
    public let biasInitializer: Initializer

    public private(set) var kernel: Weight?
    public private(set) var bias: Weight?
    private var inputWidth = 0
    /// One buffer per kernel panel for the panel's transposed forward output.
    private var transposedOutputs: [FloatBuffer] = []

    public init(_ units: Int, activation: ActivationFunction = .linear, useBias: Bool = true,
                kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                inputShape: [Int]? = nil, name: String? = nil) {
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        super.init(inputShape: inputShape, name: name)
    }

    public override var className: String { "Dense" }

    public override var outputActivation: ActivationFunction? { activation }

    public override func validateArguments() throws {
        try super.validateArguments()
        guard units > 0 else {
            throw NNError.invalidArgument("Dense '\(name)': units must be a positive integer, received \(units)")
        }
        try affineArguments.validate(owner: "Dense '\(name)'")
    }

    public override func computeOutputShape(inputShape: [Int]) throws -> [Int] {
        guard let last = inputShape.last, last > 0 else {
            throw NNError.shapeMismatch("Dense '\(name)' needs inputs with a last axis, received input of shape \(kerasShape(inputShape))")
        }
        return inputShape.dropLast() + [units]
    }

    public override func buildWeights(inputShape: [Int]) throws {
        inputWidth = inputShape.last!
        let kernel = try addWeight(name: "kernel", shape: [inputWidth, units], initializer: kernelInitializer)
        let panels = Dense.kernelPanels(inputWidth: inputWidth, units: units)
        if panels.count > 1 {
            kernel.arrange(in: panels)
            transposedOutputs = (0..<panels.count).map { _ in FloatBuffer() }
        }
        self.kernel = kernel
        bias = useBias ? try addWeight(name: "bias", shape: [units], initializer: biasInitializer) : nil
    }

    func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, pass: LayerPass) {
        let rows = input.count / inputWidth
        let activation = pass.activationLeftToLoss ? .linear : self.activation
        let kernel = self.kernel!, w = kernel.values.readOnly
        let multiplyAdds = rows * units * inputWidth
        // Output columns split over the pool; each share adds its bias (and relu) while its columns are in cache.
        if let panels = kernel.panels {
            // Each panel's yᵀ = W_pᵀ · xᵀ (the panel's width as SGEMM's rows), then transposed into y's columns.
            let scratch = transposedOutputs
            forEachPanel(of: panels, multiplyAdds: multiplyAdds) { panel, columns in
                let yT = scratch[panel].view(columns.count * rows)
                sgemm(transB: true, m: columns.count, n: rows, k: inputWidth,
                      a: UnsafeBufferPointer(rebasing: w[panels.start(panel)...]), lda: inputWidth,
                      b: input, ldb: inputWidth, beta: 0, c: yT, ldc: rows)
                addBias(transposed: yT.readOnly, into: output, rows: rows, columns: columns, relu: activation == .relu)
            }
        } else {
            forEachShare(of: units, multiplyAdds: multiplyAdds) { columns in
                sgemm(m: rows, n: columns.count, k: inputWidth,
                      a: input, lda: inputWidth,
                      b: UnsafeBufferPointer(rebasing: w[columns.lowerBound...]), ldb: units,
                      beta: 0, c: UnsafeMutableBufferPointer(rebasing: output[columns.lowerBound...]), ldc: units)
                addBias(output, rows: rows, columns: columns, relu: activation == .relu)
            }
        }
        if activation != .relu { activation.apply(output, rows: rows, width: units) }
    }

    /// Adds the bias to `columns` of every row, then relu when asked, while the row's columns are in L1.
    private func addBias(_ output: UnsafeMutableBufferPointer<Float>, rows: Int, columns: Range<Int>, relu: Bool) {
        guard let y = output.baseAddress else { return }
        let b = bias?.values.baseAddress
        for row in 0..<rows {
            let yr = y + row * units
            if let b { for j in columns { yr[j] += b[j] } }
            if relu { for j in columns { yr[j] = Swift.max(yr[j], 0) } }
        }
    }

    /// `y[r, j] = yT[j - columns.lowerBound, r] + bias[j]` (then relu when asked) for `j` in `columns`: yT goes
    /// into y's columns in SGEMM's register-block transposes, then the bias and relu run along the rows (the same
    /// two roundings per element as before). A scalar gather down yT's columns cost 3% of a 784-100-10 batch-256
    /// epoch (perf, 2026-12-04): at batch 256 yT's columns are 1 KiB apart, and 50 of them fall into 8 L1 sets.
    private func addBias(transposed yT: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                         rows: Int, columns: Range<Int>, relu: Bool) {
        guard let y = output.baseAddress, let t = yT.baseAddress else { return }
        transposeBlock(t, ld: rows, rows: columns.count, columns: rows, into: y + columns.lowerBound, targetLD: units)
        addBias(output, rows: rows, columns: columns, relu: relu)
    }

    func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                  outputGradient: UnsafeMutableBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                  pass: LayerPass) {
        backward(input: input, output: output, outputGradient: outputGradient, inputGradient: inputGradient, pass: pass,
                 step: nil)
    }

    /// The backward pass; with `step`, also this layer's part of the optimizer step.
    ///
    /// A kernel in column panels (see ``kernelPanels(inputWidth:units:)``): `dx = dz · Wᵀ` first, split over
    /// input features, from the old kernel (each feature's sum runs over the panels in order, whatever the
    /// threads); then each panel's share computes its columns of `db` and `dW = xᵀ · dz` and updates its panel
    /// of the kernel (and its columns of the bias) with the optimizer while the gradient is in cache. The
    /// core that updates a panel is the one whose forward pass reads it next step.
    ///
    /// A row-major kernel: the kernel's rows (input features) are split over the pool: a share computes its
    /// columns of `dx` from the old rows, then `dW` for the rows, then updates those rows. Rows are contiguous
    /// in the kernel, so no cache line is written from two threads.
    func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                  outputGradient: UnsafeMutableBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                  pass: LayerPass, step: FusedStep?) {
        let rows = input.count / inputWidth
        if !pass.activationLeftToLoss {
            activation.backward(output: output, gradient: outputGradient, rows: rows, width: units)
        }
        let dz = outputGradient.readOnly
        if let panels = kernel!.panels {
            backwardByPanels(panels, input: input, outputGradient: dz, inputGradient: inputGradient, step: step)
            return
        }
        if let bias {
            columnSums(dz, rows: rows, width: units, into: bias.gradients)
            if let step, let range = step.claim(bias) { step.update(range, from: 0, to: units) }
        }
        let kernel = self.kernel!
        let w = kernel.values.readOnly, dw = kernel.gradients
        let update = step.flatMap { $0.claim(kernel) }
        let units = self.units, inputWidth = self.inputWidth
        forEachShare(of: inputWidth, multiplyAdds: rows * units * inputWidth) { features in
            if let inputGradient {
                sgemm(transB: true, m: rows, n: features.count, k: units,
                      a: dz, lda: units, b: UnsafeBufferPointer(rebasing: w[(features.lowerBound * units)...]), ldb: units,
                      beta: 0, c: UnsafeMutableBufferPointer(rebasing: inputGradient[features.lowerBound...]), ldc: inputWidth)
            }
            // dW through the transpose flag rather than a transposed copy of x.
            sgemm(transA: true, m: features.count, n: units, k: rows,
                  a: UnsafeBufferPointer(rebasing: input[features.lowerBound...]), lda: inputWidth, b: dz, ldb: units,
                  beta: 0, c: UnsafeMutableBufferPointer(rebasing: dw[(features.lowerBound * units)...]), ldc: units)
            if let update, let step {
                step.update(update, from: features.lowerBound * units, to: features.upperBound * units)
            }
        }
    }

    private func backwardByPanels(_ panels: ColumnPanels, input: UnsafeBufferPointer<Float>, outputGradient dz: UnsafeBufferPointer<Float>,
                                  inputGradient: UnsafeMutableBufferPointer<Float>?, step: FusedStep?) {
        let rows = input.count / inputWidth, units = self.units, inputWidth = self.inputWidth
        let kernel = self.kernel!, w = kernel.values.readOnly, dw = kernel.gradients
        let multiplyAdds = rows * units * inputWidth
        if let inputGradient {
            forEachShare(of: inputWidth, multiplyAdds: multiplyAdds) { features in
                for panel in 0..<panels.count {
                    let columns = panels.columns(panel)
                    sgemm(m: rows, n: features.count, k: columns.count,
                          a: UnsafeBufferPointer(rebasing: dz[columns.lowerBound...]), lda: units,
                          b: UnsafeBufferPointer(rebasing: w[(panels.start(panel) + features.lowerBound)...]),
                          ldb: inputWidth, beta: panel == 0 ? 0 : 1,
                          c: UnsafeMutableBufferPointer(rebasing: inputGradient[features.lowerBound...]), ldc: inputWidth)
                }
            }
        }
        let bias = self.bias
        let biasUpdate = bias.flatMap { bias in step.flatMap { $0.claim(bias) } }
        let kernelUpdate = step.flatMap { $0.claim(kernel) }
        forEachPanel(of: panels, multiplyAdds: multiplyAdds) { panel, columns in
            if let bias {
                columnSums(dz, rows: rows, width: units, columns: columns, into: bias.gradients)
                if let biasUpdate, let step { step.update(biasUpdate, from: columns.lowerBound, to: columns.upperBound) }
            }
            let start = panels.start(panel)
            // dW_pᵀ = dz_pᵀ · x, in the panel's (column-by-column) order.
            sgemm(transA: true, m: columns.count, n: inputWidth, k: rows,
                  a: UnsafeBufferPointer(rebasing: dz[columns.lowerBound...]), lda: units, b: input, ldb: inputWidth,
                  beta: 0, c: UnsafeMutableBufferPointer(rebasing: dw[start...]), ldc: inputWidth)
            if let kernelUpdate, let step { step.update(kernelUpdate, from: start, to: start + inputWidth * columns.count) }
        }
    }

    /// Whether every product of this layer's forward and backward pass on `batchSize` samples stays on the
    /// calling thread (a row-major kernel and a product below the split size; see ``shareCount(_:multiplyAdds:)``).
    func runsOnOneThread(batchSize: Int) -> Bool {
        guard let kernel, kernel.panels == nil, let inputShape, inputWidth > 0 else { return false }
        let multiplyAdds = batchSize * inputShape.reduce(1, *) / inputWidth * units * inputWidth
        return Dense.shareCount(units, multiplyAdds: multiplyAdds) == 1 && Dense.shareCount(inputWidth, multiplyAdds: multiplyAdds) == 1
    }

    private var affineArguments: AffineArguments {
        AffineArguments(activation: activation, useBias: useBias, kernelInitializer: kernelInitializer, biasInitializer: biasInitializer)
    }

    public override var config: [String: JSONValue] {
        affineArguments.config.merging(["units": .number(Double(units))]) { $1 }
    }
}

/// Runs `body` over consecutive ranges that cover `0..<count` output columns (or rows) of a product of
/// `multiplyAdds` multiply-adds, on the worker pool when there is more than one.
///
/// The ranges are a function of `count` and `multiplyAdds` alone, never of the thread count, and each
/// output element is computed whole by one share: results are bit-identical for every thread count.
/// Products below ``Dense/parallelMultiplyAdds`` run as one share; larger ones in 2 or 4 shares whose
/// bounds are multiples of 16 (so each share's columns start on a vector boundary). Each thread takes a
/// fixed, contiguous run of shares, so from one step to the next a core finds its part of the kernel and
/// of its gradient in its own cache.
///
/// ```swift
/// forEachShare(of: 100, multiplyAdds: 32 * 100 * 784) { columns in print(columns) }  // 0..<48, 48..<100
/// ```
func forEachShare(of count: Int, multiplyAdds: Int, _ body: (Range<Int>) -> Void) {
    let shares = Dense.shareCount(count, multiplyAdds: multiplyAdds)
    forEachRun(of: shares, workers: shares) { index in
        let columns = shareRange(index, of: shares, covering: count)
        if !columns.isEmpty { body(columns) }
    }
}

/// Runs `body(panel, columns)` for every panel of a kernel in ``ColumnPanels`` order, on the pool when the
/// product (`multiplyAdds`) would be split into shares, each thread taking a fixed, contiguous run of panels.
/// The panels are fixed when the layer is built, so the bits do not depend on the thread count or the batch.
func forEachPanel(of panels: ColumnPanels, multiplyAdds: Int, _ body: (Int, Range<Int>) -> Void) {
    let threaded = multiplyAdds / Swift.max(Dense.parallelMultiplyAdds, 1) >= 2
    forEachRun(of: panels.count, workers: threaded ? panels.count : 1) { body($0, panels.columns($0)) }
}

/// Share `index` of `shares` over `0..<count`: bounds at multiples of 16, the last share taking the rest.
func shareRange(_ index: Int, of shares: Int, covering count: Int) -> Range<Int> {
    let lower = index == 0 ? 0 : count * index / shares / 16 * 16
    let upper = index == shares - 1 ? count : count * (index + 1) / shares / 16 * 16
    return lower..<upper
}

/// Calls `body(0..<shares)` on up to `workers` threads, each taking a fixed, contiguous run of indices.
private func forEachRun(of shares: Int, workers wanted: Int, _ body: (Int) -> Void) {
    let workers = Swift.max(1, Swift.min(wanted, Parallelism.threadCount))
    Parallelism.run(workers) { worker in
        for index in shares * worker / workers..<shares * (worker + 1) / workers { body(index) }
    }
}

extension Dense {
    /// Products of at least this many multiply-adds are split into column (or row) shares on the
    /// worker pool. 2^17: a share of 65k multiply-adds is about a microsecond of work, the pool's hand-off
    /// latency. (A variable so tests can force the split on small models.)
    nonisolated(unsafe) static var parallelMultiplyAdds = 1 << 17

    /// The column panels of a kernel `[inputWidth, units]`: two panels of even width when its forward
    /// product at batch 32 (the usual training batch) is split in two, otherwise one (a row-major kernel).
    ///
    /// Only two: the panel products run with the panel's width as SGEMM's row count (`yᵀ = W_pᵀ · xᵀ`,
    /// `dW_pᵀ = dz_pᵀ · x`), which at widths up to ~64 beats the row-major products (3 Dec, 784 inputs, batch
    /// 32: forward 23-26 us against 21-35, weight gradient 16-23 against 23-28 per panel), but at widths
    /// 150-250 the transposed forward is 2-3x slower (784-1000-10 batch 32 went from 1.7-2.2 to 2.5-2.9 s per
    /// epoch with 4 panels of 250).
    static func kernelPanels(inputWidth: Int, units: Int) -> ColumnPanels {
        let shares = shareCount(units, multiplyAdds: 32 * inputWidth * units) == 2 ? 2 : 1
        return ColumnPanels(rows: inputWidth, columns: units, bounds: (0...shares).map { units * $0 / shares })
    }

    /// How many shares a product with `count` output columns (or rows) and `multiplyAdds` gets: 1, 2 or 4,
    /// each at least 32 wide and worth ``parallelMultiplyAdds``. A function of the shape only.
    static func shareCount(_ count: Int, multiplyAdds: Int) -> Int {
        let wanted = Swift.min(count / 32, multiplyAdds / Swift.max(parallelMultiplyAdds, 1))
        return wanted >= 4 ? 4 : wanted >= 2 ? 2 : 1
    }
}

/// `sums[j] = Σ_i values[i, j]` for `j` in `columns` (default: all), accumulated row by row so the inner
/// loop vectorizes.
func columnSums(_ values: UnsafeBufferPointer<Float>, rows: Int, width: Int, columns: Range<Int>? = nil,
                into sums: UnsafeMutableBufferPointer<Float>) {
    let columns = columns ?? 0..<width
    let s = sums.baseAddress! + columns.lowerBound
    s.update(repeating: 0, count: columns.count)
    guard let v = values.baseAddress else { return }
    for row in 0..<rows {
        let vr = v + row * width + columns.lowerBound
        for j in 0..<columns.count { s[j] += vr[j] }
    }
}
