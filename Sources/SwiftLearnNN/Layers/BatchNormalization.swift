/// Normalizes each channel (the last axis) to zero mean and unit variance, then scales and shifts it
/// (Keras's `BatchNormalization`, `axis=-1`):
///
///     y = gamma · (x - mean) / sqrt(variance + epsilon) + beta
///
/// In training (`fit`), `mean` and `variance` are the batch's (over every axis but the last, biased
/// variance), and the moving statistics follow them:
/// `moving = moving · momentum + batch · (1 - momentum)`, as Keras 3 does. Outside training (`predict`,
/// `evaluate`, a frozen layer) the moving statistics are used. Weights, in Keras's order: `gamma` (ones),
/// `beta` (zeros), `moving_mean` (zeros), `moving_variance` (ones), each `[channels]`; the last two are not
/// trainable, so `summary()` counts 4 parameters per channel, 2 trainable.
///
/// ```swift
/// Conv2D(32, kernelSize: 3, useBias: false)
/// BatchNormalization()
/// Activation(.relu)
/// ```
public final class BatchNormalization: Layer, KernelLayer {
    public let momentum: Double
    public let epsilon: Double

    public private(set) var gamma: Weight?
    public private(set) var beta: Weight?
    public private(set) var movingMean: Weight?
    public private(set) var movingVariance: Weight?
    private var channels = 0
    /// Per-channel scratch: mean, 1/sqrt(variance + epsilon), and two sums for the backward pass.
    private let statistics = FloatBuffer()

    public init(momentum: Double = 0.99, epsilon: Double = 1e-3, inputShape: [Int]? = nil, name: String? = nil) {
        self.momentum = momentum
        self.epsilon = epsilon
        super.init(inputShape: inputShape, name: name)
    }

    public override var className: String { "BatchNormalization" }

    public override func validateArguments() throws {
        try super.validateArguments()
        guard momentum >= 0, momentum <= 1 else {
            throw NNError.invalidArgument("BatchNormalization '\(name)': momentum must be in [0, 1], received \(momentum)")
        }
        guard epsilon > 0, epsilon.isFinite else {
            throw NNError.invalidArgument("BatchNormalization '\(name)': epsilon must be a positive number, received \(epsilon)")
        }
    }

    public override func buildWeights(inputShape: [Int]) throws {
        channels = inputShape.last!
        gamma = try addWeight(name: "gamma", shape: [channels], initializer: .ones)
        beta = try addWeight(name: "beta", shape: [channels], initializer: .zeros)
        movingMean = try addWeight(name: "moving_mean", shape: [channels], initializer: .zeros, trainable: false)
        movingVariance = try addWeight(name: "moving_variance", shape: [channels], initializer: .ones, trainable: false)
    }

    /// Batch statistics are used in training unless the layer is frozen (Keras 3 runs a frozen
    /// BatchNormalization in inference mode).
    private func usesBatchStatistics(_ pass: LayerPass) -> Bool { pass.training && trainable }

    /// Writes the per-channel mean, variance and 1/sqrt(variance + epsilon):
    /// of the batch (two passes over the rows, channels innermost so the loops vectorize), or the moving ones.
    private func computeStatistics(_ input: UnsafeBufferPointer<Float>, batch: Bool, mean: UnsafeMutablePointer<Float>,
                                   variance: UnsafeMutablePointer<Float>, inverseDeviation: UnsafeMutablePointer<Float>) {
        let c = channels, rows = input.count / c
        let x = input.baseAddress!
        if batch {
            mean.update(repeating: 0, count: c)
            variance.update(repeating: 0, count: c)
            for row in 0..<rows {
                let xr = x + row * c
                for k in 0..<c { mean[k] += xr[k] }
            }
            let scale = 1 / Float(rows)
            for k in 0..<c { mean[k] *= scale }
            for row in 0..<rows {
                let xr = x + row * c
                for k in 0..<c {
                    let centred = xr[k] - mean[k]
                    variance[k] += centred * centred
                }
            }
            for k in 0..<c { variance[k] *= scale }
        } else {
            mean.update(from: movingMean!.values.baseAddress!, count: c)
            variance.update(from: movingVariance!.values.baseAddress!, count: c)
        }
        let epsilon = Float(self.epsilon)
        for k in 0..<c { inverseDeviation[k] = 1 / (variance[k] + epsilon).squareRoot() }
    }

