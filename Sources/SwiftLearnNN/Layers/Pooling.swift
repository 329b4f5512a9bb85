/// The shared machinery of the 2-D pooling layers: a window slides over channels-last samples
/// `[height, width, channels]` and each channel is reduced separately (maximum or mean of the taps that
/// fall inside the input; padding never takes part, as in TensorFlow).
///
/// Forward and backward split the batch over threads and run 16 channels at a time; each sample is computed
/// alone, so results do not depend on the thread count. The maximum's gradient goes to the first maximal tap
/// in row-major window order.
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
        let maximum = reduction == .maximum
        if geometry.isTwoByTwoTiling {
            forEachSampleRange(pass.batchSize) { samples in
                for s in samples { twoByTwoForward(x + s * inputCount, into: y + s * outputCount, geometry, maximum: maximum) }
            }
            return
        }
        forEachSampleRange(pass.batchSize) { samples in
            for s in samples {
                let sample = x + s * inputCount
                geometry.forEachWindow { pixel, taps in
                    let out = y + s * outputCount + pixel * c
                    let scale = 1 / Float(taps.count)
                    forEachLaneBlock(c) { k in
                        var result = loadLanes(sample + taps.first * c + k)
                        taps.forEach(skippingFirst: true) { tap in
                            let value = loadLanes(sample + tap * c + k)
                            if maximum { result.replace(with: value, where: value .> result) } else { result += value }
                        }
                        storeLanes(maximum ? result : result * scale, out + k)
                    } scalar: { k in
                        var result = sample[taps.first * c + k]
                        taps.forEach(skippingFirst: true) { tap in
                            let value = sample[tap * c + k]
                            if maximum { result = value > result ? value : result } else { result += value }
                        }
                        out[k] = maximum ? result : result * scale
                    }
                }
            }
        }
    }

    /// Backward: the maximum's gradient goes to the first tap equal to the forward output (the first maximal
    /// tap in row-major window order), the mean's to every tap inside, scaled. Windows that do not overlap
    /// write each input position once, so the gradient needs no zero fill first unless some positions lie in
    /// no window.
    func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                  outputGradient: UnsafeMutableBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                  pass: LayerPass) {
        guard let inputGradient else { return }
        let geometry = geometry!
        let c = geometry.channels, inputCount = geometry.inputCount, outputCount = geometry.outputPixels * c
        let x = input.baseAddress!, y = output.baseAddress!, dy = outputGradient.baseAddress!, dx = inputGradient.baseAddress!
        let maximum = reduction == .maximum
        let overlapping = geometry.windowsOverlap, covering = geometry.windowsCoverInput
        let twoByTwo = geometry.isTwoByTwoTiling
        forEachSampleRange(pass.batchSize) { samples in
            for s in samples {
                let sample = x + s * inputCount, gradient = dx + s * inputCount
                if overlapping || !covering { gradient.update(repeating: 0, count: inputCount) }
                if twoByTwo {
                    twoByTwoBackward(sample, output: y + s * outputCount, outputGradient: dy + s * outputCount,
                                     into: gradient, geometry, maximum: maximum)
                    continue
                }
                geometry.forEachWindow { pixel, taps in
                    let upstream = dy + s * outputCount + pixel * c, best = y + s * outputCount + pixel * c
                    let scale = 1 / Float(taps.count)
                    forEachLaneBlock(c) { k in
                        let share = loadLanes(upstream + k), maximal = loadLanes(best + k)
                        var open = SIMDMask<SIMD16<Int32>>(repeating: true)  // lanes whose maximum is not yet found
                        taps.forEach(skippingFirst: false) { tap in
                            let target = gradient + tap * c + k
                            var part = share * scale
                            if maximum {
                                let hit = open .& (loadLanes(sample + tap * c + k) .== maximal)
                                open = open .& .!hit
                                part = Lanes.zero.replacing(with: share, where: hit)
                            }
                            storeLanes(overlapping ? loadLanes(target) + part : part, target)
                        }
                    } scalar: { k in
                        var open = true
                        taps.forEach(skippingFirst: false) { tap in
                            let target = gradient + tap * c + k
                            var part = upstream[k] * scale
                            if maximum {
                                let hit = open && sample[tap * c + k] == best[k]
                                open = open && !hit
                                part = hit ? upstream[k] : 0
                            }
                            target.pointee = overlapping ? target.pointee + part : part
                        }
                    }
                }
            }
        }
    }
}

/// The four taps of output pixel (`oh`, `ow`) of a 2 x 2, stride 2 tiling, as float offsets in the sample
/// (row-major window order).
@inline(__always)
private func twoByTwoTaps(_ oh: Int, _ ow: Int, _ geometry: WindowGeometry) -> (Int, Int, Int, Int) {
    let c = geometry.channels, rowFloats = geometry.columns.input &* c
    let first = (2 &* oh &* geometry.columns.input &+ 2 &* ow) &* c
    return (first, first &+ c, first &+ rowFloats, first &+ rowFloats &+ c)
}

