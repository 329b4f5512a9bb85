import SwiftLearnSystem
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Packing copies blocks of op(A) and op(B) into the layouts the microkernel streams through,
/// zero-padding partial micro-panels so the kernel always computes a full MR x NR tile.

/// Copies rows `rowStart..<rowStart+rows`, depth `depthStart..<depthStart+depth` of op(A) into
/// MR-row micro-panels: element (i, p) of micro-panel s lands at `panel[s*MR*depth + p*MR + i]`.
func packA<Scalar: GEMMScalar>(_ a: UnsafePointer<Scalar>, lda: Int, transposed: Bool,
           rowStart: Int, rows: Int, depthStart: Int, depth: Int, mr: Int,
           into panel: UnsafeMutablePointer<Scalar>) {
    var sliver = 0
    var row0 = 0
    while row0 < rows {
        let base = panel + sliver * mr * depth
        let height = Swift.min(mr, rows - row0)
        if transposed {
            // op(A)(i, p) = a[p * lda + i]: each depth step reads `height` contiguous floats.
            for p in 0..<depth {
                let source = a + (depthStart + p) * lda + rowStart + row0
                let target = base + p * mr
                for i in 0..<height { target[i] = source[i] }
                for i in height..<mr { target[i] = 0 }
            }
        } else if height == mr {
            // op(A)(i, p) = a[i * lda + p]: each row is read contiguously.
            for i in 0..<mr {
                let source = a + (rowStart + row0 + i) * lda + depthStart
                for p in 0..<depth { base[p * mr + i] = source[p] }
            }
        } else {
            // The bottom edge: write each depth step's MR floats in one contiguous pass, zeros included.
            let source = a + (rowStart + row0) * lda + depthStart
            for p in 0..<depth {
                for i in 0..<mr { base[p * mr + i] = i < height ? source[i * lda + p] : 0 }
            }
        }
        sliver += 1
        row0 += mr
    }
}

/// Copies micro-panels `sliverRange` of op(B)'s block at depth `depthStart..<depthStart+depth`,
/// columns from `colStart` (at most `cols`), into NR-wide micro-panels: element (p, j) of
/// micro-panel s lands at `panel[s*stride + p*NR + j]`, `stride` being `sliverStride` (by default
/// `depth*NR`, the micro-panels back to back). A last micro-panel narrower than NR is `edgeNR` wide
/// instead (`panel[s*stride + p*edgeNR + j]`), for the edge kernel. The packed path passes a stride of
/// `min(KC, k)*NR` so a micro-panel keeps its place in every slab, the last shallower one included.
func packB<Scalar: GEMMScalar>(_ b: UnsafePointer<Scalar>, ldb: Int, transposed: Bool,
           depthStart: Int, depth: Int, colStart: Int, cols: Int, nr panelNR: Int, edgeNR: Int,
           slivers sliverRange: Range<Int>, sliverStride: Int? = nil, into panel: UnsafeMutablePointer<Scalar>) {
    let stride = sliverStride ?? depth * panelNR
    precondition(stride >= depth * panelNR, "packB: micro-panels would overlap")
    for sliver in sliverRange {
        let base = panel + sliver * stride
        let col0 = sliver * panelNR
        let width = Swift.min(panelNR, cols - col0)
        let nr = width < panelNR ? edgeNR : panelNR
        if transposed {
            // op(B)(p, j) = b[j * ldb + p]: transpose 8x8 blocks in registers (4x faster than a
            // scalar gather for a 784x100 weight matrix), then the ragged right and bottom scalar.
            transpose(b + (colStart + col0) * ldb + depthStart, ld: ldb, rows: width, columns: depth, into: base, targetLD: nr)
            if width < nr {
                for p in 0..<depth { (base + p * nr + width).update(repeating: 0, count: nr - width) }
            }
        } else {
            for p in 0..<depth {
                copyRow(from: b + (depthStart + p) * ldb + colStart + col0, to: base + p * nr, count: width, zeroFillTo: nr)
            }
        }
    }
}

