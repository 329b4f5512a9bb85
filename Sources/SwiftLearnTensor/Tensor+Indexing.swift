/// numpy basic slicing on any axes, boolean masks, and a zero-copy window onto rows.
///
/// ```swift
/// let x = Tensor<Float>.arange(12).reshaped([3, 4])
/// x[.all, 1..<3]                 // numpy x[:, 1:3]   → shape [3, 2]
/// x[.all, 2]                     // numpy x[:, 2]     → shape [3]
/// x[.stride(by: 2)]              // numpy x[::2]      → rows 0 and 2
/// x[.all, .stride(by: -1)]       // numpy x[:, ::-1]  → columns reversed
/// x[mask: x .> 5]                // numpy x[x > 5]    → shape [6]
/// x.rowsView(1..<3).sum()        // numpy x[1:3].sum(), no copy of the rows
/// ```
///
/// Slices follow numpy's rules: range bounds clamp to the axis and negative bounds count from the end
/// (`x[(-2)...]` is numpy's `x[-2:]`); an integer index removes its axis and must be inside the axis
/// (negative counts from the end), or the subscript traps naming the index and the shape. Missing trailing
/// indices mean whole axes. Unlike numpy, a slice is a copy (a `Tensor` owns contiguous storage); only
/// ``Tensor/rowsView(_:)`` reads without copying. `x[1, 2]` with integers only is the element subscript,
/// so it needs a full index: write `x.row(1)` or `x[1, .all]` for numpy's `x[1]` of a matrix.
extension Tensor {
    /// numpy basic indexing `x[i, a:b, ::s, ...]`, copied (see the type's notes on bounds).
    public subscript(_ indices: any TensorSliceConvertible...) -> Tensor { slice(indices.map(\.tensorSlice)) }

    /// numpy basic indexing from an array of per-axis slices, copied.
    public func slice(_ indices: [TensorSlice]) -> Tensor {
        precondition(indices.count <= rank, "slice: \(indices.count) indices for shape \(shape) (rank \(rank))")
        let sourceStrides = strides
        var start = 0
        var kept: [(extent: Int, stride: Int)] = []
        for axis in 0..<rank {
            let index = axis < indices.count ? indices[axis] : .all
            let extent = shape[axis]
            if let position = index.position {
                let resolved = position < 0 ? position + extent : position
                precondition(resolved >= 0 && resolved < extent,
                             "slice: index \(position) is out of range for axis \(axis) of shape \(shape)")
                start += resolved * sourceStrides[axis]
                continue
            }
            let (first, count) = index.resolvedRange(extent: extent)
            start += first * sourceStrides[axis]
            kept.append((count, index.step * sourceStrides[axis]))
        }
        let newShape = kept.map(\.extent)
        let destinationStrides = Tensor.rowMajorStrides(newShape)
        let axes = kept.indices.map {
            CopyAxis(extent: kept[$0].extent, sourceStride: kept[$0].stride, destinationStride: destinationStrides[$0])
        }
        return Tensor(shape: newShape) { output in
            withUnsafeBufferPointer { input in
                Tensor.copyStrided(axes, from: input, sourceOffset: start, into: output)
            }
        }
    }

    /// numpy boolean indexing `x[mask]`, copied: `mask.shape` must equal the leading axes of `shape`, and the
    /// result stacks the selected elements (or rows, for a mask over fewer axes) in row-major order, shape
    /// `[selected] + shape.dropFirst(mask.rank)`. An element of `mask` selects when it is non-zero (NaN
    /// selects, as `bool(nan)` is true). Traps naming both shapes when they disagree.
    public subscript<Mask: TensorScalar>(mask mask: Tensor<Mask>) -> Tensor {
        precondition(mask.rank <= rank && Array(shape.prefix(mask.rank)) == mask.shape,
                     "mask of shape \(mask.shape) does not match the leading axes of shape \(shape)")
        let flags = nonzeroFlags(mask)
        var selected: [Int] = []
        selected.reserveCapacity(flags.count)
        for (position, flag) in flags.enumerated() where flag != 0 { selected.append(position) }
        let inner = shape.dropFirst(mask.rank)
        return reshapedUnchecked([flags.count] + inner).gatheringRows(selected)
    }

    /// A read-only window onto rows `range` of axis 0 that shares this tensor's storage: O(1) at any size,
    /// where ``rows(_:)`` copies (numpy's `x[a:b]` is such a view). Value semantics still hold: writing to
    /// the tensor afterwards copies its storage and leaves the view unchanged.
    public func rowsView(_ range: Range<Int>) -> TensorRowsView<Scalar> {
        checkRows(range, "rowsView")
        return TensorRowsView(base: self, rows: range)
    }
}

