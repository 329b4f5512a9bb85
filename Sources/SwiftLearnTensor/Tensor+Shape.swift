/// Reshaping, reordering, row selection and joining.
///
/// Every method here returns a new tensor. `reshaped`, `flattened`, `expandingShape` and `squeezingShape`
/// share the storage (O(1), copy-on-write); `transposed`, `permuted`, `rows`, `gatheringRows`,
/// `concatenate` and `stack` copy. ``rowsView(_:)`` reads rows without copying.
///
/// ```swift
/// let x = Tensor<Float>.arange(12).reshaped([4, 3])
/// x.transposed()                          // [3, 4]
/// x.rows(1..<3)                           // [2, 3], rows 1 and 2 (a copy)
/// x.gatheringRows([3, 0])                 // a shuffled mini-batch
/// Tensor.concatenate([x, x], axis: 1)     // [4, 6]
/// ```
extension Tensor {
    // MARK: Reshaping

    /// The same scalars under a new shape (numpy `reshape`); one extent may be `-1` and is inferred. Shares
    /// the storage. Traps when the element counts differ, naming both shapes (``checkedReshaped(_:)`` throws).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        do { return try checkedReshaped(newShape) } catch { preconditionFailure(error.description) }
    }

    /// Throwing form of ``reshaped(_:)``, for shapes that come from data.
    /// - Throws: ``TensorError/shapeMismatch(_:)`` naming both shapes when the counts differ,
    ///   ``TensorError/invalidShape(_:)`` for more than one `-1` or another negative extent.
    public func checkedReshaped(_ newShape: [Int]) throws(TensorError) -> Tensor {
        Tensor(uncheckedShape: try Tensor.resolve(newShape, count: count, from: shape), scalars: scalars)
    }

    /// A rank-1 tensor of all scalars (shares the storage).
    public func flattened() -> Tensor { Tensor(uncheckedShape: [count], scalars: scalars) }

    static func resolve(_ newShape: [Int], count: Int, from oldShape: [Int]) throws(TensorError) -> [Int] {
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        guard inferred.count <= 1, newShape.allSatisfy({ $0 >= -1 }) else {
            throw TensorError.invalidShape("cannot reshape \(oldShape) to \(newShape): at most one -1 and no other negative extent")
        }
        var resolved = newShape
        if let axis = inferred.first {
            let known = newShape.enumerated().filter { $0.offset != axis }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0 else {
                throw TensorError.shapeMismatch("cannot reshape \(oldShape) (\(count) scalars) to \(newShape)")
            }
            resolved[axis] = count / known
        }
        guard resolved.reduce(1, *) == count else {
            throw TensorError.shapeMismatch("cannot reshape \(oldShape) (\(count) scalars) to \(newShape)")
        }
        return resolved
    }

    func reshapedUnchecked(_ newShape: [Int]) -> Tensor { Tensor(uncheckedShape: newShape, scalars: scalars) }

    /// Extent-1 axis inserted at `axis` (numpy `expand_dims`); `axis` may be negative (-1 appends).
    public func expandingShape(at axis: Int) -> Tensor {
        let resolved = axis < 0 ? axis + rank + 1 : axis
        precondition(resolved >= 0 && resolved <= rank, "expandingShape: axis \(axis) is out of range for shape \(shape)")
        var newShape = shape
        newShape.insert(1, at: resolved)
        return Tensor(uncheckedShape: newShape, scalars: scalars)
    }

    /// All extent-1 axes removed (numpy `squeeze`).
    public func squeezingShape() -> Tensor {
        Tensor(uncheckedShape: shape.filter { $0 != 1 }, scalars: scalars)
    }

    // MARK: Reordering

    /// Axes reversed (numpy `.T`, copied like `np.ascontiguousarray(x.T)`): for a matrix, the transpose.
    /// Rank 0 and 1 are returned unchanged.
    public func transposed() -> Tensor {
        rank >= 2 ? permutedUnchecked(Array((0..<rank).reversed())) : self
    }

    /// numpy `transpose(axes)`, copied: result axis `i` is input axis `axes[i]` (negative axes count from the
    /// end). Traps when `axes` is not a permutation, naming the axes and the shape (``checkedPermuted(_:)``
    /// throws).
    public func permuted(_ axes: [Int]) -> Tensor {
        do { return try checkedPermuted(axes) } catch { preconditionFailure(error.description) }
    }

    /// Throwing form of ``permuted(_:)``.
    /// - Throws: ``TensorError/invalidArgument(_:)`` naming the axes and the shape when `axes` is not a permutation.
    public func checkedPermuted(_ axes: [Int]) throws(TensorError) -> Tensor {
        let resolved = axes.map { $0 < 0 ? $0 + rank : $0 }
        guard resolved.count == rank, resolved.sorted() == Array(0..<rank) else {
            throw TensorError.invalidArgument("axes \(axes) are not a permutation of the axes of shape \(shape)")
        }
        return permutedUnchecked(resolved)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func permutedUnchecked(_ axes: [Int]) -> Tensor {
        if axes == Array(0..<rank) { return self }
        if rank == 2, let bits = ScalarBits(Scalar.self),
           count * MemoryLayout<Scalar>.stride < 1 << 16 {
            // A matrix under 64 KB: straight to the tile loop (the general strided copy's axis arrays and odometer
            // cost more than the copy itself at 1e3 elements). Larger ones take the general path, which measured
            // faster at [100, 1000] Float (54 against 105 us; 2 December).
            let (rows, columns) = (shape[0], shape[1])
            return Tensor(shape: [columns, rows]) { output in
                withUnsafeBufferPointer { input in
                    guard let s = input.baseAddress, let d = output.baseAddress else { return }
                    transposeMatrix(bits, source: UnsafeRawPointer(s), destination: UnsafeMutableRawPointer(d),
                                    rows: rows, columns: columns)
                }
            }
        }
        let newShape = axes.map { shape[$0] }
        let sourceStrides = strides
        let destinationStrides = Tensor.rowMajorStrides(newShape)
        let copyAxes = axes.indices.map {
            CopyAxis(extent: newShape[$0], sourceStride: sourceStrides[axes[$0]], destinationStride: destinationStrides[$0])
        }
        return Tensor(shape: newShape) { output in
            withUnsafeBufferPointer { input in Tensor.copyStrided(copyAxes, from: input, into: output) }
        }
    }

    /// Row-major strides of `shape`, in elements.
    static func rowMajorStrides(_ shape: [Int]) -> [Int] {
        Array(shape.reversed().reduce(into: [1]) { $0.append($0[$0.count - 1] * $1) }.dropLast().reversed())
    }

    // MARK: Rows

    /// The number of rows (extent of axis 0). Precondition: rank >= 1.
    public var rowCount: Int {
        precondition(rank >= 1, "rowCount: a rank-0 tensor has no rows")
        return shape[0]
    }

    /// Elements per row (product of every axis after the first).
    var rowLength: Int { shape.dropFirst().reduce(1, *) }

    /// Rows `range` of axis 0, copied (numpy `x[a:b].copy()`; for numpy's view, see ``rowsView(_:)``).
    /// Traps when `range` leaves `0..<shape[0]`, naming the range and the shape.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func rows(_ range: Range<Int>) -> Tensor {
        checkRows(range, "rows")
        var newShape = shape
        newShape[0] = range.count
        let length = rowLength
        return Tensor(shape: newShape) { output in
            withUnsafeBufferPointer { input in
                Tensor.copyStrided([CopyAxis(extent: range.count * length, sourceStride: 1, destinationStride: 1)],
                                   from: input, sourceOffset: range.lowerBound * length, into: output)
            }
        }
    }

    /// Rows `range` of axis 0, copied (`x[rows: 0..<32]`).
    public subscript(rows range: Range<Int>) -> Tensor { rows(range) }

    /// Row `index` of axis 0 with that axis removed, copied (`x.row(0)` of a `[4, 3]` tensor has shape `[3]`);
    /// a negative index counts from the end, as in numpy's `x[-1]`.
    public func row(_ index: Int) -> Tensor {
        precondition(rank >= 1, "row(\(index)): a rank-0 tensor has no rows")
        let resolved = index < 0 ? index + shape[0] : index
        precondition(resolved >= 0 && resolved < shape[0], "row(\(index)): out of range for shape \(shape)")
        return rows(resolved..<(resolved + 1)).reshapedUnchecked(Array(shape.dropFirst()))
    }

    func checkRows(_ range: Range<Int>, _ name: String) {
        precondition(rank >= 1, "\(name)(\(range)): a rank-0 tensor has no rows")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "\(name)(\(range)): out of range for shape \(shape) (rows 0..<\(shape[0]))")
    }

    // MARK: Gathering

    /// The rows at `indices` in that order (numpy `x[indices]`), e.g. a shuffled mini-batch; negative indices
    /// count from the end. Traps on an index outside `-shape[0]..<shape[0]`, naming it, its position and the
    /// shape (``checkedGatheringRows(_:)`` throws).
    public func gatheringRows(_ indices: [Int]) -> Tensor {
        do { return try checkedGatheringRows(indices) } catch { preconditionFailure(error.description) }
    }

    /// The rows at `indices` of any integer type, e.g. `[Int32]` labels.
    public func gatheringRows<Index: BinaryInteger>(_ indices: [Index]) -> Tensor {
        do { return try checkedGatheringRows(indices) } catch { preconditionFailure(error.description) }
    }

    /// numpy `x[indices]` with an index tensor of any rank, e.g. class predictions from ``argmax(axis:keepDims:)``
    /// (`table.gatheringRows(logits.argmax(axis: 1))`): the result has shape `indices.shape + shape.dropFirst()`.
    public func gatheringRows(_ indices: Tensor<Int32>) -> Tensor {
        do { return try checkedGatheringRows(indices) } catch { preconditionFailure(error.description) }
    }

    /// Throwing form of ``gatheringRows(_:)-([Int])``.
    /// - Throws: ``TensorError/invalidArgument(_:)`` naming the bad index, its position and the shape;
    ///   ``TensorError/invalidShape(_:)`` for a rank-0 tensor.
    public func checkedGatheringRows(_ indices: [Int]) throws(TensorError) -> Tensor {
        try gather(count: indices.count, leadingShape: [indices.count]) { indices[$0] }
    }

    /// Throwing form of ``gatheringRows(_:)-([Index])``.
    public func checkedGatheringRows<Index: BinaryInteger>(_ indices: [Index]) throws(TensorError) -> Tensor {
        try gather(count: indices.count, leadingShape: [indices.count]) { Int(exactly: indices[$0]) ?? Int.max }
    }

    /// Throwing form of ``gatheringRows(_:)-(Tensor<Int32>)``.
    public func checkedGatheringRows(_ indices: Tensor<Int32>) throws(TensorError) -> Tensor {
        let flat = indices.scalars
        return try gather(count: flat.count, leadingShape: indices.shape) { Int(flat[$0]) }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func gather(count: Int, leadingShape: [Int], index: (Int) -> Int) throws(TensorError) -> Tensor {
        guard rank >= 1 else { throw TensorError.invalidShape("cannot gather rows of a rank-0 tensor") }
        let rows = shape[0]
        var resolved = [Int](repeating: 0, count: count)
        for position in 0..<count {
            let value = index(position)
            let row = value < 0 ? value + rows : value
            guard row >= 0 && row < rows else {
                throw TensorError.invalidArgument("row index \(value) at position \(position) is out of range for shape \(shape)")
            }
            resolved[position] = row
        }
        let length = rowLength, rowBytes = rowLength * MemoryLayout<Scalar>.stride
        return Tensor(shape: leadingShape + shape.dropFirst()) { output in
            guard rowBytes > 0 else { return }
            withUnsafeBufferPointer { input in
                guard let source = input.baseAddress, let destination = output.baseAddress else { return }
                guard _isPOD(Scalar.self) else {
                    for (p, row) in resolved.enumerated() {
                        (destination + p * length).initialize(from: source + row * length, count: length)
                    }
                    return
                }
                nonisolated(unsafe) let (s, d) = (UnsafeRawPointer(source), UnsafeMutableRawPointer(destination))
                resolved.withUnsafeBufferPointer { rowsToCopy in
                    nonisolated(unsafe) let rowsToCopy = rowsToCopy
                    OutputSplit.run(count: count, bytesPerItem: 2 * rowBytes) { positions in
                        copyRows(into: d, from: s, rowBytes: rowBytes, positions: positions, sourceRows: rowsToCopy)
                    }
                }
            }
        }
    }

    // MARK: Joining

    /// Joins tensors along an existing axis (numpy `concatenate`). Traps when the shapes disagree off that
    /// axis, naming the first disagreeing shape, its position and the expected shape
    /// (``checkedConcatenate(_:axis:)`` throws).
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        do { return try checkedConcatenate(tensors, axis: axis) } catch { preconditionFailure(error.description) }
    }

    /// Throwing form of ``concatenate(_:axis:)``.
    /// - Throws: ``TensorError/shapeMismatch(_:)`` naming the first disagreeing shape, its position and the
    ///   expected shape; ``TensorError/invalidArgument(_:)`` for an empty list or a bad axis.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func checkedConcatenate(_ tensors: [Tensor], axis: Int = 0) throws(TensorError) -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument("concatenate needs at least one tensor") }
        let rank = first.rank
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0 && resolved < rank else {
            throw TensorError.invalidArgument("concatenate: axis \(axis) is out of range for shape \(first.shape)")
        }
        var total = 0
        for (position, tensor) in tensors.enumerated() {
            guard tensor.rank == rank,
                  tensor.shape.enumerated().allSatisfy({ $0.offset == resolved || $0.element == first.shape[$0.offset] }) else {
                throw TensorError.shapeMismatch(
                    "concatenate along axis \(resolved): tensor \(position) has shape \(tensor.shape), incompatible with \(first.shape)")
            }
            total += tensor.shape[resolved]
        }
        var newShape = first.shape
        newShape[resolved] = total
        let outer = first.shape[..<resolved].reduce(1, *)
        let inner = first.shape[(resolved + 1)...].reduce(1, *)
        let scalarBytes = MemoryLayout<Scalar>.stride
        if _isPOD(Scalar.self) && outer * total * inner * scalarBytes < 2 * OutputSplit.minimumBytesPerPart {
            // One thread's worth: a block move per (outer row, tensor), without the strided copy's set-up.
            return Tensor(shape: newShape) { output in
                guard let destination = UnsafeMutableRawPointer(output.baseAddress) else { return }
                let destinationRowBytes = total * inner * scalarBytes
                var offset = 0
                for tensor in tensors {
                    let rowBytes = tensor.shape[resolved] * inner * scalarBytes
                    tensor.withUnsafeBufferPointer { input in
                        guard let source = UnsafeRawPointer(input.baseAddress), rowBytes > 0 else { return }
                        for o in 0..<outer {
                            (destination + o * destinationRowBytes + offset).copyMemory(from: source + o * rowBytes, byteCount: rowBytes)
                        }
                    }
                    offset += rowBytes
                }
            }
        }
        return Tensor(shape: newShape) { output in
            var columnOffset = 0
            for tensor in tensors {
                let width = tensor.shape[resolved] * inner
                tensor.withUnsafeBufferPointer { input in
                    copyStrided([CopyAxis(extent: outer, sourceStride: width, destinationStride: total * inner),
                                 CopyAxis(extent: width, sourceStride: 1, destinationStride: 1)],
                                from: input, into: output, destinationOffset: columnOffset)
                }
                columnOffset += width
            }
        }
    }

    /// Joins equally shaped tensors along a new axis (numpy `stack`). Traps when the shapes differ, naming the
    /// disagreeing shape and its position (``checkedStack(_:axis:)`` throws).
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        do { return try checkedStack(tensors, axis: axis) } catch { preconditionFailure(error.description) }
    }

    /// Throwing form of ``stack(_:axis:)``.
    /// - Throws: ``TensorError/shapeMismatch(_:)`` naming the disagreeing shape and its position;
    ///   ``TensorError/invalidArgument(_:)`` for an empty list or a bad axis.
    public static func checkedStack(_ tensors: [Tensor], axis: Int = 0) throws(TensorError) -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument("stack needs at least one tensor") }
        let resolved = axis < 0 ? axis + first.rank + 1 : axis
        guard resolved >= 0 && resolved <= first.rank else {
            throw TensorError.invalidArgument("stack: axis \(axis) is out of range for shape \(first.shape)")
        }
        for (position, tensor) in tensors.enumerated() where tensor.shape != first.shape {
            throw TensorError.shapeMismatch("stack: tensor \(position) has shape \(tensor.shape), expected \(first.shape)")
        }
        return try checkedConcatenate(tensors.map { $0.expandingShape(at: resolved) }, axis: resolved)
    }
}