/// The forward pass of a 2 x 2, stride 2 tiling (the chapter's `MaxPooling2D(2)`): the same comparisons and
/// additions, in the same tap order, as the general loop, without its per-window bookkeeping.
private func twoByTwoForward(_ sample: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, _ geometry: WindowGeometry,
                             maximum: Bool) {
    let c = geometry.channels, outWidth = geometry.columns.output
    for oh in 0..<geometry.rows.output {
        for ow in 0..<outWidth {
            let (t0, t1, t2, t3) = twoByTwoTaps(oh, ow, geometry)
            let y = out + (oh &* outWidth &+ ow) &* c
            forEachLaneBlock(c) { k in
                var result = loadLanes(sample + t0 + k)
                @inline(__always) func take(_ tap: Int) {
                    let value = loadLanes(sample + tap + k)
                    if maximum { result.replace(with: value, where: value .> result) } else { result += value }
                }
                take(t1)
                take(t2)
                take(t3)
                storeLanes(maximum ? result : result * 0.25, y + k)
            } scalar: { k in
                var result = sample[t0 + k]
                @inline(__always) func take(_ tap: Int) {
                    let value = sample[tap + k]
                    if maximum { result = value > result ? value : result } else { result += value }
                }
                take(t1)
                take(t2)
                take(t3)
                y[k] = maximum ? result : result * 0.25
            }
        }
    }
}

/// The backward pass of a 2 x 2, stride 2 tiling: every tap written once (the maximum's gradient to the first
/// maximal tap, the mean's a quarter to each), as the general loop does.
private func twoByTwoBackward(_ sample: UnsafePointer<Float>, output: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
                              into gradient: UnsafeMutablePointer<Float>, _ geometry: WindowGeometry, maximum: Bool) {
    let c = geometry.channels, outWidth = geometry.columns.output
    for oh in 0..<geometry.rows.output {
        for ow in 0..<outWidth {
            let (t0, t1, t2, t3) = twoByTwoTaps(oh, ow, geometry)
            let pixel = (oh &* outWidth &+ ow) &* c
            let upstream = outputGradient + pixel, best = output + pixel
            forEachLaneBlock(c) { k in
                let share = loadLanes(upstream + k), maximal = loadLanes(best + k)
                var open = SIMDMask<SIMD16<Int32>>(repeating: true)
                @inline(__always) func give(_ tap: Int) {
                    var part = share * 0.25
                    if maximum {
                        let hit = open .& (loadLanes(sample + tap + k) .== maximal)
                        open = open .& .!hit
                        part = Lanes.zero.replacing(with: share, where: hit)
                    }
                    storeLanes(part, gradient + tap + k)
                }
                give(t0)
                give(t1)
                give(t2)
                give(t3)
            } scalar: { k in
                var open = true
                @inline(__always) func give(_ tap: Int) {
                    var part = upstream[k] * 0.25
                    if maximum {
                        let hit = open && sample[tap + k] == best[k]
                        open = open && !hit
                        part = hit ? upstream[k] : 0
                    }
                    gradient[tap + k] = part
                }
                give(t0)
                give(t1)
                give(t2)
                give(t3)
            }
        }
    }
}

/// The taps of one pooling window that fall inside the input: `rowCount` rows from input row `firstRow` and
/// `columnCount` columns from `firstColumn`, `dilation` apart, on an input `width` pixels wide.
struct WindowTaps {
    let firstRow: Int, rowCount: Int
    let firstColumn: Int, columnCount: Int
    let rowStep: Int, columnStep: Int
    let width: Int

    var count: Int { rowCount * columnCount }
    /// The first tap's input pixel.
    var first: Int { firstRow * width + firstColumn }

    /// Calls `body(inputPixel)` for each tap in row-major order.
    @inline(__always)
    func forEach(skippingFirst: Bool, _ body: (Int) -> Void) {
        for i in 0..<rowCount {
            let row = (firstRow + i * rowStep) * width + firstColumn
            for j in (skippingFirst && i == 0 ? 1 : 0)..<columnCount { body(row + j * columnStep) }
        }
    }
}

extension WindowGeometry {
    /// Calls `body(outputPixel, taps)` for every output pixel whose window holds at least one input tap.
    @inline(__always)
    func forEachWindow(_ body: (Int, WindowTaps) -> Void) {
        for oh in 0..<rows.output {
            let rowTaps = rows.tapsInside(output: oh)
            for ow in 0..<columns.output {
                let columnTaps = columns.tapsInside(output: ow)
                guard !rowTaps.isEmpty, !columnTaps.isEmpty else { continue }
                body(oh * columns.output + ow, WindowTaps(
                    firstRow: rows.position(output: oh, tap: rowTaps.lowerBound), rowCount: rowTaps.count,
                    firstColumn: columns.position(output: ow, tap: columnTaps.lowerBound), columnCount: columnTaps.count,
                    rowStep: rows.dilation, columnStep: columns.dilation, width: columns.input))
            }
        }
    }

    /// 2 x 2 windows with stride 2 and no padding, each whole inside the input (`MaxPooling2D(2)` on even or
    /// odd sizes): the layout ``twoByTwoForward`` and ``twoByTwoBackward`` handle without per-window bookkeeping.
    var isTwoByTwoTiling: Bool {
        [rows, columns].allSatisfy { axis in
            axis.window == 2 && axis.stride == 2 && axis.dilation == 1 && axis.padBefore == 0 && 2 * axis.output <= axis.input
        }
    }

    /// Some input position lies in more than one window.
    var windowsOverlap: Bool { rows.stride < rows.window || columns.stride < columns.window }
    /// Every input position lies in some window.
    var windowsCoverInput: Bool { rows.coversInput && columns.coversInput }
}

/// Calls `vector(k)` for each full block of 16 of `count` channels, then `scalar(k)` for the rest.
@inline(__always)
func forEachLaneBlock(_ count: Int, _ vector: (Int) -> Void, scalar: (Int) -> Void) {
    let full = count - count % 16
    for k in stride(from: 0, to: full, by: 16) { vector(k) }
    for k in full..<count { scalar(k) }
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