/// `target[c * targetLD + r] = source[r * ld + c]` for `r < rows`, `c < columns`: 8x8 blocks in
/// registers, then 4x4 blocks for a ragged right or bottom edge of four or more, scalar moves for the rest.
/// (The ragged parts were all scalar, with overflow checks: for a 10-row transpose, the write-back of a
/// 256x10 C run as Cᵀ, two of the ten rows cost as much as the other eight; perf, 2026-12-03.)
func transpose<Scalar: GEMMScalar>(_ source: UnsafePointer<Scalar>, ld: Int, rows: Int, columns: Int,
                                   into target: UnsafeMutablePointer<Scalar>, targetLD: Int) {
    @inline(__always) func scalarBlock(rows r0: Int, _ r1: Int, columns c0: Int, _ c1: Int) {
        for r in r0..<r1 {
            for c in c0..<c1 { target[c &* targetLD &+ r] = source[r &* ld &+ c] }
        }
    }
    var r = 0
    while r + 8 <= rows {
        var c = 0
        while c + 8 <= columns {
            transpose8x8(source + r * ld + c, ld, into: target + c * targetLD + r, targetLD)
            c += 8
        }
        if c + 4 <= columns {
            transpose4x4(source + r * ld + c, ld, into: target + c * targetLD + r, targetLD)
            transpose4x4(source + (r + 4) * ld + c, ld, into: target + c * targetLD + r + 4, targetLD)
            c += 4
        }
        scalarBlock(rows: r, r + 8, columns: c, columns)
        r += 8
    }
    if r + 4 <= rows {
        var c = 0
        while c + 4 <= columns {
            transpose4x4(source + r * ld + c, ld, into: target + c * targetLD + r, targetLD)
            c += 4
        }
        scalarBlock(rows: r, r + 4, columns: c, columns)
        r += 4
    }
    scalarBlock(rows: r, rows, columns: 0, columns)
}

/// `target[c * targetLD + r] = source[r * ld + c]` for `r < rows`, `c < columns`, in the register blocks SGEMM
/// packs a transposed B with (see `transpose`): for callers that run a product transposed themselves and write
/// it back (a Dense layer's column panels compute `yₚᵀ` and move it into y's columns).
public func transposeBlock(_ source: UnsafePointer<Float>, ld: Int, rows: Int, columns: Int,
                           into target: UnsafeMutablePointer<Float>, targetLD: Int) {
    transpose(source, ld: ld, rows: rows, columns: columns, into: target, targetLD: targetLD)
}

/// Writes the transpose of the 8x8 block at `source` (row stride `ld`) to `target` (row stride
/// `targetLD`), as four 4x4 blocks: in a standalone timing (2026-12-03, Zen 4) these ran a 32x96 transpose in
/// 0.11 ns per element against 0.14-0.17 for one 8x8 lane gather, which the compiler turns into broadcasts
/// and blends.
@inline(__always)
func transpose8x8<Scalar: GEMMScalar>(_ source: UnsafePointer<Scalar>, _ ld: Int,
                                      into target: UnsafeMutablePointer<Scalar>, _ targetLD: Int) {
    transpose4x4(source, ld, into: target, targetLD)
    transpose4x4(source + 4, ld, into: target + 4 * targetLD, targetLD)
    transpose4x4(source + 4 * ld, ld, into: target + 4, targetLD)
    transpose4x4(source + 4 * ld + 4, ld, into: target + 4 * targetLD + 4, targetLD)
}

/// The 4x4 transpose: rows (a, b) and (c, d) split into their even and odd lanes, then again.
@inline(__always)
func transpose4x4<Scalar: GEMMScalar>(_ source: UnsafePointer<Scalar>, _ ld: Int,
                                      into target: UnsafeMutablePointer<Scalar>, _ targetLD: Int) {
    typealias Quad = SIMD4<Scalar>
    @inline(__always) func load(_ r: Int) -> Quad { UnsafeRawPointer(source + r * ld).loadUnaligned(as: Quad.self) }
    let ab = SIMD8(lowHalf: load(0), highHalf: load(1)), cd = SIMD8(lowHalf: load(2), highHalf: load(3))
    let even = SIMD8(lowHalf: ab.evenHalf, highHalf: cd.evenHalf), odd = SIMD8(lowHalf: ab.oddHalf, highHalf: cd.oddHalf)
    let output = UnsafeMutableRawPointer(target), rowBytes = targetLD * MemoryLayout<Scalar>.stride
    output.storeBytes(of: even.evenHalf, as: Quad.self)
    output.storeBytes(of: odd.evenHalf, toByteOffset: rowBytes, as: Quad.self)
    output.storeBytes(of: even.oddHalf, toByteOffset: 2 * rowBytes, as: Quad.self)
    output.storeBytes(of: odd.oddHalf, toByteOffset: 3 * rowBytes, as: Quad.self)
}

/// A 64-byte aligned scratch allocation from `PackingBufferPool`. Its contents are left from earlier
/// use: callers write before they read (packing fills every element, zero padding included).
struct AlignedBuffer<Scalar: GEMMScalar> {
    let pointer: UnsafeMutablePointer<Scalar>
    private let bytes: Int
    init(count: Int) {
        (bytes, pointer) = PackingBufferPool.take(bytes: Swift.max(1, count) * MemoryLayout<Scalar>.stride, as: Scalar.self)
    }
    func deallocate() { PackingBufferPool.give(UnsafeMutableRawPointer(pointer), bytes: bytes) }
}

