import SwiftLearnSystem

// Concrete copy loops behind conversions, transposes, joins, gathers and slices.
//
// A `Tensor` method reached from another module runs unspecialized: a loop over a generic `Scalar` would
// pay a value-witness call per element. Every copy here is therefore written on a concrete type chosen
// from the scalar's byte width (an `Int32` and a `Float` move the same 4 bytes), and the generic methods
// only pick the loop.

/// Splits work over disjoint ranges of an output, on up to `Parallelism.threadCount` threads.
///
/// The split depends on nothing but the element count and the thread count, and every element is written
/// by exactly one part with the same arithmetic as on one thread, so results are bit-identical for any
/// thread count.
enum OutputSplit {
    /// Bytes a part must move before a second thread pays for waking it on the 2-core reference machine
    /// (see Benchmarks/README.md, "tensor-api-bench").
    static let minimumBytesPerPart = 1 << 20

    /// Calls `body` with consecutive ranges covering `0..<count`, concurrently when each part would move at
    /// least ``minimumBytesPerPart`` bytes (`bytesPerItem` per index).
    static func run(count: Int, bytesPerItem: Int, _ body: (Range<Int>) -> Void) {
        let parts = Swift.min(Parallelism.threadCount, count * Swift.max(1, bytesPerItem) / minimumBytesPerPart)
        if parts <= 1 {
            body(0..<count)
            return
        }
        // Part boundaries on multiples of 64 items keep each thread's writes on its own cache lines.
        let step = ((count + parts - 1) / parts + 63) & ~63
        Parallelism.run(parts) { part in
            let start = Swift.min(count, part * step)
            let end = Swift.min(count, start + step)
            if start < end { body(start..<end) }
        }
    }
}

/// The unsigned integer type of a scalar's byte width, for moving scalars as bits.
enum ScalarBits {
    case one, two, four, eight

    /// `nil` for widths without a bit-pattern type and for types that are not plain bits (a conforming type
    /// holding references must be copied as values).
    init?<Scalar>(_ type: Scalar.Type) {
        guard _isPOD(Scalar.self) else { return nil }
        switch MemoryLayout<Scalar>.stride {
        case 1: self = .one
        case 2: self = .two
        case 4: self = .four
        case 8: self = .eight
        default: return nil
        }
    }
}

/// One axis of a strided copy: its extent and the stride of a step along it, in elements, on each side.
struct CopyAxis: Equatable {
    var extent: Int
    var sourceStride: Int
    var destinationStride: Int
}

/// Drops extent-1 axes and merges neighbours that stay contiguous on both sides; the element order of the
/// copy is unchanged.
func simplifiedCopyAxes(_ axes: [CopyAxis]) -> [CopyAxis] {
    var result: [CopyAxis] = []
    for axis in axes where axis.extent != 1 {
        if let last = result.last, last.sourceStride == axis.sourceStride * axis.extent,
           last.destinationStride == axis.destinationStride * axis.extent {
            result[result.count - 1] = CopyAxis(extent: last.extent * axis.extent, sourceStride: axis.sourceStride,
                                                destinationStride: axis.destinationStride)
        } else {
            result.append(axis)
        }
    }
    return result
}

/// ``stridedCopy(_:source:destination:axes:)`` on the unsigned type of a scalar's width. Not generic, so that
/// each call below is compiled for its concrete type even when the caller is generic over `Scalar`.
func stridedCopy(_ bits: ScalarBits, source: UnsafeRawPointer, destination: UnsafeMutableRawPointer, axes: [CopyAxis]) {
    switch bits {
    case .one: stridedCopy(UInt8.self, source: source.assumingMemoryBound(to: UInt8.self),
                           destination: destination.assumingMemoryBound(to: UInt8.self), axes: axes)
    case .two: stridedCopy(UInt16.self, source: source.assumingMemoryBound(to: UInt16.self),
                           destination: destination.assumingMemoryBound(to: UInt16.self), axes: axes)
    case .four: stridedCopy(UInt32.self, source: source.assumingMemoryBound(to: UInt32.self),
                            destination: destination.assumingMemoryBound(to: UInt32.self), axes: axes)
    case .eight: stridedCopy(UInt64.self, source: source.assumingMemoryBound(to: UInt64.self),
                             destination: destination.assumingMemoryBound(to: UInt64.self), axes: axes)
    }
}

