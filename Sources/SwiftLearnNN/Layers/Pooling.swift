/// The shared machinery of the 2-D pooling layers: a window slides over channels-last samples
/// `[height, width, channels]` and each channel is reduced separately (maximum or mean of the taps that
/// fall inside the input; padding never takes part, as in TensorFlow).
///
/// Forward and backward split the batch over threads; each sample is computed alone, so results do not
/// depend on the thread count. The maximum's gradient goes to the first maximal tap in row-major window
/// order.
public class Pooling2D: Layer, KernelLayer {
    enum Reduction { case maximum, average }

    let reduction: Reduction
    var geometry: WindowGeometry?

    init(reduction: Reduction, inputShape: [Int]?, name: String?) {
        self.reduction = reduction
        super.init(inputShape: inputShape, name: name)
    }

    /// The window, its strides and padding for a per-sample input shape.
    func window(for inputShape: [Int]) throws -> (size: Size2D, strides: Size2D, padding: Padding) {
        fatalError("Pooling2D subclasses provide their window")
    }

    func makeGeometry(_ inputShape: [Int]) throws -> WindowGeometry {
        guard inputShape.count == 3 else {
            throw NNError.shapeMismatch("\(className) '\(name)' expects inputs of shape (None, height, width, channels), received input of shape \(kerasShape(inputShape))")
        }
        let window = try window(for: inputShape)
        return try WindowGeometry(inputShape: inputShape, window: window.size, strides: window.strides, dilation: 1,
                                  padding: window.padding, owner: "\(className) '\(name)'")
    }

    public override func computeOutputShape(inputShape: [Int]) throws -> [Int] {
        let geometry = try makeGeometry(inputShape)
        return [geometry.rows.output, geometry.columns.output, geometry.channels]
    }

    public override func buildWeights(inputShape: [Int]) throws {
        geometry = try makeGeometry(inputShape)
    }