/// Packing buffers kept between calls. A fresh allocation of a few hundred KiB is an `mmap` whose
/// pages fault in one by one on first touch: for a 256^3 product that cost more than a fifth of the
/// call. Buffers are handed out under a lock (calls may run on several threads at once) and kept,
/// at most `keep` of them. The lock is `Locked` (a pthread mutex), not `Synchronization.Mutex`, whose
/// futex ThreadSanitizer cannot see: a buffer written by one thread and reused by another must carry a
/// happens-before edge the CI's TSan run recognizes.
///
/// Of the buffers of the smallest fitting size, the one the calling thread gave back last is preferred: when
/// two cores run products side by side (a layer's two column panels in training), each then gets the buffer
/// whose lines are still in its own cache, instead of writing lines the other core holds modified.
enum PackingBufferPool {
    private static let free = Locked<[(address: Int, bytes: Int, owner: UInt)]>([])
    private static let keep = 16
    /// Allocations are rounded up to this, so buffers of nearby sizes serve each other.
    private static let granule = 64 * 1024

    /// The calling thread, as the owner recorded with a buffer given back.
    private static var currentThread: UInt {
        #if canImport(Glibc)
        UInt(pthread_self())
        #else
        UInt(bitPattern: pthread_self())
        #endif
    }

    /// A buffer of at least `bytes`, bound to `Scalar`; returns its real size for `give`.
    static func take<Scalar>(bytes: Int, as _: Scalar.Type) -> (Int, UnsafeMutablePointer<Scalar>) {
        let me = currentThread
        let reused = free.withLock { buffers -> (address: Int, bytes: Int, owner: UInt)? in
            // The smallest that fits, this thread's own among equals, found without building an array (this
            // runs on every call).
            var best = -1
            for index in buffers.indices where buffers[index].bytes >= bytes {
                if best < 0 || buffers[index].bytes < buffers[best].bytes
                    || (buffers[index].bytes == buffers[best].bytes && buffers[index].owner == me && buffers[best].owner != me) {
                    best = index
                }
            }
            return best < 0 ? nil : buffers.remove(at: best)
        }
        let (raw, size): (UnsafeMutableRawPointer, Int)
        if let reused {
            (raw, size) = (UnsafeMutableRawPointer(bitPattern: reused.address)!, reused.bytes)
        } else {
            size = (bytes + granule - 1) / granule * granule
            raw = freshBuffer(bytes: size)
        }
        return (size, raw.bindMemory(to: Scalar.self, capacity: size / MemoryLayout<Scalar>.stride))
    }

    /// From 4 MiB up (a padded copy of a 2048-wide B is 16 MiB) a fresh buffer gets transparent huge pages
    /// (`HugePages`), as `Tensor` and numpy allocate large arrays: with 4 KiB pages the direct path's 32-wide
    /// column of B spans a page per 32 rows, and the kernel pays TLB misses on every step of every tile.
    private static func freshBuffer(bytes: Int) -> UnsafeMutableRawPointer {
        HugePages.allocate(byteCount: bytes)
    }

    static func give(_ raw: UnsafeMutableRawPointer, bytes: Int) {
        let me = currentThread
        let evicted = free.withLock { buffers -> (address: Int, bytes: Int, owner: UInt)? in
            buffers.append((Int(bitPattern: raw), bytes, me))
            guard buffers.count > keep, let smallest = buffers.indices.min(by: { buffers[$0].bytes < buffers[$1].bytes })
            else { return nil }
            return buffers.remove(at: smallest)
        }
        if let evicted { UnsafeMutableRawPointer(bitPattern: evicted.address)!.deallocate() }
    }
}

/// Runs `body` with a scratch of `count` scalars: on the stack when small (tiny products are
/// dominated by allocator calls otherwise), on the heap when large. Callers write before they
/// read: packing fills every element including the zero padding.
@inline(__always)
func withScratch<Scalar: GEMMScalar, R>(_: Scalar.Type, _ count: Int, _ body: (UnsafeMutablePointer<Scalar>) -> R) -> R {
    if count * MemoryLayout<Scalar>.stride <= 16 * 1024 {
        return withUnsafeTemporaryAllocation(of: Scalar.self, capacity: Swift.max(1, count)) { buffer in
            body(buffer.baseAddress!)
        }
    }
    let buffer = AlignedBuffer<Scalar>(count: count)
    defer { buffer.deallocate() }
    return body(buffer.pointer)
}