/// Copies a strided region: `destination[Σ iₖ·dₖ] = source[Σ iₖ·sₖ]` over every index of `axes`
/// (outermost first, at least one axis).
///
/// Three shapes of copy cover every permutation, slice and join:
///  * the innermost axis is contiguous on both sides: one block move per run;
///  * the innermost destination axis is strided in the source but another axis is contiguous there
///    (a transpose): square tiles over those two axes, so that reads and writes both stay in cache;
///  * otherwise a strided element loop.
func stridedCopy<T>(_ type: T.Type, source: UnsafePointer<T>, destination: UnsafeMutablePointer<T>, axes: [CopyAxis]) {
    let innermost = axes[axes.count - 1]
    let tileAxis = innermost.sourceStride == 1 ? nil : axes.indices.dropLast().last { axes[$0].sourceStride == 1 }
    let outer = axes.indices.dropLast().filter { $0 != tileAxis }.map { axes[$0] }
    var odometer = StridedOdometer(extents: outer.map(\.extent),
                                   strides: [outer.map(\.sourceStride), outer.map(\.destinationStride)])
    for _ in 0..<odometer.blocks {
        let s = source + odometer.offsets[0], d = destination + odometer.offsets[1]
        if let tileAxis {
            transposeTiles(s, d, rows: axes[tileAxis].extent, rowDestinationStride: axes[tileAxis].destinationStride,
                           columns: innermost.extent, columnSourceStride: innermost.sourceStride)
        } else if innermost.sourceStride == 1 && innermost.destinationStride == 1 {
            d.update(from: s, count: innermost.extent)
        } else {
            let ss = innermost.sourceStride, ds = innermost.destinationStride
            for i in 0..<innermost.extent { d[i * ds] = s[i * ss] }
        }
        odometer.advance()
    }
}

/// `destination[c·rows + r] = source[r·columns + c]`: the transpose of a row-major `rows x columns` matrix, on
/// the unsigned type of the scalar's width (one specialization per width, whatever the caller's `Scalar`).
func transposeMatrix(_ bits: ScalarBits, source: UnsafeRawPointer, destination: UnsafeMutableRawPointer, rows: Int, columns: Int) {
    func tiles<T>(_: T.Type) {
        // Destination row i (source column i) is filled from source rows 0..<rows, `columns` apart.
        transposeTiles(source.assumingMemoryBound(to: T.self), destination.assumingMemoryBound(to: T.self), rows: columns,
                       rowDestinationStride: rows, columns: rows, columnSourceStride: columns)
    }
    switch bits {
    case .one: tiles(UInt8.self)
    case .two: tiles(UInt16.self)
    case .four: tiles(UInt32.self)
    case .eight: tiles(UInt64.self)
    }
}

/// The offsets of several operands while stepping through every index of `extents` in row-major order.
struct StridedOdometer {
    let extents: [Int]
    /// `strides[operand][axis]`, in elements.
    let strides: [[Int]]
    /// Each operand's offset at the current index.
    private(set) var offsets: [Int]
    private var index: [Int]

    init(extents: [Int], strides: [[Int]]) {
        self.extents = extents
        self.strides = strides
        offsets = [Int](repeating: 0, count: strides.count)
        index = [Int](repeating: 0, count: extents.count)
    }

    /// The number of indices (1 for no axes).
    var blocks: Int { extents.reduce(1, *) }

    /// Moves to the next index, the last axis fastest.
    mutating func advance() {
        var axis = extents.count - 1
        while axis >= 0 {
            index[axis] += 1
            for operand in offsets.indices { offsets[operand] += strides[operand][axis] }
            if index[axis] < extents[axis] { return }
            for operand in offsets.indices { offsets[operand] -= strides[operand][axis] * extents[axis] }
            index[axis] = 0
            axis -= 1
        }
    }
}