/// Rows `rows` of a tensor, read in place (see ``Tensor/rowsView(_:)``).
///
/// ```swift
/// for start in stride(from: 0, to: x.shape[0], by: 32) {
///     let batch = x.rowsView(start..<min(start + 32, x.shape[0]))
///     batch.withUnsafeBufferPointer { consume($0) }   // no copy
///     let owned = batch.copy()                        // a Tensor, when one is needed
/// }
/// ```
public struct TensorRowsView<Scalar: TensorScalar>: Sendable {
    let base: Tensor<Scalar>
    /// The rows of the base tensor this view shows.
    public let rows: Range<Int>

    /// `[rows.count] + base.shape.dropFirst()`.
    public var shape: [Int] { [rows.count] + base.shape.dropFirst() }
    /// The number of elements.
    public var count: Int { rows.count * base.rowLength }
    /// The elements in row-major order, sharing the base tensor's storage.
    public var scalars: ArraySlice<Scalar> {
        base.scalars[(rows.lowerBound * base.rowLength)..<(rows.upperBound * base.rowLength)]
    }

    /// Calls `body` with the view's contiguous elements (a pointer into the base tensor's storage).
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// One element by its full index (the row index relative to the view).
    public subscript(_ index: Int...) -> Scalar {
        precondition(!index.isEmpty && index[0] >= 0 && index[0] < rows.count,
                     "index \(index) is out of range for a view of shape \(shape)")
        var full = index
        full[0] += rows.lowerBound
        return base.scalars[base.flatIndex(full)]
    }

    /// A view of rows `range` of this view (relative row numbers).
    public func rowsView(_ range: Range<Int>) -> TensorRowsView {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows.count,
                     "rowsView(\(range)): out of range for a view of shape \(shape)")
        return TensorRowsView(base: base, rows: (rows.lowerBound + range.lowerBound)..<(rows.lowerBound + range.upperBound))
    }

    /// The rows as a tensor of their own (one copy; numpy `x[a:b].copy()`).
    public func copy() -> Tensor<Scalar> { base.rows(rows) }

    /// The sum of the view's elements, in the same order as ``Tensor/sum()`` on a copy (bit-identical).
    public func sum() -> Scalar { reduce(.sum, "sum") }
    /// The largest element (NaN if any is NaN). Precondition: not empty.
    public func max() -> Scalar { reduce(.maximum, "max") }
    /// The smallest element (NaN if any is NaN). Precondition: not empty.
    public func min() -> Scalar { reduce(.minimum, "min") }

    private func reduce(_ operation: ReductionOperation, _ name: String) -> Scalar {
        precondition(operation == .sum || count > 0, "\(name): view of shape \(shape) is empty")
        return withUnsafeBufferPointer { operation == .sum ? Tensor<Scalar>.blockedSum($0) : Scalar.reduce(operation, $0) }
    }
}

extension TensorRowsView where Scalar: TensorFloatingPoint {
    /// The arithmetic mean (NaN for an empty view).
    public func mean() -> Scalar { sum() / Scalar(count) }
}

extension Tensor {
    /// The rows a view shows, copied into a tensor of their own.
    public init(_ view: TensorRowsView<Scalar>) { self = view.copy() }
}

// MARK: - Slice expressions

/// One axis of a numpy basic index: `start:stop:step`, or a single position that removes the axis.
///
/// Written as integers and Swift ranges (`2`, `1..<3`, `1...2`, `2...`, `..<3`) or with the static members
/// (`.all`, `.stride(from: 1, by: 2)`, `.stride(by: -1)`).
public struct TensorSlice: Sendable, Hashable {
    /// First index, or `nil` for the start (the end, for a negative step).
    public var start: Int?
    /// Index one past the last, or `nil` for the end (before the start, for a negative step).
    public var stop: Int?
    /// Distance between selected indices; negative walks backwards. Never 0.
    public var step: Int
    /// A single position: the axis is removed (numpy `x[:, 2]`).
    public var position: Int?

    /// numpy `start:stop:step`. Precondition: `step != 0`.
    public init(start: Int? = nil, stop: Int? = nil, step: Int = 1) {
        precondition(step != 0, "TensorSlice: step must not be zero")
        self.start = start
        self.stop = stop
        self.step = step
    }

    /// A single position (removes the axis).
    public init(position: Int) {
        self.step = 1
        self.position = position
    }

    /// The whole axis (numpy `:`).
    public static var all: TensorSlice { TensorSlice() }

    /// numpy `start:stop:step` with any bound left out (`.stride(by: 2)` is `::2`, `.stride(by: -1)` is `::-1`).
    public static func stride(from start: Int? = nil, to stop: Int? = nil, by step: Int) -> TensorSlice {
        TensorSlice(start: start, stop: stop, step: step)
    }

