/// Numerically stable softmax and log-softmax along one axis.
///
/// `softmax(x)ᵢ = e^(xᵢ - m) / Σⱼ e^(xⱼ - m)` and `logSoftmax(x)ᵢ = xᵢ - m - log Σⱼ e^(xⱼ - m)` with `m = max x`,
/// so large logits never overflow. The only allocation is the output: every intermediate lives in it.
///
/// ```swift
/// let probabilities = logits.softmax()          // along the last axis
/// let logProbabilities = logits.logSoftmax(axis: 1)
/// ```
extension Tensor where Scalar: TensorFloatingPoint {
    /// Softmax along `axis` (default: last).
    public func softmax(axis: Int = -1) -> Tensor { softmaxFamily(axis: axis, logarithmic: false) }
    /// Log-softmax along `axis` (default: last).
    public func logSoftmax(axis: Int = -1) -> Tensor { softmaxFamily(axis: axis, logarithmic: true) }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func softmaxFamily(axis: Int, logarithmic: Bool) -> Tensor {
        let axis = normalizedAxis(axis, logarithmic ? "logSoftmax" : "softmax")
        let (outer, extent, inner) = split(around: axis)
        return Tensor(shape: shape) { output in
            guard output.count > 0 else { return }
            withUnsafeBufferPointer { input in
                if inner == 1, Scalar.self == Float.self {
                    // The hot path (classifier outputs): straight to the Float kernels.
                    let x = UnsafeBufferPointer(start: UnsafeRawPointer(input.baseAddress!).assumingMemoryBound(to: Float.self),
                                                count: input.count)
                    let y = UnsafeMutableBufferPointer(start: UnsafeMutableRawPointer(output.baseAddress!).assumingMemoryBound(to: Float.self),
                                                       count: output.count)
                    if logarithmic {
                        VectorMath.logSoftmax(x, rows: outer, columns: extent, into: y)
                    } else {
                        VectorMath.softmax(x, rows: outer, columns: extent, into: y)
                    }
                    return
                }
                if inner == 1 {
                    for o in 0..<outer {
                        Tensor.softmaxRow(input.baseAddress! + o * extent, output.baseAddress! + o * extent, count: extent,
                                          logarithmic: logarithmic)
                    }
                    return
                }
                for o in 0..<outer {
                    let x = input.baseAddress! + o * extent * inner
                    let y = output.baseAddress! + o * extent * inner
                    Tensor.softmaxBlock(x, y, extent: extent, inner: inner, logarithmic: logarithmic)
                }
            }
        }
    }

    /// One contiguous row through the vector kernel hooks (max, shift, exp, sum, scale), using `y` as the only
    /// scratch: the `Double` counterpart of ``VectorMath/softmax(_:rows:columns:into:)``.
    static func softmaxRow(_ x: UnsafePointer<Scalar>, _ y: UnsafeMutablePointer<Scalar>, count: Int, logarithmic: Bool) {
        let maximum = Scalar.reduce(.maximum, UnsafeBufferPointer(start: x, count: count))
        withUnsafePointer(to: maximum) { m in
            Scalar.elementwise(.subtract, lhs: x, lhsStride: 1, rhs: m, rhsStride: 0, result: y, count: count)
        }
        let row = UnsafeMutableBufferPointer(start: y, count: count)
        Scalar.apply(.exp, UnsafeBufferPointer(row), into: row)
        let total = Scalar.reduce(.sum, UnsafeBufferPointer(row))
        if logarithmic {
            // (x - max) again, then the log-sum: never log(softmax), which underflows.
            withUnsafePointer(to: maximum) { m in
                Scalar.elementwise(.subtract, lhs: x, lhsStride: 1, rhs: m, rhsStride: 0, result: y, count: count)
            }
            withUnsafePointer(to: Scalar.logarithm(total)) { shift in
                Scalar.elementwise(.subtract, lhs: y, lhsStride: 1, rhs: shift, rhsStride: 0, result: y, count: count)
            }
        } else {
            withUnsafePointer(to: 1 / total) { inverse in
                Scalar.elementwise(.multiply, lhs: y, lhsStride: 1, rhs: inverse, rhsStride: 0, result: y, count: count)
            }
        }
    }

    /// One `[extent, inner]` block, softmax down each column, using `y` as the only scratch.
    static func softmaxBlock(_ x: UnsafePointer<Scalar>, _ y: UnsafeMutablePointer<Scalar>,
                             extent: Int, inner: Int, logarithmic: Bool) {
        let length = extent * inner
        for j in 0..<inner {
            let maximum = columnMaximum(x + j, extent: extent, stride: inner)
            for a in 0..<extent { y[a * inner + j] = x[a * inner + j] - maximum }
        }
        let block = UnsafeMutableBufferPointer(start: y, count: length)
        if logarithmic {
            // The exponentials overwrite y, so the maxima are recomputed from x instead of kept in a scratch array.
            Scalar.apply(.exp, UnsafeBufferPointer(block), into: block)
            for j in 0..<inner {
                var total: Scalar = 0
                for a in 0..<extent { total += y[a * inner + j] }
                let maximum = columnMaximum(x + j, extent: extent, stride: inner), logTotal = Scalar.logarithm(total)
                for a in 0..<extent { y[a * inner + j] = (x[a * inner + j] - maximum) - logTotal }
            }
        } else {
            Scalar.apply(.exp, UnsafeBufferPointer(block), into: block)
            for j in 0..<inner {
                var total: Scalar = 0
                for a in 0..<extent { total += y[a * inner + j] }
                let inverse = 1 / total
                for a in 0..<extent { y[a * inner + j] *= inverse }
            }
        }
    }
}

extension Tensor where Scalar: TensorFloatingPoint {
    /// NaN-propagating maximum of a strided column.
    static func columnMaximum(_ x: UnsafePointer<Scalar>, extent: Int, stride: Int) -> Scalar {
        var maximum = x[0]
        for a in 1..<Swift.max(1, extent) {
            let v = x[a * stride]
            if v != v { return v }
            if v > maximum { maximum = v }
        }
        return maximum
    }
}

/// Softmax along `axis` (default: last).
public func softmax<S: TensorFloatingPoint>(_ x: Tensor<S>, axis: Int = -1) -> Tensor<S> { x.softmax(axis: axis) }
/// Log-softmax along `axis` (default: last).
public func logSoftmax<S: TensorFloatingPoint>(_ x: Tensor<S>, axis: Int = -1) -> Tensor<S> { x.logSoftmax(axis: axis) }
