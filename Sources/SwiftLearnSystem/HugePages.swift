#if canImport(Glibc)
import Glibc
#endif

/// Transparent huge pages for large fresh buffers, asked for before their first write: the one place every
/// module (Tensor results, GEMM packing buffers, benchmark operands) allocates large memory the way numpy does.
///
/// Above glibc's mmap threshold (up to 32 MB) every allocation is a fresh mapping, and writing it faults in
/// one 4 KB page at a time: a 40 MB result pays ~10,000 faults, which cost more than the arithmetic (a fresh
/// 1e7-element add measured 16.0 ms with 4 KB pages, 4.8 ms with this advice), and a kernel walking a 32-wide
/// column of a 2048-wide matrix pays a TLB miss per 32 rows. With the kernel's THP mode at `madvise` (common,
/// and this machine's), only advised ranges get 2 MB pages; numpy advises arrays of 4 MB and more the same way.
/// Elsewhere (Darwin, Musl, a kernel without THP) the advice does nothing and ordinary pages stay: still correct.
///
/// ```swift
/// let buffer = HugePages.allocate(byteCount: 16 << 20)   // 2 MB-aligned, advised
/// defer { buffer.deallocate() }
/// ```
public enum HugePages {
    /// Buffers smaller than this keep ordinary pages (the same cut-off numpy uses).
    public static let minimumByteCount = 4 << 20
    /// The x86-64 and arm64 Linux transparent huge page.
    public static let pageSize = 2 << 20
    /// `MADV_POPULATE_WRITE` (Linux 5.14), spelled out for C headers that predate it.
    private static let populateWrite: Int32 = 23
    /// `MADV_COLLAPSE` (Linux 6.1): back a range with huge pages now, copying the 4 KB pages already present.
    private static let collapse: Int32 = 25

    /// Buffers from this size keep their whole mapping on huge pages (see `arrayCapacity(count:stride:)`); below
    /// it the extra capacity (up to 2 MB, touched as one huge page at the end) would be a large share.
    public static let wholeMappingMinimumByteCount = 16 << 20
    /// Bytes in front of a Swift array's first element in a fresh `malloc` block, rounded up: glibc's chunk
    /// header (16) and the array's object header (32), with room to spare.
    public static let arrayHeaderAllowance = 64

    /// The capacity to ask of `[T](unsafeUninitializedCapacity:)` for `count` elements of `stride` bytes so that
    /// the whole block, headers included, spans a multiple of 2 MB: from `wholeMappingMinimumByteCount` up,
    /// glibc serves such a request with a mapping of its own, which Linux (6.7 and later) places on a huge-page
    /// boundary when its length is a multiple of one, and `adviseArrayStorage(_:byteCount:)` can then put all of
    /// it, head and tail included, on huge pages. Smaller buffers get `count`.
    public static func arrayCapacity(count: Int, stride: Int) -> Int {
        let bytes = count * stride
        guard bytes >= wholeMappingMinimumByteCount, stride > 0 else { return count }
        let total = (bytes + arrayHeaderAllowance + pageSize - 1) / pageSize * pageSize
        return (total - arrayHeaderAllowance) / stride
    }

