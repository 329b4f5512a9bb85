/// Reductions over all elements or along one axis (numpy `sum`, `mean`, `max`, `min`, `argmax`, `var`).
///
/// Every reduction runs in a fixed order (SIMD blocks, then lanes, then the tail; axis reductions add whole
/// rows in index order; whole-tensor sums of 2^20 elements or more add fixed blocks' sums in order, see ``sum()``,
/// and so do sums down an axis of that many elements, see `rowsPerSumBlock(extent:inner:)`),
/// so results are bit-identical across runs and thread counts. Float sums are not
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

    /// Runs `body(rows, columns)` over parts of the `outer x inner` outputs of a reduction over the middle axis
    /// of `[outer, extent, inner]`, on several threads when the work is large: rows when `inner == 1` (each
    /// output is one contiguous run), else columns. Splits are over outputs only, never over the reduced axis,
    /// so every output is computed in the same order for any thread count.
    static func forEachOutputPart(outer: Int, extent: Int, inner: Int, _ body: (Range<Int>, Range<Int>) -> Void) {
        let work = ParallelChunks.Cost.memoryBound.minimumCount
        if inner == 1 {
            ParallelChunks.run(count: outer, minimumCount: Swift.max(2, work / Swift.max(1, extent)), alignment: 1) { rows in
                body(rows, 0..<1)
            }
        } else {
            let perColumn = Swift.max(1, outer * extent)
            ParallelChunks.run(count: inner, minimumCount: Swift.max(128, work / perColumn), alignment: 64) { columns in
                body(0..<outer, columns)
            }
        }
    }

    /// Fills the `outer x inner` outputs of a reduction over the middle axis of `self` viewed as
    /// `[outer, extent, inner]`, split over outputs (``forEachOutputPart(outer:extent:inner:_:)``):
    /// `contiguous(run)` gives the result of one contiguous run of `extent` elements (when `inner == 1`), and
    /// `strided(block, count, results)` fills `count` adjacent results from a block whose rows lie `inner` apart.
    func fillReduction<Result>(_ output: UnsafeMutableBufferPointer<Result>, outer: Int, extent: Int, inner: Int,
                               contiguous: (UnsafeBufferPointer<Scalar>) -> Result,
                               strided: (UnsafePointer<Scalar>, Int, UnsafeMutablePointer<Result>) -> Void) {
        withUnsafeBufferPointer { input in
            guard let x = input.baseAddress, let out = output.baseAddress else { return }
            nonisolated(unsafe) let (source, destination) = (x, out)
            Tensor.forEachOutputPart(outer: outer, extent: extent, inner: inner) { rows, columns in
                for o in rows {
                    if inner == 1 {
                        (destination + o).initialize(to: contiguous(UnsafeBufferPointer(start: source + o * extent, count: extent)))
                    } else {
                        strided(source + o * extent * inner + columns.lowerBound, columns.count,
                                destination + o * inner + columns.lowerBound)
                    }
                }
            }
        }
    }

    /// `row[j] = combine(block[j], block[inner + j], …)` over the `extent` rows of a block, in row order.
    /// `fromMemory`: the block is part of a larger tensor streaming from memory (see `simdAddRows`).
    static func foldRows(_ combine: ElementwiseOperation, _ block: UnsafePointer<Scalar>, extent: Int, inner: Int,
                         count: Int, into row: UnsafeMutablePointer<Scalar>, fromMemory: Bool = false) {
        if combine == .add && Scalar.self == Float.self {
            block.withMemoryRebound(to: Float.self, capacity: 1) { b in
                row.withMemoryRebound(to: Float.self, capacity: count) {
                    simdAddRows(b, extent: extent, inner: inner, count: count, into: $0, as: SIMD16<Float>.self, fromMemory: fromMemory)
                }
            }
            return
        }
        if combine == .add && Scalar.self == Double.self {
            block.withMemoryRebound(to: Double.self, capacity: 1) { b in
                row.withMemoryRebound(to: Double.self, capacity: count) {
                    simdAddRows(b, extent: extent, inner: inner, count: count, into: $0, as: SIMD8<Double>.self, fromMemory: fromMemory)
                }
            }
            return
        }
        row.initialize(from: block, count: count)
        for a in 1..<Swift.max(1, extent) {
            Scalar.elementwise(combine, lhs: row, lhsStride: 1, rhs: block + a * inner, rhsStride: 1, result: row, count: count)
        }
    }

    /// Rows per block of a sum down an axis of `extent` rows of `inner` elements, or nil for one pass in row order.
    ///
    /// From ``blockedSumMinimumCount`` elements on, when a block of about ``blockedSumBlock`` elements holds four
    /// rows or more, each column sums the rows of each block in order, then the blocks' partial sums in order. The
    /// blocks follow from the shape alone, so any split of the work (``sumRowsInBlocks(_:extent:inner:count:rowsPerBlock:parallel:into:)``
    /// with blocks on several threads, or column by column) gives the same bits.
    static func rowsPerSumBlock(extent: Int, inner: Int) -> Int? {
        guard inner > 1, extent * inner >= blockedSumMinimumCount, 4 * inner <= blockedSumBlock else { return nil }
        return blockedSumBlock / inner
    }

    /// `row[j]`, `j < count`: the blocked sums (``rowsPerSumBlock(extent:inner:)``) of `count` adjacent columns of
    /// `extent` rows lying `inner` apart from `block`. With `parallel`, blocks are summed side by side on the pool:
    /// `[10000, 1000].sum(axis: 0)` on two threads, where splitting the columns instead made each thread read half
    /// of every row (Float 1.89 ms against 1.58 on one thread, numpy 1.50; 4 Dec 13:57 UTC). Alternating ten times
    /// with the column split and numpy (14:13 UTC), two threads: Float 1.25 -> 0.87 ms (numpy 1.84), Double 2.61 ->
    /// 2.34 ms (numpy 3.98).
    static func sumRowsInBlocks(_ block: UnsafePointer<Scalar>, extent: Int, inner: Int, count: Int, rowsPerBlock: Int,
                                parallel: Bool, into row: UnsafeMutablePointer<Scalar>) {
        let blocks = (extent + rowsPerBlock - 1) / rowsPerBlock
        let partials = UnsafeMutablePointer<Scalar>.allocate(capacity: blocks * count)
        defer { partials.deallocate() }
        nonisolated(unsafe) let (source, sums) = (block, partials)
        let sumBlocks = { (range: Range<Int>) in
            for index in range {
                let first = index * rowsPerBlock
                foldRows(.add, source + first * inner, extent: Swift.min(rowsPerBlock, extent - first), inner: inner,
                         count: count, into: sums + index * count, fromMemory: true)
            }
        }
        if parallel {
            ParallelChunks.run(count: blocks, minimumCount: 2, alignment: 1, sumBlocks)
        } else {
            sumBlocks(0..<blocks)
        }
        foldRows(.add, partials, extent: blocks, inner: count, count: count, into: row)
    }

    /// `row[j]`, `j < count`: column sums of `extent` rows lying `inner` apart, blocked when
    /// ``rowsPerSumBlock(extent:inner:)`` says so, on the calling thread.
    static func sumRows(_ block: UnsafePointer<Scalar>, extent: Int, inner: Int, count: Int, into row: UnsafeMutablePointer<Scalar>) {
        if let rowsPerBlock = rowsPerSumBlock(extent: extent, inner: inner) {
            sumRowsInBlocks(block, extent: extent, inner: inner, count: count, rowsPerBlock: rowsPerBlock, parallel: false, into: row)
        } else {
            foldRows(.add, block, extent: extent, inner: inner, count: count, into: row)
        }
    }

    /// Folds along `axis` with a reduction and its matching elementwise operation.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Int32)
    @_specialize(where Scalar == UInt8)
    func reduce(_ reduction: ReductionOperation, axis: Int, keepDims: Bool, name: String) -> Tensor {
        let axis = normalizedAxis(axis, name)
        let (outer, extent, inner) = split(around: axis)
        precondition(extent > 0 || reduction == .sum,
                     "\(name): zero-size axis \(axis) of shape \(shape) has no \(reduction)")
        let combine: ElementwiseOperation = reduction == .sum ? .add : reduction == .minimum ? .minimum : .maximum
        return Tensor(shape: reducedShape(axis, keepDims: keepDims)) { output in
            if extent == 0 { output.initialize(repeating: 0); return }
            if reduction == .sum, outer == 1, let rowsPerBlock = Tensor.rowsPerSumBlock(extent: extent, inner: inner) {
                withUnsafeBufferPointer { x in
                    Tensor.sumRowsInBlocks(x.baseAddress!, extent: extent, inner: inner, count: inner,
                                           rowsPerBlock: rowsPerBlock, parallel: true, into: output.baseAddress!)
                }
                return
            }
            fillReduction(output, outer: outer, extent: extent, inner: inner,
                          contiguous: { reduction == .sum ? Tensor.blockedSum($0) : Scalar.reduce(reduction, $0) },
                          strided: { block, count, results in
                              if reduction == .sum {
                                  Tensor.sumRows(block, extent: extent, inner: inner, count: count, into: results)
                              } else {
                                  Tensor.foldRows(combine, block, extent: extent, inner: inner, count: count, into: results)
                              }
                          })
        }
    }

    /// The sum of all elements (integer sums wrap like numpy's fixed-width arithmetic).
    ///
    /// From ``blockedSumMinimumCount`` elements on, blocks of ``blockedSumBlock`` elements are summed side by side
    /// on the worker pool, then their sums in order. The blocks follow from the count alone, so the result is the
    /// same on any number of threads. Such a sum streams from memory, where two threads read faster than one:
    /// `[10000, 1000]` Double on two threads 2.51-2.67 -> 1.87-1.91 ms (numpy 2.42-2.45), one thread unchanged.
    ///
    /// ```swift
    /// Tensor<Float>(shape: [10_000, 1000]) { $0.initialize(repeating: 0.5) }.sum()   // 5e6, in 39 blocks
    /// ```
    public func sum() -> Scalar { withUnsafeBufferPointer { Tensor.blockedSum($0) } }

    /// Element counts from which ``sum()`` sums in blocks (1 Mi; tests lower it through `ParallelChunks.thresholdDivisor`).
    static var blockedSumMinimumCount: Int { (1 << 20) / ParallelChunks.thresholdDivisor }
    /// Elements per block of a blocked ``sum()`` (256 Ki: 1-2 MB, a few milliseconds' share for a thread at most).
    static var blockedSumBlock: Int { (1 << 18) / ParallelChunks.thresholdDivisor }

    static func blockedSum(_ values: UnsafeBufferPointer<Scalar>) -> Scalar {
        guard values.count >= blockedSumMinimumCount else { return Scalar.reduce(.sum, values) }
        let block = blockedSumBlock, blocks = (values.count + block - 1) / block
        return withUnsafeTemporaryAllocation(of: Scalar.self, capacity: blocks) { partial in
            ParallelChunks.run(count: blocks, minimumCount: 2, alignment: 1) { range in
                for index in range {
                    let part = UnsafeBufferPointer(rebasing: values[(index * block)..<Swift.min(values.count, (index + 1) * block)])
                    (partial.baseAddress! + index).initialize(to: Scalar.reduce(.sum, part))
                }
            }
            return Scalar.reduce(.sum, UnsafeBufferPointer(partial))
        }
    }
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
        return withUnsafeBufferPointer { Tensor.firstExtremumIndex($0.baseAddress!, count: count, maximum: true) }
    }
    /// The flat index of the first smallest element (the first NaN, if any). Precondition: not empty.
    public func argmin() -> Int {
        precondition(count > 0, "argmin: tensor of shape \(shape) is empty")
        return withUnsafeBufferPointer { Tensor.firstExtremumIndex($0.baseAddress!, count: count, maximum: false) }
    }
    /// Indices of the first maxima along `axis`, as `Int32` (class predictions from logits: `argmax(axis: -1)`).
    public func argmax(axis: Int, keepDims: Bool = false) -> Tensor<Int32> { argExtremum(axis: axis, keepDims: keepDims, maximum: true) }
    /// Indices of the first minima along `axis`, as `Int32`.
    public func argmin(axis: Int, keepDims: Bool = false) -> Tensor<Int32> { argExtremum(axis: axis, keepDims: keepDims, maximum: false) }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Int32)
    @_specialize(where Scalar == UInt8)
    func argExtremum(axis: Int, keepDims: Bool, maximum: Bool) -> Tensor<Int32> {
        let name = maximum ? "argmax" : "argmin"
        let axis = normalizedAxis(axis, name)
        let (outer, extent, inner) = split(around: axis)
        precondition(extent > 0, "\(name): zero-size axis \(axis) of shape \(shape)")
        if inner == 1 && (Scalar.self == Float.self || Scalar.self == Double.self) {
            return Tensor<Int32>(shape: reducedShape(axis, keepDims: keepDims)) { output in
                withUnsafeBufferPointer { input in
                    guard let x = input.baseAddress, let out = output.baseAddress else { return }
                    nonisolated(unsafe) let (source, destination) = (UnsafeRawPointer(x), out)
                    Tensor.forEachOutputPart(outer: outer, extent: extent, inner: 1) { rows, _ in
                        if Scalar.self == Float.self {
                            firstExtremumIndicesOfRows(source.assumingMemoryBound(to: Float.self), rows: rows, extent: extent,
                                                       maximum: maximum, into: destination, as: SIMD16<Float>.self)
                        } else {
                            firstExtremumIndicesOfRows(source.assumingMemoryBound(to: Double.self), rows: rows, extent: extent,
                                                       maximum: maximum, into: destination, as: SIMD8<Double>.self)
                        }
                    }
                }
            }
        }
        return Tensor<Int32>(shape: reducedShape(axis, keepDims: keepDims)) { output in
            fillReduction(output, outer: outer, extent: extent, inner: inner,
                          contiguous: { Int32(truncatingIfNeeded: Tensor.firstExtremumIndex($0.baseAddress!, count: extent, maximum: maximum)) },
                          strided: { block, count, results in
                              let best = UnsafeMutablePointer<Scalar>.allocate(capacity: count)
                              defer { best.deallocate() }
                              Tensor.firstExtremumIndicesDownColumns(block, extent: extent, stride: inner, count: count,
                                                                     maximum: maximum, into: results, best: best)
                          })
        }
    }

    /// The index of the first extremum of a contiguous run (the first NaN, if any): one vectorized pass for
    /// Float and Double (``simdFirstExtremumIndex(_:count:maximum:as:)``); for the integer types a vectorized
    /// reduction, then a search for its first occurrence.
    @inline(__always)
    static func firstExtremumIndex(_ start: UnsafePointer<Scalar>, count: Int, maximum: Bool) -> Int {
        if Scalar.self == Float.self {
            return start.withMemoryRebound(to: Float.self, capacity: count) {
                simdFirstExtremumIndex($0, count: count, maximum: maximum, as: SIMD16<Float>.self)
            }
        }
        if Scalar.self == Double.self {
            return start.withMemoryRebound(to: Double.self, capacity: count) {
                simdFirstExtremumIndex($0, count: count, maximum: maximum, as: SIMD8<Double>.self)
            }
        }
        let best = Scalar.reduce(maximum ? .maximum : .minimum, UnsafeBufferPointer(start: start, count: count))
        if best != best {  // NaN (only floating types are ever unequal to themselves)
            return (0..<count).first { start[$0] != start[$0] } ?? 0
        }
        return (0..<count).first { start[$0] == best } ?? 0
    }

    /// The first extremum's index down each of `count` adjacent columns (rows `stride` apart), walking the rows
    /// in memory order with the running extrema in `best`. A NaN wins and then stays, as in numpy.
    @inline(__always)
    static func firstExtremumIndicesDownColumns(_ block: UnsafePointer<Scalar>, extent: Int, stride: Int, count: Int,
                                                maximum: Bool, into indices: UnsafeMutablePointer<Int32>,
                                                best: UnsafeMutablePointer<Scalar>) {
        best.initialize(from: block, count: count)
        indices.initialize(repeating: 0, count: count)
        for a in 1..<extent {
            let row = block + a * stride
            let position = Int32(truncatingIfNeeded: a)
            for j in 0..<count {
                let value = row[j], current = best[j]
                if current == current && (value != value || (maximum ? value > current : value < current)) {
                    best[j] = value
                    indices[j] = position
                }
            }
        }
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

    /// Variance (numpy `var`): Σ (x - mean)² / (count - ddof). `ddof = 0` is the population variance, `ddof = 1`
    /// the unbiased sample variance. Two passes over the storage (sum, then squared deviations), no temporary.
    /// An empty tensor gives NaN; `ddof >= count` divides by zero (inf, or NaN for 0/0), as numpy does.
    ///
    /// ```swift
    /// Tensor<Float>([1, 2, 3, 4]).variance()          // 1.25
    /// Tensor<Float>([1, 2, 3, 4]).variance(ddof: 1)   // 1.6666666
    /// ```
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func variance(ddof: Int = 0) -> Scalar {
        guard count > 0 else { return .nan }
        return withUnsafeBufferPointer { x in
            let mean = Tensor.blockedSum(x) / Scalar(count)
            return Scalar.sumOfSquaredDeviations(x, from: mean) / Scalar(Swift.max(count - ddof, 0))
        }
    }

    /// Variance along `axis` with numpy's `ddof` (see ``variance(ddof:)``); a zero-size axis gives NaN.
    ///
    /// ```swift
    /// let x = try Tensor<Float>(shape: [2, 2], scalars: [1, 2, 3, 6])
    /// x.variance(axis: 0)           // [1, 4]
    /// x.variance(axis: 1, ddof: 1)  // [0.5, 4.5]
    /// ```
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func variance(axis: Int, keepDims: Bool = false, ddof: Int = 0) -> Tensor {
        let axis = normalizedAxis(axis, "variance")
        let (outer, extent, inner) = split(around: axis)
        let length = Scalar(extent), denominator = Scalar(Swift.max(extent - ddof, 0))
        return Tensor(shape: reducedShape(axis, keepDims: keepDims)) { output in
            guard extent > 0 else { output.initialize(repeating: .nan); return }
            fillReduction(output, outer: outer, extent: extent, inner: inner,
                          contiguous: { run in Scalar.sumOfSquaredDeviations(run, from: Tensor.blockedSum(run) / length) / denominator },
                          strided: { block, count, sums in
                              // A scratch row of means: the column-wise second pass needs them beside the sums.
                              let means = UnsafeMutablePointer<Scalar>.allocate(capacity: count)
                              defer { means.deallocate() }
                              Tensor.sumRows(block, extent: extent, inner: inner, count: count, into: means)
                              Tensor.divide(means, by: length, count: count)
                              sums.initialize(repeating: 0, count: count)
                              for a in 0..<extent {
                                  Scalar.accumulateSquaredDeviations(block + a * inner, means: means, into: sums, count: count)
                              }
                              Tensor.divide(sums, by: denominator, count: count)
                          })
        }
    }

    /// `values[j] /= divisor` through the elementwise kernel.
    static func divide(_ values: UnsafeMutablePointer<Scalar>, by divisor: Scalar, count: Int) {
        withUnsafePointer(to: divisor) { d in
            Scalar.elementwise(.divide, lhs: values, lhsStride: 1, rhs: d, rhsStride: 0, result: values, count: count)
        }
    }

    /// Standard deviation (numpy `std`): the square root of ``variance(ddof:)``.
    public func standardDeviation(ddof: Int = 0) -> Scalar { Scalar.squareRootOf(variance(ddof: ddof)) }
    /// Standard deviation along `axis` with numpy's `ddof`.
    public func standardDeviation(axis: Int, keepDims: Bool = false, ddof: Int = 0) -> Tensor {
        var result = variance(axis: axis, keepDims: keepDims, ddof: ddof)
        result.apply(.sqrt)
        return result
    }
}