    func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, pass: LayerPass) {
        let geometry = geometry!
        let c = geometry.channels, inputCount = geometry.inputCount, outputCount = geometry.outputPixels * c
        let x = input.baseAddress!, y = output.baseAddress!
        let reduction = self.reduction
        forEachSampleRange(pass.batchSize) { samples in
            for s in samples {
                let sample = x + s * inputCount
                for oh in 0..<geometry.rows.output {
                    for ow in 0..<geometry.columns.output {
                        let out = y + s * outputCount + (oh * geometry.columns.output + ow) * c
                        var taps = 0
                        out.update(repeating: reduction == .maximum ? -.infinity : 0, count: c)
                        geometry.forEachTap(oh, ow) { _, pixel in
                            guard let pixel else { return }
                            let source = sample + pixel * c
                            taps += 1
                            if reduction == .maximum {
                                for k in 0..<c { out[k] = Swift.max(out[k], source[k]) }
                            } else {
                                for k in 0..<c { out[k] += source[k] }
                            }
                        }
                        if reduction == .average {
                            let scale = 1 / Float(taps)
                            for k in 0..<c { out[k] *= scale }
                        }
                    }
                }
            }
        }
    }

    func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                  outputGradient: UnsafeMutableBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                  pass: LayerPass) {
        guard let inputGradient else { return }
        let geometry = geometry!
        let c = geometry.channels, inputCount = geometry.inputCount, outputCount = geometry.outputPixels * c
        let x = input.baseAddress!, dy = outputGradient.baseAddress!, dx = inputGradient.baseAddress!
        let reduction = self.reduction
        forEachSampleRange(pass.batchSize) { samples in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: c) { best in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: c) { bestPixel in
                    for s in samples {
                        let sample = x + s * inputCount, gradient = dx + s * inputCount
                        gradient.update(repeating: 0, count: inputCount)
                        for oh in 0..<geometry.rows.output {
                            for ow in 0..<geometry.columns.output {
                                let upstream = dy + s * outputCount + (oh * geometry.columns.output + ow) * c
                                if reduction == .average {
                                    var taps = 0
                                    geometry.forEachTap(oh, ow) { _, pixel in taps += pixel == nil ? 0 : 1 }
                                    let scale = 1 / Float(taps)
                                    geometry.forEachTap(oh, ow) { _, pixel in
                                        guard let pixel else { return }
                                        let target = gradient + pixel * c
                                        for k in 0..<c { target[k] += upstream[k] * scale }
                                    }
                                    continue
                                }
                                best.initialize(repeating: -.infinity)
                                bestPixel.initialize(repeating: -1)
                                geometry.forEachTap(oh, ow) { _, pixel in
                                    guard let pixel else { return }
                                    let source = sample + pixel * c
                                    for k in 0..<c where source[k] > best[k] || bestPixel[k] < 0 {
                                        best[k] = source[k]
                                        bestPixel[k] = pixel
                                    }
                                }
                                for k in 0..<c { gradient[bestPixel[k] * c + k] += upstream[k] }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The window arguments shared by ``MaxPooling2D`` and ``AveragePooling2D`` (Keras's `pool_size`,
/// `strides` defaulting to the pool size, `padding`).
public class WindowPooling2D: Pooling2D {
    public let poolSize: Size2D
    /// The step between windows; the pool size when not given.
    public let strides: Size2D
    public let padding: Padding

    init(reduction: Reduction, poolSize: Size2D, strides: Size2D?, padding: Padding, inputShape: [Int]?, name: String?) {
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
        super.init(reduction: reduction, inputShape: inputShape, name: name)
    }

    public override func validateArguments() throws {
        try super.validateArguments()
        try poolSize.validate("poolSize", owner: "\(className) '\(name)'")
        try strides.validate("strides", owner: "\(className) '\(name)'")
    }

    override func window(for inputShape: [Int]) throws -> (size: Size2D, strides: Size2D, padding: Padding) {
        (poolSize, strides, padding)
    }

    public override var config: [String: JSONValue] {
        ["pool_size": poolSize.json, "strides": strides.json, "padding": .string(padding.rawValue)]
    }
}

/// The maximum of each channel over a sliding window (Keras's `MaxPooling2D`): input
/// `[batch, height, width, channels]`, output `[batch, outHeight, outWidth, channels]`; no weights.
///
/// ```swift
/// MaxPooling2D(2)                                      // 28 x 28 → 14 x 14
/// MaxPooling2D(3, strides: 2, padding: .same)
/// ```
public final class MaxPooling2D: WindowPooling2D {
    public init(_ poolSize: Size2D = 2, strides: Size2D? = nil, padding: Padding = .valid,
                inputShape: [Int]? = nil, name: String? = nil) {
        super.init(reduction: .maximum, poolSize: poolSize, strides: strides, padding: padding, inputShape: inputShape, name: name)
    }

    public override var className: String { "MaxPooling2D" }
}

/// The mean of each channel over a sliding window (Keras's `AveragePooling2D`); with `.same` padding a
/// border window averages only the values inside the input.
///
/// ```swift
/// AveragePooling2D(2)
/// ```
public final class AveragePooling2D: WindowPooling2D {
    public init(_ poolSize: Size2D = 2, strides: Size2D? = nil, padding: Padding = .valid,
                inputShape: [Int]? = nil, name: String? = nil) {
        super.init(reduction: .average, poolSize: poolSize, strides: strides, padding: padding, inputShape: inputShape, name: name)
    }

    public override var className: String { "AveragePooling2D" }
}

/// A reduction of each channel over the whole image: `[batch, height, width, channels]` →
/// `[batch, channels]` (or `[batch, 1, 1, channels]` with `keepDims`).
public class GlobalPooling2D: Pooling2D {
    /// Keep the two spatial axes with extent 1 (Keras's `keepdims`).
    public let keepDims: Bool

    init(reduction: Reduction, keepDims: Bool, inputShape: [Int]?, name: String?) {
        self.keepDims = keepDims
        super.init(reduction: reduction, inputShape: inputShape, name: name)
    }

    override func window(for inputShape: [Int]) throws -> (size: Size2D, strides: Size2D, padding: Padding) {
        (Size2D(inputShape[0], inputShape[1]), 1, .valid)
    }

    public override func computeOutputShape(inputShape: [Int]) throws -> [Int] {
        let channels = try makeGeometry(inputShape).channels
        return keepDims ? [1, 1, channels] : [channels]
    }

    public override var config: [String: JSONValue] { ["keepdims": .bool(keepDims)] }
}

/// The mean of each channel over height and width (Keras's `GlobalAveragePooling2D`).
///
/// ```swift
/// GlobalAveragePooling2D()   // (None, 7, 7, 64) → (None, 64)
/// ```
public final class GlobalAveragePooling2D: GlobalPooling2D {
    public init(keepDims: Bool = false, inputShape: [Int]? = nil, name: String? = nil) {
        super.init(reduction: .average, keepDims: keepDims, inputShape: inputShape, name: name)
    }

    public override var className: String { "GlobalAveragePooling2D" }
}

/// The maximum of each channel over height and width (Keras's `GlobalMaxPooling2D`).
///
/// ```swift
/// GlobalMaxPooling2D()       // (None, 7, 7, 64) → (None, 64)
/// ```
public final class GlobalMaxPooling2D: GlobalPooling2D {
    public init(keepDims: Bool = false, inputShape: [Int]? = nil, name: String? = nil) {
        super.init(reduction: .maximum, keepDims: keepDims, inputShape: inputShape, name: name)
    }

    public override var className: String { "GlobalMaxPooling2D" }
}