/// `d[r·rowDestinationStride + c] = s[r + c·columnSourceStride]` for `r < rows`, `c < columns`, in square
/// tiles whose source and destination lines both stay in L1.
@inline(__always)
func transposeTiles<T>(_ s: UnsafePointer<T>, _ d: UnsafeMutablePointer<T>, rows: Int,
                       rowDestinationStride: Int, columns: Int, columnSourceStride: Int) {
    if T.self == UInt32.self || T.self == UInt64.self {
        let fullRows = rows & ~7, fullColumns = columns & ~7
        if T.self == UInt32.self {
            transposeBlocks(UnsafeRawPointer(s).assumingMemoryBound(to: UInt32.self),
                            UnsafeMutableRawPointer(d).assumingMemoryBound(to: UInt32.self), rows: fullRows,
                            rowDestinationStride: rowDestinationStride, columns: fullColumns, columnSourceStride: columnSourceStride)
        } else {
            transposeBlocks(UnsafeRawPointer(s).assumingMemoryBound(to: UInt64.self),
                            UnsafeMutableRawPointer(d).assumingMemoryBound(to: UInt64.self), rows: fullRows,
                            rowDestinationStride: rowDestinationStride, columns: fullColumns, columnSourceStride: columnSourceStride)
        }
        // The edges the 8x8 blocks leave: the last columns of the blocked rows, then the last rows.
        for r in 0..<fullRows {
            for c in fullColumns..<columns { d[r * rowDestinationStride + c] = s[r + c * columnSourceStride] }
        }
        transposeScalarTiles(s + fullRows, d + fullRows * rowDestinationStride, rows: rows - fullRows,
                             rowDestinationStride: rowDestinationStride, columns: columns, columnSourceStride: columnSourceStride)
        return
    }
    transposeScalarTiles(s, d, rows: rows, rowDestinationStride: rowDestinationStride, columns: columns,
                         columnSourceStride: columnSourceStride)
}

/// ``transposeTiles(_:_:rows:rowDestinationStride:columns:columnSourceStride:)`` for `rows` and `columns` multiples
/// of 8, as 8x8 blocks transposed in registers (eight vector loads, 24 two-source shuffles, eight vector stores,
/// against 64 scalar moves). Blocks go down a strip of 64 destination rows, so each source line is read once and
/// each source row is read in runs of 64 elements. The one-line strip (8 rows for Double, 16 for Float) lost to
/// numpy for Double at [100, 1000] (0.77-0.80x, 3 Dec); in a standalone probe of that shape (3 Dec 19:35 UTC, four
/// source/destination alignments) strips of 16 / 32 / 64 / 128 rows took 0.88-0.97 / 0.73-0.85 / 0.71-0.79 /
/// 0.70-0.83 of the 8-row time, the longer runs along each source row being what the prefetcher follows. Float
/// from 16 to 64 rows (3 Dec 20:14 and 20:16 UTC, `compare_tensor.py --baseline`, 9 and 11 rounds): [100, 1000]
/// 30.8 -> 22.9 and 39.5 -> 30.2 us, 1e7 27.9 -> 21.8 and 28.5 -> 21.7 ms.
@inline(__always)
func transposeBlocks<B: SIMDScalar & FixedWidthInteger>(_ s: UnsafePointer<B>, _ d: UnsafeMutablePointer<B>, rows: Int,
                                                        rowDestinationStride: Int, columns: Int, columnSourceStride: Int) {
    let strip = 64
    var stripStart = 0
    while stripStart < rows {
        let stripEnd = Swift.min(rows, stripStart + strip)
        var c = 0
        while c < columns {
            var r = stripStart
            while r < stripEnd {
                transpose8x8(s + (r &+ c &* columnSourceStride), sourceStride: columnSourceStride,
                             d + (r &* rowDestinationStride &+ c), destinationStride: rowDestinationStride)
                r += 8
            }
            c += 8
        }
        stripStart = stripEnd
    }
}