/// Runs the kernel on a tile of which only `rows x cols` lie inside C, through a scratch tile.
///
/// The scratch holds C's values first (when beta is not 0), so the kernel performs the same
/// operations on every element as on a full tile: edge elements round exactly like interior ones.
@inline(__always)
func runEdgeTile<Scalar: GEMMScalar>(_ kernel: GEMMKernel<Scalar>, k: Int,
                                     a: UnsafePointer<Scalar>, aRowStride: Int, aDepthStride: Int,
                                     b: UnsafePointer<Scalar>, bDepthStride: Int,
                                     alpha: Scalar, beta: Scalar,
                                     c: UnsafeMutablePointer<Scalar>, ldc: Int, rows: Int, cols: Int,
                                     scratch: UnsafeMutablePointer<Scalar>) {
    let nr = kernel.nr
    if beta != 0 { copyTile(from: c, ldc, to: scratch, nr, rows: rows, cols: cols) }
    kernel.run(k, a, aRowStride, aDepthStride, b, bDepthStride, alpha, beta, scratch, nr)
    copyTile(from: scratch, nr, to: c, ldc, rows: rows, cols: cols)
}

/// Loads one element of every cache line of a `rows x cols` tile of C and returns their bits folded
/// together: a prefetch for a tile the kernel will read in its epilogue (pure Swift has no prefetch
/// instruction). Hand the result to `keepTouchedLoads` so the optimizer cannot drop the loads.
@inline(__always)
func touchTile<Scalar: GEMMScalar>(_ c: UnsafeMutablePointer<Scalar>, ldc: Int, rows: Int, cols: Int) -> UInt32 {
    let raw = UnsafeRawPointer(c)
    let stride = MemoryLayout<Scalar>.stride
    let lineElements = 64 / stride
    var bits: UInt32 = 0
    for i in 0..<rows {
        let row = raw + i * ldc * stride
        var j = 0
        while j < cols {
            bits ^= row.loadUnaligned(fromByteOffset: j * stride, as: UInt32.self)
            j += lineElements
        }
        // A row that does not start on a line boundary spills into one more line.
        bits ^= row.loadUnaligned(fromByteOffset: (cols - 1) * stride, as: UInt32.self)
    }
    return bits
}

/// The sink of `touchTile`'s loads: one relaxed atomic store per call keeps them observable.
func keepTouchedLoads(_ bits: UInt32) {
    touchedLoadsSink.store(bits, ordering: .relaxed)
}
private let touchedLoadsSink = Atomic<UInt32>(0)

/// Copies a `rows x cols` block between row strides (edge tiles are too small for memmove calls).
@inline(__always)
func copyTile<Scalar: GEMMScalar>(from source: UnsafePointer<Scalar>, _ sourceStride: Int,
                                  to target: UnsafeMutablePointer<Scalar>, _ targetStride: Int, rows: Int, cols: Int) {
    for i in 0..<rows {
        copyRow(from: source + i * sourceStride, to: target + i * targetStride, count: cols, zeroFillTo: cols)
    }
}

/// Copies `count` scalars and writes zeros after them up to `zeroFillTo`, in vectors where it can.
///
/// Rows here are 3-32 scalars: the plain loops this replaces became a `memset` call per row (and
/// scalar moves), which cost more than the packing itself for a 100-deep, 10-wide B (an MLP head).
/// Nothing outside `source[0..<count]` is read and nothing outside `target[0..<zeroFillTo]` written.
@inline(__always)
func copyRow<Scalar: GEMMScalar>(from source: UnsafePointer<Scalar>, to target: UnsafeMutablePointer<Scalar>,
                                 count: Int, zeroFillTo end: Int) {
    let input = UnsafeRawPointer(source), output = UnsafeMutableRawPointer(target)
    let size = MemoryLayout<Scalar>.stride
    // Zeros first (vector stores over the whole padding), then the data over them.
    var z = count
    while z + 4 <= end {
        output.storeBytes(of: SIMD4<Scalar>(), toByteOffset: z * size, as: SIMD4<Scalar>.self)
        z += 4
    }
    while z < end { target[z] = 0; z += 1 }
    var j = 0
    while j + 8 <= count {
        output.storeBytes(of: input.loadUnaligned(fromByteOffset: j * size, as: SIMD8<Scalar>.self), toByteOffset: j * size, as: SIMD8<Scalar>.self)
        j += 8
    }
    if j + 4 <= count {
        output.storeBytes(of: input.loadUnaligned(fromByteOffset: j * size, as: SIMD4<Scalar>.self), toByteOffset: j * size, as: SIMD4<Scalar>.self)
        j += 4
    }
    while j < count { target[j] = source[j]; j += 1 }
}