/// numpy `concatenate(tensors, axis)`; traps on disagreeing shapes (``Tensor/checkedConcatenate(_:axis:)`` throws).
public func concatenate<S: TensorScalar>(_ tensors: [Tensor<S>], axis: Int = 0) -> Tensor<S> {
    Tensor.concatenate(tensors, axis: axis)
}

/// numpy `stack(tensors, axis)`; traps on disagreeing shapes (``Tensor/checkedStack(_:axis:)`` throws).
public func stack<S: TensorScalar>(_ tensors: [Tensor<S>], axis: Int = 0) -> Tensor<S> {
    Tensor.stack(tensors, axis: axis)
}

/// Copies whole rows of plain bits: row `p` of the destination is row `sourceRows[p]` of the source, for `p`
/// in `positions`. Rows of one scalar go through a concrete element loop (a memcpy call per 4 bytes would
/// cost more than the copy).
func copyRows(into destination: UnsafeMutableRawPointer, from source: UnsafeRawPointer, rowBytes: Int,
              positions: Range<Int>, sourceRows: UnsafeBufferPointer<Int>) {
    func elements<T>(_ type: T.Type) {
        let d = destination.assumingMemoryBound(to: T.self), s = source.assumingMemoryBound(to: T.self)
        for p in positions { d[p] = s[sourceRows[p]] }
    }
    switch rowBytes {
    case 4: elements(UInt32.self)
    case 8: elements(UInt64.self)
    case 1: elements(UInt8.self)
    default:
        for p in positions {
            (destination + p * rowBytes).copyMemory(from: source + sourceRows[p] * rowBytes, byteCount: rowBytes)
        }
    }
}