    func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, pass: LayerPass) {
        let c = channels, rows = input.count / c
        let scratch = statistics.view(5 * c).baseAddress!
        let mean = scratch, variance = scratch + c, inverseDeviation = scratch + 2 * c
        let scale = scratch + 3 * c, shift = scratch + 4 * c
        let batch = usesBatchStatistics(pass)
        computeStatistics(input, batch: batch, mean: mean, variance: variance, inverseDeviation: inverseDeviation)
        if batch {
            let m = Float(momentum), movingMeans = movingMean!.values, movingVariances = movingVariance!.values
            for k in 0..<c {
                movingMeans[k] = movingMeans[k] * m + mean[k] * (1 - m)
                movingVariances[k] = movingVariances[k] * m + variance[k] * (1 - m)
            }
        }
        let g = gamma!.values, b = beta!.values
        for k in 0..<c {
            scale[k] = g[k] * inverseDeviation[k]
            shift[k] = b[k] - mean[k] * scale[k]
        }
        let x = input.baseAddress!, y = output.baseAddress!
        for row in 0..<rows {
            let xr = x + row * c, yr = y + row * c
            for k in 0..<c { yr[k] = xr[k] * scale[k] + shift[k] }
        }
    }

    /// With batch statistics, `x̂ = (x - mean)·r` and `dx = gamma·r/N · (N·dy - Σdy - x̂·Σ(dy·x̂))`;
    /// with fixed statistics, `dx = gamma·r·dy`. Always `dgamma = Σ dy·x̂`, `dbeta = Σ dy`.
    func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                  outputGradient: UnsafeMutableBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                  pass: LayerPass) {
        let c = channels, rows = input.count / c
        let scratch = statistics.view(5 * c).baseAddress!
        let mean = scratch, variance = scratch + c, inverseDeviation = scratch + 2 * c
        let batch = usesBatchStatistics(pass)
        computeStatistics(input, batch: batch, mean: mean, variance: variance, inverseDeviation: inverseDeviation)
        let dgamma = gamma!.gradients.baseAddress!, dbeta = beta!.gradients.baseAddress!
        dgamma.update(repeating: 0, count: c)
        dbeta.update(repeating: 0, count: c)
        let x = input.baseAddress!, dy = outputGradient.baseAddress!
        for row in 0..<rows {
            let xr = x + row * c, gr = dy + row * c
            for k in 0..<c {
                dbeta[k] += gr[k]
                dgamma[k] += gr[k] * ((xr[k] - mean[k]) * inverseDeviation[k])
            }
        }
        guard let inputGradient else { return }
        let dx = inputGradient.baseAddress!, g = gamma!.values
        let factor = scratch + 3 * c
        for k in 0..<c { factor[k] = g[k] * inverseDeviation[k] }
        guard batch else {
            for row in 0..<rows {
                let gr = dy + row * c, dxr = dx + row * c
                for k in 0..<c { dxr[k] = gr[k] * factor[k] }
            }
            return
        }
        let inverseRows = 1 / Float(rows)
        let meanGradient = scratch + 4 * c
        for k in 0..<c { meanGradient[k] = dbeta[k] * inverseRows }
        for row in 0..<rows {
            let xr = x + row * c, gr = dy + row * c, dxr = dx + row * c
            for k in 0..<c {
                let normalized = (xr[k] - mean[k]) * inverseDeviation[k]
                dxr[k] = factor[k] * (gr[k] - meanGradient[k] - normalized * dgamma[k] * inverseRows)
            }
        }
    }

    public override var config: [String: JSONValue] {
        ["axis": .number(-1), "momentum": .number(momentum), "epsilon": .number(epsilon)]
    }
}
