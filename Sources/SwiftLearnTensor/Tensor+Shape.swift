/// Reordering, slicing, gathering and joining.
///
/// ```swift
/// let x = try Tensor<Float>(shape: [4, 3], scalars: (0..<12).map(Float.init))
/// x.transposed()                   // [3, 4]
/// x.rows(1..<3)                    // [2, 3], rows 1 and 2
/// x.gatheringRows([3, 0])          // a shuffled mini-batch
/// try Tensor.concatenate([x, x], axis: 1)   // [4, 6]
/// ```
extension Tensor {
    /// Axes reversed (numpy `.T`): for a matrix, the transpose. Rank 0 and 1 are returned unchanged.
    public func transposed() -> Tensor {
        guard rank >= 2 else { return self }
        if rank == 2 { return transposedMatrix() }
        return permuted(Array((0..<rank).reversed()))
    }

    /// Cache-blocked 2-D transpose.
    func transposedMatrix() -> Tensor {
        let rows = shape[0], columns = shape[1]
        let tile = 32
        return Tensor(shape: [columns, rows]) { output in
            withUnsafeBufferPointer { input in
                for rowStart in Swift.stride(from: 0, to: rows, by: tile) {
                    let rowEnd = Swift.min(rows, rowStart + tile)
                    for columnStart in Swift.stride(from: 0, to: columns, by: tile) {
                        let columnEnd = Swift.min(columns, columnStart + tile)
                        for r in rowStart..<rowEnd {
                            for c in columnStart..<columnEnd { output[c * rows + r] = input[r * columns + c] }
                        }
                    }
                }
            }
        }
    }

    /// numpy `transpose(axes)`: result axis `i` is input axis `axes[i]`.
    /// Precondition: `axes` is a permutation of `0..<rank` (negative axes count from the end).
    public func permuted(_ axes: [Int]) -> Tensor {
        do { return try permuting(axes) } catch { preconditionFailure(error.description) }
    }

    /// Throwing form of ``permuted(_:)``.
    /// - Throws: ``TensorError/invalidArgument(_:)`` naming the axes and the shape when `axes` is not a permutation.
    public func permuting(_ axes: [Int]) throws(TensorError) -> Tensor {
        let resolved = axes.map { $0 < 0 ? $0 + rank : $0 }
        guard resolved.count == rank, resolved.sorted() == Array(0..<rank) else {
            throw TensorError.invalidArgument("axes \(axes) are not a permutation of the axes of shape \(shape)")
        }
        if resolved == Array(0..<rank) { return self }
        if rank == 2 { return transposedMatrix() }
        let inputStrides = strides
        let newShape = resolved.map { shape[$0] }
        let newStrides = resolved.map { inputStrides[$0] }  // input stride of each output axis
        return Tensor(shape: newShape) { output in
            guard output.count > 0 else { return }
            withUnsafeBufferPointer { input in
                // Odometer over the output; the innermost output axis is a strided run of the input.
                let last = rank - 1
                let runLength = newShape[last], runStride = newStrides[last]
                var index = [Int](repeating: 0, count: rank)
                var offset = 0
                var position = 0
                while position < output.count {
                    for j in 0..<runLength { output[position + j] = input[offset + j * runStride] }
                    position += runLength
                    var axis = last - 1
                    while axis >= 0 {
                        index[axis] += 1
                        offset += newStrides[axis]
                        if index[axis] < newShape[axis] { break }
                        offset -= newStrides[axis] * newShape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
    }

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

    // MARK: Rows

    /// The number of rows (extent of axis 0). Precondition: rank >= 1.
    public var rowCount: Int {
        precondition(rank >= 1, "rowCount: a rank-0 tensor has no rows")
        return shape[0]
    }

    /// Elements per row (product of every axis after the first).
    var rowLength: Int { shape.dropFirst().reduce(1, *) }

    /// Rows `range` of axis 0 (a contiguous copy). Precondition: `range` within `0..<shape[0]`.
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "rows(\(range)): out of range for shape \(shape)")
        var newShape = shape
        newShape[0] = range.count
        let length = rowLength
        return Tensor(uncheckedShape: newShape,
                      scalars: Array(scalars[(range.lowerBound * length)..<(range.upperBound * length)]))
    }

    /// Rows `range` of axis 0 (`x[rows: 0..<32]`).
    public subscript(rows range: Range<Int>) -> Tensor { rows(range) }

    /// Row `index` of axis 0, with that axis removed (`x.row(0)` of a `[4, 3]` tensor has shape `[3]`).
    public func row(_ index: Int) -> Tensor {
        precondition(rank >= 1 && index >= 0 && index < shape[0], "row(\(index)): out of range for shape \(shape)")
        return rows(index..<(index + 1)).reshapedUnchecked(Array(shape.dropFirst()))
    }

    /// The rows at `indices` in that order (numpy `x[indices]`), e.g. a shuffled mini-batch.
    /// Precondition: every index in `0..<shape[0]`; ``gatherRows(_:)`` throws instead.
    public func gatheringRows(_ indices: [Int]) -> Tensor {
        do { return try gatherRows(indices) } catch { preconditionFailure(error.description) }
    }

    /// Throwing form of ``gatheringRows(_:)``.
    /// - Throws: ``TensorError/invalidArgument(_:)`` naming the bad index, its position and the shape.
    public func gatherRows(_ indices: [Int]) throws(TensorError) -> Tensor {
        guard rank >= 1 else { throw TensorError.invalidShape("cannot gather rows of a rank-0 tensor") }
        for (position, index) in indices.enumerated() where index < 0 || index >= shape[0] {
            throw TensorError.invalidArgument("row index \(index) at position \(position) is out of range for shape \(shape)")
        }
        var newShape = shape
        newShape[0] = indices.count
        let length = rowLength
        return Tensor(shape: newShape) { output in
            withUnsafeBufferPointer { input in
                guard let source = input.baseAddress, let destination = output.baseAddress else { return }
                for (position, index) in indices.enumerated() {
                    (destination + position * length).initialize(from: source + index * length, count: length)
                }
            }
        }
    }

    func reshapedUnchecked(_ newShape: [Int]) -> Tensor { Tensor(uncheckedShape: newShape, scalars: scalars) }

    // MARK: Joining

    /// Joins tensors along an existing axis (numpy `concatenate`).
    /// - Throws: ``TensorError/shapeMismatch(_:)`` naming the first disagreeing shape, its position and the
    ///   expected shape; ``TensorError/invalidArgument(_:)`` for an empty list or a bad axis.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) throws(TensorError) -> Tensor {
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
        return Tensor(shape: newShape) { output in
            guard let destination = output.baseAddress else { return }
            var columnOffset = 0
            for tensor in tensors {
                let width = tensor.shape[resolved] * inner
                tensor.withUnsafeBufferPointer { input in
                    guard let source = input.baseAddress else { return }
                    for o in 0..<outer {
                        (destination + o * total * inner + columnOffset).initialize(from: source + o * width, count: width)
                    }
                }
                columnOffset += width
            }
        }
    }

    /// Joins equally shaped tensors along a new axis (numpy `stack`).
    /// - Throws: ``TensorError/shapeMismatch(_:)`` naming the disagreeing shape and its position.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) throws(TensorError) -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument("stack needs at least one tensor") }
        let resolved = axis < 0 ? axis + first.rank + 1 : axis
        guard resolved >= 0 && resolved <= first.rank else {
            throw TensorError.invalidArgument("stack: axis \(axis) is out of range for shape \(first.shape)")
        }
        for (position, tensor) in tensors.enumerated() where tensor.shape != first.shape {
            throw TensorError.shapeMismatch("stack: tensor \(position) has shape \(tensor.shape), expected \(first.shape)")
        }
        return try concatenate(tensors.map { $0.expandingShape(at: resolved) }, axis: resolved)
    }
}

