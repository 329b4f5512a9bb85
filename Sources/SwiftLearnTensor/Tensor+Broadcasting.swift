/// numpy broadcasting: shapes are aligned at their trailing axes; two extents agree when equal or when one is 1.
///
/// The engine drops extent-1 axes, merges adjacent axes that stay contiguous for both operands, and then
/// runs the kernel hook over the innermost run, so `[N, M] + [M]` is N calls over M contiguous elements and
/// `[N, M] * [N, 1]` is N calls of a scalar broadcast: no per-element index arithmetic.
extension Tensor {
    /// The broadcast shape of two shapes, or `nil` when they are incompatible.
    ///
    /// `broadcastShape([8, 1, 6, 1], [7, 1, 5]) == [8, 7, 6, 5]`
    public static func broadcastShape(_ lhs: [Int], _ rhs: [Int]) -> [Int]? {
        if lhs == rhs { return lhs }
        let rank = Swift.max(lhs.count, rhs.count)
        var result = [Int](repeating: 1, count: rank)
        for axis in 0..<rank {
            let a = axis - (rank - lhs.count) >= 0 ? lhs[axis - (rank - lhs.count)] : 1
            let b = axis - (rank - rhs.count) >= 0 ? rhs[axis - (rank - rhs.count)] : 1
            if a == b || b == 1 { result[axis] = a } else if a == 1 { result[axis] = b } else { return nil }
        }
        return result
    }

    /// The broadcast shape or a ``TensorError/shapeMismatch(_:)`` naming both shapes and the operation.
    static func checkedBroadcastShape(_ lhs: [Int], _ rhs: [Int], _ operation: ElementwiseOperation) throws(TensorError) -> [Int] {
        guard let shape = broadcastShape(lhs, rhs) else {
            throw TensorError.shapeMismatch("cannot broadcast shapes \(lhs) and \(rhs) for \(operation)")
        }
        return shape
    }

    /// Applies `operation` with broadcasting; the shapes must already be known compatible.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Int32)
    @_specialize(where Scalar == UInt8)
    static func broadcasting(_ operation: ElementwiseOperation, _ lhs: Tensor, _ rhs: Tensor, resultShape: [Int]) -> Tensor {
        Tensor(shape: resultShape) { result in
            lhs.withUnsafeBufferPointer { a in
                rhs.withUnsafeBufferPointer { b in
                    broadcastKernel(operation, a, lhs.shape, b, rhs.shape, result, resultShape)
                }
            }
        }
    }

    /// Applies `operation` into `self`'s storage; `other` must broadcast to `self.shape`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Int32)
    @_specialize(where Scalar == UInt8)
    mutating func broadcastingInPlace(_ operation: ElementwiseOperation, _ other: Tensor, name: String) {
        guard let shape = Tensor.broadcastShape(shape, other.shape), shape == self.shape else {
            preconditionFailure("\(name): cannot broadcast shape \(other.shape) into shape \(self.shape)")
        }
        let selfShape = self.shape
        other.withUnsafeBufferPointer { b in
            withUnsafeMutableBufferPointer { a in
                Tensor.broadcastKernel(operation, UnsafeBufferPointer(a), selfShape, b, other.shape, a, selfShape)
            }
        }
    }