    /// A fresh array of `count` elements that `body` initializes completely, its storage advised before the first
    /// write: the one entry point for array storage (Tensor results), so the choice between whole-mapping advice
    /// (`adviseArrayStorage(_:byteCount:)`, storage from `wholeMappingMinimumByteCount` up sized by
    /// `arrayCapacity(count:stride:)`) and the aligned interior (`advise(_:byteCount:)`, when the block is not a
    /// mapping of its own or the kernel lacks `MADV_COLLAPSE`) is made here. The capacity past `count` is never
    /// initialized or part of the array.
    ///
    /// ```swift
    /// let squares = HugePages.array(of: Float.self, count: n) { buffer in for i in buffer.indices { buffer[i] = Float(i * i) } }
    /// ```
    @inlinable
    public static func array<T>(of _: T.Type, count: Int,
                                initializingWith body: (UnsafeMutableBufferPointer<T>) throws -> Void) rethrows -> [T] {
        let stride = MemoryLayout<T>.stride
        return try [T](unsafeUninitializedCapacity: arrayCapacity(count: count, stride: stride)) { buffer, initialized in
            let base = UnsafeMutableRawPointer(buffer.baseAddress)
            if !adviseArrayStorage(base, byteCount: buffer.count * stride) {
                advise(base, byteCount: count * stride)
            }
            try body(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
            initialized = count
        }
    }

    /// Uninitialized memory of `byteCount` bytes; from `minimumByteCount` up it starts on a huge-page boundary
    /// and is advised, below that it is 64-byte aligned. Release it with `deallocate()`.
    public static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let large = byteCount >= minimumByteCount
        let raw = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, byteCount), alignment: large ? pageSize : 64)
        advise(raw, byteCount: byteCount)
        return raw
    }

    /// Advice for a fresh Swift array's storage of `byteCount` bytes (its whole capacity) at `start`, sized by
    /// `arrayCapacity(count:stride:)`: when the block is a mapping of its own on a 2 MB boundary (the elements
    /// lie within `arrayHeaderAllowance` bytes past one, and the storage ends less than 4 KB before another), the
    /// whole mapping is advised, headers included (advice never changes contents), and its first huge page, where
    /// glibc and the array have already written their headers (a page touched before the advice stays 4 KB), is
    /// collapsed into a huge page. A fresh 40 MB Float add measured 7.46-7.70 ms with the head and tail in 4 KB
    /// pages (`advise(_:byteCount:)`) and 6.75-6.94 ms this way (standalone loop, 3 Dec 13:59 UTC). Returns false,
    /// having done nothing, for any other block or a kernel without `MADV_COLLAPSE`: then call
    /// `advise(_:byteCount:)` with the bytes in use (`array(of:count:initializingWith:)` makes that choice).
    @usableFromInline
    static func adviseArrayStorage(_ start: UnsafeMutableRawPointer?, byteCount: Int) -> Bool {
        #if canImport(Glibc)
        guard byteCount >= wholeMappingMinimumByteCount, let start else { return false }
        let address = Int(bitPattern: start)
        let mappingStart = address & ~(pageSize - 1)
        let mappingEnd = (address + byteCount + pageSize - 1) & ~(pageSize - 1)
        guard address - mappingStart <= arrayHeaderAllowance, mappingEnd - (address + byteCount) < 4096 else { return false }
        let mapping = UnsafeMutableRawPointer(bitPattern: mappingStart)
        return madvise(mapping, mappingEnd - mappingStart, MADV_HUGEPAGE) == 0 && madvise(mapping, pageSize, collapse) == 0
        #else
        return false
        #endif
    }

    /// Advises the huge-page-aligned interior of `byteCount` bytes at `start` (buffers below `minimumByteCount`
    /// are left alone) and prefaults its unaligned head and tail. Call it before the first write: pages already
    /// faulted in stay 4 KB. Never touches memory outside the buffer; the contents are not changed.
    @inline(__always)
    public static func advise(_ start: UnsafeMutableRawPointer?, byteCount: Int) {
        #if canImport(Glibc)
        guard byteCount >= minimumByteCount, let start else { return }
        let address = Int(bitPattern: start)
        let first = (address + pageSize - 1) & ~(pageSize - 1)
        let end = (address + byteCount) & ~(pageSize - 1)
        guard end > first else { return }
        // Advice only: failure (EINVAL on kernels without THP) leaves ordinary pages, which is still correct.
        _ = madvise(UnsafeMutableRawPointer(bitPattern: first), end - first, MADV_HUGEPAGE)
        // The unaligned head and tail (up to 2 MB each) stay in 4 KB pages: fault them in with one call each
        // instead of one trap per page (~570 traps per fresh 40 MB result). The pages are zeroed either way.
        // Fails harmlessly before Linux 5.14.
        let pageMask = 4095
        let headStart = address & ~pageMask, tailEnd = (address + byteCount + pageMask) & ~pageMask
        if first > headStart { _ = madvise(UnsafeMutableRawPointer(bitPattern: headStart), first - headStart, populateWrite) }
        if tailEnd > end { _ = madvise(UnsafeMutableRawPointer(bitPattern: end), tailEnd - end, populateWrite) }
        #endif
    }
}