// MARK: - Scalar type conversion

extension Tensor {
    /// Converts every element from another scalar type: `Tensor<Float>(bytes) / 255`.
    ///
    /// Floating → integer rounds toward zero and clamps to the target range (NaN → 0); everything else is
    /// the usual IEEE conversion. Common pairs (UInt8/Int32/Double → Float, Float → Double) run as
    /// specialized loops.
    public init<Other: TensorScalar>(_ other: Tensor<Other>) {
        if Other.self == Scalar.self { self = unsafeBitCast(other, to: Tensor<Scalar>.self); return }
        let count = other.count
        let converted: [Scalar] = other.withUnsafeBufferPointer { input in
            if let result = Tensor.fastConversion(input) { return result }
            return [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
                for i in 0..<count { buffer[i] = Scalar(converting: input[i].doubleValue) }
                initialized = count
            }
        }
        self.init(uncheckedShape: other.shape, scalars: converted)
    }

    static func fastConversion<Other: TensorScalar>(_ input: UnsafeBufferPointer<Other>) -> [Scalar]? {
        func convert<A, B>(_ input: UnsafeBufferPointer<A>, _ transform: (A) -> B) -> [B] {
            [B](unsafeUninitializedCapacity: input.count) { buffer, initialized in
                for i in 0..<input.count { buffer[i] = transform(input[i]) }
                initialized = input.count
            }
        }
        func rebound<A>(_ type: A.Type) -> UnsafeBufferPointer<A> {
            UnsafeBufferPointer(start: UnsafeRawPointer(input.baseAddress)?.assumingMemoryBound(to: A.self), count: input.count)
        }
        switch (Other.self, Scalar.self) {
        case (is UInt8.Type, is Float.Type): return unsafeBitCast(convert(rebound(UInt8.self)) { Float($0) }, to: [Scalar].self)
        case (is Int32.Type, is Float.Type): return unsafeBitCast(convert(rebound(Int32.self)) { Float($0) }, to: [Scalar].self)
        case (is Double.Type, is Float.Type): return unsafeBitCast(convert(rebound(Double.self)) { Float($0) }, to: [Scalar].self)
        case (is Float.Type, is Double.Type): return unsafeBitCast(convert(rebound(Float.self)) { Double($0) }, to: [Scalar].self)
        case (is UInt8.Type, is Double.Type): return unsafeBitCast(convert(rebound(UInt8.self)) { Double($0) }, to: [Scalar].self)
        case (is Int32.Type, is Double.Type): return unsafeBitCast(convert(rebound(Int32.self)) { Double($0) }, to: [Scalar].self)
        default: return nil
        }
    }
}
