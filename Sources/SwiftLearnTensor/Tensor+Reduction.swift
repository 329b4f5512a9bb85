/// Reductions over all elements or along one axis (numpy `sum`, `mean`, `max`, `min`, `argmax`, `var`).
///
/// Every reduction runs in a fixed order (SIMD blocks, then lanes, then the tail; axis reductions add whole
/// rows in index order), so results are bit-identical across runs and thread counts. Float sums are not
/// pairwise like numpy's, so they may differ from numpy in the last bits.
///
/// ```swift
/// let x = try Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// x.sum()                          // 21
/// x.sum(axis: 0)                   // [5, 7, 9]
/// x.mean(axis: -1, keepDims: true) // [[2], [5]]
/// ```
extension Tensor {
    /// Resolves a possibly negative axis; traps with the axis and shape when out of range.
    func normalizedAxis(_ axis: Int, _ operation: String) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < rank,
                     "\(operation): axis \(axis) is out of range for shape \(shape) (rank \(rank))")
        return resolved
    }

    /// (outer, extent, inner) around `axis`: the tensor viewed as `[outer, extent, inner]`.
    func split(around axis: Int) -> (outer: Int, extent: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    func reducedShape(_ axis: Int, keepDims: Bool) -> [Int] {
        var result = shape
        if keepDims { result[axis] = 1 } else { result.remove(at: axis) }
        return result
    }

    /// Folds along `axis` with a reduction and its matching elementwise operation.
    func reduce(_ reduction: ReductionOperation, axis: Int, keepDims: Bool, name: String) -> Tensor {
        let axis = normalizedAxis(axis, name)
        let (outer, extent, inner) = split(around: axis)
        precondition(extent > 0 || reduction == .sum,
                     "\(name): zero-size axis \(axis) of shape \(shape) has no \(reduction)")
        let combine: ElementwiseOperation = reduction == .sum ? .add : reduction == .minimum ? .minimum : .maximum
        return Tensor(shape: reducedShape(axis, keepDims: keepDims)) { output in
            guard let out = output.baseAddress else { return }
            if extent == 0 { output.initialize(repeating: 0); return }
            withUnsafeBufferPointer { input in
                guard let x = input.baseAddress else { return }
                for o in 0..<outer {
                    let block = x + o * extent * inner
                    if inner == 1 {
                        (out + o).initialize(to: Scalar.reduce(reduction, UnsafeBufferPointer(start: block, count: extent)))
                    } else {
                        let row = out + o * inner
                        row.initialize(from: block, count: inner)
                        for a in 1..<Swift.max(1, extent) {
                            Scalar.elementwise(combine, lhs: row, lhsStride: 1, rhs: block + a * inner, rhsStride: 1,
                                               result: row, count: inner)
                        }
                    }
                }
            }
        }
    }

    /// The sum of all elements (integer sums wrap like numpy's fixed-width arithmetic).
    public func sum() -> Scalar { withUnsafeBufferPointer { Scalar.reduce(.sum, $0) } }
    /// Sums along `axis` (negative counts from the end); `keepDims` keeps it with extent 1.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { reduce(.sum, axis: axis, keepDims: keepDims, name: "sum") }

    /// The largest element; NaN if any element is NaN. Precondition: not empty.
    public func max() -> Scalar {
        precondition(count > 0, "max: tensor of shape \(shape) is empty")
        return withUnsafeBufferPointer { Scalar.reduce(.maximum, $0) }
    }
    /// The smallest element; NaN if any element is NaN. Precondition: not empty.
    public func min() -> Scalar {
        precondition(count > 0, "min: tensor of shape \(shape) is empty")
        return withUnsafeBufferPointer { Scalar.reduce(.minimum, $0) }
    }
    /// Maxima along `axis` (NaN-propagating).
    public func max(axis: Int, keepDims: Bool = false) -> Tensor { reduce(.maximum, axis: axis, keepDims: keepDims, name: "max") }
    /// Minima along `axis` (NaN-propagating).
    public func min(axis: Int, keepDims: Bool = false) -> Tensor { reduce(.minimum, axis: axis, keepDims: keepDims, name: "min") }

    /// The flat index of the first largest element (the first NaN, if any, like numpy). Precondition: not empty.
    public func argmax() -> Int {
        precondition(count > 0, "argmax: tensor of shape \(shape) is empty")
        return withUnsafeBufferPointer { Tensor.argExtremum($0.baseAddress!, count: count, stride: 1, maximum: true) }
    }
    /// The flat index of the first smallest element (the first NaN, if any). Precondition: not empty.
    public func argmin() -> Int {
        precondition(count > 0, "argmin: tensor of shape \(shape) is empty")
        return withUnsafeBufferPointer { Tensor.argExtremum($0.baseAddress!, count: count, stride: 1, maximum: false) }
    }
    /// Indices of the first maxima along `axis`, as `Int32` (class predictions from logits: `argmax(axis: -1)`).
    public func argmax(axis: Int, keepDims: Bool = false) -> Tensor<Int32> { argExtremum(axis: axis, keepDims: keepDims, maximum: true) }
    /// Indices of the first minima along `axis`, as `Int32`.
    public func argmin(axis: Int, keepDims: Bool = false) -> Tensor<Int32> { argExtremum(axis: axis, keepDims: keepDims, maximum: false) }

    func argExtremum(axis: Int, keepDims: Bool, maximum: Bool) -> Tensor<Int32> {
        let name = maximum ? "argmax" : "argmin"
        let axis = normalizedAxis(axis, name)
        let (outer, extent, inner) = split(around: axis)
        precondition(extent > 0, "\(name): zero-size axis \(axis) of shape \(shape)")
        return Tensor<Int32>(shape: reducedShape(axis, keepDims: keepDims)) { output in
            withUnsafeBufferPointer { input in
                for o in 0..<outer {
                    for j in 0..<inner {
                        let start = input.baseAddress! + o * extent * inner + j
                        output[o * inner + j] = Int32(Tensor.argExtremum(start, count: extent, stride: inner, maximum: maximum))
                    }
                }
            }
        }
    }

    static func argExtremum(_ start: UnsafePointer<Scalar>, count: Int, stride: Int, maximum: Bool) -> Int {
        var best = start.pointee
        if best != best { return 0 }
        var bestIndex = 0
        for i in 1..<Swift.max(1, count) {
            let v = start[i * stride]
            if v != v { return i }  // NaN (only floating types are ever unequal to themselves)
            if maximum ? v > best : v < best { best = v; bestIndex = i }
        }
        return bestIndex
    }
}

extension Tensor where Scalar: TensorFloatingPoint {
    /// The arithmetic mean of all elements (NaN for an empty tensor, like numpy).
    public func mean() -> Scalar { sum() / Scalar(count) }
    /// Means along `axis`.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor {
        let resolved = normalizedAxis(axis, "mean")
        return sum(axis: resolved, keepDims: keepDims) / Scalar(shape[resolved])
    }

    /// Population variance (numpy `var`, ddof = 0), two-pass: mean((x - mean(x))²).
    public func variance() -> Scalar { (self - mean()).square().sum() / Scalar(count) }
    /// Population variance along `axis`.
    public func variance(axis: Int, keepDims: Bool = false) -> Tensor {
        let resolved = normalizedAxis(axis, "variance")
        let deviations = self - mean(axis: resolved, keepDims: true)
        return deviations.square().mean(axis: resolved, keepDims: keepDims)
    }

    /// Population standard deviation (numpy `std`).
    public func standardDeviation() -> Scalar { Scalar.squareRootOf(variance()) }
    /// Population standard deviation along `axis`.
    public func standardDeviation(axis: Int, keepDims: Bool = false) -> Tensor {
        variance(axis: axis, keepDims: keepDims).sqrt()
    }
}