    /// numpy `PySlice_AdjustIndices`: the first index and the count for an axis of `extent`.
    func resolvedRange(extent: Int) -> (first: Int, count: Int) {
        func clamp(_ bound: Int?, _ whenMissing: Int, low: Int, high: Int) -> Int {
            guard let bound else { return whenMissing }
            let shifted = bound < 0 ? bound + extent : bound
            return Swift.min(high, Swift.max(low, shifted))
        }
        if step > 0 {
            let first = clamp(start, 0, low: 0, high: extent)
            let last = clamp(stop, extent, low: 0, high: extent)
            return (first, last > first ? (last - first + step - 1) / step : 0)
        }
        let first = clamp(start, extent - 1, low: -1, high: extent - 1)
        let last = clamp(stop, -1, low: -1, high: extent - 1)
        return (first, first > last ? (first - last - step - 1) / -step : 0)
    }
}

/// What can stand for one axis in `tensor[...]`: integers, Swift ranges of integers, and ``TensorSlice``.
public protocol TensorSliceConvertible {
    /// This index as a numpy slice.
    var tensorSlice: TensorSlice { get }
}

extension TensorSliceConvertible where Self == TensorSlice {
    /// The whole axis (numpy `:`).
    public static var all: TensorSlice { TensorSlice.all }
    /// numpy `start:stop:step` (`.stride(by: 2)` is `::2`).
    public static func stride(from start: Int? = nil, to stop: Int? = nil, by step: Int) -> TensorSlice {
        TensorSlice(start: start, stop: stop, step: step)
    }
}

extension TensorSlice: TensorSliceConvertible {
    public var tensorSlice: TensorSlice { self }
}

extension Int: TensorSliceConvertible {
    public var tensorSlice: TensorSlice { TensorSlice(position: self) }
}

extension Range: TensorSliceConvertible where Bound == Int {
    public var tensorSlice: TensorSlice { TensorSlice(start: lowerBound, stop: upperBound) }
}

extension ClosedRange: TensorSliceConvertible where Bound == Int {
    /// `a...b` is `a:b+1` (`b == -1` means through the end).
    public var tensorSlice: TensorSlice { TensorSlice(start: lowerBound, stop: upperBound == -1 ? nil : upperBound + 1) }
}

extension PartialRangeFrom: TensorSliceConvertible where Bound == Int {
    public var tensorSlice: TensorSlice { TensorSlice(start: lowerBound) }
}

extension PartialRangeUpTo: TensorSliceConvertible where Bound == Int {
    public var tensorSlice: TensorSlice { TensorSlice(stop: upperBound) }
}

extension PartialRangeThrough: TensorSliceConvertible where Bound == Int {
    public var tensorSlice: TensorSlice { TensorSlice(stop: upperBound == -1 ? nil : upperBound + 1) }
}

/// 1 where `mask` is non-zero (NaN included), 0 elsewhere, by a loop on the mask's concrete type.
func nonzeroFlags<Mask: TensorScalar>(_ mask: Tensor<Mask>) -> [UInt8] {
    mask.withUnsafeBufferPointer { values in
        guard let base = values.baseAddress else { return [] }
        let raw = UnsafeRawPointer(base)
        if Mask.self == Float.self { return nonzeroFlags(raw.assumingMemoryBound(to: Float.self), values.count) }
        if Mask.self == UInt8.self { return nonzeroFlags(raw.assumingMemoryBound(to: UInt8.self), values.count) }
        if Mask.self == Int32.self { return nonzeroFlags(raw.assumingMemoryBound(to: Int32.self), values.count) }
        if Mask.self == Double.self { return nonzeroFlags(raw.assumingMemoryBound(to: Double.self), values.count) }
        return values.map { $0 != 0 ? 1 : 0 }
    }
}

func nonzeroFlags(_ x: UnsafePointer<Float>, _ count: Int) -> [UInt8] { flagLoop(x, count) }
func nonzeroFlags(_ x: UnsafePointer<Double>, _ count: Int) -> [UInt8] { flagLoop(x, count) }
func nonzeroFlags(_ x: UnsafePointer<Int32>, _ count: Int) -> [UInt8] { flagLoop(x, count) }
func nonzeroFlags(_ x: UnsafePointer<UInt8>, _ count: Int) -> [UInt8] { flagLoop(x, count) }

@inline(__always)
private func flagLoop<T: Numeric>(_ x: UnsafePointer<T>, _ count: Int) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        for i in 0..<count { buffer[i] = x[i] != 0 ? 1 : 0 }
        initialized = count
    }
}