    /// The strided driver. `result` may be exactly `a` (in-place); otherwise buffers are disjoint.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Int32)
    @_specialize(where Scalar == UInt8)
    static func broadcastKernel(
        _ operation: ElementwiseOperation,
        _ a: UnsafeBufferPointer<Scalar>, _ aShape: [Int],
        _ b: UnsafeBufferPointer<Scalar>, _ bShape: [Int],
        _ result: UnsafeMutableBufferPointer<Scalar>, _ shape: [Int]
    ) {
        let count = result.count
        guard count > 0, let aBase = a.baseAddress, let bBase = b.baseAddress, let out = result.baseAddress else { return }
        // Fast paths: identical shapes or a single scalar on either side.
        if a.count == count && b.count == count || a.count == 1 || b.count == 1 {
            let aStride = a.count == 1 && count != 1 ? 0 : 1
            let bStride = b.count == 1 && count != 1 ? 0 : 1
            nonisolated(unsafe) let (pa, pb, po) = (aBase, bBase, out)
            ParallelChunks.run(count: count) { range in
                Scalar.elementwise(operation,
                                   lhs: pa + range.lowerBound * aStride, lhsStride: aStride,
                                   rhs: pb + range.lowerBound * bStride, rhsStride: bStride,
                                   result: po + range.lowerBound, count: range.count)
            }
            return
        }
        // General case: collapse to (outer axes…, one inner run).
        var axes = collapsedAxes(aShape, bShape, shape)
        let inner = axes.removeLast()
        let runLength = inner.extent
        let blocks = count / runLength
        nonisolated(unsafe) let (pa, pb, po) = (aBase, bBase, out)
        let outerAxes = axes
        let run = { (blockRange: Range<Int>) in
            // Odometer over the outer axes, started from the first block's coordinates.
            var index = [Int](repeating: 0, count: outerAxes.count)
            var aOffset = 0, bOffset = 0
            var remainder = blockRange.lowerBound
            for axis in outerAxes.indices.reversed() {
                index[axis] = remainder % outerAxes[axis].extent
                remainder /= outerAxes[axis].extent
                aOffset += index[axis] * outerAxes[axis].aStride
                bOffset += index[axis] * outerAxes[axis].bStride
            }
            for block in blockRange {
                Scalar.elementwise(operation, lhs: pa + aOffset, lhsStride: inner.aStride,
                                   rhs: pb + bOffset, rhsStride: inner.bStride,
                                   result: po + block * runLength, count: runLength)
                var axis = outerAxes.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    aOffset += outerAxes[axis].aStride
                    bOffset += outerAxes[axis].bStride
                    if index[axis] < outerAxes[axis].extent { break }
                    aOffset -= outerAxes[axis].aStride * outerAxes[axis].extent
                    bOffset -= outerAxes[axis].bStride * outerAxes[axis].extent
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        let minimumBlocks = Swift.max(2, ParallelChunks.Cost.memoryBound.minimumCount / runLength)
        ParallelChunks.run(count: blocks, minimumCount: minimumBlocks, alignment: 1, run)
    }

    struct BroadcastAxis { var extent: Int; var aStride: Int; var bStride: Int }

    /// Axes of the result with each operand's stride (0 where broadcast), extent-1 axes dropped and
    /// neighbours merged while both operands stay contiguous across them. Never empty.
    static func collapsedAxes(_ aShape: [Int], _ bShape: [Int], _ shape: [Int]) -> [BroadcastAxis] {
        func strides(_ operand: [Int]) -> [Int] {
            let padded = [Int](repeating: 1, count: shape.count - operand.count) + operand
            var result = [Int](repeating: 0, count: shape.count)
            var stride = 1
            for axis in padded.indices.reversed() {
                result[axis] = padded[axis] == 1 ? 0 : stride
                stride *= padded[axis]
            }
            return result
        }
        let aStrides = strides(aShape), bStrides = strides(bShape)
        var axes: [BroadcastAxis] = []
        for axis in shape.indices where shape[axis] != 1 {
            let next = BroadcastAxis(extent: shape[axis], aStride: aStrides[axis], bStride: bStrides[axis])
            if let last = axes.last,
               last.aStride == next.aStride * next.extent, last.bStride == next.bStride * next.extent {
                axes[axes.count - 1] = BroadcastAxis(extent: last.extent * next.extent,
                                                     aStride: next.aStride, bStride: next.bStride)
            } else {
                axes.append(next)
            }
        }
        if axes.isEmpty { axes.append(BroadcastAxis(extent: 1, aStride: 0, bStride: 0)) }
        return axes
    }
}