/// `d[i·destinationStride + j] = s[j·sourceStride + i]` for i, j < 8. Each of three rounds splits every pair of
/// rows (p, p + 4) into its even and odd elements; after three rounds slot row i holds source column
/// bitreverse(i), with source row bitreverse(p) in lane p, so rows are loaded and stored in bit-reversed order.
@inline(__always)
func transpose8x8<B: SIMDScalar & FixedWidthInteger>(_ s: UnsafePointer<B>, sourceStride: Int,
                                                     _ d: UnsafeMutablePointer<B>, destinationStride: Int) {
    let source = UnsafeRawPointer(s), destination = UnsafeMutableRawPointer(d)
    let size = MemoryLayout<B>.stride
    func row(_ i: Int) -> SIMD8<B> { source.loadUnaligned(fromByteOffset: i &* sourceStride &* size, as: SIMD8<B>.self) }
    func split(_ a: SIMD8<B>, _ b: SIMD8<B>) -> (SIMD8<B>, SIMD8<B>) {
        let joined = SIMD16(lowHalf: a, highHalf: b)
        return (joined.evenHalf, joined.oddHalf)
    }
    var r = (row(0), row(4), row(2), row(6), row(1), row(5), row(3), row(7))
    for _ in 0..<3 {
        let (a0, a1) = split(r.0, r.4), (a2, a3) = split(r.1, r.5)
        let (a4, a5) = split(r.2, r.6), (a6, a7) = split(r.3, r.7)
        r = (a0, a1, a2, a3, a4, a5, a6, a7)
    }
    func store(_ value: SIMD8<B>, _ i: Int) {
        destination.storeBytes(of: value, toByteOffset: i &* destinationStride &* size, as: SIMD8<B>.self)
    }
    store(r.0, 0); store(r.1, 4); store(r.2, 2); store(r.3, 6)
    store(r.4, 1); store(r.5, 5); store(r.6, 3); store(r.7, 7)
}

/// The scalar form of ``transposeTiles(_:_:rows:rowDestinationStride:columns:columnSourceStride:)``.
@inline(__always)
func transposeScalarTiles<T>(_ s: UnsafePointer<T>, _ d: UnsafeMutablePointer<T>, rows: Int,
                             rowDestinationStride: Int, columns: Int, columnSourceStride: Int) {
    let tile = 16
    var rowStart = 0
    while rowStart < rows {
        let rowEnd = Swift.min(rows, rowStart + tile)
        var columnStart = 0
        while columnStart < columns {
            let columnEnd = Swift.min(columns, columnStart + tile)
            for r in rowStart..<rowEnd {
                let destinationRow = d + r * rowDestinationStride
                let sourceColumn = s + r
                for c in columnStart..<columnEnd { destinationRow[c] = sourceColumn[c * columnSourceStride] }
            }
            columnStart = columnEnd
        }
        rowStart = rowEnd
    }
}

extension Tensor {
    /// Copies the strided region `axes` of `source` (from element `sourceOffset`) into `destination` (from
    /// `destinationOffset`), on the scalar's bit type, on several threads when large. Threads split `axes[0]`
    /// after simplification: a part is the same copy with a shorter first axis, so parts write disjoint
    /// destination elements.
    static func copyStrided(_ axes: [CopyAxis], from source: UnsafeBufferPointer<Scalar>, sourceOffset sourceStart: Int = 0,
                            into destination: UnsafeMutableBufferPointer<Scalar>, destinationOffset destinationStart: Int = 0) {
        var axes = simplifiedCopyAxes(axes)
        if axes.contains(where: { $0.extent == 0 }) { return }
        if axes.isEmpty { axes = [CopyAxis(extent: 1, sourceStride: 1, destinationStride: 1)] }
        guard let s = source.baseAddress.map({ $0 + sourceStart }),
              let d = destination.baseAddress.map({ $0 + destinationStart }) else { return }
        let total = axes.reduce(1) { $0 * $1.extent }
        let first = axes[0].extent
        let parts = Swift.min(Parallelism.threadCount, first, total * MemoryLayout<Scalar>.stride / OutputSplit.minimumBytesPerPart)
        nonisolated(unsafe) let (source, destination) = (s, d)
        let copy = { (range: Range<Int>) in
            var part = axes
            part[0].extent = range.count
            let partSource = source + range.lowerBound * axes[0].sourceStride
            let partDestination = destination + range.lowerBound * axes[0].destinationStride
            if let bits = ScalarBits(Scalar.self) {
                stridedCopy(bits, source: UnsafeRawPointer(partSource), destination: UnsafeMutableRawPointer(partDestination),
                            axes: part)
            } else {
                stridedCopy(Scalar.self, source: partSource, destination: partDestination, axes: part)
            }
        }
        if parts <= 1 {
            copy(0..<first)
        } else {
            let step = (first + parts - 1) / parts
            Parallelism.run(parts) { part in
                let start = Swift.min(first, part * step), end = Swift.min(first, start + step)
                if start < end { copy(start..<end) }
            }
        }
    }
}
